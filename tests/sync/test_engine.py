"""Two-way sync against real CardDAV servers on loopback: Radicale, and Xandikos for the
core cases (each server lists, versions and rewrites cards in its own way)."""

from __future__ import annotations

import datetime as dt
import re

import peewee as pw
import pytest

from netdesk.store import reader, writer
from netdesk.store.models import Contact
from netdesk.sync import dav, engine
from tests.sync.conftest import BOOK, Server

NOW = dt.datetime(2026, 11, 26, 9, 0)


def card(uid: str, name: str, email: str, extra: str = "") -> str:
    given, _, family = name.partition(" ")
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{family};{given};;;\r\n"
        f"EMAIL;TYPE=work:{email}\r\n{extra}END:VCARD\r\n"
    )


def add_account(server: Server) -> int:
    return writer.add_sync_account(server.url, "alice", [(server.book, "Contacts", True)], NOW)


def sync(account_id: int, **kwargs: object) -> engine.Report:
    account = reader.sync_account(account_id)
    assert account is not None
    return engine.sync_account(account, "secret", NOW, **kwargs)  # type: ignore[arg-type]


def contact(name: str) -> Contact:
    return Contact.get(Contact.display_name == name)


@pytest.fixture
def synced(radicale: Server, store: pw.SqliteDatabase) -> tuple[Server, int]:
    radicale.make_book()
    return radicale, add_account(radicale)


@pytest.fixture
def both(carddav: Server, store: pw.SqliteDatabase) -> tuple[Server, int]:
    """Radicale, then Xandikos: the same test on each."""
    return carddav, add_account(carddav)


def test_discovery_from_a_bare_host_finds_the_address_books(radicale: Server) -> None:
    radicale.make_book()
    radicale.make_book("/alice/work/", "Work people")
    client = radicale.client()
    books = dav.discover(client, radicale.url)
    assert [(b.href, b.name) for b in books] == [
        ("/alice/contacts/", "Contacts"),
        ("/alice/work/", "Work people"),
    ]


def test_a_card_added_on_the_server_appears_here_and_twice_is_once(
    both: tuple[Server, int],
) -> None:
    server, account = both
    server.put(server.book + "dana.vcf", card("dana-1", "Dana Scully", "dana@fbi.example"))
    report = sync(account)
    assert report.added_here == 1
    dana = contact("Dana Scully")
    assert reader.contact_emails(dana.id) == ["dana@fbi.example"]
    assert dana.uid == "dana-1"
    again = sync(account)
    assert again.added_here == again.updated_here == again.added_there == 0
    assert Contact.select().count() == 1
    assert len(server.cards()) == 1


def test_a_contact_edited_here_reaches_the_server_keeping_what_netdesk_does_not_model(
    both: tuple[Server, int],
) -> None:
    server, account = both
    extra = "X-FAVOURITE-COLOUR:teal\r\nitem1.TEL:+1 555 0100\r\nitem1.X-ABLabel:desk\r\n"
    server.put(server.book + "fox.vcf", card("fox", "Fox Mulder", "fox@fbi.example", extra))
    sync(account)
    fox = contact("Fox Mulder")
    writer.update_contact(fox.id, {"title": "Special Agent"}, NOW)
    assert reader.sync_outbox_entry(fox.id) is not None
    report = sync(account)
    assert report.updated_there == 1
    text = server.cards()[server.book + "fox.vcf"]
    assert "TITLE:Special Agent" in text
    assert "X-FAVOURITE-COLOUR:teal" in text
    assert "item1.TEL:+1 555 0100" in text
    assert re.search(r"^item1\.X-ABLABEL:desk$", text, re.IGNORECASE | re.MULTILINE)
    assert reader.sync_outbox() == []


def test_a_contact_added_here_becomes_a_card_and_is_not_sent_twice(
    both: tuple[Server, int],
) -> None:
    server, account = both
    writer.create_contact({"display_name": "Walter Skinner"}, NOW, emails=["ws@fbi.example"])
    report = sync(account)
    assert report.added_there == 1
    [(_href, text)] = server.cards().items()
    assert "FN:Walter Skinner" in text and "ws@fbi.example" in text
    uid = contact("Walter Skinner").uid
    assert uid and f"UID:{uid}" in text
    again = sync(account)
    assert again.added_there == again.added_here == 0
    assert len(server.cards()) == 1 and Contact.select().count() == 1


def test_deletes_go_both_ways(both: tuple[Server, int]) -> None:
    server, account = both
    server.put(server.book + "a.vcf", card("a", "Alex Krycek", "alex@x.example"))
    server.put(server.book + "b.vcf", card("b", "Monica Reyes", "monica@x.example"))
    sync(account)
    server.delete(server.book + "a.vcf")
    writer.delete_contacts([contact("Monica Reyes").id])
    report = sync(account)
    assert report.deleted_here == 1 and report.deleted_there == 1
    assert Contact.select().count() == 0
    assert server.cards() == {}


def test_both_sides_edit_different_fields_merged_same_field_a_conflict(
    both: tuple[Server, int],
) -> None:
    server, account = both
    server.put(server.book + "j.vcf", card("j", "John Doggett", "john@fbi.example"))
    sync(account)
    john = contact("John Doggett")
    here = server.get(server.book + "j.vcf")
    assert here is not None
    server.put(
        server.book + "j.vcf",
        card("j", "John Doggett", "john@fbi.example", "TITLE:Agent\r\nNOTE:from the phone\r\n"),
        etag=here.etag,
    )
    writer.update_contact(john.id, {"notes": "from the desk"}, NOW, phones=["+1 555 0199"])
    report = sync(account)
    assert report.conflicts == 1
    john = contact("John Doggett")
    assert john.title == "Agent"  # theirs, merged
    assert reader.contact_phones(john.id) == ["+1 555 0199"]  # mine, merged
    assert john.notes == "from the desk"  # a conflict keeps mine here...
    text = server.cards()[server.book + "j.vcf"]
    assert "NOTE:from the phone" in text  # ...and theirs there, until the user picks
    assert "555 0199" in text
    [conflict] = reader.sync_conflicts()
    assert (conflict.field, conflict.mine, conflict.theirs) == (
        "notes",
        "from the desk",
        "from the phone",
    )
    # Syncing again moves neither side of the conflict.
    sync(account)
    assert "NOTE:from the phone" in server.cards()[server.book + "j.vcf"]
    assert contact("John Doggett").notes == "from the desk"


def test_an_expired_token_falls_back_to_a_full_scan(both: tuple[Server, int]) -> None:
    server, account = both
    server.put(server.book + "a.vcf", card("a", "Alex Krycek", "alex@x.example"))
    sync(account)
    [book] = reader.sync_account(account).books  # type: ignore[union-attr]
    writer.set_sync_token(book.book_id, "http://radicale.org/ns/sync/expired")
    server.put(server.book + "b.vcf", card("b", "Monica Reyes", "monica@x.example"))
    report = sync(account)
    assert report.full_scans == 1 and report.added_here == 1
    assert Contact.select().count() == 2


def test_a_card_already_here_under_another_uid_is_matched_not_doubled(
    synced: tuple[Server, int],
) -> None:
    server, account = synced
    writer.create_contact({"display_name": "Dana Scully"}, NOW, emails=["DANA@fbi.example"])
    server.put(BOOK + "dana.vcf", card("other-uid", "Dana Scully", "dana@fbi.example"))
    sync(account)
    assert Contact.select().count() == 1
    assert len(server.cards()) == 1


def test_a_server_that_rewrites_cards_is_not_taken_for_an_edit(
    synced: tuple[Server, int],
) -> None:
    server, account = synced
    server.put(BOOK + "r.vcf", card("r", "Rewritten Card", "r@x.example", "X-LOCAL:1\r\n"))
    sync(account)
    current = server.get(BOOK + "r.vcf")
    assert current is not None
    # What iOS does to a card: 4.0 downgraded to 3.0, groups added, X- props dropped.
    server.put(
        BOOK + "r.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iOS 17//EN\r\nN:Card;Rewritten;;;\r\n"
        "FN:Rewritten Card\r\nitem1.EMAIL;type=INTERNET;type=WORK;type=pref:r@x.example\r\n"
        "item1.X-ABLabel:_$!<Work>!$_\r\nUID:r\r\nEND:VCARD\r\n",
        etag=current.etag,
    )
    before = contact("Rewritten Card").updated_at
    report = sync(account)
    assert report.updated_here == 0 and report.conflicts == 0 and report.updated_there == 0
    assert contact("Rewritten Card").updated_at == before


def test_the_whole_card_comes_in_and_only_what_changed_goes_out(
    synced: tuple[Server, int],
) -> None:
    server, account = synced
    adr = "ADR;TYPE=work:;;1 Main St;Springfield;IL;62701;USA\r\n"
    extra = adr + "ROLE:Lead\r\nitem2.TEL;TYPE=cell:+1 555 0100\r\nitem2.X-ABLabel:mobile\r\n"
    server.put(BOOK + "w.vcf", card("w", "Whole Card", "whole@x.example", extra))
    sync(account)
    whole = contact("Whole Card")
    record = reader.contact_record_of(whole.id)
    assert record is not None
    assert record.role == "Lead"
    assert [a.street for a in record.addresses] == ["1 Main St"]
    assert "cell" in record.phone_attrs["+1 555 0100"].types
    writer.update_contact(whole.id, {}, NOW, phones=["+1 555 0100", "+1 555 0199"])
    assert sync(account).updated_there == 1
    text = server.cards()[BOOK + "w.vcf"]
    assert "1 Main St;Springfield" in text and "ROLE:Lead" in text
    assert "555 0199" in text and "555 0100" in text
    assert re.search(r"^item2\.X-ABLABEL:mobile$", text, re.IGNORECASE | re.MULTILINE)
    # A postal address changed on the phone arrives whole.
    current = server.get(BOOK + "w.vcf")
    assert current is not None
    server.put(
        BOOK + "w.vcf",
        current.text.replace("1 Main St", "9 Elm Ave"),
        etag=current.etag,
    )
    assert sync(account).updated_here == 1
    record = reader.contact_record_of(whole.id)
    assert record is not None and [a.street for a in record.addresses] == ["9 Elm Ave"]
    assert reader.contact_phones(whole.id) == ["+1 555 0100", "+1 555 0199"]
