"""The scheduler: arms for the next moment, announces each follow-up once, catches up a jump."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import peewee as pw
import pytest
from PySide6.QtCore import QObject, Signal

from netdesk.core.domain import FollowUpReason
from netdesk.services import scheduler as sched
from netdesk.services.clock import FixedClock
from netdesk.services.scheduler import Scheduler
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store import writer
from netdesk.store.models import FollowUp
from netdesk.store.reader import DueFollowUp

MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


class FakeMonotonic:
    """The monotonic clock: it advances with the wall clock unless the machine 'sleeps'."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


class Rig:
    def __init__(self, qapp: object, tmp_path: Path, now: dt.datetime) -> None:
        self.hub = Hub()
        self.clock = FixedClock(now)
        self.mono = FakeMonotonic()
        self.settings = Settings(tmp_path / "settings.ini")
        # The digest is tested on its own; elsewhere it is already given for the day.
        self.settings.set_value(sched.LAST_DIGEST_KEY, now.isoformat())
        self.scheduler = Scheduler(self.hub, self.clock, self.settings, monotonic=self.mono)
        self.announced: list[list[str]] = []
        self.digests: list[list[str]] = []
        self.counts: list[int] = []
        # A notifier whose notices are seen at once (unless `unseen`): it writes them down.
        self.unseen = False
        self.scheduler.due.connect(self._shown)
        self.scheduler.digestDue.connect(self._digest_shown)
        self.scheduler.countChanged.connect(self.counts.append)

    def _shown(self, follow_ups: Sequence[DueFollowUp]) -> None:
        self.announced.append([f.contact_name for f in follow_ups])
        if not self.unseen:
            writer.mark_notified([f.follow_up_id for f in follow_ups], self.clock.now())

    def _digest_shown(self, follow_ups: Sequence[DueFollowUp], announces: list[int]) -> None:
        self.digests.append([f.contact_name for f in follow_ups])
        if not self.unseen:
            writer.mark_notified(announces, self.clock.now())

    def advance(self, delta: dt.timedelta, *, asleep: bool = False) -> None:
        self.clock.advance(delta)
        if not asleep:
            self.mono.value += delta.total_seconds()

    def fire(self) -> None:
        """What Qt does when the armed timer runs out."""
        assert self.scheduler.timer.isActive()
        self.scheduler.timer.timeout.emit()

    def follow_up(self, name: str, due_at: dt.datetime) -> int:
        contact = writer.create_contact({"display_name": name}, self.clock.now())
        fu = writer.create_follow_up(
            contact.id, FollowUpReason.THANK_YOU, due_at, f"Thank {name}", self.clock.now()
        )
        return int(fu.id)


@pytest.fixture
def rig(qapp: object, tmp_path: Path, now: dt.datetime, store: pw.SqliteDatabase) -> Rig:
    r = Rig(qapp, tmp_path, now)
    yield r
    r.scheduler.stop()


def test_arms_for_the_next_due_moment_and_announces_once(rig: Rig, now: dt.datetime) -> None:
    rig.follow_up("Dana", now + 2 * HOUR)
    rig.scheduler.start()
    assert rig.scheduler.next_alarm == now + 2 * HOUR
    assert rig.scheduler.timer.remainingTime() > (2 * HOUR - MIN).total_seconds() * 1000
    assert rig.announced == [] and rig.counts == [0]

    rig.advance(2 * HOUR)
    rig.fire()
    assert rig.announced == [["Dana"]]
    assert rig.counts == [0, 1]
    # Nothing else ahead but tomorrow's digest: armed for it, and a later look is silent.
    assert rig.scheduler.next_alarm == dt.datetime.combine(
        now.date() + dt.timedelta(days=1), dt.time(9, 0)
    )
    rig.advance(MIN)
    rig.scheduler.check()
    assert rig.announced == [["Dana"]]


def test_several_at_once_come_in_one_announcement(rig: Rig, now: dt.datetime) -> None:
    for name in ("Ann", "Ben", "Cleo"):
        rig.follow_up(name, now + HOUR)
    rig.scheduler.start()
    rig.advance(HOUR)
    rig.fire()
    assert rig.announced == [["Ann", "Ben", "Cleo"]]


def test_already_due_is_announced_at_start_but_not_after_a_restart(
    rig: Rig, tmp_path: Path, now: dt.datetime
) -> None:
    rig.follow_up("Dana", now - HOUR)
    rig.scheduler.start()
    assert rig.announced == [["Dana"]]
    rig.scheduler.stop()
    again = Scheduler(rig.hub, rig.clock, rig.settings, monotonic=rig.mono)
    seen: list[object] = []
    again.due.connect(seen.append)
    again.start()
    again.stop()
    assert seen == []


def test_a_follow_up_never_seen_stays_unannounced(rig: Rig, now: dt.datetime) -> None:
    """Handed to a notifier that showed nothing: not handed again by this scheduler (it is
    still being shown), never written down as announced, and handed out again after a restart."""
    rig.unseen = True
    fid = rig.follow_up("Dana", now - HOUR)
    rig.scheduler.start()
    assert rig.announced == [["Dana"]]
    rig.follow_up("Eli", now + HOUR)
    rig.advance(HOUR)
    rig.fire()
    assert rig.announced == [["Dana"], ["Eli"]]  # Eli alone: Dana is still in hand
    assert FollowUp.get_by_id(fid).notified_at is None
    rig.scheduler.stop()
    again = Scheduler(rig.hub, rig.clock, rig.settings, monotonic=rig.mono)
    seen: list[list[str]] = []
    again.due.connect(lambda fs: seen.append([f.contact_name for f in fs]))
    again.start()
    again.stop()
    assert seen == [["Dana", "Eli"]]


def test_a_resume_signal_catches_up_at_once(rig: Rig, now: dt.datetime) -> None:
    class Logind(QObject):
        resumed = Signal()

    logind = Logind()
    rig.scheduler.listen_for_resume(logind.resumed)
    assert rig.scheduler._watchdog.interval() == sched.WATCHDOG_WITH_RESUME_SIGNAL_MS
    rig.follow_up("Dana", now + 2 * HOUR)
    rig.scheduler.start()
    rig.advance(3 * HOUR, asleep=True)
    logind.resumed.emit()
    assert rig.announced == [["Dana"]]
    # A short nap (no jump to see) is looked at all the same.
    rig.follow_up("Eli", now + 3 * HOUR + dt.timedelta(seconds=30))
    rig.advance(MIN, asleep=False)
    logind.resumed.emit()
    assert rig.announced == [["Dana"], ["Eli"]]


def test_without_a_resume_signal_the_watchdog_looks_every_minute(rig: Rig) -> None:
    assert rig.scheduler._watchdog.interval() == sched.WATCHDOG_MS == 60_000


def test_store_change_rearms(rig: Rig, qtbot: object, now: dt.datetime) -> None:
    rig.scheduler.start()
    tomorrow_digest = rig.scheduler.next_alarm
    rig.follow_up("Dana", now + 30 * MIN)
    rig.hub.followUpsChanged.emit()
    qtbot.waitUntil(lambda: rig.scheduler.next_alarm == now + 30 * MIN, timeout=1000)
    assert tomorrow_digest != rig.scheduler.next_alarm


def test_snoozed_follow_up_is_announced_again_when_the_snooze_ends(
    rig: Rig, now: dt.datetime
) -> None:
    fid = rig.follow_up("Dana", now)
    rig.scheduler.start()
    assert rig.announced == [["Dana"]]
    writer.snooze_follow_up(fid, now + 3 * HOUR)
    rig.scheduler.check()
    assert rig.scheduler.next_alarm == now + 3 * HOUR
    assert rig.counts[-1] == 0
    rig.advance(3 * HOUR)
    rig.fire()
    assert rig.announced == [["Dana"], ["Dana"]]


def test_sleep_is_noticed_by_the_watchdog_and_caught_up(rig: Rig, now: dt.datetime) -> None:
    rig.follow_up("Dana", now + 2 * HOUR)
    rig.scheduler.start()
    jumps: list[bool] = []
    rig.scheduler.clockJumped.connect(lambda: jumps.append(True))
    # The lid closes for eight hours: the wall clock moves on, the monotonic one does not.
    rig.advance(8 * HOUR, asleep=True)
    assert rig.scheduler.check_clock() is True
    assert jumps == [True]
    assert rig.announced == [["Dana"]]
    # Re-anchored: the next cheap check finds no jump and looks at nothing.
    rig.advance(15 * MIN)
    assert rig.scheduler.check_clock() is False


def test_clock_set_forward_is_caught_when_the_timer_fires(rig: Rig, now: dt.datetime) -> None:
    rig.follow_up("Dana", now + 2 * HOUR)
    rig.follow_up("Eli", now + 5 * HOUR)
    rig.scheduler.start()
    rig.advance(2 * HOUR)
    rig.clock.advance(4 * HOUR)  # someone set the clock forward meanwhile
    rig.fire()
    assert rig.announced == [["Dana", "Eli"]]


def test_small_drift_is_not_a_jump(rig: Rig) -> None:
    rig.scheduler.start()
    rig.advance(10 * MIN)
    rig.mono.value += 20  # NTP slewing, a slow timer: seconds, not minutes
    assert rig.scheduler.check_clock() is False


def test_far_future_waits_for_the_digest_at_most(rig: Rig, now: dt.datetime) -> None:
    rig.settings.set_value(sched.DIGEST_TIME_KEY, "not a time")  # unreadable: 09:00
    rig.follow_up("Dana", now + dt.timedelta(days=60))
    rig.scheduler.start()
    assert rig.scheduler.next_alarm == now + dt.timedelta(days=1)
    assert rig.scheduler.timer.interval() == 24 * 3600 * 1000


def test_interval_is_capped_for_qt_and_never_zero(now: dt.datetime) -> None:
    assert sched.interval_ms(now, now + dt.timedelta(days=100)) == sched.MAX_INTERVAL_MS
    assert sched.MAX_INTERVAL_MS < 2**31 - 1
    assert sched.interval_ms(now, now - HOUR) == 1000
    assert sched.interval_ms(now, now + 90 * MIN) == 90 * 60 * 1000


def test_digest_at_the_chosen_time_covers_the_new_ones(rig: Rig, now: dt.datetime) -> None:
    rig.settings.set_value(sched.DIGEST_TIME_KEY, "08:30")
    rig.follow_up("Ann", now - HOUR)
    rig.scheduler.start()
    assert rig.announced == [["Ann"]]
    # Tomorrow at 08:30: Ann is still due, Ben fell due overnight. One digest, no extra notice.
    rig.follow_up("Ben", now + 12 * HOUR)
    rig.scheduler.check()
    digest_at = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(8, 30))
    assert rig.scheduler.next_alarm == now + 12 * HOUR
    rig.advance(12 * HOUR)
    rig.fire()
    assert rig.announced == [["Ann"], ["Ben"]]
    assert rig.scheduler.next_alarm == digest_at
    rig.follow_up("Cleo", digest_at - MIN)
    rig.advance(digest_at - rig.clock.now())
    rig.fire()
    assert rig.digests == [["Ann", "Ben", "Cleo"]]
    assert rig.announced == [["Ann"], ["Ben"]]
    # Given once a day, even across a restart.
    rig.scheduler.check()
    assert len(rig.digests) == 1
    assert not rig.scheduler._digest_is_due(rig.clock.now())


def test_no_digest_when_nothing_is_due(rig: Rig, now: dt.datetime) -> None:
    rig.settings.set_value(sched.LAST_DIGEST_KEY, "")
    rig.scheduler.start()
    assert rig.digests == []
    assert rig.settings.value(sched.LAST_DIGEST_KEY) == now.isoformat()


def test_pause_holds_announcements_until_it_ends(rig: Rig, now: dt.datetime) -> None:
    rig.scheduler.start()
    rig.scheduler.pause(now + HOUR)
    rig.follow_up("Dana", now + 10 * MIN)
    rig.scheduler.check()
    rig.advance(10 * MIN)
    rig.fire()
    assert rig.announced == []
    assert rig.counts[-1] == 1  # the tray still counts it
    assert rig.scheduler.next_alarm == now + HOUR
    rig.advance(50 * MIN)
    rig.fire()
    assert rig.announced == [["Dana"]]
    assert rig.scheduler.paused_until() is None


def test_helpers() -> None:
    assert sched.parse_digest_time("7:05") == dt.time(7, 5)
    assert sched.parse_digest_time("25:00") == dt.time(9, 0)
    assert sched.parse_digest_time(None) == dt.time(9, 0)
    assert sched.tomorrow_at(dt.datetime(2026, 12, 31, 22, 0), dt.time(9, 0)) == dt.datetime(
        2027, 1, 1, 9, 0
    )
