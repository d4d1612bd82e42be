"""The contact list's table model: ids ordered by the store, row data fetched lazily in pages."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import operator
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from netdesk.core.dates import describe_day, describe_moment, full_date
from netdesk.core.domain import TIE_LABELS, Tie
from netdesk.store import reader
from netdesk.store.listing import ListedContact, ListFilter, ListOrder
from netdesk.ui.widgets import OVERDUE_COLOR, bold_font, plain_tooltip

NAME, COMPANY, TIE, LAST_CONTACT, NEXT_FOLLOW_UP = range(5)
HEADERS = ("Name", "Company", "Tie", "Last contact", "Next follow-up")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole

# Rows fetched per query when the view asks for one it has not seen: about two screens.
# A search that shows rows not read yet pays for one page during its paint, so a page
# of 200 (seven screens) cost a keystroke more than the screen it shows.
PAGE = 64
CACHE_ROWS = 4_000  # rows kept; the least recently used page-worth goes first
# Before the first paint only the first rows' ids are read (and the count); the rest of
# the ordered list follows once the window is up (`fetch_rest`).
FIRST_ROWS = 300
# A search with more hits than this shows its first rows straight from SQL (the name index
# gives them in order) and orders the rest only when something needs them: ordering tens of
# thousands of hits costs more than a frame, and the view shows thirty.
BIG_SEARCH = 2_000

# The store's order behind each column.
_ORDER = {
    NAME: ListOrder.NAME,
    COMPANY: ListOrder.COMPANY,
    TIE: ListOrder.TIE,
    LAST_CONTACT: ListOrder.LAST_CONTACT,
    NEXT_FOLLOW_UP: ListOrder.NEXT_FOLLOW_UP,
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
        OVERDUE: "Due now",
    }
    TIES: ClassVar[dict[str, Tie]] = {
        ADVOCATES: Tie.ADVOCATE,
        WORK_ACQUAINTANCES: Tie.WORK_ACQUAINTANCE,
        UNSORTED: Tie.UNSORTED,
    }


@dataclasses.dataclass(frozen=True, slots=True)
class ContactRow(ListedContact):
    """A row as the store gives it, with what the view paints computed once when it is read
    (the view asks often)."""

    texts: tuple[str, ...] = ()
    overdue: bool = False


_LISTED_FIELDS = tuple(f.name for f in dataclasses.fields(ListedContact))
_LISTED_VALUES = operator.attrgetter(*_LISTED_FIELDS)  # a row's fields in one call


class ContactsModel(QAbstractTableModel):
    """Every unarchived contact matching the search and quick filter, in the chosen order.

    Only the ordered ids are held, as a compact array (one store query per filter or sort
    change); a row's data is read, a page at a time, when the view first asks for it.
    """

    def __init__(self, now: Callable[[], dt.datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self._now = now
        self._ids: array[int] = array("q")
        # While only the first rows are read (`load_first`): how many rows there are.
        self._total: int | None = None
        self._cache: OrderedDict[int, ContactRow] = OrderedDict()
        self._search = ""
        self._quick = QuickFilter.ALL
        self._sort_column = NAME
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._loaded = False
        self._bold: QFont | None = None
        # The ordered ids of the quick filter and sort, kept until either or the store changes.
        self._base: tuple[tuple[str, int, Qt.SortOrder], array[int]] | None = None
        # Each base id's position in the base list, indexed by id (-1: not in it). The shown
        # list is always the base list or a part of it in the same order, so this orders a
        # search's hits and finds a row with a bisection, without a dict of every id.
        self._rank: array[int] | None = None

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
        if self._loaded:  # before the first load, the order is only remembered
            self.reload()

    def load_first(self) -> None:
        """The first load, before the window paints: the first rows' ids and the count."""
        if self._search:
            self.reload()
            return
        first = self._ordered_ids(limit=FIRST_ROWS + 1)
        total = None
        if len(first) > FIRST_ROWS:
            del first[FIRST_ROWS:]
            total = reader.count_contact_list(self._filter())
        else:
            self._set_base(first)
        self.beginResetModel()
        self._ids = first
        self._total = total
        self._loaded = True
        self.endResetModel()

    def load_read(self, ids: Sequence[int], total: int, rows: Sequence[ListedContact]) -> None:
        """The first load from the first page read before the store opened (the window's
        first paint, `store.first_page`): the ids and count `load_first` reads, in the same
        order, and the rows the paint shows."""
        first = array("q", ids)
        if len(first) > FIRST_ROWS:
            del first[FIRST_ROWS:]
        else:
            self._set_base(first)
        now = self._now()
        for listed in rows:
            self._cache[listed.contact_id] = ContactRow(
                *(getattr(listed, name) for name in _LISTED_FIELDS),
                texts=tuple(self._display(listed, c, now) for c in range(len(HEADERS))),
                overdue=listed.next_due_at is not None and listed.next_due_at <= now,
            )
        self.beginResetModel()
        self._ids = first
        self._total = total if total > len(first) else None
        self._loaded = True
        self.endResetModel()

    def fetch_rest(self) -> None:
        """Read the rest of the ordered ids after `load_first` or a big search's first page
        (no change the view sees: the row count was exact already)."""
        if self._total is None:
            return
        ids = self._query_ids()
        if len(ids) != self._total or ids[: len(self._ids)] != self._ids:
            self._replace(ids)  # the store changed in between
            return
        self._ids = ids
        self._total = None

    def _query_ids(self) -> array[int]:
        """The ids to show: the ordered base list, narrowed by the search when there is one.

        The base list (quick filter and order, one store query) is kept between keystrokes;
        a keystroke costs one full-text lookup, then either a pass over the base list (many
        hits) or a sort of the hits by their place in it (few hits).
        """
        base = self._base_ids()
        if not self._search:
            return base
        match = reader.fts_query(self._search)
        if not match:
            return base
        found = reader.search_hits(match)
        if len(found) * 4 > len(base):
            hits = set(found)
            return array("q", [cid for cid in base if cid in hits])
        rank = self._base_rank()
        size = len(rank)
        shown = [cid for cid in found if cid < size and rank[cid] >= 0]
        shown.sort(key=rank.__getitem__)
        return array("q", shown)

    def _first_page(self) -> tuple[array[int], int] | None:
        """A big search's first rows and its exact count, or None to order every hit now.

        Only in the name order of every contact, the one an index gives in order; the
        count comes from the full-text index without reading the hits.
        """
        if self._quick != QuickFilter.ALL or self._sort_column != NAME:
            return None
        match = reader.fts_query(self._search)
        if not match:
            return None
        hits = reader.count_search_hits(match)
        if hits <= BIG_SEARCH:
            return None
        archived = reader.count_archived_search_hits(match)
        return self._ordered_ids(match=match, limit=FIRST_ROWS), hits - archived

    def _base_rank(self) -> array[int]:
        if self._rank is None:
            base = self._base_ids()
            rank = array("l", [-1]) * ((max(base) + 1) if base else 0)
            for position, cid in enumerate(base):
                rank[cid] = position
            self._rank = rank
        return self._rank

    def _set_base(self, ids: array[int]) -> None:
        self._base = ((self._quick, self._sort_column, self._sort_order), ids)
        self._rank = None

    def _base_ids(self) -> array[int]:
        key = (self._quick, self._sort_column, self._sort_order)
        if self._base is not None and self._base[0] == key:
            return self._base[1]
        ids = self._ordered_ids()
        self._set_base(ids)
        return ids

    def _filter(self) -> ListFilter:
        tie = QuickFilter.TIES.get(self._quick)
        if tie is not None:
            return ListFilter(tie=tie)
        if self._quick == QuickFilter.OVERDUE:
            return ListFilter(due_by=self._now())
        return ListFilter()

    def _ordered_ids(self, *, match: str = "", limit: int | None = None) -> array[int]:
        return reader.contact_list_ids(
            self._filter(),
            _ORDER[self._sort_column],
            self._sort_order == Qt.SortOrder.DescendingOrder,
            match=match,
            limit=limit,
        )

    def reload(self) -> None:
        """Run the id query again and reset the view (the pane keeps the selection)."""
        first = self._first_page() if self._search else None
        if first is None or len(first[0]) >= first[1]:
            self._replace(self._query_ids())
        else:
            self._replace(*first)
        self._loaded = True

    def _replace(self, ids: array[int], total: int | None = None) -> None:
        self.beginResetModel()
        self._ids = ids
        self._total = total
        self.endResetModel()

    def refresh(self, changed_ids: Sequence[int]) -> None:
        """After a store change: only the changed rows when the list itself is the same."""
        self._base = None
        self._rank = None
        if not changed_ids:
            self._cache.clear()
            self.reload()
            return
        for cid in changed_ids:
            self._cache.pop(cid, None)
        ids = self._query_ids()
        if self._total is not None or ids != self._ids:
            self._replace(ids)
            return
        last = self.columnCount() - 1
        for cid in changed_ids:
            row = self.row_of(cid)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    # --- lookups ---------------------------------------------------------------------------

    def contact_ids(self) -> list[int]:
        self.fetch_rest()
        return list(self._ids)

    def contact_id(self, row: int) -> int | None:
        if row >= len(self._ids) and self._total is not None:
            self.fetch_rest()
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, contact_id: int) -> int | None:
        """The row showing this contact: a bisection by place in the base list."""
        if self._total is not None and contact_id in self._ids:
            return self._ids.index(contact_id)  # on the first page: no need for the rest
        self.fetch_rest()
        rank = self._base_rank()
        if not 0 <= contact_id < len(rank) or rank[contact_id] < 0:
            return None
        row = bisect.bisect_left(self._ids, rank[contact_id], key=rank.__getitem__)
        return row if row < len(self._ids) and self._ids[row] == contact_id else None

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
        now = self._now()
        for listed in reader.listed_contacts(wanted):
            self._cache[listed.contact_id] = self._row(listed, now)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)

    # --- the Qt model ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._ids) if self._total is None else self._total

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

    # No flags() here: the table model's own (enabled, selectable, no children) is right,
    # and answered in C++ the view does not call into Python for it once per cell.

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan) -> None:
        """Every role the delegate asks for one cell, in one call with one row lookup (the
        default calls data() once per role, seven times a cell at each paint)."""
        contact = self.contact_row(index.row()) if index.isValid() else None
        if contact is None:
            for item in roleDataSpan:
                item.clearData()
            return
        column = index.column()
        overdue = column == NEXT_FOLLOW_UP and contact.overdue
        for item in roleDataSpan:
            role = item.role()
            if role == _DISPLAY:
                item.setData(contact.texts[column])
            elif role in _ROLE_VALUES or (overdue and role in _OVERDUE_ROLES):
                item.setData(self.data(index, role))
            else:
                item.clearData()

    # The view calls data() a dozen times per cell per paint: the common roles come first
    # and read precomputed values.
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:
            return self.contact_id(index.row()) if role == ID_ROLE and index.isValid() else None
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
    def _row(listed: ListedContact, now: dt.datetime) -> ContactRow:
        """A row as the view paints it (a search's new rows are read during its paint, so
        this is on the keystroke's path: one pass, no call per column)."""
        due = listed.next_due_at
        return ContactRow(
            *_LISTED_VALUES(listed),
            texts=ContactsModel._texts(listed, now),
            overdue=due is not None and due <= now,
        )

    @staticmethod
    def _texts(contact: ListedContact, now: dt.datetime) -> tuple[str, ...]:
        """What each column shows, in column order."""
        today = now.date()
        last, due = contact.last_touch_at, contact.next_due_at
        return (
            contact.name,
            contact.company,
            TIE_LABELS[contact.tie],
            "Never" if last is None else describe_day(last.date(), today, short=True),
            "" if due is None else describe_day(due.date(), today, short=True),
        )

    @staticmethod
    def _display(contact: ListedContact, column: int, now: dt.datetime) -> str:
        texts = ContactsModel._texts(contact, now)
        return texts[column] if 0 <= column < len(texts) else ""

    @staticmethod
    def _tooltip(contact: ContactRow, column: int, now: dt.datetime, overdue: bool) -> str:
        if column == NAME:
            return f"{contact.name} — {contact.title}" if contact.title else contact.name
        if column == LAST_CONTACT and contact.last_touch_at is not None:
            from netdesk.core import playbook  # here: no tooltip before the first paint

            days = playbook.days_between(contact.last_touch_at, now)
            return f"{full_date(contact.last_touch_at.date())} ({playbook.ago(days)})"
        if column == NEXT_FOLLOW_UP and contact.next_due_at is not None:
            when = describe_moment(contact.next_due_at, now)
            return f"Due {'since ' if overdue and 'today' not in when else ''}{when}"
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


_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_OVERDUE_ROLES = frozenset({Qt.ItemDataRole.ForegroundRole.value, Qt.ItemDataRole.FontRole.value})
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        SORT_ROLE,
    }
)
# The roles multiData answers beyond the display text (the overdue ones aside).
_ROLE_VALUES = frozenset({Qt.ItemDataRole.ToolTipRole.value, SORT_ROLE, ID_ROLE})
