"""Opening the store: the SQLite connection (WAL, foreign keys, busy timeout), file modes."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
from pathlib import Path

import peewee as pw

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from netdesk.core.clock import local_now as local_now  # the command line reads it here
from netdesk.store import backup, locks, migrations
from netdesk.store.access import AccessError as AccessError
from netdesk.store.access import StoreError as StoreError
from netdesk.store.access import check_access as check_access
from netdesk.store.models import db as database_proxy

# Re-exported: store.recovery makes its folders through db.
from netdesk.store.private_files import ensure_private_dir as ensure_private_dir
from netdesk.store.private_files import touch_private
from netdesk.store.sql import run_sql

log = logging.getLogger("netdesk.store.db")

# The open store, as the rest of the app names it (callers need not know it is Peewee's).
Store = pw.SqliteDatabase

DATABASE_NAME = "netdesk.sqlite3"

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    # WAL with synchronous=NORMAL keeps every committed transaction across an application
    # crash; only a power cut can lose the very last one, never corrupt the file.
    "synchronous": "normal",
    "cache_size": -16_000,
}


class NewerSchemaError(StoreError):
    pass


class DamagedStoreError(StoreError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"The NetDesk database at {path} is damaged and cannot be read ({detail})."
        )
        self.path = path
        self.detail = detail


def connect(path: Path) -> pw.SqliteDatabase:
    """A connection to the database file at `path` with the store's pragmas; no schema work."""
    ensure_private_dir(path.parent)
    # Created 0600 before SQLite opens it: SQLite gives -wal and -shm the same mode.
    touch_private(path)
    database = pw.SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False)
    database.connect()
    return database


# Up to this size the whole file is checked before the store opens (a few tens of
# milliseconds); a larger store is checked after the window is up (see `verify_file`),
# so that a long career's network still opens at once (the first page read before the
# window's first paint follows the same rule: `first_page.read_first_page`).
FULL_CHECK_BYTES = 16 * 1024 * 1024


# The tables every NetDesk store has had since its first schema.
REQUIRED_TABLES = frozenset(
    {
        "company",
        "contact",
        "contact_email",
        "contact_phone",
        "follow_up",
        "import_batch",
        "interaction",
        "job_search",
        "schema_version",
        "setting",
    }
)


def inspect_file(path: Path, *, full: bool = True) -> int:
    """The schema version of an existing database file, read without changing a byte of it.

    Raises DamagedStoreError when SQLite cannot read it, or (with `full`) when its quick
    check fails. Without `full`, only the header, the schema and the version are read.
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DamagedStoreError(path, str(exc)) from exc
    try:
        if full:
            problems = _quick_check(conn)
            if problems:
                raise DamagedStoreError(path, problems)
        listed = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {row[0] for row in listed}
        if "schema_version" not in tables:
            if tables:
                raise DamagedStoreError(path, "it is an SQLite file but not a NetDesk database")
            return 0
        version = int(conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0)
        missing = sorted(REQUIRED_TABLES - tables)
        if missing and version <= migrations.LATEST:
            raise DamagedStoreError(
                path, f"it is not a whole NetDesk database: {', '.join(missing)} missing"
            )
        return version
    except sqlite3.Error as exc:
        raise DamagedStoreError(path, str(exc)) from exc
    finally:
        conn.close()


def _quick_check(conn: sqlite3.Connection) -> str:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    return "; ".join([str(r[0]) for r in rows if r[0] != "ok"][:3])


def verify_file(path: Path) -> str:
    """SQLite's quick check of the whole file on a read-only connection of its own: what
    is wrong, or '' when all is well. Safe to run in a background thread.
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        return _quick_check(conn)
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()


def open_store(
    path: Path, *, backup_dir: Path | None = None, full_check: bool | None = None
) -> pw.SqliteDatabase:
    """Open (creating or upgrading) the store at `path` and bind the models to it.

    An existing file is checked first, read-only: a damaged one, or one written by a newer
    NetDesk, is refused and left exactly as it was. The check reads the whole file when
    `full_check` says so, or by default when it is at most FULL_CHECK_BYTES; the caller
    then runs `verify_file` later for a larger one. A store about to be migrated is copied
    to `backup_dir` first.
    """
    check_access(path)
    backup.remove_stale_partials(backup_dir or path.parent / "backups", path)
    version = 0
    if path.exists() and path.stat().st_size == 0 and _has_backups(backup_dir, path):
        # An empty file where a store was (a disk that filled, a copy cut short): not a new
        # store. Treated as damaged, it is moved aside and the newest backup offered.
        raise DamagedStoreError(path, "the file is empty (0 bytes); backups are beside it")
    if path.exists() and path.stat().st_size > 0:
        marked = check_mark(path).exists()
        if full_check is None:
            full_check = path.stat().st_size <= FULL_CHECK_BYTES or marked
        version = inspect_file(path, full=full_check)
        if full_check and marked:
            check_mark(path).unlink(missing_ok=True)  # checked whole and found sound
        if version > migrations.LATEST:
            raise NewerSchemaError(
                f"The database at {path} was written by a newer NetDesk (schema {version}; "
                f"this version knows up to {migrations.LATEST}). Update NetDesk to open it; "
                "the file was left untouched."
            )
    try:
        database = connect(path)
    except (sqlite3.DatabaseError, pw.DatabaseError) as exc:
        raise DamagedStoreError(path, str(exc)) from exc
    try:
        if 0 < version < migrations.LATEST and backup_dir is not None:
            backup.backup_database(
                database, backup_dir, reason=f"before-migration-{version}-to-{migrations.LATEST}"
            )
        migrations.migrate(database)
    except BaseException:
        database.close()
        raise
    database_proxy.initialize(database)
    _roll_back_abandoned_imports(database, path)
    return database


def _has_backups(backup_dir: Path | None, path: Path) -> bool:
    folder = backup_dir or path.parent / "backups"
    return bool(backup.list_backups(folder))


_FULL_WORDS = ("database or disk is full", "no space left", "file too large")


def disk_full_cause(exc: BaseException) -> BaseException | None:
    """The error behind `exc` (or `exc` itself) that says the disk is full or a file may not
    grow: SQLite's own words, or ENOSPC/EFBIG/EDQUOT. A failed rollback after it (Peewee's
    "cannot rollback - no transaction is active") hides it as the error's context."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return current
        if isinstance(current, sqlite3.Error | pw.DatabaseError) and any(
            word in str(current).casefold() for word in _FULL_WORDS
        ):
            return current
        current = current.__cause__ or current.__context__
    return None


_FULL_ERRNOS = frozenset(
    code for code in (getattr(errno, n, None) for n in ("ENOSPC", "EFBIG", "EDQUOT")) if code
)


# Writers and whole-store replacements: see store/locks.py (re-exported here).
ImportRunningError = locks.ImportRunningError
database_file = locks.database_file
import_running = locks.import_running
is_busy = locks.is_busy
no_import_running = locks.no_import_running
write_transaction = locks.write_transaction


def _roll_back_abandoned_imports(database: pw.SqliteDatabase, path: Path) -> None:
    """An import that commits block by block and was killed halfway leaves its batch marked
    unfinished: take it back whole (as Undo import would) when no import is running."""
    found = run_sql(
        database,
        "SELECT id FROM import_batch WHERE undone_at IS NULL AND undo_data LIKE '{%'",
    ).fetchall()
    if not found or fcntl is None:
        return
    fd = os.open(locks.import_lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # an import is running: its batch is not abandoned
        # Known abandoned now; shared from here, as every writer holds it (undo_import too).
        fcntl.flock(fd, fcntl.LOCK_SH)
        from netdesk.store import importer

        for (batch_id,) in found:
            log.warning("taking back import batch %s, left unfinished", batch_id)
            importer.undo_import(int(batch_id), local_now())
            # It never finished: nothing of it is left to show or to undo.
            run_sql(database, "DELETE FROM import_batch WHERE id = ?", [batch_id])
    finally:
        os.close(fd)


def check_mark(path: Path) -> Path:
    """A file beside the store that asks the next open for the full check, whatever the
    store's size: left when damage showed itself while the app ran (a large store is checked
    after the window is up, and a read may hit the damage first)."""
    return path.with_name(path.name + "-check")


def mark_for_full_check(path: Path) -> None:
    with contextlib.suppress(OSError):
        check_mark(path).touch(mode=0o600)


def is_damage(exc: BaseException) -> bool:
    """True when SQLite's error says the file itself is damaged (not busy, not full)."""
    if not isinstance(exc, sqlite3.DatabaseError | pw.DatabaseError):
        return False
    text = str(exc).casefold()
    return any(w in text for w in ("malformed", "not a database", "corrupt", "disk image"))


def needs_verifying(path: Path) -> bool:
    """True when `open_store` left the full check for later (the file is large)."""
    return path.exists() and path.stat().st_size > FULL_CHECK_BYTES


def close_store(database: pw.SqliteDatabase) -> None:
    """Checkpoint the WAL into the main file and close."""
    if database.is_closed():
        return
    # Nothing was written since the last checkpoint (an empty or missing -wal): no checkpoint.
    # Another connection may be reading; SQLite then checkpoints later by itself.
    if _wal_bytes(database) > 0:
        with contextlib.suppress(pw.OperationalError):
            run_sql(database, "PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()


def _wal_bytes(database: pw.SqliteDatabase) -> int:
    """The size of the store's write-ahead log (-1 when it cannot be told: checkpoint)."""
    name = str(database.database)
    if not name or name == ":memory:" or name.startswith("file:"):
        return -1
    try:
        return os.stat(name + "-wal").st_size
    except FileNotFoundError:
        return 0
    except OSError:
        return -1


def open_database() -> pw.SqliteDatabase | None:
    """The store the models are bound to now, or None before the first `open_store`."""
    database = database_proxy.obj
    return database if isinstance(database, pw.SqliteDatabase) else None


def close_open_store() -> None:
    """Close the store the models are bound to, if one is open."""
    database = open_database()
    if database is not None:
        close_store(database)


def close_thread_connection() -> None:
    """Close this thread's connection to the store: a worker thread's must not outlive it."""
    database_proxy.close()
