"""Normalizers, record merging and the import plan."""

from __future__ import annotations

import dataclasses
import json

import pytest

from netdesk.core.matching import (
    KnownContacts,
    company_key,
    merge_records,
    name_key,
    normalize_email,
    normalize_linkedin,
    normalize_phone,
    plan_import,
)
from netdesk.core.records import ContactRecord, ImportProblem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("+1 (555) 010-0000", "+15550100000"), ("0049 30 123456", "+4930123456"),
     ("030.123.456", "030123456"), ("+44-555-555-5555;ext=5555", "+445555555555;ext=5555"),
     ("555-0100 ext. 12", "5550100;ext=12"), ("tel:+1-418-656-9254", "+14186569254"), ("", ""),
     ("n/a", "")],
)
def test_normalize_phone(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


def test_normalizers() -> None:
    assert normalize_email("  MAILTO:Ada@Example.COM ") == "ada@example.com"
    url = "https://www.LinkedIn.com/in/Ada-L/?trk=x"
    assert normalize_linkedin(url) == "linkedin.com/in/ada-l"
    assert normalize_linkedin("http://de.linkedin.com/in/ada/") == "linkedin.com/in/ada"
    assert normalize_linkedin("https://example.com/in/ada") == ""
    assert name_key(ContactRecord(display_name="  José   ÁLVAREZ ")) == "jose alvarez"
    assert company_key("Acme, Inc.") == company_key("ACME LLC") == "acme"
    assert company_key("Müller GmbH") == "muller"


def known_of(records: dict[int, ContactRecord]) -> KnownContacts:
    return KnownContacts.from_records(records)


def ada(**kw: object) -> ContactRecord:
    base: dict[str, object] = {"display_name": "Ada Lovelace", "emails": ["ada@example.com"],
                               "organization": "Analytical Engines"}
    base.update(kw)
    return ContactRecord(**base)  # type: ignore[arg-type]


def test_reimport_is_all_unchanged() -> None:
    file = [ada(), ContactRecord(display_name="Grace", phones=["+1 555 0100"])]
    known = known_of({1: ada(), 2: ContactRecord(display_name="Grace", phones=["+15550100"])})
    plan = plan_import(file, known)
    assert [e.action for e in plan.entries] == ["unchanged", "unchanged"]
    assert (plan.new, plan.unchanged) == (0, 2)


def test_same_email_other_case_updates_by_merging() -> None:
    known = known_of({7: ada(title="Countess")})
    new = ada(emails=["ADA@Example.com", "ada@work.example"], title="Founder", tags=["Math"])
    (entry,) = plan_import([new], known).entries
    assert entry.action == "update" and entry.contact_id == 7
    assert entry.record is not None and entry.record.title == "Countess"  # never overwritten
    assert entry.changes["emails"] == (["ada@example.com"], ["ada@example.com", "ada@work.example"])
    assert entry.changes["tags"] == ([], ["Math"])
    assert "title" not in entry.changes


def test_phone_and_linkedin_identify_people() -> None:
    known = known_of({
        1: ContactRecord(display_name="P", phones=["+44 20 7946 0000"]),
        2: ContactRecord(display_name="L", linkedin_url="https://linkedin.com/in/lin"),
    })
    plan = plan_import([
        ContactRecord(display_name="p", phones=["0044 (20) 7946-0000"]),
        ContactRecord(display_name="L2", linkedin_url="https://www.linkedin.com/in/LIN/"),
    ], known)
    assert [(e.action, e.contact_id) for e in plan.entries] == [("unchanged", 1), ("unchanged", 2)]


def test_duplicates_within_one_file_merge_into_one_new_entry() -> None:
    plan = plan_import([
        ada(phones=["+1 555"]), ada(emails=["ADA@example.com"], title="Founder"),
        ContactRecord(display_name="Other", emails=["o@example.com"]),
    ], known_of({}))
    assert [e.action for e in plan.entries] == ["new", "new"]
    rec = plan.entries[0].record
    assert rec is not None and rec.title == "Founder" and rec.phones == ["+1 555"]


def test_similar_name_same_company_is_a_duplicate() -> None:
    old = ContactRecord(display_name="Ada Lovelace", organization="Analytical Engines Ltd",
                        emails=["old@example.com"])
    known = known_of({3: old})
    similar = ada(display_name="ada  LOVELACE", organization="analytical engines")
    plan = plan_import([similar], known)
    (entry,) = plan.entries
    assert entry.action == "duplicate" and entry.candidates == [3]
    other = plan_import([ada(organization="Elsewhere")], known)
    assert other.entries[0].action == "new"


def test_errors_and_json() -> None:
    known = known_of({1: ada()})
    plan = plan_import([ImportProblem("f.vcf", 3, "card has no name and no email"),
                        ada(title="Founder")], known)
    assert (plan.errors, plan.updated) == (1, 1)
    data = plan.to_json()
    json.dumps(data)
    assert data["entries"][0] == {
        "action": "error", "name": "", "source": "f.vcf", "line": 3, "contact_id": None,
        "changes": {}, "reason": "card has no name and no email",
    }
    assert data["entries"][1]["changes"] == {"title": ["", "Founder"]}


def test_merge_records_never_blanks() -> None:
    old = ada(notes="keep", birthday="1815-12-10")
    merged, changes = merge_records(old, ContactRecord(display_name="", notes="other"))
    # A note the stored one does not hold goes below it: nothing said is dropped.
    assert merged.notes == "keep\nother" and merged.display_name == "Ada Lovelace"
    assert changes == {"notes": ("keep", "keep\nother")}
    merged, changes = merge_records(old, ContactRecord(display_name="", notes="KEEP"))
    assert merged.notes == "keep" and changes == {}
    assert old.emails == ["ada@example.com"]


def test_a_large_plan_matches_by_key() -> None:
    # Its speed is a benchmark figure (tests/benchmarks/run.py: re-import into 50,000), not
    # a timed assertion here; this checks what a plan of that size decides.
    known = known_of({
        i: ContactRecord(display_name=f"Person {i}", emails=[f"p{i}@example.com"],
                         phones=[f"+1555{i:07d}"], organization=f"Co {i % 500}")
        for i in range(50_000)
    })
    items = [ContactRecord(display_name=f"Person {i}", emails=[f"P{i * 7}@example.com"],
                           organization=f"Co {i % 500}") for i in range(10_000)]
    plan = plan_import(items, known)
    assert len(plan.entries) == 10_000
    by_email = 50_000 // 7 + 1  # p{7i} exists among the known for these
    for i, entry in enumerate(plan.entries):
        if i < by_email:
            # The email finds its contact; the name and company that differ are shown, not taken.
            assert entry.contact_id == 7 * i, i
            if i:
                assert entry.conflicts["display_name"] == (f"Person {7 * i}", f"Person {i}")
        else:
            # No email match: the same name at the same company is a likely duplicate.
            assert entry.action == "duplicate", i


def test_a_card_saying_what_the_contact_says_merges_to_nothing_with_copies() -> None:
    from netdesk.core.matching import find_conflicts
    from netdesk.core.records import Address, Attrs

    def card(line: int) -> ContactRecord:
        return ContactRecord(
            display_name="Ana Lima",
            given_name="Ana",
            family_name="Lima",
            emails=["ana@example.com", "a.lima@work.example"],
            email_attrs={"ana@example.com": Attrs(types=("home",), pref=1)},
            phones=["+44 7700 900123"],
            organization="Acme",
            title="Engineer",
            notes="Met at the meetup.\nAsked about referrals.",
            urls=["https://example.com/ana"],
            addresses=[Address(street="1 Long Acre", locality="London")],
            tags=["data"],
            source="cards.vcf",
            line=line,
            remarks=[f"line {line}"],
        )

    old, new = card(1), card(40)
    merged, changes = merge_records(old, new)
    assert changes == {}
    assert find_conflicts(old, new) == {}
    assert dataclasses.replace(merged, remarks=old.remarks) == old
    for name in ("emails", "phones", "urls", "addresses", "tags", "email_attrs"):
        assert getattr(merged, name) is not getattr(old, name)  # the merge's own copies
    # One word more in the card is a change, as before.
    new.title = "Senior Engineer"
    assert find_conflicts(old, new) == {"title": ("Engineer", "Senior Engineer")}
