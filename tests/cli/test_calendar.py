"""`netdesk calendar`: every open follow-up in an .ics file two parsers read, and no note."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import icalendar
import pytest

from netdesk import paths
from netdesk.core.domain import FollowUpReason
from netdesk.store import db, writer
from netdesk.store.models import Contact
from tests.cli.test_cli import netdesk


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    netdesk("demo", "--contacts", "60", data_dir=data, check=True)
    return data


def _open_ids(data: Path) -> set[int]:
    due = netdesk("due", "--json", "--upcoming", "3660", data_dir=data, check=True)
    listed = json.loads(due.stdout)
    return {f["id"] for f in listed["follow_ups"]}


def test_every_open_follow_up_is_a_todo_with_an_alarm(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "follow-ups.ics"
    done = netdesk("calendar", "--ics", str(out), data_dir=demo, check=True)
    assert str(out) in done.stderr
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    todos = [c for c in calendar.walk() if c.name == "VTODO"]
    ids = {int(str(t["uid"]).split("-")[2]) for t in todos}
    assert ids == _open_ids(demo) and len(todos) == len(ids) > 0
    for todo in todos:
        assert [c for c in todo.walk() if c.name == "VALARM"], todo["summary"]
        assert str(todo["summary"]).strip() and str(todo["description"]).strip()
    vobject = pytest.importorskip("vobject")
    assert len(vobject.readOne(out.read_text(encoding="utf-8")).vtodo_list) == len(todos)


def test_a_second_export_keeps_every_uid(demo: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    netdesk("calendar", "--ics", str(first), data_dir=demo, check=True)
    netdesk("calendar", "--ics", str(second), "--events", data_dir=demo, check=True)

    def uids(path: Path, kind: str) -> set[str]:
        parsed = icalendar.Calendar.from_ical(path.read_bytes())
        return {str(c["uid"]) for c in parsed.walk() if c.name == kind}

    assert uids(first, "VTODO") == uids(second, "VEVENT")


def test_days_limits_and_notes_never_leave(demo: Path, tmp_path: Path) -> None:
    database = db.open_store(paths.resolve(demo).database)
    try:
        with writer.change(db.local_now()):
            Contact.update(notes="Told me about the secret merger").execute()
    finally:
        db.close_store(database)
    out = tmp_path / "week.ics"
    netdesk("calendar", "--ics", str(out), "--days", "7", "--brief", data_dir=demo, check=True)
    text = out.read_text(encoding="utf-8")
    assert "secret merger" not in text
    full = tmp_path / "full.ics"
    netdesk("calendar", "--ics", str(full), data_dir=demo, check=True)
    assert "secret merger" not in full.read_text(encoding="utf-8")
    week = icalendar.Calendar.from_ical(out.read_bytes())
    horizon = (db.local_now() + dt.timedelta(days=7)).date()
    assert all(t.decoded("due").date() <= horizon for t in week.walk() if t.name == "VTODO")
    assert all(str(t["summary"]).startswith("Follow up with ") for t in week.walk("VTODO"))


def test_bad_options_and_missing_store(tmp_path: Path) -> None:
    missing = netdesk("calendar", "--ics", str(tmp_path / "x.ics"), data_dir=tmp_path / "none")
    assert missing.returncode == 1 and "no store" in missing.stderr
    alarm = netdesk("calendar", "--ics", "-", "--alarm", "noon", data_dir=tmp_path)
    assert alarm.returncode == 1 and "noon" in alarm.stderr


def test_one_follow_up_is_said_in_the_singular(tmp_path: Path) -> None:
    data = tmp_path / "data"
    netdesk("demo", "--contacts", "1", "--interactions", "0", data_dir=data, check=True)
    database = db.open_store(paths.resolve(data).database)
    try:
        now = db.local_now()
        with writer.change(now):
            writer.create_follow_up(1, FollowUpReason.THANK_YOU, now, "Thank them", now)
    finally:
        db.close_store(database)
    out = tmp_path / "one.ics"
    done = netdesk("calendar", "--ics", str(out), "--days", "0", data_dir=data, check=True)
    assert len(icalendar.Calendar.from_ical(out.read_bytes()).walk("VTODO")) == 1
    assert "1 follow-up written to" in done.stderr
