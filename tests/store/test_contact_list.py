"""The contact list's readers: ordered ids, counts, full-text hits, pages of rows; and the
small readers the editor, the timeline and the wrap-up use in place of models."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from netdesk.core.domain import InteractionKind, Tie
from netdesk.store import reader, writer
from netdesk.store.reader import ListFilter, ListOrder


@pytest.fixture
def three(store: pw.SqliteDatabase, now: dt.datetime) -> list[int]:
    ann = writer.create_contact(
        {"display_name": "ann Lee", "title": "Engineer"}, now, company="Zeta"
    ).id
    bob = writer.create_contact({"display_name": "Bob Ray"}, now, company="acme").id
    cid = writer.create_contact({"display_name": "Cid Ames"}, now).id
    writer.set_tie([bob], Tie.ADVOCATE, now)
    writer.log_interaction(ann, InteractionKind.MEETING, now - dt.timedelta(days=3), now)
    return [ann, bob, cid]


def test_ids_come_in_each_order_and_filter(three: list[int], now: dt.datetime) -> None:
    ann, bob, cid = three
    assert list(reader.contact_list_ids(ListFilter(), ListOrder.NAME)) == [ann, bob, cid]
    assert list(reader.contact_list_ids(ListFilter(), ListOrder.NAME, True)) == [cid, bob, ann]
    # No company sorts last in either direction; the case of a name does not count.
    assert list(reader.contact_list_ids(ListFilter(), ListOrder.COMPANY)) == [bob, ann, cid]
    assert list(reader.contact_list_ids(ListFilter(), ListOrder.COMPANY, True)) == [
        ann,
        bob,
        cid,
    ]
    assert reader.contact_list_ids(ListFilter(), ListOrder.LAST_CONTACT)[0] == ann
    assert list(reader.contact_list_ids(ListFilter(tie=Tie.ADVOCATE), ListOrder.NAME)) == [bob]
    assert list(reader.contact_list_ids(ListFilter(), ListOrder.NAME, limit=2)) == [ann, bob]
    assert reader.count_contact_list(ListFilter()) == 3
    assert reader.count_contact_list(ListFilter(tie=Tie.UNSORTED)) == 2
    due = reader.contact_list_ids(ListFilter(due_by=now + dt.timedelta(days=3650)), ListOrder.NAME)
    assert ann in due  # the meeting is owed a follow-up
    assert list(due) == [
        c
        for c in reader.contact_list_ids(ListFilter(), ListOrder.NAME)
        if reader.listed_contacts([c])[0].next_due_at is not None
    ]
    assert reader.count_contact_list(ListFilter(due_by=now - dt.timedelta(days=3650))) == 0


def test_search_counts_leave_archived_hits_to_be_subtracted(
    three: list[int], now: dt.datetime
) -> None:
    ann, bob, cid = three
    match = reader.fts_query("a")
    assert set(reader.search_hits(match)) == {ann, bob, cid}
    writer.set_archived([cid], True, now)
    assert reader.count_search_hits(match) == 3
    assert reader.count_archived_search_hits(match) == 1
    assert list(reader.contact_list_ids(ListFilter(), ListOrder.NAME, match=match)) == [ann, bob]
    assert reader.count_contact_list(ListFilter()) == 2


def test_rows_of_a_page_and_the_small_readers(three: list[int], now: dt.datetime) -> None:
    ann, bob, cid = three
    rows = {r.contact_id: r for r in reader.listed_contacts([ann, bob, 10**6])}
    assert set(rows) == {ann, bob}
    assert (rows[ann].name, rows[ann].company, rows[ann].title) == ("ann Lee", "Zeta", "Engineer")
    assert rows[ann].last_touch_at == now - dt.timedelta(days=3)
    assert rows[bob].tie is Tie.ADVOCATE and rows[bob].last_touch_at is None
    assert reader.listed_contacts([]) == []
    assert reader.store_has_contacts()
    assert reader.contact_name(bob) == "Bob Ray"
    assert reader.contact_name(10**6) is None
    details = reader.contact_details(ann)
    assert (details.display_name, details.company, details.tie) == ("ann Lee", "Zeta", Tie.UNSORTED)
    assert details.photo is None and details.reference_agreed_on is None
    assert reader.contact_details(cid).company == ""


def test_an_empty_store_has_no_contacts(store: pw.SqliteDatabase) -> None:
    assert not reader.store_has_contacts()
