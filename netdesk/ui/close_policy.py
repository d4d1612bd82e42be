"""What closing the main window does: hide to the tray (told once), or ask where there is none."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from netdesk.services.settings import (
    CLOSE_TO_TRAY_TOLD,
    NO_TRAY_DONT_ASK,
    NO_TRAY_KEEP_RUNNING,
    Settings,
)
from netdesk.ui.tray import Tray


def close_policy(
    window: QWidget, tray: Tray, settings: Settings, *, ask: Callable[[QWidget], tuple[bool, bool]]
) -> Callable[[QCloseEvent], None]:
    """What closing the window does: hide to the tray (told once), or ask where there's none.

    Only the user's own close (the title bar's button: a spontaneous event) is turned into
    hiding. Qt 6's quit() closes every window first and gives up if one refuses, so a close
    that Qt or the session sends (Quit, log-out) must be let through.
    """

    def really_close(event: QCloseEvent) -> None:
        event.accept()

    def to_tray(event: QCloseEvent) -> None:
        if not event.spontaneous():
            return really_close(event)
        event.ignore()
        window.hide()
        if not settings.get(CLOSE_TO_TRAY_TOLD):
            settings.put(CLOSE_TO_TRAY_TOLD, True)
            tray.show_message(
                "NetDesk is still running",
                "It stays in the tray to tell you when a follow-up is due. "
                "Choose Quit from the tray menu to close it.",
                10_000,
            )

    def without_tray(event: QCloseEvent) -> None:
        if not event.spontaneous():
            return really_close(event)
        if settings.get(NO_TRAY_DONT_ASK):
            keep = settings.get(NO_TRAY_KEEP_RUNNING)
        else:
            keep, dont_ask = ask(window)
            if dont_ask:
                settings.put(NO_TRAY_DONT_ASK, True)
                settings.put(NO_TRAY_KEEP_RUNNING, keep)
        if keep:
            event.ignore()
            window.hide()
        else:
            event.accept()
            tray.quit_app()

    return to_tray if tray.available else without_tray


def ask_keep_running(window: QWidget) -> tuple[bool, bool]:
    """(keep running, don't ask again), asked in a dialog."""
    box = QMessageBox(window)
    box.setObjectName("keepRunningQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Keep NetDesk running?")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText("Keep NetDesk running in the background after its window closes?")
    box.setInformativeText(
        "This desktop has no system tray. Running in the background, NetDesk can still tell "
        "you when a follow-up is due; start NetDesk again to bring its window back."
    )
    keep = box.addButton("Keep running", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    dont_ask = QCheckBox("Don't ask again")
    box.setCheckBox(dont_ask)
    box.exec()
    return box.clickedButton() is keep, dont_ask.isChecked()
