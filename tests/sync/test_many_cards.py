"""5,000 cards on Radicale and on Xandikos: the first sync brings them all, a second adds
none, and ten changes on each side cross over. It takes about a minute (most of it the server
reading every card for the first time), so the suite skips it and .ci/run's second step runs
it (NETDESK_SLOW_SYNC=1, marker `minutes`); figures are the benchmark's
(tests/benchmarks/sync_speed.py), this test checks the outcome."""

from __future__ import annotations

import os
from pathlib import Path

import peewee as pw
import pytest

from netdesk.store import reader, writer
from netdesk.store.models import Contact
from tests.benchmarks.sync_speed import card, seed_server, seed_xandikos
from tests.sync.conftest import BOOK, XANDIKOS_BOOK, Server, start_radicale, start_xandikos, stop
from tests.sync.test_engine import NOW, sync

CARDS = 5000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.minutes,
    pytest.mark.timeout(900),
    pytest.mark.skipif(
        os.environ.get("NETDESK_SLOW_SYNC") != "1",
        reason="5,000 cards through a real server take a minute: set NETDESK_SLOW_SYNC=1 to run",
    ),
]


@pytest.mark.parametrize("kind", ["radicale", "xandikos"])
def test_five_thousand_cards_sync_once_and_changes_cross(
    kind: str, store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    # The server's storage holds the cards already, as a phone would have put them there.
    folder = tmp_path / kind
    if kind == "radicale":
        seed_server(folder, CARDS)
        process, url = start_radicale(folder)
        book = BOOK
    else:
        seed_xandikos(folder, CARDS)
        process, url = start_xandikos(folder)
        book = XANDIKOS_BOOK
    try:
        server = Server(url, folder, book, kind)
        account = writer.add_sync_account(url, "alice", [(book, "Contacts", True)], NOW)
        first = sync(account)
        assert first.added_here == CARDS and first.added_there == 0
        assert Contact.select().count() == CARDS
        again = sync(account)
        assert (again.added_here, again.added_there, again.updated_here) == (0, 0, 0)
        for i in range(10):
            current = server.get(f"{book}bench-{i}.vcf")
            assert current is not None
            server.put(f"{book}bench-{i}.vcf", card(i, "changed on the phone"), current.etag)
        mine = [c.id for c in Contact.select(Contact.id).where(Contact.uid.startswith("bench-49"))]
        for contact_id in mine[:10]:
            writer.update_contact(contact_id, {"title": "Director"}, NOW)
        report = sync(account)
        assert (report.updated_here, report.updated_there, report.conflicts) == (10, 10, 0)
        assert Contact.select().where(Contact.notes == "changed on the phone").count() == 10
        assert reader.sync_outbox() == []
        assert Contact.select().count() == CARDS
        assert server.count() == CARDS
    finally:
        stop(process)
