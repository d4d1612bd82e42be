"""plan_import against a plain reference implementation, on records that share identifiers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdesk.core.matching import (
    ImportPlan,
    KnownContacts,
    PlanEntry,
    company_key,
    merge_records,
    name_key,
    normalize_email,
    normalize_linkedin,
    normalize_phone,
    plan_import,
    same_person_by_name,
)
from netdesk.core.records import ContactRecord, ImportProblem

# --- the reference: one record at a time, every identifier normalized where it is needed ---


def _identifiers(rec: ContactRecord) -> tuple[list[str], list[str], str]:
    emails = [n for e in rec.emails if (n := normalize_email(e))]
    phones = [n for p in rec.phones if (n := normalize_phone(p))]
    return emails, phones, normalize_linkedin(rec.linkedin_url)


def _fold_into(entry: PlanEntry, item: ContactRecord, original: ContactRecord | None) -> None:
    assert entry.record is not None
    merged, _ = merge_records(entry.record, item)
    entry.record = merged
    if original is not None and entry.action in ("update", "unchanged"):
        _, changes = merge_records(original, merged)
        entry.changes = changes
        entry.action = "update" if changes else "unchanged"


def reference_plan(
    items: Iterable[ContactRecord | ImportProblem], known: KnownContacts
) -> ImportPlan:
    plan = ImportPlan()
    own_email: dict[str, int] = {}
    own_phone: dict[str, int] = {}
    own_linkedin: dict[str, int] = {}
    touched: dict[int, int] = {}
    for item in items:
        if isinstance(item, ImportProblem):
            plan.entries.append(PlanEntry(action="error", problem=item))
            continue
        emails, phones, linkedin = _identifiers(item)
        contact_id: int | None = None
        for e in emails:
            if e in known.by_email:
                contact_id = known.by_email[e]
                break
        if contact_id is None and linkedin and linkedin in known.by_linkedin:
            contact_id = known.by_linkedin[linkedin]
        shares_phone: int | None = None  # a known contact with this number, another name
        if contact_id is None:
            for p in phones:
                if p in known.by_phone:
                    contact_id = known.by_phone[p]
                    old = known.records.get(contact_id)
                    if old is not None and not same_person_by_name(old, item):
                        shares_phone, contact_id = contact_id, None
                    break
        if contact_id is not None and contact_id in touched:
            _fold_into(plan.entries[touched[contact_id]], item, known.records.get(contact_id))
            continue
        earlier: int | None = None
        if contact_id is None:
            for e in emails:
                if e in own_email:
                    earlier = own_email[e]
                    break
            if earlier is None and linkedin and linkedin in own_linkedin:
                earlier = own_linkedin[linkedin]
            if earlier is None:
                for p in phones:
                    if p in own_phone:
                        other = plan.entries[own_phone[p]].record
                        assert other is not None
                        if same_person_by_name(other, item):
                            earlier = own_phone[p]
                            break
        if earlier is not None:
            _fold_into(plan.entries[earlier], item, None)
            idx = earlier
        elif contact_id is not None:
            old = known.records.get(contact_id)
            if old is None:
                entry = PlanEntry(action="update", record=item, contact_id=contact_id)
            else:
                merged, changes = merge_records(old, item)
                merged.source, merged.line = item.source, item.line
                merged.remarks = list(item.remarks)
                entry = PlanEntry(
                    action="update" if changes else "unchanged",
                    record=merged,
                    contact_id=contact_id,
                    changes=changes,
                )
            plan.entries.append(entry)
            idx = len(plan.entries) - 1
            touched[contact_id] = idx
        else:
            nk = name_key(item)
            key = (nk, company_key(item.organization))
            candidates = list(known.by_name_company.get(key, [])) if nk else []
            if not candidates and shares_phone is not None:
                candidates = [shares_phone]
            plan.entries.append(
                PlanEntry(
                    action="duplicate" if candidates else "new",
                    record=item,
                    candidates=candidates,
                )
            )
            idx = len(plan.entries) - 1
        record = plan.entries[idx].record
        assert record is not None
        e2, p2, l2 = _identifiers(record)
        for e in e2:
            own_email.setdefault(e, idx)
        for p in p2:
            own_phone.setdefault(p, idx)
        if l2:
            own_linkedin.setdefault(l2, idx)
    return plan


# --- generated records from small pools, so that they collide -----------------------------

EMAILS = ["a@x.org", "A@X.org", "b@x.org", "mailto:c@x.org", " ", "d@x.org"]
PHONES = ["+1 555 0100", "0015550100", "555-0101", "n/a", "+44 20 1", "+44-20-1 ext. 9"]
LINKEDIN = [
    "",
    "",
    "https://www.linkedin.com/in/ada",
    "http://linkedin.com/in/Ada/",
    "https://linkedin.com/in/bob",
]
NAMES = ["Ada Lovelace", "ada  lovelace", "Bob", "Zoë Ünal", "zoe unal", ""]
ORGS = ["", "Acme", "ACME Inc.", "Other"]

records = st.builds(
    lambda name, org, emails, phones, li, title, tags: ContactRecord(
        display_name=name,
        organization=org,
        emails=emails,
        phones=phones,
        linkedin_url=li,
        title=title,
        tags=tags,
    ),
    st.sampled_from(NAMES),
    st.sampled_from(ORGS),
    st.lists(st.sampled_from(EMAILS), max_size=3),
    st.lists(st.sampled_from(PHONES), max_size=2),
    st.sampled_from(LINKEDIN),
    st.sampled_from(["", "CTO"]),
    st.lists(st.sampled_from(["a", "B", "b"]), max_size=2),
)
items = st.one_of(records, st.just(ImportProblem("f.vcf", 3, "broken")))


class Lazy(dict[int, ContactRecord]):
    """Records a store would load on demand: `fetch` must name every id read."""

    def __init__(self, records: dict[int, ContactRecord]) -> None:
        super().__init__()
        self.source = records
        self.fetched: list[int] = []

    def fetch(self, ids: list[int]) -> None:
        self.fetched.extend(ids)
        self.update({i: self.source[i] for i in ids if i in self.source})


def shape(plan: ImportPlan) -> list[tuple[Any, ...]]:
    return [
        (e.action, e.record, e.contact_id, e.changes, e.problem, e.candidates) for e in plan.entries
    ]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(known_records=st.lists(records, max_size=6), file=st.lists(items, max_size=12))
def test_plan_equals_the_reference(
    known_records: Sequence[ContactRecord], file: Sequence[ContactRecord | ImportProblem]
) -> None:
    by_id = {i + 1: r for i, r in enumerate(known_records)}
    expected = shape(reference_plan(file, KnownContacts.from_records(by_id)))
    assert shape(plan_import(file, KnownContacts.from_records(by_id))) == expected

    lazy = Lazy(by_id)
    known = KnownContacts.from_records(by_id)
    known.records, known.fetch = lazy, lazy.fetch
    assert shape(plan_import(file, known)) == expected


def test_new_entries_carry_their_keys() -> None:
    rec = ContactRecord(display_name="Ada", emails=["Ada@X.org", " "], phones=["0015550100"])
    [entry] = plan_import([rec], KnownContacts()).entries
    assert entry.keys is not None
    assert entry.keys.emails == ("ada@x.org", "") and entry.keys.phones == ("+15550100",)


def test_identifiers_folded_into_an_update_are_noted_as_the_reference_notes_them() -> None:
    known = KnownContacts.from_records({1: ContactRecord(display_name="C", emails=["a@x.org"])})
    a = ContactRecord(display_name="C", emails=["a@x.org", "b@x.org"])
    a_and_p = ContactRecord(display_name="C", emails=["a@x.org"], phones=["+1 555 0100"])
    only_b = ContactRecord(display_name="C", emails=["b@x.org"])
    only_p = ContactRecord(display_name="C", phones=["+1 555 0100"])
    for file in ([a, a_and_p, only_p], [a, a_and_p, only_b, only_p]):
        assert shape(plan_import(file, known)) == shape(reference_plan(file, known))


def test_a_number_shared_with_a_contact_that_took_a_name_stays_two_people() -> None:
    # The known contact has no name; a card gives it one (Ada); a later card with the
    # number the first card brought, under another name (Bob), is someone else.
    known = {1: ContactRecord(display_name="Ada Lovelace"), 2: ContactRecord(emails=["a@x.org"])}
    file = [
        ContactRecord(emails=["a@x.org"], phones=["+1 555 0100"]),
        ContactRecord(display_name="Ada Lovelace", emails=["a@x.org"]),
        ContactRecord(display_name="Bob", phones=["+1 555 0100"]),
    ]
    plan = plan_import(file, KnownContacts.from_records(known))
    assert [e.action for e in plan.entries] == ["update", "new"]
    assert shape(plan) == shape(reference_plan(file, KnownContacts.from_records(known)))
