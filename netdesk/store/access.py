"""Whether this user may use the store at all: checked before anything opens it (and before
the window's first paint), with the standard library only."""

from __future__ import annotations

import os
from pathlib import Path


class StoreError(Exception):
    """A store that cannot be opened, said in plain words for the user."""


class AccessError(StoreError):
    """The store or its folder cannot be read or written by this user: not damage. The files
    are left exactly as they are."""


def check_access(path: Path) -> None:
    """Raise AccessError when this user may not read and write the store at `path` or write in
    its folder (SQLite keeps its -wal and -shm beside it). Nothing is changed."""
    folder = path.parent
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise AccessError(
            f"NetDesk cannot write in its data folder {folder}: the folder is read-only for "
            "you. Nothing was changed. Give yourself write access to it (or choose another "
            "folder with --data-dir) and start NetDesk again."
        )
    if path.exists():
        try:
            with open(path, "rb"):
                pass
        except PermissionError as exc:
            raise AccessError(
                f"NetDesk is not allowed to read its database at {path} (permission denied). "
                "The file was left exactly as it is: it is not damaged. Make it yours and "
                "readable again (for example `chmod 600` on it) and start NetDesk again."
            ) from exc
        if not os.access(path, os.W_OK):
            raise AccessError(
                f"NetDesk is not allowed to change its database at {path} (it is read-only "
                "for you). The file was left exactly as it is. Make it writable again (for "
                "example `chmod 600` on it) and start NetDesk again."
            )
