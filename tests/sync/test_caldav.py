"""Follow-ups pushed to a CalDAV calendar against a real server (Radicale on loopback)."""

from __future__ import annotations

import datetime as dt

import icalendar
import peewee as pw
import pytest

from netdesk.core.calendar import CalendarDetail, CalendarForm, CalendarOptions
from netdesk.core.domain import FollowUpReason, FollowUpState, InteractionKind
from netdesk.store import reader, writer
from netdesk.store.models import FollowUp
from netdesk.sync import accounts, caldav, dav, engine
from netdesk.sync.http import Client
from tests.sync.conftest import Server

NOW = dt.datetime(2026, 11, 26, 9, 0)
CALENDAR = "/alice/netdesk-follow-ups/"


def make_follow_ups(count: int, *, notes: str = "") -> list[int]:
    """`count` people, each with one follow-up a workflow asked for, due over the next days."""
    people = [
        (f"Person {i}", {"notes": notes} if notes else {}) for i in range(count)
    ]
    ids = []
    for i, (name, extra) in enumerate(people):
        contact = writer.create_contact({"display_name": name, **extra}, NOW)
        due = dt.datetime.combine(NOW.date() + dt.timedelta(days=1 + i % 30), dt.time(8, 0))
        fu = writer.create_follow_up(
            contact.id, FollowUpReason.THANK_YOU, due, "what they did", NOW
        )
        ids.append(fu.id)
    return ids


def add_calendar_account(server: Server, name: str = caldav.DEFAULT_CALENDAR) -> int:
    account_id = writer.add_sync_account(server.url, "alice", [], NOW)
    caldav.use_calendar(account_id, server.url, "alice", "secret", name)
    return account_id


def sync(now: dt.datetime = NOW) -> engine.Report:
    return accounts.sync_all(now)


def server_items(server: Server, calendar: str = CALENDAR) -> dict[str, icalendar.Component]:
    """UID -> the to-do or event of every item on the calendar."""
    client = server.client()
    try:
        listed = dav.list_etags(client, calendar)
        out = {}
        for item in caldav.fetch_items(client, calendar, sorted(listed.etags)):
            parsed = icalendar.Calendar.from_ical(item.text)
            for component in parsed.walk():
                if component.name in ("VTODO", "VEVENT"):
                    out[str(component["uid"])] = component
        return out
    finally:
        client.close()


def complete_on_server(server: Server, uid: str, calendar: str = CALENDAR) -> None:
    """What a phone does when the user ticks a task."""
    client = server.client()
    try:
        href = caldav.item_href(calendar, uid)
        item = caldav.get_item(client, href)
        assert item is not None
        parsed = icalendar.Calendar.from_ical(item.text)
        for component in parsed.walk("VTODO"):
            component.pop("status")
            component.add("status", "COMPLETED")
            component.add("completed", dt.datetime(2026, 11, 26, 8, 30, tzinfo=dt.UTC))
        caldav.put_item(client, href, parsed.to_ical().decode(), etag=item.etag)
    finally:
        client.close()


@pytest.fixture
def server(
    radicale: Server, store: pw.SqliteDatabase, monkeypatch: pytest.MonkeyPatch
) -> Server:
    # Radicale takes any password; the user's own keyring is never asked.
    monkeypatch.setattr(accounts, "load_password", lambda url, user: "")
    return radicale


def test_discovery_finds_the_calendar_home_and_makes_the_calendar_once(server: Server) -> None:
    client = Client(server.url, "alice", "secret")
    try:
        assert caldav.calendar_home(client, server.url) == "/alice/"
        assert caldav.find_calendars(client, server.url) == []
    finally:
        client.close()
    account_id = writer.add_sync_account(server.url, "alice", [], NOW)
    made, was_made = caldav.use_calendar(account_id, server.url, "alice", "secret")
    assert was_made and made.href == CALENDAR and made.name == "NetDesk follow-ups"
    again, was_made = caldav.use_calendar(account_id, server.url, "alice", "secret")
    assert not was_made and again == made
    pushed = reader.pushed_calendar(account_id)
    assert pushed is not None and pushed.href == CALENDAR
    assert reader.has_sync()


def test_500_pushed_5_completed_on_the_phone_are_done_here_and_nothing_else(
    server: Server,
) -> None:
    ids = make_follow_ups(500)
    add_calendar_account(server)
    report = sync()
    assert report.events_put == 500
    store = reader.store_id()
    items = server_items(server)
    assert len(items) == 500
    first = items[f"follow-up-{ids[0]}-{store}@netdesk.invalid"]
    assert first.name == "VTODO" and str(first["status"]) == "NEEDS-ACTION"
    assert str(first["summary"]).endswith(": Person 0")
    assert first.walk("VALARM")

    completed = ids[:5]
    for fid in completed:
        complete_on_server(server, f"follow-up-{fid}-{store}@netdesk.invalid")
    report = sync()
    assert report.done_here == 5
    assert report.events_put == 0  # nothing else was sent again
    for fid in completed:
        fu = FollowUp.get_by_id(fid)
        assert fu.state == FollowUpState.DONE.value
        assert caldav.COMPLETED_ELSEWHERE in fu.note
        assert fu.resolved_at == dt.datetime(2026, 11, 26, 8, 30) + _utc_offset()
    # Nothing logged: no interaction was written for them.
    assert all(reader.timeline(FollowUp.get_by_id(f).contact_id) == [] for f in completed)
    assert FollowUp.select().where(FollowUp.state == "due").count() == 495
    again = sync()
    assert again.done_here == again.events_put == again.events_closed == 0
    assert len(server_items(server)) == 500


def _utc_offset() -> dt.timedelta:
    moment = dt.datetime(2026, 11, 26, 8, 30, tzinfo=dt.UTC)
    local = moment.astimezone()
    return local.replace(tzinfo=None) - moment.replace(tzinfo=None)


def test_a_snooze_here_moves_the_due_time_there(server: Server) -> None:
    (fid,) = make_follow_ups(1)
    add_calendar_account(server)
    sync()
    until = dt.datetime(2026, 12, 3, 15, 30)
    writer.snooze_follow_up(fid, until)
    assert reader.event_outbox()
    report = sync()
    assert report.events_put == 1
    (item,) = server_items(server).values()
    assert item.decoded("due") == until
    assert reader.event_outbox() == {}


def test_done_here_is_completed_there_and_set_aside_is_taken_off(server: Server) -> None:
    done, aside = make_follow_ups(2)
    add_calendar_account(server)
    sync()
    writer.complete_follow_up(done, NOW, kind=InteractionKind.EMAIL)
    writer.dismiss_follow_up(aside, NOW)
    report = sync()
    assert report.events_closed == 2
    store = reader.store_id()
    items = server_items(server)
    assert f"follow-up-{aside}-{store}@netdesk.invalid" not in items
    completed = items[f"follow-up-{done}-{store}@netdesk.invalid"]
    assert str(completed["status"]) == "COMPLETED"
    assert not completed.walk("VALARM")
    assert sync().events_closed == 0


def test_what_the_calendar_says_follows_the_privacy_choice_and_notes_never_go(
    server: Server,
) -> None:
    make_follow_ups(3, notes="Salary they mentioned: 140k; divorce")
    add_calendar_account(server)
    sync()
    for item in server_items(server).values():
        text = item.to_ical().decode()
        assert "Salary" not in text and "divorce" not in text
        assert "what they did" in str(item.get("description", ""))
    writer.set_calendar_options(CalendarOptions(detail=CalendarDetail.NAME_ONLY))
    report = sync()
    assert report.events_put == 3
    for item in server_items(server).values():
        assert str(item["summary"]).startswith("Follow up with Person ")
        assert "description" not in item


def test_all_day_events_when_the_user_chose_them(server: Server) -> None:
    make_follow_ups(2)
    writer.set_calendar_options(CalendarOptions(form=CalendarForm.EVENT))
    add_calendar_account(server)
    sync()
    items = server_items(server)
    assert {i.name for i in items.values()} == {"VEVENT"}


def test_deleted_on_the_phone_stays_open_here_and_is_not_put_back(server: Server) -> None:
    (fid,) = make_follow_ups(1)
    add_calendar_account(server)
    sync()
    (uid,) = server_items(server)
    server.delete(caldav.item_href(CALENDAR, uid))
    report = sync()
    assert report.events_put == 0 and report.done_here == 0
    assert FollowUp.get_by_id(fid).state == FollowUpState.DUE.value
    assert server_items(server) == {}
    # A change here puts it back.
    writer.snooze_follow_up(fid, dt.datetime(2026, 12, 10, 9, 0))
    assert sync().events_put == 1
    assert len(server_items(server)) == 1


def test_items_that_are_not_netdesks_are_left_alone(server: Server) -> None:
    make_follow_ups(1)
    add_calendar_account(server)
    foreign = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VTODO\r\n"
        "UID:dentist\r\nDTSTAMP:20261120T100000Z\r\nSUMMARY:Dentist\r\nEND:VTODO\r\n"
        "END:VCALENDAR\r\n"
    )
    client = server.client()
    caldav.put_item(client, CALENDAR + "dentist.ics", foreign, etag=None)
    client.close()
    sync()
    sync()
    items = server_items(server)
    assert "dentist" in items and len(items) == 2


def test_tasks_become_events_when_the_user_changes_the_form(server: Server) -> None:
    make_follow_ups(2)
    add_calendar_account(server)
    sync()
    writer.set_calendar_options(CalendarOptions(form=CalendarForm.EVENT))
    report = sync()
    assert report.events_put == 2 and not report.rejected_items
    assert {i.name for i in server_items(server).values()} == {"VEVENT"}


def test_removing_the_account_forgets_its_calendar_and_leaves_the_follow_ups(
    server: Server,
) -> None:
    ids = make_follow_ups(2)
    account_id = add_calendar_account(server)
    sync()
    writer.snooze_follow_up(ids[0], dt.datetime(2026, 12, 1, 10, 0))
    assert reader.event_outbox()
    account = reader.sync_account(account_id)
    assert account is not None
    accounts.remove_account(account)
    assert reader.sync_calendars() == [] and reader.event_outbox() == {}
    assert not reader.has_sync()
    assert FollowUp.select().count() == 2
    writer.snooze_follow_up(ids[1], dt.datetime(2026, 12, 1, 10, 0))
    assert reader.event_outbox() == {}  # nothing to push to: nothing queued


def test_an_overdue_event_moves_to_today_and_a_task_keeps_its_day(server: Server) -> None:
    make_follow_ups(1)  # due tomorrow at 08:00
    writer.set_calendar_options(CalendarOptions(form=CalendarForm.EVENT))
    add_calendar_account(server)
    sync()
    (event,) = server_items(server).values()
    assert event.decoded("dtstart") == NOW.date() + dt.timedelta(days=1)
    later = NOW + dt.timedelta(days=4)
    assert sync(later).events_put == 1
    (event,) = server_items(server).values()
    assert event.decoded("dtstart") == later.date()
    assert sync(later).events_put == 0  # once a day, not at every sync

    writer.set_calendar_options(CalendarOptions(form=CalendarForm.TODO))
    assert sync(later).events_put == 1
    (task,) = server_items(server).values()
    assert task.decoded("due") == dt.datetime.combine(
        NOW.date() + dt.timedelta(days=1), dt.time(9, 0)
    )
    assert sync(later + dt.timedelta(days=1)).events_put == 0


def test_an_item_edited_on_the_phone_then_snoozed_here_takes_the_snooze(server: Server) -> None:
    (fid,) = make_follow_ups(1)
    add_calendar_account(server)
    sync()
    (uid,) = server_items(server)
    href = caldav.item_href(CALENDAR, uid)
    client = server.client()
    item = caldav.get_item(client, href)
    assert item is not None
    caldav.put_item(
        client, href, item.text.replace("SUMMARY:", "SUMMARY:(phone) "), etag=item.etag
    )
    client.close()
    writer.snooze_follow_up(fid, dt.datetime(2026, 12, 2, 11, 0))
    report = sync()
    assert report.events_put == 1 and report.done_here == 0
    (task,) = server_items(server).values()
    assert task.decoded("due") == dt.datetime(2026, 12, 2, 11, 0)
    assert not str(task["summary"]).startswith("(phone)")
