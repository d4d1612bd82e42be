"""The offer wrap-up: order, channel, gifts, closing ask and the drafts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdesk.core.domain import Tie
from netdesk.core.templates import GENERIC_HELP, find_asks
from netdesk.core.wrapup import (
    ASK_ELSEWHERE,
    ASK_JOINING,
    CHANNEL_EMAIL,
    CHANNEL_NOTE,
    WrapUpContact,
    WrapUpStep,
    plan_wrap_up,
    progress,
    progress_text,
    same_company,
)


def contact(
    contact_id: int,
    name: str,
    company: str,
    tie: Tie = Tie.WORK_ACQUAINTANCE,
    *helped: str,
    above: bool = False,
    thanked: bool = False,
    graduate: bool = False,
) -> WrapUpContact:
    return WrapUpContact(
        contact_id=contact_id,
        first_name=name,
        company=company,
        tie=tie,
        helped=list(helped),
        above_and_beyond=above,
        thanked=thanked,
        recent_graduate=graduate,
    )


NETWORK = [
    contact(1, "Zoë", "Initech", Tie.ADVOCATE, "the reference you gave"),
    contact(2, "Bo", "Initech"),
    contact(3, "Ana", " globex  inc ", Tie.WORK_ACQUAINTANCE, "the referral"),
    contact(
        4,
        "Dana",
        "Acme",
        Tie.ADVOCATE,
        "the introduction to Sam",
        "your interview advice",
        above=True,
    ),
    contact(5, "Chen", "Globex Inc", Tie.ADVOCATE, thanked=True),
    contact(6, "amir", "Hooli", Tie.UNSORTED, thanked=True),
    contact(7, "Yuki", "", Tie.WORK_ACQUAINTANCE),
]


def plan(joining: bool = True, declined: set[str] | None = None) -> list[WrapUpStep]:
    return plan_wrap_up(
        NETWORK,
        offer_company="Globex Inc",
        joining=joining,
        declined_companies=set() if declined is None else declined,
        my_name="Lee",
    )


def test_everyone_is_included_once() -> None:
    steps = plan_wrap_up(
        NETWORK, offer_company="Globex Inc", joining=True, declined_companies={"Acme"}
    )
    assert sorted(s.contact.contact_id for s in steps) == [1, 2, 3, 4, 5, 6, 7]


def test_offer_company_first_then_advocates_then_the_rest_by_name() -> None:
    steps = plan_wrap_up(
        NETWORK, offer_company="Globex Inc", joining=True, declined_companies={"Acme"}
    )
    names = [s.contact.first_name for s in steps]
    # Globex (advocate Chen before Ana), advocates by name, then the rest by name.
    assert names == ["Chen", "Ana", "Dana", "Zoë", "amir", "Bo", "Yuki"]
    assert [s.at_offer_company for s in steps[:3]] == [True, True, False]


def test_company_names_compare_ignoring_case_and_spacing() -> None:
    assert same_company(" globex  inc ", "Globex Inc")
    assert not same_company("Globex", "Globex Inc")
    assert not same_company("", "")


def test_closing_ask_depends_on_joining_this_contacts_company() -> None:
    steps = plan_wrap_up(
        NETWORK, offer_company="Globex Inc", joining=True, declined_companies=set()
    )
    by_id = {s.contact.contact_id: s for s in steps}
    assert by_id[3].closing_ask == ASK_JOINING
    assert by_id[5].closing_ask == ASK_JOINING
    assert by_id[1].closing_ask == ASK_ELSEWHERE
    joining_draft = by_id[3].draft
    assert "meet" in joining_draft and "successful at Globex Inc" in joining_draft
    assert "one tip" in by_id[1].draft and "new team" in by_id[1].draft


def test_offer_received_but_not_accepted_asks_for_a_tip_and_says_received() -> None:
    steps = plan_wrap_up(
        NETWORK, offer_company="Globex Inc", joining=False, declined_companies=set()
    )
    assert {s.closing_ask for s in steps} == {ASK_ELSEWHERE}
    assert all("I've received an offer from Globex Inc." in s.draft for s in steps)


def test_channel_and_gifts_only_for_above_and_beyond() -> None:
    steps = plan()
    for step in steps:
        if step.contact.above_and_beyond:
            assert step.channel == CHANNEL_NOTE
            assert any("candle" in g for g in step.gifts)
            assert not any("college" in g for g in step.gifts)
        else:
            assert step.channel == CHANNEL_EMAIL
            assert step.gifts == ()


def test_recent_graduate_gets_the_college_gift() -> None:
    grad = contact(9, "Sam", "Acme", Tie.ADVOCATE, above=True, graduate=True)
    (step,) = plan_wrap_up([grad], offer_company="Globex", joining=True, declined_companies=set())
    assert any("college" in g for g in step.gifts)


def test_draft_names_what_they_did() -> None:
    steps = plan_wrap_up(
        NETWORK, offer_company="Globex Inc", joining=True, declined_companies=set(), my_name="Lee"
    )
    dana = next(s for s in steps if s.contact.first_name == "Dana")
    assert "Hi Dana," in dana.draft
    assert "Thank you for the introduction to Sam and your interview advice." in dana.draft
    assert dana.draft.endswith("Lee")


def test_draft_without_anything_recorded_is_a_warm_generic_thanks() -> None:
    steps = plan()
    bo = next(s for s in steps if s.contact.first_name == "Bo")
    assert f"Thank you for {GENERIC_HELP}." in bo.draft


def test_declined_company_contacts_are_thanked_and_acknowledged() -> None:
    steps = plan_wrap_up(
        NETWORK, offer_company="Globex Inc", joining=True, declined_companies={" acme "}
    )
    dana = next(s for s in steps if s.contact.first_name == "Dana")
    assert dana.at_declined_company
    assert "turn down the offer from Acme" in dana.draft
    assert "Thank you for" in dana.draft
    others = [s for s in steps if s.contact.first_name != "Dana"]
    assert not any("turn down" in s.draft for s in others)


def test_drafts_are_complete_and_tidy() -> None:
    for joining in (True, False):
        steps = plan_wrap_up(
            NETWORK, offer_company="Globex Inc", joining=joining, declined_companies={"Acme"}
        )
        for step in steps:
            assert "{" not in step.draft and "}" not in step.draft
            assert "  " not in step.draft
            assert step.subject
            assert find_asks(step.draft)  # it closes with a question, on purpose (rule 8)


def test_draft_for_contact_without_company_reads_well() -> None:
    yuki = contact(7, "Yuki", "", Tie.WORK_ACQUAINTANCE)
    (step,) = plan_wrap_up([yuki], offer_company="Globex", joining=True, declined_companies=set())
    assert "at ." not in step.draft


def test_progress() -> None:
    steps = plan()
    assert progress(steps) == (2, 7)
    assert progress_text(steps) == "2 of 7 thanked"
    assert progress([]) == (0, 0)
    assert progress_text([]) == "0 of 0 thanked"


def test_progress_all_done() -> None:
    done = [contact(1, "A", "X", thanked=True)]
    steps = plan_wrap_up(done, offer_company="Y", joining=True, declined_companies=set())
    assert progress_text(steps).startswith("All 1 thanked")


@pytest.mark.parametrize("joining", [True, False])
def test_empty_network(joining: bool) -> None:
    assert plan_wrap_up([], offer_company="X", joining=joining, declined_companies=set()) == []


names = st.text(min_size=0, max_size=12)
contacts_strategy = st.lists(
    st.builds(
        WrapUpContact,
        contact_id=st.integers(0, 10_000),
        first_name=names,
        company=st.sampled_from(["Acme", "acme ", "Globex", "", "Initech"]),
        tie=st.sampled_from(list(Tie)),
        helped=st.lists(names, max_size=3),
        above_and_beyond=st.booleans(),
        thanked=st.booleans(),
    ),
    max_size=15,
)


@given(contacts_strategy, st.booleans())
def test_plan_keeps_everyone_and_puts_offer_company_first(
    people: list[WrapUpContact], joining: bool
) -> None:
    steps = plan_wrap_up(
        people, offer_company="ACME", joining=joining, declined_companies={"Globex"}
    )
    assert len(steps) == len(people)
    flags = [s.at_offer_company for s in steps]
    assert flags == sorted(flags, reverse=True)
    done, total = progress(steps)
    assert total == len(people) and done == sum(p.thanked for p in people)


def test_the_wrap_up_s_words_for_its_follow_up_and_the_timeline() -> None:
    from netdesk.core.wrapup import (
        gift_summary,
        is_recent_graduate,
        thank_you_note,
        thanked_summary,
    )

    assert thank_you_note("Dana Reyes", "Acme", joining=False) == (
        "Thank Dana for their help and tell them about the offer from Acme."
    )
    assert thank_you_note("Dana Reyes", "Acme", joining=True) == (
        "Thank Dana for their help and tell them you accepted the offer at Acme."
    )
    assert thanked_summary(CHANNEL_NOTE) == "Handwritten thank-you note"
    assert thanked_summary(CHANNEL_EMAIL) == "Thank-you email"
    assert gift_summary("flowers") == "Sent flowers"
    assert is_recent_graduate("mentor, Graduate 2024")
    assert not is_recent_graduate("mentor")
