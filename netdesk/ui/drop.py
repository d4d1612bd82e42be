"""Files dropped on a window: which drags to take, why others are refused, a notice saying so."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QToolButton,
    QWidget,
)

from netdesk.core.contact_files import read_contact_file, sniff_contact_file
from netdesk.core.linkedin_archive import is_archive
from netdesk.core.records import ImportProblem


@dataclass(slots=True)
class DropVerdict:
    """What a drag carries: contact files to import, and a reason for everything else."""

    paths: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """One line naming what was refused (the first few items), "" when nothing was."""
        if not self.refusals:
            return ""
        shown = self.refusals[:3]
        more = len(self.refusals) - len(shown)
        return "; ".join(shown) + (f"; and {more} more" if more else "")


def _why_not(path: Path) -> str:
    """The reader's own words for a file that is not a contact file ("looks like a PNG image")."""
    items = read_contact_file(path)
    try:
        first = next(items, None)
    finally:
        items.close()
    if isinstance(first, ImportProblem) and first.line == 0:
        reason = first.reason
        prefix = "not a contact file "
        if reason.startswith(prefix):
            reason = reason[len(prefix) :]
        return f"Not a contact file: {path.name} {reason}".rstrip()
    return f"Not a contact file: {path.name}"


def judge_drop(mime: QMimeData | None) -> DropVerdict:
    """Sort the drag's contents into contact files and refusals, with a quick look at each file."""
    verdict = DropVerdict()
    if mime is None or not mime.hasUrls():
        if mime is not None and (mime.hasText() or mime.hasHtml()):
            verdict.refusals.append("Only files can be imported, not text")
        else:
            verdict.refusals.append("Only files can be imported")
        return verdict
    for url in mime.urls():
        if not url.isLocalFile():
            verdict.refusals.append(
                f"Only files on this computer can be imported, not {url.toDisplayString()}"
            )
            continue
        path = Path(url.toLocalFile())
        if is_archive(path):  # a LinkedIn data archive, zipped or unpacked
            verdict.paths.append(str(path))
        elif path.is_dir():
            verdict.refusals.append(f"A folder cannot be imported: {path.name}")
        elif not path.exists():
            verdict.refusals.append(f"File not found: {path.name}")
        elif sniff_contact_file(path) is None:
            verdict.refusals.append(_why_not(path))
        else:
            verdict.paths.append(str(path))
    return verdict


class FileDropTarget(QObject):
    """An event filter that makes widgets take dropped contact files and refuse anything else.

    Installed on the window and on item views' viewports (a view handles drags itself and
    would otherwise refuse files). `filesDropped` carries the usable paths of a drop;
    `refused` the reason for what it will not take, once per drag.
    """

    filesDropped = Signal(list)
    refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: tuple[int, DropVerdict] | None = None
        self._told: int | None = None

    def watch(self, widget: QWidget) -> None:
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def _verdict(self, mime: QMimeData) -> DropVerdict:
        # A drag sends many move events with the same data: look at the files once.
        key = id(mime)
        if self._current is None or self._current[0] != key:
            self._current = (key, judge_drop(mime))
        return self._current[1]

    def _refuse_once(self, mime: QMimeData, reason: str) -> None:
        # An ignored drag climbs to the parent widget, which this filter also watches.
        if self._told != id(mime):
            self._told = id(mime)
            self.refused.emit(reason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDragMoveEvent)
            verdict = self._verdict(event.mimeData())
            if verdict.paths:
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
            else:
                event.ignore()
                if kind == QEvent.Type.DragEnter:
                    self._refuse_once(event.mimeData(), verdict.reason)
            return True
        if kind == QEvent.Type.DragLeave:
            self._current = None
            self._told = None
            return False
        if kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            verdict = judge_drop(event.mimeData())
            self._current = None
            self._told = None
            if verdict.paths:
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
                self.filesDropped.emit(list(verdict.paths))
            else:
                event.ignore()
            if verdict.refusals:
                self.refused.emit(verdict.reason)
            return True
        return False


class Notice(QFrame):
    """A short message over the top of a window, with an optional action; it hides by itself."""

    actionTriggered = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("windowNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setAccessibleName("Notice")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        self.label = QLabel(self)
        self.label.setObjectName("windowNoticeText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.action = QPushButton(self)
        self.action.setObjectName("windowNoticeAction")
        self.action.clicked.connect(self._act)
        layout.addWidget(self.action)
        close = QToolButton(self)
        close.setText("✕")
        close.setAccessibleName("Close the notice")
        close.setToolTip("Close")
        close.clicked.connect(self.hide)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        parent.installEventFilter(self)
        self.hide()

    def show_message(self, text: str, action: str = "", timeout_ms: int = 8000) -> None:
        """Show `text` (plain); `action` names a button that emits actionTriggered."""
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.action.setText(action)
        self.action.setAccessibleName(action)
        self.action.setVisible(bool(action))
        self._place()
        self.show()
        self.raise_()
        self._timer.start(timeout_ms)

    def text(self) -> str:
        return self.label.text()

    def _act(self) -> None:
        self.hide()
        self.actionTriggered.emit()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        width = min(parent.width() - 24, 640)
        self.setFixedWidth(max(width, 200))
        self.adjustSize()
        # Below a main window's menu bar, so the menus stay reachable while it shows.
        menu = parent.menuWidget() if isinstance(parent, QMainWindow) else None
        top = menu.height() if menu is not None and menu.isVisible() else 0
        self.move((parent.width() - self.width()) // 2, top + 12)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False
