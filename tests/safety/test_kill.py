"""Crash safety: a NetDesk process killed (SIGKILL) mid-import or mid-edit leaves a whole store."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netdesk.core.records import ContactRecord
from netdesk.core.vcard import write_vcards
from netdesk.store import db

CARDS = 10_000
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    return env


@pytest.fixture(scope="module")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store of the latest schema, its WAL checkpointed away: each run copies it."""
    folder = tmp_path_factory.mktemp("template")
    database = db.open_store(folder / db.DATABASE_NAME)
    db.close_store(database)
    return folder / db.DATABASE_NAME


@pytest.fixture(scope="module")
def big_vcard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cards") / "network.vcf"
    records = (
        ContactRecord(
            display_name=f"Person {i}",
            given_name="Person",
            family_name=str(i),
            emails=[f"person{i}@example.org"],
            phones=[f"+1 555 {i:07d}"],
            organization=f"Company {i % 300}",
            title="Engineer",
        )
        for i in range(CARDS)
    )
    with path.open("w", encoding="utf-8", newline="") as out:
        write_vcards(records, out)
    return path


def _fresh_data_dir(template: Path, where: Path) -> Path:
    where.mkdir(mode=0o700)
    shutil.copy2(template, where / db.DATABASE_NAME)
    return where


def _check_store(database: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(database))
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return conn


def _import_outcome(database: Path) -> int:
    """How many contacts the killed import left, as NetDesk next opens the store: it must be
    all of them or none (an import commits block by block; one killed halfway is taken back
    whole when the store next opens)."""
    _check_store(database).close()
    db.close_store(db.open_store(database))
    conn = _check_store(database)
    try:
        contacts = conn.execute("SELECT count(*) FROM contact").fetchone()[0]
        emails = conn.execute("SELECT count(*) FROM contact_email").fetchone()[0]
        batches = conn.execute("SELECT added FROM import_batch").fetchall()
        fts = conn.execute("SELECT count(*) FROM contact_fts").fetchone()[0]
    finally:
        conn.close()
    assert contacts in (0, CARDS), f"a partial import: {contacts} contacts"
    assert emails == contacts
    assert fts == contacts
    assert batches == ([] if contacts == 0 else [(CARDS,)])
    return int(contacts)


def _start_import(data_dir: Path, cards: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "netdesk", "import", "--data-dir", str(data_dir), str(cards)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )


def _wait_for(condition, process: subprocess.Popen[bytes], timeout: float = 30) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.001)
    raise AssertionError("the import never reached the moment to kill it")


def _kill(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL; True when the process was still running (the kill really interrupted it)."""
    alive = process.poll() is None
    if alive:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    if alive:
        assert process.returncode == -signal.SIGKILL
    return alive


def test_killed_import_is_wholly_there_or_wholly_absent(
    template_store: Path, big_vcard: Path, tmp_path: Path
) -> None:
    outcomes: list[tuple[str, bool, int]] = []
    # During the apply: the before-import backup marks its start; the transaction then
    # builds in SQLite's page cache for about half a second.
    for n, delay in enumerate((0.0, 0.1, 0.25)):
        data_dir = _fresh_data_dir(template_store, tmp_path / f"apply{n}")
        process = _start_import(data_dir, big_vcard)
        backups = data_dir / "backups"
        _wait_for(
            lambda b=backups: b.is_dir() and any(p.suffix == ".sqlite3" for p in b.iterdir()),
            process,
        )
        time.sleep(delay)
        killed = _kill(process)
        outcomes.append((f"apply+{delay}s", killed, _import_outcome(data_dir / db.DATABASE_NAME)))
    # During the commit itself: the WAL starts growing as the pages are written out; a
    # kill then leaves a WAL without its commit frame, which SQLite must ignore.
    for n, extra in enumerate((0.0, 0.002, 0.004, 0.006, 0.010)):
        data_dir = _fresh_data_dir(template_store, tmp_path / f"commit{n}")
        process = _start_import(data_dir, big_vcard)
        wal = data_dir / (db.DATABASE_NAME + "-wal")
        _wait_for(lambda w=wal: w.exists() and w.stat().st_size > 0, process)
        if extra:
            time.sleep(extra)
        killed = _kill(process)
        outcomes.append((f"commit+{extra}s", killed, _import_outcome(data_dir / db.DATABASE_NAME)))
    print("kill outcomes (moment, interrupted, contacts):", outcomes)
    # The test tested something: kills did land inside the transaction and left nothing.
    interrupted_empty = [o for o in outcomes if o[1] and o[2] == 0]
    assert len(interrupted_empty) >= 2, outcomes


EDIT_SCRIPT = r"""
import datetime as dt, sys
from netdesk.core.domain import InteractionKind
from netdesk.store import db
from netdesk.store import writer
db.open_store(__import__("pathlib").Path(sys.argv[1]))
now = dt.datetime(2026, 11, 26, 9, 0)
ids = [writer.create_contact({"display_name": f"c{i} v0", "title": "v0"}, now,
       emails=[f"c{i}.v0@example.org", f"alt{i}.v0@example.org"], phones=[f"+1 555 000 {i:04d}"]).id
       for i in range(40)]
print("ready", flush=True)
version = 0
while True:
    version += 1
    for i, cid in enumerate(ids):
        writer.update_contact(cid, {"display_name": f"c{i} v{version}", "title": f"v{version}"},
            now, emails=[f"c{i}.v{version}@example.org", f"alt{i}.v{version}@example.org"],
            phones=[f"+1 555 {version:03d} {i:04d}"])
        writer.log_interaction(cid, InteractionKind.EMAIL, now, now, summary=f"v{version}")
"""


def _version(text: str) -> str:
    return text.split("v", 1)[1].split("@", 1)[0].split()[0]


def test_killed_edits_are_each_all_or_nothing(tmp_path: Path) -> None:
    rng = random.Random(8)
    checked = 0
    for n in range(6):
        data_dir = tmp_path / f"edit{n}"
        data_dir.mkdir(mode=0o700)
        database = data_dir / db.DATABASE_NAME
        process = subprocess.Popen(
            [sys.executable, "-c", EDIT_SCRIPT, str(database)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        assert process.stdout is not None
        with process.stdout:
            assert process.stdout.readline().strip() == b"ready"
            time.sleep(rng.uniform(0.02, 0.6))
            assert _kill(process), "the edit loop ended by itself"
        conn = _check_store(database)
        try:
            rows = conn.execute(
                "SELECT id, display_name, title, touch_count FROM contact"
            ).fetchall()
            assert len(rows) == 40
            versions = set()
            for cid, name, title, touches in rows:
                version = _version(name)
                versions.add(int(version))
                emails = [
                    e
                    for (e,) in conn.execute(
                        "SELECT email FROM contact_email WHERE contact_id = ? ORDER BY position",
                        (cid,),
                    )
                ]
                phones = [
                    p
                    for (p,) in conn.execute(
                        "SELECT phone FROM contact_phone WHERE contact_id = ?", (cid,)
                    )
                ]
                assert title == f"v{version}", (name, title)
                assert [_version(e) for e in emails] == [version, version], (name, emails)
                assert len(phones) == 1
                assert int(phones[0].split()[2]) == int(version), (name, phones)
                logged = conn.execute(
                    "SELECT count(*) FROM interaction WHERE contact_id = ?", (cid,)
                ).fetchone()[0]
                # The denormalized summary moves with the interaction, in the same commit.
                assert touches == logged
                checked += 1
        finally:
            conn.close()
        # Edits run in order, so at most two versions exist at any moment.
        assert max(versions) - min(versions) <= 1
    assert checked == 240
