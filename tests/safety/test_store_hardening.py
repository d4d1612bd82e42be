"""Stores that are not what they seem: unreadable, read-only, empty, someone else's SQLite,
and the partial files a killed backup or restore leaves behind."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from netdesk.store import backup, db, writer

NOW = dt.datetime(2026, 11, 26, 9)
CARD = "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Lima\nEMAIL:ana@example.org\nEND:VCARD\n"


def netdesk(
    *args: str, powers: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the command line; without `powers`, as root would run it without the right to
    ignore file modes (so that a mode-000 file is unreadable even to the test's root)."""
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    command = [sys.executable, "-m", "netdesk", *args]
    if not powers and os.geteuid() == 0:
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    database = db.open_store(data / db.DATABASE_NAME)
    writer.create_contact(
        {"display_name": "Ana Lima"}, dt.datetime(2026, 11, 26, 9), emails=["ana@example.org"]
    )
    db.close_store(database)
    return data


def test_an_unreadable_store_is_not_called_damaged_and_never_moved(filled: Path) -> None:
    database = filled / "netdesk.sqlite3"
    before = database.read_bytes()
    os.chmod(database, 0)
    try:
        done = netdesk("due", "--data-dir", str(filled), powers=False)
        app = netdesk("--exit-after-launch", "--data-dir", str(filled), powers=False)
    finally:
        os.chmod(database, 0o600)
    assert done.returncode == 1
    assert "not allowed to read" in done.stderr and "not damaged" in done.stderr
    assert "damaged and cannot be read" not in done.stderr
    assert app.returncode == 1 and "not allowed to read" in app.stderr
    assert database.read_bytes() == before
    assert not (filled / "damaged").exists()


def test_a_read_only_data_folder_is_said_as_such(filled: Path) -> None:
    os.chmod(filled, 0o500)
    try:
        app = netdesk("--exit-after-launch", "--data-dir", str(filled), powers=False)
        done = netdesk("due", "--data-dir", str(filled), powers=False)
    finally:
        os.chmod(filled, 0o700)
    assert app.returncode == 1
    assert "read-only" in app.stderr and "already running" not in app.stderr
    assert done.returncode == 1 and "read-only" in done.stderr


def test_restore_refuses_an_sqlite_file_that_is_not_a_netdesk_store(
    filled: Path, tmp_path: Path
) -> None:
    for tables in (["notes (id INTEGER PRIMARY KEY, text TEXT)"], ["schema_version (version)"]):
        foreign = tmp_path / f"foreign-{len(tables[0])}.sqlite3"
        conn = sqlite3.connect(foreign)
        for table in tables:
            conn.execute(f"CREATE TABLE {table}")
        if "schema_version" in tables[0]:
            conn.execute("INSERT INTO schema_version VALUES (7)")
        conn.commit()
        conn.close()
        done = netdesk("restore", "--data-dir", str(filled), str(foreign))
        assert done.returncode == 1, done.stdout
        assert "not a usable NetDesk backup" in done.stderr
    listed = netdesk("export", "--data-dir", str(filled), "--format", "csv")
    assert listed.returncode == 0 and "Ana Lima" in listed.stdout


def test_a_zero_byte_store_mentions_the_backups_beside_it(filled: Path) -> None:
    made = netdesk("backup", "--data-dir", str(filled))
    assert made.returncode == 0
    database = filled / "netdesk.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    database.touch()
    done = netdesk("due", "--data-dir", str(filled))
    assert done.returncode == 1
    assert "empty" in done.stderr and str(filled / "backups") in done.stderr
    assert database.stat().st_size == 0  # left as it was for the user (or the app) to decide


def test_stale_partial_files_are_removed_on_the_next_start(filled: Path) -> None:
    stale_backup = filled / "backups" / "netdesk-20261126-090000-manual.sqlite3.part"
    stale_backup.parent.mkdir(exist_ok=True)
    stale_backup.write_bytes(b"\x00" * 4096)
    stale_restore = filled / "netdesk.sqlite3.restoring"
    stale_restore.write_bytes(b"\x00" * 4096)
    # One still being written by a live process (it holds the lock) is left alone.
    live = filled / "backups" / "netdesk-20261126-090001-manual.sqlite3.part"
    with backup.partial_file(live):
        done = netdesk("due", "--data-dir", str(filled))
        assert done.returncode == 0, done.stderr
        assert live.exists()
    assert not stale_backup.exists() and not stale_restore.exists()


def _on_a_small_disk(
    data: Path, size_kb: int, out: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run the command line on a copy of `data` on a tmpfs of `size_kb` (a private mount, gone
    when the command ends); the folder as the command left it is copied to `out`."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("a small disk needs root (a private tmpfs mount)")
    mount = out.parent / "mnt"
    mount.mkdir()
    script = (
        f'mount -t tmpfs -o size={size_kb}k tmpfs "{mount}" || exit 99\n'
        f'cp -a "{data}" "{mount}/data"\n'
        f'"{sys.executable}" -m netdesk "$@" --data-dir "{mount}/data"\n'
        "rc=$?\n"
        f'cp -a "{mount}/data" "{out}"\n'
        "exit $rc\n"
    )
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if done.returncode == 99:
        pytest.skip("this machine does not allow a private tmpfs mount")
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.mark.parametrize("size_kb", [420, 700])
def test_a_full_disk_says_so_and_leaves_no_partial_file(
    filled: Path, tmp_path: Path, size_kb: int
) -> None:
    # 420 KB: the backup before the import does not fit; 700 KB: the import itself does not.
    big = tmp_path / "big.vcf"
    big.write_text(
        "".join(
            f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {i}\nNOTE:{'x' * 300}\nEND:VCARD\n"
            for i in range(3000)
        )
    )
    out = tmp_path / "after"
    done = _on_a_small_disk(filled, size_kb, out, "import", str(big))
    assert done.returncode == 1
    assert "cannot rollback" not in done.stderr and "unexpected" not in done.stderr
    assert "is full" in done.stderr and "your store is as it was" in done.stderr, done.stderr
    assert not list(out.rglob("*.part"))
    listed = netdesk("export", "--data-dir", str(out), "--format", "csv")
    assert listed.returncode == 0 and listed.stdout.count("\n") == 2  # header and Ana


def test_backup_removes_its_part_file_when_the_copy_fails(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out" / "copy.sqlite3"
    target.parent.mkdir()
    target.with_name("copy.sqlite3.part").mkdir()  # the copy cannot be created there
    with pytest.raises(OSError):
        backup.backup_to_file(store, target)
    assert not target.exists()
    assert db.open_database() is not None


def _start_app(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["TMPDIR"] = str(tmp_path)  # the demo folder and the instance socket land here
    return subprocess.Popen(
        [sys.executable, "-m", "netdesk", "--background", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_for(
    found: Callable[[], object], proc: subprocess.Popen[str], seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while not found():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_app_cleans_up_its_lock_socket_and_demo_folder(
    tmp_path: Path, sig: int
) -> None:
    proc = _start_app(tmp_path, "--demo")
    try:
        _wait_for(lambda: list(tmp_path.glob("netdesk-demo-*/netdesk.lock")), proc)
        _wait_for(lambda: list(tmp_path.glob("netdesk-*[0-9a-f]")), proc)  # the socket
        time.sleep(1.0)  # let the window's deferred start-up run
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert not list(tmp_path.glob("netdesk-demo-*")), "the demo folder was left behind"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("netdesk-")]


def test_a_terminated_app_releases_its_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    proc = _start_app(tmp_path, "--data-dir", str(data))
    try:
        _wait_for(lambda: (data / "netdesk.lock").exists(), proc)
        time.sleep(1.0)
        proc.terminate()
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert not (data / "netdesk.lock").exists()
    assert (data / "netdesk.sqlite3").is_file()
    assert not (data / "netdesk.sqlite3-wal").exists() or not (
        data / "netdesk.sqlite3-wal"
    ).stat().st_size  # closed cleanly: the log was checkpointed


def _damage_contact_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'contact'").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xa5" * page_size)


def test_a_damaged_large_store_is_checked_whole_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netdesk.ui.dialogs.recovery import install_error_hook

    data = tmp_path / "data"
    path = data / db.DATABASE_NAME
    database = db.open_store(path, backup_dir=data / "backups")
    for i in range(400):
        writer.create_contact({"display_name": f"Person {i}", "notes": "x" * 300}, NOW)
    backup.backup_database(database, data / "backups", reason="manual")
    db.close_store(database)
    _damage_contact_table(path)
    # A store over the size checked whole at open: the header passes, a read meets damage.
    monkeypatch.setattr(db, "FULL_CHECK_BYTES", path.stat().st_size // 2)
    database = db.open_store(path, backup_dir=data / "backups")
    try:
        with pytest.raises(Exception) as raised:
            db.run_sql(database, "SELECT count(*), max(length(notes)) FROM contact").fetchall()
    finally:
        db.close_store(database)
    assert db.is_damage(raised.value)

    asked: list[str] = []
    restarted: list[bool] = []
    previous = sys.excepthook
    try:
        install_error_hook(
            None,
            database=path,
            restart=lambda: restarted.append(True),
            ask_restart=lambda _parent, detail: asked.append(detail) or True,
        )
        sys.excepthook(type(raised.value), raised.value, None)
    finally:
        sys.excepthook = previous
    assert asked and "malformed" in asked[0]
    assert restarted == [True]
    # The next start checks the whole file, finds the damage, and so offers recovery.
    with pytest.raises(db.DamagedStoreError):
        db.open_store(path, backup_dir=data / "backups")
    assert db.check_mark(path).exists()


def test_a_sound_large_store_loses_its_check_mark_after_the_full_check(
    tmp_path: Path, store  # type: ignore[no-untyped-def]
) -> None:
    path = Path(db.database_file(store) or "")
    db.close_store(store)
    db.mark_for_full_check(path)
    db.close_store(db.open_store(path))
    assert not db.check_mark(path).exists()
