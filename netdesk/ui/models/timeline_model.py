"""The timeline pane's table model: one contact's interactions, or recent activity, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from netdesk.core.dates import describe_day, full_date
from netdesk.core.domain import Direction
from netdesk.store.reader import TimelineEntry
from netdesk.ui.widgets import plain_tooltip

WHEN, KIND, CONTACT, SUMMARY, HELPED = range(5)
HEADERS = ("Date", "Kind", "Contact", "What happened", "What they did to help")
ID_ROLE = Qt.ItemDataRole.UserRole
CONTACT_ROLE = Qt.ItemDataRole.UserRole + 1

_DIRECTION = {
    Direction.OUTGOING: "you reached out",
    Direction.INCOMING: "they reached out",
    Direction.MUTUAL: "together",
}

Index = QModelIndex | QPersistentModelIndex


def _one_line(text: str) -> str:
    return " ".join(text.split())


class TimelineModel(QAbstractTableModel):
    """Holds the entries it was given; the pane decides which (a contact's, or everyone's)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[TimelineEntry] = []
        self._day = dt.date.min  # today, for "yesterday" and "3 days ago"
        # Recent activity names who each entry is about at the start of what happened (a
        # narrow pane has no room for a column of names).
        self.names_in_summary = False

    def set_entries(self, entries: Sequence[TimelineEntry], today: dt.date | None = None) -> None:
        """Show `entries`; their days are said relative to `today` when near it."""
        self.beginResetModel()
        self._entries = list(entries)
        if today is not None:
            self._day = today
        self.endResetModel()

    def entry(self, row: int) -> TimelineEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, interaction_id: int) -> int | None:
        for row, entry in enumerate(self._entries):
            if entry.interaction_id == interaction_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == ID_ROLE:
            return entry.interaction_id
        if role == CONTACT_ROLE:
            return entry.contact_id
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._tooltip(entry, column))
        return None

    @staticmethod
    def _tooltip(entry: TimelineEntry, column: int) -> str:
        if column == WHEN:
            return f"{full_date(entry.at.date())} at {entry.at:%H:%M}"
        if column == KIND:
            return f"{entry.kind.label} ({_DIRECTION.get(entry.direction, '')})"
        if column == SUMMARY:
            said = f"{entry.kind.label}: {entry.summary}" if entry.summary else entry.kind.label
            if entry.helped:
                return f"{said}\nWhat they did to help: {entry.helped}"
            return said
        if column == HELPED:
            return entry.helped
        return entry.contact_name

    def _display(self, entry: TimelineEntry, column: int) -> str:
        if column == WHEN:
            if entry.at == dt.datetime.min:
                return ""
            return describe_day(entry.at.date(), self._day, short=True)
        if column == KIND:
            return entry.kind.label
        if column == CONTACT:
            return entry.contact_name
        if column == SUMMARY:
            summary = _one_line(entry.summary) or entry.kind.label
            if self.names_in_summary:
                summary = f"{entry.contact_name}: {summary}"
            if entry.helped:
                return f"{summary}\nHelped: {_one_line(entry.helped)}"
            return summary
        if column == HELPED:
            return _one_line(entry.helped)
        return ""
