"""One way to show a day to the user, everywhere: relative when it is near, a full date
with its year otherwise. Spelled here rather than with strftime, which follows the
process locale: the app's words are English, so its dates are too."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# How far from today a day is still shown as "3 days ago" or "in 5 days".
NEAR_DAYS = 6


def full_date(day: dt.date, *, short: bool = False) -> str:
    """'3 September 2026'; with `short`, '3 Sep 2026' (for a narrow column of a list)."""
    month = MONTHS[day.month - 1]
    return f"{day.day} {month[:3] if short else month} {day.year}"


def describe_day(day: dt.date, today: dt.date, *, short: bool = False) -> str:
    """'today', 'yesterday', 'tomorrow', '3 days ago', 'in 5 days' within a week of today;
    '3 September 2026' otherwise ('3 Sep 2026' with `short`). Never a date without its
    year."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == -1:
        return "yesterday"
    if days == 1:
        return "tomorrow"
    if -NEAR_DAYS <= days < 0:
        return f"{-days} days ago"
    if 0 < days <= NEAR_DAYS:
        return f"in {days} days"
    return full_date(day, short=short)


def day_phrase(day: dt.date, today: dt.date) -> str:
    """A day as it reads inside a sentence: 'today', '3 days ago', 'in 5 days', or 'on 3
    September 2026' (`describe_day`, with the 'on' a full date needs)."""
    said = describe_day(day, today)
    return f"on {said}" if said == full_date(day) else said


def describe_moment(at: dt.datetime, now: dt.datetime) -> str:
    """A day as `describe_day` says it, with the time for today and tomorrow:
    'today at 14:30', 'tomorrow at 09:00', '3 days ago', '3 September 2026'."""
    said = describe_day(at.date(), now.date())
    if said in ("today", "tomorrow", "yesterday"):
        return f"{said} at {at:%H:%M}"
    return said
