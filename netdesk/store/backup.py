"""Backups with SQLite's online backup API: on demand, daily, before migrations and imports."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

import peewee as pw

from netdesk.core.clock import local_now
from netdesk.store.private_files import ensure_private_dir
from netdesk.store.sql import raw_connection

_NAME = re.compile(r"^netdesk-(\d{8}-\d{6})(?:-([a-z0-9-]+))?\.sqlite3$")


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    taken_at: dt.datetime
    reason: str


def backup_to_file(
    database: pw.SqliteDatabase, destination: Path, *, private_folder: bool = True
) -> Path:
    """Copy the live database to `destination` (0600), consistently, while it stays in use.

    With `private_folder` (the store's own backups folder) the folder is made or tightened to
    0700; without it (a file the user named) an existing folder keeps its mode, and only a
    folder made here is private. A failed copy (a full disk) leaves no partial file behind.
    """
    folder = destination.parent
    if private_folder or not folder.is_dir():
        ensure_private_dir(folder)
    tmp = destination.with_name(destination.name + PART)
    with partial_file(tmp):
        target = sqlite3.connect(str(tmp))
        try:
            raw_connection(database).backup(target)
        finally:
            target.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, destination)
    return destination


# A file being written: `name.part` beside the backup it becomes, `name.restoring` beside the
# store a restore replaces. Each is locked while written, so that a later start can tell one
# left by a killed process (unlocked) from one still being written (locked), and remove it.
PART = ".part"
RESTORING = ".restoring"


@contextlib.contextmanager
def partial_file(path: Path) -> Iterator[None]:
    """Create `path` (0600) and hold a lock on it while the block writes it; on failure it is
    removed. The block moves it into place when done."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise
    finally:
        os.close(fd)


def remove_stale_partials(folder: Path, database: Path | None = None) -> list[Path]:
    """Remove the `.part` files in `folder` (and the store's `.restoring` file) that no live
    process is writing: those a kill or a power cut left. Returns what was removed."""
    candidates = list(folder.glob("*" + PART)) if folder.is_dir() else []
    if database is not None:
        candidates.append(database.with_name(database.name + RESTORING))
        candidates.extend(database.parent.glob("*" + PART))
    removed = []
    for path in candidates:
        if not path.is_file() or _being_written(path):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def _being_written(path: Path) -> bool:
    if fcntl is None:
        # No advisory locks here: only a file untouched for an hour is surely abandoned.
        return time.time() - path.stat().st_mtime < 3600
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def backup_database(
    database: pw.SqliteDatabase,
    backup_dir: Path,
    *,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Path:
    """A timestamped backup in `backup_dir`; `reason` is kept in the file name."""
    when = (now or local_now()).strftime("%Y%m%d-%H%M%S")
    suffix = f"-{reason}" if reason else ""
    path = backup_dir / f"netdesk-{when}{suffix}.sqlite3"
    counter = 1
    while path.exists():
        counter += 1
        path = backup_dir / f"netdesk-{when}{suffix}-{counter}.sqlite3"
    return backup_to_file(database, path)


def list_backups(backup_dir: Path) -> list[BackupFile]:
    """Backups in the folder, newest first."""
    found = []
    if not backup_dir.is_dir():
        return []
    for path in backup_dir.iterdir():
        match = _NAME.match(path.name)
        if not match:
            continue
        taken = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
        found.append(BackupFile(path, taken, match.group(2) or ""))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def check_backup_file(path: Path) -> str:
    """Why a file cannot be restored ('' when it can): not SQLite, damaged, not NetDesk's."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if [r[0] for r in rows] != ["ok"]:
            return "the file is damaged"
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if not found:
            return "it holds no NetDesk data"
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    return ""


class StoreBusyError(Exception):
    """The store stayed in use by another writer (an import) for longer than a restore may
    wait; nothing was changed."""


def restore_file(
    source: Path,
    database_path: Path,
    *,
    prepare: Callable[[Path], None] | None = None,
    wait: float = 30.0,
) -> None:
    """Replace the store at `database_path` with a copy of `source`, all or nothing.

    The copy is made beside the store (`.restoring`, removed on failure) and `prepare(copy)`
    may bring it up to date (migrations). A live store is then overwritten page by page in
    one write transaction of its own (SQLite's backup API): other processes' connections stay
    valid and see the restored store as one commit, a writer in the middle of a transaction
    (an import) finishes first, and the restore waits for it at most `wait` seconds before
    it gives up (StoreBusyError), the store untouched. A missing store is simply replaced.
    """
    tmp = database_path.with_name(database_path.name + RESTORING)
    with partial_file(tmp):
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        os.chmod(tmp, 0o600)
        if prepare is not None:
            prepare(tmp)
        if database_path.exists() and database_path.stat().st_size > 0:
            _copy_into_live(tmp, database_path, wait)
            tmp.unlink()
            return
        for suffix in ("-wal", "-shm"):
            stale = database_path.with_name(database_path.name + suffix)
            if stale.exists():
                stale.unlink()
        os.replace(tmp, database_path)


def _copy_into_live(copy: Path, database_path: Path, wait: float) -> None:
    """Overwrite the live store with `copy` in one transaction, waiting for other writers."""
    live = sqlite3.connect(str(database_path), timeout=min(wait, 1.0))
    src = sqlite3.connect(str(copy))
    try:
        live_page = live.execute("PRAGMA page_size").fetchone()[0]
        if src.execute("PRAGMA page_size").fetchone()[0] != live_page:
            # A store in WAL mode only takes pages of its own size.
            src.execute(f"PRAGMA page_size = {int(live_page)}")
            src.execute("VACUUM")
        deadline = time.monotonic() + wait

        def progress(status: int, _remaining: int, _total: int) -> None:
            busy = status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if busy and time.monotonic() > deadline:
                raise StoreBusyError(
                    f"the store at {database_path} stayed in use by another writer for "
                    f"{wait:.0f} s"
                )

        src.backup(live, progress=progress, sleep=0.05)
        # The copy's journal mode came along with its pages: the store stays in WAL.
        live.execute("PRAGMA journal_mode = wal")
    finally:
        src.close()
        live.close()


# Backups NetDesk takes by itself, which retention may delete; those the user asked for
# ("manual") or that protect a restore are never deleted automatically.
AUTOMATIC_REASONS = ("daily", "before-import", "before-migration")


def _automatic(reason: str) -> bool:
    return any(reason == r or reason.startswith(r + "-") for r in AUTOMATIC_REASONS)


def prune_backups(
    backup_dir: Path, now: dt.datetime, *, daily: int = 7, weekly: int = 4
) -> list[Path]:
    """Keep the newest automatic backup of each of the last `daily` days that have one and of
    each of the `weekly` weeks before those; delete the other automatic ones. Returns deleted.
    """
    automatic = [b for b in list_backups(backup_dir) if _automatic(b.reason)]
    keep: set[Path] = set()
    days_kept: set[dt.date] = set()
    weeks_kept: set[tuple[int, int]] = set()  # weeks already holding a kept backup
    weekly_kept = 0
    for item in automatic:  # newest first
        day = item.taken_at.date()
        year, week, _ = item.taken_at.isocalendar()
        if day in days_kept:
            continue
        if len(days_kept) < daily:
            days_kept.add(day)
            weeks_kept.add((year, week))
            keep.add(item.path)
        elif (year, week) not in weeks_kept and weekly_kept < weekly:
            weeks_kept.add((year, week))
            weekly_kept += 1
            keep.add(item.path)
    deleted = []
    for item in automatic:
        if item.path not in keep and item.taken_at <= now:
            item.path.unlink(missing_ok=True)
            deleted.append(item.path)
    return deleted


def daily_backup_due(backup_dir: Path, now: dt.datetime) -> bool:
    """True when no backup has been taken today."""
    return not any(b.taken_at.date() == now.date() for b in list_backups(backup_dir))


def take_daily_backup(
    database: pw.SqliteDatabase, backup_dir: Path, now: dt.datetime
) -> Path | None:
    """The daily backup, when today has none yet, followed by retention; returns the new file."""
    if not daily_backup_due(backup_dir, now):
        return None
    made = backup_database(database, backup_dir, reason="daily", now=now)
    prune_backups(backup_dir, now)
    return made


def newest_backup(backup_dir: Path) -> BackupFile | None:
    """The newest backup that passes SQLite's check: what the recovery offer proposes."""
    for item in list_backups(backup_dir):
        if not check_backup_file(item.path):
            return item
    return None
