"""Rule 2 for the network people really have: most of it arrives by import, each contact with
LinkedIn's connection date on its timeline. A meeting logged afterwards is due a follow-up
within the window (PLAYBOOK.md: 7 days by default), whatever came before it."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import peewee as pw
import pytest

from netdesk.core.domain import FollowUpReason, FollowUpState, InteractionKind
from netdesk.core.playbook import PlaybookSettings
from netdesk.services import actions as actions_mod
from netdesk.services.actions import Actions
from netdesk.services.clock import FixedClock
from netdesk.services.signals import Hub
from netdesk.store import importer, reader
from netdesk.store.models import Contact, FollowUp
from tests.conftest import CORPUS

# PLAYBOOK.md, rule 2: "with no follow-up after it within a few days (default 7)".
WINDOW = dt.timedelta(days=PlaybookSettings().follow_up_after_meeting_days)
assert dt.timedelta(days=7) == WINDOW
DAY = dt.timedelta(days=1)


def _linkedin(day: dt.date) -> str:
    return day.strftime("%d %b %Y")


def _connections_csv(folder: Path, now: dt.datetime) -> Path:
    """A Connections.csv as LinkedIn exports it: a notes preamble, then the table."""
    path = folder / "Connections.csv"
    rows = [
        ("Ada", "Quint", "https://www.linkedin.com/in/ada-quint", "", "Acme", "CTO", 700),
        ("Ben", "Roux", "https://www.linkedin.com/in/ben-roux", "", "Initech", "PM", 11),
        ("Cleo", "Sato", "https://www.linkedin.com/in/cleo-sato", "", "Hooli", "Recruiter", 3),
    ]
    with path.open("w", newline="", encoding="utf-8") as out:
        out.write('Notes:\n"When exporting your connection data, some fields are empty."\n\n')
        table = csv.writer(out)
        table.writerow(
            ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
             "Connected On"]
        )
        for first, last, url, email, company, position, days_ago in rows:
            connected = _linkedin((now - days_ago * DAY).date())
            table.writerow([first, last, url, email, company, position, connected])
    return path


class Rig:
    def __init__(self, now: dt.datetime, backups: Path) -> None:
        self.clock = FixedClock(now)
        self.hub = Hub()
        self.actions = Actions(self.hub, self.clock)
        self.backups = backups

    def import_file(self, path: Path) -> list[int]:
        """Import as the window does: plan, write in one recorded step, hand it over."""
        plan = importer.plan_files([path])
        result, step, changes = actions_mod.record_import(
            plan, [str(path)], None, self.clock.now(), backup_dir=self.backups
        )
        self.actions.recorded(f"Import {path.name}", step, changes)
        added = Contact.select(Contact.id).where(Contact.import_batch == result.batch_id)
        return sorted(int(c.id) for c in added)

    def contact_named(self, name: str) -> int:
        return int(Contact.get(Contact.display_name == name).id)

    def rule2(self, contact_id: int, now: dt.datetime) -> list[reader.DueFollowUp]:
        return [
            f
            for f in reader.follow_ups(now, contact_id=contact_id, horizon=30 * DAY)
            if f.reason is FollowUpReason.MET_NO_FOLLOW_UP
        ]


@pytest.fixture
def rig(qapp: object, store: pw.SqliteDatabase, now: dt.datetime, tmp_path: Path) -> Rig:
    return Rig(now, tmp_path / "backups")


def test_an_event_logged_for_an_imported_contact_is_due_a_follow_up(
    rig: Rig, now: dt.datetime, tmp_path: Path
) -> None:
    rig.import_file(_connections_csv(tmp_path, now))
    ada, ben, cleo = (rig.contact_named(n) for n in ("Ada Quint", "Ben Roux", "Cleo Sato"))
    # Their connection dates are on the timeline, and none of them is a meeting.
    for contact in (ada, ben, cleo):
        assert [e.kind for e in reader.timeline(contact)] == [InteractionKind.CONNECTED]
        assert rig.rule2(contact, now) == []

    met = now - 12 * DAY
    rig.actions.log_interaction(
        ada, InteractionKind.NETWORKING_EVENT, met, summary="the PyData meetup"
    )
    [due] = rig.rule2(ada, now)
    assert due.due_at == met + WINDOW and due.is_due(now)
    assert due in list(reader.follow_ups(now))
    assert "Dana" not in due.sentence and due.sentence.endswith(".")

    # Connected on LinkedIn the day after the event: the click is not a follow-up.
    rig.actions.log_interaction(ben, InteractionKind.COFFEE, met)
    [due_ben] = rig.rule2(ben, now)
    assert due_ben.due_at == met + WINDOW

    # A call logged today is due in the window, not yet.
    rig.actions.log_interaction(cleo, InteractionKind.CALL, now)
    [due_cleo] = rig.rule2(cleo, now + WINDOW)
    assert due_cleo.due_at == now + WINDOW and not due_cleo.is_due(now)

    # Writing to Ada answers it: the follow-up is done, the next round is the cadence.
    rig.actions.log_interaction(ada, InteractionKind.EMAIL, now, summary="Good to meet you")
    assert rig.rule2(ada, now) == []
    states = [
        f.state
        for f in FollowUp.select().where(
            FollowUp.contact == ada, FollowUp.reason == FollowUpReason.MET_NO_FOLLOW_UP.value
        )
    ]
    assert states == [FollowUpState.DONE.value]

    # One Undo takes the email back, and the follow-up with it.
    rig.actions.undo_stack.undo()
    assert [f.due_at for f in rig.rule2(ada, now)] == [met + WINDOW]


def _linkedin_corpus_files() -> list[Path]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8") as rows:
        table = csv.DictReader(rows, delimiter="\t")
        return [
            CORPUS / row["local_file"]
            for row in table
            if "linkedin" in (row.get("what_it_exercises") or "").lower()
            and row["local_file"].lower().endswith(".csv")
        ]


def test_linkedin_files_of_the_corpus(rig: Rig, now: dt.datetime) -> None:
    files = [p for p in _linkedin_corpus_files() if p.is_file()]
    if not files:
        pytest.skip(f"no LinkedIn CSV listed in {CORPUS / 'MANIFEST.tsv'}")
    for path in files:
        added = rig.import_file(path)
        assert added, f"{path.name}: nothing imported"
        connected = [c for c in added if reader.timeline(c)]
        assert connected, f"{path.name}: no connection date on any timeline"
        for contact in connected:
            assert rig.rule2(contact, now) == [], f"{path.name}: a connection is not a meeting"
        # Logging a networking event 12 days ago for each one makes each due.
        met = now - 12 * DAY
        for contact in connected:
            rig.actions.log_interaction(contact, InteractionKind.NETWORKING_EVENT, met)
            [due] = rig.rule2(contact, now)
            assert due.due_at == met + WINDOW and due.is_due(now), path.name
