"""The sync in the window: File > Sync now and File > Changes on both sides…, a line in the
status bar with the last sync and the conflicts waiting, and the sync service's timers.
Offline is a quiet state in that line, never a dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from netdesk.services.sync import SyncService
from netdesk.store import reader

if TYPE_CHECKING:
    from netdesk.ui.main_window import MainWindow


class SyncFlow:
    def __init__(self, window: MainWindow, service: SyncService) -> None:
        self.window = window
        self.service = service
        self.status = QLabel()
        self.status.setObjectName("syncStatus")
        window.statusBar().addPermanentWidget(self.status)
        self.sync_action = QAction("S&ync now", window)
        self.sync_action.setObjectName("action_sync_now")
        self.sync_action.setShortcut(QKeySequence("Ctrl+Shift+Y"))
        self.sync_action.setStatusTip("Sync your contacts with the servers you added")
        self.sync_action.triggered.connect(lambda _=False: self.sync_now())
        self.conflicts_action = QAction("Changes on &both sides…", window)
        self.conflicts_action.setObjectName("action_sync_conflicts")
        self.conflicts_action.triggered.connect(lambda _=False: self.open_conflicts())
        window.actions["sync_now"] = self.sync_action
        window.actions["sync_conflicts"] = self.conflicts_action
        menu = window.menus["file"]
        before = window.actions.get("preferences")
        for action in (self.sync_action, self.conflicts_action):
            if before is not None and before in menu.actions():
                menu.insertAction(before, action)
            else:
                menu.addAction(action)
        service.started.connect(lambda: self._say("Syncing…"))
        service.synced.connect(self._synced)
        service.failed.connect(self._failed)
        window.hub.changed.connect(lambda _c: self.refresh())
        window.user_actions.syncAccountsChanged.connect(self.refresh)
        self.refresh()

    def sync_now(self, confirm_deletions: bool = False) -> None:
        if not self.service.sync_now(confirm_deletions):
            self._say("Add an account in Preferences > Accounts to sync")

    def open_conflicts(self) -> None:
        from netdesk.ui.dialogs.sync_conflicts import SyncConflictsDialog

        dialog = SyncConflictsDialog(self.window.user_actions, self.window)
        dialog.exec()
        self.refresh()

    def refresh(self) -> None:
        synced = reader.has_sync()
        self.sync_action.setEnabled(synced)
        count = reader.count_sync_conflicts() if synced else 0
        self.conflicts_action.setEnabled(count > 0)
        if not synced:
            self.status.setText("")
            return
        text = self._last_sync()
        if count:
            people = "contact has" if count == 1 else "contacts have"
            text += f" · {count} {people} changes on both sides"
        self.status.setText(text)

    def _last_sync(self) -> str:
        accounts = reader.sync_accounts()
        times = [a.last_sync_at for a in accounts if a.last_sync_at is not None]
        if not times:
            return "Not synced yet"
        return f"Synced at {max(times):%H:%M}"

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _synced(self, report: Any) -> None:
        self.refresh()
        done = getattr(report, "done_here", 0)
        if done:
            what = "follow-up was" if done == 1 else "follow-ups were"
            self.window.statusBar().showMessage(
                f"{done} {what} completed on another device and marked done here.", 10000
            )
        for rejected in report.rejected:
            who = rejected.name or "A contact"
            self.window.statusBar().showMessage(
                f"The server refused {who}: {rejected.reason}. NetDesk will try again.", 10000
            )

    def _failed(self, message: str, kind: str) -> None:
        if kind == "offline":
            self._say("Offline: NetDesk will sync when the server can be reached")
            return
        if kind == "confirm":
            answer = QMessageBox.question(
                self.window,
                "Delete many contacts?",
                f"Syncing stopped: {message}. Go on and delete them?",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.sync_now(confirm_deletions=True)
            else:
                self._say("Sync paused: many deletions wait for you")
            return
        self._say(f"Sync failed: {message}")


def install_sync(window: MainWindow, *, start: bool = True) -> SyncFlow:
    """The sync's menu items, status line and timers (which do nothing without an account)."""
    service = SyncService(window.user_actions, window)
    flow = SyncFlow(window, service)
    window.sync_flow = flow  # type: ignore[attr-defined]
    # A sync in progress ends before the app does (its thread must not outlive the app).
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(lambda: service.wait(30_000))
    if start:
        service.start()
    return flow
