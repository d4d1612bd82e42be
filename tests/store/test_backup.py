"""Backups: taken with the online API, 0600, rotated 7 daily and 4 weekly, restorable."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from pathlib import Path

import peewee as pw

from netdesk.store import backup, writer


def _fake(backup_dir: Path, when: dt.datetime, reason: str) -> Path:
    backup_dir.mkdir(parents=True, exist_ok=True)
    path = backup_dir / f"netdesk-{when:%Y%m%d-%H%M%S}-{reason}.sqlite3"
    path.write_bytes(b"")
    return path


def test_retention_keeps_seven_daily_and_four_weekly(tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 26, 12, 0)
    made = [
        _fake(tmp_path, now - dt.timedelta(days=d, hours=h), "daily")
        for d in range(60)
        for h in (0, 3)
    ]
    manual = _fake(tmp_path, now - dt.timedelta(days=200), "manual")
    restore_guard = _fake(tmp_path, now - dt.timedelta(days=100), "before-restore")
    backup.prune_backups(tmp_path, now)
    left = backup.list_backups(tmp_path)
    automatic = [b for b in left if b.reason == "daily"]
    days = sorted({b.taken_at.date() for b in automatic}, reverse=True)
    assert len(automatic) == 11 == len(days)
    assert days[:7] == [(now - dt.timedelta(days=d)).date() for d in range(7)]
    weeks = [tuple(dt.datetime.combine(d, dt.time()).isocalendar())[:2] for d in days[7:]]
    assert len(set(weeks)) == 4
    # The newest of each day is the one kept.
    assert all(b.taken_at.hour == 12 for b in automatic[:7])
    assert manual.exists() and restore_guard.exists()
    assert len(made) == 120


def test_daily_backup_once_a_day_and_private(store: pw.SqliteDatabase, tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 26, 9, 0)
    writer.create_contact({"display_name": "Ana Lima"}, now)
    first = backup.take_daily_backup(store, tmp_path / "b", now)
    assert first is not None and stat.S_IMODE(first.stat().st_mode) == 0o600
    assert backup.take_daily_backup(store, tmp_path / "b", now + dt.timedelta(hours=5)) is None
    assert backup.take_daily_backup(store, tmp_path / "b", now + dt.timedelta(days=1)) is not None
    conn = sqlite3.connect(first)
    assert conn.execute("SELECT display_name FROM contact").fetchall() == [("Ana Lima",)]
    conn.close()
    assert backup.check_backup_file(first) == ""
    assert backup.newest_backup(tmp_path / "b") is not None


def test_a_broken_backup_is_not_offered(tmp_path: Path) -> None:
    bad = _fake(tmp_path, dt.datetime(2026, 11, 25, 9, 0), "daily")
    bad.write_bytes(b"not a database at all" * 100)
    assert backup.check_backup_file(bad) != ""
    assert backup.newest_backup(tmp_path) is None
