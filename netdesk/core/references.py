"""References (playbook rule 9): not asking the same person too often, and heads-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from netdesk.core.dates import day_phrase, full_date

# Asking one person for more than MAX_ASKS_PER_WINDOW references within ASK_WINDOW_DAYS
# wears them out.
ASK_WINDOW_DAYS = 90
MAX_ASKS_PER_WINDOW = 2
# A reference hears from the user this many days before the employer's check.
HEADS_UP_LEAD_DAYS = 2


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def asks_in_window(
    asks: Iterable[dt.datetime], now: dt.datetime, *, window_days: int = ASK_WINDOW_DAYS
) -> list[dt.datetime]:
    """The asks inside the window that ends at `now`, oldest first.

    An ask dated after `now` (a clock set wrong, a typo) still counts: better to warn once
    too often than to wear out an advocate.
    """
    start = now - dt.timedelta(days=window_days)
    return sorted(at for at in asks if at > start)


def reference_warning(
    asks: list[dt.datetime],
    now: dt.datetime,
    *,
    max_per_window: int = MAX_ASKS_PER_WINDOW,
    window_days: int = ASK_WINDOW_DAYS,
    name: str = "",
) -> str | None:
    """A sentence when asking this person for a reference again would be too often, else None.

    `asks` are the times the user asked them for a reference; at `max_per_window` asks within
    the last `window_days` days, one more is too many.
    """
    recent = asks_in_window(asks, now, window_days=window_days)
    if max_per_window < 1 or len(recent) < max_per_window:
        return None
    who = name.strip() or "this person"
    first = f"You asked {who} for a reference {_times(len(recent))} in the last {window_days} days."
    # The day the oldest ask that keeps the count at the limit leaves the window.
    free_at = recent[len(recent) - max_per_window] + dt.timedelta(days=window_days)
    if free_at <= now:
        return f"{first} Maybe ask another advocate this time."
    return f"{first} Maybe ask another advocate, or wait until {full_date(free_at.date())}."


def heads_up_at(check_at: dt.datetime, lead_days: int = HEADS_UP_LEAD_DAYS) -> dt.datetime:
    """When the heads-up falls due: `lead_days` before the check (on the day, at the least)."""
    return check_at - dt.timedelta(days=max(0, lead_days))


def heads_up_due(
    check_at: dt.datetime, now: dt.datetime, lead_days: int = HEADS_UP_LEAD_DAYS
) -> bool:
    """Whether it is time to warn a reference that a check is coming (and it hasn't passed)."""
    return heads_up_at(check_at, lead_days) <= now < check_at


def heads_up_sentence(
    name: str, check_at: dt.datetime, now: dt.datetime, *, company: str = ""
) -> str:
    """What the heads-up follow-up says, e.g. 'Dana may get a reference call from Acme
    tomorrow. A short heads-up helps them be ready.'"""
    who = name.strip() or "Your reference"
    source = f" from {company.strip()}" if company.strip() else ""
    when = day_phrase(check_at.date(), now.date())
    if check_at.date() < now.date():
        return (
            f"{who} may have had a reference call{source} {when}. "
            "A quick thank-you would be kind."
        )
    return f"{who} may get a reference call{source} {when}. A short heads-up helps them be ready."
