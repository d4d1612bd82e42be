"""The contact list's table model: ids ordered in SQL, row data fetched lazily in pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from netdesk.core import playbook
from netdesk.core.domain import TIE_LABELS, Tie
from netdesk.store import queries
from netdesk.store.models import db
from netdesk.ui.widgets import OVERDUE_COLOR, bold_font, plain_tooltip

NAME, COMPANY, TIE, LAST_CONTACT, NEXT_FOLLOW_UP = range(5)
HEADERS = ("Name", "Company", "Tie", "Last contact", "Next follow-up")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole

PAGE = 200  # rows fetched per query when the view asks for one it has not seen
CACHE_ROWS = 4_000  # rows kept; the least recently used page-worth goes first

# The ORDER BY of each column; the name (then id) breaks ties so the order is stable.
_ORDER = {
    NAME: "c.display_name COLLATE NOCASE {dir}, c.id {dir}",
    COMPANY: "co.name IS NULL, co.name COLLATE NOCASE {dir}, c.display_name COLLATE NOCASE, c.id",
    TIE: "c.tie {dir}, c.display_name COLLATE NOCASE, c.id",
    LAST_CONTACT: "c.last_touch_at IS NULL, c.last_touch_at {dir}, c.display_name COLLATE NOCASE",
    NEXT_FOLLOW_UP: "c.next_due_at IS NULL, c.next_due_at {dir}, c.display_name COLLATE NOCASE",
}

Index = QModelIndex | QPersistentModelIndex


class QuickFilter:
    """The chips above the list."""

    ALL = "all"
    ADVOCATES = "advocates"
    WORK_ACQUAINTANCES = "work_acquaintances"
    UNSORTED = "unsorted"
    OVERDUE = "overdue"

    LABELS: ClassVar[dict[str, str]] = {
        ALL: "All",
        ADVOCATES: "Advocates",
        WORK_ACQUAINTANCES: "Work acquaintances",
        UNSORTED: "Unsorted",
        OVERDUE: "Overdue",
    }
    TIES: ClassVar[dict[str, Tie]] = {
        ADVOCATES: Tie.ADVOCATE,
        WORK_ACQUAINTANCES: Tie.WORK_ACQUAINTANCE,
        UNSORTED: Tie.UNSORTED,
    }


@dataclasses.dataclass(frozen=True, slots=True)
class ContactRow:
    contact_id: int
    name: str
    company: str
    tie: Tie
    title: str
    last_touch_at: dt.datetime | None
    next_due_at: dt.datetime | None
    # What the view paints, computed once when the row is read (the view asks often).
    texts: tuple[str, ...] = ()
    overdue: bool = False


def _parse(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _tie(value: str) -> Tie:
    try:
        return Tie(value)
    except ValueError:
        return Tie.UNSORTED


class ContactsModel(QAbstractTableModel):
    """Every unarchived contact matching the search and quick filter, in the chosen order.

    Only the ordered ids are held (one SQL query per filter or sort change); a row's data
    is read, a page at a time, when the view first asks for it.
    """

    def __init__(self, now: Callable[[], dt.datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self._now = now
        self._ids: list[int] = []
        self._positions: dict[int, int] | None = None
        self._cache: OrderedDict[int, ContactRow] = OrderedDict()
        self._search = ""
        self._quick = QuickFilter.ALL
        self._sort_column = NAME
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._loaded = False
        self._bold: QFont | None = None
        # The ordered ids of the quick filter and sort, kept until either or the store changes.
        self._base: tuple[tuple[str, int, Qt.SortOrder], list[int]] | None = None

    # --- the filter and the order ----------------------------------------------------------

    @property
    def search_text(self) -> str:
        return self._search

    @property
    def quick_filter(self) -> str:
        return self._quick

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text != self._search or not self._loaded:
            self._search = text
            self.reload()

    def set_quick_filter(self, name: str) -> None:
        if name != self._quick or not self._loaded:
            self._quick = name
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column not in _ORDER:
            return
        if self._loaded and (column, order) == (self._sort_column, self._sort_order):
            return
        self._sort_column, self._sort_order = column, order
        self.reload()

    def _query_ids(self) -> list[int]:
        """The ids to show: the ordered base list, narrowed by the search when there is one.

        The base list (quick filter and order, one SQL query) is kept between keystrokes;
        a keystroke costs one full-text lookup and a pass over that list in Python, which
        at 50,000 contacts is a few milliseconds where a combined query took tens.
        """
        base = self._base_ids()
        if not self._search:
            return base
        match = queries.fts_query(self._search)
        if not match:
            return base
        found = {
            r[0]
            for r in db.execute_sql(
                "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?", [match]
            )
        }
        return [cid for cid in base if cid in found]

    def _base_ids(self) -> list[int]:
        key = (self._quick, self._sort_column, self._sort_order)
        if self._base is not None and self._base[0] == key:
            return self._base[1]
        where = ["c.archived = 0"]
        params: list[Any] = []
        tie = QuickFilter.TIES.get(self._quick)
        if tie is not None:
            where.append("c.tie = ?")
            params.append(tie.value)
        elif self._quick == QuickFilter.OVERDUE:
            where.append("c.next_due_at <= ?")
            params.append(queries.iso(self._now()))
        direction = "DESC" if self._sort_order == Qt.SortOrder.DescendingOrder else "ASC"
        join = (
            "LEFT JOIN company co ON co.id = c.company_id " if self._sort_column == COMPANY else ""
        )
        sql = (
            f"SELECT c.id FROM contact c {join}WHERE {' AND '.join(where)} "
            f"ORDER BY {_ORDER[self._sort_column].format(dir=direction)}"
        )
        ids = [r[0] for r in db.execute_sql(sql, params)]
        self._base = (key, ids)
        return ids

    def reload(self) -> None:
        """Run the id query again and reset the view (the pane keeps the selection)."""
        ids = self._query_ids()
        self.beginResetModel()
        self._ids = ids
        self._positions = None
        self._loaded = True
        self.endResetModel()

    def refresh(self, changed_ids: Sequence[int]) -> None:
        """After a store change: only the changed rows when the list itself is the same."""
        self._base = None
        if not changed_ids:
            self._cache.clear()
            self.reload()
            return
        for cid in changed_ids:
            self._cache.pop(cid, None)
        ids = self._query_ids()
        if ids != self._ids:
            self.beginResetModel()
            self._ids = ids
            self._positions = None
            self.endResetModel()
            return
        last = self.columnCount() - 1
        for cid in changed_ids:
            row = self.row_of(cid)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    # --- lookups ---------------------------------------------------------------------------

    def contact_ids(self) -> list[int]:
        return list(self._ids)

    def contact_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, contact_id: int) -> int | None:
        if self._positions is None:
            self._positions = {cid: i for i, cid in enumerate(self._ids)}
        return self._positions.get(contact_id)

    def contact_row(self, row: int) -> ContactRow | None:
        cid = self.contact_id(row)
        if cid is None:
            return None
        cached = self._cache.get(cid)
        if cached is not None:
            self._cache.move_to_end(cid)
            return cached
        self._fetch_page(row)
        return self._cache.get(cid)

    def _fetch_page(self, row: int) -> None:
        start = (row // PAGE) * PAGE
        wanted = [cid for cid in self._ids[start : start + PAGE] if cid not in self._cache]
        if not wanted:
            return
        sql = (
            "SELECT c.id, c.display_name, coalesce(co.name, ''), c.tie, c.title, "
            "c.last_touch_at, c.next_due_at FROM contact c "
            "LEFT JOIN company co ON co.id = c.company_id "
            f"WHERE c.id IN ({','.join('?' * len(wanted))})"
        )
        now = self._now()
        for cid, name, company, tie, title, last, nxt in db.execute_sql(sql, wanted):
            contact = ContactRow(
                cid, name or "", company, _tie(tie), title or "", _parse(last), _parse(nxt)
            )
            self._cache[cid] = dataclasses.replace(
                contact,
                texts=tuple(self._display(contact, c, now) for c in range(len(HEADERS))),
                overdue=contact.next_due_at is not None and contact.next_due_at <= now,
            )
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)

    # --- the Qt model ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

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
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # The view calls data() a dozen times per cell per paint: the common roles come first
    # and read precomputed values.
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:
            return self._ids[index.row()] if role == ID_ROLE and index.isValid() else None
        if not index.isValid():
            return None
        contact = self.contact_row(index.row())
        if contact is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return contact.texts[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._tooltip(contact, column, self._now(), contact.overdue))
        if role == SORT_ROLE:
            return self._sort_value(contact, column)
        if column == NEXT_FOLLOW_UP and contact.overdue:
            if role == Qt.ItemDataRole.ForegroundRole:
                return OVERDUE_COLOR
            if role == Qt.ItemDataRole.FontRole:
                if self._bold is None:
                    self._bold = bold_font(QFont())
                return self._bold
        return None

    @staticmethod
    def _display(contact: ContactRow, column: int, now: dt.datetime) -> str:
        if column == NAME:
            return contact.name
        if column == COMPANY:
            return contact.company
        if column == TIE:
            return TIE_LABELS[contact.tie]
        if column == LAST_CONTACT:
            if contact.last_touch_at is None:
                return "Never"
            days = playbook.days_between(contact.last_touch_at, now)
            if days < 60:
                return playbook.ago(days)
            return contact.last_touch_at.date().isoformat()
        if column == NEXT_FOLLOW_UP:
            return "" if contact.next_due_at is None else contact.next_due_at.date().isoformat()
        return ""

    @staticmethod
    def _tooltip(contact: ContactRow, column: int, now: dt.datetime, overdue: bool) -> str:
        if column == NAME:
            return f"{contact.name} — {contact.title}" if contact.title else contact.name
        if column == LAST_CONTACT and contact.last_touch_at is not None:
            return contact.last_touch_at.strftime("%Y-%m-%d %H:%M")
        if column == NEXT_FOLLOW_UP and contact.next_due_at is not None:
            days = playbook.days_between(now, contact.next_due_at)
            if overdue:
                return f"Overdue since {playbook.ago(-days)}".replace("since today", "today")
            return f"Due {playbook.in_days(days)}"
        return ContactsModel._display(contact, column, now)

    @staticmethod
    def _sort_value(contact: ContactRow, column: int) -> Any:
        if column == NAME:
            return contact.name.casefold()
        if column == COMPANY:
            return contact.company.casefold()
        if column == TIE:
            return contact.tie.value
        if column == LAST_CONTACT:
            return contact.last_touch_at.isoformat() if contact.last_touch_at else ""
        if column == NEXT_FOLLOW_UP:
            return contact.next_due_at.isoformat() if contact.next_due_at else ""
        return None


_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        SORT_ROLE,
    }
)
