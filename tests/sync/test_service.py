"""The sync service's timers: a change made here is sent shortly after, on its own; with
no account nothing starts; a sync asked for while one runs follows it at once; a sync
started at once (an account added) is followed by the next at the usual interval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import peewee as pw
import pytest
from pytestqt.qtbot import QtBot

from netdesk.services.actions import Actions
from netdesk.services.clock import FixedClock
from netdesk.services.signals import Hub
from netdesk.services.sync import SyncService
from netdesk.store import writer
from tests.sync.conftest import BOOK, Server

NOW = dt.datetime(2026, 11, 26, 9, 0)


@pytest.fixture
def service(qtbot: QtBot, store: pw.SqliteDatabase) -> Iterator[SyncService]:
    actions = Actions(Hub(), FixedClock(NOW))
    made = SyncService(actions, every_ms=60_000, after_change_ms=50)
    yield made
    made.wait()


def test_a_change_made_here_is_sent_shortly_after(
    qtbot: QtBot, radicale: Server, service: SyncService
) -> None:
    radicale.make_book()
    actions = service.actions
    contact_id = actions.create_contact({"display_name": "Before Account"})
    assert service.sync_now() is False  # no account yet: nothing starts
    writer.add_sync_account(radicale.url, "alice", [(BOOK, "Contacts", True)], NOW)
    with qtbot.waitSignal(service.synced, timeout=30_000) as first:
        actions.edit_contact(contact_id, {"title": "Editor"}, name="Before Account")
    service.wait()
    assert first.args[0].added_there == 1
    with qtbot.waitSignal(service.synced, timeout=30_000) as second:
        actions.edit_contact(contact_id, {"title": "Chief Editor"}, name="Before Account")
    service.wait()
    assert second.args[0].updated_there == 1
    [text] = radicale.cards().values()
    assert "TITLE:Chief Editor" in text


def test_undo_after_a_sync_sends_the_undone_values_back(
    qtbot: QtBot, radicale: Server, store: pw.SqliteDatabase
) -> None:
    from netdesk.store import reader
    from netdesk.sync import engine

    radicale.make_book()
    actions = Actions(Hub(), FixedClock(NOW))  # no sync service: the test syncs by hand
    account_id = writer.add_sync_account(radicale.url, "alice", [(BOOK, "Contacts", True)], NOW)
    contact_id = actions.create_contact({"display_name": "Undo Person", "title": "Clerk"})

    def sync() -> engine.Report:
        account = reader.sync_account(account_id)
        assert account is not None
        return engine.sync_account(account, "", NOW)

    sync()
    actions.edit_contact(contact_id, {"title": "Manager"}, name="Undo Person")
    assert sync().updated_there == 1
    assert "TITLE:Manager" in next(iter(radicale.cards().values()))
    actions.undo_stack.undo()  # the edit, undone here after the server took it
    assert reader.sync_outbox_entry(contact_id) is not None  # undo queues like any change
    assert sync().updated_there == 1
    assert "TITLE:Clerk" in next(iter(radicale.cards().values()))
    assert reader.sync_outbox() == []


def test_a_sync_asked_for_while_one_runs_follows_it_at_once(
    qtbot: QtBot, service: SyncService, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from netdesk.services import sync
    from netdesk.sync.engine import Report as SyncReport

    release = threading.Event()

    def run_sync(now: dt.datetime, *, confirm_deletions: bool = False) -> SyncReport:
        release.wait(10)
        return SyncReport()

    monkeypatch.setattr(sync.reader, "has_sync", lambda: True)
    monkeypatch.setattr(sync, "run_sync", run_sync)
    started: list[bool] = []
    reports: list[SyncReport] = []
    service.started.connect(lambda: started.append(True))
    service.synced.connect(reports.append)
    # Whether a sync ran once each sync's end was handled.
    running_after_end: list[bool] = []
    ended = service._ended

    def end() -> None:
        ended()
        running_after_end.append(service.running)

    monkeypatch.setattr(service, "_ended", end)
    assert service.sync_now() is True
    assert service.sync_now() is True  # asked for while the first runs: it follows
    assert started == [True]
    release.set()
    qtbot.waitUntil(lambda: len(running_after_end) == 2, timeout=10_000)
    assert started == [True, True] and len(reports) == 2
    # The second started as the first ended: the service never looked idle between.
    assert running_after_end == [True, False]


def test_after_a_sync_started_at_once_the_next_waits_the_usual_interval(
    qtbot: QtBot, service: SyncService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netdesk.services import sync
    from netdesk.sync.engine import Report as SyncReport

    monkeypatch.setattr(sync.reader, "has_sync", lambda: True)
    monkeypatch.setattr(sync, "run_sync", lambda now, confirm_deletions=False: SyncReport())
    ends: list[int] = []
    ended = service._ended

    def end() -> None:
        ended()
        ends.append(service._next.remainingTime())

    monkeypatch.setattr(service, "_ended", end)
    service.start(0)  # as when an account is added
    qtbot.waitUntil(lambda: bool(ends), timeout=10_000)
    # The next sync is a minute away (the service's interval here), not at once again.
    assert ends[0] > 30_000
    assert service._next.isActive() and not service.running
