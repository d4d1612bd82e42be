"""Waking from sleep: logind's PrepareForSleep(false) on the system bus, spoken by a stand-in
logind on a private bus (a container has no system bus of its own)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from netdesk.services import resume

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="needs dbus-daemon")

_BUS = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@pytest.fixture
def system_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A bus standing in for the system bus, with no service folders (nothing starts)."""
    socket = tmp_path / "system_bus"
    config = tmp_path / "system.conf"
    config.write_text(_BUS.format(socket=socket))
    daemon = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not socket.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    address = f"unix:path={socket}"
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", address)
    yield address
    daemon.terminate()
    daemon.wait(5)


class FakeLogind:
    """Owns org.freedesktop.login1 and sends PrepareForSleep as logind does."""

    def __init__(self) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.conn = open_dbus_connection("SYSTEM")
        reply = self.conn.send_and_get_reply(message_bus.RequestName(resume.LOGIND))
        assert reply.body == (1,)  # primary owner

    def prepare_for_sleep(self, going: bool) -> None:
        from jeepney import DBusAddress, new_signal

        address = DBusAddress(resume.LOGIND_PATH, interface=resume.LOGIND_MANAGER)
        self.conn.send(new_signal(address, "PrepareForSleep", "b", (going,)))

    def close(self) -> None:
        self.conn.close()


def test_no_logind_on_the_bus_means_no_resume_signal(qapp: object, system_bus: str) -> None:
    with pytest.raises(resume.ResumeSignalUnavailable):
        resume.ResumeWatch()
    assert resume.watch_for_resume() is None


def test_no_system_bus_means_no_resume_signal(
    qapp: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path / 'none'}")
    with pytest.raises(resume.ResumeSignalUnavailable):
        resume.ResumeWatch()


def test_waking_up_is_told_once_going_to_sleep_is_not(
    qapp: object, qtbot: object, system_bus: str
) -> None:
    logind = FakeLogind()
    watch = resume.ResumeWatch()
    woke: list[bool] = []
    watch.resumed.connect(lambda: woke.append(True))
    try:
        logind.prepare_for_sleep(True)
        with qtbot.waitSignal(watch.resumed, timeout=5000):
            logind.prepare_for_sleep(False)
        qtbot.wait(100)
        assert woke == [True]
    finally:
        watch.close()
        logind.close()
