"""What a calendar of follow-ups is made from: the open follow-ups, birthdays, the options."""

from __future__ import annotations

import datetime as dt

from netdesk.core.calendar import (
    ALL_AHEAD_DAYS,
    Birthday,
    CalendarFollowUp,
    CalendarOptions,
    parse_birthday,
)
from netdesk.store.models import Contact
from netdesk.store.reader.due import follow_ups
from netdesk.store.reader.settings import get_setting

CALENDAR_KEY = "calendar"
STORE_ID_KEY = "store_id"


def calendar_options() -> CalendarOptions:
    return CalendarOptions.from_json(get_setting(CALENDAR_KEY, {}))


def store_id() -> str:
    """The key that makes this store's calendar UIDs its own; empty until first written."""
    return str(get_setting(STORE_ID_KEY, "") or "")


def calendar_follow_ups(now: dt.datetime, days: int | None = None) -> list[CalendarFollowUp]:
    """Every open follow-up (or those due within `days`), overdue ones included, soonest
    first, with the sentence the app wrote for it (never a contact's notes)."""
    horizon = dt.timedelta(days=ALL_AHEAD_DAYS if days is None else max(0, days))
    return [
        CalendarFollowUp(
            follow_up_id=f.follow_up_id,
            contact_id=f.contact_id,
            contact_name=f.contact_name,
            rule=f.rule,
            due_at=f.effective_at,
            sentence=f.sentence,
        )
        for f in follow_ups(now, horizon=horizon)
    ]


def birthdays() -> list[Birthday]:
    """The birthdays of everyone not archived, for yearly events."""
    query = (
        Contact.select(Contact.id, Contact.display_name, Contact.birthday)
        .where((Contact.archived == False) & (Contact.birthday != ""))  # noqa: E712
        .order_by(Contact.id)
    )
    out = []
    for contact in query:
        parsed = parse_birthday(str(contact.birthday))
        if parsed is not None:
            year, month, day = parsed
            out.append(Birthday(contact.id, str(contact.display_name), month, day, year))
    return out
