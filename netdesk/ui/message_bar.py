"""The message bar: notices inside the window's layout, above the panes (like KDE's
KMessageWidget), never drawn over what they would hide.

Each source of notices (imports, reminders, the demo, the undo history) has its own line,
a `Message`: a new notice from the same source replaces the one it showed; notices from
different sources stack, newest on top, at most `MAX_SHOWN` at once. A notice given a
timeout closes by itself; one without stays until the user closes it.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.ui.icons import icon
from netdesk.ui.widgets import plain_label

MAX_SHOWN = 3


class Kind(enum.Enum):
    INFORMATION = "information"
    POSITIVE = "positive"
    WARNING = "warning"


# A tint of the window colour, as KMessageWidget does: readable on light and dark palettes.
_TINTS = {
    Kind.INFORMATION: QColor("#3daee9"),
    Kind.POSITIVE: QColor("#27ae60"),
    Kind.WARNING: QColor("#f67400"),
}
_ICONS = {
    Kind.INFORMATION: "dialog-information",
    Kind.POSITIVE: "task-complete",
    Kind.WARNING: "dialog-warning",
}


def _blend(base: QColor, tint: QColor, amount: float) -> QColor:
    return QColor(
        round(base.red() + (tint.red() - base.red()) * amount),
        round(base.green() + (tint.green() - base.green()) * amount),
        round(base.blue() + (tint.blue() - base.blue()) * amount),
    )


class Message(QFrame):
    """One line of the bar: an icon, the text (plain, wrapped), an optional action, a close."""

    actionTriggered = Signal()
    shown = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setAccessibleName("Notice")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.icon_label = QLabel(self)
        layout.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        self.label = plain_label(wrap=True)
        self.label.setObjectName(f"{name}Text")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.action = QPushButton(self)
        self.action.setObjectName(f"{name}Action")
        self.action.clicked.connect(self._act)
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignVCenter)
        self.close_button = QToolButton(self)
        self.close_button.setIcon(icon("dismiss"))
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Close the notice")
        self.close_button.setToolTip("Close")
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.kind = Kind.INFORMATION
        self.hide()

    def show_message(
        self,
        text: str,
        action: str = "",
        timeout_ms: int = 0,
        kind: Kind = Kind.INFORMATION,
    ) -> None:
        """Show `text` (plain) in place of what this line showed; `action` names a button
        that emits actionTriggered; a timeout of 0 keeps it until the user closes it."""
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.setAccessibleDescription(text)
        self.action.setText(action)
        self.action.setAccessibleName(action)
        self.action.setVisible(bool(action))
        self._set_kind(kind)
        if timeout_ms > 0:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()
        self.show()
        self.shown.emit()

    def text(self) -> str:
        return self.label.text()

    def _act(self) -> None:
        self.hide()
        self.actionTriggered.emit()

    def _set_kind(self, kind: Kind) -> None:
        self.kind = kind
        size = self.label.fontMetrics().height()
        self.icon_label.setPixmap(icon(_ICONS[kind]).pixmap(size, size))
        palette = self.palette()
        window = QApplication.palette().color(QPalette.ColorRole.Window)
        palette.setColor(QPalette.ColorRole.Window, _blend(window, _TINTS[kind], 0.18))
        self.setPalette(palette)


class MessageBar(QWidget):
    """The column of messages above the panes; it takes no room when none shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAccessibleName("Messages")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._channels: dict[str, Message] = {}
        self.hide()

    def channel(self, name: str, message: Message | None = None) -> Message:
        """The line for one source of notices (made on first use); `message` puts a
        subclass of Message in that place."""
        found = self._channels.get(name)
        if found is not None:
            return found
        line = message if message is not None else Message(name)
        line.setObjectName(name)
        line.setParent(self)
        line.hide()
        self._channels[name] = line
        line.shown.connect(lambda line=line: self._raise(line))
        line.installEventFilter(self)
        return line

    def channels(self) -> list[str]:
        """The names of the lines made so far."""
        return list(self._channels)

    def messages(self) -> list[Message]:
        """The lines showing, top first."""
        shown = []
        for i in range(self._layout.count()):
            item = self._layout.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, Message) and not widget.isHidden():
                shown.append(widget)
        return shown

    def _raise(self, line: Message) -> None:
        self._layout.removeWidget(line)
        self._layout.insertWidget(0, line)
        for extra in self.messages()[MAX_SHOWN:]:
            extra.hide()
        self._update_visibility()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Hide, QEvent.Type.Show):
            self._update_visibility()
        return False

    def _update_visibility(self) -> None:
        self.setVisible(any(not line.isHidden() for line in self._channels.values()))
