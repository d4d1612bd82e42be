"""Files and logs: the data folder is private after a real run, and the log holds errors with
their context but no contact data beyond ids."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from netdesk import logs
from netdesk.store import db

NAMES = ("Zelda Quartermaine", "Yusuf Brightwater")
EMAILS = ("zelda.q@example.org", "yusuf.b@example.net")
PHONES = ("+1 555 867 5309", "+1 555 867 5310")


def _netdesk(*args: str, data_dir: Path, gui: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if gui:
        env["QT_QPA_PLATFORM"] = "offscreen"
    else:
        env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "netdesk", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )


def _cards(folder: Path) -> Path:
    path = folder / "people.vcf"
    path.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:{email}\r\nTEL:{phone}\r\n"
            "END:VCARD\r\n"
            for name, email, phone in zip(NAMES, EMAILS, PHONES, strict=True)
        ),
        encoding="utf-8",
    )
    return path


def test_the_data_folder_and_its_files_are_private_after_a_real_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    before = os.umask(0o022)  # a permissive umask: the app must not rely on the user's
    try:
        launched = _netdesk("--exit-after-launch", data_dir=data, gui=True)
        assert launched.returncode == 0, launched.stderr
        assert _netdesk("import", str(_cards(tmp_path)), data_dir=data).returncode == 0
        assert _netdesk("backup", data_dir=data).returncode == 0
    finally:
        os.umask(before)
    seen_files = 0
    for folder, _dirs, files in os.walk(data):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder
        for name in files:
            mode = os.lstat(Path(folder, name)).st_mode
            if stat.S_ISREG(mode):
                assert stat.S_IMODE(mode) == 0o600, Path(folder, name)
                seen_files += 1
    names = {p.name for p in data.rglob("*")}
    assert {db.DATABASE_NAME, logs.LOG_NAME, "backups"} <= names
    assert any(n.endswith("-manual.sqlite3") for n in names)
    assert any(n.endswith("-before-import.sqlite3") for n in names)
    assert seen_files >= 4


def _log_text(data: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (data / "logs").glob("netdesk.log*"))


def _assert_no_contact_data(text: str) -> None:
    for secret in (*NAMES, *EMAILS, *PHONES, "Zelda", "yusuf"):
        assert secret.casefold() not in text.casefold(), f"{secret!r} is in the log"


def test_the_log_has_error_context_and_no_contact_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cards = _cards(tmp_path)
    # A working import first: the log notes the batch, by id only.
    assert _netdesk("import", str(cards), data_dir=data).returncode == 0
    # An import that fails inside its transaction (a trigger plays the failing disk).
    conn = sqlite3.connect(data / db.DATABASE_NAME)
    conn.execute(
        "CREATE TRIGGER fail_insert BEFORE INSERT ON contact "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    conn.commit()
    conn.close()
    failing = tmp_path / "more.vcf"
    failing.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{NAMES[0]} Junior\r\nEMAIL:junior.{EMAILS[0]}\r\n"
        "END:VCARD\r\n",
        encoding="utf-8",
    )
    failed = _netdesk("import", str(failing), data_dir=data)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr and len(failed.stderr.strip().splitlines()) == 1
    assert "netdesk.log" in failed.stderr
    # Nothing of the failed import reached the store.
    conn = sqlite3.connect(data / db.DATABASE_NAME)
    assert conn.execute("SELECT count(*) FROM contact").fetchone() == (2,)
    conn.close()
    # A store error: the database damaged.
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / db.DATABASE_NAME).write_bytes(b"this is not a database at all" * 100)
    assert _netdesk("due", data_dir=damaged).returncode == 1

    text = _log_text(data)
    _assert_no_contact_data(text)
    assert "import batch 1: 2 added" in text
    # Enough context to debug: what failed, the exception, where in the code.
    assert "netdesk import failed unexpectedly" in text
    assert "IntegrityError" in text and "Traceback (most recent call last)" in text
    assert "stream_import" in text and "importer.py" in text
    store_log = _log_text(damaged)
    assert "damaged" in store_log and str(damaged / db.DATABASE_NAME) in store_log


def test_uncaught_errors_in_the_app_are_logged_then_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netdesk.ui.dialogs import recovery as dialogs

    log_file = logs.setup_logging(tmp_path / "logs")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        dialogs, "tell_error", lambda title, text, parent=None: shown.append((title, text))
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    dialogs.install_error_hook(log_file)

    def open_contact(email: str) -> None:
        raise LookupError(f"no contact with the address {email!r} ({NAMES[1]!r})")

    try:
        open_contact(EMAILS[1])
    except LookupError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    for handler in logs.logging.getLogger("netdesk").handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "uncaught LookupError" in text and "in open_contact" in text
    _assert_no_contact_data(text)
    # The user sees it in plain words (their own data is theirs to see), and where the log is.
    ((title, message),) = shown
    assert "problem" in title and str(log_file) in message and "LookupError" in message
