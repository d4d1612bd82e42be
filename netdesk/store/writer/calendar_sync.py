"""Writing what the calendar push learns: the calendar an account pushes to, each follow-up's
item there (its ETag and what was pushed), the outbox done, and follow-ups completed on
another device.

Like the contacts' sync, writes made for the server's sake run quiet: the outbox triggers
skip them, so nothing the server said is sent back to it as if the user had done it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from netdesk.core.domain import RULE_REASONS, FollowUpState
from netdesk.store.models import Contact, FollowUp, db
from netdesk.store.sql import run_sql
from netdesk.store.writer.changes import change
from netdesk.store.writer.sync import quiet_sync


def set_sync_calendars(account_id: int, calendars: Sequence[tuple[str, str, bool]]) -> None:
    """The account's calendars as found on its server (href, name, pushed to). One at most
    is pushed to; a calendar no longer found, or no longer pushed to, forgets its items
    (they stay on the server as they are)."""
    if sum(1 for _, _, enabled in calendars if enabled) > 1:
        raise ValueError("follow-ups go to one calendar of an account")
    with change():
        known = {
            href: calendar_id
            for calendar_id, href in run_sql(
                db,
                "SELECT calendar_id, href FROM sync_calendar WHERE account_id = ?",
                [account_id],
            )
        }
        for href, name, enabled in calendars:
            if href in known:
                run_sql(
                    db,
                    "UPDATE sync_calendar SET name = ?, enabled = ? WHERE calendar_id = ?",
                    [name, int(enabled), known.pop(href)],
                )
            else:
                run_sql(
                    db,
                    "INSERT INTO sync_calendar (account_id, href, name, enabled) "
                    "VALUES (?, ?, ?, ?)",
                    [account_id, href, name, int(enabled)],
                )
        for calendar_id in known.values():
            run_sql(db, "DELETE FROM sync_calendar WHERE calendar_id = ?", [calendar_id])
        run_sql(
            db,
            "DELETE FROM sync_event WHERE calendar_id IN (SELECT calendar_id FROM sync_calendar "
            "WHERE account_id = ? AND enabled = 0)",
            [account_id],
        )
        run_sql(
            db,
            "UPDATE sync_calendar SET sync_token = '' WHERE account_id = ? AND enabled = 0",
            [account_id],
        )
        if not run_sql(db, "SELECT 1 FROM sync_calendar WHERE enabled = 1 LIMIT 1").fetchone():
            run_sql(db, "DELETE FROM sync_event_outbox")


def set_calendar_token(calendar_id: int, token: str) -> None:
    with change():
        run_sql(
            db,
            "UPDATE sync_calendar SET sync_token = ? WHERE calendar_id = ?",
            [token, calendar_id],
        )


def link_event(
    calendar_id: int,
    href: str,
    follow_up_id: int,
    *,
    uid: str,
    etag: str,
    digest: str,
    shown_on: dt.date | None,
    closed: bool = False,
    removed: bool = False,
) -> None:
    """The item at `href` is this follow-up, as last pushed (or read back)."""
    with change():
        run_sql(
            db,
            "DELETE FROM sync_event WHERE calendar_id = ? AND follow_up_id = ? AND href != ?",
            [calendar_id, follow_up_id, href],
        )
        run_sql(
            db,
            "INSERT INTO sync_event (calendar_id, href, follow_up_id, uid, etag, digest, "
            "shown_on, closed, removed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (calendar_id, href) DO UPDATE SET follow_up_id = excluded.follow_up_id, "
            "uid = excluded.uid, etag = excluded.etag, digest = excluded.digest, "
            "shown_on = excluded.shown_on, closed = excluded.closed, removed = excluded.removed",
            [
                calendar_id,
                href,
                follow_up_id,
                uid,
                etag,
                digest,
                shown_on.isoformat() if shown_on else None,
                int(closed),
                int(removed),
            ],
        )


def drop_event(calendar_id: int, href: str) -> None:
    with change():
        run_sql(
            db, "DELETE FROM sync_event WHERE calendar_id = ? AND href = ?", [calendar_id, href]
        )


def mark_event_pushed(follow_up_id: int, version: int) -> None:
    """The outbox row for this follow-up is done, unless it changed again since."""
    with change():
        run_sql(
            db,
            "DELETE FROM sync_event_outbox WHERE follow_up_id = ? AND version = ?",
            [follow_up_id, version],
        )


def complete_elsewhere(
    completed: Mapping[int, dt.datetime], note: str, now: dt.datetime
) -> list[int]:
    """Follow-ups completed on another device: done, with `note` added to what they say,
    and no interaction logged (the user did not say what happened). A rule's next round
    counts from when it was completed, as after setting one aside. Quiet: the server
    already has them completed. Returns the contacts whose follow-ups changed."""
    touched: set[int] = set()
    with quiet_sync(now), change(now) as changed:
        rule_reasons = {r.value for r in RULE_REASONS}
        for follow_up_id, when in completed.items():
            fu = FollowUp.get_or_none(FollowUp.id == follow_up_id)
            if fu is None or fu.state not in (
                FollowUpState.DUE.value,
                FollowUpState.SNOOZED.value,
            ):
                continue
            said = f"{fu.note}\n{note}" if fu.note else note
            moment = min(when, now)
            FollowUp.update(
                state=FollowUpState.DONE.value, resolved_at=moment, note=said
            ).where(FollowUp.id == follow_up_id).execute()
            if fu.reason in rule_reasons:
                Contact.update(rules_reset_at=moment).where(Contact.id == fu.contact_id).execute()
                changed.contact([fu.contact_id], rules=True)
            changed.follow_up([fu.contact_id])
            touched.add(fu.contact_id)
            run_sql(
                db,
                "UPDATE sync_event SET closed = 1 WHERE follow_up_id = ?",
                [follow_up_id],
            )
            run_sql(db, "DELETE FROM sync_event_outbox WHERE follow_up_id = ?", [follow_up_id])
    return sorted(touched)
