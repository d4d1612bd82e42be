"""`netdesk import` of a LinkedIn data archive and of a mailbox (`--mail`), from a terminal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.cli.test_cli import netdesk
from tests.history_fixtures import mbox_message, write_archive, write_folder


def test_an_archive_imports_its_connections_and_history_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    archive = write_archive(tmp_path / "Basic_LinkedInDataExport_03-25-2026.zip", "2023")
    dry = netdesk("import", "--dry-run", str(archive), data_dir=data, check=True)
    assert dry.stdout.splitlines() == [
        "Connections.csv: 4 new, 0 updated, 0 unchanged, 0 likely duplicates",
        "messages.csv: 6 rows: 5 new timeline entries for 3 people, 1 about people not in "
        "your network, 1 left out (drafts or rows without a date)",
        "Invitations.csv: 2 rows: 2 new timeline entries for 2 people",
        "Recommendations_Received.csv: 1 row: 1 new timeline entry for 1 person",
        "Recommendations_Given.csv: 1 row: 1 new timeline entry for 1 person",
        "Endorsement_Received_Info.csv: 1 row: 1 new timeline entry for 1 person",
        "nothing was written (dry run).",
    ]
    done = netdesk("import", "--json", str(archive), data_dir=data, check=True)
    report = json.loads(done.stdout)
    assert report["owner"] == "Sam Rivera"
    assert report["connections"]["new"] == 4
    assert report["added"] == {"timeline_entries": 10, "people": 4}
    # The unpacked folder of a newer export: what is there already is not added again.
    folder = write_folder(tmp_path / "unpacked", "2020")
    again = netdesk("import", str(folder), data_dir=data, check=True)
    assert again.stdout.splitlines()[-1] == "nothing new to import."
    due = netdesk("due", "--at", "2026-11-26", data_dir=data, check=True)
    assert "You connected with Priya on LinkedIn on 1 March 2026" in due.stdout


def test_an_archive_goes_on_its_own(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "a.zip", "2023")
    other = tmp_path / "b.vcf"
    other.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n")
    done = netdesk("import", str(archive), str(other), data_dir=tmp_path / "d")
    assert done.returncode == 2
    assert "import a LinkedIn data archive on its own" in done.stderr


def test_a_mailbox_dates_the_emails_with_contacts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cards = tmp_path / "people.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n"
    )
    netdesk("import", str(cards), data_dir=data, check=True)
    at = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    mbox = tmp_path / "archive.mbox"
    mbox.write_bytes(
        mbox_message("me@example.com", "ada@example.org", at, "Coffee?", message_id="1@x")
        + mbox_message("ada@example.org", "me@example.com", at + dt.timedelta(hours=2),
                       "Re: Coffee?", message_id="2@x")
    )
    # Without the user's address only Ada's own message counts.
    dry = netdesk("import", "--mail", str(mbox), "--dry-run", data_dir=data, check=True)
    assert dry.stdout.splitlines() == [
        "2 messages in 1 folder; your addresses: none found (give them with --me)",
        "archive: 1 new timeline entry for 1 person, 1 to them from addresses not known as "
        "yours (see --me)",
        "nothing was written (dry run).",
    ]
    done = netdesk(
        "import", "--mail", str(mbox), "--me", "me@example.com", data_dir=data, check=True
    )
    assert done.stdout.splitlines()[-1] == (
        "import done: 2 emails added to the timelines of 1 person (0 were there already)."
    )
    again = netdesk(
        "import", "--mail", str(mbox), "--me", "me@example.com", data_dir=data, check=True
    )
    assert "0 emails added" in again.stdout and "(2 were there already)" in again.stdout


def test_what_is_not_a_mailbox_is_named(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    done = netdesk("import", "--mail", str(notes), data_dir=tmp_path / "d")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "netdesk import: notes.txt is not a mailbox (an mbox file starts with 'From ')"
    )
    alone = netdesk("import", "--me", "me@example.com", str(notes), data_dir=tmp_path / "d")
    assert (alone.returncode, alone.stderr.strip()) == (2, "netdesk import: --me goes with --mail")
