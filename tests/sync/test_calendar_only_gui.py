"""Preferences > Accounts with a server that keeps calendars but no address book: the account
is added from the dialog all the same, its calendar is chosen, and the follow-ups reach it."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from netdesk.store import reader
from tests.sync.conftest import Server
from tests.sync.test_caldav import CALENDAR, make_follow_ups, server_items
from tests.sync.test_commands import MemoryKeyring, memory_keyring  # noqa: F401
from tests.sync.test_gui import _sync, window  # noqa: F401


def test_a_server_without_address_books_is_added_for_its_calendar(
    qtbot: QtBot,
    radicale: Server,
    window: Any,  # noqa: F811
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    from netdesk.ui.dialogs.accounts import AccountsDialog

    make_follow_ups(2)
    dialog = AccountsDialog(window.user_actions, window)
    qtbot.addWidget(dialog)
    dialog.url.setText(radicale.url)
    dialog.user.setText("alice")
    dialog.password.setText("app-password")
    assert dialog.find_books(), dialog.message.text()
    assert dialog.books.count() == 0
    assert "no address book" in dialog.message.text()
    assert dialog.add_button.isEnabled()
    account_id = dialog.add_account()
    assert account_id is not None, dialog.message.text()
    assert list(memory_keyring.items.values()) == ["app-password"]
    assert "Choose the calendar" in dialog.message.text()

    calendar = dialog.calendar_dialog
    assert calendar is not None and calendar.isVisible()
    box = calendar.box  # type: ignore[attr-defined]
    assert box.account.currentData() == account_id
    assert box.use_calendar(), box.message.text()
    calendar.close()
    assert "keeps your follow-ups on “NetDesk follow-ups”" in dialog.accounts.item(0).text()
    assert "no address book" in dialog.accounts.item(0).text()
    dialog.close()

    pushed = reader.pushed_calendar(account_id)
    assert pushed is not None and pushed.href == CALENDAR
    report = _sync(qtbot, window)
    assert report.events_put == 2 and report.added_here == 0
    summaries = sorted(str(i["summary"]) for i in server_items(radicale).values())
    assert [s.rsplit(": ", 1)[-1] for s in summaries] == ["Person 0", "Person 1"], summaries
