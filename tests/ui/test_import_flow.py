"""Importing into the window: drops, the preview, applying, undoing, refusing what is not a file."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton, QTreeWidget

from netdesk.store import importer, writer
from netdesk.store.models import Contact, ContactEmail, ImportBatch
from netdesk.ui.dialogs.import_preview import ImportPreviewDialog
from tests.ui.import_helpers import (
    OFFSCREEN_NOISE,
    PNG,
    Desk,
    accept_preview,
    big_vcf,
    drag_enter,
    drop,
    file_mime,
    open_desk,
    vcard,
    wait_preview,
    write_vcf,
)

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def desk(main_window, data_dir: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    with open_desk(main_window, data_dir) as opened:
        yield opened


THREE = (
    vcard("Ada Lovelace", "ada@example.com", "Analytical Engines"),
    vcard("Grace Hopper", "grace@example.com", "Navy"),
    vcard("Alan Turing", "alan@example.com"),
)


def _group_rows(preview: ImportPreviewDialog, action: str) -> list[tuple[str, str]]:
    tree = preview.findChild(QTreeWidget, "importPlan")
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        if group.data(0, Qt.ItemDataRole.UserRole) == action:
            return [
                (group.child(j).text(0), group.child(j).text(1)) for j in range(group.childCount())
            ]
    return []


def test_a_vcf_dropped_on_the_list_is_previewed_then_lands_in_the_list(
    qtbot, desk: Desk, tmp_path: Path
) -> None:
    path = write_vcf(tmp_path / "people.vcf", *THREE)
    event = drop(desk.contact_list.viewport(), file_mime(path))
    assert event.isAccepted()

    preview = wait_preview(qtbot, desk)
    assert preview.objectName() == "importPreview"
    assert preview.header.text() == "3 new"
    assert Contact.select().count() == 0  # nothing is written before Import
    assert [name for name, _ in _group_rows(preview, "new")] == [
        "Ada Lovelace",
        "Grace Hopper",
        "Alan Turing",
    ]
    accept_preview(qtbot, desk)

    qtbot.waitUntil(lambda: desk.names() == ["Ada Lovelace", "Alan Turing", "Grace Hopper"])
    notice = desk.controller.notice
    assert notice.isVisible()
    assert notice.text().startswith("Imported 3 contacts from people.vcf.")
    assert "3 new contacts are unsorted — sort them" in notice.text()
    assert notice.action.text() == "Undo"
    assert {c.tie for c in Contact.select()} == {"unsorted"}

    # The notice's Undo asks first; Cancel keeps the import.
    qtbot.mouseClick(notice.action, Qt.MouseButton.LeftButton)
    box = desk.window.findChild(QMessageBox, "confirmUndoImport")
    assert box is not None and box.isVisible()
    assert box.text() == "Undo the import of people.vcf?"
    box.reject()
    assert Contact.select().count() == 3
    assert any("before-import" in p.name for p in desk.backups.iterdir())


def test_undo_import_removes_what_it_added(qtbot, desk: Desk, tmp_path: Path) -> None:
    path = write_vcf(tmp_path / "people.vcf", *THREE)
    drop(desk.window, file_mime(path))
    accept_preview(qtbot, desk)
    qtbot.waitUntil(lambda: len(desk.names()) == 3)

    undo = desk.window.actions["undo_import"]
    assert undo.isEnabled()
    assert undo.text() == "Undo import of people.vcf (3 contacts)"

    undo.trigger()
    box = desk.window.findChild(QPushButton, "undoImportButton")
    assert box is not None
    with qtbot.waitSignal(desk.hub.importUndone, timeout=10_000):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.names() == [])
    assert Contact.select().count() == 0
    qtbot.waitUntil(lambda: not undo.isEnabled())
    assert undo.text() == "Undo import"
    assert "undone: 3 contacts removed" in desk.controller.notice.text()


def test_an_image_is_refused_with_its_reason(qtbot, desk: Desk, tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    messages: list[str] = []
    desk.controller.message.connect(messages.append)

    event = drag_enter(desk.contact_list.viewport(), file_mime(photo))
    assert not event.isAccepted()
    assert desk.controller.notice.isVisible()
    assert desk.controller.notice.text() == "Not a contact file: photo.png (looks like a PNG image)"

    drop(desk.window, file_mime(photo))
    assert desk.controller.preview is None and desk.controller.worker is None
    assert messages[-1] == "Not a contact file: photo.png (looks like a PNG image)"


def test_a_zip_among_good_files_is_named_and_the_good_file_imported(
    qtbot, desk: Desk, tmp_path: Path
) -> None:
    archive = tmp_path / "cards.zip"
    archive.write_bytes(b"PK\x03\x04" + b"\x00" * 60)
    good = write_vcf(tmp_path / "one.vcf", THREE[0])
    drop(desk.window, file_mime(archive, good))
    assert (
        "Not a contact file: cards.zip (looks like a ZIP archive" in desk.controller.notice.text()
    )
    accept_preview(qtbot, desk)
    assert desk.stored_names() == ["Ada Lovelace"]


def test_a_text_drag_is_refused_as_not_a_file(qtbot, desk: Desk) -> None:
    mime = QMimeData()
    mime.setText("Ada Lovelace <ada@example.com>")
    event = drag_enter(desk.window, mime)
    assert not event.isAccepted()
    assert desk.controller.notice.text() == "Only files can be imported, not text"


def test_broken_cards_show_file_and_line_and_write_nothing(
    qtbot, desk: Desk, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.vcf"
    broken.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:no name here\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\r\n",
        encoding="utf-8",
        newline="",
    )
    desk.hub.importRequested.emit([str(broken)])
    preview = wait_preview(qtbot, desk)
    errors = _group_rows(preview, "error")
    assert errors and all(where.startswith("broken.vcf, line ") for where, _ in errors)
    assert "could not be read" in preview.header.text()
    assert not preview.import_button.isEnabled()
    preview.reject()
    qtbot.waitUntil(lambda: not desk.controller.busy)
    assert Contact.select().count() == 0
    assert ImportBatch.select().count() == 0


def test_names_with_markup_show_literally(qtbot, desk: Desk, tmp_path: Path) -> None:
    path = write_vcf(tmp_path / "x.vcf", vcard("<b>Bold</b> Person", "b@example.com"))
    desk.hub.importRequested.emit([str(path)])
    preview = wait_preview(qtbot, desk)
    assert _group_rows(preview, "new")[0][0] == "<b>Bold</b> Person"
    assert preview.header.textFormat() == Qt.TextFormat.PlainText
    preview.reject()


def test_several_files_at_once_and_updates_list_their_changes(
    qtbot, desk: Desk, tmp_path: Path, now
) -> None:
    writer.create_contact({"display_name": "Ada Lovelace"}, now, emails=["ada@example.com"])
    a = write_vcf(
        tmp_path / "a.vcf", vcard("Ada Lovelace", "ada@example.com", "Analytical Engines")
    )
    b = write_vcf(tmp_path / "b.vcf", THREE[1])
    drop(desk.window, file_mime(a, b))
    preview = wait_preview(qtbot, desk)
    assert preview.header.text() == "1 new, 1 updated"
    updated = preview.findChild(QTreeWidget, "importPlan")
    rows = _group_rows(preview, "update")
    assert rows[0][0] == "Ada Lovelace" and "Company" in rows[0][1]
    group = next(
        updated.topLevelItem(i)
        for i in range(updated.topLevelItemCount())
        if updated.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == "update"
    )
    person = group.child(0)
    changes = {person.child(i).text(0): person.child(i).text(1) for i in range(person.childCount())}
    assert changes["Company"] == "(empty) → Analytical Engines"
    accept_preview(qtbot, desk)
    assert desk.stored_names() == ["Ada Lovelace", "Grace Hopper"]
    assert "Imported 1 contact from a.vcf and b.vcf, updated 1 contact." in (
        desk.controller.notice.text()
    )


@pytest.mark.parametrize("choice", ["merge", "keep", "skip"])
def test_duplicate_choices(qtbot, desk: Desk, tmp_path: Path, now, choice: str) -> None:
    writer.create_contact(
        {"display_name": "Ada Lovelace"}, now, emails=["ada@home.example"], company="Acme"
    )
    path = write_vcf(tmp_path / "dup.vcf", vcard("Ada Lovelace", "ada@work.example", "Acme Inc."))
    desk.hub.importRequested.emit([str(path)])
    preview = wait_preview(qtbot, desk)
    assert preview.header.text() == "1 likely duplicate"
    box = preview.findChild(QComboBox, "duplicateChoice0")
    assert box.currentText() == "Merge into Ada Lovelace (Acme)"  # the default
    assert [box.itemText(i) for i in range(box.count())][1:] == ["Keep both", "Skip"]
    preview.choose(0, choice)
    accept_preview(qtbot, desk)

    emails = sorted(e.email for e in ContactEmail.select())
    if choice == "merge":
        assert desk.stored_names() == ["Ada Lovelace"]
        assert emails == ["ada@home.example", "ada@work.example"]
    elif choice == "keep":
        assert desk.stored_names() == ["Ada Lovelace", "Ada Lovelace"]
        assert emails == ["ada@home.example", "ada@work.example"]
    else:
        assert desk.stored_names() == ["Ada Lovelace"]
        assert emails == ["ada@home.example"]


def test_a_large_file_keeps_the_window_alive_and_cancel_writes_nothing(
    qtbot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big_vcf(tmp_path / "big.vcf", 10_000)
    ticks: list[float] = []
    timer = QTimer(desk.window)
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()

    # Cancel while it is reading. The reader is held after 500 cards until Cancel has been
    # pressed, so that a fast machine cannot finish the file first.
    real_read = importer.read_files
    cancelled = threading.Event()

    def held_read(paths):  # type: ignore[no-untyped-def]
        for n, item in enumerate(real_read(paths)):
            if n == 500:
                assert cancelled.wait(10)
            yield item

    monkeypatch.setattr(importer, "read_files", held_read)
    monkeypatch.setattr("netdesk.ui.import_flow.REPORT_EVERY", 100)
    progress: list[int] = []
    desk.hub.importRequested.emit([str(path)])
    worker = desk.controller.worker
    assert worker is not None
    worker.progressed.connect(lambda done, total: progress.append(done))
    qtbot.waitUntil(lambda: any(p > 0 for p in progress), timeout=10_000)
    assert desk.controller.progress is not None
    with qtbot.waitSignal(desk.controller.idle, timeout=10_000):
        desk.controller.progress.canceled.emit()  # what its Cancel button (or Escape) does
        cancelled.set()
    assert desk.controller.preview is None
    assert desk.controller.notice.text() == "Import cancelled: nothing was written."
    monkeypatch.setattr(importer, "read_files", real_read)

    # Read it whole: the event loop keeps turning, then Cancel in the preview.
    ticks.clear()
    started = time.perf_counter()
    desk.hub.importRequested.emit([str(path)])
    preview = wait_preview(qtbot, desk)
    timer.stop()
    assert preview.header.text() == "10,000 new"
    # The longest stretch without a tick, from the request to the preview: how long the
    # window would have been frozen.
    gaps = [b - a for a, b in itertools.pairwise([started, *ticks, time.perf_counter()])]
    assert max(gaps) < 0.5, f"the window froze for {max(gaps):.2f} s"
    preview.reject()
    qtbot.waitUntil(lambda: not desk.controller.busy)
    assert Contact.select().count() == 0
    assert ImportBatch.select().count() == 0


def test_file_import_opens_the_chosen_files(
    qtbot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_vcf(tmp_path / "chosen.vcf", *THREE[:2])
    asked: list[str] = []

    def choose(parent, caption, folder, filters):  # type: ignore[no-untyped-def]
        asked.append(filters)
        return [str(path)], "Contact files (*.vcf *.vcard *.csv)"

    monkeypatch.setattr("netdesk.ui.import_flow.QFileDialog.getOpenFileNames", choose)
    desk.window.actions["import"].trigger()
    assert asked == ["Contact files (*.vcf *.vcard *.csv);;All files (*)"]
    accept_preview(qtbot, desk)
    qtbot.waitUntil(lambda: desk.names() == ["Ada Lovelace", "Grace Hopper"])


def test_a_request_during_an_import_waits_its_turn(qtbot, desk: Desk, tmp_path: Path) -> None:
    first = write_vcf(tmp_path / "first.vcf", THREE[0])
    missing = tmp_path / "gone.vcf"
    desk.hub.importRequested.emit([str(first)])
    desk.hub.importRequested.emit([str(missing)])  # a second launch, say
    accept_preview(qtbot, desk)
    assert desk.stored_names() == ["Ada Lovelace"]

    preview = wait_preview(qtbot, desk)
    assert _group_rows(preview, "error") == [("gone.vcf", "the file does not exist")]
    assert not preview.import_button.isEnabled()
    with qtbot.waitSignal(desk.controller.idle, timeout=10_000):
        preview.reject()
    assert desk.stored_names() == ["Ada Lovelace"]
