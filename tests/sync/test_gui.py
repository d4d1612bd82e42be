"""The sync in the window: an account added in Preferences > Accounts against Radicale on
loopback, a sync, a conflict made on both sides and resolved in the dialog, the chosen
values found on both sides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from pytestqt.qtbot import QtBot

from netdesk.services.clock import FixedClock
from netdesk.store import reader
from netdesk.store.models import Contact
from tests.sync.conftest import BOOK, Server
from tests.sync.test_commands import MemoryKeyring, memory_keyring  # noqa: F401
from tests.sync.test_engine import card


@pytest.fixture
def window(qtbot: QtBot, store: pw.SqliteDatabase, data_dir: Path) -> Iterator[Any]:
    from netdesk.services.settings import Settings
    from netdesk.services.signals import Hub
    from netdesk.ui.main_window import AppContext, build_main_window
    from netdesk.ui.sync_flow import install_sync

    clock = FixedClock(dt.datetime(2026, 11, 26, 9, 0))
    context = AppContext(hub=Hub(), clock=clock, settings=Settings(data_dir / "settings.ini"))
    built = build_main_window(context)
    built.close_policy = lambda event: event.accept()
    qtbot.addWidget(built)
    built.show()
    built.load_deferred()
    flow = install_sync(built, start=False)
    yield built
    flow.service.wait()


def _sync(qtbot: QtBot, window: Any) -> Any:
    """Sync now and wait until the service has nothing left to do; the report of the first
    sync to end (adding an account starts one, which "Sync now" then follows)."""
    flow = window.sync_flow
    reports: list[Any] = []
    flow.service.synced.connect(reports.append)
    try:
        window.actions["sync_now"].trigger()
        qtbot.waitUntil(lambda: bool(reports) and not flow.service.running, timeout=30_000)
    finally:
        flow.service.synced.disconnect(reports.append)
    return reports[0]


def test_add_an_account_sync_and_resolve_a_conflict_in_the_window(
    qtbot: QtBot,
    radicale: Server,
    window: Any,
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    from netdesk.ui.dialogs.accounts import AccountsDialog
    from netdesk.ui.dialogs.sync_conflicts import TAKE_THEIRS, SyncConflictsDialog

    radicale.make_book()
    radicale.put(BOOK + "dana.vcf", card("dana", "Dana Scully", "dana@fbi.example"))
    assert not window.actions["sync_now"].isEnabled()  # no account: nothing to sync

    dialog = AccountsDialog(window.user_actions, window)
    qtbot.addWidget(dialog)
    dialog.url.setText(radicale.url.removeprefix("http://").join(["http://", ""]))
    dialog.user.setText("alice")
    dialog.password.setText("app-password")
    assert dialog.find_books(), dialog.message.text()
    assert dialog.books.count() == 1 and dialog.books.item(0).text() == "Contacts"
    assert dialog.add_account() is not None
    assert "Contacts" in dialog.accounts.item(0).text()
    assert list(memory_keyring.items.values()) == ["app-password"]
    dialog.close()
    assert window.actions["sync_now"].isEnabled()

    report = _sync(qtbot, window)
    assert report.added_here == 1
    dana = Contact.get(Contact.display_name == "Dana Scully")
    assert "Synced at" in window.sync_flow.status.text()

    # Both sides change the notes: a conflict, counted in the status bar.
    current = radicale.get(BOOK + "dana.vcf")
    assert current is not None
    radicale.put(
        BOOK + "dana.vcf",
        card("dana", "Dana Scully", "dana@fbi.example", "NOTE:from the phone\r\n"),
        etag=current.etag,
    )
    window.user_actions.edit_contact(dana.id, {"notes": "from the desk"}, name="Dana Scully")
    report = _sync(qtbot, window)
    assert report.conflicts == 1
    assert "1 contact has changes on both sides" in window.sync_flow.status.text()
    assert window.actions["sync_conflicts"].isEnabled()

    conflicts = SyncConflictsDialog(window.user_actions, window)
    qtbot.addWidget(conflicts)
    assert conflicts.table.rowCount() == 1
    assert conflicts.table.item(0, 2).text() == "from the desk"
    assert conflicts.table.item(0, 3).text() == "from the phone"
    conflicts.choices[0].setCurrentText(TAKE_THEIRS)
    conflicts.accept()
    assert Contact.get_by_id(dana.id).notes == "from the phone"
    assert reader.sync_conflicts() == []

    # Keep mine on another field: both sides end with the chosen values.
    current = radicale.get(BOOK + "dana.vcf")
    assert current is not None
    radicale.put(
        BOOK + "dana.vcf",
        card("dana", "Dana Scully", "dana@fbi.example", "NOTE:from the phone\r\nTITLE:MD\r\n"),
        etag=current.etag,
    )
    window.user_actions.edit_contact(dana.id, {"title": "Special Agent"}, name="Dana Scully")
    _sync(qtbot, window)
    conflicts = SyncConflictsDialog(window.user_actions, window)
    qtbot.addWidget(conflicts)
    assert [c.field for c in conflicts.conflicts] == ["title"]
    conflicts.accept()  # "Keep mine" is the default
    _sync(qtbot, window)
    text = radicale.cards()[BOOK + "dana.vcf"]
    assert "NOTE:from the phone" in text and "TITLE:Special Agent" in text
    dana = Contact.get_by_id(dana.id)
    assert (dana.notes, dana.title) == ("from the phone", "Special Agent")
    assert "changes on both sides" not in window.sync_flow.status.text()
