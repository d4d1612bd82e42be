"""Hostile and broken files at their limits: a 200 MB file streams, huge photos are dropped with
a note, binary files are refused, and a failed import leaves the store exactly as it was."""

from __future__ import annotations

import base64
import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import peewee as pw
import pytest
from pytestqt.qtbot import QtBot

from netdesk.store import db, importer, reader, writer
from netdesk.store.models import Contact
from netdesk.store.writer import derived
from tests.safety.peak_rss import netdesk_peak

BIG_PHOTOS = 25
SMALL_PER_BIG = 200
LIMIT_MB = 150


@pytest.fixture(scope="module")
def file_200mb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 200 MB of vCards: 25 cards with a 6 MB photo each, 5,000 ordinary ones around."""
    path = tmp_path_factory.mktemp("big") / "phone-export.vcf"
    photo = base64.b64encode(os.urandom(6_000_000)).decode("ascii")
    with path.open("w", encoding="ascii", newline="") as out:
        for i in range(BIG_PHOTOS):
            out.write(
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo {i}\r\nEMAIL:big{i}@example.org\r\n"
                f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\nEND:VCARD\r\n"
            )
            for j in range(SMALL_PER_BIG):
                k = i * SMALL_PER_BIG + j
                out.write(
                    f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {k}\r\nN:{k};Person;;;\r\n"
                    f"EMAIL:p{k}@example.org\r\nORG:Company {k % 97}\r\nEND:VCARD\r\n"
                )
    assert path.stat().st_size > 190 * 1024 * 1024
    return path


def test_a_200mb_file_is_streamed_and_its_huge_photos_dropped_with_a_note(
    file_200mb: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    dry, dry_mb = netdesk_peak("import", "--dry-run", "--data-dir", str(data), str(file_200mb))
    assert dry.returncode == 0, dry.stderr
    total = BIG_PHOTOS * (SMALL_PER_BIG + 1)
    assert f"{total} new" in dry.stdout
    notes = [line for line in dry.stdout.splitlines() if line.startswith("note: Big Photo")]
    assert len(notes) == BIG_PHOTOS and "5 MB" in notes[0], dry.stdout[:500]
    real, real_mb = netdesk_peak("import", "--data-dir", str(data), str(file_200mb))
    assert real.returncode == 0, real.stderr
    print(f"peak RSS on a 200 MB file: dry run {dry_mb:.0f} MB, import {real_mb:.0f} MB")
    assert dry_mb < LIMIT_MB and real_mb < LIMIT_MB
    database = db.open_store(data / db.DATABASE_NAME)
    try:
        assert Contact.select().count() == total
        photos = Contact.select().where(Contact.photo.is_null(False)).count()
        assert photos == 0
    finally:
        db.close_store(database)


def _binary_files(folder: Path) -> list[Path]:
    png = folder / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048))
    archive = folder / "contacts.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("contacts.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEND:VCARD\r\n")
    # Named like a contact file: what counts is the content.
    disguised = folder / "contacts.vcf"
    disguised.write_bytes(archive.read_bytes())
    return [png, archive, disguised]


def _export_json(data: Path) -> str:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-m", "netdesk", "export", "--format", "json", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    # The export's own timestamp is the only line allowed to differ between two runs.
    return "\n".join(line for line in done.stdout.splitlines() if "exported_at" not in line)


def test_binary_files_are_refused_by_the_command_line_and_change_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    database = db.open_store(data / db.DATABASE_NAME)
    writer.create_contact(
        {"display_name": "Ana Lima"}, dt.datetime(2026, 11, 26, 9), emails=["ana@example.org"]
    )
    db.close_store(database)
    before = _export_json(data)
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    for path in _binary_files(tmp_path):
        done = subprocess.run(
            [sys.executable, "-m", "netdesk", "import", "--data-dir", str(data), str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == 1, done.stdout
        assert "not a contact file" in done.stderr and "nothing was imported" in done.stdout
        assert "not a contact file" not in done.stdout
        assert "Traceback" not in done.stderr
    assert _export_json(data) == before
    assert not (data / "backups").exists()  # nothing to apply, so not even a backup


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
def test_binary_files_dropped_on_a_window_are_refused(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QUrl

    from netdesk.ui.drop import judge_drop

    for path in _binary_files(tmp_path):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        verdict = judge_drop(mime)
        assert verdict.paths == []
        assert "not a contact file" in verdict.reason.lower(), verdict.reason


def test_a_failed_import_leaves_the_store_as_it_was(
    store: pw.SqliteDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime(2026, 11, 26, 9)
    ana = writer.create_contact({"display_name": "Ana Lima"}, now, emails=["ana@example.org"])
    cards = tmp_path / "cards.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.org\r\n"
        "TEL:+1 555 0100\r\nTITLE:Engineer\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Okafor\r\nEMAIL:ben@example.org\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    plan = importer.plan_files([cards])
    assert (plan.new, plan.updated) == (1, 1)

    def _fail(contact_ids: object, when: object) -> None:
        raise pw.OperationalError("disk I/O error")

    # The failure strikes at the very end of the apply, after every row was written.
    monkeypatch.setattr(derived, "recompute_follow_ups", _fail)
    with pytest.raises(pw.OperationalError):
        importer.apply_plan(plan, ["cards.vcf"], now)
    monkeypatch.undo()
    assert [c.display_name for c in Contact.select()] == ["Ana Lima"]
    assert reader.contact_phones(ana.id) == []
    assert Contact.get_by_id(ana.id).title == ""
    assert importer.last_batch() is None


def test_binary_files_dropped_on_the_window_are_refused_and_change_nothing(
    qtbot: QtBot, store: pw.SqliteDatabase, tmp_path: Path, desk
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QTableView, QWidget

    from tests.ui.import_helpers import drop, file_mime

    writer.create_contact({"display_name": "Ana Lima"}, dt.datetime(2026, 11, 26, 9))
    window = desk()
    notice = window.findChild(QWidget, "importNotice")
    contact_list = window.findChild(QTableView, "contactList")
    for target in (window, contact_list.viewport()):
        for path in _binary_files(tmp_path):
            event = drop(target, file_mime(path))
            assert not event.isAccepted(), path.name
            # The window says why, in the reader's words.
            assert "not a contact file" in notice.text().lower(), notice.text()
    qtbot.wait(50)
    assert window.findChild(QWidget, "importPreview") is None
    assert [c.display_name for c in Contact.select()] == ["Ana Lima"]
