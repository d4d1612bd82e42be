"""File > Export…: the selection or everyone, as vCard or CSV, back in an empty store unchanged."""

from __future__ import annotations

import csv
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog

from netdesk.core.records import ContactRecord
from netdesk.store import db, importer, writer
from netdesk.store.models import db as proxy
from netdesk.ui.dialogs.export_dialog import ExportDialog
from tests.conftest import NOW
from tests.ui.import_helpers import OFFSCREEN_NOISE, Desk, open_desk

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def desk(main_window, data_dir: Path, now) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    writer.create_contact(
        {
            "display_name": "Ada Lovelace",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "title": "Analyst",
            "notes": "Met at the engine demo, line one\nline two",
            "linkedin_url": "https://www.linkedin.com/in/ada",
            "birthday": "--12-10",
            "tags": "math, engines",
        },
        now,
        emails=["ada@example.com", "ada@home.example"],
        phones=["+44 20 7946 0001"],
        company="Analytical Engines",
    )
    writer.create_contact(
        {"display_name": "Grace Hopper", "given_name": "Grace", "family_name": "Hopper"},
        now,
        emails=["grace@example.com"],
        company="Navy",
    )
    writer.create_contact(
        {"display_name": '=HYPERLINK("http://evil.example")', "notes": "+1 then -2 and @me"},
        now,
        emails=["formula@example.com"],
    )
    with open_desk(main_window, data_dir) as opened:
        yield opened


def _comparable(record: ContactRecord) -> tuple[object, ...]:
    return (
        record.display_name,
        record.given_name,
        record.family_name,
        tuple(record.emails),
        tuple(record.phones),
        record.organization,
        record.title,
        record.notes,
        record.linkedin_url,
        record.birthday,
        tuple(sorted(record.tags)),
    )


def _store_contents() -> set[tuple[object, ...]]:
    return {_comparable(r) for r in importer.all_records().values()}


def _export(qtbot, desk: Desk, path: Path, fmt: str, ids: list[int] | None) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(desk.controller.message, timeout=10_000) as said:
        desk.controller.export_to(path, fmt, ids)
    assert said.args[0].startswith("Exported ")
    qtbot.waitUntil(lambda: desk.controller.worker is None)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.")]


def _reimport(path: Path, folder: Path) -> set[tuple[object, ...]]:
    """What an empty store holds after importing the file (the window's store is kept)."""
    original = proxy.obj
    fresh = db.open_store(folder / db.DATABASE_NAME)
    try:
        plan = importer.plan_files([path])
        assert plan.errors == 0, plan.to_json()
        importer.apply_plan(plan, [path.name], NOW)
        return _store_contents()
    finally:
        db.close_store(fresh)
        proxy.initialize(original)


def _select(desk: Desk, names: set[str]) -> list[int]:
    view = desk.contact_list
    model = view.model()
    selection = view.selectionModel()
    for row in range(model.rowCount()):
        if model.index(row, 0).data() in names:
            selection.select(
                model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )
    ids = desk.window.selected_contact_ids()
    assert len(ids) == len(names)
    return ids


@pytest.mark.parametrize("fmt", ["vcard4", "vcard3", "csv"])
def test_everything_exported_comes_back_the_same(
    qtbot, desk: Desk, tmp_path: Path, fmt: str
) -> None:
    before = _store_contents()
    assert len(before) == 3
    path = tmp_path / f"everyone.{'csv' if fmt == 'csv' else 'vcf'}"
    _export(qtbot, desk, path, fmt, None)
    assert _reimport(path, tmp_path / "empty") == before


@pytest.mark.parametrize("fmt", ["vcard4", "csv"])
def test_the_selection_exported_comes_back_the_same(
    qtbot, desk: Desk, tmp_path: Path, fmt: str
) -> None:
    ids = _select(desk, {"Ada Lovelace", "Grace Hopper"})
    wanted = {_comparable(r) for r in importer.all_records(ids).values()}
    path = tmp_path / f"selected.{'csv' if fmt == 'csv' else 'vcf'}"
    _export(qtbot, desk, path, fmt, ids)
    assert "Exported 2 contacts to" in desk.controller.notice.text()
    assert _reimport(path, tmp_path / "empty") == wanted


def test_csv_cells_cannot_become_formulas(qtbot, desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "everyone.csv"
    _export(qtbot, desk, path, "csv", None)
    with open(path, encoding="utf-8", newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert "'+1 then -2 and @me" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


def test_json_holds_everything(qtbot, desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "all.json"
    _export(qtbot, desk, path, "json", None)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "netdesk-export"
    assert sorted(c["display_name"] for c in data["contacts"])[1:] == [
        "Ada Lovelace",
        "Grace Hopper",
    ]


def test_the_export_menu_asks_what_and_where(
    qtbot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _select(desk, {"Grace Hopper"})
    target = tmp_path / "grace.csv"
    asked: list[str] = []

    def save_as(parent, caption, suggested, filters):  # type: ignore[no-untyped-def]
        asked.append(filters)
        return str(target), filters

    monkeypatch.setattr("netdesk.ui.import_flow.QFileDialog.getSaveFileName", save_as)
    desk.window.actions["export"].trigger()
    dialog = desk.window.findChild(ExportDialog, "exportDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.selection.isChecked() and dialog.selection.text() == "The 1 selected contact"
    assert dialog.everything.text() == "Everyone (3 contacts)"
    dialog.set_format("json")  # JSON is always everyone
    assert dialog.everything.isChecked() and not dialog.selection.isEnabled()
    dialog.set_format("csv")
    dialog.selection.setChecked(True)
    with qtbot.waitSignal(desk.controller.message, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert asked == ["CSV (spreadsheets) (*.csv)"]
    with open(target, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["Display Name"] for r in rows] == ["Grace Hopper"]


def test_export_dialog_without_a_selection_offers_everyone(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = ExportDialog(0, 12)
    qtbot.addWidget(dialog)
    assert not dialog.selection.isEnabled() and dialog.everything.isChecked()
    choice = dialog.choice()
    assert (choice.format, choice.selection_only) == ("vcard4", False)
    assert dialog.result() == QDialog.DialogCode.Rejected.value
