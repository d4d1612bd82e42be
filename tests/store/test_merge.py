"""Merging two contacts: every row hanging on either is carried to the one that stays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import peewee as pw
import pytest

from netdesk.core.domain import FollowUpReason, FollowUpState, InteractionKind, Tie
from netdesk.core.duplicates import MergePlan, Take
from netdesk.store import reader, writer
from netdesk.store.models import (
    Contact,
    ContactAddress,
    ContactEmail,
    ContactProperty,
    ContactUrl,
    FollowUp,
    Interaction,
    db,
)
from netdesk.store.sql import run_sql

NOW = dt.datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def pair(store: pw.SqliteDatabase) -> Iterator[tuple[int, int]]:
    """Two cards of one person, each with its own timeline, follow-ups and card rows."""
    first = writer.create_contact(
        {
            "display_name": "Priya Raman",
            "title": "Staff engineer",
            "tie": Tie.ADVOCATE.value,
            "tags": "mentor, alumni",
            "linkedin_url": "https://www.linkedin.com/in/priya-raman",
            "urls": "https://priya.example",
            "notes": "Met at PyCon.",
        },
        NOW,
        emails=["priya@work.example"],
        phones=["020 7946 0958"],
        company="Initech",
    ).id
    second = writer.create_contact(
        {
            "display_name": "Priya Ramen",
            "title": "",
            "nickname": "PR",
            "tags": "Alumni, recruiter",
            "urls": "https://blog.priya.example",
            "notes": "Likes chess.",
            "reference_consent": True,
        },
        NOW,
        emails=["priya@home.example", "PRIYA@work.example"],
        phones=["+44 20 7946 0958", "+44 7700 900123"],
        company="Globex",
    ).id
    ContactUrl.delete().where(ContactUrl.contact.in_([first, second])).execute()
    for cid, url, position in (
        (first, "https://www.linkedin.com/in/priya-raman", 0),
        (first, "https://priya.example", 1),
        (second, "https://blog.priya.example", 0),
    ):
        ContactUrl.create(contact=cid, url=url, types="work", position=position)
    ContactEmail.update(types="work", grp="item1").where(
        (ContactEmail.contact == first) & (ContactEmail.email == "priya@work.example")
    ).execute()
    ContactEmail.update(types="home", grp="item1").where(
        (ContactEmail.contact == second) & (ContactEmail.email == "priya@home.example")
    ).execute()
    ContactProperty.create(contact=first, grp="item1", name="X-ABLABEL", value="Office")
    ContactProperty.create(contact=second, grp="item1", name="X-ABLABEL", value="Home")
    ContactAddress.create(contact=second, street="1 High St", locality="London", types="home")
    with writer.change(NOW):
        writer.log_interaction(first, InteractionKind.COFFEE, NOW - dt.timedelta(days=50), NOW)
        writer.log_interaction(second, InteractionKind.CALL, NOW - dt.timedelta(days=40), NOW)
        writer.log_interaction(
            second, InteractionKind.INTRODUCTION, NOW - dt.timedelta(days=3), NOW,
            helped="an introduction to Hooli",
        )
        writer.ask_reference(second, "Hooli", NOW, NOW, check_at=NOW + dt.timedelta(days=5))
    yield first, second


def _rows(table: str, contact_id: int) -> list[dict[str, Any]]:
    cursor = run_sql(db, f'SELECT * FROM "{table}" WHERE contact_id = ? ORDER BY id', [contact_id])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _urls(contact_id: int) -> list[dict[str, Any]]:
    return sorted(_rows("contact_url", contact_id), key=lambda u: (u["position"], u["id"]))


def test_a_merge_carries_every_row_of_the_second_contact(pair: tuple[int, int]) -> None:
    first, second = pair
    links = writer.contact_links()
    counts = {
        link.table: len(_rows(link.table, first)) + len(_rows(link.table, second))
        for link in links
        if link.column == "contact_id" and link.table != "follow_up"
    }
    writer.merge_contacts(MergePlan(first, second), NOW)

    assert Contact.get_or_none(Contact.id == second) is None
    for link in links:
        rows = run_sql(
            db, f'SELECT count(*) FROM "{link.table}" WHERE "{link.column}" = ?', [second]
        ).fetchone()[0]
        assert rows == 0, f"{link.table} still points at the merged contact"
    # The timeline, the reference request and the address came along.
    assert len(_rows("interaction", first)) == counts["interaction"] == 3
    assert len(_rows("reference_request", first)) == 1
    assert [a["street"] for a in _rows("contact_address", first)] == ["1 High St"]
    # Emails: the same address once (the first's, with its type), the new one after it.
    assert reader.contact_emails(first) == ["priya@work.example", "priya@home.example"]
    # Phones: both forms of one number are kept (the user sees both in the dialog).
    assert reader.contact_phones(first) == [
        "020 7946 0958",
        "+44 20 7946 0958",
        "+44 7700 900123",
    ]
    # The second's vCard group is renamed so that its label stays with its own email.
    home = ContactEmail.get((ContactEmail.contact == first) & (ContactEmail.types == "home"))
    label = ContactProperty.get(
        (ContactProperty.contact == first) & (ContactProperty.value == "Home")
    )
    assert home.grp == label.grp == "item2"
    contact = Contact.get_by_id(first)
    assert contact.tags == "mentor, alumni, recruiter"
    assert contact.title == "Staff engineer" and contact.nickname == "PR"
    assert contact.notes == "Met at PyCon.\n\nLikes chess."
    assert contact.reference_consent
    assert contact.urls.splitlines() == ["https://priya.example", "https://blog.priya.example"]
    assert [(u["url"], u["types"], u["position"]) for u in _urls(first)] == [
        ("https://www.linkedin.com/in/priya-raman", "work", 0),
        ("https://priya.example", "work", 1),
        ("https://blog.priya.example", "work", 2),
    ]
    # The summary follows the joined timeline; one open reminder of each kind remains.
    assert contact.touch_count == 3
    open_rules = FollowUp.select().where(
        (FollowUp.contact == first)
        & (FollowUp.state.in_([FollowUpState.DUE.value, FollowUpState.SNOOZED.value]))
        & (FollowUp.reason != FollowUpReason.REFERENCE_HEADS_UP.value)
    )
    reasons = [f.reason for f in open_rules]
    assert reasons.count(FollowUpReason.THANK_YOU.value) == 1
    assert len([r for r in reasons if r != FollowUpReason.THANK_YOU.value]) <= 1


def test_the_user_chooses_each_field_and_each_kind_of_card_row(pair: tuple[int, int]) -> None:
    first, second = pair
    plan = MergePlan(
        first,
        second,
        {
            "display_name": Take.SECOND,
            "company": Take.SECOND,
            "notes": Take.FIRST,
            "urls": Take.SECOND,
            "contact_phone": Take.SECOND,
            "contact_email": Take.FIRST,
            "contact_address": Take.FIRST,
        },
    )
    writer.merge_contacts(plan, NOW)
    contact = Contact.get_by_id(first)
    assert contact.display_name == "Priya Ramen"
    assert contact.company.name == "Globex"
    assert contact.notes == "Met at PyCon."
    assert contact.urls == "https://blog.priya.example"
    assert reader.contact_phones(first) == ["+44 20 7946 0958", "+44 7700 900123"]
    assert reader.contact_emails(first) == ["priya@work.example"]
    assert _rows("contact_address", first) == []
    assert [u["url"] for u in _urls(first)] == [
        "https://www.linkedin.com/in/priya-raman",
        "https://blog.priya.example",
    ]
    assert contact.tags == "mentor, alumni, recruiter"  # tags always combine


def test_a_table_added_later_comes_along(pair: tuple[int, int]) -> None:
    """Rows of a table the merge was not written for (a later schema's) are carried too."""
    first, second = pair
    run_sql(
        db,
        "CREATE TABLE contact_badge (id INTEGER PRIMARY KEY, contact_id INTEGER NOT NULL "
        "REFERENCES contact (id) ON DELETE CASCADE, badge TEXT NOT NULL)",
    )
    run_sql(db, "INSERT INTO contact_badge (contact_id, badge) VALUES (?, 'speaker')", [second])
    writer.merge_contacts(MergePlan(first, second), NOW)
    assert [r["badge"] for r in _rows("contact_badge", first)] == ["speaker"]


def test_a_wrap_up_step_held_once_per_contact_keeps_the_first(pair: tuple[int, int]) -> None:
    first, second = pair
    writer.mark_thanked(first, "email", NOW)
    writer.mark_thanked(second, "note", NOW)
    writer.merge_contacts(MergePlan(first, second), NOW)
    assert [r["channel"] for r in _rows("wrapup_step", first)] == ["email"]


def test_merge_sides_show_both_contacts(pair: tuple[int, int]) -> None:
    first, second = pair
    sides = reader.merge_sides(first, second)
    fields = {f.name: (f.first, f.second) for f in sides.fields}
    assert fields["display_name"] == ("Priya Raman", "Priya Ramen")
    assert fields["company"] == ("Initech", "Globex")
    assert "touch_count" not in fields and "id" not in fields
    rows = {r.table: r for r in sides.rows}
    assert [r["email"] for r in rows["contact_email"].second] == [
        "priya@home.example",
        "PRIYA@work.example",
    ]
    assert sides.second.interactions == 2 and sides.first.interactions == 1
    assert reader.merge_order(first, second) == (second, first)


def test_a_failed_merge_leaves_the_store_as_it_was(pair: tuple[int, int]) -> None:
    first, second = pair
    before = run_sql(db, "SELECT count(*) FROM contact").fetchone()[0]
    with pytest.raises(LookupError):
        writer.merge_contacts(MergePlan(first, 999_999), NOW)
    with pytest.raises(ValueError):
        writer.merge_contacts(MergePlan(first, first), NOW)
    assert run_sql(db, "SELECT count(*) FROM contact").fetchone()[0] == before
    assert Interaction.select().where(Interaction.contact == second).count() == 2


def test_the_scan_finds_the_pair_in_the_store(pair: tuple[int, int]) -> None:
    first, second = pair
    scan = reader.likely_duplicates("GB")
    found = [p for p in scan.pairs if p.key == (first, second)]
    assert found and found[0].sure
    assert scan.people[second].name == "Priya Ramen" and scan.contacts == 2


def test_a_pair_said_to_be_two_people_is_not_offered_again(pair: tuple[int, int]) -> None:
    first, second = pair
    writer.mark_not_duplicate(second, first, NOW)
    writer.mark_not_duplicate(first, second, NOW)  # said twice: remembered once
    assert reader.dismissed_pairs() == {(first, second)}
    assert reader.likely_duplicates("GB").pairs == []
    # A third card of the same person is still offered with both.
    third = writer.create_contact({"display_name": "Priya Raman"}, NOW).id
    keys = {p.key for p in reader.likely_duplicates("GB").pairs}
    assert keys == {(first, third), (second, third)}
    # Merging the third into the first carries what the user said about the second.
    writer.merge_contacts(MergePlan(first, third), NOW)
    assert reader.likely_duplicates("GB").pairs == []
    writer.delete_contacts([second])
    assert reader.dismissed_pairs() == set()


def test_undoing_the_import_of_one_keeps_the_merged_contact(
    pair: tuple[int, int], tmp_path: Any
) -> None:
    from netdesk.store import importer

    first, _second = pair
    path = tmp_path / "card.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Whitfield\r\nEMAIL:dana@x.example\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    batch = importer.apply_plan(importer.plan_files([path]), ["card.vcf"], NOW).batch_id
    imported = reader.batch_contact_ids(batch)[0]
    writer.merge_contacts(MergePlan(imported, first), NOW)
    importer.undo_import(batch, NOW)
    assert reader.contact_name(imported) == "Dana Whitfield"
    assert len(_rows("interaction", imported)) == 1  # the first contact's coffee is still there
