"""On a real desktop (Xvfb, trayer, dunst): a follow-up falls due, reaches dunst, and opens.

Run by .ci/run, which starts that desktop and sets NETDESK_TEST_DESKTOP=1. By hand:
`dbus-run-session -- bash .ci/desktop-session python -m pytest tests/desktop -q`.
The app is launched for real; it writes its state to NETDESK_TEST_STATUS_FILE (ui/status_file.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from netdesk.store import writer

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(
        not (os.environ.get("NETDESK_TEST_DESKTOP") == "1" and os.environ.get("DISPLAY")),
        reason="needs the virtual desktop of .ci/run (NETDESK_TEST_DESKTOP=1 and DISPLAY)",
    ),
    pytest.mark.skipif(shutil.which("dunstctl") is None, reason="needs dunst's dunstctl"),
]


def _wait(what: str, probe: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _status(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _dunst_displayed() -> int:
    out = subprocess.run(
        ["dunstctl", "count", "displayed"], capture_output=True, text=True, check=True
    ).stdout
    return int(out.strip())


class App:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.status_file = data_dir.parent / f"{data_dir.name}-status.json"
        self.procs: list[subprocess.Popen[bytes]] = []

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["QT_QPA_PLATFORM"] = "xcb"
        env["NETDESK_TEST_STATUS_FILE"] = str(self.status_file)
        return env

    def launch(self, *args: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "netdesk", "--data-dir", str(self.data_dir), *args],
            env=self.env(),
        )
        self.procs.append(proc)
        return proc

    def status(self) -> dict[str, Any]:
        return _status(self.status_file)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    running = App(tmp_path / "data")
    yield running
    running.stop()


def _follow_up_due_in(data_dir: Path, seconds: int) -> int:
    from netdesk.core.domain import FollowUpReason
    from netdesk.store import db

    database = db.open_store(data_dir / db.DATABASE_NAME, backup_dir=data_dir / "backups")
    try:
        now = dt.datetime.now().replace(microsecond=0)
        contact = writer.create_contact({"display_name": "Dana Desktop"}, now)
        fu = writer.create_follow_up(
            contact.id,
            FollowUpReason.THANK_YOU,
            now + dt.timedelta(seconds=seconds),
            "Thank Dana for the introduction",
            now,
        )
        return int(fu.id)
    finally:
        db.close_store(database)


def test_follow_up_reaches_dunst_and_the_tray_and_opens(app: App) -> None:
    follow_up_id = _follow_up_due_in(app.data_dir, 6)
    subprocess.run(["dunstctl", "close-all"], check=True)  # ours is then the one to click
    before = _dunst_displayed()
    app.launch()
    started = _wait("the app's first status", app.status)
    assert started["tray_available"] is True, "trayer should provide a system tray"
    assert started["notifier"] == "freedesktop"
    assert started["count"] == 0
    assert started["tooltip"] == "NetDesk: nothing due"

    # It falls due: the tray counts it, and dunst shows the notification.
    status = _wait("the tray to count it", lambda: app.status().get("count") == 1 and app.status())
    assert status["tooltip"] == "NetDesk: 1 follow-up due"
    [notice] = status["notices"]
    assert (notice["title"], notice["id"]) == ("Dana Desktop", follow_up_id)
    assert notice["body"].startswith("Say thank you, due today at ")
    _wait("dunst to show it", lambda: _dunst_displayed() > before)

    # Clicking it (dunst's default action) opens NetDesk on that follow-up.
    subprocess.run(["dunstctl", "action", "0"], check=True)
    status = _wait(
        "the follow-up to be opened",
        lambda: app.status().get("followups_requested") and app.status(),
    )
    assert status["followups_requested"] == [follow_up_id]
    assert "mainWindow" in status["visible_windows"]


def test_second_launch_hands_its_file_to_the_first(app: App, tmp_path: Path) -> None:
    first = app.launch()
    _wait("the first instance", lambda: "mainWindow" in app.status().get("visible_windows", []))
    card = tmp_path / "people.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zed Second\r\nEND:VCARD\r\n")
    second = app.launch(str(card))
    assert second.wait(30) == 0
    status = _wait(
        "the import preview in the first instance",
        lambda: "importPreview" in app.status().get("visible_windows", []) and app.status(),
    )
    assert status["imports_requested"] == [[str(card.resolve())]]
    assert status["pid"] == first.pid
    assert first.poll() is None
