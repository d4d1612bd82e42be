"""An imported history in the store: matched to the right people, added once, and read by
the playbook's rules (last touch, met and not followed up, help received, long quiet)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import peewee as pw

from netdesk.core import linkedin_archive as la
from netdesk.core.domain import FollowUpReason, FollowUpRule, InteractionKind, SearchState, Tie
from netdesk.core.matching import plan_import
from netdesk.store import importer, reader, writer
from netdesk.store.models import Contact, FollowUp, ImportBatch, Interaction
from tests.history_fixtures import _csv, archive_files, messages_2023, write_archive

# A week after the archive's last entry: help received is within rule 4's window.
NOW = dt.datetime(2026, 3, 25, 9, 0)


def _import(path: Path, now: dt.datetime = NOW) -> writer.HistoryAdded:
    """As the window applies an accepted preview: connections, then history, one batch."""
    with la.open_archive(path) as archive:
        history = la.read_history(archive)
        with archive.connections_file() as connections:
            assert connections is not None
            plan = plan_import(importer.read_files([connections]), importer.known_contacts())
        with writer.change(now):
            result = importer.apply_plan(plan, [archive.label], now)
            return writer.import_linkedin_history(
                history, [archive.label], now, batch_id=result.batch_id
            )


def _id(name: str) -> int:
    return int(Contact.get(Contact.display_name == name).id)


def _kinds(name: str) -> list[tuple[str, str, str]]:
    return [
        (e.kind.value, e.direction.value, e.summary)
        for e in reversed(reader.timeline(_id(name)))
    ]


def test_an_archive_fills_the_timelines_of_its_connections(
    store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    added = _import(write_archive(tmp_path / "a.zip", "2023"))
    assert (added.added, added.already, added.contacts) == (10, 0, 4)
    assert _kinds("Dana Lee") == [
        ("connected", "mutual", "Connected on LinkedIn"),
        ("message", "incoming", 'Hi Sam, thanks for "the talk" at PyCon,'),
        ("message", "outgoing", "Thanks Dana!"),
        ("endorsement", "incoming", "Endorsed Python on LinkedIn"),
    ]
    assert [k for k, _, _ in _kinds("Omar Haddad")] == [
        "connected",
        "message",
        "message",
        "reference_given",
    ]
    # Nobody is made up for the stranger who wrote: they are not in the network.
    assert Contact.select().count() == 4
    assert Interaction.select().where(Interaction.summary.contains("role for you")).count() == 0
    # Sources are kept, and the last touch is the last message (an endorsement is no touch).
    dana = Contact.get_by_id(_id("Dana Lee"))
    assert dana.last_touch_at == la.parse_moment("2026-03-12 17:40:00 UTC")
    assert {i.source for i in Interaction.select().where(Interaction.kind != "connected")} == {
        "linkedin"
    }


def test_a_newer_archive_adds_only_what_is_new(store: pw.SqliteDatabase, tmp_path: Path) -> None:
    _import(write_archive(tmp_path / "old.zip", "2020"))
    before = Interaction.select().count()
    newer = messages_2023() + _csv(
        [["c-1", "", "Dana Lee", "https://www.linkedin.com/in/dana-lee-42", "Sam Rivera",
          "https://www.linkedin.com/in/sam-rivera", "2026-03-22 10:00:00 UTC", "",
          "Coffee on Friday?", "INBOX", "", "No"]]
    )
    path = write_archive(tmp_path / "new.zip", "2023", {"messages.csv": newer})
    added = _import(path)
    # The 2020 archive's messages and invitations are there already; the newer archive's
    # recommendations, endorsement and one new message are added.
    assert added.already == 7
    assert added.added == 3 + 1
    assert Interaction.select().count() == before + 4
    assert ImportBatch.select().count() == 2
    again = _import(path)
    assert (again.added, again.already) == (0, 11)


def test_people_are_matched_by_profile_first_then_by_name(
    store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    # A namesake already in the network with another profile, and one without any.
    writer.create_contact(
        {"display_name": "Dana Lee", "linkedin_url": "https://www.linkedin.com/in/other-dana"},
        NOW,
    )
    writer.create_contact({"display_name": "Ann Cross"}, NOW)
    files = archive_files("2023")
    files["Endorsement_Received_Info.csv"] += _csv(
        [["2026/03/19 10:00:00 UTC", "SQL", "Ann", "Cross", "", "ACCEPTED"]]
    )
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    _import(path)
    danas = list(Contact.select().where(Contact.display_name == "Dana Lee").order_by(Contact.id))
    assert len(danas) == 2
    other, connection = danas
    # The profile address picks the connection, never the namesake with another profile.
    assert Interaction.select().where(Interaction.contact == other.id).count() == 0
    assert Interaction.select().where(Interaction.contact == connection.id).count() == 4
    # A name only one person has is enough when the file gives no profile.
    assert _kinds("Ann Cross") == [("endorsement", "incoming", "Endorsed SQL on LinkedIn")]


def test_the_rules_read_the_imported_history(store: pw.SqliteDatabase, tmp_path: Path) -> None:
    writer.set_job_search(SearchState.SEARCHING, NOW, started_on=dt.date(2025, 9, 1))
    _import(write_archive(tmp_path / "a.zip", "2023"))
    for name in ("Dana Lee", "Omar Haddad", "Zoë Martínez", "Priya Natarajan"):
        writer.set_tie([_id(name)], Tie.ADVOCATE, NOW)
    due = {
        d.contact_name: d
        for d in reader.follow_ups(NOW + dt.timedelta(days=40))
        if d.reason is not FollowUpReason.THANK_YOU
    }
    # Rule 2: Priya's invitation carried a note, and no message came after it.
    priya = due["Priya Natarajan"]
    assert priya.reason is FollowUpReason.MET_NO_FOLLOW_UP
    assert priya.sentence.startswith(
        "You connected with Priya on LinkedIn on 1 March 2026 (“Great meeting you at the "
        "design meetup"
    )
    # Rule 1 counts from the last message, and says where it came from.
    dana = due["Dana Lee"]
    assert dana.reason is FollowUpReason.CADENCE
    assert dana.due_at.date() == dt.date(2026, 4, 11)
    assert "Your last touch with Dana was a message on LinkedIn on 12 March 2026" in (
        dana.sentence
    )
    # Rule 4: Omar's recommendation is help received; a thank-you is asked, naming it.
    thanks = FollowUp.get(
        (FollowUp.contact == _id("Omar Haddad")) & (FollowUp.rule == FollowUpRule.GRATITUDE.value)
    )
    assert "the recommendation they wrote you on LinkedIn" in thanks.note
    dana_thanks = FollowUp.get(
        (FollowUp.contact == _id("Dana Lee")) & (FollowUp.rule == FollowUpRule.GRATITUDE.value)
    )
    assert "endorsed you for Python" in dana_thanks.note


def test_a_long_quiet_after_the_imported_history_asks_for_a_status_update(
    store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    writer.set_job_search(SearchState.SEARCHING, NOW, started_on=dt.date(2025, 9, 1))
    _import(write_archive(tmp_path / "a.zip", "2023"))
    # Unsorted: no cadence, so only the no-ask update (90 days after the last touch) is due.
    omar = Contact.get_by_id(_id("Omar Haddad"))
    assert omar.last_touch_at == la.parse_moment("2026-03-15 11:00:00")
    (rule,) = FollowUp.select().where(
        (FollowUp.contact == omar.id) & (FollowUp.reason == FollowUpReason.STATUS_UPDATE.value)
    )
    assert rule.due_at == omar.last_touch_at + dt.timedelta(days=90)


def test_undoing_the_import_takes_the_history_back(
    store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    writer.create_contact(
        {"display_name": "Dana Lee", "linkedin_url": "https://www.linkedin.com/in/dana-lee-42"},
        NOW - dt.timedelta(days=30),
    )
    added = _import(write_archive(tmp_path / "a.zip", "2023"))
    dana = _id("Dana Lee")
    assert Contact.get_by_id(dana).last_touch_at is not None
    importer.undo_import(added.batch_id, NOW)
    # Dana was there before: kept, with the history gone and her summary back in step.
    assert Contact.get_by_id(dana).last_touch_at is None
    assert Interaction.select().where(Interaction.contact == dana).count() == 0
    assert Contact.select().count() == 1


def test_the_preview_counts_what_each_file_adds(store: pw.SqliteDatabase, tmp_path: Path) -> None:
    path = write_archive(tmp_path / "a.zip", "2023")
    with la.open_archive(path) as archive:
        history = la.read_history(archive)
        with archive.connections_file() as connections:
            assert connections is not None
            plan = plan_import(importer.read_files([connections]), importer.known_contacts())
    newcomers = [e.record for e in plan.entries if e.action == "new" and e.record]
    files = {f.name: f for f in reader.plan_linkedin(history, newcomers)}
    messages = files["messages.csv"]
    assert (messages.rows, messages.new, messages.people, messages.outside, messages.left_out) == (
        6, 5, 3, 1, 1
    )
    _import(path)
    again = {f.name: f for f in reader.plan_linkedin(history)}
    assert (again["messages.csv"].new, again["messages.csv"].already) == (0, 5)
    assert sum(f.new for f in again.values()) == 0
    assert InteractionKind.INVITATION.label == "Invitation"
