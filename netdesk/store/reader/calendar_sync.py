"""Reading what the calendar push knows: an account's calendars, the items on them, the
follow-ups changed in place since they were pushed, and the open follow-ups to push."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netdesk.core.calendar import ALL_AHEAD_DAYS, CalendarFollowUp
from netdesk.store.models import db
from netdesk.store.reader.due import DueFollowUp, DueList, follow_ups
from netdesk.store.sql import chunks, run_sql


@dataclass(frozen=True, slots=True)
class SyncCalendar:
    calendar_id: int
    account_id: int
    href: str
    name: str
    enabled: bool
    token: str


@dataclass(frozen=True, slots=True)
class SyncEvent:
    """One follow-up as an item on a calendar, as last pushed or read."""

    calendar_id: int
    href: str
    follow_up_id: int
    uid: str
    etag: str  # "" until the server confirmed it
    digest: str  # of what was pushed, without its time stamp
    shown_on: dt.date | None
    closed: bool  # completed there (by NetDesk or on another device)
    removed: bool  # deleted on the server: not put back unless it changes here


def sync_calendars(account_id: int | None = None) -> list[SyncCalendar]:
    where, params = ("WHERE account_id = ?", [account_id]) if account_id is not None else ("", [])
    rows = run_sql(
        db,
        "SELECT calendar_id, account_id, href, name, enabled, sync_token FROM sync_calendar "
        f"{where} ORDER BY calendar_id",
        params,
    ).fetchall()
    return [SyncCalendar(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]


def pushed_calendar(account_id: int) -> SyncCalendar | None:
    """The calendar this account's follow-ups go to, if it has one."""
    return next((c for c in sync_calendars(account_id) if c.enabled), None)


def has_calendar_push() -> bool:
    found = run_sql(db, "SELECT 1 FROM sync_calendar WHERE enabled = 1 LIMIT 1").fetchone()
    return found is not None


def _event(row: Any) -> SyncEvent:
    shown = dt.date.fromisoformat(row[6]) if row[6] else None
    return SyncEvent(
        row[0], row[1], row[2], row[3], row[4], row[5], shown, bool(row[7]), bool(row[8])
    )


_EVENT = (
    "SELECT calendar_id, href, follow_up_id, uid, etag, digest, shown_on, closed, removed "
    "FROM sync_event"
)


def calendar_events(calendar_id: int) -> dict[int, SyncEvent]:
    """follow-up id -> its item on the calendar."""
    rows = run_sql(db, f"{_EVENT} WHERE calendar_id = ?", [calendar_id]).fetchall()
    return {int(r[2]): _event(r) for r in rows}


def calendar_event_at(calendar_id: int, href: str) -> SyncEvent | None:
    row = run_sql(
        db, f"{_EVENT} WHERE calendar_id = ? AND href = ?", [calendar_id, href]
    ).fetchone()
    return _event(row) if row else None


def event_outbox() -> dict[int, int]:
    """follow-up id -> version, of follow-ups changed in place since they were pushed."""
    return {
        int(r[0]): int(r[1])
        for r in run_sql(db, "SELECT follow_up_id, version FROM sync_event_outbox")
    }


def follow_up_states(ids: Sequence[int]) -> dict[int, str]:
    """follow-up id -> its state, for those that still exist."""
    out: dict[int, str] = {}
    for chunk in chunks(list(ids)):
        out.update(
            (int(r[0]), str(r[1]))
            for r in run_sql(
                db,
                f"SELECT id, state FROM follow_up WHERE id IN ({','.join('?' * len(chunk))})",
                list(chunk),
            )
        )
    return out


def pushable_follow_ups(now: dt.datetime) -> DueList:
    """Every open follow-up a calendar shows (as the .ics export has them), read lazily."""
    return follow_ups(now, horizon=dt.timedelta(days=ALL_AHEAD_DAYS))


def calendar_item(follow_up: DueFollowUp) -> CalendarFollowUp:
    """What a calendar may know of a follow-up: never the contact's notes."""
    return CalendarFollowUp(
        follow_up_id=follow_up.follow_up_id,
        contact_id=follow_up.contact_id,
        contact_name=follow_up.contact_name,
        rule=follow_up.rule,
        due_at=follow_up.effective_at,
        sentence=follow_up.sentence,
    )
