"""Files the desktop hands over as events (macOS: opening a .vcf from the Finder sends
QEvent.FileOpen to the application, not the command line): each becomes an import request."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent

from netdesk.services.signals import Hub


class FileOpenFilter(QObject):
    """An event filter on the application: FileOpen -> hub.importRequested([path]).

    Files that arrive before the import flow is wired (the Finder sends them at launch,
    before the first paint) are held until `release()`.
    """

    def __init__(self, hub: Hub, parent: QObject | None = None, *, held: bool = True) -> None:
        super().__init__(parent)
        self._hub = hub
        self._held = held
        self._pending: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()
            if path:
                self._pending.append(path)
                if not self._held:
                    self._flush()
                return True
        return False

    def release(self) -> None:
        """The import flow is ready: hand over what was held, and each file from now on."""
        self._held = False
        self._flush()

    def _flush(self) -> None:
        if self._pending:
            paths, self._pending = self._pending, []
            self._hub.importRequested.emit(paths)
