"""Reminders that are never silent, on a real X desktop (.ci/run's: Xvfb, trayer, dunst).

- With no tray and no notification server, a due follow-up opens a visible reminder window,
  and is written down as announced only once it has been shown.
- A notification's Done acts once on the follow-up as it is, and closes the notification: Done
  twice logs one interaction; Done then Snooze leaves it done.
- A follow-up written by `netdesk import` in a terminal while the app runs is announced on
  time: the command tells the running app, which reloads and reschedules.

By hand: `dbus-run-session -- bash .ci/desktop-session .venv/bin/python -m pytest tests/desktop`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import peewee as pw
import pytest

from netdesk.core.domain import FollowUpReason, FollowUpState, InteractionKind, SearchState
from netdesk.store import db, reader, writer
from tests.desktop.test_tray_desktop import App, _dunst_displayed, _wait

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(
        not (os.environ.get("NETDESK_TEST_DESKTOP") == "1" and os.environ.get("DISPLAY")),
        reason="needs the virtual desktop of .ci/run (NETDESK_TEST_DESKTOP=1 and DISPLAY)",
    ),
]

needs_dunst = pytest.mark.skipif(shutil.which("dunstctl") is None, reason="needs dunst's dunstctl")


def _store_at(data_dir: Path) -> pw.SqliteDatabase:
    return db.open_store(data_dir / db.DATABASE_NAME, backup_dir=data_dir / "backups")


def _notified_at(data_dir: Path, follow_up_id: int) -> str | None:
    """Read by another connection, as a person looking at the file would."""
    with sqlite3.connect(f"file:{data_dir / db.DATABASE_NAME}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT notified_at FROM follow_up WHERE id = ?", [follow_up_id])
        return row.fetchone()[0]


def _thank_you_due_in(data_dir: Path, seconds: int, name: str) -> int:
    database = _store_at(data_dir)
    try:
        now = dt.datetime.now().replace(microsecond=0)
        contact = writer.create_contact({"display_name": name}, now)
        fu = writer.create_follow_up(
            contact.id,
            FollowUpReason.THANK_YOU,
            now + dt.timedelta(seconds=seconds),
            f"Thank {name} for the introduction",
            now,
        )
        return int(fu.id)
    finally:
        db.close_store(database)


# --- no tray, no notification server: the reminder window ---------------------------------

_BARE_BUS = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class BareDesktop:
    """An X server of its own with no tray host, and a session bus that lists no service
    folders, so that nothing (dunst) is started on the first Notify."""

    def __init__(self, folder: Path) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []
        display_file = folder / "display"
        with display_file.open("w") as out:
            self.procs.append(
                subprocess.Popen(
                    ["Xvfb", "-displayfd", str(out.fileno()), "-screen", "0", "1024x768x24",
                     "-nolisten", "tcp"],
                    pass_fds=(out.fileno(),),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        number = _wait("Xvfb", lambda: display_file.read_text().strip(), timeout=10)
        self.display = f":{number}"
        socket = folder / "bus"
        config = folder / "bus.conf"
        config.write_text(_BARE_BUS.format(socket=socket))
        self.procs.append(
            subprocess.Popen(
                ["dbus-daemon", f"--config-file={config}", "--nofork"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        _wait("the bare session bus", socket.exists, timeout=10)
        self.bus = f"unix:path={socket}"

    def windows(self) -> str:
        """Every window the X server has mapped, with its title (xwininfo)."""
        out = subprocess.run(
            ["xwininfo", "-root", "-tree"],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[BareDesktop]:
    if not (shutil.which("Xvfb") and shutil.which("dbus-daemon") and shutil.which("xwininfo")):
        pytest.skip("needs Xvfb, dbus-daemon and xwininfo")
    desktop = BareDesktop(tmp_path)
    yield desktop
    desktop.stop()


class BareApp(App):
    def __init__(self, data_dir: Path, desktop: BareDesktop) -> None:
        super().__init__(data_dir)
        self.desktop = desktop

    def env(self) -> dict[str, str]:
        env = super().env()
        env["DISPLAY"] = self.desktop.display
        env["DBUS_SESSION_BUS_ADDRESS"] = self.desktop.bus
        return env


def test_without_tray_or_server_a_reminder_window_shows_it(
    bare: BareDesktop, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    fid = _thank_you_due_in(data, 8, "Rae Window")
    app = BareApp(data, bare)
    try:
        app.launch("--background")
        started = _wait("the app's first status", app.status)
        assert started["tray_available"] is False
        assert started["notifier"] == "reminder window"
        assert "NetDesk reminders" not in bare.windows()
        assert _notified_at(data, fid) is None  # not due yet, nothing shown

        status = _wait(
            "the reminder window",
            lambda: "reminderWindow" in app.status().get("visible_windows", []) and app.status(),
        )
        assert status["notices"] == [
            {"title": "Rae Window", "body": status["notices"][0]["body"], "id": fid}
        ]
        assert status["notices"][0]["body"].startswith("Say thank you, due today at ")
        # Mapped on the X server, where a person sees it; and only now written down.
        assert "NetDesk reminders" in bare.windows()
        assert _wait("announced", lambda: _notified_at(data, fid)) is not None
    finally:
        app.stop()


_PAINTED_SCRIPT = """
import datetime as dt, json, pathlib, sys, time
from PySide6.QtWidgets import QApplication
from PySide6.QtTest import QTest
from netdesk.core.domain import FollowUpReason
from netdesk.services.actions import Actions
from netdesk.services.clock import FixedClock
from netdesk.services.notifier import Notifier
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store import db, reader, writer
from netdesk.ui.reminder_window import ReminderWindowBackend

app = QApplication([])
data = pathlib.Path(sys.argv[1])
database = db.open_store(data / db.DATABASE_NAME, backup_dir=data / "backups")
now = dt.datetime(2026, 11, 26, 9, 0)
hub, clock = Hub(), FixedClock(now)
notifier = Notifier(hub, clock, Settings(data / "s.ini"), [ReminderWindowBackend],
                    actions=Actions(hub, clock))
contact = writer.create_contact({"display_name": "Rae"}, now)
writer.create_follow_up(contact.id, FollowUpReason.THANK_YOU, now, "Thank Rae", now)
[due] = reader.follow_ups(now)
notifier.announce([due])
window = notifier.backend.window
seen = {"asked": window.isVisible(), "exposed_before": window.windowHandle().isExposed(),
        "unannounced_before": reader.follow_ups(now, unannounced=True).ids()}
seen["exposed"] = QTest.qWaitForWindowExposed(window, 5000)
deadline = time.monotonic() + 5
while reader.follow_ups(now, unannounced=True) and time.monotonic() < deadline:
    app.processEvents()
seen["unannounced_after"] = reader.follow_ups(now, unannounced=True).ids()
seen["id"] = due.follow_up_id
notifier.close()
db.close_store(database)
print(json.dumps(seen))
"""


def test_the_reminder_window_is_announced_only_once_painted(
    bare: BareDesktop, tmp_path: Path
) -> None:
    """On the real X server: the window is asked to show, and the follow-up stays
    unannounced until X has exposed the window and Qt has painted it."""
    env = {**os.environ, "DISPLAY": bare.display, "DBUS_SESSION_BUS_ADDRESS": bare.bus}
    env["QT_QPA_PLATFORM"] = "xcb"
    done = subprocess.run(
        [sys.executable, "-c", _PAINTED_SCRIPT, str(tmp_path / "data")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["asked"] is True and seen["exposed_before"] is False
    assert seen["unannounced_before"] == [seen["id"]]
    assert seen["exposed"] is True
    assert seen["unannounced_after"] == []


# --- a notification's buttons, through dunst ----------------------------------------------


def _invoke(notification_id: int, action: str) -> None:
    """What a click on the notification's button sends: ActionInvoked, from another connection
    (dunst has no command to press a named button)."""
    from jeepney import DBusAddress, new_signal
    from jeepney.io.blocking import open_dbus_connection

    address = DBusAddress(
        "/org/freedesktop/Notifications", interface="org.freedesktop.Notifications"
    )
    with open_dbus_connection("SESSION") as conn:
        conn.send(new_signal(address, "ActionInvoked", "us", (notification_id, action)))


@needs_dunst
def test_done_twice_logs_once_and_closes_and_done_then_snooze_stays_done(
    qapp: object, qtbot: Any, tmp_path: Path, now: dt.datetime, store: pw.SqliteDatabase
) -> None:
    from netdesk.services import notifier as nt
    from netdesk.services.actions import Actions
    from netdesk.services.clock import FixedClock
    from netdesk.services.settings import Settings
    from netdesk.services.signals import Hub
    from netdesk.store.models import FollowUp

    subprocess.run(["dunstctl", "close-all"], check=True)
    hub, clock = Hub(), FixedClock(now)
    notifier = nt.Notifier(
        hub,
        clock,
        Settings(tmp_path / "s.ini"),
        [lambda sink: nt.FreedesktopBackend(sink)],
        actions=Actions(hub, clock),
    )
    backend = notifier.backend
    assert isinstance(backend, nt.FreedesktopBackend) and backend.supports_actions
    try:
        for name in ("Dana Twice", "Eli Snooze"):
            contact = writer.create_contact({"display_name": name}, now)
            writer.create_follow_up(contact.id, FollowUpReason.THANK_YOU, now, name, now)
        dana, eli = reader.follow_ups(now)

        notifier.announce([dana])
        qtbot.waitUntil(lambda: len(backend.shown_ids) == 1, timeout=5000)
        [shown] = backend.shown_ids
        assert FollowUp.get_by_id(dana.follow_up_id).notified_at == now
        on_screen = _dunst_displayed()
        _invoke(shown, nt.DONE)
        _invoke(shown, nt.DONE)
        qtbot.waitUntil(lambda: _dunst_displayed() == on_screen - 1, timeout=5000)
        qtbot.wait(300)  # the second Done has arrived too
        assert [e.kind for e in reader.timeline(dana.contact_id)] == [InteractionKind.THANK_YOU]
        assert backend.shown_ids == []

        notifier.announce([eli])
        qtbot.waitUntil(lambda: len(backend.shown_ids) == 1, timeout=5000)
        [shown] = backend.shown_ids
        _invoke(shown, nt.DONE)
        _invoke(shown, nt.SNOOZE)
        qtbot.waitUntil(lambda: bool(reader.timeline(eli.contact_id)), timeout=5000)
        qtbot.wait(300)
        # A Snooze that reaches a follow-up already done (another notice of it) changes nothing.
        notifier.notice_action(eli.follow_up_id, nt.SNOOZE)
        fu = FollowUp.get_by_id(eli.follow_up_id)
        assert (fu.state, fu.snoozed_until) == (FollowUpState.DONE.value, None)
        assert len(reader.timeline(eli.contact_id)) == 1
    finally:
        notifier.close()


@needs_dunst
def test_the_summary_notification_offers_open(
    qapp: object, qtbot: Any, tmp_path: Path, now: dt.datetime, store: pw.SqliteDatabase
) -> None:
    from netdesk.services import notifier as nt
    from netdesk.services.actions import Actions
    from netdesk.services.clock import FixedClock
    from netdesk.services.settings import Settings
    from netdesk.services.signals import Hub

    hub, clock = Hub(), FixedClock(now)
    notifier = nt.Notifier(
        hub, clock, Settings(tmp_path / "s.ini"), [lambda sink: nt.FreedesktopBackend(sink)],
        actions=Actions(hub, clock),
    )
    backend = notifier.backend
    try:
        for name in ("Ann", "Ben"):
            contact = writer.create_contact({"display_name": name}, now)
            writer.create_follow_up(contact.id, FollowUpReason.THANK_YOU, now, name, now)
        notifier.announce(reader.follow_ups(now))
        qtbot.waitUntil(lambda: len(backend.shown_ids) == 1, timeout=5000)
        [shown] = backend.shown_ids
        with qtbot.waitSignal(hub.showWindowRequested, timeout=5000):
            _invoke(shown, nt.OPEN_BUTTON)
        qtbot.waitUntil(lambda: backend.shown_ids == [], timeout=5000)
    finally:
        notifier.close()


# --- a command writes while the app runs ----------------------------------------------------


@needs_dunst
def test_a_follow_up_from_netdesk_import_is_announced_on_time(tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = _store_at(data)
    try:
        # Searching: a connection quiet for 120 days is due a status update (rule 3) at once.
        writer.set_job_search(SearchState.SEARCHING, dt.datetime.now().replace(microsecond=0))
    finally:
        db.close_store(database)
    app = App(data)
    try:
        app.launch("--background")
        started = _wait("the app's first status", app.status)
        assert started["count"] == 0 and started["notices"] == []

        connected = (dt.date.today() - dt.timedelta(days=120)).strftime("%d %b %Y")
        csv = tmp_path / "Connections.csv"
        csv.write_text(
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            f"Quinn,Import,https://www.linkedin.com/in/quinn-import,,Acme,CTO,{connected}\n",
            encoding="utf-8",
        )
        imported = subprocess.run(
            [sys.executable, "-m", "netdesk", "--data-dir", str(data), "import", str(csv)],
            env=app.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert imported.returncode == 0, imported.stderr
        written = time.monotonic()
        # Nothing else would wake the app before its next alarm (tomorrow's digest at most).
        status = _wait(
            "the imported follow-up to be announced",
            lambda: app.status().get("notices") and app.status(),
            timeout=15,
        )
        elapsed = time.monotonic() - written
        [notice] = status["notices"]
        assert notice["title"] == "Quinn Import"
        assert notice["body"].startswith("Send a status update, due ")
        assert status["count"] == 1
        print(f"announced {elapsed:.2f} s after `netdesk import` ended")
    finally:
        app.stop()
