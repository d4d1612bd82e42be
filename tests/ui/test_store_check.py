"""A large store opens without its full check; the check runs after the first paint, in a
thread, and damage it finds is told and leads to recovery."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from netdesk import paths
from netdesk.core.domain import InteractionKind
from netdesk.services.clock import FixedClock
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store import db, writer
from netdesk.ui.dialogs.recovery import Choice
from netdesk.ui.main_window import AppContext, build_main_window
from netdesk.ui.store_check import check_store_later

PAGE = 4096


def _large_store(where: paths.Paths, now: dt.datetime) -> None:
    database = db.open_store(where.database)
    try:
        for i in range(400):
            contact = writer.create_contact(
                {"display_name": f"Person {i:03}", "notes": "met at the meetup " * 20}, now
            )
            writer.log_interaction(
                contact.id, InteractionKind.MEETING, now, now, summary="talked shop " * 60
            )
    finally:
        db.close_store(database)


def _damage(path: Path) -> None:
    """Scribble over leaf pages of the timeline (read only when a contact is opened): the
    header, the schema and what the window reads first stay readable."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = [
        n
        for (n,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'interaction' AND pagetype = 'leaf'"
        )
    ]
    conn.close()
    assert len(pages) > 20
    with path.open("r+b") as f:
        for page in pages[len(pages) // 2 :: 3]:
            f.seek((page - 1) * PAGE + 8)
            f.write(b"\xa5" * 600)


@pytest.fixture
def small_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # "Large" is anything over one page here: the test store is a few hundred kB.
    monkeypatch.setattr(db, "FULL_CHECK_BYTES", PAGE)


def _window(qtbot, now: dt.datetime, data_dir: Path):  # type: ignore[no-untyped-def]
    window = build_main_window(
        AppContext(hub=Hub(), clock=FixedClock(now), settings=Settings(data_dir / "s.ini"))
    )
    window.close_policy = lambda event: event.accept()
    qtbot.addWidget(window)
    return window


def test_a_damaged_large_store_opens_then_the_check_finds_it_and_recovers(
    qtbot, small_check: None, tmp_path: Path, now: dt.datetime
) -> None:
    where = paths.resolve(tmp_path / "data")
    _large_store(where, now)
    _damage(where.database)
    assert db.needs_verifying(where.database)
    db.open_store(where.database, backup_dir=where.backups)  # no full check: it opens
    window = _window(qtbot, now, where.data_dir)
    ended: list[bool] = []
    asked: list[str] = []
    check = check_store_later(window, where, ended.append)
    assert check is not None
    check.ask = lambda parent, detail: asked.append(detail) or True
    check.ask_recovery = lambda aside: Choice.EMPTY
    with qtbot.waitSignal(check.finished, timeout=10_000) as finished:
        pass
    assert finished.args[0]  # SQLite's words for what is wrong
    assert asked == [finished.args[0]]
    assert ended == [True]  # restart into recovery
    moved = list(where.damaged.glob("netdesk-*.sqlite3"))
    assert len(moved) == 1  # set aside, not deleted
    assert not where.database.exists()


def test_not_now_leaves_the_store_where_it_is(
    qtbot, small_check: None, tmp_path: Path, now: dt.datetime
) -> None:
    where = paths.resolve(tmp_path / "data")
    _large_store(where, now)
    _damage(where.database)
    database = db.open_store(where.database, backup_dir=where.backups)
    window = _window(qtbot, now, where.data_dir)
    ended: list[bool] = []
    check = check_store_later(window, where, ended.append)
    assert check is not None
    check.ask = lambda parent, detail: False
    with qtbot.waitSignal(check.damaged, timeout=10_000):
        pass
    assert ended == []
    assert where.database.exists()
    db.close_store(database)


def test_a_healthy_large_store_passes_quietly(
    qtbot, small_check: None, tmp_path: Path, now: dt.datetime
) -> None:
    where = paths.resolve(tmp_path / "data")
    _large_store(where, now)
    database = db.open_store(where.database, backup_dir=where.backups)
    window = _window(qtbot, now, where.data_dir)
    check = check_store_later(window, where, lambda again: pytest.fail("restarted"))
    assert check is not None
    check.ask = lambda parent, detail: pytest.fail(f"asked about {detail}")
    with qtbot.waitSignal(check.finished, timeout=10_000) as finished:
        pass
    assert finished.args == [""]
    db.close_store(database)


def test_a_small_store_is_checked_before_it_opens(tmp_path: Path, now: dt.datetime) -> None:
    where = paths.resolve(tmp_path / "data")
    _large_store(where, now)
    assert not db.needs_verifying(where.database)  # the full check ran in open_store
