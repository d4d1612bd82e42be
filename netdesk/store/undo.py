"""Undo and redo for the store: while a change is recorded, every row it writes leaves the
statement that takes it back, so the change can be undone exactly and given again.

Temporary triggers (on this connection only, made on first use) write those statements into
a temporary table: an insert leaves a delete, a delete leaves the insert of the whole row,
an update leaves an update of the columns it changed back to their old values. Cascades are
triggers too, so a contact's interactions, follow-ups and workflow rows come back with it.
Replaying a step in reverse order undoes it, and the replay records its own inverse: the
step that redoes it. The search index follows by its own triggers and is not recorded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import peewee as pw

from netdesk.store.locks import write_transaction
from netdesk.store.models import db
from netdesk.store.sql import run_sql

_LOG = "netdesk_undo"
_SWITCH = "netdesk_undo_on"
# Tables never recorded: SQLite's own, and the full-text index (kept by its triggers).
_SKIP_PREFIXES = ("sqlite_", "contact_fts")


@dataclass(frozen=True, slots=True)
class Step:
    """The statements that take one change back, in the order they were written."""

    statements: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.statements)


@dataclass(slots=True)
class Recording:
    """Filled when the recorded block ends."""

    step: Step = field(default_factory=lambda: Step(()))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(database: pw.Database | pw.DatabaseProxy) -> list[tuple[str, list[str]]]:
    out = []
    for (name,) in run_sql(
        database, "SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall():
        if name.startswith(_SKIP_PREFIXES):
            continue
        columns = [row[1] for row in run_sql(database, f"PRAGMA main.table_info({_q(name)})")]
        if "id" in columns:  # every table of the store has its integer key `id`
            out.append((name, columns))
    return out


def _lit(text: str) -> str:
    """`text` as an SQL string literal, for building statements inside a trigger."""
    return "'" + text.replace("'", "''") + "'"


def _install(database: pw.Database | pw.DatabaseProxy) -> None:
    """Make the log and its triggers on this connection, once."""
    found = run_sql(
        database, "SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = ?", [_LOG]
    ).fetchone()
    if found:
        return
    run_sql(database, f"CREATE TEMP TABLE {_LOG} (seq INTEGER PRIMARY KEY, statement TEXT)")
    run_sql(database, f"CREATE TEMP TABLE {_SWITCH} (recording INTEGER NOT NULL)")
    run_sql(database, f"INSERT INTO {_SWITCH} VALUES (0)")
    on = f"(SELECT recording FROM temp.{_SWITCH})"
    for table, columns in _tables(database):
        t = _q(table)
        names = ",".join(_q(c) for c in columns)
        values = " || ',' || ".join(f"quote(old.{_q(c)})" for c in columns)
        insert_back = f"{_lit(f'INSERT INTO {t} ({names}) VALUES (')} || {values} || ')'"
        changed = " || ".join(
            f"CASE WHEN old.{_q(c)} IS NOT new.{_q(c)} "
            f"THEN {_lit(',' + _q(c) + '=')} || quote(old.{_q(c)}) ELSE '' END"
            for c in columns
            if c != "id"
        )
        any_changed = " OR ".join(f"old.{_q(c)} IS NOT new.{_q(c)}" for c in columns)
        base = f"netdesk_undo_{table}"
        run_sql(
            database,
            f"CREATE TEMP TRIGGER {_q(base + '_i')} AFTER INSERT ON main.{t} WHEN {on} "
            f"BEGIN INSERT INTO {_LOG} (statement) VALUES "
            f"({_lit(f'DELETE FROM {t} WHERE id = ')} || new.id); END",
        )
        run_sql(
            database,
            f"CREATE TEMP TRIGGER {_q(base + '_d')} AFTER DELETE ON main.{t} WHEN {on} "
            f"BEGIN INSERT INTO {_LOG} (statement) VALUES ({insert_back}); END",
        )
        run_sql(
            database,
            f"CREATE TEMP TRIGGER {_q(base + '_u')} AFTER UPDATE ON main.{t} "
            f"WHEN {on} AND ({any_changed}) "
            f"BEGIN INSERT INTO {_LOG} (statement) VALUES "
            f"({_lit(f'UPDATE {t} SET ')} || substr({changed}, 2) || ' WHERE id = ' || old.id); "
            "END",
        )


def _switch(database: pw.Database | pw.DatabaseProxy, on: bool) -> None:
    run_sql(database, f"UPDATE temp.{_SWITCH} SET recording = ?", [1 if on else 0])


def _take(database: pw.Database | pw.DatabaseProxy, after: int) -> Step:
    rows = run_sql(
        database, f"SELECT statement FROM temp.{_LOG} WHERE seq > ? ORDER BY seq", [after]
    ).fetchall()
    run_sql(database, f"DELETE FROM temp.{_LOG} WHERE seq > ?", [after])
    return Step(tuple(r[0] for r in rows))


def _last_seq(database: pw.Database | pw.DatabaseProxy) -> int:
    row = run_sql(database, f"SELECT coalesce(max(seq), 0) FROM temp.{_LOG}").fetchone()
    return int(row[0])


@contextlib.contextmanager
def recording() -> Iterator[Recording]:
    """Record what the block writes (on this thread's connection): `.step` then undoes it.

    The block must be one transaction of its own (a `writer.change`): when it fails, the
    transaction rolls back, log rows included, and the step is empty.
    """
    _install(db)
    start = _last_seq(db)
    _switch(db, True)
    result = Recording()
    try:
        yield result
    finally:
        _switch(db, False)
        result.step = _take(db, start)


def replay(step: Step) -> Step:
    """Take a step back: its statements run newest first, in one transaction, and what they
    write is recorded in turn, so the step returned gives the change again."""
    _install(db)
    with write_transaction(db):  # waits its turn behind another writer, then retries
        # A row and the rows that hang on it come back in whichever order they were
        # recorded; the keys are checked once all are back.
        run_sql(db, "PRAGMA defer_foreign_keys = ON")
        start = _last_seq(db)
        _switch(db, True)
        try:
            for statement in reversed(step.statements):
                run_sql(db, statement)
        finally:
            _switch(db, False)
        inverse = _take(db, start)
    return inverse


def data_version() -> int:
    """SQLite's counter of commits made by other connections to this database: when it moved,
    someone else wrote (a `netdesk import` in a terminal, a worker's connection)."""
    row = run_sql(db, "PRAGMA data_version").fetchone()
    return int(row[0])
