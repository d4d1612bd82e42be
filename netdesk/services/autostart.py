"""Start NetDesk at log-in, in the tray: an XDG autostart entry, a Run key or a LaunchAgent.

Off by default; the Preferences switch writes the Settings key `autostart`, and
`AutostartSwitch` makes the system match it. The command is `--background` (tray only, no
window) and names the data folder when the user chose one, so the same store opens.
"""

from __future__ import annotations

import contextlib
import logging
import os
import plistlib
import sys
from pathlib import Path

from PySide6.QtCore import QObject

from netdesk.services.settings import AUTOSTART, Settings

log = logging.getLogger(__name__)

SETTING = AUTOSTART.key
DESKTOP_FILE = "netdesk.desktop"
WINDOWS_VALUE = "NetDesk"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
MACOS_LABEL = "org.netdesk.NetDesk"


def launch_command(data_dir: Path | None = None) -> list[str]:
    """The command that starts NetDesk in the tray: a frozen build runs itself, Python `-m`."""
    if getattr(sys, "frozen", False):
        command = [sys.executable]
    else:
        executable = sys.executable
        if sys.platform == "win32":
            # pythonw.exe: no console window flashing up at every log-in.
            windowed = Path(executable).with_name("pythonw.exe")
            executable = str(windowed) if windowed.is_file() else executable
        command = [executable, "-m", "netdesk"]
    command.append("--background")
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return command


# --- Linux and the BSDs: the XDG autostart specification ------------------------------


def xdg_autostart_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / DESKTOP_FILE


def _desktop_exec_arg(arg: str) -> str:
    """One Exec argument, quoted as the Desktop Entry spec asks (then escaped for the file)."""
    reserved = set(" \t\n\"'\\><~|&;$*?#()`=%")
    if arg and not (set(arg) & reserved):
        return arg
    inner = "".join("\\" + c if c in '"`$\\' else c for c in arg).replace("%", "%%")
    # The file format's own escape: a backslash in a string value is written twice.
    return '"' + inner.replace("\\", "\\\\") + '"'


def _desktop_string(value: str) -> str:
    """A plain string value of a desktop entry, escaped as the file format asks."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def desktop_entry(command: list[str]) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=NetDesk\n"
        "Comment=Keeps your job-search network and reminds you who to write to\n"
        f"Exec={' '.join(_desktop_exec_arg(a) for a in command)}\n"
        # Session managers skip the entry once the program is gone (an uninstalled app).
        f"TryExec={_desktop_string(command[0])}\n"
        "Icon=netdesk\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
        "NoDisplay=true\n"
    )


# --- macOS: a per-user LaunchAgent ----------------------------------------------------


def launch_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{MACOS_LABEL}.plist"


def launch_agent(command: list[str]) -> bytes:
    # RunAtLoad starts it at log-in; no KeepAlive: quitting NetDesk must keep it quit.
    return plistlib.dumps(
        {
            "Label": MACOS_LABEL,
            "ProgramArguments": command,
            "RunAtLoad": True,
            "ProcessType": "Interactive",
        }
    )


# --- the switch -----------------------------------------------------------------------


def is_enabled() -> bool:
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                winreg.QueryValueEx(key, WINDOWS_VALUE)
            return True
        except OSError:
            return False
    if sys.platform == "darwin":
        return launch_agent_path().is_file()
    return xdg_autostart_path().is_file()


def set_enabled(enabled: bool, data_dir: Path | None = None) -> None:
    """Make the system start NetDesk at log-in (or stop doing so). Raises OSError on failure."""
    command = launch_command(data_dir)
    if sys.platform == "win32":
        # HKCU's Run key: per user, no administrator rights; Windows runs the line at log-in.
        import subprocess
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
            if enabled:
                line = subprocess.list2cmdline(command)
                winreg.SetValueEx(key, WINDOWS_VALUE, 0, winreg.REG_SZ, line)
            else:
                with contextlib.suppress(FileNotFoundError):
                    winreg.DeleteValue(key, WINDOWS_VALUE)
        return
    path = launch_agent_path() if sys.platform == "darwin" else xdg_autostart_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if sys.platform == "darwin":
        # launchd reads the folder at log-in; no launchctl call needed for the next session.
        data = launch_agent(command)
    else:
        data = desktop_entry(command).encode()
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class AutostartSwitch(QObject):
    """Keeps the system's log-in entry in step with the Settings key `autostart`."""

    def __init__(
        self,
        settings: Settings,
        data_dir: Path | None,
        parent: QObject | None = None,
        *,
        active: bool = True,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.data_dir = data_dir
        # Inactive for a throwaway demo store: its settings must not touch the user's log-in.
        self.active = active
        if active:
            settings.changed.connect(self._changed)

    def wanted(self) -> bool:
        return self.settings.get(AUTOSTART)

    def refresh(self) -> None:
        """At start-up: rewrite a wanted entry (the venv or the app may have moved).

        Never removes one: another data folder's settings may be the ones that asked for it.
        """
        if self.active and self.wanted():
            self.apply()

    def apply(self) -> None:
        """Write or remove the entry, as the setting says."""
        wanted = self.wanted()
        if not wanted and not is_enabled():
            return
        try:
            set_enabled(wanted, self.data_dir)
        except OSError as exc:
            log.warning("could not %s start at log-in: %s", "set" if wanted else "unset", exc)

    def _changed(self, key: str) -> None:
        if key == SETTING:
            self.apply()
