"""The left pane: search field, quick-filter chips, the contact list, and the first-launch state."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.domain import Tie
from netdesk.services.signals import Hub
from netdesk.store import reader
from netdesk.ui.models.contacts_model import (
    COMPANY,
    HEADERS,
    LAST_CONTACT,
    NAME,
    NEXT_FOLLOW_UP,
    TIE,
    ContactsModel,
    QuickFilter,
)
from netdesk.ui.widgets import EmptyState, fit_columns, header_width, view_width

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent

SEARCH_PLACEHOLDER = "Search names, companies, emails, notes, tags"


class SearchField(QLineEdit):
    """The search: Down (or Page Down) goes to the results, Escape clears what was typed."""

    toResults = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and not event.modifiers():
            self.toResults.emit()
            return
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


# Qt splits a fill taller than about a hundred lines (the list's background, its scroll
# bar's groove) into bands painted on a pool of threads, and waits for them. For a list
# pane that hand-off costs more than the fill: on a busy two-core machine the scroll bar
# alone took 0.3-1.6 ms a paint that way, 0.1 ms on the painting thread, and a keystroke
# repaints both. Qt reads the variable when it first needs the pool, so it is set before
# the window's first paint (the pane is built before it); anything already set wins.
GUI_THREAD_POOL_OFF = "QT_NO_GUI_THREADPOOL"


class ContactsPane(QWidget):
    """Search, filter and select contacts; the main window acts on the selection."""

    currentContactChanged = Signal(int)  # 0 when none
    selectionChanged = Signal(list)  # the selected contact ids
    contactActivated = Signal(int)  # double-click or Enter: edit it

    def __init__(self, hub: Hub, now: Callable[[], dt.datetime], parent: QWidget | None = None):
        super().__init__(parent)
        os.environ.setdefault(GUI_THREAD_POOL_OFF, "1")
        self._hub = hub
        self.model = ContactsModel(now, self)
        self._kept_selection: list[int] = []
        self._kept_current = 0
        self._kept_state: tuple[list[int], int] = ([], 0)
        self._typing = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.search_field = SearchField()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setAccessibleName("Search contacts")
        self.search_field.setToolTip(
            "Search as you type. Down goes to the results, Enter opens the selected one "
            "(the first when none is), Escape clears the search."
        )
        layout.addWidget(self.search_field)

        chips = QHBoxLayout()
        chips.setSpacing(4)
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons: dict[str, QToolButton] = {}
        for name, label in QuickFilter.LABELS.items():
            button = QToolButton()
            button.setObjectName(f"filter_{name}")
            button.setText(label)
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setAccessibleName(f"Show {label.lower()}")
            button.setToolTip(f"Show {label.lower()}" if name != "all" else "Show every contact")
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.filter_group.addButton(button)
            self.filter_buttons[name] = button
            chips.addWidget(button)
            button.clicked.connect(lambda _=False, n=name: self.set_quick_filter(n))
        self.filter_buttons[QuickFilter.ALL].setChecked(True)
        chips.addStretch(1)
        layout.addLayout(chips)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.view = QTableView()
        self.view.setObjectName("contactList")
        self.view.setAccessibleName("Contacts")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        # A fixed row height: the view never measures 50,000 rows to lay them out.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        # The tie and the dates take what their longest text needs; the name takes the rest,
        # so the list never scrolls sideways (a narrow list drops Last contact, then Company).
        metrics = self.view.fontMetrics()
        longest = {
            TIE: max((t.label for t in Tie), key=metrics.horizontalAdvance),
            LAST_CONTACT: "28 Sep 2026",
            NEXT_FOLLOW_UP: "28 Sep 2026",
            COMPANY: "Wonka Confection",
        }
        for column, text in longest.items():
            header.resizeSection(
                column,
                max(header_width(header, HEADERS[column]), metrics.horizontalAdvance(text) + 16),
            )
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self._column_widths: dict[int, int] = {}
        header.setSortIndicatorShown(True)
        header.setSortIndicator(NAME, Qt.SortOrder.AscendingOrder)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.stack.addWidget(self.view)

        self.empty_state = EmptyState()
        self.stack.addWidget(self.empty_state)

        # The list follows each keystroke at once (a search costs less than a frame), so the
        # keystroke and its list paint together on the same turn of the event loop.
        self.search_field.textChanged.connect(self._apply_search)
        self.search_field.returnPressed.connect(self._open_first)
        self.search_field.toResults.connect(self._focus_first)

        self.model.modelAboutToBeReset.connect(self._keep_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.activated.connect(self._activated)
        hub.contactsChanged.connect(self._contacts_changed)
        self.setTabOrder(self.search_field, self.filter_buttons[QuickFilter.ALL])
        previous: QWidget = self.filter_buttons[QuickFilter.ALL]
        for button in list(self.filter_buttons.values())[1:]:
            self.setTabOrder(previous, button)
            previous = button
        self.setTabOrder(previous, self.view)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The layout has placed the view by now: fit its columns to the width it got.
        super().resizeEvent(event)
        self.fit_columns()

    def showEvent(self, event: QShowEvent) -> None:
        # The first resize comes before the layouts have placed the view (it still has
        # Qt's default width); by the show they have, so the first paint shows the columns
        # that fit.
        super().showEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        header = self.view.horizontalHeader()
        name_min = header_width(header, HEADERS[NAME]) + 40
        fit_columns(
            header,
            view_width(self.view),
            NAME,
            name_min,
            [LAST_CONTACT, COMPANY],
            self._column_widths,
        )

    # --- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        """The first query: the first ids of the current order and the count (row data and
        the rest of the ids come later: `load_rest`, and as the view asks)."""
        self.model.sort(
            self.view.horizontalHeader().sortIndicatorSection(),
            self.view.horizontalHeader().sortIndicatorOrder(),
        )
        self.model.load_first()
        self._update_empty_state()

    def load_read(self, ids: list[int], total: int, rows: list[Any]) -> None:
        """The first load from the first page read before the store opened (never empty):
        the same as `load`, without a query."""
        header = self.view.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.model.load_read(ids, total, rows)
        self.stack.setCurrentWidget(self.view)

    def load_rest(self) -> None:
        """After the first paint: the rest of the ordered ids, for search and selection."""
        self.model.fetch_rest()
        self.fit_columns()  # a scroll bar may have come with the rows

    def _update_empty_state(self) -> None:
        empty = self.model.rowCount() == 0 and not reader.store_has_contacts()
        self.stack.setCurrentWidget(self.empty_state if empty else self.view)

    def _contacts_changed(self, ids: list[int]) -> None:
        self.model.refresh(ids)
        self._update_empty_state()

    # --- search and filters ----------------------------------------------------------------

    def _apply_search(self) -> None:
        self._typing = True
        try:
            self.model.set_search(self.search_field.text())
        finally:
            self._typing = False
        # Lay the list out now rather than on a later turn of the loop: the list then paints
        # once for the keystroke, not once before and once after its layout.
        self.view.executeDelayedItemsLayout()

    def set_quick_filter(self, name: str) -> None:
        self.filter_buttons[name].setChecked(True)
        self.model.set_quick_filter(name)

    def clear_filters(self) -> None:
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)
        self.filter_buttons[QuickFilter.ALL].setChecked(True)
        self.model.set_search("")
        self.model.set_quick_filter(QuickFilter.ALL)

    def _focus_first(self) -> None:
        """To the results, with the first one selected unless one already is."""
        if self.model.rowCount():
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.view.selectionModel().hasSelection():
                self.view.selectRow(0)

    def _open_first(self) -> None:
        """Enter in the search opens the selected result (the first when none is), as Enter
        in the list does."""
        self._focus_first()
        contact_id = self.current_id()
        if contact_id:
            self.contactActivated.emit(contact_id)

    # --- selection -------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        return [cid for r in rows if (cid := self.model.contact_id(r)) is not None]

    def current_id(self) -> int:
        index = self.view.currentIndex()
        if index.isValid() and self.view.selectionModel().isRowSelected(index.row()):
            return self.model.contact_id(index.row()) or 0
        ids = self.selected_ids()
        return ids[0] if len(ids) == 1 else 0

    def select_contact(self, contact_id: int) -> bool:
        """Select and show a contact, clearing the search when it hides them."""
        row = self.model.row_of(contact_id)
        if row is None:
            self.clear_filters()
            row = self.model.row_of(contact_id)
        if row is None:
            return False
        self.stack.setCurrentWidget(self.view)
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _keep_selection(self) -> None:
        self._kept_selection = self.selected_ids()
        index = self.view.currentIndex()
        self._kept_current = (self.model.contact_id(index.row()) or 0) if index.isValid() else 0
        self._kept_state = (self._kept_selection, self.current_id())

    def _restore_selection(self) -> None:
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for cid in self._kept_selection:
            row = self.model.row_of(cid)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, last))
        selection_model = self.view.selectionModel()
        if not selection.isEmpty():
            selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        current = self.model.row_of(self._kept_current) if self._kept_current else None
        if current is not None:
            selection_model.setCurrentIndex(
                self.model.index(current, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        # The reset cleared the selection without a signal: say what it is now. A keystroke
        # that leaves it as it was says nothing (the card and timeline have nothing to redo);
        # a store change always says it, as the selected contact may have changed.
        if not self._typing or (self.selected_ids(), self.current_id()) != self._kept_state:
            self._selection_changed()

    def _selection_changed(self, *_: object) -> None:
        self.selectionChanged.emit(self.selected_ids())
        self.currentContactChanged.emit(self.current_id())

    def _current_changed(self, *_: object) -> None:
        self.currentContactChanged.emit(self.current_id())

    def _activated(self, index: Any) -> None:
        cid = self.model.contact_id(index.row())
        if cid is not None:
            self.contactActivated.emit(cid)
