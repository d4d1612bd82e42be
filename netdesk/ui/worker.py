"""A job run off the UI thread (reading, matching, writing a large import or export), with
progress, cancelling, and its own store connection."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from netdesk.store.db import close_thread_connection

log = logging.getLogger("netdesk.ui.worker")


class Cancelled(Exception):
    """The user pressed Cancel while the worker was reading."""


Report = Callable[[int, int], None]


class Worker(QThread):
    """Runs one job off the UI thread with its own store connection, closed when it ends.

    The job gets a `report(done, total)` callable and may check `cancel_requested`.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, job: Callable[[Worker], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = job
        self.cancel_requested = threading.Event()

    def report(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    def check(self) -> None:
        if self.cancel_requested.is_set():
            raise Cancelled

    def run(self) -> None:
        _pause_cycle_collector()
        try:
            result = self._job(self)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:
            log.exception("import or export job failed")
            self.failed.emit(str(exc) or exc.__class__.__name__)
        else:
            self.succeeded.emit(result)
        finally:
            # Peewee opened a connection for this thread; it must not outlive the thread.
            close_thread_connection()
            _resume_cycle_collector()


# Python's cycle collector runs in whichever thread happens to allocate. Run in a worker,
# it could free a Qt object that belongs to the UI thread there, which Qt does not allow
# (and which can crash). So it pauses while a worker runs; the UI thread catches up after.
_paused_lock = threading.Lock()
_paused_by = 0
_was_enabled = True


def _pause_cycle_collector() -> None:
    global _paused_by, _was_enabled
    with _paused_lock:
        if _paused_by == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused_by += 1


def _resume_cycle_collector() -> None:
    global _paused_by
    with _paused_lock:
        _paused_by -= 1
        if _paused_by == 0 and _was_enabled:
            gc.enable()
