"""The alarm clock: wakes when the next follow-up falls due or the digest is due, and says so once.

No polling. One single-shot QTimer is armed for the earliest of: the next moment an open
follow-up falls due (`reader.next_due_moment`), today's or tomorrow's digest, and the end of a
pause the user asked for. It is re-armed after every store change (the hub's signals).

Qt's timers run on the monotonic clock, which stops while the machine sleeps and ignores a
changed wall clock; the store's moments are wall-clock times. So every wake-up compares the
wall-clock time elapsed since the timer was armed with the monotonic time elapsed; when they
differ by more than a minute the clock jumped, and the scheduler catches up: it announces what
fell due meanwhile and re-arms. Cheap wake-ups notice a jump even when the armed timer lies far
ahead. Waking from sleep: on Linux, logind's PrepareForSleep(false) on the system bus
(services.resume), at once and at no cost while idle; where that signal is missing (no system
bus in a container, other platforms), a one-minute watchdog, so that a resume is caught up
within a minute. The application becoming active (the OS tells Qt; no cost while idle) checks
too. The watchdog is the only periodic wake-up, and only two clock reads and a subtraction (no
store query unless the clock jumped): about 100 µs a minute, far under the 0.05 CPU-s/minute
idle budget. With logind it runs every 15 minutes, for a clock set by hand.

Each follow-up is announced once, and only once a person could see it: the scheduler hands new
follow-ups to the notifier (`due`) and never again while it holds them; the notifier writes
FollowUp.notified_at (through the action layer) when its notice is on screen. Only follow-ups
whose notified_at is empty are announced, so one never shown is handed out again by the next
NetDesk. Snoozing clears notified_at, so a snoozed follow-up is announced again when its
snooze ends.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from netdesk.services import settings as settings_registry
from netdesk.services.clock import Clock
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store import reader
from netdesk.store.reader import DueFollowUp

log = logging.getLogger(__name__)

# Qt timer intervals are int32 milliseconds (~24.8 days); a longer wait is re-armed on the way.
MAX_INTERVAL_MS = 20 * 24 * 3600 * 1000
# The watchdog: every minute without a resume signal (a resume is caught up within a
# minute), every 15 minutes with one (only a clock set by hand is left for it).
WATCHDOG_MS = 60 * 1000
WATCHDOG_WITH_RESUME_SIGNAL_MS = 15 * 60 * 1000
# Wall and monotonic time drift apart by milliseconds under NTP slewing; a minute is a jump.
JUMP_TOLERANCE = dt.timedelta(seconds=60)
DEFAULT_DIGEST_TIME = settings_registry.default_digest_time()

# The keys it reads and writes in the Settings INI file (declared in the settings registry).
DIGEST_TIME_KEY = settings_registry.DIGEST_TIME.key
LAST_DIGEST_KEY = settings_registry.LAST_DIGEST.key
PAUSED_UNTIL_KEY = settings_registry.PAUSED_UNTIL.key


def parse_digest_time(text: Any) -> dt.time:
    """'HH:MM' as the user typed it; anything unreadable means the registry's default."""
    return settings_registry.time_of_day(text) or DEFAULT_DIGEST_TIME


def tomorrow_at(now: dt.datetime, at: dt.time) -> dt.datetime:
    """'Tomorrow' for a snooze: the next day at the digest time, when the user plans the day."""
    return dt.datetime.combine(now.date() + dt.timedelta(days=1), at)


def interval_ms(now: dt.datetime, target: dt.datetime) -> int:
    """Milliseconds to wait for `target`: at least a second (the store keeps whole seconds, and
    an early wake-up simply re-arms), at most what a Qt timer holds (a later wake-up re-arms)."""
    wait_ms = int((target - now).total_seconds() * 1000)
    return min(max(wait_ms, 1000), MAX_INTERVAL_MS)


def _parse_moment(text: Any) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None


class Scheduler(QObject):
    """Arms one timer for the next thing that falls due; announces new follow-ups once."""

    # Follow-ups that fell due and were never announced nor handed out yet (announce them,
    # and write them down as announced once a person could see it). Both carry the store's
    # DueList as it is (a `list` signal would copy it, reading every row).
    due = Signal(object)  # Sequence[DueFollowUp]
    # The daily digest: every person due now, once (announce one summary), and the ids of
    # the follow-ups it announces (those not announced yet).
    digestDue = Signal(object, object)  # Sequence[DueFollowUp], list[int]
    # How many follow-ups are due now, whenever that number changes.
    countChanged = Signal(int)
    # The wall clock moved apart from the monotonic one (sleep, resume, a changed clock).
    clockJumped = Signal()

    def __init__(
        self,
        hub: Hub,
        clock: Clock,
        settings: Settings,
        parent: QObject | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        watchdog_ms: int = WATCHDOG_MS,
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.clock = clock
        self.settings = settings
        self._monotonic = monotonic
        self._count = -1
        self._next_alarm: dt.datetime | None = None
        self._anchor_wall = clock.now()
        self._anchor_mono = monotonic()
        self._started = False
        # Handed to the notifier and not yet seen: not handed out again while it holds them.
        self._handed: set[int] = set()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_alarm)
        self._watchdog = QTimer(self)
        # Very coarse: the watchdog may be late by seconds, and Qt can batch it with others.
        self._watchdog.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._watchdog.setInterval(watchdog_ms)
        self._watchdog.timeout.connect(self.check_clock)
        # Store changes come in bursts (a bulk edit emits several signals): recompute once.
        self._recompute = QTimer(self)
        self._recompute.setSingleShot(True)
        self._recompute.setInterval(0)
        self._recompute.timeout.connect(self.check)

        hub.followUpsChanged.connect(self._schedule_recompute)
        hub.contactsChanged.connect(self._schedule_recompute)
        hub.searchChanged.connect(self._schedule_recompute)
        settings.changed.connect(self._on_setting_changed)

    # --- public ------------------------------------------------------------------------

    def start(self) -> None:
        """Begin: announce what is already due, arm the timer, start the watchdog."""
        self._started = True
        app = QCoreApplication.instance()
        state_signal = getattr(app, "applicationStateChanged", None)
        if state_signal is not None:
            state_signal.connect(self._on_app_state)
        self._watchdog.start()
        self.check()

    def stop(self) -> None:
        self._started = False
        self._timer.stop()
        self._watchdog.stop()
        self._recompute.stop()

    @property
    def count(self) -> int:
        return max(self._count, 0)

    @property
    def next_alarm(self) -> dt.datetime | None:
        """The wall-clock moment the timer is armed for (None when nothing lies ahead)."""
        return self._next_alarm

    @property
    def timer(self) -> QTimer:
        return self._timer

    def paused_until(self) -> dt.datetime | None:
        until = _parse_moment(self.settings.get(settings_registry.PAUSED_UNTIL))
        if until is None or until <= self.clock.now():
            return None
        return until

    def pause(self, until: dt.datetime | None) -> None:
        """Hold notifications until `until` (None resumes); what fell due is announced after."""
        self.settings.put(settings_registry.PAUSED_UNTIL, until.isoformat() if until else "")
        self.check()

    def digest_time(self) -> dt.time:
        return parse_digest_time(self.settings.digest_time)

    def check(self) -> None:
        """Look at the store now: update the count, announce what is new, re-arm the timer."""
        if not self._started:
            return
        self._recompute.stop()
        now = self.clock.now()
        self._update_count(now)
        if self.paused_until() is None:
            if self._digest_is_due(now):
                self._give_digest(now)
            else:
                self._announce_new(now)
        self._arm(now)

    def listen_for_resume(self, resumed: Any) -> None:
        """Catch up when the machine wakes (a signal such as services.resume's `resumed`);
        the watchdog then only has to notice a clock set by hand."""
        resumed.connect(self._on_resumed)
        self._watchdog.setInterval(WATCHDOG_WITH_RESUME_SIGNAL_MS)

    def check_clock(self) -> bool:
        """The cheap check: did the wall clock jump since the timer was armed? Catch up if so."""
        if not self._started:
            return False
        wall = self.clock.now() - self._anchor_wall
        mono = dt.timedelta(seconds=self._monotonic() - self._anchor_mono)
        if abs(wall - mono) <= JUMP_TOLERANCE:
            return False
        log.info("clock jumped by %s; catching up", wall - mono)
        self.clockJumped.emit()
        self.check()
        return True

    # --- inside ------------------------------------------------------------------------

    def _schedule_recompute(self, *_args: object) -> None:
        if self._started and not self._recompute.isActive():
            self._recompute.start()

    def _on_setting_changed(self, key: str) -> None:
        if key in (DIGEST_TIME_KEY, PAUSED_UNTIL_KEY):
            self._schedule_recompute()

    def _on_resumed(self) -> None:
        # Asleep for less than the jump tolerance: no jump, but look anyway (it is one query).
        if not self.check_clock():
            self.check()

    def _on_app_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check_clock()

    def _on_alarm(self) -> None:
        # A jump is logged and signalled; either way the store is looked at afresh.
        if not self.check_clock():
            self.check()

    def _update_count(self, now: dt.datetime) -> None:
        count = reader.count_due(now)
        if count != self._count:
            self._count = count
            self.countChanged.emit(count)

    def _announce_new(self, now: dt.datetime) -> None:
        # The store finds the unannounced ones: thousands due need not be read to find none.
        fresh = reader.follow_ups(now, unannounced=True)
        ids = fresh.ids()
        self._handed &= set(ids)  # the rest were seen, or settled, since
        if not ids:
            return
        if not self._handed:
            self._handed.update(ids)
            self.due.emit(fresh)
            return
        new = [i for i, fid in enumerate(ids) if fid not in self._handed]
        if new:
            self._handed.update(ids[i] for i in new)
            self.due.emit([fresh[i] for i in new])

    def _digest_moment(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.digest_time())

    def _digest_given_on(self) -> dt.date | None:
        moment = _parse_moment(self.settings.get(settings_registry.LAST_DIGEST))
        return moment.date() if moment else None

    def _digest_is_due(self, now: dt.datetime) -> bool:
        return now >= self._digest_moment(now.date()) and self._digest_given_on() != now.date()

    def _next_digest(self, now: dt.datetime) -> dt.datetime:
        today = self._digest_moment(now.date())
        if now < today and self._digest_given_on() != now.date():
            return today
        return self._digest_moment(now.date() + dt.timedelta(days=1))

    def _give_digest(self, now: dt.datetime) -> None:
        """Once a day: everything due, in one notification; it also covers the new ones."""
        self.settings.put(settings_registry.LAST_DIGEST, now.isoformat())
        # A list read a page at a time: the notifier reads the few names it shows.
        everything: Sequence[DueFollowUp] = reader.due_now(now)  # one line per person due
        fresh = reader.follow_ups(now, unannounced=True).ids()
        self._handed.update(fresh)
        if everything:
            self.digestDue.emit(everything, fresh)

    def _arm(self, now: dt.datetime) -> None:
        candidates = [self._next_digest(now)]
        paused = self.paused_until()
        if paused is not None:
            candidates.append(paused)
        upcoming = reader.next_due_moment(now)
        if upcoming is not None:
            candidates.append(upcoming)
        target = min(candidates)
        self._next_alarm = target
        self._anchor_wall = now
        self._anchor_mono = self._monotonic()
        self._timer.start(interval_ms(now, target))
