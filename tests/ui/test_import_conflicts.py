"""A re-import of a changed card: the preview shows each difference beside the stored value,
and what the user chooses is what the store keeps; likely duplicates are shown side by side."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QLabel

from netdesk.store import reader
from netdesk.store.models import Contact
from tests.ui.import_helpers import (
    OFFSCREEN_NOISE,
    Desk,
    accept_preview,
    drop,
    file_mime,
    open_desk,
    wait_preview,
    write_vcf,
)

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def desk(main_window, data_dir: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    with open_desk(main_window, data_dir) as opened:
        yield opened


def _ada(title: str, note: str) -> str:
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
        f"EMAIL:ada@example.com\r\nTITLE:{title}\r\nNOTE:{note}\r\nEND:VCARD\r\n"
    )


def _import(qtbot, desk: Desk, path: Path):  # type: ignore[no-untyped-def]
    drop(desk.window, file_mime(path))
    return wait_preview(qtbot, desk)


@pytest.mark.parametrize(
    ("title_choice", "note_choice", "title", "notes"),
    [
        (None, None, "Analyst", "Met at the Royal Society\nNow writes about engines"),
        ("theirs", "mine", "Chief Engineer", "Met at the Royal Society"),
        ("mine", "theirs", "Analyst", "Now writes about engines"),
    ],
)
def test_a_changed_title_and_note_are_shown_and_the_choice_kept(
    qtbot,  # type: ignore[no-untyped-def]
    desk: Desk,
    tmp_path: Path,
    title_choice: str | None,
    note_choice: str | None,
    title: str,
    notes: str,
) -> None:
    first = write_vcf(tmp_path / "ada.vcf", _ada("Analyst", "Met at the Royal Society"))
    _import(qtbot, desk, first)
    accept_preview(qtbot, desk)
    qtbot.waitUntil(lambda: Contact.select().count() == 1)

    again = write_vcf(tmp_path / "ada2.vcf", _ada("Chief Engineer", "Now writes about engines"))
    preview = _import(qtbot, desk, again)
    title_combo = preview.findChild(QComboBox, "conflictChoice0_title")
    note_combo = preview.findChild(QComboBox, "conflictChoice0_notes")
    assert title_combo is not None and note_combo is not None
    shown = {w.text() for w in preview.findChildren(QLabel)}
    # Both sides of each difference, beside each other.
    assert {"Analyst", "Chief Engineer", "Met at the Royal Society"} <= shown
    assert "Now writes about engines" in shown
    # Nothing is lost by default: the stored title stays, the new note goes below the old.
    assert title_combo.currentData() == "mine" and note_combo.currentData() == "both"
    assert [title_combo.itemData(i) for i in range(title_combo.count())] == ["mine", "theirs"]
    if title_choice:
        preview.choose_field(0, "title", title_choice)
    if note_choice:
        preview.choose_field(0, "notes", note_choice)
    accept_preview(qtbot, desk)

    [contact] = Contact.select()

    def kept() -> bool:
        contact = Contact.get_by_id(Contact.select().get().id)
        return (contact.title, contact.notes) == (title, notes)

    qtbot.waitUntil(kept)
    assert reader.contact_emails(contact.id) == ["ada@example.com"]


def test_two_names_on_one_number_are_two_people_shown_side_by_side(
    qtbot,  # type: ignore[no-untyped-def]
    desk: Desk,
    tmp_path: Path,
) -> None:
    cards = "".join(
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"FN:{name}\r\nEMAIL:{email}\r\nTEL:+1 212 555 0100\r\nEND:VCARD\r\n"
        for name, email in (
            ("Ada Lovelace", "ada@example.com"),
            ("Charles Babbage", "charles@example.com"),
        )
    )
    path = tmp_path / "colleagues.vcf"
    path.write_text(cards)
    preview = _import(qtbot, desk, path)
    combo = preview.findChild(QComboBox, "duplicateChoice1")
    assert combo is not None and tuple(combo.currentData()) == ("keep", 0)
    card = preview.findChild(QLabel, "duplicateCard1")
    match = preview.findChild(QLabel, "duplicateMatch1")
    assert card.text().startswith("Charles Babbage") and "+1 212 555 0100" in card.text()
    assert match.text().startswith("Ada Lovelace") and "earlier in colleagues.vcf" in match.text()
    accept_preview(qtbot, desk)
    qtbot.waitUntil(lambda: desk.stored_names() == ["Ada Lovelace", "Charles Babbage"])
