"""The contact list's first page read before the window's first paint (standard sqlite3,
read-only): the same ids, count and rows as the store's readers, and None whenever the
store must take the normal way in (to migrate, damaged or marked, an unfinished import,
an empty list, no store)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import peewee as pw
import pytest

from netdesk.core.domain import Tie
from netdesk.store import db, migrations, reader, writer
from netdesk.store.first_page import read_first_page
from netdesk.store.listing import ListFilter, ListOrder


def _fill(now: dt.datetime, count: int) -> list[int]:
    ids = []
    for n in range(count):
        company = f"Co {n % 3}" if n % 4 else ""
        ids.append(
            writer.create_contact(
                {"display_name": f"Person {n:02d}", "title": "Engineer"}, now, company=company
            ).id
        )
    writer.set_tie(ids[:3], Tie.ADVOCATE, now)
    writer.set_archived([ids[-1]], True, now)
    return ids


def _path(store: pw.SqliteDatabase) -> Path:
    return Path(store.database)


@pytest.mark.parametrize("order", list(ListOrder))
@pytest.mark.parametrize("descending", [False, True])
def test_the_first_page_is_what_the_readers_give(
    store: pw.SqliteDatabase, now: dt.datetime, order: ListOrder, descending: bool
) -> None:
    _fill(now, 12)
    page = read_first_page(_path(store), order, descending, ids=5, rows=3)
    assert page is not None
    expected = list(reader.contact_list_ids(ListFilter(), order, descending))
    assert page.ids == expected[:5]
    assert page.total == reader.count_contact_list(ListFilter()) == 11
    assert sorted(page.rows, key=lambda r: r.contact_id) == sorted(
        reader.listed_contacts(expected[:3]), key=lambda r: r.contact_id
    )


def test_a_short_list_is_read_whole_without_a_count(store: pw.SqliteDatabase, now: dt.datetime):
    _fill(now, 4)
    page = read_first_page(_path(store), ListOrder.NAME, False, ids=10, rows=10)
    assert page is not None and page.total == 3 and len(page.ids) == 3 and len(page.rows) == 3


def test_the_full_check_size_is_the_stores(store: pw.SqliteDatabase) -> None:
    assert read_first_page.__kwdefaults__["full_check_bytes"] == db.FULL_CHECK_BYTES


def test_no_page_when_the_store_must_open_first(
    store: pw.SqliteDatabase, now: dt.datetime, tmp_path: Path
) -> None:
    path = _path(store)
    ids = _fill(now, 3)

    def page() -> object:
        return read_first_page(path, ListOrder.NAME, False, ids=10, rows=10)

    assert page() is not None
    assert read_first_page(tmp_path / "none.sqlite3", ListOrder.NAME, False, ids=1, rows=1) is None
    # Marked for the full check (damage was seen): the normal path checks it whole.
    db.mark_for_full_check(path)
    assert page() is None
    db.check_mark(path).unlink()
    # An import killed halfway: taken back when the store opens.
    batch = store.execute_sql(
        "INSERT INTO import_batch (created_at, sources, added, updated, undo_data) "
        "VALUES (?, 'x', 0, 0, '{}')",
        [now.isoformat(sep=" ")],
    ).lastrowid
    assert page() is None
    store.execute_sql("DELETE FROM import_batch WHERE id = ?", [batch])
    assert page() is not None
    # Every contact archived: the list's empty state.
    writer.set_archived(ids, True, now)
    assert page() is None
    writer.set_archived(ids, False, now)
    # An older schema (to migrate, with its backup first) or a newer one.
    for version in (migrations.LATEST - 1, migrations.LATEST + 1):
        store.execute_sql("DELETE FROM schema_version WHERE version >= ?", [migrations.LATEST])
        store.execute_sql(
            "INSERT INTO schema_version (version, changed_at) VALUES (?, datetime('now'))",
            [version],
        )
        assert page() is None


def test_no_page_from_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "netdesk.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200 + b"garbage" * 500)
    assert read_first_page(path, ListOrder.NAME, False, ids=10, rows=10) is None
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    assert read_first_page(empty, ListOrder.NAME, False, ids=10, rows=10) is None


def test_reading_the_first_page_writes_nothing(store: pw.SqliteDatabase, now: dt.datetime):
    _fill(now, 5)
    path = _path(store)
    db.close_store(store)
    before = path.read_bytes()
    assert read_first_page(path, ListOrder.NAME, False, ids=10, rows=10) is not None
    assert path.read_bytes() == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_first_page_imports_no_peewee() -> None:
    code = (
        "import sys, netdesk.store.first_page, netdesk.ui.main_window, netdesk.app; "
        "print(sorted(m for m in ('peewee', 'netdesk.store.models', 'PySide6.QtNetwork', "
        "'logging.handlers', 'netdesk.services.actions') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
