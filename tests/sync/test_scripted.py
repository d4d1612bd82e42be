"""What a real server will not do on demand, scripted in front of one: a PUT answered
without an ETag, a refused sync token, a card refused (507), a card changed between the
pull and the push (412), a server failing midway through a large first sync."""

from __future__ import annotations

import peewee as pw

from netdesk.store import reader, writer
from netdesk.store.models import Contact
from netdesk.sync import engine
from tests.sync.conftest import BOOK, Proxy, Reply, Server
from tests.sync.test_engine import NOW, card


def _account(url: str) -> int:
    return writer.add_sync_account(url, "alice", [(BOOK, "Contacts", True)], NOW)


def _sync(account_id: int) -> engine.Report:
    account = reader.sync_account(account_id)
    assert account is not None
    return engine.sync_account(account, "", NOW)


def test_a_put_answered_without_an_etag_fetches_it(
    proxy: tuple[Server, Proxy], store: pw.SqliteDatabase
) -> None:
    server, scripted = proxy

    def no_etag(method: str, path: str, reply: Reply) -> Reply:
        status, headers, body = reply
        if method == "PUT":
            headers = {k: v for k, v in headers.items() if k.lower() != "etag"}
        return status, headers, body

    scripted.after.append(no_etag)
    account = _account(scripted.url)
    writer.create_contact({"display_name": "No Etag"}, NOW, emails=["n@x.example"])
    assert _sync(account).added_there == 1
    [(href, _)] = server.cards().items()
    stored = reader.card_at(1, href)
    on_server = server.get(href)
    assert stored is not None and on_server is not None
    assert stored.etag == on_server.etag and stored.base == on_server.text
    scripted.seen.clear()
    again = _sync(account)
    assert again.added_there == again.updated_there == 0
    assert [m for m, _ in scripted.seen if m == "PUT"] == []


def test_a_refused_sync_token_falls_back_to_a_scan(
    proxy: tuple[Server, Proxy], store: pw.SqliteDatabase
) -> None:
    server, scripted = proxy
    account = _account(scripted.url)
    server.put(BOOK + "a.vcf", card("a", "Alex Krycek", "alex@x.example"))
    _sync(account)

    def refuse(method: str, path: str, headers: dict[str, str], body: bytes) -> Reply | None:
        if method == "REPORT" and b"sync-collection" in body and b"<d:sync-token></" not in body:
            return 403, {"Content-Type": "application/xml"}, (
                b'<?xml version="1.0"?><d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>'
            )
        return None

    scripted.before.append(refuse)
    server.put(BOOK + "b.vcf", card("b", "Monica Reyes", "monica@x.example"))
    server.delete(BOOK + "a.vcf")
    report = _sync(account)
    assert report.full_scans == 1
    assert report.added_here == 1 and report.deleted_here == 1
    assert [c.display_name for c in Contact.select()] == ["Monica Reyes"]


def test_a_card_the_server_refuses_is_named_and_the_others_go_on(
    proxy: tuple[Server, Proxy], store: pw.SqliteDatabase
) -> None:
    server, scripted = proxy
    account = _account(scripted.url)
    big = writer.create_contact({"display_name": "Too Big"}, NOW, emails=["big@x.example"])
    writer.create_contact({"display_name": "Fine One"}, NOW, emails=["fine@x.example"])
    full = {"on": True}

    def insufficient(method: str, path: str, headers: dict[str, str], body: bytes) -> Reply | None:
        if full["on"] and method == "PUT" and b"Too Big" in body:
            return 507, {"Content-Type": "text/plain"}, b"Insufficient Storage: quota exceeded"
        return None

    scripted.before.append(insufficient)
    report = _sync(account)
    assert report.added_there == 1
    [rejected] = report.rejected
    assert (rejected.name, rejected.status) == ("Too Big", 507)
    assert "quota exceeded" in rejected.reason
    assert [r.name for r in reader.sync_rejections()] == ["Too Big"]
    assert reader.sync_outbox_entry(big.id) is not None  # kept, to be tried again
    full["on"] = False
    again = _sync(account)
    assert again.added_there == 1 and again.rejected == []
    assert reader.sync_rejections() == [] and reader.sync_outbox() == []
    assert len(server.cards()) == 2


def test_a_card_changed_between_pull_and_push_is_merged_not_overwritten(
    proxy: tuple[Server, Proxy], store: pw.SqliteDatabase
) -> None:
    server, scripted = proxy
    account = _account(scripted.url)
    server.put(BOOK + "j.vcf", card("j", "John Doggett", "john@fbi.example"))
    _sync(account)
    john = Contact.get(Contact.display_name == "John Doggett")
    writer.update_contact(john.id, {"title": "Agent"}, NOW)
    raced = {"done": False}

    def phone_edits_first(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Reply | None:
        if method == "PUT" and not raced["done"]:
            raced["done"] = True
            current = server.get(BOOK + "j.vcf")
            assert current is not None
            server.put(
                BOOK + "j.vcf",
                card("j", "John Doggett", "john@fbi.example", "NOTE:from the phone\r\n"),
                etag=current.etag,
            )
        return None

    scripted.before.append(phone_edits_first)
    report = _sync(account)
    assert raced["done"]
    assert report.conflicts == 0
    text = server.cards()[BOOK + "j.vcf"]
    assert "TITLE:Agent" in text and "NOTE:from the phone" in text
    john = Contact.get_by_id(john.id)
    assert (john.title, john.notes) == ("Agent", "from the phone")
    assert reader.sync_outbox() == []
    statuses = [m for m, _ in scripted.seen]
    assert statuses.count("PUT") == 2  # the refused one (412) and the merged one


def test_a_server_failing_midway_through_a_large_first_sync_loses_and_doubles_nothing(
    proxy: tuple[Server, Proxy], store: pw.SqliteDatabase
) -> None:
    server, scripted = proxy
    folder = server.folder / "collection-root" / BOOK.strip("/")
    for i in range(250):  # three batches, read ahead on a second connection
        text = card(f"p{i}", f"Person Number{i}", f"p{i}@x.example")
        (folder / f"p{i}.vcf").write_text(text, encoding="utf-8", newline="")
    account = _account(scripted.url)
    multigets: list[bytes] = []

    def third_fails(method: str, path: str, headers: dict[str, str], body: bytes) -> Reply | None:
        # From the third batch on, the server answers nothing but 500 (a multiget refused
        # is tried card by card: those fail too).
        if method == "REPORT" and b"addressbook-multiget" in body:
            multigets.append(body)
        if len(multigets) >= 3 and method in ("REPORT", "GET"):
            return 500, {}, b"the server fell over"
        return None

    scripted.before.append(third_fails)
    try:
        _sync(account)
    except engine.SyncError as exc:
        assert "500" in str(exc)
    else:
        raise AssertionError("the sync went on past the server's failure")
    assert Contact.select().count() == 200  # the two batches read before it, kept
    scripted.before.clear()
    report = _sync(account)
    assert report.added_here == 50
    assert Contact.select().count() == 250 == len(server.cards())
    assert len({c.uid for c in Contact.select(Contact.uid)}) == 250
