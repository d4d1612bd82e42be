"""The importer's bulk paths: identifier maps read from key columns, records read on demand,
companies resolved in one go, and identifiers carried from matching into the insert."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from netdesk.core.demo import generate_network
from netdesk.core.domain import CompanyStatus
from netdesk.core.matching import KnownContacts, RecordKeys, plan_import
from netdesk.core.records import ContactRecord
from netdesk.store import importer, writer
from netdesk.store.demo import load_network
from netdesk.store.models import Company
from netdesk.store.sql import run_sql


def _network(now: dt.datetime) -> None:
    load_network(generate_network(120, seed=3, now=now), now)
    # Contacts sharing identifiers, odd spellings, an archived one and one without any.
    writer.create_contact(
        {"display_name": "Ada Lovelace", "linkedin_url": "https://www.LinkedIn.com/in/Ada/"},
        now,
        emails=["ADA@example.com", "mailto:ada2@example.com"],
        phones=["0044 20 7946 0000", "n/a"],
        company="Analytical Engines, Ltd.",
    )
    twin = writer.create_contact(
        {"display_name": "ada lovelace", "linkedin_url": "http://linkedin.com/in/ada"},
        now,
        emails=["ada@EXAMPLE.com"],
        phones=["+44 20 7946 0000"],
        company="ANALYTICAL ENGINES",
    )
    writer.set_archived([twin.id], True, now)
    writer.create_contact({"display_name": "Nobody"}, now)


def test_known_contacts_equal_the_maps_built_from_every_record(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    _network(now)
    every = importer.all_records()
    expected = KnownContacts.from_records(every)
    known = importer.known_contacts()
    assert known.by_email == expected.by_email
    assert known.by_phone == expected.by_phone
    assert known.by_linkedin == expected.by_linkedin
    assert dict(known.by_name_company) == dict(expected.by_name_company)
    assert len(known.records) == len(every) and list(known.records) == sorted(every)
    assert known.fetch is not None
    known.fetch([1, 2, 999_999])
    assert known.records.get(999_999) is None
    assert all(known.records[cid] == rec for cid, rec in every.items())


def test_reimport_reads_only_the_matched_records(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    _network(now)
    every = importer.all_records()
    wanted = sorted(every)[:5]
    file = [every[cid] for cid in wanted]
    known = importer.known_contacts()
    plan = plan_import(file, known)
    assert [e.action for e in plan.entries] == ["unchanged"] * 5
    assert sorted(known.records._loaded) == wanted  # type: ignore[attr-defined]
    assert plan_import(file, KnownContacts.from_records(every)).to_json() == plan.to_json()


def test_records_read_by_a_range_of_ids_are_those_asked_for(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    _network(now)
    every = importer.all_records()
    ids = sorted(every)
    # Close together (read as one range of ids) and far apart (read one by one), in any order.
    for asked in (ids[10:40:2], [ids[-1], ids[0], ids[60]], ids[5:6]):
        found = importer.all_records(asked)
        assert sorted(found) == sorted(asked)
        assert all(found[cid] == every[cid] for cid in asked)


def test_companies_are_resolved_once_and_named_as_first_written(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    writer.company_for_name("Globex")
    records = [
        ContactRecord(display_name="A", organization="  Acme, Inc. "),
        ContactRecord(display_name="B", organization="ACME"),
        ContactRecord(display_name="C", organization="globex corp"),
        ContactRecord(display_name="D", organization=" "),
        ContactRecord(display_name="E", organization="Initech"),
    ]
    ids = importer.insert_contacts([(r, {}) for r in records], now, None)
    rows = run_sql(
        store,
        "SELECT c.id, co.name FROM contact c LEFT JOIN company co ON co.id = c.company_id "
        "ORDER BY c.id",
    ).fetchall()
    assert [name for _, name in rows] == ["Acme, Inc.", "Acme, Inc.", "Globex", None, "Initech"]
    assert [cid for cid, _ in rows] == ids
    assert Company.select().count() == 3
    initech = Company.get(Company.name == "Initech")
    assert initech.status == CompanyStatus.NONE.value and initech.created_at is not None


def test_carried_keys_write_what_computed_keys_write(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    records = [
        ContactRecord(
            display_name=f"P{i}",
            emails=["X@Example.com", "x@example.com", " ", f"p{i}@example.com"],
            phones=["+1 555 0100", "0015550100", "n/a", "n/a"],
            linkedin_url="https://www.linkedin.com/in/P/?x=1",
        )
        for i in range(3)
    ]
    keys = [RecordKeys.of(r) for r in records]
    importer.insert_contacts([(r, {}) for r in records], now, None)
    importer.insert_contacts([(r, {}) for r in records], now, None, keys)

    def rows(table: str, first_id: int) -> list[tuple[object, ...]]:
        # (which of the three contacts, value, key, position)
        return run_sql(
            store,
            f"SELECT contact_id - ?, {table.split('_')[1]}, key, position FROM {table} "
            "WHERE contact_id BETWEEN ? AND ? ORDER BY contact_id, position",
            [first_id, first_id, first_id + 2],
        ).fetchall()

    assert rows("contact_email", 1) == rows("contact_email", 4)
    assert rows("contact_email", 1)[:2] == [
        (0, "X@Example.com", "x@example.com", 0),
        (0, "p0@example.com", "p0@example.com", 3),
    ]
    assert rows("contact_phone", 1) == rows("contact_phone", 4)
    assert rows("contact_phone", 1)[:2] == [(0, "+1 555 0100", "+15550100", 0), (0, "n/a", "", 2)]
    keys_stored = run_sql(store, "SELECT DISTINCT linkedin_key FROM contact").fetchall()
    assert keys_stored == [("linkedin.com/in/p",)]
