"""What a drag carries, judged before anything is read: files to import, and why not the rest."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl

from netdesk.ui.drop import judge_drop
from netdesk.ui.import_flow import describe_sources, estimate_records
from tests.ui.import_helpers import PNG, file_mime, vcard, write_vcf


def test_each_refusal_is_named(tmp_path: Path) -> None:
    good = write_vcf(tmp_path / "people.vcf", vcard("Ada Lovelace", "ada@example.com"))
    csv_file = tmp_path / "Connections.csv"
    csv_file.write_text("First Name,Last Name,Email Address\nAda,Lovelace,ada@example.com\n")
    folder = tmp_path / "Contacts"
    folder.mkdir()
    image = tmp_path / "photo.png"
    image.write_bytes(PNG)
    mime = file_mime(good, csv_file, folder, image, tmp_path / "gone.vcf")
    mime.setUrls([*mime.urls(), QUrl("https://example.com/cards.vcf")])

    verdict = judge_drop(mime)
    assert verdict.paths == [str(good), str(csv_file)]
    assert verdict.refusals == [
        "A folder cannot be imported: Contacts",
        "Not a contact file: photo.png (looks like a PNG image)",
        "File not found: gone.vcf",
        "Only files on this computer can be imported, not https://example.com/cards.vcf",
    ]
    assert verdict.reason.endswith("; and 1 more")


def test_text_and_empty_drags() -> None:
    text = QMimeData()
    text.setText("hello")
    assert judge_drop(text).reason == "Only files can be imported, not text"
    assert judge_drop(QMimeData()).reason == "Only files can be imported"
    assert judge_drop(None).paths == []


def test_a_text_file_that_is_not_a_contact_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("just some notes\nabout nothing\n")
    assert judge_drop(file_mime(notes)).refusals == [
        "Not a contact file: notes.txt (no vCard and no known CSV header in it)"
    ]


def test_the_progress_estimate_counts_cards_in_any_encoding(tmp_path: Path) -> None:
    cards = "".join(vcard(f"Person {i}", f"p{i}@example.com") for i in range(7))
    (tmp_path / "a.vcf").write_text(cards, encoding="utf-8")
    (tmp_path / "b.vcf").write_text(cards, encoding="utf-16")
    (tmp_path / "c.csv").write_text("Name,E-mail Address\nA,a@x\nB,b@x\n")
    paths = [tmp_path / n for n in ("a.vcf", "b.vcf", "c.csv")]
    assert estimate_records(paths) == 7 + 7 + 3
    assert describe_sources(["a.vcf", "b.vcf", "c.csv"]) == "a.vcf and 2 more files"
