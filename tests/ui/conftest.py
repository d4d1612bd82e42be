"""Fixtures for the GUI tests: the real main window on a test store, with a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import peewee as pw
import pytest

from netdesk.core.domain import InteractionKind, Tie
from netdesk.services.clock import FixedClock
from netdesk.store import writer
from netdesk.store.writer import derived


@pytest.fixture
def clock(now: dt.datetime) -> FixedClock:
    return FixedClock(now)


@pytest.fixture
def actions(clock: FixedClock):  # type: ignore[no-untyped-def]
    """The action layer on its own hub, for dialogs tested without the window."""
    from netdesk.services.actions import Actions
    from netdesk.services.signals import Hub

    return Actions(Hub(), clock)


def add_contact(
    name: str,
    now: dt.datetime,
    *,
    tie: Tie = Tie.ADVOCATE,
    last_touch_days: int | None = None,
    company: str = "",
    emails: tuple[str, ...] = (),
    notes: str = "",
) -> int:
    """A contact added 200 days ago, optionally last touched `last_touch_days` ago."""
    added = now - dt.timedelta(days=200)
    contact = writer.create_contact(
        {"display_name": name, "tie": tie.value, "notes": notes},
        added,
        emails=emails,
        company=company,
    )
    if last_touch_days is not None:
        writer.log_interaction(
            contact.id,
            InteractionKind.EMAIL,
            now - dt.timedelta(days=last_touch_days),
            now,
            summary=f"Wrote to {name}",
        )
    derived.recompute_follow_ups([contact.id], now)
    return int(contact.id)


@pytest.fixture(name="add_contact")
def _add_contact_fixture():  # type: ignore[no-untyped-def]
    return add_contact


@pytest.fixture
def main_window(qtbot, store: pw.SqliteDatabase, clock: FixedClock, data_dir: Path) -> Iterator:  # type: ignore[no-untyped-def]
    """A factory: builds the window as app.run does, on the test store; closes them after."""
    from netdesk.services.settings import Settings
    from netdesk.services.signals import Hub
    from netdesk.ui.main_window import AppContext, build_main_window

    built = []
    hub = Hub()
    settings = Settings(data_dir / "settings.ini")

    def make(show: bool = True):  # type: ignore[no-untyped-def]
        window = build_main_window(AppContext(hub=hub, clock=clock, settings=settings))
        window.close_policy = lambda event: event.accept()  # closing must not quit pytest
        qtbot.addWidget(window)
        if show:
            with qtbot.waitActive(window):
                window.show()
                window.activateWindow()
        window.load_deferred()
        built.append(window)
        return window

    yield make
    for window in built:
        window.close_policy = lambda event: event.accept()


# The offscreen platform says this for every top-level window whose size limits change;
# it is about the test platform, not the app (the X11 desktop run does not print it).
OFFSCREEN_NOISE = r"This plugin does not support (propagateSizeHints|raise)\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))
