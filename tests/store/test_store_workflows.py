"""The workflows' store side: sorting, recipients, templates, the wrap-up, references, glance."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from netdesk.core.domain import (
    CompanyStatus,
    FollowUpReason,
    FollowUpRule,
    FollowUpState,
    InteractionKind,
    SearchState,
    Tie,
)
from netdesk.core.templates import DEFAULT_TEMPLATES
from netdesk.store import reader, writer
from netdesk.store.models import FollowUp

DAY = dt.timedelta(days=1)


def _contact(
    name: str,
    now: dt.datetime,
    *,
    tie: Tie = Tie.ADVOCATE,
    company: str = "",
    email: str = "",
    touched_days: int | None = None,
    helped: str = "",
) -> int:
    contact = writer.create_contact(
        {"display_name": name, "tie": tie.value},
        now - 300 * DAY,
        company=company,
        emails=[email] if email else [],
    )
    if touched_days is not None:
        writer.log_interaction(
            contact.id,
            InteractionKind.COFFEE,
            now - touched_days * DAY,
            now,
            summary="Coffee",
            helped=helped,
        )
    return int(contact.id)


def test_search_sentence_follows_the_state(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    assert reader.search_summary().sentence == "Not searching"
    writer.set_job_search(SearchState.SEARCHING, now, started_on=dt.date(2026, 9, 3))
    assert reader.search_summary().sentence == "Searching since 3 September 2026"
    writer.set_job_search(SearchState.PAUSED, now)
    assert reader.search_summary().sentence == "Search paused (started 3 September 2026)"
    writer.set_job_search(SearchState.OFFER_RECEIVED, now, offer_company="Acme, Inc.")
    assert reader.search_summary().sentence == "Offer received from Acme, Inc."
    writer.set_job_search(SearchState.OFFER_ACCEPTED, now, offer_company="ACME", joining=True)
    assert reader.search_summary().sentence == "Offer accepted at Acme, Inc."


def test_unsorted_and_companies(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    b = _contact("Bo", now, tie=Tie.UNSORTED, company="Acme, Inc.")
    a = _contact("al", now, tie=Tie.UNSORTED, company="ACME", touched_days=3)
    _contact("Cy", now, tie=Tie.ADVOCATE, company="Globex")
    assert [c.contact_id for c in reader.unsorted_contacts()] == [a, b]
    assert reader.count_unsorted() == 2
    rows = reader.companies()
    assert [(r.name, r.people) for r in rows] == [("Acme, Inc.", 2), ("Globex", 1)]
    acme = rows[0].company_id
    writer.set_company_status(acme, CompanyStatus.INTERVIEWING, now)
    assert reader.companies()[0].status is CompanyStatus.INTERVIEWING
    assert [p.name for p in reader.company_people(acme)] == ["al", "Bo"]
    assert [(i.contact_name, i.kind) for i in reader.company_interactions(acme)] == [
        ("al", InteractionKind.COFFEE)
    ]


def test_recipient_filters_combine(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    quiet_adv = _contact("Ann", now, company="Acme", email="ann@acme.example", touched_days=120)
    quiet_wa = _contact("Ben", now, tie=Tie.WORK_ACQUAINTANCE, touched_days=100, email="x y@z")
    recent_adv = _contact("Cat", now, company="Acme", touched_days=5)
    acme = writer.company_for_name("Acme")
    assert acme is not None
    writer.set_company_status(acme.id, CompanyStatus.APPLIED, now)
    ids = lambda rs: [r.contact_id for r in rs]  # noqa: E731
    assert ids(reader.status_update_candidates(now)) == [quiet_adv, quiet_wa, recent_adv]
    assert ids(reader.status_update_candidates(now, quiet_days=90)) == [quiet_adv, quiet_wa]
    assert ids(reader.status_update_candidates(now, advocates=True)) == [quiet_adv, recent_adv]
    assert ids(reader.status_update_candidates(now, quiet_days=90, applied=True)) == [quiet_adv]
    ann, ben = reader.status_update_candidates(now, quiet_days=90)
    assert ann.email == "ann@acme.example" and ben.email == ""  # an invalid address is none
    assert ann.values("Ri")["status_with_company"] == "I applied to Acme recently."


def test_templates_are_stored_and_reset(store: pw.SqliteDatabase) -> None:
    assert reader.template("status_update") == DEFAULT_TEMPLATES["status_update"]
    writer.set_template("status_update", "Hi {first_name}, short news.")
    assert reader.template("status_update") == "Hi {first_name}, short news."
    assert not reader.is_default_template("status_update")
    writer.reset_template("status_update")
    assert reader.is_default_template("status_update")
    with pytest.raises(KeyError):
        writer.set_template("nope", "x")


def test_wrap_up_creates_then_closes_follow_ups(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    writer.set_job_search(SearchState.SEARCHING, now, started_on=(now - 60 * DAY).date())
    dana = _contact("Dana", now, company="Acme", touched_days=10, helped="the mock interview")
    sam = _contact("Sam", now, company="Globex", touched_days=20)
    _contact("Old", now, touched_days=200)  # before the search: not in the wrap-up
    ids = writer.start_wrap_up("Acme", now, joining=True, declined=["Globex"])
    assert sorted(ids) == sorted([dana, sam])
    assert reader.search_summary().state is SearchState.OFFER_ACCEPTED
    thank = FollowUp.select().where(FollowUp.reason == FollowUpReason.THANK_YOU.value)
    assert sorted(f.contact_id for f in thank) == sorted(ids)
    # Starting again does not make a second follow-up per contact.
    writer.start_wrap_up("Acme", now, joining=True, declined=["Globex"])
    assert thank.count() == 2
    contacts = {c.contact_id: c for c in reader.wrap_up_contacts()}
    assert contacts[dana].helped == ["the mock interview"]
    writer.mark_thanked(dana, "email", now)
    fu = FollowUp.get((FollowUp.contact == dana) & (FollowUp.reason == "thank_you"))
    assert fu.state == FollowUpState.DONE.value
    assert reader.wrap_up_states()[dana].thanked_at == now
    assert reader.timeline(dana)[0].kind is InteractionKind.THANK_YOU
    writer.record_gift(sam, "flowers", now)
    assert reader.wrap_up_states()[sam].gift_note == "flowers"
    assert reader.timeline(sam)[0].summary == "Sent flowers"
    plan = reader.wrap_up_plan()
    assert plan is not None and plan.declined == ("Globex",) and plan.joining
    globex = writer.company_for_name("Globex")
    assert globex is not None and globex.status == CompanyStatus.DECLINED.value


def test_references(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    dana = _contact("Dana Smith", now)
    writer.mark_reference(dana, dt.date(2026, 10, 1), now)
    [ref] = [r for r in reader.reference_contacts() if r.contact_id == dana]
    assert ref.consent and ref.agreed_on == dt.date(2026, 10, 1)
    assert reader.reference_warning(dana, now) is None
    check = now + 5 * DAY
    writer.ask_reference(dana, "Acme", now - 10 * DAY, now, check_at=check, lead_days=2)
    fu = FollowUp.get(FollowUp.reason == FollowUpReason.REFERENCE_HEADS_UP.value)
    assert fu.due_at == check - 2 * DAY
    assert fu.note.startswith("Dana Smith may get a reference call from Acme")
    acme = writer.company_for_name("Acme")
    assert acme is not None and acme.status == CompanyStatus.APPLIED.value
    writer.ask_reference(dana, "Globex", now - DAY, now)
    warning = reader.reference_warning(dana, now)
    assert warning is not None and "You asked Dana for a reference twice" in warning
    assert [a.company for a in reader.reference_requests(dana)] == ["Globex", "Acme"]


def test_glance_counts(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    _contact("A", now, touched_days=1)
    _contact("B", now, tie=Tie.WORK_ACQUAINTANCE, touched_days=8)  # met once, no follow-up
    _contact("C", now, tie=Tie.UNSORTED)
    g = reader.glance(now)
    assert (g.advocates, g.work_acquaintances, g.unsorted, g.total) == (1, 1, 1, 3)
    assert g.met_never_followed_up == 2 and g.never_contacted == 1
    assert [w.count for w in g.weeks][-2:] == [1, 1]
    assert g.overdue == len({f.contact_id for f in reader.follow_ups(now)}) > 0


def test_thanked_another_way_counts_in_the_wrap_up(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    writer.set_job_search(SearchState.SEARCHING, now, started_on=(now - 60 * DAY).date())
    dana = _contact("Dana", now, company="Acme", touched_days=10, helped="the mock interview")
    writer.start_wrap_up("Acme", now, joining=True, declined=[])
    assert reader.wrap_up_states()[dana].thanked_at is None
    later = now + DAY
    writer.log_interaction(dana, InteractionKind.THANK_YOU, later, later, summary="Note")
    assert reader.wrap_up_states()[dana].thanked_at == later


def test_each_follow_up_knows_its_rule_by_its_column_not_its_words(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    writer.set_job_search(SearchState.SEARCHING, now, started_on=(now - 60 * DAY).date())
    dana = _contact("Dana", now, company="Acme", touched_days=10, helped="the mock interview")
    sam = _contact("Sam", now, company="Globex", touched_days=20)

    def rules(contact_id: int) -> dict[str, str]:
        return {
            f.reason: f.rule
            for f in FollowUp.select().where(
                (FollowUp.contact == contact_id) & FollowUp.state.in_(["due", "snoozed"])
            )
        }

    assert rules(dana)[FollowUpReason.THANK_YOU.value] == FollowUpRule.GRATITUDE.value
    # A single coffee and nothing after it: rule 2.
    assert rules(sam) == {
        FollowUpReason.MET_NO_FOLLOW_UP.value: FollowUpRule.MET_NO_FOLLOW_UP.value
    }
    # The wrap-up takes rule 4's thank-you over: its words and its rule.
    writer.start_wrap_up("Acme", now, joining=False, declined=[])
    [thanks] = FollowUp.select().where(
        (FollowUp.contact == dana) & (FollowUp.reason == FollowUpReason.THANK_YOU.value)
    )
    assert thanks.rule == FollowUpRule.WRAP_UP.value
    assert thanks.note == "Thank Dana for their help and tell them about the offer from Acme."
    # Even with words that end as rule 4's, new help leaves the wrap-up's follow-up alone.
    FollowUp.update(note="Dana helped. Say thank you, and name what they did.").where(
        FollowUp.id == thanks.id
    ).execute()
    writer.log_interaction(dana, InteractionKind.CALL, now, now, helped="a referral")
    assert FollowUp.get_by_id(thanks.id).note == (
        "Dana helped. Say thank you, and name what they did."
    )
    writer.ask_reference(sam, "Globex", now, now, check_at=now + 5 * DAY)
    assert rules(sam)[FollowUpReason.REFERENCE_HEADS_UP.value] == (
        FollowUpRule.REFERENCE_HEADS_UP.value
    )
