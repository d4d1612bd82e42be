"""A write transaction on a connection whose copy of the schema another process changed."""

from __future__ import annotations

import datetime as dt
import sqlite3

import peewee as pw

from netdesk.store import db
from netdesk.store.migrations import FTS_INSERT_TRIGGERS
from netdesk.store.models import Contact

NOW = dt.datetime(2026, 11, 26, 9, 0)


def _as_an_import_block_does(other: sqlite3.Connection) -> None:
    """Lift and put back the search triggers in one commit, as an older import did per block."""
    marks = ",".join("?" * len(FTS_INSERT_TRIGGERS))
    saved = other.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
        FTS_INSERT_TRIGGERS,
    ).fetchall()
    assert len(saved) == len(FTS_INSERT_TRIGGERS)
    other.execute("BEGIN IMMEDIATE")
    for name, _ in saved:
        other.execute(f'DROP TRIGGER "{name}"')
    for _, definition in saved:
        other.execute(definition)
    other.execute("COMMIT")


def test_a_save_right_after_two_import_blocks_finds_its_tables(store: pw.SqliteDatabase) -> None:
    path = db.database_file(store)
    assert path is not None
    other = sqlite3.connect(str(path), isolation_level=None)
    try:
        with db.write_transaction():
            Contact.create(display_name="First", created_at=NOW, updated_at=NOW)
        for round in range(3):
            _as_an_import_block_does(other)
            store.execute_sql("SELECT count(*) FROM setting").fetchone()  # sees the change
            _as_an_import_block_does(other)  # a second block, before the save begins
            with db.write_transaction():
                Contact.create(display_name=f"Saved {round}", created_at=NOW, updated_at=NOW)
    finally:
        other.close()
    names = {c.display_name for c in Contact.select()}
    assert names == {"First", "Saved 0", "Saved 1", "Saved 2"}
