"""The daily backup while the app runs: one timer to the next local midnight, no polling."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

import peewee as pw
from PySide6.QtCore import QObject, QTimer, Signal

from netdesk.services.clock import Clock
from netdesk.store import backup, db

log = logging.getLogger("netdesk.services.backups")

# A few minutes past midnight, so a clock that runs a little fast still lands on the new day.
AFTER_MIDNIGHT = dt.timedelta(minutes=5)
# The first check waits this long after start() (itself called after the first paint), so
# that opening the window never waits for a copy of the database.
FIRST_CHECK_MS = 10_000


def next_run(now: dt.datetime) -> dt.datetime:
    """The moment of the next daily check: tomorrow, just after local midnight."""
    return dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time()) + AFTER_MIDNIGHT


class DailyBackups(QObject):
    """Takes the day's backup (7 daily, 4 weekly kept) soon after start and each midnight."""

    backupTaken = Signal(str)  # path of the new backup
    backupFailed = Signal(str)  # the reason, in words

    def __init__(
        self,
        backup_dir: Path,
        clock: Clock,
        # The open store changes when a backup is restored: asked for at each run.
        database: Callable[[], db.Store | None] = db.open_database,
        parent: QObject | None = None,
        *,
        first_check_ms: int = FIRST_CHECK_MS,
    ) -> None:
        super().__init__(parent)
        self._backup_dir = backup_dir
        self._clock = clock
        self._database = database
        self._first_check_ms = first_check_ms
        self._timer = QTimer(self)
        self._timer.setObjectName("dailyBackupTimer")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.run_now)

    @property
    def timer(self) -> QTimer:
        return self._timer

    def start(self) -> None:
        """Schedule the first check shortly; each check schedules the next one."""
        self._timer.start(max(0, self._first_check_ms))

    def stop(self) -> None:
        self._timer.stop()

    def run_now(self) -> Path | None:
        """Take today's backup if there is none yet, then sleep until after next midnight."""
        now = self._clock.now()
        made: Path | None = None
        try:
            database = self._database()
            if database is not None and not database.is_closed():
                made = backup.take_daily_backup(database, self._backup_dir, now)
        except (OSError, pw.DatabaseError) as exc:
            # A full disk must not take the app down; the next midnight tries again.
            log.error("daily backup into %s failed: %s", self._backup_dir, exc)
            self.backupFailed.emit(str(exc))
        else:
            if made is not None:
                log.info("daily backup taken: %s", made.name)
                self.backupTaken.emit(str(made))
        self._schedule(now)
        return made

    def _schedule(self, now: dt.datetime) -> None:
        # Computed from the wall clock each time: after a suspend the timer fires late, and
        # the check then simply finds today without a backup and takes it.
        delay = next_run(now) - now
        self._timer.start(max(1_000, int(delay.total_seconds() * 1000)))
