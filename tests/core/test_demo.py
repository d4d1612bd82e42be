"""The synthetic demo network: deterministic, lazy, realistic, and showing every situation."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdesk.core.demo import DemoContact, DemoInteraction, generate_network
from netdesk.core.domain import (
    NOT_A_TOUCH,
    CompanyStatus,
    HowKnown,
    InteractionKind,
    SearchState,
    Tie,
)
from netdesk.core.templates import is_valid_email

NOW = dt.datetime(2025, 6, 4, 10, 30)


def contacts(count: int, seed: int = 7, **kwargs: int | None) -> list[DemoContact]:
    return list(generate_network(count, seed=seed, now=NOW, **kwargs).contacts)


def touches(contact: DemoContact) -> list[DemoInteraction]:
    return [i for i in contact.interactions if i.kind not in NOT_A_TOUCH]


def days_since_last_touch(contact: DemoContact) -> int | None:
    done = touches(contact)
    return (NOW - done[-1].at).days if done else None


def test_same_seed_same_network() -> None:
    a = generate_network(300, seed=42, now=NOW)
    b = generate_network(300, seed=42, now=NOW)
    assert a.companies == b.companies
    assert (a.search_state, a.search_started, a.offer_company) == (
        b.search_state,
        b.search_started,
        b.offer_company,
    )
    assert list(a.contacts) == list(b.contacts)


def test_different_seed_different_network() -> None:
    assert contacts(50, seed=1) != contacts(50, seed=2)


def test_contacts_are_generated_lazily() -> None:
    network = generate_network(10**9, seed=3, now=NOW)
    assert not isinstance(network.contacts, list | tuple)
    start = time.perf_counter()
    first = list(itertools.islice(network.contacts, 5))
    assert len(first) == 5
    assert time.perf_counter() - start < 1


def test_a_prefix_is_the_same_whatever_the_size() -> None:
    assert contacts(20) == contacts(200)[:20]


@pytest.mark.parametrize("count", [0, 1, 5, 13, 137])
def test_exact_count(count: int) -> None:
    assert len(contacts(count)) == count


@pytest.mark.parametrize("per_contact", [0, 1, 3, 10])
def test_exact_interactions_per_contact(per_contact: int) -> None:
    for contact in contacts(200, interactions_per_contact=per_contact):
        assert len(contact.interactions) == per_contact


def test_varied_interaction_counts_over_the_past_year() -> None:
    people = contacts(400)
    counts = collections.Counter(len(c.interactions) for c in people)
    assert set(counts) <= set(range(13))
    assert len(counts) >= 10
    for contact in people:
        times = [i.at for i in contact.interactions]
        assert times == sorted(times)
        for at in times:
            assert NOW - dt.timedelta(days=366) <= at <= NOW


def test_uses_the_given_now_and_timezone() -> None:
    later = dt.datetime(2031, 1, 15, 9, 0, tzinfo=dt.UTC)
    network = generate_network(30, seed=5, now=later)
    assert network.search_started < later.date()
    for contact in network.contacts:
        for interaction in contact.interactions:
            assert interaction.at.tzinfo is dt.UTC
            assert later - dt.timedelta(days=366) <= interaction.at <= later


def test_search_is_active_and_started_about_three_months_ago() -> None:
    network = generate_network(10, seed=9, now=NOW)
    assert network.search_state is SearchState.SEARCHING
    assert 80 <= (NOW.date() - network.search_started).days <= 100


def test_companies_and_statuses() -> None:
    network = generate_network(500, seed=11, now=NOW)
    names = [c.name for c in network.companies]
    assert 35 <= len(names) <= 45
    assert len(set(names)) == len(names)
    statuses = collections.Counter(c.status for c in network.companies)
    assert statuses[CompanyStatus.INTERVIEWING] == 1
    assert 2 <= statuses[CompanyStatus.APPLIED] <= 6
    assert statuses[CompanyStatus.NONE] > len(names) / 2
    by_name = {c.name: c.status for c in network.companies}
    assert by_name[network.offer_company] is CompanyStatus.INTERVIEWING
    people = list(network.contacts)
    assert any(c.company == network.offer_company for c in people[:5])
    for contact in people:
        assert contact.company == "" or contact.company in by_name
        assert contact.record.organization == contact.company


def test_records_look_real_but_are_fictional() -> None:
    people = contacts(1500)
    emails = [e for c in people for e in c.record.emails]
    assert len(emails) > 1200
    work = [e for c in people for e in c.record.emails[:1] if not e.endswith("@home.example")]
    assert len(set(work)) == len(work)
    for contact in people:
        record = contact.record
        assert record.display_name and record.given_name and record.family_name
        assert record.uid
        for email in record.emails:
            assert is_valid_email(email)
            assert email.endswith(".example")
            assert email.isascii()
        for phone in record.phones:
            assert re.fullmatch(r"\+1 \d{3} 555 01\d\d", phone)
        if record.linkedin_url:
            assert re.fullmatch(r"https://www\.linkedin\.com/in/[a-z0-9-]+", record.linkedin_url)
        assert record.title
    assert any(c.record.tags for c in people)
    assert any(c.record.notes for c in people)
    assert any(c.cadence_days is not None for c in people)


def test_names_are_diverse() -> None:
    names = [c.record.display_name for c in contacts(1500)]
    assert len({n.split()[0] for n in names}) > 50
    assert any(not n.isascii() and all(ord(ch) < 0x250 for ch in n) for n in names)  # accents
    assert any(any(ord(ch) >= 0x370 for ch in n) for n in names)  # other scripts


def test_tie_mix_and_how_known_consistent_with_tie() -> None:
    people = contacts(4000)
    ties = collections.Counter(c.tie for c in people)
    assert 0.15 <= ties[Tie.ADVOCATE] / len(people) <= 0.25
    assert 0.40 <= ties[Tie.WORK_ACQUAINTANCE] / len(people) <= 0.50
    assert 0.30 <= ties[Tie.UNSORTED] / len(people) <= 0.40
    for contact in people:
        if contact.how_known in (HowKnown.MANAGER, HowKnown.COLLEAGUE, HowKnown.VOLUNTEER_PROJECT):
            assert contact.tie is Tie.ADVOCATE
        if contact.how_known is HowKnown.NETWORKING_EVENT:
            assert contact.tie is Tie.WORK_ACQUAINTANCE
        if contact.tie is not Tie.ADVOCATE:
            assert not contact.reference_consent and not contact.above_and_beyond
        if contact.above_and_beyond:
            assert any(i.helped for i in contact.interactions)


def test_interactions_read_like_a_real_search() -> None:
    people = contacts(800)
    interactions = [i for c in people for i in c.interactions]
    kinds = {i.kind for i in interactions}
    assert kinds >= {
        InteractionKind.EMAIL,
        InteractionKind.COFFEE,
        InteractionKind.NETWORKING_EVENT,
        InteractionKind.STATUS_UPDATE,
        InteractionKind.INTRODUCTION,
        InteractionKind.REFERRAL,
        InteractionKind.REFERENCE_GIVEN,
        InteractionKind.THANK_YOU,
    }
    assert all(i.summary for i in interactions)
    coffee = [i.summary for i in interactions if i.kind is InteractionKind.COFFEE]
    assert all(s.startswith("Coffee at ") and " to talk about " in s for s in coffee)
    events = {i.summary for i in interactions if i.kind is InteractionKind.NETWORKING_EVENT}
    assert "the PyData meetup" in events
    helped = [i.helped for i in interactions if i.helped]
    assert len(helped) > 50
    assert any(h.startswith("the introduction to ") for h in helped)
    assert any(h.startswith("the referral") for h in helped)
    assert "your interview advice" in helped
    assert any(h.startswith("the reference") for h in helped)


def situations(people: list[DemoContact]) -> collections.Counter[str]:
    found: collections.Counter[str] = collections.Counter()
    for contact in people:
        done = touches(contact)
        quiet = days_since_last_touch(contact)
        cadence = {Tie.ADVOCATE: 30, Tie.WORK_ACQUAINTANCE: 60}.get(contact.tie)
        if len(done) == 1 and done[0].kind is InteractionKind.NETWORKING_EVENT:
            if 8 <= (NOW - done[0].at).days <= 20:
                found["met, never followed up"] += 1
            continue
        if quiet is None:
            found["never touched"] += 1
        elif quiet >= 90:
            found["quiet 90+ days"] += 1
        elif contact.tie is Tie.ADVOCATE and 30 < quiet < 90:
            found["advocate overdue"] += 1
        elif cadence is not None and cadence - 7 <= quiet < cadence:
            found["due soon"] += 1
        if quiet is not None and quiet <= 6:
            found["recently touched"] += 1
    return found


@pytest.mark.parametrize("seed", [0, 1, 2, 99])
def test_even_a_small_network_shows_every_situation(seed: int) -> None:
    found = situations(contacts(13, seed=seed))
    assert found["met, never followed up"] >= 3
    assert found["advocate overdue"] >= 2
    assert found["quiet 90+ days"] >= 2
    assert found["due soon"] >= 2
    assert found["recently touched"] >= 1
    assert found["never touched"] >= 1


def test_a_large_network_keeps_every_situation_in_proportion() -> None:
    people = contacts(2000, seed=4)
    found = situations(people)
    for situation in (
        "met, never followed up",
        "advocate overdue",
        "quiet 90+ days",
        "due soon",
        "recently touched",
        "never touched",
    ):
        assert found[situation] >= 40, situation


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=2**63), st.integers(min_value=0, max_value=40))
def test_any_seed_gives_a_sound_network(seed: int, count: int) -> None:
    network = generate_network(count, seed=seed, now=NOW)
    people = list(network.contacts)
    assert len(people) == count
    for contact in people:
        assert len(contact.interactions) <= 12
        assert all(i.at <= NOW for i in contact.interactions)


@pytest.mark.slow
def test_fifty_thousand_contacts_with_ten_interactions_each_is_quick() -> None:
    start = time.perf_counter()
    total = 0
    for contact in generate_network(50_000, seed=1, now=NOW, interactions_per_contact=10).contacts:
        total += len(contact.interactions)
    assert total == 500_000
    assert time.perf_counter() - start < 20
