"""A test hook: with NETDESK_TEST_STATUS_FILE set, the running app writes what a desktop test
outside the process checks (app.py wires it to the tray and notifier)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

STATUS_FILE_ENV = "NETDESK_TEST_STATUS_FILE"


class StatusFile(QObject):
    """With NETDESK_TEST_STATUS_FILE set, writes what a desktop test checks, as JSON.

    The tray's count and tooltip, the notices shown, the follow-ups and imports requested, and
    the object names of visible windows: all read from the app's own signals and widgets.
    """

    def __init__(self, path: Path, state: dict[str, Any], parent: QObject | None = None):
        super().__init__(parent)
        self.path = path
        self.state = state
        self.state.setdefault("pid", os.getpid())
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(50)
        self._pending.timeout.connect(self.write)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def update(self, **changes: Any) -> None:
        self.state.update(changes)
        self.schedule()

    def append(self, key: str, value: Any) -> None:
        self.state.setdefault(key, []).append(value)
        self.schedule()

    def schedule(self) -> None:
        if not self._pending.isActive():
            self._pending.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in (QEvent.Type.Show, QEvent.Type.Hide)
            and isinstance(watched, QWidget)
            and watched.isWindow()
        ):
            self.schedule()
        return False

    def write(self) -> None:
        app = QApplication.instance()
        windows = app.topLevelWidgets() if isinstance(app, QApplication) else []
        self.state["visible_windows"] = sorted(
            w.objectName() for w in windows if w.isVisible() and w.objectName()
        )
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, default=str))
        os.replace(tmp, self.path)
