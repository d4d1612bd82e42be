"""The network at a glance: ties as shares, and touches bucketed into the last weeks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class WeekBar:
    """One week's touches; the week ends on `last_day` (inclusive)."""

    first_day: dt.date
    last_day: dt.date
    count: int

    @property
    def label(self) -> str:
        """The week's first day, short: '3 Sep' (spelled here, not by the process locale)."""
        return f"{self.first_day.day} {_MONTHS[self.first_day.month - 1]}"


def weekly_touches(
    per_day: Mapping[dt.date, int], today: dt.date, *, weeks: int = 12
) -> list[WeekBar]:
    """Touches per week over the `weeks` weeks ending today, oldest week first.

    The last bar is the seven days ending today, so the newest bar is never half empty
    because the calendar week has only just begun. Days outside the window are ignored.
    """
    bars = []
    for back in range(weeks - 1, -1, -1):
        last = today - dt.timedelta(days=7 * back)
        first = last - dt.timedelta(days=6)
        count = sum(n for day, n in per_day.items() if first <= day <= last)
        bars.append(WeekBar(first, last, count))
    return bars


def window_start(today: dt.date, *, weeks: int = 12) -> dt.date:
    """The first day that `weekly_touches` counts."""
    return today - dt.timedelta(days=7 * weeks - 1)


@dataclass(frozen=True, slots=True)
class Share:
    label: str
    count: int
    fraction: float  # of the total; 0 when the total is 0


def shares(parts: Sequence[tuple[str, int]]) -> list[Share]:
    """Each part with its fraction of the whole (for a donut or a stacked bar)."""
    total = sum(max(0, n) for _, n in parts)
    return [Share(label, max(0, n), (max(0, n) / total) if total else 0.0) for label, n in parts]


def axis_top(largest: int) -> int:
    """A round top for a bar chart's axis at or above `largest` (1, 2, 5, 10, 20, 50...)."""
    if largest <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= largest:
                return step * factor
        step *= 10
