"""macOS's Finder opens a file by sending QEvent.FileOpen to the app: it becomes an import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFileOpenEvent

from netdesk.services.signals import Hub
from netdesk.ui.file_open import FileOpenFilter


def test_a_file_open_event_asks_for_an_import(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub = Hub()
    asked: list[list[str]] = []
    hub.importRequested.connect(asked.append)
    watcher = FileOpenFilter(hub, held=False)
    qapp.installEventFilter(watcher)
    try:
        card = tmp_path / "Dana Lee.vcf"
        card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Lee\r\nEND:VCARD\r\n")
        QCoreApplication.sendEvent(qapp, QFileOpenEvent(str(card)))
    finally:
        qapp.removeEventFilter(watcher)
    assert asked == [[str(card)]]


def test_files_sent_at_launch_wait_for_the_import_flow(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub = Hub()
    asked: list[list[str]] = []
    hub.importRequested.connect(asked.append)
    watcher = FileOpenFilter(hub)
    qapp.installEventFilter(watcher)
    try:
        for name in ("a.vcf", "b.csv"):
            QCoreApplication.sendEvent(qapp, QFileOpenEvent(str(tmp_path / name)))
        assert asked == []  # held: nothing would take the request yet
        watcher.release()
        assert asked == [[str(tmp_path / "a.vcf"), str(tmp_path / "b.csv")]]
        QCoreApplication.sendEvent(qapp, QFileOpenEvent(str(tmp_path / "c.vcf")))
    finally:
        qapp.removeEventFilter(watcher)
    assert asked[-1] == [str(tmp_path / "c.vcf")]
