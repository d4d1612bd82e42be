"""Writers and whole-store replacements: who may write the store, and when.

SQLite lets one writer in at a time. Every change begins with BEGIN IMMEDIATE, so that it
waits its turn (the busy timeout) at the start instead of failing halfway when another
process committed since it last read; a writer still kept out after that tries again. A
long import commits a block at a time (importer.stream_import), so a short write waits
for one block at most, and holds the import lock (shared) while it runs; a restore takes
that lock exclusively, so it never lands between two blocks of an import.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import peewee as pw

from netdesk.store.models import db as database_proxy

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("netdesk.store.locks")


def is_busy(exc: BaseException) -> bool:
    """True when SQLite said "locked" or "busy": another writer holds the store."""
    text = str(exc).casefold()
    return "locked" in text or "busy" in text


@contextlib.contextmanager
def write_transaction(
    database: pw.Database | pw.DatabaseProxy = database_proxy, *, patience: float = 300.0
) -> Iterator[None]:
    """One write transaction (BEGIN IMMEDIATE), or a savepoint inside one already open. While
    another writer holds the store it waits (the busy timeout) and tries again, for up to
    `patience` seconds in all, before the error reaches the caller."""
    deadline = time.monotonic() + patience
    with contextlib.ExitStack() as stack:
        outermost = not database.in_transaction()
        if outermost:
            # Shared with other writers and imports; a whole-store replacement holds it
            # exclusively, so no change lands between its safety backup and its copy.
            stack.enter_context(_shared(database_file(database)))
        while True:
            try:
                stack.enter_context(database.atomic("IMMEDIATE"))
                break
            except pw.OperationalError as exc:
                if not is_busy(exc) or time.monotonic() > deadline:
                    raise
                log.info("the store is busy; waiting for the other writer")
                time.sleep(0.05)
        if outermost:
            _current_schema(database)
        yield


def _current_schema(database: pw.Database | pw.DatabaseProxy) -> None:
    """Bring this connection's copy of the schema up to date, first thing in a transaction.

    Another process can change the schema (a migration; an import of an older NetDesk
    lifted and put back the search triggers at every block). A statement prepared on a copy
    that is out of date, and that connects the full-text table on the way, would have that
    table's own queries find the new schema and drop the copy in the middle of the
    preparation: SQLite then reports "no such table" instead of preparing again. A statement
    on a table checks the schema version when it runs and reloads the schema if another
    connection changed it; inside the write transaction nobody else can change it again.
    """
    database.execute_sql("SELECT 1 FROM schema_version LIMIT 0").fetchall()


@contextlib.contextmanager
def _shared(database_path: Path | None) -> Iterator[None]:
    if fcntl is None or database_path is None:
        yield
        return
    try:
        fd = os.open(import_lock_path(database_path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield  # a folder this user may not write: SQLite will say so on the first write
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def import_lock_path(database_path: Path) -> Path:
    return database_path.with_name(database_path.name + "-import.lock")


def database_file(database: pw.Database | pw.DatabaseProxy = database_proxy) -> Path | None:
    """The file of an open store (None for an in-memory one)."""
    target = database.obj if isinstance(database, pw.DatabaseProxy) else database
    name = getattr(target, "database", None)
    return Path(name) if isinstance(name, str) and name != ":memory:" else None


@contextlib.contextmanager
def import_running(database_path: Path | None) -> Iterator[bool]:
    """Held by an import that commits block by block, for as long as it runs (shared: two
    imports may run side by side). Yields False where advisory locks do not exist (the
    import then runs as one transaction)."""
    if fcntl is None or database_path is None:
        yield False
        return
    fd = os.open(import_lock_path(database_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a restore holds it
        yield True
    finally:
        os.close(fd)


class ImportRunningError(Exception):
    """An import into the store is still running; a whole-store replacement must wait."""


@contextlib.contextmanager
def no_import_running(database_path: Path, wait: float) -> Iterator[None]:
    """Held while the whole store is replaced: waits up to `wait` seconds for imports in
    flight to finish (ImportRunningError after that); new imports wait for it."""
    if fcntl is None:
        yield
        return
    fd = os.open(import_lock_path(database_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise ImportRunningError(
                        f"An import into {database_path} is still running after {wait:.0f} "
                        "seconds, so nothing was replaced. Try again when it is done."
                    ) from exc
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


