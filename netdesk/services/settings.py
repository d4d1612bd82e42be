"""The user's interface preferences (window layout, autostart, digest time) in an INI file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

# Every key with its default; the typed helpers below read these.
DEFAULTS: dict[str, Any] = {
    "window/geometry": QByteArray(),
    "window/state": QByteArray(),
    "window/splitter": [],
    "contacts/column_widths": [],
    "contacts/sort_column": 0,
    "contacts/sort_order": 0,  # Qt.SortOrder.AscendingOrder
    "autostart": False,
    "digest_time": "09:00",
    "close_to_tray_told": False,
    "no_tray_told": False,
}


class Settings(QObject):
    """QSettings in IniFormat at `paths.settings_file`, with typed helpers and a change signal."""

    changed = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def value(self, key: str, default: Any = None) -> Any:
        if default is None:
            default = DEFAULTS.get(key)
        return self._qs.value(key, default)

    def set_value(self, key: str, value: Any) -> None:
        if self._qs.value(key) == value:
            return
        self._qs.setValue(key, value)
        self.changed.emit(key)

    def get_bool(self, key: str) -> bool:
        raw = self.value(key)
        if isinstance(raw, str):
            return raw.strip().lower() in {"true", "1", "yes"}
        return bool(raw)

    def get_int(self, key: str) -> int:
        raw = self.value(key)
        try:
            return int(raw)
        except (TypeError, ValueError):
            return int(DEFAULTS.get(key, 0))

    def get_str(self, key: str) -> str:
        raw = self.value(key)
        return "" if raw is None else str(raw)

    def get_bytes(self, key: str) -> QByteArray:
        raw = self.value(key)
        return raw if isinstance(raw, QByteArray) else QByteArray()

    def get_int_list(self, key: str) -> list[int]:
        raw = self.value(key)
        if raw is None or raw == "":
            return []
        if isinstance(raw, str):
            raw = raw.split(",")
        try:
            return [int(v) for v in raw]
        except (TypeError, ValueError):
            return []

    def set_int_list(self, key: str, values: list[int]) -> None:
        # Stored as text: an INI list of one value would read back as a plain string.
        self.set_value(key, ",".join(str(int(v)) for v in values))

    # Named shortcuts for the keys other parts of the app read.
    @property
    def autostart(self) -> bool:
        return self.get_bool("autostart")

    @autostart.setter
    def autostart(self, value: bool) -> None:
        self.set_value("autostart", bool(value))

    @property
    def digest_time(self) -> str:
        return self.get_str("digest_time") or "09:00"

    @digest_time.setter
    def digest_time(self, value: str) -> None:
        self.set_value("digest_time", value)

    def sync(self) -> None:
        self._qs.sync()
