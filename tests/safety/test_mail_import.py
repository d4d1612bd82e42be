"""`netdesk import --mail` on an mbox of 10,000 messages: the right last-contact dates, and
a peak memory that does not grow with the size of the mailbox (measured as the big-import
test measures it: the command as a process of its own)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netdesk.store import db, reader
from netdesk.store.models import Contact, Interaction
from tests.history_fixtures import mbox_message
from tests.safety.peak_rss import netdesk_peak

pytestmark = pytest.mark.slow

MESSAGES = 10_000
PEOPLE = 50
T0 = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)
# The big mailbox holds the same messages with bodies 12 KB longer (~130 MB against ~4 MB):
# only what memory holds per message with a contact (its date, address and subject) may
# grow, and that is the same in both.
BODY = 12 * 1024
GROWTH_MB = 15


def _person(k: int) -> str:
    return f"person{k}@example.org"


def _message(k: int, body: str) -> bytes:
    """Message k: with person k % 50, every other one sent by the user; one in seven from a
    stranger; an hour after the one before."""
    at = T0 + dt.timedelta(hours=k)
    if _stranger(k):
        return mbox_message(f"news{k}@lists.example.net", "me@example.com", at, f"News {k}", body)
    other = _person(k % PEOPLE)
    if k % 2:
        return mbox_message("Me <me@example.com>", other, at, f"To {k}", body,
                            message_id=f"m{k}@example.com")
    return mbox_message(f"Person <{other}>", "me@example.com", at, f"From {k}", body,
                        message_id=f"m{k}@example.org")


def _stranger(k: int) -> bool:
    return k % 7 == 6


WITH_PEOPLE = [k for k in range(MESSAGES) if not _stranger(k)]
SENT = [k for k in WITH_PEOPLE if k % 2]


def _write(path: Path, body_size: int) -> Path:
    line = ("All work and no play makes a long body. " * 3)[:100] + "\n"
    body = line * (body_size // len(line)) + "From the body: not a new message.\n"
    with open(path, "wb") as out:
        for k in range(MESSAGES):
            out.write(_message(k, body))
    return path


def _expected_last() -> dict[str, dt.datetime]:
    last: dict[str, dt.datetime] = {}
    for k in WITH_PEOPLE:
        moment = T0 + dt.timedelta(hours=k)
        last[_person(k % PEOPLE)] = moment.astimezone().replace(tzinfo=None)
    return last


def _contacts(path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        for k in range(PEOPLE):
            f.write(
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {k}\r\nN:{k};Person;;;\r\n"
                f"EMAIL:{_person(k)}\r\nEND:VCARD\r\n"
            )
    return path


def _import(mbox: Path, data: Path, cards: Path) -> float:
    done, _ = netdesk_peak("import", "--data-dir", str(data), str(cards))
    assert done.returncode == 0, done.stderr
    done, peak = netdesk_peak(
        "import", "--data-dir", str(data), "--mail", str(mbox), "--me", "me@example.com",
        timeout=110,
    )
    assert done.returncode == 0, done.stderr
    # Six in seven messages are with a contact; the user's address was given.
    assert f"{MESSAGES} messages in 1 folder;" in done.stdout
    added = f"import done: {len(WITH_PEOPLE)} emails added to the timelines of {PEOPLE} people"
    assert added in done.stdout
    return peak


def _check_store(data: Path) -> None:
    database = db.open_store(data / db.DATABASE_NAME, backup_dir=data / "backups")
    try:
        expected = _expected_last()
        found = {}
        for contact in Contact.select():
            (email,) = reader.contact_emails(contact.id)
            found[email] = contact.last_touch_at
        assert found == expected
        mail = Interaction.select().where(Interaction.source == "mail")
        assert mail.count() == len(WITH_PEOPLE)
        sent = Interaction.select().where(
            (Interaction.direction == "outgoing") & (Interaction.kind == "email")
        )
        assert sent.count() == len(SENT)
    finally:
        db.close_store(database)


def test_a_mailbox_of_10000_messages_in_memory_that_does_not_grow(tmp_path: Path) -> None:
    cards = _contacts(tmp_path / "people.vcf")
    small = _write(tmp_path / "small.mbox", 200)
    big = _write(tmp_path / "big.mbox", BODY)
    assert big.stat().st_size > 25 * small.stat().st_size
    small_peak = _import(small, tmp_path / "small-data", cards)
    big_peak = _import(big, tmp_path / "big-data", cards)
    print(
        f"peak RSS MB: {small.stat().st_size / 2**20:.0f} MB mbox {small_peak:.1f}, "
        f"{big.stat().st_size / 2**20:.0f} MB mbox {big_peak:.1f}"
    )
    assert big_peak < small_peak + GROWTH_MB, (small_peak, big_peak)
    _check_store(tmp_path / "small-data")
    _check_store(tmp_path / "big-data")
