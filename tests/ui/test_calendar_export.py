"""File > Export follow-ups as calendar…: the choice is remembered (and undoable), the file
holds every open follow-up, and a failed save says where and writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from netdesk.core.calendar import CalendarDetail, CalendarForm
from netdesk.core.domain import FollowUpReason
from netdesk.store import reader, writer
from netdesk.ui.dialogs import calendar_export
from tests.ui.import_helpers import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def window(main_window, now):  # type: ignore[no-untyped-def]
    ada = writer.create_contact({"display_name": "Ada Lovelace"}, now, emails=["ada@example.com"])
    writer.create_follow_up(ada.id, FollowUpReason.THANK_YOU, now - dt.timedelta(days=2),
                            "Thank Ada for the introduction to Sam.", now)  # fmt: skip
    writer.create_follow_up(ada.id, FollowUpReason.REFERENCE_HEADS_UP, now + dt.timedelta(days=3),
                            "Tell Ada a reference check is coming.", now)  # fmt: skip
    built = main_window()
    calendar_export.install_calendar_export(built)
    return built


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path, *, events: bool, brief: bool) -> None:
    def run(dialog: calendar_export.CalendarExportDialog) -> int:
        form = CalendarForm.EVENT if events else CalendarForm.TODO
        dialog.form.setCurrentIndex(dialog.form.findData(form))
        dialog.detail.setCurrentIndex(
            dialog.detail.findData(CalendarDetail.NAME_ONLY if brief else CalendarDetail.FULL)
        )
        dialog.alarm.setTime(QTime(7, 45))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(calendar_export.CalendarExportDialog, "exec", run)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def test_the_menu_entry_saves_every_open_follow_up(window, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    action = window.actions["export_calendar"]
    assert action in window.menus["file"].actions()
    target = tmp_path / "mine"  # the extension is added
    _choose(monkeypatch, target, events=True, brief=False)
    action.trigger()
    saved = tmp_path / "mine.ics"
    calendar = icalendar.Calendar.from_ical(saved.read_bytes())
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert sorted(str(e["summary"]) for e in events) == [
        "Reference heads-up: Ada Lovelace",
        "Say thank you: Ada Lovelace",
    ]
    for event in events:
        (alarm,) = [c for c in event.walk() if c.name == "VALARM"]
        assert alarm.decoded("trigger") == dt.timedelta(hours=7, minutes=45)
    assert "Saved 2 follow-ups to mine.ics" in window.statusBar().currentMessage()
    # The choice is remembered, as one undoable change.
    options = reader.calendar_options()
    assert options.form is CalendarForm.EVENT and options.alarm_at == dt.time(7, 45)
    assert window.undo_stack.undoText() == "Change calendar settings"
    window.undo_stack.undo()
    assert reader.calendar_options().form is CalendarForm.TODO


def test_a_failed_save_says_so_and_writes_nothing(window, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "missing-folder" / "f.ics"
    _choose(monkeypatch, target, events=False, brief=True)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    window.actions["export_calendar"].trigger()
    assert warned and str(target) in warned[0] and "Nothing was written" in warned[0]
    assert not target.parent.exists()
