"""Follow-ups as a calendar (RFC 5545): an .ics file to import, or the items a CalDAV
calendar keeps in step.

Each open follow-up is a to-do (or, for calendars that show no to-dos, such as Google
Calendar, an all-day event) named after its rule and its person, with the full sentence and
the suggested action in its description, an alarm at the time of day the user chose, and a
UID that stays the same from one export to the next, so a second import updates rather than
duplicates. Overdue follow-ups are put on today: a calendar is read for what to do now.
What the user wrote (notes) is never put in: a calendar leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netdesk.core.dates import full_date
from netdesk.core.domain import FollowUpRule

if TYPE_CHECKING:
    import icalendar

PRODUCT_ID = "-//NetDesk//Follow-ups//EN"
UID_DOMAIN = "netdesk.invalid"
# "Every open follow-up": as far ahead as any rule schedules one.
ALL_AHEAD_DAYS = 3660


class CalendarForm(enum.StrEnum):
    TODO = "todo"  # VTODO: Thunderbird, GNOME, Apple Reminders through CalDAV
    EVENT = "event"  # all-day VEVENT: every calendar, Google Calendar included

    @property
    def label(self) -> str:
        return {"todo": "Tasks (to-dos)", "event": "All-day events"}[self.value]


class CalendarDetail(enum.StrEnum):
    FULL = "full"  # the rule's sentence and the suggested action
    NAME_ONLY = "name_only"  # "Follow up with Ada", nothing more

    @property
    def label(self) -> str:
        return {
            "full": "Why, and what to do",
            "name_only": 'Only "Follow up with" and the name',
        }[self.value]


@dataclass(frozen=True, slots=True)
class CalendarOptions:
    form: CalendarForm = CalendarForm.TODO
    detail: CalendarDetail = CalendarDetail.FULL
    alarm_at: dt.time = dt.time(9, 0)
    birthdays: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "form": self.form.value,
            "detail": self.detail.value,
            "alarm_at": self.alarm_at.strftime("%H:%M"),
            "birthdays": self.birthdays,
        }

    @classmethod
    def from_json(cls, data: object) -> CalendarOptions:
        """Options as stored; anything unreadable falls back to its default."""
        default = cls()
        if not isinstance(data, dict):
            return default
        try:
            form = CalendarForm(data.get("form", default.form))
        except ValueError:
            form = default.form
        try:
            detail = CalendarDetail(data.get("detail", default.detail))
        except ValueError:
            detail = default.detail
        try:
            alarm_at = dt.time.fromisoformat(str(data.get("alarm_at", "")))
        except ValueError:
            alarm_at = default.alarm_at
        birthdays = bool(data.get("birthdays", default.birthdays))
        return cls(form, detail, alarm_at.replace(second=0, microsecond=0), birthdays)


@dataclass(frozen=True, slots=True)
class CalendarFollowUp:
    """What a calendar may know of one open follow-up."""

    follow_up_id: int
    contact_id: int
    contact_name: str
    rule: FollowUpRule
    due_at: dt.datetime
    # The sentence the app wrote for it (never the contact's notes, which stay on the machine).
    sentence: str = ""


@dataclass(frozen=True, slots=True)
class Birthday:
    contact_id: int
    contact_name: str
    month: int
    day: int
    year: int | None = None


def store_key(seed: str) -> str:
    """A short, stable key for one store (from something unique to it, such as the moment
    its first row was written), so two stores' follow-up #12 never share a UID."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:12]


def follow_up_uid(store: str, follow_up_id: int) -> str:
    return f"follow-up-{follow_up_id}-{store}@{UID_DOMAIN}"


def birthday_uid(store: str, contact_id: int) -> str:
    return f"birthday-{contact_id}-{store}@{UID_DOMAIN}"


def summary(item: CalendarFollowUp, detail: CalendarDetail) -> str:
    name = item.contact_name.strip() or "a contact"
    if detail is CalendarDetail.NAME_ONLY:
        return f"Follow up with {name}"
    return f"{item.rule.short_label}: {name}"


def description(item: CalendarFollowUp, detail: CalendarDetail, now: dt.datetime) -> str:
    if detail is CalendarDetail.NAME_ONLY:
        return ""
    lines = []
    if item.sentence:
        lines.append(item.sentence)
    lines.append(item.rule.suggested_action)
    if item.due_at.date() < now.date():
        lines.append(f"Due since {full_date(item.due_at.date())}.")
    return "\n\n".join(lines)


def shown_on(item: CalendarFollowUp, now: dt.datetime) -> dt.date:
    """The day the calendar shows it: its own, or today once it is overdue."""
    return max(item.due_at.date(), now.date())


def _stamp(now: dt.datetime) -> dt.datetime:
    local = now if now.tzinfo is not None else now.astimezone()
    return local.astimezone(dt.UTC).replace(microsecond=0)


def follow_up_component(
    item: CalendarFollowUp, options: CalendarOptions, store: str, now: dt.datetime
) -> icalendar.Todo | icalendar.Event:
    """One follow-up as a VTODO or an all-day VEVENT, with its alarm."""
    import icalendar

    day = shown_on(item, now)
    component: icalendar.Todo | icalendar.Event
    if options.form is CalendarForm.TODO:
        component = icalendar.Todo()
        # A floating time: the alarm rings at that time of day wherever the phone is.
        due = dt.datetime.combine(day, options.alarm_at)
        if day == item.due_at.date() and item.due_at.time() > options.alarm_at:
            due = item.due_at.replace(second=0, microsecond=0)  # snoozed to later that day
        # Shown from the start of its day, due (and ringing) at the chosen time: RFC 5545
        # wants a to-do's DUE after its DTSTART, so a midnight alarm has no start.
        start = dt.datetime.combine(day, dt.time(0, 0))
        if start < due:
            component.add("dtstart", start)
        component.add("due", due)
        component.add("status", "NEEDS-ACTION")
        trigger = dt.timedelta(0)
        related = "END"
    else:
        component = icalendar.Event()
        component.add("dtstart", day)
        component.add("dtend", day + dt.timedelta(days=1))
        component.add("transp", "TRANSPARENT")
        trigger = dt.timedelta(hours=options.alarm_at.hour, minutes=options.alarm_at.minute)
        related = "START"
    component.add("uid", follow_up_uid(store, item.follow_up_id))
    component.add("dtstamp", _stamp(now))
    component.add("summary", summary(item, options.detail))
    text = description(item, options.detail, now)
    if text:
        component.add("description", text)
    component.add("categories", ["NetDesk"])
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary(item, options.detail))
    alarm.add("trigger", trigger, parameters={"RELATED": related})
    component.add_component(alarm)
    return component


def birthday_component(birthday: Birthday, store: str, now: dt.datetime) -> icalendar.Event:
    """A yearly all-day event on the contact's birthday."""
    import icalendar

    # A year is needed to start the series; a birthday without one starts this year.
    start_year = birthday.year or now.year
    day = _valid_day(start_year, birthday.month, birthday.day)
    event = icalendar.Event()
    event.add("uid", birthday_uid(store, birthday.contact_id))
    event.add("dtstamp", _stamp(now))
    name = birthday.contact_name.strip() or "A contact"
    event.add("summary", f"{name}: birthday")
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    rule: dict[str, object] = {"freq": "yearly"}
    if (birthday.month, birthday.day) == (2, 29):
        rule.update(bymonth=2, bymonthday=-1)  # the 28th in years without a 29th
    event.add("rrule", rule)
    event.add("categories", ["NetDesk", "Birthday"])
    return event


def _valid_day(year: int, month: int, day: int) -> dt.date:
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            if day <= 28:
                raise
            day -= 1


def build_calendar(
    follow_ups: Iterable[CalendarFollowUp],
    options: CalendarOptions,
    store: str,
    now: dt.datetime,
    birthdays: Iterable[Birthday] = (),
) -> bytes:
    """The whole calendar as an .ics file's bytes."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "NetDesk follow-ups")
    for item in follow_ups:
        calendar.add_component(follow_up_component(item, options, store, now))
    if options.birthdays:
        for birthday in birthdays:
            calendar.add_component(birthday_component(birthday, store, now))
    return bytes(calendar.to_ical())


def parse_birthday(value: str) -> tuple[int | None, int, int] | None:
    """A stored birthday ('1990-03-15' or '--03-15') as (year or None, month, day)."""
    value = value.strip()
    try:
        if value.startswith("--") and len(value) == 7:
            month, day = int(value[2:4]), int(value[5:7])
            dt.date(2000, month, day)  # a real day of some year (29 February included)
            return None, month, day
        if len(value) >= 10:
            d = dt.date.fromisoformat(value[:10])
            return d.year, d.month, d.day
    except ValueError:
        return None
    return None
