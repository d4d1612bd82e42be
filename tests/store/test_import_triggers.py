"""An import's bulk insert leaves the schema alone: the triggers are switched off for the
import's connection only, and what they would have done (the full-text index, the outbox of
a synced address book) is done in bulk, the same as row by row."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import peewee as pw
import pytest

from netdesk.store import db, importer
from netdesk.store.models import Contact
from netdesk.store.writer import derived

NOW = dt.datetime(2026, 11, 26, 9, 0)


def _cards(path: Path, count: int, start: int = 0) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        for i in range(start, start + count):
            f.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"N:Quist{i};Hedda;;;\r\nFN:Hedda Quist{i}\r\nORG:Tallow {i % 7}\r\n"
                f"EMAIL;TYPE=WORK:hedda{i}@tallow.example\r\nEMAIL;TYPE=HOME:hq{i}@home.example\r\n"
                f"TEL;TYPE=CELL:+44 7700 {i:06d}\r\nURL:https://example.org/{i}\r\n"
                f"ADR;TYPE=WORK:;;{i} Long Acre;London;;WC2E 9LH;UK\r\n"
                f"X-SPOUSE:Per{i}\r\nNOTE:Met at the fair\\, stand {i}\r\nEND:VCARD\r\n"
            )
    return path


def _state(store: pw.SqliteDatabase) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    index = store.execute_sql(
        "SELECT rowid, name, company, title, emails, notes, tags FROM contact_fts ORDER BY rowid"
    ).fetchall()
    outbox = store.execute_sql(
        "SELECT contact_id, op FROM sync_outbox ORDER BY contact_id"
    ).fetchall()
    return index, outbox


def _synced_book(store: pw.SqliteDatabase) -> None:
    with db.write_transaction():
        store.execute_sql(
            "INSERT INTO sync_account (account_id, url, username, created_at) "
            "VALUES (1, 'https://dav.example/', 'me', '2026-11-01')"
        )
        store.execute_sql(
            "INSERT INTO sync_book (book_id, account_id, href, name, enabled) "
            "VALUES (1, 1, '/books/me/', 'Contacts', 1)"
        )


@pytest.mark.parametrize("synced", [False, True])
def test_bulk_insert_does_what_the_triggers_do(
    store: pw.SqliteDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, synced: bool
) -> None:
    if synced:
        _synced_book(store)
    cards = _cards(tmp_path / "cards.vcf", 40)
    conn = store.connection()
    assert derived._trigger_switch(conn) is not None  # the bulk path runs on this Python
    importer.stream_import([cards], NOW)
    fast = _state(store)
    assert len(fast[0]) == 40 and "hq3@home.example" in fast[0][3][4]
    assert len(fast[1]) == (40 if synced else 0)

    # The same import with the triggers firing row by row gives the same index and outbox.
    with db.write_transaction():
        store.execute_sql("DELETE FROM contact")
        store.execute_sql("DELETE FROM sync_outbox")
        store.execute_sql("DELETE FROM import_batch")
    monkeypatch.setattr(derived, "_trigger_switch", lambda conn: None)
    importer.stream_import([cards], NOW)
    assert _state(store) == fast

    # The triggers are on again for the connection's next write.
    with db.write_transaction():
        Contact.create(display_name="After Wards", created_at=NOW, updated_at=NOW)
    hits = store.execute_sql(
        "SELECT count(*) FROM contact_fts WHERE contact_fts MATCH 'wards'"
    ).fetchone()[0]
    assert hits == 1


def test_an_unknown_insert_trigger_leaves_the_triggers_on(
    store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    with db.write_transaction():
        store.execute_sql("CREATE TEMP TABLE seen (contact_id INTEGER)")
        store.execute_sql(
            "CREATE TEMP TRIGGER seen_email AFTER INSERT ON contact_email BEGIN "
            "INSERT INTO seen VALUES (NEW.contact_id); END"
        )
    importer.stream_import([_cards(tmp_path / "cards.vcf", 5)], NOW)
    assert store.execute_sql("SELECT count(*) FROM seen").fetchone()[0] == 10
    assert len(_state(store)[0]) == 5


def test_a_reader_during_a_long_import_never_fails(
    store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    path = db.database_file(store)
    assert path is not None
    cards = _cards(tmp_path / "cards.vcf", 600)
    reader = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    schema_before = store.execute_sql("PRAGMA schema_version").fetchone()[0]
    failures: list[BaseException] = []
    reads = 0
    done = threading.Event()

    def read() -> None:
        nonlocal reads
        try:
            while not done.is_set():
                reader.execute(
                    "SELECT c.id, c.display_name FROM contact_fts f JOIN contact c "
                    "ON c.id = f.rowid WHERE contact_fts MATCH 'hedda*' LIMIT 64"
                ).fetchall()
                reader.execute("SELECT count(*) FROM contact_email").fetchone()
                reads += 1
        except BaseException as exc:  # any failure is the test's finding
            failures.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        importer.stream_import([cards], NOW, block_size=50)  # twelve blocks, each committed
    finally:
        done.set()
        thread.join()
        reader.close()
    assert failures == []
    assert reads > 0
    assert store.execute_sql("PRAGMA schema_version").fetchone()[0] == schema_before
    assert store.execute_sql("SELECT count(*) FROM contact_fts").fetchone()[0] == 600


@pytest.mark.parametrize("searching", [False, True])
def test_new_contacts_get_the_follow_ups_a_full_recompute_gives(
    store: pw.SqliteDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, searching: bool
) -> None:
    from netdesk.core.domain import SearchState
    from netdesk.store.models import JobSearch

    if searching:  # rule 3: every contact gets a status update while the search is on
        with db.write_transaction():
            JobSearch.create(state=SearchState.SEARCHING.value)
    cards = _cards(tmp_path / "cards.vcf", 30)
    columns = "contact_id, reason, rule, due_at, state, note"

    def follow_ups() -> list[tuple[object, ...]]:
        rows = store.execute_sql(f"SELECT {columns} FROM follow_up ORDER BY contact_id")
        due = store.execute_sql("SELECT id, next_due_at FROM contact ORDER BY id")
        return [*rows.fetchall(), *due.fetchall()]

    importer.stream_import([cards], NOW)
    once = follow_ups()
    assert len(once) == (60 if searching else 30)
    with db.write_transaction():
        store.execute_sql("DELETE FROM contact")
        store.execute_sql("DELETE FROM import_batch")
    monkeypatch.setattr(derived, "recompute_follow_ups_of_new", derived.recompute_follow_ups)
    importer.stream_import([cards], NOW)
    assert follow_ups() == once


def test_new_contacts_not_alike_are_recomputed_one_by_one(store: pw.SqliteDatabase) -> None:
    from netdesk.core.records import ContactRecord

    records = [(ContactRecord(display_name=f"Ines Ruiz{i}"), {}) for i in range(4)]
    records[2] = (ContactRecord(display_name="Ines Advocate"), {"tie": "advocate"})
    with db.write_transaction():
        ids = importer.insert_contacts(records, NOW, None)
        derived.recompute_follow_ups_of_new(ids, NOW)
    rows = store.execute_sql("SELECT contact_id, reason FROM follow_up").fetchall()
    assert rows == [(ids[2], "cadence")]
    due = store.execute_sql("SELECT id FROM contact WHERE next_due_at IS NOT NULL").fetchall()
    assert due == [(ids[2],)]


def test_a_search_row_left_behind_under_a_new_id_is_replaced(
    store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    # A row of the search index with no contact, where the import's new ids will go.
    with db.write_transaction():
        store.execute_sql(
            "INSERT INTO contact_fts (rowid, name, company, title, emails, notes, tags) "
            "VALUES (5, 'stale', '', '', '', '', '')"
        )
    importer.stream_import([_cards(tmp_path / "cards.vcf", 40)], NOW)
    index, _ = _state(store)
    assert len(index) == 40
    assert index[4][:2] == (5, "Hedda Quist4 ")
