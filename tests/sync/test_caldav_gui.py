"""Preferences > Accounts, the calendar part: choose (or make) the calendar the follow-ups go
to, choose what it may say, sync from the window, tick a task on the server and find it
done here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
from pytestqt.qtbot import QtBot

from netdesk.core.calendar import CalendarDetail
from netdesk.core.domain import FollowUpState
from netdesk.store import reader, writer
from netdesk.store.models import FollowUp
from netdesk.sync import caldav
from tests.sync.conftest import Server
from tests.sync.test_caldav import CALENDAR, complete_on_server, make_follow_ups, server_items
from tests.sync.test_commands import MemoryKeyring, memory_keyring  # noqa: F401
from tests.sync.test_gui import _sync, window  # noqa: F401


def test_choose_a_new_calendar_and_what_it_says_then_a_task_ticked_there_is_done_here(
    qtbot: QtBot,
    radicale: Server,
    window: Any,  # noqa: F811
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    from netdesk.ui.dialogs.accounts import AccountsDialog

    first, second = make_follow_ups(2, notes="private: salary 140k")
    writer.add_sync_account(radicale.url, "alice", [], dt.datetime(2026, 11, 26, 9, 0))
    accounts = AccountsDialog(window.user_actions, window)
    qtbot.addWidget(accounts)
    assert accounts.calendar_button.isEnabled()
    dialog = accounts.open_calendar()
    box = dialog.box  # type: ignore[attr-defined]
    assert box.account.count() == 1
    assert "no calendar yet" in box.message.text()
    assert box.calendar.currentText() == "A new calendar, “NetDesk follow-ups”"
    assert box.find_calendars(), box.message.text()
    assert "no calendar yet" in box.message.text()
    assert box.use_calendar(), box.message.text()
    assert "“NetDesk follow-ups”" in box.message.text()
    pushed = reader.pushed_calendar(1)
    assert pushed is not None and pushed.href == CALENDAR
    # Privacy: only "Follow up with" and the name.
    box.detail.setCurrentIndex(box.detail.findData(CalendarDetail.NAME_ONLY.value))
    assert reader.calendar_options().detail is CalendarDetail.NAME_ONLY
    dialog.close()
    accounts.close()

    report = _sync(qtbot, window)
    assert report.events_put == 2
    items = server_items(radicale)
    assert sorted(str(i["summary"]) for i in items.values()) == [
        "Follow up with Person 0",
        "Follow up with Person 1",
    ]
    assert all("salary" not in icalendar_text(i) for i in items.values())

    store = reader.store_id()
    complete_on_server(radicale, f"follow-up-{first}-{store}@netdesk.invalid")
    report = _sync(qtbot, window)
    assert report.done_here == 1
    assert FollowUp.get_by_id(first).state == FollowUpState.DONE.value
    assert FollowUp.get_by_id(second).state == FollowUpState.DUE.value
    assert "completed on another device" in window.statusBar().currentMessage()

    # Stop: the follow-ups no longer go anywhere, and what is there stays.
    accounts = AccountsDialog(window.user_actions, window)
    qtbot.addWidget(accounts)
    accounts.open_calendar().box.stop()  # type: ignore[attr-defined]
    assert reader.pushed_calendar(1) is None
    assert len(server_items(radicale)) == 2
    assert caldav.DEFAULT_CALENDAR in [c.name for c in reader.sync_calendars(1)]


def icalendar_text(component: icalendar.Component) -> str:
    return bytes(component.to_ical()).decode()
