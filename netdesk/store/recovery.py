"""Recovering from a damaged store: move it aside (never delete it), restore a backup safely."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from netdesk.paths import Paths
from netdesk.store import backup, db, migrations

log = logging.getLogger("netdesk.store.recovery")

# The database and every file SQLite may keep beside it; all travel together.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")

# SQLite errors that say "not now" rather than "damaged": a healthy file must never be
# moved aside because another process held a lock on it for a moment.
_TRANSIENT = ("locked", "busy")


class RecoveryError(db.StoreError):
    """A recovery step that could not be done, said in plain words."""


@dataclass(frozen=True, slots=True)
class SetAside:
    """A damaged store moved out of the way, and the backup that could replace it."""

    original: Path
    moved_to: Path  # the main file's new path; its -wal/-shm sit beside it
    detail: str  # SQLite's own words, for the log and the "details" part of the message
    backup: backup.BackupFile | None

    @property
    def message(self) -> str:
        """What happened, for the user, in plain words."""
        text = (
            f"NetDesk couldn't read your database at {self.original}. "
            f"It was moved to {self.moved_to}; nothing was deleted."
        )
        if self.backup is not None:
            text += (
                f" The newest usable backup is from {self.backup.taken_at:%A %d %B %Y, %H:%M}"
                f" ({describe_reason(self.backup.reason)})."
            )
        else:
            text += " No usable backup was found, so NetDesk can start with an empty store."
        return text


def describe_reason(reason: str) -> str:
    """A backup's reason (kept in its file name) as words."""
    if reason == "daily":
        return "daily backup"
    if reason == "manual":
        return "backup you made"
    if reason.startswith("before-import"):
        return "taken before an import"
    if reason.startswith("before-migration"):
        return "taken before an update of NetDesk"
    if reason.startswith("before-restore"):
        return "taken before a restore"
    return reason.replace("-", " ") or "backup"


def is_transient(detail: str) -> bool:
    """True when SQLite's complaint means "try again", not "damaged"."""
    lowered = detail.casefold()
    return any(word in lowered for word in _TRANSIENT)


def move_aside(database: Path, damaged_dir: Path, now: dt.datetime) -> Path:
    """Move the database and its -wal/-shm into `damaged_dir` under a dated name; never copy
    over or delete anything. Returns the main file's new path.
    """
    db.ensure_private_dir(damaged_dir)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = damaged_dir / f"netdesk-{stamp}.sqlite3"
    counter = 1
    while any(target.with_name(target.name + s).exists() for s in ("", *COMPANION_SUFFIXES)):
        counter += 1
        target = damaged_dir / f"netdesk-{stamp}-{counter}.sqlite3"
    # The -wal holds committed transactions the main file lacks: it must stay with it, and
    # it goes first so that no later open can mistake it for the new store's.
    for suffix in (*COMPANION_SUFFIXES, ""):
        source = database.with_name(database.name + suffix)
        if source.exists():
            os.replace(source, target.with_name(target.name + suffix))
    log.warning("damaged store moved aside to %s", target)
    return target


def set_aside(paths: Paths, error: db.DamagedStoreError, now: dt.datetime) -> SetAside:
    """Move a store that could not be read out of the way, and find the newest usable backup.

    Refuses (RecoveryError) when SQLite only said the file was busy: that store is not damaged.
    """
    if is_transient(error.detail):
        raise RecoveryError(
            f"The NetDesk database at {paths.database} is in use by another program "
            f"({error.detail}). Close it and start NetDesk again."
        )
    try:
        moved = move_aside(paths.database, paths.damaged, now)
    except OSError as exc:
        raise RecoveryError(
            f"NetDesk couldn't read your database at {paths.database}, and couldn't move it "
            f"aside either ({exc.strerror}). Nothing was changed."
        ) from exc
    return SetAside(paths.database, moved, error.detail, usable_backup(paths.backups))


def usable_backup(backup_dir: Path) -> backup.BackupFile | None:
    """The newest backup this version can open: readable, and not from a newer NetDesk."""
    for item in backup.list_backups(backup_dir):
        if not unusable_reason(item.path):
            return item
    return None


def unusable_reason(path: Path) -> str:
    """Why a backup file cannot be restored ('' when it can)."""
    detail = backup.check_backup_file(path)
    if detail:
        return detail
    try:
        version = db.inspect_file(path)
    except db.DamagedStoreError as exc:
        return exc.detail
    if version > migrations.LATEST:
        return "it was written by a newer NetDesk"
    return ""


def restore_backup(
    source: Path,
    paths: Paths,
    now: dt.datetime,
    current: pw.SqliteDatabase | None = None,
    *,
    wait: float = 30.0,
) -> Path | None:
    """Replace the store with `source`, brought up to this version's schema, all or nothing.

    The store as it is is backed up first (through `current` when given, else through a
    connection of its own) unless it cannot be read; that safety backup is returned. The
    live store is overwritten in one write transaction (backup.restore_file): every open
    connection, `current` included, stays valid and sees the restored store; a writer in
    the middle of an import finishes first, or the restore gives up after `wait` seconds
    (RecoveryError) and nothing changed.
    """
    detail = unusable_reason(source)
    if detail:
        raise RecoveryError(f"{source} is not a usable NetDesk backup ({detail}).")
    db.ensure_private_dir(paths.data_dir)
    try:
        # An import commits block by block: the restore waits for it to end, never lands
        # between two of its blocks, and new imports wait for the restore.
        with db.no_import_running(paths.database, wait):
            safety = None
            if current is not None and not current.is_closed():
                safety = backup.backup_database(
                    current, paths.backups, reason="before-restore", now=now
                )
            elif paths.database.exists() and paths.database.stat().st_size > 0:
                safety = _safety_backup(paths, now)
            backup.restore_file(source, paths.database, prepare=_bring_up_to_date, wait=wait)
    except db.ImportRunningError as exc:
        raise RecoveryError(str(exc)) from exc
    except backup.StoreBusyError as exc:
        raise RecoveryError(
            f"The store is in use by another writer (an import, most likely) and stayed busy "
            f"for {wait:.0f} seconds, so nothing was restored; {exc}. Try again when it is "
            "done."
        ) from exc
    log.info("store restored from backup %s", source.name)
    return safety


def _safety_backup(paths: Paths, now: dt.datetime) -> Path | None:
    """A backup of the store on disk through a connection of its own; None when it cannot be
    read (a damaged store is the caller's to move aside)."""
    try:
        db.inspect_file(paths.database, full=False)
    except db.DamagedStoreError:
        return None
    database = db.connect(paths.database)
    try:
        return backup.backup_database(database, paths.backups, reason="before-restore", now=now)
    finally:
        database.close()


def _bring_up_to_date(copy: Path) -> None:
    """Migrate the copy about to become the store, before it replaces anything."""
    database = pw.SqliteDatabase(str(copy), pragmas={"foreign_keys": 1})
    database.connect()
    try:
        migrations.migrate(database)
    finally:
        database.close()
