"""Two things writing at once: a long import, the app saving a contact every 100 ms, and a
restore attempted in the middle. No save fails, no row is lost, and the restore is refused
while the import runs or applied after it, never between two of its blocks."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from netdesk.store import backup, db, importer, reader, writer

CARDS = 100_000
NOW = dt.datetime(2026, 11, 26, 9, 0)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    return env


def _names(database: Path, like: str) -> set[str]:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT display_name FROM contact WHERE display_name LIKE ?", [like])
        return {r[0] for r in rows}
    finally:
        conn.close()


def _count(database: Path, like: str) -> int:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT count(*) FROM contact WHERE display_name LIKE ?", [like])
        return int(row.fetchone()[0])
    finally:
        conn.close()


def _restore(data: Path, kept: Path, *, wait: int) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "netdesk", "restore", "--data-dir", str(data)]
    return subprocess.run(
        [*command, "--wait", str(wait), str(kept)],
        capture_output=True,
        text=True,
        env=_env(),
    )


class _Saver(threading.Thread):
    """The app: saves a contact every 100 ms on a connection of its own."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.saved: list[str] = []
        self.failed: list[str] = []
        self.longest = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        number = 0
        try:
            while not self.stop.is_set():
                number += 1
                name = f"Saved {number}"
                started = time.monotonic()
                try:
                    writer.create_contact({"display_name": name}, NOW)
                except Exception as exc:  # every failure is the test's finding
                    self.failed.append(f"{name}: {type(exc).__name__}: {exc}")
                else:
                    self.saved.append(name)
                self.longest = max(self.longest, time.monotonic() - started)
                self.stop.wait(0.1)
        finally:
            db.close_thread_connection()


@pytest.mark.slow
def test_import_saves_and_a_restore_at_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = data / db.DATABASE_NAME
    database = db.open_store(path, backup_dir=data / "backups")
    for i in range(5):
        writer.create_contact({"display_name": f"Before {i}"}, NOW)
    kept = backup.backup_to_file(database, tmp_path / "kept.sqlite3")
    cards = tmp_path / "cards.vcf"
    with cards.open("w") as out:
        for i in range(CARDS):
            out.write(
                f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {i}\nEMAIL:p{i}@example.org\n"
                f"ORG:Company {i % 997}\nEND:VCARD\n"
            )

    few = tmp_path / "few.vcf"
    few.write_text(
        "".join(
            f"BEGIN:VCARD\nVERSION:3.0\nFN:Other {i}\nEMAIL:o{i}@example.org\nEND:VCARD\n"
            for i in range(2_000)
        )
    )

    started = time.monotonic()
    imported = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "import", "--data-dir", str(data), str(cards)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    saver = _Saver()
    saver.start()
    try:
        # Once the import writes (its first block is committed), a restore is attempted.
        deadline = time.monotonic() + 120
        while _count(path, "Person %") == 0:
            assert imported.poll() is None, imported.communicate()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.05)
        # A second import meanwhile waits for the first one's blocks, never fails.
        second = subprocess.run(
            [sys.executable, "-m", "netdesk", "import", "--data-dir", str(data), str(few)],
            capture_output=True,
            text=True,
            env=_env(),
        )
        refused = _restore(data, kept, wait=1)
        import_running = imported.poll() is None
        # A second restore waits for the import, then applies.
        waited = _restore(data, kept, wait=300)
        out, err = imported.communicate(timeout=300)
        time.sleep(1.0)  # the app goes on saving after the restore
    finally:
        saver.stop.set()
        saver.join(timeout=30)
        if imported.poll() is None:
            imported.kill()
    took = time.monotonic() - started
    print(
        f"\n{CARDS} cards imported while saving every 100 ms: {took:.1f} s in all; "
        f"{len(saver.saved)} saves, the longest {saver.longest * 1000:.0f} ms"
    )

    assert imported.returncode == 0, err
    assert f"{CARDS} new" in out
    assert saver.failed == [], saver.failed[:5]
    assert second.returncode == 0 and "2000 new" in second.stdout, second.stderr
    if import_running:
        assert refused.returncode == 1
        assert "still running" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr + waited.stderr
    assert waited.returncode == 0, waited.stderr
    safety = Path(waited.stdout.split("The store before was saved to ")[1].split(".sqlite3")[0])
    safety = safety.with_name(safety.name + ".sqlite3")

    # Applied after the import, never in between: the store before the restore holds every
    # card, and the restored store none.
    assert _count(safety, "Person %") == CARDS
    assert _count(safety, "Other %") == 2_000
    assert _count(path, "Person %") == 0
    assert _names(path, "Before %") == {f"Before {i}" for i in range(5)}
    # No save lost: each is in the store before the restore or in the restored store.
    kept_saves = _names(safety, "Saved %") | _names(path, "Saved %")
    assert set(saver.saved) <= kept_saves
    assert _names(path, "Saved %"), "the app's saves after the restore went nowhere"
    # The import is one batch, undoable whole.
    db.close_store(database)
    restored = db.open_store(safety)
    try:
        batch = reader.import_summary(1)
        assert batch is not None and batch.sources == ("cards.vcf",) and batch.added == CARDS
        removed, _ = importer.undo_import(batch.batch_id, NOW)
        assert removed == CARDS
        assert _count(safety, "Person %") == 0
    finally:
        db.close_store(restored)
