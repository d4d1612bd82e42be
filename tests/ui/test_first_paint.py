"""The window started from the first page read before the store opened: its contact list
paints first, nobody acts on it until `complete` built the rest, and then it is the same
window as the one built whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee as pw
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView

from netdesk.services.clock import FixedClock
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store.first_page import read_first_page
from netdesk.ui.main_window import (
    FIRST_PAGE_IDS,
    FIRST_PAGE_ROWS,
    AppContext,
    build_main_window,
    first_page_order,
)


def _window(qtbot, store: pw.SqliteDatabase, clock: FixedClock, data_dir: Path):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir / "settings.ini")
    order, descending = first_page_order(settings)
    page = read_first_page(
        Path(store.database), order, descending, ids=FIRST_PAGE_IDS, rows=FIRST_PAGE_ROWS
    )
    assert page is not None
    window = build_main_window(AppContext(hub=Hub(), clock=clock, settings=settings), page)
    window.close_policy = lambda event: event.accept()
    qtbot.addWidget(window)
    return window


def test_the_list_paints_first_and_the_rest_follows(  # type: ignore[no-untyped-def]
    qtbot,
    store: pw.SqliteDatabase,
    clock: FixedClock,
    data_dir: Path,
    add_contact,
    now: dt.datetime,
) -> None:
    ids = [add_contact(f"Person {n}", now, company=f"Co {n}") for n in range(5)]
    window = _window(qtbot, store, clock, data_dir)
    assert not window.is_complete
    assert window.findChild(QLineEdit, "searchField") is not None
    view = window.findChild(QTableView, "contactList")
    assert view is not None and view.model().rowCount() == 5
    assert view.model().index(0, 0).data() == "Person 0"
    assert window.menuBar().actions() == []  # the menus come with the rest
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(lambda: window._painted)
    # Painted, not complete: a key or a click goes nowhere.
    field = window.contacts.search_field
    key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    QApplication.sendEvent(field, key)
    assert field.text() == ""
    qtbot.waitUntil(lambda: not view.updatesEnabled())  # no rows beyond those read
    window.complete()
    assert window.is_complete and view.updatesEnabled()
    qtbot.keyClicks(field, "Person 3")
    assert field.text() == "Person 3"
    assert window.contacts.model.rowCount() == 1
    assert [a.text() for a in window.menuBar().actions()][:2] == ["&File", "&Edit"]
    assert window.findChild(QTableView, "contactList") is view
    assert window.splitter.count() == 3 and window.splitter.widget(2) is window.follow_ups
    window.load_deferred()
    assert window.card is not None
    assert window.contacts.select_contact(ids[4])
    assert window.card.contact_id == ids[4]


def test_the_first_paint_shows_the_columns_the_list_has_room_for(  # type: ignore[no-untyped-def]
    qtbot,
    store: pw.SqliteDatabase,
    clock: FixedClock,
    data_dir: Path,
    add_contact,
    now: dt.datetime,
) -> None:
    """A narrow list hides its optional columns at the first paint, as the whole window
    does: nothing changes under the user's eyes when the rest of the window comes."""
    for n in range(5):
        add_contact(f"Person {n}", now, company=f"Co {n}")
    settings = Settings(data_dir / "settings.ini")
    settings.set_int_list("window/splitter", [300, 400, 400])
    settings.sync()
    window = _window(qtbot, store, clock, data_dir)
    header = window.contacts.view.horizontalHeader()
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(lambda: window._painted)
    at_first_paint = [c for c in range(header.count()) if header.isSectionHidden(c)]
    assert at_first_paint  # 300 px: not every column fits
    window.complete()
    qtbot.wait(50)
    assert [c for c in range(header.count()) if header.isSectionHidden(c)] == at_first_paint


def test_the_list_does_not_move_when_the_menus_and_toolbar_come(  # type: ignore[no-untyped-def]
    qtbot,
    store: pw.SqliteDatabase,
    clock: FixedClock,
    data_dir: Path,
    add_contact,
    now: dt.datetime,
) -> None:
    """The room the menus and the toolbar took last time is kept at the first paint."""
    for n in range(5):
        add_contact(f"Person {n}", now)
    earlier = _window(qtbot, store, clock, data_dir)
    earlier.complete()
    with qtbot.waitExposed(earlier):
        earlier.show()
    earlier.save_layout()
    earlier.close()

    window = _window(qtbot, store, clock, data_dir)
    view = window.contacts.view
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(lambda: window._painted)
    at_first_paint = view.mapTo(window, view.rect().topLeft())
    window.complete()
    qtbot.waitUntil(window.toolbar.isVisible)
    QApplication.processEvents()
    assert window.menuBar().height() > 0 and window.toolbar.height() > 0
    assert view.mapTo(window, view.rect().topLeft()) == at_first_paint
