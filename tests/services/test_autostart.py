"""Start at log-in: the XDG autostart entry is written with the right Exec, and removed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from netdesk.services import autostart
from netdesk.services.settings import Settings

pytestmark = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"), reason="the XDG entry is the Linux and BSD path"
)


def _exec_line(path: Path) -> str:
    lines = [ln for ln in path.read_text().splitlines() if ln.startswith("Exec=")]
    assert len(lines) == 1
    return lines[0].removeprefix("Exec=")


def test_entry_written_and_removed() -> None:
    entry = Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / "netdesk.desktop"
    assert autostart.xdg_autostart_path() == entry
    assert not autostart.is_enabled()
    autostart.set_enabled(True)
    assert autostart.is_enabled()
    assert _exec_line(entry) == f"{sys.executable} -m netdesk --background"
    autostart.set_enabled(False)
    assert not entry.exists() and not autostart.is_enabled()
    autostart.set_enabled(False)  # removing twice is fine


def test_entry_is_skipped_once_the_program_is_gone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # An uninstalled app must not leave every log-in running a missing program: the entry
    # names its program in TryExec, which session managers check before running Exec.
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/netdesk/netdesk")
    autostart.set_enabled(True)
    lines = autostart.xdg_autostart_path().read_text().splitlines()
    assert "TryExec=/opt/netdesk/netdesk" in lines


def test_frozen_build_runs_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/NetDesk/netdesk")
    assert autostart.launch_command() == ["/opt/NetDesk/netdesk", "--background"]
    assert autostart.launch_command(tmp_path) == [
        "/opt/NetDesk/netdesk",
        "--background",
        "--data-dir",
        str(tmp_path),
    ]


def test_awkward_paths_are_quoted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", '/home/a b/$venv "x"/bin/python')
    autostart.set_enabled(True, Path("/data/50% off"))
    line = _exec_line(autostart.xdg_autostart_path())
    assert line == (
        r'"/home/a b/\\$venv \\"x\\"/bin/python" -m netdesk --background --data-dir'
        r' "/data/50%% off"'
    )
    validate = shutil.which("desktop-file-validate")
    if validate:
        result = subprocess.run(
            [validate, str(autostart.xdg_autostart_path())], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_switch_follows_the_setting(qapp: object, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.ini")
    switch = autostart.AutostartSwitch(settings, tmp_path / "data")
    switch.apply()
    assert not autostart.is_enabled()  # off by default
    settings.set_value("autostart", True)
    assert autostart.is_enabled()
    assert "--data-dir" in _exec_line(autostart.xdg_autostart_path())
    settings.set_value("autostart", False)
    assert not autostart.is_enabled()


def test_plist_for_macos() -> None:
    import plistlib

    data = plistlib.loads(autostart.launch_agent(["/Applications/NetDesk.app/x", "--background"]))
    assert data["Label"] == "org.netdesk.NetDesk"
    assert data["RunAtLoad"] is True and "KeepAlive" not in data
