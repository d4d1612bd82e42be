"""Every user action through the action layer: done, undone to the byte, redone."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import peewee as pw
import pytest

from netdesk.core.demo import generate_network
from netdesk.core.domain import (
    CompanyStatus,
    FollowUpReason,
    FollowUpState,
    InteractionKind,
    SearchState,
    Tie,
)
from netdesk.core.duplicates import MergePlan, Take
from netdesk.core.playbook import PlaybookSettings
from netdesk.services.actions import Actions, record
from netdesk.services.clock import FixedClock
from netdesk.services.signals import Hub
from netdesk.store import export, importer, reader, undo, writer
from netdesk.store.demo import load_network
from netdesk.store.models import Company, Contact, FollowUp, Interaction, db
from netdesk.store.sql import run_sql

NOW = dt.datetime(2026, 11, 20, 10, 0)


def _tables() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as stored (the search index is checked by searching)."""
    names = [
        r[0]
        for r in run_sql(
            db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        if not r[0].startswith(("sqlite_", "contact_fts"))
    ]
    return {n: run_sql(db, f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}


def _searches() -> dict[str, list[int]]:
    words = {
        name.split()[0]
        for (name,) in run_sql(db, "SELECT display_name FROM contact").fetchall()
        if name.split()
    }
    return {w: sorted(reader.search_contact_ids(w)) for w in sorted(words)[:40]}


def state() -> tuple[str, dict[str, list[tuple[Any, ...]]], dict[str, list[int]]]:
    out = io.StringIO()
    export.write_json(out, NOW)
    return out.getvalue(), _tables(), _searches()


@pytest.fixture
def actions(store: pw.SqliteDatabase, qapp: object) -> Iterator[Actions]:
    load_network(generate_network(60, seed=7, now=NOW), NOW)
    writer.set_job_search(SearchState.SEARCHING, NOW, started_on=dt.date(2026, 6, 1))
    yield Actions(Hub(), FixedClock(NOW))


def _someone(**where: Any) -> int:
    query = Contact.select(Contact.id).where(Contact.archived == False)  # noqa: E712
    for key, value in where.items():
        query = query.where(getattr(Contact, key) == value)
    return int(query.order_by(Contact.id).first().id)


def _helped_contact() -> int:
    """A contact with interactions, follow-ups, a wrap-up row and a reference request."""
    cid = _someone()
    writer.log_interaction(cid, InteractionKind.INTRODUCTION, NOW, NOW, helped="an introduction")
    writer.mark_thanked(cid, "email", NOW)
    writer.ask_reference(cid, "Initech", NOW, NOW, check_at=NOW + dt.timedelta(days=5))
    return cid


def _open_follow_up() -> int:
    row = (
        FollowUp.select(FollowUp.id)
        .where(FollowUp.state == FollowUpState.DUE.value)
        .order_by(FollowUp.id)
        .first()
    )
    return int(row.id)


def _rule_follow_up() -> int:
    row = (
        FollowUp.select(FollowUp.id)
        .where(
            (FollowUp.state == FollowUpState.DUE.value)
            & (FollowUp.reason == FollowUpReason.CADENCE.value)
        )
        .order_by(FollowUp.id)
        .first()
    )
    return int(row.id)


def _cards(tmp: Path) -> Path:
    """A file with one card matching a stored contact and two new people."""
    known = Contact.get_by_id(_someone())
    email = reader.contact_emails(known.id)
    path = tmp / "cards.vcf"
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{known.display_name}"]
    if email:
        lines.append(f"EMAIL:{email[0]}")
    lines += ["TITLE:Principal engineer", "NOTE:met again at the meetup", "END:VCARD"]
    for name, mail in (("Ana Lima", "ana@example.org"), ("Ben Okafor", "ben@example.org")):
        lines += ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", f"EMAIL:{mail}", "END:VCARD"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _import(actions: Actions, tmp: Path) -> None:
    plan = importer.plan_files([_cards(tmp)])

    def write(now: dt.datetime) -> importer.ImportResult:
        with writer.change(now) as changes:
            result = importer.apply_plan(plan, ["cards.vcf"], now)
            changes.import_batches.add(result.batch_id)
        return result

    _result, step, changes = record(NOW, write)
    actions.recorded("Import cards.vcf", step, changes)


def _undo_import(actions: Actions, tmp: Path) -> None:
    plan = importer.plan_files([_cards(tmp)])
    batch = importer.apply_plan(plan, ["cards.vcf"], NOW).batch_id

    def write(now: dt.datetime) -> tuple[int, int]:
        with writer.change(now) as changes:
            changes.imports_undone.add(batch)
            return importer.undo_import(batch, now)

    _counts, step, changes = record(NOW, write)
    actions.recorded("Undo the import of cards.vcf", step, changes)


def _status_updates(actions: Actions) -> None:
    people = [r.contact_id for r in reader.status_update_candidates(NOW)][:12]
    actions.mark_status_updates_sent([(cid, "Quick update: still searching.") for cid in people])


def _company() -> int:
    """A company whose status is not yet 'interviewing'."""
    row = (
        Company.select(Company.id)
        .where(Company.status != CompanyStatus.INTERVIEWING.value)
        .order_by(Company.id)
        .first()
    )
    return int(row.id)


def _merge(actions: Actions) -> None:
    """Two contacts made one: the first with a full timeline, the second with its own."""
    first = _helped_contact()
    second = int(
        Contact.select(Contact.id)
        .where((Contact.id != first) & (Contact.touch_count > 0))
        .order_by(Contact.id)
        .first()
        .id
    )
    actions.merge_contacts(MergePlan(first, second, {"display_name": Take.SECOND}))


# Each user action, as the panes, dialogs, tray and notifier ask for it.
ACTIONS: dict[str, Callable[[Actions, Path], object]] = {
    "add contact": lambda a, t: a.create_contact(
        {"display_name": "Noor Haddad", "tie": Tie.ADVOCATE.value},
        emails=["noor@example.org"],
        phones=["+44 20 7946 0958"],
        company="Globex",
    ),
    "edit contact": lambda a, t: a.edit_contact(
        _someone(),
        {"display_name": "Renamed Person", "notes": "new notes", "cadence_days": 14},
        emails=["renamed@example.org"],
        phones=[],
        company="Hooli",
    ),
    "delete contacts": lambda a, t: a.delete_contacts([_helped_contact(), _someone()]),
    "set tie": lambda a, t: a.set_tie([_someone(tie=Tie.UNSORTED.value)], Tie.ADVOCATE),
    "add tag": lambda a, t: a.add_tag([_someone(), _someone(tie=Tie.ADVOCATE.value)], "mentor"),
    "archive": lambda a, t: a.set_archived([_someone()], True),
    "log interaction": lambda a, t: a.log_interaction(
        _someone(), InteractionKind.COFFEE, NOW - dt.timedelta(days=2), summary="Coffee"
    ),
    "edit interaction": lambda a, t: a.edit_interaction(
        int(Interaction.select(Interaction.id).order_by(Interaction.id).first().id),
        summary="Edited",
        kind=InteractionKind.CALL,
    ),
    "delete interaction": lambda a, t: a.delete_interaction(
        int(Interaction.select(Interaction.id).order_by(Interaction.id.desc()).first().id)
    ),
    "done": lambda a, t: a.complete_follow_up(
        _rule_follow_up(), kind=InteractionKind.EMAIL, summary="Wrote back"
    ),
    "snooze": lambda a, t: a.snooze_follow_up(_open_follow_up(), NOW + dt.timedelta(days=7)),
    "snooze all": lambda a, t: a.snooze_all_due(NOW + dt.timedelta(days=1)),
    "dismiss": lambda a, t: a.dismiss_follow_up(_rule_follow_up()),
    "job search": lambda a, t: a.set_job_search(SearchState.PAUSED),
    "playbook settings": lambda a, t: a.set_playbook_settings(
        PlaybookSettings(advocate_cadence_days=21)
    ),
    "company status": lambda a, t: a.set_company_status(_company(), CompanyStatus.INTERVIEWING),
    "template": lambda a, t: a.set_template("status_update", "Hi {first_name}, an update."),
    "reset template": lambda a, t: (
        writer.set_template("status_update", "Custom {first_name}"),
        a.reset_template("status_update"),
    ),
    "my name": lambda a, t: a.set_my_name("Alex Kim"),
    "status updates": lambda a, t: _status_updates(a),
    "wrap-up": lambda a, t: a.start_wrap_up("Initech", joining=True, declined=["Globex"]),
    "mark thanked": lambda a, t: a.mark_thanked(_someone(), "note"),
    "record gift": lambda a, t: a.record_gift(_someone(), "flowers"),
    "above and beyond": lambda a, t: a.set_above_and_beyond(_someone(), True),
    "mark reference": lambda a, t: a.mark_reference(_someone(), dt.date(2026, 11, 1)),
    "ask reference": lambda a, t: a.ask_reference(
        _someone(), "Umbrella", NOW, check_at=NOW + dt.timedelta(days=4)
    ),
    "merge contacts": lambda a, t: _merge(a),
    "not a duplicate": lambda a, t: a.mark_not_duplicate(
        _someone(tie=Tie.ADVOCATE.value), _someone()
    ),
    "import": _import,
    "undo import": _undo_import,
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_undoes_to_the_byte_and_redoes(
    actions: Actions, tmp_path: Path, name: str
) -> None:
    before_setup = actions.undo_stack.count()
    ACTIONS[name](actions, tmp_path)
    # What a test sets up with the writer directly is not on the stack; the action is.
    assert actions.undo_stack.count() == before_setup + 1
    after = state()
    actions.undo_stack.undo()
    undone = state()
    actions.undo_stack.redo()
    assert state() == after
    actions.undo_stack.undo()
    assert state() == undone
    assert undone != after, f"{name} changed nothing"
    assert actions.undo_stack.undoText() == ""


def test_undo_of_a_delete_brings_back_everything_that_hung_on_the_contact(
    actions: Actions,
) -> None:
    cid = _helped_contact()  # interactions, follow-ups, a wrap-up row, a reference request
    other = _someone(tie=Tie.ADVOCATE.value)
    before = state()
    actions.delete_contacts([cid, other])
    after = state()
    assert before != after
    actions.undo_stack.undo()
    assert state() == before
    actions.undo_stack.redo()
    assert state() == after


@pytest.mark.parametrize("name", ["wrap-up", "import", "status updates"])
def test_undo_brings_back_exactly_the_store_before(
    actions: Actions, tmp_path: Path, name: str
) -> None:
    before = state()
    ACTIONS[name](actions, tmp_path)
    after = state()
    assert before != after
    actions.undo_stack.undo()
    assert state() == before
    actions.undo_stack.redo()
    assert state() == after


def test_the_menu_names_the_action(actions: Actions) -> None:
    _status_updates(actions)
    assert actions.undo_stack.undoText() == "Mark 12 status updates sent"
    actions.delete_contacts([_someone(), _someone(tie=Tie.ADVOCATE.value)])
    assert actions.undo_stack.undoText() == "Delete 2 contacts"
    actions.set_tie([_someone(), _someone(tie=Tie.UNSORTED.value)], Tie.WORK_ACQUAINTANCE)
    assert actions.undo_stack.undoText() == "Mark 2 contacts as work acquaintances"
    actions.set_tie([_someone()], Tie.ADVOCATE)
    assert actions.undo_stack.undoText() == "Mark 1 contact as advocate"
    actions.add_tag([_someone()], " mentor ")
    assert actions.undo_stack.undoText() == "Tag 1 contact “mentor”"


def test_each_action_is_announced_once_with_what_changed(actions: Actions, qtbot: Any) -> None:
    cid = _someone()
    seen: list[writer.Changes] = []
    timelines: list[int] = []
    actions.hub.changed.connect(seen.append)
    actions.hub.timelineChanged.connect(timelines.append)
    actions.log_interaction(cid, InteractionKind.CALL, NOW, summary="Call")
    assert len(seen) == 1 and cid in seen[0].timelines and timelines == [cid]
    actions.undo_stack.undo()
    assert len(seen) == 2 and timelines == [cid, cid]


def test_a_failed_action_leaves_the_store_and_the_history_as_they_were(
    actions: Actions,
) -> None:
    before = state()

    def broken(now: dt.datetime) -> None:
        writer.log_interaction(_someone(), InteractionKind.CALL, now, now)
        raise pw.IntegrityError("disk full")

    with pytest.raises(pw.IntegrityError):
        actions.perform("Broken", broken)
    assert state() == before
    assert actions.undo_stack.count() == 0


def test_a_write_by_another_program_clears_the_history(
    actions: Actions, data_dir: Path, qtbot: Any
) -> None:
    import sqlite3

    actions.set_tie([_someone()], Tie.WORK_ACQUAINTANCE)
    assert actions.undo_stack.canUndo()
    other = sqlite3.connect(data_dir / "netdesk.sqlite3")
    with other:
        other.execute("UPDATE contact SET notes = 'from a terminal' WHERE id = ?", [_someone()])
    other.close()
    with qtbot.waitSignal(actions.historyLost):
        actions.set_tie([_someone()], Tie.ADVOCATE)
    assert actions.undo_stack.count() == 1  # only the action made after the other write


def test_undo_after_a_write_by_another_program_replays_nothing(
    actions: Actions, data_dir: Path, qtbot: Any
) -> None:
    import sqlite3

    actions.set_tie([_someone()], Tie.WORK_ACQUAINTANCE)
    other = sqlite3.connect(data_dir / "netdesk.sqlite3")
    with other:
        other.execute("UPDATE contact SET notes = 'from a terminal' WHERE id = ?", [_someone()])
    other.close()
    before = state()
    with qtbot.waitSignal(actions.historyLost):
        actions.undo_stack.undo()
    assert state() == before
    assert actions.undo_stack.count() == 0


def test_recording_is_off_outside_actions(actions: Actions) -> None:
    """Writes that are not user actions (announcements) leave nothing to undo."""
    actions.record_announced([_open_follow_up()])
    with undo.recording() as recorded:
        pass
    assert len(recorded.step) == 0
    assert actions.undo_stack.count() == 0
