"""Reading a LinkedIn data archive by header name, in the column sets of each archive year."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from netdesk.core import linkedin_archive as la
from netdesk.core.domain import Direction, InteractionKind
from tests.history_fixtures import (
    DANA,
    OMAR,
    PRIYA,
    STRANGER,
    ZOE,
    archive_files,
    write_archive,
    write_folder,
)


def _read(path: Path) -> la.ArchiveHistory:
    with la.open_archive(path) as archive:
        return la.read_history(archive)


def _name(person: tuple[str, ...]) -> str:
    return f"{person[0]} {person[1]}"


def _messages(history: la.ArchiveHistory) -> list[tuple[str, str, str, str]]:
    return [
        (e.who.name, e.direction.value, e.at.isoformat(sep=" "), e.summary)
        for e in history.entries
        if e.kind is InteractionKind.MESSAGE and e.file.lower() == "messages.csv"
    ]


def _utc(text: str) -> str:
    moment = la.parse_moment(text)
    assert moment is not None
    return moment.isoformat(sep=" ")


@pytest.mark.parametrize("layout", ["2023", "2020"])
def test_each_layout_reads_the_same_conversations(tmp_path: Path, layout: str) -> None:
    history = _read(write_archive(tmp_path / f"export-{layout}.zip", layout))
    # 2023 names the owner in Profile.csv; 2020 has none: the party in every conversation.
    assert history.owner is not None and history.owner.name == "Sam Rivera"
    assert history.problems == []
    first_line = 'Hi Sam, thanks for "the talk" at PyCon,'  # commas, quotes, then a new line
    assert _messages(history) == [
        (_name(DANA), "incoming", _utc("2026-03-10 09:15:00 UTC"), first_line),
        (_name(DANA), "outgoing", _utc("2026-03-12 17:40:00 UTC"), "Thanks Dana!"),
        # One message to two people: one entry for each.
        (_name(OMAR), "outgoing", _utc("2026-03-05 12:00:00 UTC"),
         "Omar, meet Zoë; Zoë, meet Omar."),
        (_name(ZOE), "outgoing", _utc("2026-03-05 12:00:00 UTC"),
         "Omar, meet Zoë; Zoë, meet Omar."),
        # Omar answering everyone is Omar's message, not Zoë's.
        (_name(OMAR), "incoming", _utc("2026-03-06 08:30:00 UTC"), "Great to meet you both"),
        # Someone who is not a connection is read; the store decides they are nobody's.
        (_name(STRANGER), "incoming", _utc("2026-02-01 10:00:00 UTC"),
         "Hello, I have a role for you"),
    ]
    messages = history.files["messages.csv"]
    assert (messages.rows, messages.entries) == ((6, 6) if layout == "2023" else (5, 6))
    assert messages.drafts == (1 if layout == "2023" else 0)  # the 2023 draft is left out
    # The same message has the same key in both layouts: a newer archive adds only what is new.
    keys = {e.source_key for e in history.entries if e.file == "messages.csv"}
    assert len(keys) == 5


def test_the_same_message_is_one_key_across_archive_years(tmp_path: Path) -> None:
    new = _read(write_archive(tmp_path / "new.zip", "2023"))
    old = _read(write_archive(tmp_path / "old.zip", "2020"))
    assert {(e.who.name, e.source_key) for e in old.entries} <= {
        (e.who.name, e.source_key) for e in new.entries
    }


def test_the_oldest_layout_says_the_direction_itself(tmp_path: Path) -> None:
    history = _read(write_archive(tmp_path / "2018.zip", "2018"))
    assert [(n, d) for n, d, _, _ in _messages(history)] == [
        (_name(DANA), "incoming"),
        (_name(DANA), "outgoing"),
        (_name(STRANGER), "incoming"),
    ]
    assert history.entries[0].at == dt.datetime(2026, 3, 10, 9, 15)


def test_profile_addresses_are_kept_where_the_layout_gives_them(tmp_path: Path) -> None:
    new = _read(write_archive(tmp_path / "new.zip", "2023"))
    old = _read(write_archive(tmp_path / "old.zip", "2020"))
    zoe_new = next(e for e in new.entries if e.who.name == _name(ZOE))
    zoe_old = next(e for e in old.entries if e.who.name == _name(ZOE))
    assert zoe_new.who.profile == "linkedin.com/in/zoe-m"
    assert zoe_old.who.profile == ""  # 2020 has no recipient addresses: matched by name


def test_invitations_recommendations_and_endorsements(tmp_path: Path) -> None:
    history = _read(write_archive(tmp_path / "a.zip", "2023"))
    by_file = {}
    for e in history.entries:
        by_file.setdefault(e.file, []).append(e)
    priya, zoe = by_file["Invitations.csv"]
    # A note makes the invitation the first words of the connection (rule 2 reads it).
    assert (priya.who.name, priya.kind, priya.direction) == (
        _name(PRIYA),
        InteractionKind.INVITATION,
        Direction.INCOMING,
    )
    assert priya.summary == 'Great meeting you at the design meetup, "let\'s stay in touch"'
    assert priya.at == dt.datetime(2026, 3, 1, 10, 2)
    assert priya.who.profile == "linkedin.com/in/priya-n"
    # Without a note it is a click, like LinkedIn's connection date.
    assert (zoe.kind, zoe.direction, zoe.summary) == (
        InteractionKind.CONNECTED,
        Direction.OUTGOING,
        "Invitation to connect sent",
    )
    (recommendation,) = by_file["Recommendations_Received.csv"]
    assert recommendation.kind is InteractionKind.REFERENCE_GIVEN
    assert recommendation.helped == "the recommendation they wrote you on LinkedIn"
    assert recommendation.summary.startswith("Recommendation on LinkedIn: Sam is a thoughtful")
    (given,) = by_file["Recommendations_Given.csv"]
    assert (given.who.name, given.direction) == (_name(ZOE), Direction.OUTGOING)
    (endorsement,) = by_file["Endorsement_Received_Info.csv"]
    assert (endorsement.kind, endorsement.helped) == (
        InteractionKind.ENDORSEMENT,
        "endorsed you for Python",
    )
    # The endorsement file writes the profile without its scheme.
    assert endorsement.who.profile == "linkedin.com/in/dana-lee-42"


def test_an_unpacked_folder_reads_as_the_zip(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "Basic_LinkedInDataExport", "2023")
    zipped = write_archive(tmp_path / "a.zip", "2023")
    assert la.is_archive(folder) and la.is_archive(zipped)
    assert [e.source_key for e in _read(folder).entries] == [
        e.source_key for e in _read(zipped).entries
    ]
    with la.open_archive(folder) as archive, archive.connections_file() as connections:
        assert connections == folder / "Connections.csv"
    with la.open_archive(zipped) as archive, archive.connections_file() as connections:
        assert connections is not None and connections.read_bytes().startswith(b"Notes:")
        copied = connections
    assert not copied.exists()  # the private copy goes when the import is done


def test_what_is_not_an_archive(tmp_path: Path) -> None:
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("a.jpg", b"\xff\xd8\xff")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    folder = tmp_path / "empty"
    folder.mkdir()
    vcf = tmp_path / "a.vcf"
    vcf.write_text("BEGIN:VCARD\r\nEND:VCARD\r\n")
    assert not any(la.is_archive(p) for p in (other, broken, folder, vcf))


def test_a_damaged_file_is_named_with_its_line_and_the_rest_is_read(tmp_path: Path) -> None:
    files = archive_files("2023")
    # A quoted cell that never closes runs to the end of the file: csv says so, with the line.
    files["Invitations.csv"] = (
        b"From,To,Sent At,Message,Direction\n"
        b"Priya Natarajan,Sam Rivera,3/1/26 10:02 AM,Hello,INCOMING\n"
        b'Ann Cross,Sam Rivera,3/2/26 10:02 AM,"Hello,INCOMING\n'
    )
    path = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    history = _read(path)
    assert any(p.source == "Invitations.csv" for p in history.problems)
    (problem,) = [p for p in history.problems if p.source == "Invitations.csv"]
    assert str(problem).startswith("Invitations.csv, line 3: the file is damaged here")
    # What came before the damaged line is kept.
    assert [e.who.name for e in history.entries if e.file == "Invitations.csv"] == [
        "Priya Natarajan"
    ]
    # The other files are still read.
    assert any(e.file == "Endorsement_Received_Info.csv" for e in history.entries)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6/11/23, 3:33 PM", dt.datetime(2023, 6, 11, 15, 33)),
        ("06/05/23, 03:47 PM", dt.datetime(2023, 6, 5, 15, 47)),
        ("01 Jan 2024", dt.datetime(2024, 1, 1)),
        ("2023-06-11", dt.datetime(2023, 6, 11)),
        ("", None),
        ("yesterday", None),
    ],
)
def test_dates_as_the_files_write_them(text: str, expected: dt.datetime | None) -> None:
    assert la.parse_moment(text) == expected


def test_utc_moments_become_local_time() -> None:
    moment = la.parse_moment("2023/06/05 15:47:58 UTC")
    as_utc = dt.datetime(2023, 6, 5, 15, 47, 58, tzinfo=dt.UTC)
    assert moment == as_utc.astimezone().replace(tzinfo=None)


def test_the_directory_matches_by_profile_first_then_by_a_name_only_one_has() -> None:
    directory = la.Directory()
    directory.add(1, "Dana Lee", "linkedin.com/in/dana-lee-42")
    directory.add(2, "Dana Lee", "linkedin.com/in/another-dana")
    directory.add(3, "Omar Haddad", "")
    assert directory.find(la.Party("D. Lee", "linkedin.com/in/dana-lee-42")) == 1
    assert directory.find(la.Party("Dana Lee")) is None  # two namesakes: nobody guessed
    assert directory.find(la.Party("omar  HADDAD")) == 3
    # A name whose profile is someone else's is not them.
    assert directory.find(la.Party("Omar Haddad", "linkedin.com/in/omarhaddad")) == 3
    directory.add(4, "Zoë Martínez", "linkedin.com/in/zoe-m")
    assert directory.find(la.Party("Zoë Martínez", "linkedin.com/in/a-different-zoe")) is None
    assert directory.find(la.Party("Zoe Martinez")) == 4


def test_the_messages_name_the_owner_when_the_profile_has_another_name(tmp_path: Path) -> None:
    files = archive_files("2023")
    files["Profile.csv"] = files["Profile.csv"].replace(b"Sam,Rivera", b"Sam,Jones")
    path = tmp_path / "renamed.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    history = _read(path)
    assert history.owner == la.Party("Sam Rivera", "linkedin.com/in/sam-rivera")
    assert [d for _, d, _, _ in _messages(history)][:2] == ["incoming", "outgoing"]
