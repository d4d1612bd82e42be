"""Every setting NetDesk keeps, declared once; and the INI file that holds the interface's.

`REGISTRY` names each setting: its key, its kind, its default, where it is stored and the
words the user sees for it. Preferences builds its form from it, the scheduler, notifier, tray
and autostart switch read their keys and defaults from it, and the tests check that no default
is written anywhere else.

Two places hold settings. The interface's (window layout, the digest's time, autostart, what
the user was told once) are in an INI file through QSettings: `Settings` below. The playbook's
numbers, the user's name and the message templates are in the database, beside the contacts
they shape; the store reads them (`store.reader.settings`), the action layer changes them, and their
defaults come from core, where the rules live.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

T = TypeVar("T")


class StoredIn(enum.Enum):
    INI = "the settings file"
    DATABASE = "the database"


class Kind(enum.Enum):
    """What a setting's value is, which also says how Preferences edits it."""

    SWITCH = "on or off"
    NUMBER = "a whole number"
    DAYS = "a number of days"
    TIME_OF_DAY = "a time of day, as HH:MM"
    MOMENT = "a date and time in ISO 8601, or empty"
    TEXT = "text"
    NUMBERS = "whole numbers, comma-separated"
    QT_STATE = "a layout Qt saved"


@dataclass(frozen=True, slots=True, eq=False)
class Setting(Generic[T]):
    """One setting. `label` is what the user reads (with its & shortcut where Preferences shows
    it); `description` is the longer name screen readers announce."""

    key: str
    kind: Kind
    default: T
    stored_in: StoredIn
    label: str
    description: str = ""
    section: str = ""  # the Preferences group that shows it; empty: not in Preferences
    minimum: int = 0
    maximum: int = 0


# Groups of the Preferences dialog, in the order it shows them.
YOU = "You"
KEEPING_IN_TOUCH = "Keeping in touch"
GENERAL = "NetDesk"
SECTIONS = (YOU, KEEPING_IN_TOUCH, GENERAL)

INI = StoredIn.INI
DATABASE = StoredIn.DATABASE

# --- in the INI file --------------------------------------------------------------------

WINDOW_GEOMETRY = Setting("window/geometry", Kind.QT_STATE, QByteArray(), INI, "Window size")
WINDOW_STATE = Setting("window/state", Kind.QT_STATE, QByteArray(), INI, "Window layout")
WINDOW_SPLITTER: Setting[tuple[int, ...]] = Setting(
    "window/splitter", Kind.NUMBERS, (), INI, "Widths of the three panes"
)
WINDOW_TOP_ROOM = Setting(
    "window/top_room", Kind.NUMBER, 0, INI, "Height of the menus and toolbar"
)
CONTACT_COLUMN_WIDTHS: Setting[tuple[int, ...]] = Setting(
    "contacts/column_widths", Kind.NUMBERS, (), INI, "Widths of the contact list's columns"
)
CONTACT_SORT_COLUMN = Setting(
    "contacts/sort_column", Kind.NUMBER, 0, INI, "Column the contact list is sorted by"
)
# 0 is Qt.SortOrder.AscendingOrder: kept as a number so that the INI file stays plain.
CONTACT_SORT_ORDER = Setting(
    "contacts/sort_order", Kind.NUMBER, 0, INI, "Order of the contact list's sort"
)
AUTOSTART = Setting(
    "autostart",
    Kind.SWITCH,
    False,
    INI,
    "Start NetDesk in the tray when I log in",
    description="Start NetDesk when I log in",
    section=GENERAL,
)
DIGEST_TIME = Setting(
    "digest_time",
    Kind.TIME_OF_DAY,
    "09:00",
    INI,
    "Daily &digest at",
    description="Time of the daily digest",
    section=GENERAL,
)
LAST_DIGEST = Setting(
    "notifications/last_digest", Kind.MOMENT, "", INI, "When the last daily digest was given"
)
PAUSED_UNTIL = Setting(
    "notifications/paused_until", Kind.MOMENT, "", INI, "Notifications paused until"
)
CLOSE_TO_TRAY_TOLD = Setting(
    "close_to_tray_told", Kind.SWITCH, False, INI, "Told that closing the window keeps NetDesk"
)
NO_TRAY_DONT_ASK = Setting(
    "no_tray_told", Kind.SWITCH, False, INI, "Don't ask again whether to keep running"
)
NO_TRAY_KEEP_RUNNING = Setting(
    "no_tray_keep_running", Kind.SWITCH, False, INI, "Keep running without a tray"
)
# The first-run questions (your name, your search, a file to import) were answered or skipped.
FIRST_RUN_DONE = Setting(
    "first_run_done", Kind.SWITCH, False, INI, "First-run questions answered or skipped"
)

# --- in the database --------------------------------------------------------------------
# The playbook's numbers are one row ("playbook"); each key names its field after the slash.
PLAYBOOK_PREFIX = "playbook/"
TEMPLATES_PREFIX = "templates/"

_INI_SETTINGS: tuple[Setting[Any], ...] = (
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    WINDOW_SPLITTER,
    WINDOW_TOP_ROOM,
    CONTACT_COLUMN_WIDTHS,
    CONTACT_SORT_COLUMN,
    CONTACT_SORT_ORDER,
    AUTOSTART,
    DIGEST_TIME,
    LAST_DIGEST,
    PAUSED_UNTIL,
    CLOSE_TO_TRAY_TOLD,
    NO_TRAY_DONT_ASK,
    NO_TRAY_KEEP_RUNNING,
    FIRST_RUN_DONE,
)

# The database's settings take their defaults from core's playbook and templates: they are
# declared on first use (`__getattr__`), not when the window's first paint reads the INI file.
_DATABASE_NAMES = frozenset(
    {
        "ADVOCATE_CADENCE",
        "WORK_ACQUAINTANCE_CADENCE",
        "FOLLOW_UP_AFTER_MEETING",
        "STATUS_UPDATE_EVERY",
        "MY_NAME",
        "PHONE_REGION",
        "TEMPLATES",
        "REGISTRY",
    }
)

if TYPE_CHECKING:
    ADVOCATE_CADENCE: Setting[int]
    WORK_ACQUAINTANCE_CADENCE: Setting[int]
    FOLLOW_UP_AFTER_MEETING: Setting[int]
    STATUS_UPDATE_EVERY: Setting[int]
    MY_NAME: Setting[str]
    PHONE_REGION: Setting[str]
    TEMPLATES: tuple[Setting[str], ...]
    REGISTRY: tuple[Setting[Any], ...]


def _database_settings() -> dict[str, Any]:
    """The settings kept in the database, and the whole registry, by their module names."""
    from netdesk.core.playbook import PlaybookSettings
    from netdesk.core.templates import DEFAULT_TEMPLATES

    playbook_defaults = PlaybookSettings()

    def playbook_days(field: str, label: str, description: str) -> Setting[int]:
        return Setting(
            PLAYBOOK_PREFIX + field,
            Kind.DAYS,
            int(getattr(playbook_defaults, field)),
            DATABASE,
            label,
            description=description,
            section=KEEPING_IN_TOUCH,
            minimum=1,
            maximum=3650,
        )

    found: dict[str, Any] = {}
    found["ADVOCATE_CADENCE"] = playbook_days(
        "advocate_cadence_days", "Write to an &advocate every", "Days between advocate touches"
    )
    found["WORK_ACQUAINTANCE_CADENCE"] = playbook_days(
        "work_acquaintance_cadence_days",
        "Write to a &work acquaintance every",
        "Days between work acquaintance touches",
    )
    found["FOLLOW_UP_AFTER_MEETING"] = playbook_days(
        "follow_up_after_meeting_days",
        "&Follow up after meeting someone within",
        "Days to follow up after meeting someone",
    )
    found["STATUS_UPDATE_EVERY"] = playbook_days(
        "status_update_after_days",
        "Send a &status update every",
        "Days between job-search status updates",
    )
    found["MY_NAME"] = Setting(
        "my_name",
        Kind.TEXT,
        "",
        DATABASE,
        "Your &name, to sign messages",
        description="Your name, signed at the end of every message",
        section=YOU,
    )
    found["PHONE_REGION"] = Setting(
        "phone_region",
        Kind.TEXT,
        "",
        DATABASE,
        "&Country of numbers without a country code",
        description=(
            "Two-letter country code (GB, US, DE) for phone numbers written without +; "
            "empty: the country of your system's language settings"
        ),
        section=GENERAL,
    )
    found["TEMPLATES"] = tuple(
        Setting(
            TEMPLATES_PREFIX + name,
            Kind.TEXT,
            text,
            DATABASE,
            f"Message template: {name.replace('_', ' ')}",
        )
        for name, text in DEFAULT_TEMPLATES.items()
    )
    found["REGISTRY"] = (
        *_INI_SETTINGS,
        found["ADVOCATE_CADENCE"],
        found["WORK_ACQUAINTANCE_CADENCE"],
        found["FOLLOW_UP_AFTER_MEETING"],
        found["STATUS_UPDATE_EVERY"],
        found["MY_NAME"],
        found["PHONE_REGION"],
        *found["TEMPLATES"],
    )
    return found


def __getattr__(name: str) -> Any:
    """The database's settings and the registry, declared the first time one is asked for."""
    if name not in _DATABASE_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    made = _database_settings()
    for key, value in made.items():
        globals().setdefault(key, value)  # a name set from outside (a test's) stays
    return globals()[name]


def _registry() -> tuple[Setting[Any], ...]:
    """REGISTRY, declared whole on first use."""
    registry = globals().get("REGISTRY")
    return cast(
        "tuple[Setting[Any], ...]", registry if registry is not None else __getattr__("REGISTRY")
    )


def entry(key: str) -> Setting[Any]:
    """The registered setting with this key; KeyError for a key nobody declared."""
    for setting in _registry():
        if setting.key == key:
            return setting
    raise KeyError(f"{key!r} is not in the settings registry (netdesk/services/settings.py)")


def in_preferences() -> list[tuple[str, list[Setting[Any]]]]:
    """The Preferences dialog's groups, each with its settings, in the registry's order."""
    registry = _registry()
    return [(name, [s for s in registry if s.section == name]) for name in SECTIONS]


def playbook_field(setting: Setting[Any]) -> str:
    """The PlaybookSettings field a playbook setting stands for."""
    if not setting.key.startswith(PLAYBOOK_PREFIX):
        raise ValueError(f"{setting.key!r} is not one of the playbook's numbers")
    return setting.key[len(PLAYBOOK_PREFIX) :]


def time_of_day(text: object) -> dt.time | None:
    """'HH:MM' as the user typed it, or None when it cannot be read as a time."""
    try:
        hours, minutes = str(text).strip().split(":")[:2]
        return dt.time(int(hours), int(minutes))
    except (ValueError, TypeError):
        return None


def default_digest_time() -> dt.time:
    at = time_of_day(DIGEST_TIME.default)
    assert at is not None, "the registry's digest default reads as a time"
    return at


# --- the INI file -----------------------------------------------------------------------


def _in_ini(key: str) -> Setting[Any]:
    if "REGISTRY" not in globals():  # not declared yet: the INI file's settings are all here
        for setting in _INI_SETTINGS:
            if setting.key == key:
                return setting
    setting = entry(key)
    if setting.stored_in is not StoredIn.INI:
        raise KeyError(f"{key!r} is kept in the database: the store reads and writes it")
    return setting


class Settings(QObject):
    """QSettings in IniFormat at `paths.settings_file`, with typed helpers and a change signal.

    Only registered keys are read: each one's default is the registry's.
    """

    changed = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def value(self, key: str) -> Any:
        return self._qs.value(key, _in_ini(key).default)

    def set_value(self, key: str, value: Any) -> None:
        _in_ini(key)
        if self._qs.value(key) == value:
            return
        self._qs.setValue(key, value)
        self.changed.emit(key)

    def get(self, setting: Setting[T]) -> T:
        """The setting's value as its kind says, the default where nothing usable is stored."""
        kind = setting.kind
        value: Any
        if kind is Kind.SWITCH:
            value = self.get_bool(setting.key)
        elif kind in (Kind.NUMBER, Kind.DAYS):
            value = self.get_int(setting.key)
        elif kind is Kind.NUMBERS:
            value = tuple(self.get_int_list(setting.key))
        elif kind is Kind.QT_STATE:
            value = self.get_bytes(setting.key)
        elif kind is Kind.TIME_OF_DAY:
            value = self.get_str(setting.key) or setting.default
        else:
            value = self.get_str(setting.key)
        return cast(T, value)

    def put(self, setting: Setting[T], value: T) -> None:
        if setting.kind is Kind.NUMBERS:
            self.set_int_list(setting.key, list(cast(tuple[int, ...], value)))
        else:
            self.set_value(setting.key, value)

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
            return int(entry(key).default)

    def get_str(self, key: str) -> str:
        raw = self.value(key)
        return "" if raw is None else str(raw)

    def get_bytes(self, key: str) -> QByteArray:
        raw = self.value(key)
        # A copy: the registry's default is one shared object.
        return QByteArray(raw) if isinstance(raw, QByteArray) else QByteArray()

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
        return self.get(AUTOSTART)

    @autostart.setter
    def autostart(self, value: bool) -> None:
        self.put(AUTOSTART, bool(value))

    @property
    def digest_time(self) -> str:
        return self.get(DIGEST_TIME)

    @digest_time.setter
    def digest_time(self, value: str) -> None:
        self.put(DIGEST_TIME, value)

    def sync(self) -> None:
        self._qs.sync()
