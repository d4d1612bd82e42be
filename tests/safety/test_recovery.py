"""Recovery: a damaged store is moved aside (never overwritten) and a backup offered; a newer
store is refused untouched; Restore from backup; the daily backup timer."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from netdesk import paths as paths_mod
from netdesk.services.actions import Actions
from netdesk.services.backups import DailyBackups, next_run
from netdesk.services.clock import FixedClock
from netdesk.services.signals import Hub
from netdesk.store import backup, db, recovery, writer
from netdesk.store.models import Contact
from netdesk.ui.dialogs import recovery as dialogs

NOW = dt.datetime(2026, 11, 26, 9, 0)


def _make_store(where: paths_mod.Paths, names: list[str]) -> None:
    database = db.open_store(where.database, backup_dir=where.backups)
    for name in names:
        writer.create_contact({"display_name": name}, NOW)
    db.close_store(database)


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "header":
        data[:16] = b"this is no db!!\x00"
    else:
        # Scribble over every page after the first: the schema survives, the tables do not.
        for offset in range(4096, len(data), 4096):
            data[offset : offset + 64] = os.urandom(64)
    path.write_bytes(bytes(data))


@pytest.fixture
def where(tmp_path: Path) -> paths_mod.Paths:
    return paths_mod.resolve(tmp_path / "data")


@pytest.fixture
def damaged_store_with_backup(where: paths_mod.Paths) -> bytes:
    """A store holding Ana and Ben, a backup of it, then Carla added and the file damaged."""
    _make_store(where, ["Ana Lima", "Ben Okafor"])
    database = db.open_store(where.database, backup_dir=where.backups)
    backup.backup_database(database, where.backups, reason="daily", now=NOW)
    writer.create_contact({"display_name": "Carla Diaz"}, NOW)
    db.close_store(database)
    _damage(where.database, "header")
    return where.database.read_bytes()


@pytest.mark.parametrize("how", ["header", "pages"])
def test_a_damaged_store_is_refused_then_moved_aside_whole(
    where: paths_mod.Paths, how: str
) -> None:
    _make_store(where, [f"Person {i}" for i in range(300)])
    _damage(where.database, how)
    before = where.database.read_bytes()
    with pytest.raises(db.DamagedStoreError) as caught:
        db.open_store(where.database, backup_dir=where.backups)
    assert where.database.read_bytes() == before  # refusing does not touch it
    wal = where.database.with_name(where.database.name + "-wal")
    wal.write_bytes(b"wal pages")
    aside = recovery.set_aside(where, caught.value, NOW)
    assert not where.database.exists() and not wal.exists()
    assert aside.moved_to == where.damaged / "netdesk-20261126-090000.sqlite3"
    assert aside.moved_to.read_bytes() == before
    assert aside.moved_to.with_name(aside.moved_to.name + "-wal").read_bytes() == b"wal pages"
    assert aside.backup is None
    assert "moved to" in aside.message and "nothing was deleted" in aside.message
    # A second damaged store the same second gets its own name.
    where.database.write_bytes(b"garbage")
    again = recovery.set_aside(where, db.DamagedStoreError(where.database, "x"), NOW)
    assert again.moved_to != aside.moved_to and aside.moved_to.exists()


def test_a_busy_store_is_never_moved(where: paths_mod.Paths) -> None:
    _make_store(where, ["Ana Lima"])
    with pytest.raises(recovery.RecoveryError, match="in use"):
        recovery.set_aside(where, db.DamagedStoreError(where.database, "database is locked"), NOW)
    assert where.database.exists() and not where.damaged.exists()


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (dialogs.Choice.RESTORE, ["Ana Lima", "Ben Okafor"]),
        (dialogs.Choice.EMPTY, []),
    ],
)
def test_the_recovery_offer_restores_or_starts_empty(
    where: paths_mod.Paths,
    damaged_store_with_backup: bytes,
    choice: dialogs.Choice,
    expected: list[str],
) -> None:
    offered: list[recovery.SetAside] = []

    def ask(aside: recovery.SetAside) -> dialogs.Choice:
        offered.append(aside)
        return choice

    database = dialogs.open_store_or_recover(where, FixedClock(NOW), ask=ask, tell=_no_tell)
    assert database is not None
    try:
        names = sorted(c.display_name for c in Contact.select())
    finally:
        db.close_store(database)
    assert names == expected
    (aside,) = offered
    assert aside.backup is not None and aside.backup.reason == "daily"
    # The damaged file is still on disk, byte for byte.
    assert aside.moved_to.read_bytes() == damaged_store_with_backup


def _no_tell(title: str, text: str) -> None:
    raise AssertionError(f"unexpected message: {title}: {text}")


def test_quitting_the_offer_keeps_the_damaged_file(
    where: paths_mod.Paths, damaged_store_with_backup: bytes
) -> None:
    result = dialogs.open_store_or_recover(
        where, FixedClock(NOW), ask=lambda _a: dialogs.Choice.QUIT, tell=_no_tell
    )
    assert result is None
    (moved,) = where.damaged.glob("*.sqlite3")
    assert moved.read_bytes() == damaged_store_with_backup
    assert not where.database.exists()


def _set_schema(path: Path, version: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO schema_version (version, changed_at) VALUES (?, '2030-01-01')", [version]
    )
    conn.commit()
    conn.close()


def test_a_newer_store_is_refused_and_left_untouched(where: paths_mod.Paths) -> None:
    _make_store(where, ["Ana Lima"])
    _set_schema(where.database, 999)
    before = (where.database.read_bytes(), where.database.stat().st_mtime_ns)
    told: list[str] = []
    result = dialogs.open_store_or_recover(
        where,
        FixedClock(NOW),
        ask=lambda _a: pytest.fail("no recovery offer for a newer store"),
        tell=lambda title, text: told.append(text),
    )
    assert result is None
    assert len(told) == 1 and "newer NetDesk" in told[0] and "untouched" in told[0]
    assert (where.database.read_bytes(), where.database.stat().st_mtime_ns) == before
    assert not where.damaged.exists()


def test_the_recovery_dialog_says_it_in_plain_words(
    qtbot: QtBot, where: paths_mod.Paths, damaged_store_with_backup: bytes
) -> None:
    with pytest.raises(db.DamagedStoreError) as caught:
        db.open_store(where.database)
    aside = recovery.set_aside(where, caught.value, NOW)
    dialog = dialogs.RecoveryDialog(aside)
    qtbot.addWidget(dialog)
    text = dialog.message.text()
    assert "couldn't read your database" in text
    assert str(aside.moved_to) in text and "nothing was deleted" in text
    assert "Thursday 26 November 2026, 09:00" in text
    assert dialog.restore_button is not None and dialog.restore_button.isDefault()
    for button in (dialog.restore_button, dialog.empty_button, dialog.quit_button):
        assert button.accessibleName()
    dialog.empty_button.click()
    assert dialog.choice is dialogs.Choice.EMPTY
    assert dialog.result() == dialogs.QDialog.DialogCode.Accepted


def test_restore_from_backup_in_the_app(qtbot: QtBot, where: paths_mod.Paths) -> None:
    _make_store(where, ["Ana Lima"])
    database = db.open_store(where.database, backup_dir=where.backups)
    old = backup.backup_database(database, where.backups, reason="manual", now=NOW)
    writer.create_contact({"display_name": "Ben Okafor"}, NOW)
    hub = Hub()
    listed: list[list[backup.BackupFile]] = []

    def choose(items: list[backup.BackupFile]) -> str:
        listed.append(items)
        return str(items[0].path)

    with qtbot.waitSignal(hub.contactsChanged) as changed:
        assert dialogs.restore_from_backup(
            where,
            Actions(hub, FixedClock(NOW + dt.timedelta(hours=1))),
            choose=choose,
            tell=_no_tell,
        )
    assert changed.args == [[]]
    assert [b.path for b in listed[0]] == [old]
    assert database.is_closed()
    try:
        assert [c.display_name for c in Contact.select()] == ["Ana Lima"]
    finally:
        db.close_store(Contact._meta.database.obj)
    # The store as it was before the restore was saved first, and holds Ben.
    (safety,) = [b for b in backup.list_backups(where.backups) if b.reason == "before-restore"]
    conn = sqlite3.connect(safety.path)
    assert sorted(r[0] for r in conn.execute("SELECT display_name FROM contact")) == [
        "Ana Lima",
        "Ben Okafor",
    ]
    conn.close()


def test_the_restore_dialog_lists_backups_newest_first(qtbot: QtBot, tmp_path: Path) -> None:
    items = [
        backup.BackupFile(tmp_path / "b.sqlite3", NOW, "daily"),
        backup.BackupFile(tmp_path / "a.sqlite3", NOW - dt.timedelta(days=1), "before-import"),
    ]
    dialog = dialogs.RestoreDialog(items)
    qtbot.addWidget(dialog)
    rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert rows == [
        "Thu 26 Nov 2026, 09:00: daily backup",
        "Wed 25 Nov 2026, 09:00: taken before an import",
    ]
    assert dialog.chosen() == str(tmp_path / "b.sqlite3")
    assert dialog.restore_button.isEnabled()


def _netdesk(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "netdesk", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_headless_commands_on_a_damaged_store(
    where: paths_mod.Paths, damaged_store_with_backup: bytes
) -> None:
    result = _netdesk("due", data_dir=where.data_dir)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert str(where.database) in lines[0] and "netdesk restore" in lines[0]
    assert where.database.read_bytes() == damaged_store_with_backup
    # `netdesk restore` mends it: the damaged file is moved aside, the backup put in place.
    (daily,) = backup.list_backups(where.backups)
    result = _netdesk("restore", str(daily.path), data_dir=where.data_dir)
    assert result.returncode == 0, result.stderr
    assert "Restored 2 contacts" in result.stdout and "moved to" in result.stdout
    (moved,) = where.damaged.glob("*.sqlite3")
    assert moved.read_bytes() == damaged_store_with_backup


def test_daily_backups_while_the_app_runs(qtbot: QtBot, where: paths_mod.Paths) -> None:
    _make_store(where, ["Ana Lima"])
    database = db.open_store(where.database, backup_dir=where.backups)
    try:
        clock = FixedClock(NOW)
        daily = DailyBackups(where.backups, clock, first_check_ms=0)
        with qtbot.waitSignal(daily.backupTaken, timeout=5000) as taken:
            daily.start()
        made = Path(taken.args[0])
        assert made.parent == where.backups and made.name.endswith("-daily.sqlite3")
        # No polling: one single-shot timer, set for five past midnight.
        assert daily.timer.isSingleShot() and daily.timer.isActive()
        assert abs(daily.timer.remainingTime() - 15 * 3600_000 - 5 * 60_000) < 5_000
        assert daily.run_now() is None  # once a day
        clock.advance(dt.timedelta(days=1))
        assert daily.run_now() is not None
        daily.stop()
    finally:
        db.close_store(database)
    assert next_run(dt.datetime(2026, 12, 31, 23, 59)) == dt.datetime(2027, 1, 1, 0, 5)


def test_a_failed_daily_backup_is_reported_not_raised(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    database = db.open_store(tmp_path / "store.sqlite3")
    try:
        daily = DailyBackups(blocker / "backups", FixedClock(NOW), lambda: database)
        with qtbot.waitSignal(daily.backupFailed):
            assert daily.run_now() is None
        assert daily.timer.isActive()
        daily.stop()
    finally:
        db.close_store(database)


def test_the_window_offers_restore_and_backs_up_daily_after_the_first_paint(
    qtbot: QtBot, desk, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    window = desk()
    action = window.actions["restore_backup"]
    assert action in window.menus["file"].actions()
    assert action.text().replace("&", "") == "Restore from backup…"
    daily = window.daily_backups
    # Shown and painted: the first check is scheduled, a few seconds out, not run at start.
    qtbot.waitUntil(daily.timer.isActive)
    assert not (data_dir / "backups").exists() or not list((data_dir / "backups").iterdir())
    with qtbot.waitSignal(daily.backupTaken):
        daily.timer.timeout.emit()
    assert [b.reason for b in backup.list_backups(data_dir / "backups")] == ["daily"]


def test_restoring_in_the_app_reloads_the_window(qtbot: QtBot, store, data_dir: Path, desk) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QTableView

    where = paths_mod.resolve(data_dir)
    writer.create_contact({"display_name": "Ana Lima"}, NOW)
    old = backup.backup_database(store, where.backups, reason="manual", now=NOW)
    writer.create_contact({"display_name": "Ben Okafor"}, NOW)
    window = desk()
    contact_list = window.findChild(QTableView, "contactList")

    def names() -> list[str]:
        model = contact_list.model()
        return sorted(model.index(r, 0).data() for r in range(model.rowCount()))

    qtbot.waitUntil(lambda: names() == ["Ana Lima", "Ben Okafor"])
    assert dialogs.restore_from_backup(
        where, window.user_actions, window, choose=lambda _items: str(old), tell=_no_tell
    )
    qtbot.waitUntil(lambda: names() == ["Ana Lima"])
    assert "Restored the backup" in window.banner.label.text()
    # Edit > Undo puts the store back as it was before the restore; Redo restores again.
    assert window.undo_stack.undoText() == f"Restore {Path(old).name}"
    window.actions["undo"].trigger()
    qtbot.waitUntil(lambda: names() == ["Ana Lima", "Ben Okafor"])
    window.actions["redo"].trigger()
    qtbot.waitUntil(lambda: names() == ["Ana Lima"])
    db.close_store(Contact._meta.database.obj)
