"""Follow-ups as an RFC 5545 calendar: what each item says, when it rings, and its UID."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from netdesk.core.calendar import (
    Birthday,
    CalendarDetail,
    CalendarFollowUp,
    CalendarForm,
    CalendarOptions,
    build_calendar,
    follow_up_uid,
    parse_birthday,
)
from netdesk.core.domain import FollowUpRule

NOW = dt.datetime(2026, 11, 29, 8, 0)
ADA = CalendarFollowUp(
    1, 10, "Ada Lovelace", FollowUpRule.MET_NO_FOLLOW_UP, dt.datetime(2026, 12, 2, 9, 0),
    "You met Ada at the Initech open house 5 days ago.",
)  # fmt: skip
LATE = CalendarFollowUp(2, 11, "Sam Okafor", FollowUpRule.CADENCE, dt.datetime(2026, 11, 1, 9, 0))


def _parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def _items(calendar: icalendar.Calendar, kind: str) -> list[icalendar.cal.Component]:
    return [c for c in calendar.walk() if c.name == kind]


def test_a_follow_up_is_a_todo_with_its_rule_name_sentence_action_and_alarm() -> None:
    calendar = _parse(build_calendar([ADA], CalendarOptions(), "k", NOW))
    (todo,) = _items(calendar, "VTODO")
    assert str(todo["summary"]) == "Follow up after meeting: Ada Lovelace"
    text = str(todo["description"])
    assert ADA.sentence in text and FollowUpRule.MET_NO_FOLLOW_UP.suggested_action in text
    assert todo.decoded("due") == dt.datetime(2026, 12, 2, 9, 0)
    assert todo.decoded("dtstart") < todo.decoded("due")
    (alarm,) = [c for c in todo.walk() if c.name == "VALARM"]
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm["trigger"].params["RELATED"] == "END"
    assert alarm.decoded("trigger") == dt.timedelta(0)
    assert str(todo["uid"]) == follow_up_uid("k", 1)


def test_an_overdue_follow_up_is_shown_today_and_says_since_when() -> None:
    calendar = _parse(build_calendar([LATE], CalendarOptions(), "k", NOW))
    (todo,) = _items(calendar, "VTODO")
    assert todo.decoded("due") == dt.datetime(2026, 11, 29, 9, 0)
    assert "Due since 1 November 2026." in str(todo["description"])


def test_a_follow_up_snoozed_to_later_that_day_rings_then() -> None:
    later = CalendarFollowUp(3, 12, "Kim", FollowUpRule.CADENCE, dt.datetime(2026, 12, 3, 15, 30))
    (todo,) = _items(_parse(build_calendar([later], CalendarOptions(), "k", NOW)), "VTODO")
    assert todo.decoded("due") == dt.datetime(2026, 12, 3, 15, 30)


def test_events_are_all_day_with_the_alarm_at_the_chosen_time() -> None:
    options = CalendarOptions(form=CalendarForm.EVENT, alarm_at=dt.time(8, 30))
    (event,) = _items(_parse(build_calendar([ADA], options, "k", NOW)), "VEVENT")
    assert event.decoded("dtstart") == dt.date(2026, 12, 2)
    assert event.decoded("dtend") == dt.date(2026, 12, 3)
    (alarm,) = [c for c in event.walk() if c.name == "VALARM"]
    assert alarm.decoded("trigger") == dt.timedelta(hours=8, minutes=30)
    assert alarm["trigger"].params["RELATED"] == "START"


def test_brief_calendars_say_only_who() -> None:
    options = CalendarOptions(detail=CalendarDetail.NAME_ONLY)
    data = build_calendar([ADA], options, "k", NOW)
    (todo,) = _items(_parse(data), "VTODO")
    assert str(todo["summary"]) == "Follow up with Ada Lovelace"
    assert "description" not in todo
    assert b"Initech" not in data and b"Follow up after meeting" not in data


def test_birthdays_are_yearly_and_only_when_asked() -> None:
    people = [Birthday(10, "Ada", 12, 10, 1815), Birthday(11, "Sam", 2, 29)]
    assert not _items(_parse(build_calendar([], CalendarOptions(), "k", NOW, people)), "VEVENT")
    options = CalendarOptions(birthdays=True)
    ada, sam = _items(_parse(build_calendar([], options, "k", NOW, people)), "VEVENT")
    assert ada.decoded("dtstart") == dt.date(1815, 12, 10)
    assert ada["rrule"]["FREQ"] == ["YEARLY"]
    assert sam.decoded("dtstart") == dt.date(2026, 2, 28)  # this year has no 29 February
    assert sam["rrule"]["BYMONTHDAY"] == [-1]


def test_uids_are_stable_and_per_store() -> None:
    first = build_calendar([ADA, LATE], CalendarOptions(), "store-a", NOW)
    again = build_calendar([ADA, LATE], CalendarOptions(), "store-a", NOW + dt.timedelta(days=1))
    other = build_calendar([ADA, LATE], CalendarOptions(), "store-b", NOW)

    def uids(data: bytes) -> list[str]:
        return [str(c["uid"]) for c in _items(_parse(data), "VTODO")]

    assert uids(first) == uids(again)
    assert not set(uids(first)) & set(uids(other))


def test_a_second_parser_reads_it() -> None:
    vobject = pytest.importorskip("vobject")
    options = CalendarOptions(birthdays=True)
    data = build_calendar([ADA, LATE], options, "k", NOW, [Birthday(10, "Ada", 12, 10)])
    parsed = vobject.readOne(data.decode("utf-8"))
    assert len(parsed.vtodo_list) == 2 and len(parsed.vevent_list) == 1
    assert parsed.vtodo_list[0].valarm.trigger.value == dt.timedelta(0)


@pytest.mark.parametrize(
    ("stored", "parsed"),
    [("1990-03-15", (1990, 3, 15)), ("--03-15", (None, 3, 15)), ("--02-29", (None, 2, 29)),
     ("--02-30", None), ("soon", None), ("", None)],
)  # fmt: skip
def test_stored_birthdays(stored: str, parsed: tuple[int | None, int, int] | None) -> None:
    assert parse_birthday(stored) == parsed


def test_options_survive_a_round_trip_and_bad_values_fall_back() -> None:
    options = CalendarOptions(CalendarForm.EVENT, CalendarDetail.NAME_ONLY, dt.time(7, 45), True)
    assert CalendarOptions.from_json(options.to_json()) == options
    assert CalendarOptions.from_json({"form": "poster", "alarm_at": "noon"}) == CalendarOptions()
    assert CalendarOptions.from_json(None) == CalendarOptions()
