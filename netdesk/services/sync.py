"""When the sync runs: at start, every few minutes, shortly after a change made here, and on
demand; each sync in a thread of its own, never two at once. Nothing runs (and nothing
touches the network) until an account with a synced address book exists.

Single-shot timers only: no polling. The sync itself is the sync package's; what it wrote
reaches the rest of the app through the action layer (`Actions.synced`).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from netdesk.services.actions import Actions, run_sync
from netdesk.store import reader
from netdesk.store.db import close_thread_connection

log = logging.getLogger("netdesk.services.sync")

EVERY_MS = 5 * 60 * 1000  # a sync every five minutes while NetDesk runs
AFTER_CHANGE_MS = 10 * 1000  # a change made here is sent this long after the last edit
AT_START_MS = 3 * 1000  # the first sync, once the window has settled


class _SyncThread(QThread):
    done = Signal(object)  # the report
    failed = Signal(str, str)  # message, kind: "offline", "confirm" or "error"

    def __init__(self, actions: Actions, confirm_deletions: bool, parent: QObject) -> None:
        super().__init__(parent)
        self._now = actions.clock.now()
        self._confirm = confirm_deletions

    def run(self) -> None:
        from netdesk.sync.engine import NeedsConfirmation
        from netdesk.sync.http import Offline, SyncError

        try:
            report = run_sync(self._now, confirm_deletions=self._confirm)
        except NeedsConfirmation as exc:
            self.failed.emit(str(exc), "confirm")
        except Offline as exc:
            self.failed.emit(str(exc), "offline")
        except SyncError as exc:
            self.failed.emit(str(exc), "error")
        except Exception as exc:
            log.exception("sync failed unexpectedly")
            self.failed.emit(f"an unexpected error ({type(exc).__name__})", "error")
        else:
            self.done.emit(report)
        finally:
            close_thread_connection()


class SyncService(QObject):
    """Runs the sync at the right moments and says how it went."""

    started = Signal()
    synced = Signal(object)  # the report
    failed = Signal(str, str)  # message, kind ("offline" is a quiet state, not an error)

    def __init__(
        self,
        actions: Actions,
        parent: QObject | None = None,
        *,
        every_ms: int = EVERY_MS,
        after_change_ms: int = AFTER_CHANGE_MS,
    ) -> None:
        super().__init__(parent)
        self.actions = actions
        self._thread: _SyncThread | None = None
        self._again = False
        self._every_ms = every_ms
        self._next = QTimer(self)
        self._next.setSingleShot(True)
        self._next.timeout.connect(self.sync_now)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(after_change_ms)
        self._soon.timeout.connect(self.sync_now)
        actions.hub.changed.connect(self._changed)
        actions.syncAccountsChanged.connect(lambda: self.start(0))

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, delay_ms: int = AT_START_MS) -> None:
        """Sync soon after start, then every few minutes (only with an account)."""
        if reader.has_sync():
            self._next.start(delay_ms)

    def _changed(self, _changes: Any) -> None:
        # A change made here is in the outbox (kept by the store's triggers) when an
        # address book is synced: send it shortly, once the user stops typing (or right
        # after the sync that is running, which may have read the contact before it).
        if not reader.has_sync() or not (reader.sync_outbox() or self._calendar_due()):
            return
        if self._thread is None:
            self._soon.start()
        else:
            self._again = True

    @staticmethod
    def _calendar_due() -> bool:
        """A follow-up made, done or moved here, when a calendar keeps them (the calendar's
        outbox, kept by the store's triggers too)."""
        return reader.has_calendar_push() and bool(reader.event_outbox())

    def sync_now(self, confirm_deletions: bool = False) -> bool:
        """Start a sync now (False when there is nothing to sync with). A sync asked for
        while one runs follows it."""
        if not reader.has_sync():
            self._next.stop()
            return False
        if self._thread is not None:
            self._again = True
            return True
        self._soon.stop()
        self._next.stop()
        thread = _SyncThread(self.actions, confirm_deletions, self)
        thread.done.connect(self._done)
        thread.failed.connect(self._failed)
        thread.finished.connect(self._ended)
        self._thread = thread
        self.started.emit()
        thread.start()
        return True

    def _done(self, report: Any) -> None:
        self.actions.synced(report)
        self.synced.emit(report)

    def _failed(self, message: str, kind: str) -> None:
        log.info("sync did not finish (%s)", kind)
        self.actions.synced(None)
        self.failed.emit(message, kind)

    def _ended(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.deleteLater()
        if self._again:
            # The sync asked for meanwhile starts now: the service is never idle between.
            self._again = False
            self.sync_now()
        elif reader.has_sync():
            # The usual interval again, whatever delay started the sync that ended (a
            # QTimer started with a delay keeps it as its interval).
            self._next.start(self._every_ms)

    def wait(self, ms: int = 60_000) -> bool:
        """Wait for a running sync to end (for quitting, and for tests)."""
        thread = self._thread
        return thread is None or thread.wait(ms)
