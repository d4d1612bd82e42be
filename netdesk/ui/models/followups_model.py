"""The follow-ups pane's list model: Overdue, Today and Upcoming sections of due follow-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette

from netdesk.store.reader import DueFollowUp
from netdesk.ui.widgets import OVERDUE_COLOR, plain_tooltip

FOLLOW_UP_ROLE = Qt.ItemDataRole.UserRole  # the follow-up id; 0 on a section heading
CONTACT_ROLE = Qt.ItemDataRole.UserRole + 1
SECTION_ROLE = Qt.ItemDataRole.UserRole + 2

OVERDUE, TODAY, UPCOMING = "Overdue", "Today", "Upcoming"
SECTIONS = (OVERDUE, TODAY, UPCOMING)
UPCOMING_DAYS = 14
# A section shows this many rows at most: thousands of overdue rows help nobody, and the
# heading still says how many there are.
SECTION_LIMIT = 200

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class _Row:
    section: str
    follow_up: DueFollowUp | None  # None: the section's heading
    text: str


def section_of(follow_up: DueFollowUp, now: dt.datetime) -> str:
    day = follow_up.effective_at.date()
    if day < now.date():
        return OVERDUE
    if day == now.date():
        return TODAY
    return UPCOMING


def _sections(
    follow_ups: Sequence[DueFollowUp], now: dt.datetime
) -> dict[str, tuple[list[DueFollowUp], int]]:
    """Each section's first rows and its size. The store's list knows where a moment falls
    (`index_at`), so thousands of overdue follow-ups are counted without being read."""
    today = dt.datetime.combine(now.date(), dt.time())
    index_at = getattr(follow_ups, "index_at", None)
    if index_at is not None:
        bounds = [0, index_at(today), index_at(today + dt.timedelta(days=1)), len(follow_ups)]
    else:
        days = [fu.effective_at.date() for fu in follow_ups]
        bounds = [
            0,
            sum(d < now.date() for d in days),
            sum(d <= now.date() for d in days),
            len(days),
        ]
    out = {}
    for i, section in enumerate(SECTIONS):
        start, end = bounds[i], bounds[i + 1]
        out[section] = (list(follow_ups[start : min(end, start + SECTION_LIMIT)]), end - start)
    return out


class FollowUpsModel(QAbstractListModel):
    """Section headings followed by their follow-ups, soonest first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self.counts: dict[str, int] = dict.fromkeys(SECTIONS, 0)

    def set_follow_ups(self, follow_ups: Sequence[DueFollowUp], now: dt.datetime) -> None:
        grouped = _sections(follow_ups, now)
        rows: list[_Row] = []
        for section in SECTIONS:
            items, count = grouped[section]
            if not count:
                continue
            heading = f"{section} ({count})"
            if count > SECTION_LIMIT:
                heading += f" — showing the first {SECTION_LIMIT}"
            rows.append(_Row(section, None, heading))
            for fu in items:
                rows.append(
                    _Row(section, fu, f"{fu.contact_name} — {fu.reason.label}\n{fu.sentence}")
                )
        self.beginResetModel()
        self._rows = rows
        self.counts = {s: grouped[s][1] for s in SECTIONS}
        self.endResetModel()

    def follow_up(self, row: int) -> DueFollowUp | None:
        return self._rows[row].follow_up if 0 <= row < len(self._rows) else None

    def row_of(self, follow_up_id: int) -> int | None:
        for row, item in enumerate(self._rows):
            if item.follow_up is not None and item.follow_up.follow_up_id == follow_up_id:
                return row
        return None

    def follow_up_ids(self) -> list[int]:
        return [r.follow_up.follow_up_id for r in self._rows if r.follow_up is not None]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].follow_up is None:
            return Qt.ItemFlag.ItemIsEnabled  # a heading: shown, never selected
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        fu = item.follow_up
        if role == Qt.ItemDataRole.DisplayRole:
            return item.text
        if role == Qt.ItemDataRole.ToolTipRole:
            if fu is None:
                return item.text
            due = fu.effective_at.strftime("%Y-%m-%d %H:%M")
            return plain_tooltip(f"{fu.contact_name}: {fu.sentence}\nDue {due}")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return item.text.replace("\n", ". ")
        if role == FOLLOW_UP_ROLE:
            return 0 if fu is None else fu.follow_up_id
        if role == CONTACT_ROLE:
            return 0 if fu is None else fu.contact_id
        if role == SECTION_ROLE:
            return item.section
        if fu is None:
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole and item.section == OVERDUE:
                return OVERDUE_COLOR
            if role == Qt.ItemDataRole.BackgroundRole:
                return QPalette().color(QPalette.ColorRole.AlternateBase)
        return None
