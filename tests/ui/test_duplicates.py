"""Contact > Find duplicates in the real window: a likely pair merged side by side, then undone."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QRadioButton

from netdesk.core.domain import InteractionKind, Tie
from netdesk.core.duplicates import Take
from netdesk.store import export, reader, writer
from netdesk.store.models import db
from netdesk.store.sql import run_sql
from netdesk.ui.dialogs.find_duplicates import FindDuplicatesDialog
from netdesk.ui.dialogs.merge import MergeDialog


def _everything(now: dt.datetime) -> tuple[str, dict[str, list[tuple[Any, ...]]]]:
    """The export and every row of every table, as stored."""
    out = io.StringIO()
    export.write_json(out, now)
    names = [
        r[0]
        for r in run_sql(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if not r[0].startswith(("sqlite_", "contact_fts"))
    ]
    return out.getvalue(), {
        n: run_sql(db, f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names
    }


def _people(now: dt.datetime) -> tuple[int, int, int]:
    """One person twice (national and international forms of one number, a name typo), and a
    colleague behind the same switchboard."""
    first = writer.create_contact(
        {"display_name": "Priya Raman", "tie": Tie.ADVOCATE.value, "title": "Staff engineer",
         "tags": "mentor"},
        now - dt.timedelta(days=300),
        emails=["priya@initech.example"],
        phones=["+44 20 7946 0958"],
        company="Initech",
    ).id
    second = writer.create_contact(
        {"display_name": "Priya Ramen", "nickname": "PR", "title": "Engineering manager",
         "tags": "alumni"},
        now - dt.timedelta(days=100),
        emails=["priya.raman@home.example"],
        phones=["020 7946 0958"],
        company="Initech",
    ).id
    colleague = writer.create_contact(
        {"display_name": "Marcus Oyelaran"},
        now - dt.timedelta(days=100),
        phones=["+44 20 7946 0958"],
        company="Initech",
    ).id
    with writer.change(now):
        writer.log_interaction(first, InteractionKind.COFFEE, now - dt.timedelta(days=70), now)
        writer.log_interaction(first, InteractionKind.EMAIL, now - dt.timedelta(days=20), now)
        writer.log_interaction(second, InteractionKind.CALL, now - dt.timedelta(days=5), now,
                               summary="Talked about the Hooli role")
    return first, second, colleague


def _dialog(window: Any, qtbot: Any) -> FindDuplicatesDialog:
    window.menus["contact"].aboutToShow.emit()  # the menu as the user opens it
    window.actions["find_duplicates"].trigger()
    dialog = window.findChild(FindDuplicatesDialog, "findDuplicates")
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.worker is None and bool(dialog.model.pairs), timeout=10_000)
    return dialog


def test_a_likely_pair_is_merged_in_the_window_and_undone(
    main_window: Any, qtbot: Any, now: dt.datetime, monkeypatch: Any, tmp_path: Path
) -> None:
    monkeypatch.setattr(
        "netdesk.ui.dialogs.find_duplicates.phone_region", lambda: "GB"
    )
    first, second, colleague = _people(now)
    window = main_window()
    before = _everything(now)
    dialog = _dialog(window, qtbot)

    pairs = {p.key: p for p in dialog.model.pairs}
    assert set(pairs) == {(first, second), (first, colleague), (second, colleague)}
    # The sure pair first; the switchboard pairs are offered as questions, never as sure.
    assert dialog.model.pairs[0].key == (first, second) and dialog.model.pairs[0].sure
    assert not pairs[(first, colleague)].sure and not pairs[(second, colleague)].sure
    assert "different names" in pairs[(first, colleague)].describe()
    assert "3 likely duplicates among 3 contacts" in dialog.status.text()

    dialog.view.selectRow(0)
    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    merge = dialog.findChild(MergeDialog, "mergeContacts")
    assert merge is not None and merge.isVisible()
    shot = os.environ.get("NETDESK_SHOTS")
    if shot:
        dialog.grab().save(str(Path(shot) / "find-duplicates.png"))
        merge.grab().save(str(Path(shot) / "merge.png"))
    # The first contact (the longer timeline) stays; the user picks the newer title.
    assert merge.sides.first.contact_id == first
    title_second = merge.findChild(QRadioButton, "take_title_second")
    assert title_second.text() == "Engineering manager"
    qtbot.mouseClick(title_second, Qt.MouseButton.LeftButton)
    assert merge.findChild(QRadioButton, "take_contact_email_both").isChecked()
    assert merge.findChild(QRadioButton, "take_nickname_second").isChecked()  # nothing lost
    qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)

    assert reader.contact_name(second) is None
    details = reader.contact_details(first)
    assert details.title == "Engineering manager" and details.nickname == "PR"
    assert details.tags == "mentor, alumni"
    assert details.emails == ["priya@initech.example", "priya.raman@home.example"]
    assert [e.summary for e in reader.timeline(first)][:1] == ["Talked about the Hooli role"]
    assert len(reader.timeline(first)) == 3
    # The pairs naming the merged contact are gone from the list; the other stays.
    assert [p.key for p in dialog.model.pairs] == [(first, colleague)]
    assert window.undo_stack.undoText() == "Merge Priya Raman and Priya Ramen"

    # A pair whose contact went since the scan (merged here) is dropped, not opened.
    dialog.model.set_scan([pairs[(second, colleague)]], dialog.model.people)
    dialog.view.selectRow(0)
    assert dialog.compare() is None and dialog.model.pairs == []
    assert "gone" in dialog.status.text()
    dialog.model.set_scan([pairs[(first, colleague)]], dialog.model.people)

    # The colleague is another person: said once, never offered again.
    dialog.view.selectRow(0)
    qtbot.mouseClick(dialog.two_people_button, Qt.MouseButton.LeftButton)
    assert dialog.model.pairs == []
    assert "No likely duplicates" in dialog.status.text()
    qtbot.mouseClick(dialog.rescan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    assert dialog.model.pairs == []

    # Edit > Undo, twice: the colleague's answer, then the merge; back byte for byte.
    dialog.close()
    window.actions["undo"].trigger()
    window.actions["undo"].trigger()
    assert _everything(now) == before
    assert reader.contact_details(second).display_name == "Priya Ramen"
    window.actions["redo"].trigger()
    assert reader.contact_name(second) is None


def test_the_merge_dialog_shows_only_what_differs(
    store: Any, qtbot: Any, now: dt.datetime
) -> None:
    first, second, _colleague = _people(now)
    dialog = MergeDialog(reader.merge_sides(first, second))
    qtbot.addWidget(dialog)
    names = {b.objectName() for b in dialog.findChildren(QRadioButton)}
    assert "take_display_name_first" in names and "take_title_second" in names
    assert "take_company_first" not in names  # both at Initech
    assert "take_contact_phone_both" in names  # both forms of the number, shown
    assert dialog.findChild(QLabel, "mergeSame").text() == "The same in both: Company."
    plan = dialog.plan()
    assert plan.takes["display_name"] is Take.FIRST
    assert plan.takes["nickname"] is Take.SECOND
    assert plan.takes["contact_email"] is Take.BOTH
    dialog.choose("display_name", Take.SECOND)
    assert dialog.plan().takes["display_name"] is Take.SECOND
    assert QApplication.instance() is not None


def test_an_import_that_brings_likely_duplicates_offers_them(
    main_window: Any, qtbot: Any, now: dt.datetime, data_dir: Path, tmp_path: Path
) -> None:
    from tests.ui.import_helpers import import_paths, open_desk, vcard, write_vcf

    known = writer.create_contact({"display_name": "Jonathan Whitaker"}, now).id
    path = write_vcf(
        tmp_path / "met.vcf",
        vcard("Jonathon Whitaker", "jw@new.example"),
        vcard("Ada Lovelace", "ada@example.org"),
    )
    with open_desk(main_window, data_dir) as desk:
        import_paths(qtbot, desk, [path])
        notice = desk.controller.notice
        qtbot.waitUntil(lambda: notice.action.text() == "Compare…", timeout=10_000)
        assert notice.text().startswith("Imported 2 contacts from met.vcf.")
        assert "1 of them may already be in your network" in notice.text()
        qtbot.mouseClick(notice.action, Qt.MouseButton.LeftButton)
        dialog = desk.window.findChild(FindDuplicatesDialog, "findDuplicates")
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.worker is None and bool(dialog.model.pairs), timeout=10_000)
        (pair,) = dialog.model.pairs
        twin = next(cid for cid in pair.key if cid != known)
        assert pair.key == (known, twin) and reader.contact_name(twin) == "Jonathon Whitaker"
        dialog.close()


def test_an_import_without_likely_duplicates_keeps_its_undo(
    main_window: Any, qtbot: Any, now: dt.datetime, data_dir: Path, tmp_path: Path
) -> None:
    from tests.ui.import_helpers import import_paths, open_desk, vcard, write_vcf

    writer.create_contact({"display_name": "Margaret Chen"}, now)
    path = write_vcf(tmp_path / "new.vcf", vcard("Ada Lovelace", "ada@example.org"))
    with open_desk(main_window, data_dir) as desk:
        import_paths(qtbot, desk, [path])
        qtbot.waitUntil(lambda: not desk.controller.busy, timeout=10_000)
        assert desk.controller.notice.action.text() == "Undo"


def test_an_archived_contact_in_a_pair_is_marked_as_archived(
    main_window: Any, qtbot: Any, now: dt.datetime, monkeypatch: Any
) -> None:
    monkeypatch.setattr("netdesk.ui.dialogs.find_duplicates.phone_region", lambda: "GB")
    first, second, _colleague = _people(now)
    with writer.change(now):
        writer.set_archived([second], True, now)
    dialog = _dialog(main_window(), qtbot)
    row = [p.key for p in dialog.model.pairs].index((first, second))
    shown = [
        dialog.model.index(row, column).data(Qt.ItemDataRole.DisplayRole) for column in (0, 1)
    ]
    assert shown == ["Priya Raman · Initech", "Priya Ramen · Initech (archived)"]
