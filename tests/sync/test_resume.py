"""A sync killed (SIGKILL) in the middle of its pushes resumes from the outbox: nothing is
lost and nothing is doubled."""

from __future__ import annotations

from pathlib import Path

import peewee as pw

from netdesk.store import reader, writer
from netdesk.store.models import Contact
from tests.sync.conftest import BOOK, Server, sync_killed_when_marked
from tests.sync.test_engine import NOW, add_account, sync

# Runs `netdesk sync` with each PUT reaching the server, then stopping (marker file
# written) for the parent to kill the process before it hears back.
KILLED_AFTER_PUT = """
import sys, time
from netdesk.sync import dav
real = dav.put
def put(client, href, text, *, etag):
    tag = real(client, href, text, etag=etag)
    with open(sys.argv[2], "a") as marker:
        marker.write(href + "\\n")
    time.sleep(120)
    return tag
dav.put = put
from netdesk.__main__ import main
sys.exit(main(["sync", "--data-dir", sys.argv[1]]))
"""


def _sync_killed_after_first_put(data_dir: Path, tmp_path: Path) -> list[str]:
    return sync_killed_when_marked(KILLED_AFTER_PUT, data_dir, tmp_path / "put.txt")


def test_a_sync_killed_mid_push_resumes_without_duplicates_or_loss(
    radicale: Server, store: pw.SqliteDatabase, data_dir: Path, tmp_path: Path
) -> None:
    radicale.make_book()
    account = add_account(radicale)
    for i in range(3):
        writer.create_contact({"display_name": f"Person {i}"}, NOW, emails=[f"p{i}@x.example"])
    sent = _sync_killed_after_first_put(data_dir, tmp_path)
    assert len(sent) == 1 and len(radicale.cards()) == 1
    report = sync(account)
    assert len(radicale.cards()) == 3
    assert Contact.select().count() == 3
    assert report.added_here == 0
    assert reader.sync_outbox() == []

    # An edit whose push was killed after the server took it: sent once more, merged, done.
    person = Contact.get(Contact.display_name == "Person 1")
    writer.update_contact(person.id, {"title": "Director"}, NOW)
    sent = _sync_killed_after_first_put(data_dir, tmp_path)
    assert len(sent) == 1
    assert reader.sync_outbox_entry(person.id) is not None  # still queued: never confirmed
    report = sync(account)
    assert report.conflicts == 0 and reader.sync_conflicts() == []
    cards = radicale.cards()
    assert len(cards) == 3
    assert sum("TITLE:Director" in text for text in cards.values()) == 1
    assert reader.sync_outbox() == []
    assert Contact.get_by_id(person.id).title == "Director"
    assert BOOK in sent[0]
