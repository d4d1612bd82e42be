"""The calendar push from the command line: `account add URL --calendar NAME`, `sync`, and a
push killed (SIGKILL) halfway that resumes with nothing doubled or lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netdesk.store import reader, writer
from netdesk.sync import caldav
from tests.sync.conftest import BOOK, Server, sync_killed_when_marked
from tests.sync.test_caldav import (  # noqa: F401
    CALENDAR,
    NOW,
    make_follow_ups,
    server,
    server_items,
    sync,
)
from tests.sync.test_commands import MemoryKeyring, memory_keyring, run  # noqa: F401

# Runs `netdesk sync` whose calendar PUTs reach the server; after the fifth, it writes the
# marker and stops for the parent to kill it before it hears back.
KILLED_AFTER_PUTS = """
import sys, time
from netdesk.sync import caldav
real = caldav.put_item
sent = []
def put_item(client, href, text, *, etag):
    tag = real(client, href, text, etag=etag)
    sent.append(href)
    if len(sent) == 5:
        with open(sys.argv[2], "w") as marker:
            marker.write("\\n".join(sent))
        time.sleep(120)
    return tag
caldav.put_item = put_item
from netdesk.__main__ import main
sys.exit(main(["sync", "--data-dir", sys.argv[1]]))
"""


def test_account_add_with_a_calendar_then_sync_from_the_command_line(
    radicale: Server,
    data_dir: Path,
    memory_keyring: MemoryKeyring,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    radicale.make_book()
    monkeypatch.setenv("NETDESK_PASSWORD", "secret")
    d = ["--data-dir", str(data_dir)]
    code, out, err = run(["demo", "--contacts", "30", *d], capsys)
    assert code == 0, err
    add = ["account", "add", radicale.url, "--user", "alice", "--calendar", "Job search"]
    code, out, err = run([*add, *d], capsys)
    assert code == 0, err
    assert "syncing Contacts" in out and "the new calendar “Job search”" in out
    # Asking again for the same server chooses the calendar, and adds no second account.
    code, out, err = run([*add, *d], capsys)
    assert code == 0, err
    assert "the calendar “Job search”" in out and "new" not in out
    code, out, err = run(["account", "list", "--json", *d], capsys)
    [listed] = json.loads(out)
    assert listed["calendar"] == {"href": "/alice/job-search/", "name": "Job search"}
    assert listed["address_books"] == [{"href": BOOK, "name": "Contacts", "synced": True}]
    code, out, err = run(["sync", "--json", *d], capsys)
    assert code == 0, err
    report = json.loads(out)
    assert report["events_put"] > 0 and report["added_there"] == 30
    assert len(server_items(radicale, "/alice/job-search/")) == report["events_put"]
    code, out, err = run(["sync", *d], capsys)
    assert code == 0, err
    assert "Calendar:" not in out  # nothing changed, nothing said


def _sync_killed_after_five_puts(data_dir: Path, tmp_path: Path) -> list[str]:
    return sync_killed_when_marked(KILLED_AFTER_PUTS, data_dir, tmp_path / "put.txt")


def test_a_push_killed_halfway_resumes_without_duplicates(
    server: Server,  # noqa: F811
    data_dir: Path,
    tmp_path: Path,
) -> None:
    radicale = server
    ids = make_follow_ups(12)
    account_id = writer.add_sync_account(radicale.url, "alice", [], NOW)
    caldav.use_calendar(account_id, radicale.url, "alice", "")
    sent = _sync_killed_after_five_puts(data_dir, tmp_path)
    assert len(sent) == 5 and len(server_items(radicale)) == 5
    report = sync()
    items = server_items(radicale)
    assert len(items) == 12  # one item per follow-up: the five sent are not sent twice
    store_key = reader.store_id()
    assert set(items) == {f"follow-up-{i}-{store_key}@netdesk.invalid" for i in ids}
    assert report.events_put == 7  # the killed one is confirmed, not counted again
    pushed = reader.pushed_calendar(account_id)
    assert pushed is not None
    events = reader.calendar_events(pushed.calendar_id)
    assert all(e.etag for e in events.values())
    assert sync().events_put == 0

    # A snooze whose push was killed after the server took it: sent again, once.
    writer.snooze_follow_up(ids[0], NOW.replace(day=28, hour=16))
    for fid in ids[1:5]:
        writer.snooze_follow_up(fid, NOW.replace(day=29, hour=16))
    sent = _sync_killed_after_five_puts(data_dir, tmp_path)
    assert len(sent) == 5
    assert reader.event_outbox()  # still queued: never confirmed
    report = sync()
    assert len(server_items(radicale)) == 12
    assert reader.event_outbox() == {}
    item = server_items(radicale)[f"follow-up-{ids[0]}-{store_key}@netdesk.invalid"]
    assert item.decoded("due") == NOW.replace(day=28, hour=16)
    assert CALENDAR in sent[0]
