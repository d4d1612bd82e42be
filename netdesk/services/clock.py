"""The app's clock: one place that reads the time, so tests and rules can be given another."""

from __future__ import annotations

import datetime as dt

from netdesk.core.clock import local_now


class Clock:
    """Local wall-clock time, naive, to the second, as the store keeps it."""

    def now(self) -> dt.datetime:
        return local_now()


class FixedClock(Clock):
    """A clock that says what it is told: for tests and the benchmark."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment

    def advance(self, delta: dt.timedelta) -> None:
        self.moment += delta
