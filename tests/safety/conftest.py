"""Fixtures for the safety tests: the main window built and wired as app.run builds it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import peewee as pw
import pytest

from netdesk.services.clock import FixedClock

# The offscreen platform says this whenever a top-level window's size limits change; it is
# about the test platform, not the app.
OFFSCREEN_NOISE = r"This plugin does not support (propagateSizeHints|raise)\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture
def clock(now: dt.datetime) -> FixedClock:
    return FixedClock(now)


@pytest.fixture
def desk(  # type: ignore[no-untyped-def]
    qtbot, store: pw.SqliteDatabase, clock: FixedClock, data_dir: Path
) -> Iterator[Callable[[], object]]:
    """A factory for the real main window on the test store, with import and recovery wired
    in as app.run wires them."""
    from netdesk import paths
    from netdesk.services.settings import Settings
    from netdesk.services.signals import Hub
    from netdesk.ui.dialogs.recovery import install_recovery
    from netdesk.ui.import_flow import install_import
    from netdesk.ui.main_window import AppContext, build_main_window

    controllers = []

    def make():  # type: ignore[no-untyped-def]
        context = AppContext(hub=Hub(), clock=clock, settings=Settings(data_dir / "settings.ini"))
        window = build_main_window(context)
        window.close_policy = lambda event: event.accept()  # closing must not quit pytest
        qtbot.addWidget(window)
        controllers.append(install_import(window, data_dir / "backups"))
        window.daily_backups = install_recovery(window, paths.resolve(data_dir))
        with qtbot.waitExposed(window):
            window.show()
        window.load_deferred()
        return window

    yield make
    for controller in controllers:
        controller.shutdown()
