"""The notifier chain's last resort: a small always-on-top window holding the reminders, for a
desktop with neither a tray nor a notification server (a bare window manager, NetDesk started
at log-in in the background).

A reminder counts as announced only once this window has painted it on screen: until then the
scheduler's follow-ups stay unannounced. Its buttons answer through the notifier like a
notification's (Open, Done, Snooze until tomorrow), each once: the row goes as it is pressed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.services.notifier import (
    DONE,
    OPEN,
    SNOOZE,
    Notice,
    NoticeSink,
    NotifierBackend,
    NotifierUnavailable,
)

# More rows than this and the oldest (already seen) make room.
MAX_ROWS = 5
MARGIN = 16


class _Row(QFrame):
    """One reminder: who and why, and its buttons."""

    def __init__(self, notice: Notice, answer: Callable[[_Row, str], None]) -> None:
        super().__init__()
        self.notice = notice
        self.setObjectName("reminderRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        title = QLabel(notice.title)
        title.setTextFormat(Qt.TextFormat.PlainText)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        body = QLabel(notice.body)
        body.setTextFormat(Qt.TextFormat.PlainText)
        body.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(body)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        choices = [(OPEN, "&Open")]
        if notice.offer_actions:
            choices += [(DONE, "&Done"), (SNOOZE, "&Snooze until tomorrow")]
        for key, text in choices:
            button = QPushButton(text)
            button.setObjectName(f"reminder{key.capitalize()}")
            button.clicked.connect(lambda _checked=False, k=key: answer(self, k))
            buttons.addWidget(button)
            self.buttons[key] = button
        layout.addLayout(buttons)


class ReminderWindow(QWidget):
    """Always on top, in a corner of the screen, never taking the keyboard from the user."""

    def __init__(self, sink: NoticeSink) -> None:
        super().__init__(
            None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint
        )
        self.sink = sink
        self.setObjectName("reminderWindow")
        self.setWindowTitle("NetDesk reminders")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.rows: list[_Row] = []
        self._unseen: list[Notice] = []
        layout = QVBoxLayout(self)
        self._list = QVBoxLayout()
        layout.addLayout(self._list)
        footer = QHBoxLayout()
        footer.addStretch(1)
        close = QPushButton("Close")
        close.setObjectName("reminderClose")
        close.clicked.connect(self.hide)
        footer.addWidget(close)
        layout.addLayout(footer)
        self.setMinimumWidth(360)

    def add(self, notice: Notice) -> None:
        """Show `notice` (the newest first); it is reported seen when painted."""
        row = _Row(notice, self._answer)
        self.rows.insert(0, row)
        self._list.insertWidget(0, row)
        while len(self.rows) > MAX_ROWS:
            self._drop(self.rows[-1])
        self._unseen.append(notice)
        self._place()
        self.show()
        self.raise_()
        self.update()

    def remove_follow_ups(self, follow_up_ids: Sequence[int]) -> None:
        settled = set(follow_up_ids)
        for row in [r for r in self.rows if r.notice.follow_up_id in settled]:
            self._drop(row)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._unseen and self.isVisible():
            seen, self._unseen = self._unseen, []
            for notice in seen:
                self.sink.notice_shown(notice)

    def _answer(self, row: _Row, key: str) -> None:
        # The row goes first: each answer once, whatever the follow-up does next.
        self._drop(row)
        fid = row.notice.follow_up_id
        if key == OPEN:
            self.sink.notice_activated(fid)
        else:
            self.sink.notice_action(fid, key)

    def _drop(self, row: _Row) -> None:
        if row in self.rows:
            self.rows.remove(row)
        if row.notice in self._unseen:
            self._unseen.remove(row.notice)
        self._list.removeWidget(row)
        row.hide()
        row.deleteLater()
        if not self.rows:
            self.hide()
        else:
            self.adjustSize()
            self._place()

    def _place(self) -> None:
        self.adjustSize()
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        self.move(area.right() - self.width() - MARGIN, area.top() + MARGIN)


class ReminderWindowBackend(NotifierBackend):
    """The reminder window, as a backend of the notifier chain (services.notifier)."""

    name = "reminder window"
    supports_actions = True

    def __init__(self, sink: NoticeSink) -> None:
        super().__init__(sink)
        if not isinstance(QApplication.instance(), QApplication):
            raise NotifierUnavailable("no windows without a QApplication")
        self.window: ReminderWindow | None = ReminderWindow(sink)

    def _live_window(self) -> ReminderWindow | None:
        """The window, unless Qt has deleted it (the application closing its windows)."""
        if self.window is not None and not shiboken6.isValid(self.window):
            self.window = None
        return self.window

    def show(self, notice: Notice) -> None:
        window = self._live_window()
        if window is None:
            # A reminder must still reach the screen: a new window takes the old one's place.
            window = self.window = ReminderWindow(self.sink)
        window.add(notice)

    def withdraw(self, follow_up_ids: Sequence[int]) -> None:
        window = self._live_window()
        if window is not None:
            window.remove_follow_ups(follow_up_ids)

    def close(self) -> None:
        window = self._live_window()
        self.window = None
        if window is not None:
            window.hide()
            window.deleteLater()
