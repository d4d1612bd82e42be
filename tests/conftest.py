"""Test set-up shared by the whole suite: every folder the app could write to is a temporary one."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import peewee as pw
import pytest

# GUI tests draw offscreen unless a test asks for the real X server (the desktop tests).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("NETDESK_CORPUS", REPO.parent / "shared" / "corpus" / "public"))

NOW = dt.datetime(2026, 11, 26, 9, 0, 0)


@pytest.fixture(autouse=True)
def _private_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test touches the real home folder: data, config and logs all go to a temporary one."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("NETDESK_DATA_DIR", str(home / "netdesk-data"))


@pytest.fixture(autouse=True)
def _no_phone_region(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Numbers without a country code stay plain digits unless a test sets a region: the
    suite must not depend on the locale of the machine it runs on."""
    from netdesk.core import matching

    for var in ("LC_ALL", "LC_TELEPHONE", "LC_ADDRESS", "LANG"):
        if matching.region_from_locale(os.environ.get(var, "")):
            monkeypatch.setenv(var, "C.UTF-8")
    matching.set_phone_region("")
    yield
    matching.set_phone_region("")


@pytest.fixture
def now() -> dt.datetime:
    return NOW


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[pw.SqliteDatabase]:
    """A fresh store of the latest schema, bound to the models for this test only."""
    from netdesk.store import db

    database = db.open_store(data_dir / db.DATABASE_NAME, backup_dir=data_dir / "backups")
    yield database
    db.close_store(database)


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in (".vcf", ".csv"))


def require_corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(
            f"corpus folder {CORPUS} not found: the real-file tests need ../shared beside the repo"
        )
    return CORPUS
