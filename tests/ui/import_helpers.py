"""Shared set-up for the import and export tests: the window, drops, files, waiting."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QWidget

from netdesk.services.signals import Hub
from netdesk.store.models import Contact
from netdesk.ui.dialogs.import_preview import ImportPreviewDialog
from netdesk.ui.import_flow import ImportController, install_import

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def vcard(name: str, email: str = "", org: str = "", phone: str = "") -> str:
    family, _, given = name.rpartition(" ")[::-1] if " " in name else (name, "", "")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", f"N:{family};{given};;;"]
    if email:
        lines.append(f"EMAIL;TYPE=INTERNET:{email}")
    if org:
        lines.append(f"ORG:{org}")
    if phone:
        lines.append(f"TEL:{phone}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def write_vcf(path: Path, *cards: str) -> Path:
    path.write_text("".join(cards), encoding="utf-8", newline="")
    return path


def big_vcf(path: Path, count: int) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        for i in range(count):
            f.write(vcard(f"Person Number{i}", f"person{i}@example.com", f"Company {i % 50}"))
    return path


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drag_enter(widget: QWidget, mime: QMimeData) -> QDragEnterEvent:
    event = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)
    return event


def drop(widget: QWidget, mime: QMimeData) -> QDropEvent:
    """A drag that enters `widget` and is dropped there, as a user's would be."""
    drag_enter(widget, mime)
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)
    return event


@dataclass
class Desk:
    """The window, its list, and the import controller wired as the app wires them."""

    window: QMainWindow
    contact_list: QTableView
    controller: ImportController
    hub: Hub
    backups: Path

    def names(self) -> list[str]:
        model = self.contact_list.model()
        return sorted(model.index(r, 0).data() for r in range(model.rowCount()))

    def stored_names(self) -> list[str]:
        return sorted(c.display_name for c in Contact.select())


# The offscreen platform cannot resize a native window to a dialog's size hint and says so
# whenever a dialog with a layout opens; real platforms do not.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@contextlib.contextmanager
def open_desk(main_window, data_dir: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    """The real main window on the test store, with import installed as app.run installs it.

    `main_window` is tests/ui/conftest.py's factory (it builds the window as app.run does).
    """
    window = main_window()
    controller = install_import(window, data_dir / "backups")
    try:
        yield Desk(
            window,
            window.findChild(QTableView, "contactList"),
            controller,
            window.hub,
            data_dir / "backups",
        )
    finally:
        controller.shutdown()


def wait_preview(qtbot, desk: Desk) -> ImportPreviewDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: desk.controller.preview is not None, timeout=10_000)
    preview = desk.controller.preview
    assert preview is not None
    return preview


def accept_preview(qtbot, desk: Desk) -> ImportPreviewDialog:  # type: ignore[no-untyped-def]
    preview = wait_preview(qtbot, desk)
    with qtbot.waitSignal(desk.controller.imported, timeout=10_000):
        qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    # Done when nothing is in flight, or when the next queued import has its preview up.
    qtbot.waitUntil(
        lambda: not desk.controller.busy or desk.controller.preview not in (None, preview),
        timeout=10_000,
    )
    return preview


def import_paths(qtbot, desk: Desk, paths: Sequence[Path]) -> ImportPreviewDialog:  # type: ignore[no-untyped-def]
    desk.hub.importRequested.emit([str(p) for p in paths])
    return accept_preview(qtbot, desk)
