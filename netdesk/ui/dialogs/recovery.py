"""Recovery: the offer after a damaged store was moved aside, Restore from backup, the daily
backup timer's wiring, and the plain message (and log entry) for an unexpected error."""

from __future__ import annotations

import enum
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.paths import Paths
from netdesk.services.actions import Actions
from netdesk.services.backups import DailyBackups
from netdesk.services.clock import Clock
from netdesk.store import backup, db, recovery
from netdesk.ui.widgets import plain_label

if TYPE_CHECKING:
    from netdesk.ui.main_window import MainWindow

log = logging.getLogger("netdesk.ui.recovery")


class Choice(enum.Enum):
    RESTORE = "restore"
    EMPTY = "empty"
    QUIT = "quit"


class RecoveryDialog(QDialog):
    """Tells what happened to the damaged store and offers: restore, start empty, or quit."""

    def __init__(self, aside: recovery.SetAside, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle("NetDesk: your database could not be read")
        self.choice = Choice.QUIT
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        title = plain_label("Your database could not be read")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.message = plain_label(aside.message, wrap=True)
        self.message.setObjectName("recoveryMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        details = plain_label(f"What SQLite said: {aside.detail}", wrap=True)
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(details)
        layout.addWidget(
            plain_label(
                "Restore the backup to go back to that moment, or start with an empty store "
                "(you can still restore a backup later, from File > Restore from backup)."
                if aside.backup is not None
                else "You can restore a backup later, from File > Restore from backup.",
                wrap=True,
            )
        )
        buttons = QDialogButtonBox(self)
        self.restore_button: QPushButton | None = None
        if aside.backup is not None:
            self.restore_button = buttons.addButton(
                "Restore the backup", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.restore_button.setAccessibleName("Restore the newest backup")
            self.restore_button.clicked.connect(lambda: self._finish(Choice.RESTORE))
            self.restore_button.setDefault(True)
        self.empty_button = buttons.addButton(
            "Start with an empty store", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.empty_button.setAccessibleName("Start with an empty store")
        self.empty_button.clicked.connect(lambda: self._finish(Choice.EMPTY))
        self.quit_button = buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.setAccessibleName("Quit NetDesk")
        self.quit_button.clicked.connect(lambda: self._finish(Choice.QUIT))
        if self.restore_button is None:
            self.empty_button.setDefault(True)
        layout.addWidget(buttons)

    def _finish(self, choice: Choice) -> None:
        self.choice = choice
        if choice is Choice.QUIT:
            self.reject()
        else:
            self.accept()


def ask_recovery(aside: recovery.SetAside, parent: QWidget | None = None) -> Choice:
    dialog = RecoveryDialog(aside, parent)
    dialog.exec()
    return dialog.choice


def tell_error(title: str, text: str, parent: QWidget | None = None) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok)
    box.setParent(parent, box.windowFlags())
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def open_store_or_recover(
    paths: Paths,
    clock: Clock,
    parent: QWidget | None = None,
    *,
    ask: Callable[[recovery.SetAside], Choice] = ask_recovery,
    tell: Callable[[str, str], None] = tell_error,
) -> db.Store | None:
    """Open the store; when it cannot be read, move it aside and offer the newest backup.

    Returns None when the user quits or the store cannot be used (they were told why). A
    store from a newer NetDesk is refused and left exactly where and as it was.
    """
    try:
        return db.open_store(paths.database, backup_dir=paths.backups)
    except db.NewerSchemaError as exc:
        log.error("store refused: %s", exc)
        tell("NetDesk is too old for this database", str(exc))
        return None
    except db.DamagedStoreError as exc:
        log.error("store could not be read: %s", exc)
        damaged = exc
    except db.StoreError as exc:
        log.error("store could not be opened: %s", exc)
        tell("NetDesk couldn't open your database", str(exc))
        return None
    try:
        aside = recovery.set_aside(paths, damaged, clock.now())
    except recovery.RecoveryError as exc:
        log.error("recovery refused: %s", exc)
        tell("NetDesk couldn't open your database", str(exc))
        return None
    choice = ask(aside)
    log.info("recovery choice: %s", choice.value)
    if choice is Choice.QUIT:
        return None
    if choice is Choice.RESTORE and aside.backup is not None:
        try:
            recovery.restore_backup(aside.backup.path, paths, clock.now())
        except (db.StoreError, OSError) as exc:
            log.error("restore of %s failed: %s", aside.backup.path.name, exc)
            tell(
                "NetDesk couldn't restore the backup",
                f"{exc} NetDesk will start with an empty store; your damaged database is "
                f"still at {aside.moved_to}.",
            )
    try:
        return db.open_store(paths.database, backup_dir=paths.backups)
    except db.StoreError as exc:
        log.error("store could not be opened after recovery: %s", exc)
        tell("NetDesk couldn't open your database", str(exc))
        return None


class RestoreDialog(QDialog):
    """Backups newest first, with their date and why they were taken; pick one to restore."""

    def __init__(self, backups: list[backup.BackupFile], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore from backup")
        layout = QVBoxLayout(self)
        intro = plain_label(
            "Choose the backup to go back to. Your store as it is now is backed up first, "
            "so this can be undone by restoring that backup.",
            wrap=True,
        )
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setObjectName("backupList")
        self.list.setAccessibleName("Backups, newest first")
        for item in backups:
            row = QListWidgetItem(
                f"{item.taken_at:%a %d %b %Y, %H:%M}: {recovery.describe_reason(item.reason)}"
            )
            row.setData(Qt.ItemDataRole.UserRole, str(item.path))
            row.setToolTip(str(item.path))
            self.list.addItem(row)
        layout.addWidget(self.list)
        if not backups:
            layout.addWidget(plain_label("There are no backups yet.", wrap=True))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel, Qt.Orientation.Horizontal, self
        )
        self.restore_button = self.buttons.addButton(
            "Restore", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setAccessibleName("Restore the chosen backup")
        self.restore_button.setEnabled(False)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.currentRowChanged.connect(lambda row: self.restore_button.setEnabled(row >= 0))
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        if backups:
            self.list.setCurrentRow(0)
        self.resize(480, 360)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None


def restore_from_backup(
    paths: Paths,
    actions: Actions,
    parent: QWidget | None = None,
    *,
    choose: Callable[[list[backup.BackupFile]], str | None] | None = None,
    tell: Callable[[str, str], None] = tell_error,
) -> bool:
    """File > Restore from backup…: back up the store, restore the chosen file, reopen the
    store and tell every pane to reload; Edit > Undo puts the store back as it was. Returns
    True when a backup was restored.
    """
    hub, clock = actions.hub, actions.clock
    backups = backup.list_backups(paths.backups)
    if choose is None:

        def choose(items: list[backup.BackupFile]) -> str | None:
            dialog = RestoreDialog(items, parent)
            return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None

    picked = choose(backups)
    if not picked:
        return False
    safety = _restore(Path(picked), paths, clock, tell)
    if safety is None:
        return False
    log.info("restored from backup; previous store saved as %s", safety.name)
    actions.restored(
        Path(picked), safety, lambda path: _restore(path, paths, clock, tell)
    )
    hub.bannerRequested.emit(f"Restored the backup. Your store as it was is saved at {safety}.", 0)
    return True


def _restore(
    picked: Path, paths: Paths, clock: Clock, tell: Callable[[str, str], None]
) -> Path | None:
    """Replace the store with `picked` and open it again; the backup of the store as it was,
    or None when nothing changed (the user was told why)."""
    current = db.open_database()
    try:
        # On the UI thread: wait a few seconds for an import in flight, else refuse.
        safety = recovery.restore_backup(Path(picked), paths, clock.now(), current, wait=5.0)
    except (db.StoreError, OSError) as exc:
        log.error("restore from %s failed: %s", Path(picked).name, exc)
        if current is not None and current.is_closed():
            db.open_store(paths.database, backup_dir=paths.backups)
        tell("NetDesk couldn't restore the backup", f"{exc} Your store was not changed.")
        return None
    if current is not None:
        # The connection saw the restore as one commit; a fresh one starts clean (its own
        # temporary undo triggers are made again for the restored tables).
        db.close_store(current)
    try:
        db.open_store(paths.database, backup_dir=paths.backups)
    except db.StoreError as exc:
        log.error("store could not be opened after restore: %s", exc)
        tell(
            "NetDesk couldn't open the restored backup",
            f"{exc} Your store before the restore is saved at {safety}.",
        )
        return None
    return safety


def install_recovery(window: MainWindow, paths: Paths, *, background: bool = False) -> DailyBackups:
    """Add File > Restore from backup… and start the daily backups once the window is up."""
    action = QAction("&Restore from backup…", window)
    action.setObjectName("action_restore_backup")
    action.setStatusTip("Go back to one of the backups of your network")
    action.triggered.connect(
        lambda _=False: restore_from_backup(paths, window.user_actions, window)
    )
    window.actions["restore_backup"] = action
    menu = window.menus["file"]
    anchor = window.actions.get("preferences")
    if anchor is not None and anchor in menu.actions():
        # Beside import and export, before the separator that sets Preferences apart.
        index = menu.actions().index(anchor)
        menu.insertAction(menu.actions()[max(0, index - 1)], action)
    else:
        menu.addAction(action)
    daily = DailyBackups(paths.backups, window.clock, parent=window)
    if background:
        QTimer.singleShot(0, daily.start)
    else:
        # Start-up stays fast: the first check waits for the first paint, then some more.
        window.firstPainted.connect(daily.start, Qt.ConnectionType.SingleShotConnection)
    return daily


def install_error_hook(
    log_file: Path | None = None,
    *,
    database: Path | None = None,
    restart: Callable[[], None] | None = None,
    ask_restart: Callable[[QWidget | None, str], bool] | None = None,
) -> None:
    """Uncaught exceptions go to the log with their traceback, then to a plain message box.

    An error that says the store is damaged (a large store is checked whole only after the
    window is up, and a read may meet the damage first) marks `database` for the full check
    at the next start and offers `restart`, into recovery: the store is moved aside and the
    newest backup offered.
    """
    previous = sys.excepthook
    showing = [False]

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        # The log's formatter keeps the frames and hides what the message quotes.
        log.error("uncaught %s in the app", kind.__name__, exc_info=(kind, value, tb))
        if showing[0]:
            return  # one box at a time: an error in a paint handler would stack up boxes
        showing[0] = True
        try:
            where = f" The details were written to {log_file}." if log_file else ""
            if database is not None and db.is_damage(value):
                db.mark_for_full_check(database)
                ask = ask_restart
                if ask is None:
                    from netdesk.ui import store_check

                    ask = store_check.ask_restart
                if ask(None, str(value)) and restart is not None:
                    restart()
                return
            full = db.disk_full_cause(value)
            if full is not None:
                tell_error(
                    "NetDesk's disk is full",
                    f"The disk that holds your NetDesk data is full, so the last change was "
                    f"not saved ({full}). Everything saved before it is kept. Free some space "
                    "and try again.",
                )
                return
            tell_error(
                "NetDesk ran into a problem",
                f"Something went wrong ({kind.__name__}: {value}).{where} Every change you "
                "made before was saved; if this keeps happening, restart NetDesk.",
            )
        finally:
            showing[0] = False

    sys.excepthook = hook
