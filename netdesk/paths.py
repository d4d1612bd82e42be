"""Where NetDesk keeps its files: platformdirs' folders, or the folder the user names."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "NetDesk"
ENV_DATA_DIR = "NETDESK_DATA_DIR"


@dataclass(frozen=True, slots=True)
class Paths:
    """Every file location, computed once from the data folder; nothing is created here."""

    data_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "netdesk.sqlite3"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def damaged(self) -> Path:
        return self.data_dir / "damaged"

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.ini"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "netdesk.lock"


def resolve(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """The folders to use: `--data-dir`, else $NETDESK_DATA_DIR, else platformdirs' ones.

    A folder the user names holds the logs too, so that one store is one folder.
    """
    chosen = data_dir or os.environ.get(ENV_DATA_DIR)
    if chosen:
        folder = Path(chosen).expanduser().resolve()
        return Paths(data_dir=folder, log_dir=folder / "logs")
    import platformdirs  # only when no folder is named: a few ms of start-up otherwise

    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )
