"""5,000 cards: the first sync brings them all, a second adds none, and ten changes on each
side cross over. Slow (three to four minutes, most of it Radicale reading every card), so it
runs where NETDESK_SLOW_SYNC=1 (.ci/run); figures are the benchmark's
(tests/benchmarks/sync_speed.py), this test checks the outcome."""

from __future__ import annotations

import os
from pathlib import Path

import peewee as pw
import pytest

from netdesk.store import reader, writer
from netdesk.store.models import Contact
from tests.benchmarks.sync_speed import card, seed_server
from tests.sync.conftest import BOOK, Server, start_radicale
from tests.sync.test_engine import NOW, sync

CARDS = 5000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
    pytest.mark.skipif(
        os.environ.get("NETDESK_SLOW_SYNC") != "1",
        reason="5,000 cards through Radicale take minutes: set NETDESK_SLOW_SYNC=1 to run",
    ),
]


def test_five_thousand_cards_sync_once_and_changes_cross(
    store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    folder = tmp_path / "radicale"
    seed_server(folder, CARDS)
    process, url = start_radicale(folder)
    try:
        server = Server(url, folder)
        server.warm()
        account = writer.add_sync_account(url, "alice", [(BOOK, "Contacts", True)], NOW)
        first = sync(account)
        assert first.added_here == CARDS and first.added_there == 0
        assert Contact.select().count() == CARDS
        again = sync(account)
        assert (again.added_here, again.added_there, again.updated_here) == (0, 0, 0)
        for i in range(10):
            current = server.get(f"{BOOK}bench-{i}.vcf")
            assert current is not None
            server.put(f"{BOOK}bench-{i}.vcf", card(i, "changed on the phone"), current.etag)
        mine = [c.id for c in Contact.select(Contact.id).where(Contact.uid.startswith("bench-49"))]
        for contact_id in mine[:10]:
            writer.update_contact(contact_id, {"title": "Director"}, NOW)
        report = sync(account)
        assert (report.updated_here, report.updated_there, report.conflicts) == (10, 10, 0)
        assert Contact.select().where(Contact.notes == "changed on the phone").count() == 10
        assert reader.sync_outbox() == []
        assert Contact.select().count() == CARDS
    finally:
        process.terminate()
        try:
            process.wait(30)
        except Exception:
            process.kill()
            process.wait()
