"""Reading a local mailbox's headers: mbox and Maildir, Thunderbird's folders, encoded
subjects, the user's own addresses, progress and Cancel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netdesk.core import mail_history as mh
from netdesk.core.domain import Direction
from tests.history_fixtures import mbox_message

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
KNOWN = {"ada@example.org", "grace@example.org"}


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone().replace(tzinfo=None)


def _read(path: Path, own: tuple[str, ...] = ()) -> mh.MailReading:
    return mh.read_mail(mh.find_folders(path), KNOWN.__contains__, own=own)


def test_an_mbox_is_split_on_its_from_lines_and_only_headers_are_kept(tmp_path: Path) -> None:
    inbox = tmp_path / "Inbox"
    body = "Hello Sam,\n\nFrom what I heard, the role is yours.\nFrom me: congratulations\n"
    inbox.write_bytes(
        mbox_message("Ada <ada@example.org>", "me@example.com", T0, "Hello", body,
                     message_id="1@x")
        + mbox_message("Someone <s@example.net>", "me@example.com", T0, "Spam", "buy\n")
        + mbox_message("Grace <grace@example.org>", "me@example.com, ada@example.org",
                       T0 + dt.timedelta(days=1), "Both of you", message_id="2@x")
    )
    reading = _read(inbox)
    # The quoted ">From" lines in Ada's message did not start a message of their own.
    assert reading.messages == 3
    assert [(e.address, e.direction, e.subject) for e in reading.entries] == [
        ("ada@example.org", Direction.INCOMING, "Hello"),
        ("grace@example.org", Direction.INCOMING, "Both of you"),
    ]
    assert reading.entries[0].at == _local(T0)
    assert all("role" not in e.subject for e in reading.entries)


def test_subjects_and_names_are_decoded(tmp_path: Path) -> None:
    box = tmp_path / "mbox"
    latin = (
        b"From ada@example.org Mon Mar  2 09:00:00 2026\n"
        b"From: =?iso-8859-1?q?Ada_Lovel=E1ce?= <ADA@Example.org>\n"
        b"To: me@example.com\n"
        b"Subject: =?iso-8859-1?q?Caf=E9_=E0?= =?utf-8?b?5pel5pys?=\n"
        b"Date: Mon, 02 Mar 2026 09:00:00 +0100\n\nbody\n\n"
    )
    box.write_bytes(mbox_message("Ada <ada@example.org>", "me@example.com", T0,
                                 "Entretien à Genève — suite") + latin)
    reading = _read(box)
    assert [e.subject for e in reading.entries] == ["Entretien à Genève — suite", "Café à日本"]
    # Addresses are compared in lower case; the time zone is honoured.
    assert reading.entries[1].address == "ada@example.org"
    assert reading.entries[1].at == _local(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC))


def test_the_users_addresses_are_those_of_the_sent_folders(tmp_path: Path) -> None:
    profile = tmp_path / "ImapMail" / "imap.example.com"
    (profile / "INBOX.sbd").mkdir(parents=True)
    (profile / "Sent").write_bytes(
        mbox_message("Sam <sam@example.com>", "Ada <ada@example.org>", T0, "Hi Ada",
                     message_id="s1@x")
    )
    (profile / "INBOX").write_bytes(
        mbox_message("Ada <ada@example.org>", "sam@example.com", T0, "Re: Hi Ada",
                     message_id="i1@x")
        # Sam writing from the same address, kept in the inbox (a copy to self): outgoing.
        + mbox_message("sam@example.com", "grace@example.org", T0, "Hi Grace",
                       message_id="i2@x")
        # A third party writing to Ada and Sam: not an exchange with Ada.
        + mbox_message("boss@example.net", "ada@example.org, sam@example.com", T0, "Team")
    )
    (profile / "INBOX.msf").write_bytes(b"// Thunderbird's index")
    (profile / "INBOX.sbd" / "Jobs").write_bytes(
        mbox_message("grace@example.org", "sam@example.com", T0, "The role", message_id="j@x")
    )
    folders = mh.find_folders(tmp_path)
    assert [f.name for f in folders] == [
        "ImapMail/imap.example.com/Sent",
        "ImapMail/imap.example.com/INBOX",
        "ImapMail/imap.example.com/INBOX/Jobs",
    ]
    reading = mh.read_mail(folders, KNOWN.__contains__)
    assert reading.own == {"sam@example.com"}
    assert sorted((e.address, e.direction.value, e.subject) for e in reading.entries) == [
        ("ada@example.org", "incoming", "Re: Hi Ada"),
        ("ada@example.org", "outgoing", "Hi Ada"),
        ("grace@example.org", "incoming", "The role"),
        ("grace@example.org", "outgoing", "Hi Grace"),
    ]
    assert reading.unknown_sender == 1


def test_addresses_the_user_gives_count_as_theirs(tmp_path: Path) -> None:
    box = tmp_path / "archive.mbox"
    box.write_bytes(mbox_message("me@old-job.example", "ada@example.org", T0, "Lunch?"))
    assert _read(box).entries == []
    (entry,) = _read(box, own=("Me@Old-Job.example",)).entries
    assert (entry.address, entry.direction) == ("ada@example.org", Direction.OUTGOING)


def test_a_maildir_reads_as_an_mbox(tmp_path: Path) -> None:
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    sent = maildir / ".Sent"
    for sub in ("cur", "new", "tmp"):
        (sent / sub).mkdir(parents=True)
    message = mbox_message("Ada <ada@example.org>", "me@example.com", T0, "In the Maildir")
    (maildir / "cur" / "1.eml:2,S").write_bytes(message.split(b"\n", 1)[1])
    (sent / "new" / "2.eml").write_bytes(
        mbox_message("me@example.com", "grace@example.org", T0, "Sent one").split(b"\n", 1)[1]
    )
    folders = mh.find_folders(maildir)
    assert [(f.name, f.kind) for f in folders] == [("Sent", "maildir"), ("Maildir", "maildir")]
    reading = mh.read_mail(folders, KNOWN.__contains__)
    assert sorted((e.address, e.direction.value) for e in reading.entries) == [
        ("ada@example.org", "incoming"),
        ("grace@example.org", "outgoing"),
    ]


def test_the_same_message_in_two_folders_is_one_entry(tmp_path: Path) -> None:
    message = mbox_message("ada@example.org", "me@example.com", T0, "Once", message_id="a@x")
    (tmp_path / "All Mail").write_bytes(message)
    (tmp_path / "Important").write_bytes(message)
    assert len(_read(tmp_path).entries) == 1


def test_progress_and_cancel(tmp_path: Path) -> None:
    box = tmp_path / "big"
    with open(box, "wb") as f:
        for k in range(3000):
            f.write(mbox_message("ada@example.org", "me@example.com", T0, f"n{k}",
                                 "x" * 1000 + "\n"))
    seen: list[int] = []
    mh.read_mail(mh.find_folders(box), KNOWN.__contains__, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == box.stat().st_size and len(seen) > 2

    class Stop(Exception):
        pass

    count = [0]

    def check() -> None:
        count[0] += 1
        if count[0] > 100:
            raise Stop

    with pytest.raises(Stop):
        mh.read_mail(mh.find_folders(box), KNOWN.__contains__, check=check)


def test_what_is_not_a_mailbox(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    with pytest.raises(ValueError, match=r"notes\.txt is not a mailbox"):
        mh.find_folders(text)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="holds no mailbox"):
        mh.find_folders(empty)
    with pytest.raises(ValueError, match="no such file"):
        mh.find_folders(tmp_path / "gone")


def test_a_damaged_header_block_is_cut_not_held_whole(tmp_path: Path) -> None:
    box = tmp_path / "mbox"
    junk = b"X-Junk: " + b"a" * (3 * mh.MAX_HEADER_BYTES) + b"\n"
    box.write_bytes(
        b"From x Mon Mar  2 09:00:00 2026\nFrom: ada@example.org\nTo: me@example.com\n"
        b"Subject: Long\nDate: Mon, 02 Mar 2026 09:00:00 +0000\n" + junk + b"\nbody\n"
    )
    (entry,) = _read(box).entries
    assert entry.subject == "Long"


def test_crlf_mailboxes_raw_8bit_subjects_and_a_body_across_blocks(tmp_path: Path) -> None:
    box = tmp_path / "windows.mbox"
    long_body = ("line of a long body\r\n" * 200_000).encode()  # several skip blocks
    box.write_bytes(
        b"From ada@example.org Mon Mar  2 09:00:00 2026\r\n"
        b"From: ada@example.org\r\nTo: me@example.com\r\n"
        b"Subject: Caf\xc3\xa9 sans encodage\r\n"
        b"Date: Mon, 02 Mar 2026 09:00:00 +0000\r\n\r\n" + long_body + b"\r\n"
        b"From grace@example.org Mon Mar  2 10:00:00 2026\r\n"
        b"From: grace@example.org\r\nTo: me@example.com\r\n"
        b"Subject: Gr\xfc\xdfe\r\n"
        b"Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n\r\nshort\r\n"
    )
    reading = _read(box)
    assert reading.messages == 2
    # Undeclared bytes: UTF-8 when they are, else Windows-1252.
    assert [e.subject for e in reading.entries] == ["Café sans encodage", "Grüße"]
