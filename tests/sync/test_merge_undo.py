"""A merge deletes one of two synced cards on the server; undoing it brings that card back
there, whether or not a sync ran in between, and never leaves a copy behind."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from netdesk.core.duplicates import MergePlan
from netdesk.services.actions import Actions
from netdesk.services.clock import FixedClock
from netdesk.services.signals import Hub
from netdesk.store import reader, writer
from tests.sync.conftest import BOOK, Server

NOW = dt.datetime(2026, 11, 26, 9, 0)


@pytest.mark.parametrize("synced_between", [False, True], ids=["undone-first", "synced-first"])
def test_undoing_a_merge_gives_the_server_both_cards_back(
    radicale: Server, store: pw.SqliteDatabase, synced_between: bool
) -> None:
    from netdesk.sync import engine

    radicale.make_book()
    actions = Actions(Hub(), FixedClock(NOW))
    account_id = writer.add_sync_account(radicale.url, "alice", [(BOOK, "Contacts", True)], NOW)

    def sync() -> engine.Report:
        account = reader.sync_account(account_id)
        assert account is not None
        return engine.sync_account(account, "", NOW)

    first = actions.create_contact({"display_name": "Priya Raman", "title": "Staff engineer"})
    second = actions.create_contact({"display_name": "Priya Ramen", "title": "Manager"})
    sync()
    before = sorted(radicale.cards().values())
    assert len(before) == 2

    actions.merge_contacts(MergePlan(first, second), ["Priya Raman", "Priya Ramen"])
    if synced_between:
        assert sync().deleted_there == 1
        assert len(radicale.cards()) == 1
    actions.undo_stack.undo()
    sync()
    after = radicale.cards()
    assert len(after) == 2, after
    texts = "\n".join(after.values())
    assert "FN:Priya Ramen" in texts and "TITLE:Manager" in texts
    assert "FN:Priya Raman" in texts and "TITLE:Staff engineer" in texts
    assert reader.sync_outbox() == []
    again = sync()  # nothing left to do, nothing doubled
    assert len(radicale.cards()) == 2 and again.added_there == again.added_here == 0
