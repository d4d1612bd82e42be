"""The full check of a large store, run in a thread once the window is up, and what follows
when it finds damage: say so plainly, and offer to restart into recovery."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from netdesk.paths import Paths
from netdesk.store import db

if TYPE_CHECKING:
    from netdesk.store.recovery import SetAside
    from netdesk.ui.dialogs.recovery import Choice
    from netdesk.ui.main_window import MainWindow

log = logging.getLogger("netdesk.ui.store_check")


class _Verifier(QThread):
    """`db.verify_file` on a read-only connection of its own, off the UI thread."""

    checked = Signal(str)  # what is wrong; '' when all is well

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path

    def run(self) -> None:
        self.checked.emit(db.verify_file(self.path))


def ask_restart(parent: QWidget | None, detail: str) -> bool:
    """True when the user chooses to restart into recovery now."""
    box = QMessageBox(parent)
    box.setObjectName("storeDamaged")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("NetDesk: your database is damaged")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(
        "NetDesk checked your database and found that part of it is damaged. What you see "
        "may be incomplete, and new changes may not be kept."
    )
    box.setInformativeText(
        "Restart into recovery: NetDesk moves the damaged file aside (nothing is deleted) and "
        "offers your newest backup.\n\nWhat SQLite said: " + detail
    )
    restart = box.addButton("Restart into recovery", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restart)
    box.exec()
    return box.clickedButton() is restart


class StoreCheck(QObject):
    """Verifies a store that was opened without its full check, and handles what it finds.

    `restart(again)` ends this NetDesk and, when `again`, starts it anew (app.run does the
    starting, once the single-instance lock is free). The questions are replaceable for tests.
    """

    damaged = Signal(str)
    finished = Signal(str)  # what the check said ('' when all is well)

    def __init__(
        self,
        window: MainWindow,
        where: Paths,
        restart: Callable[[bool], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or window)
        self.window = window
        self.where = where
        self.restart = restart
        self.ask: Callable[[QWidget | None, str], bool] = ask_restart
        self.ask_recovery: Callable[[SetAside], Choice] | None = None  # None: the dialog
        self.verifier: _Verifier | None = None

    def start(self) -> None:
        self.verifier = _Verifier(self.where.database, self)
        self.verifier.checked.connect(self._checked)
        self.verifier.start()

    def wait(self) -> None:
        if self.verifier is not None:
            self.verifier.wait()

    def _checked(self, detail: str) -> None:
        self.finished.emit(detail)
        if not detail:
            return
        log.error("the deferred check found the store damaged: %s", detail)
        self.damaged.emit(detail)
        if self.ask(self.window, detail):
            self.recover(detail)

    def recover(self, detail: str) -> bool:
        """Close the store, move it aside, let the user pick a backup, then restart."""
        from netdesk.store import recovery
        from netdesk.ui.dialogs import recovery as dialogs

        now = self.window.clock.now()
        db.close_open_store()
        error = db.DamagedStoreError(self.where.database, detail)
        try:
            aside = recovery.set_aside(self.where, error, now)
        except recovery.RecoveryError as exc:
            log.error("recovery refused: %s", exc)
            dialogs.tell_error("NetDesk couldn't set the damaged database aside", str(exc))
            self.restart(True)  # the store is closed: start again; the open says what is wrong
            return False
        choice = (self.ask_recovery or dialogs.ask_recovery)(aside)
        if choice is dialogs.Choice.QUIT:
            self.restart(False)
            return True
        if choice is dialogs.Choice.RESTORE and aside.backup is not None:
            try:
                recovery.restore_backup(aside.backup.path, self.where, now)
            except (db.StoreError, OSError) as exc:
                log.error("restore of %s failed: %s", aside.backup.path.name, exc)
                dialogs.tell_error(
                    "NetDesk couldn't restore the backup",
                    f"{exc} NetDesk will start with an empty store; your damaged database is "
                    f"still at {aside.moved_to}.",
                )
        self.restart(True)
        return True


def check_store_later(
    window: MainWindow, where: Paths, restart: Callable[[bool], None]
) -> StoreCheck | None:
    """Start the full check of a store `open_store` left unchecked (a large one)."""
    if not db.needs_verifying(where.database):
        return None
    check = StoreCheck(window, where, restart)
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(check.wait)  # a thread must not outlive its QThread object
    check.start()
    return check
