"""The follow-ups pane's list model: who is due, one line each, under Overdue, Today and This
week, with the count of each (followups_delegate paints a line)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from netdesk.core.dates import describe_moment
from netdesk.store.reader import DueFollowUp
from netdesk.ui.widgets import OVERDUE_COLOR, plain_tooltip

FOLLOW_UP_ROLE = Qt.ItemDataRole.UserRole  # the follow-up id; 0 on a section heading
CONTACT_ROLE = Qt.ItemDataRole.UserRole + 1
SECTION_ROLE = Qt.ItemDataRole.UserRole + 2
DUE_ROLE = Qt.ItemDataRole.UserRole + 3  # when it falls due, in words
LABEL_ROLE = Qt.ItemDataRole.UserRole + 4  # the rule's short label
COUNT_ROLE = Qt.ItemDataRole.UserRole + 5  # a heading's count

OVERDUE, TODAY, THIS_WEEK = "Overdue", "Today", "This week"
SECTIONS = (OVERDUE, TODAY, THIS_WEEK)
# Overdue and Today hold who is due now (the app's one number, reader.due.count_due); This
# week, who falls due in the next days (later today included).
UPCOMING_DAYS = 7
# A section shows this many rows at most: thousands of overdue rows help nobody, and the
# heading still says how many there are.
SECTION_LIMIT = 200

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class _Row:
    section: str
    follow_up: DueFollowUp | None  # None: the section's heading
    text: str
    due: str = ""
    count: int = 0


def section_of(follow_up: DueFollowUp, now: dt.datetime) -> str:
    if follow_up.effective_at.date() < now.date():
        return OVERDUE
    if follow_up.effective_at <= now:
        return TODAY
    return THIS_WEEK


def _sections(
    follow_ups: Sequence[DueFollowUp], now: dt.datetime
) -> dict[str, tuple[list[DueFollowUp], int]]:
    """Each section's first rows and its size. The store's list knows where a moment falls
    (`index_at`), so thousands of overdue follow-ups are counted without being read."""
    today = dt.datetime.combine(now.date(), dt.time())
    index_at = getattr(follow_ups, "index_at", None)
    if index_at is not None:
        bounds = [0, index_at(today), index_at(now + dt.timedelta(microseconds=1)), len(follow_ups)]
    else:
        bounds = [
            0,
            sum(section_of(fu, now) == OVERDUE for fu in follow_ups),
            sum(section_of(fu, now) != THIS_WEEK for fu in follow_ups),
            len(follow_ups),
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

    @property
    def due_now(self) -> int:
        """How many people are due now: Overdue and Today together."""
        return self.counts[OVERDUE] + self.counts[TODAY]

    def set_follow_ups(self, follow_ups: Sequence[DueFollowUp], now: dt.datetime) -> None:
        grouped = _sections(follow_ups, now)
        rows: list[_Row] = []
        for section in SECTIONS:
            items, count = grouped[section]
            if not count:
                continue
            heading = section
            if count > SECTION_LIMIT:
                heading += f" (the first {SECTION_LIMIT} shown)"
            rows.append(_Row(section, None, heading, count=count))
            for fu in items:
                label = fu.rule.short_label
                due = describe_moment(fu.effective_at, now)
                rows.append(_Row(section, fu, f"{fu.contact_name} — {label} — {due}", due))
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
            return item.text if fu is not None else f"{item.text} ({item.count})"
        if role == Qt.ItemDataRole.ToolTipRole:
            if fu is None:
                return f"{item.text}: {item.count}"
            return plain_tooltip(f"{fu.contact_name}: {fu.sentence}\nDue {item.due}")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return item.text if fu is not None else f"{item.text}, {item.count}"
        if role == FOLLOW_UP_ROLE:
            return 0 if fu is None else fu.follow_up_id
        if role == CONTACT_ROLE:
            return 0 if fu is None else fu.contact_id
        if role == SECTION_ROLE:
            return item.section
        if role == DUE_ROLE:
            return item.due
        if role == LABEL_ROLE:
            return "" if fu is None else fu.rule.short_label
        if role == COUNT_ROLE:
            return item.count
        if role == Qt.ItemDataRole.ForegroundRole and item.section == OVERDUE and fu is None:
            return OVERDUE_COLOR
        return None
