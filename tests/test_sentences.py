"""Every sentence and draft NetDesk writes reads right with whatever the user typed.

Each builder of a sentence (the follow-ups' reasons, gratitude, references, the wrap-up, the
search header, the notifier's notices, which the tray shows too) and of a draft (status update,
thank-you, the wrap-up's closing asks, the reference ask and heads-up, the follow-up note) is
fed generated names and phrases: verbs with a capital, "the ...", "a ...", near-empty text,
punctuation, quotes, other scripts. None may leave a placeholder, double a word of its own,
splice a capitalised phrase of the user's into the middle of a sentence without quoting it,
or leave a draft unsigned.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable, Iterable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdesk.core import playbook
from netdesk.core.dates import day_phrase
from netdesk.core.domain import (
    MEETING_KINDS,
    CompanyStatus,
    FollowUpReason,
    FollowUpState,
    InteractionKind,
    SearchState,
    Tie,
)
from netdesk.core.drafts import draft, follow_up_values, reference_values, wrap_up_draft
from netdesk.core.gratitude import thanks_sentence
from netdesk.core.references import heads_up_sentence, reference_warning
from netdesk.core.search import SearchSummary
from netdesk.core.templates import (
    CLOSE_QUOTE,
    DEFAULT_TEMPLATES,
    OPEN_QUOTE,
    as_thanks_object,
    offer_news,
    render,
    status_phrase,
    thanks_for,
)
from netdesk.core.wrapup import (
    WrapUpContact,
    plan_wrap_up,
    thank_you_note,
    wrap_up_heading,
)
from netdesk.services.notifier import Notice, digest_notice, notice_for, summary_notice
from netdesk.store.reader.due import DueFollowUp
from netdesk.store.reader.workflows import Recipient, ThankYouContact

NOW = dt.datetime(2026, 11, 26, 9, 0)
SETTINGS = playbook.PlaybookSettings()

# --- what users type -----------------------------------------------------------------------

FIRST = ["Ada", "Sam", "Taylor", "Zoë", "José", "Łukasz", "Siobhán", "Nguyễn", "李", "O'Brien"]
LAST = ["", "Lovelace", "Okafor", "Müller", "van der Berg", "Smith-Jones", "王"]
names = st.builds(
    lambda first, last: f"{first} {last}".strip(), st.sampled_from(FIRST), st.sampled_from(LAST)
)
companies = st.sampled_from(
    ["Hooli", "Initech", "Umbrella Bio", "AT&T", "Müller GmbH", "O'Reilly Media", "3M", "  Acme "]
)

REPORTED = [
    "Introduced me to their hiring manager",
    "Introduced me to their hiring manager.",
    "Met at the Initech open house",
    "the reference you gave Umbrella Bio",
    "the introduction to Sam",
    "interview advice",
    "your interview advice",
    "The mock interview",
    "A referral to the platform team",
    "Gave me a reference",
    "gave me a reference",
    "helped with my CV",
    "Reviewed my résumé!",
    "Sam's intro",
    "I got the job thanks to them",
    "for the intro",
    "are joining",
    "Coffee; talked about Go",
    'He said "apply now"',
    "“Quoted” already",
    "(see notes)",
    "...",
    ".",
    " ",
    "",
    "-",
    "😀 great chat",
    "李 introduced me",
    "Introducing me to Sam",
]
_WORDS = st.sampled_from(
    ["me", "to", "their", "hiring", "manager", "team", "Sam", "at", "the", "open", "house",
     "Initech", "advice", "chat", "résumé", "李", "café", "intro", "about", "Go", "on", "call"]
)
_VERBS = st.sampled_from(
    ["Introduced", "Referred", "Helped", "Met", "Gave", "Sent", "Told", "Reviewed", "Shared"]
)


def _phrase(lead: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda first, rest, end: " ".join([first, *rest]) + end,
        lead,
        st.lists(_WORDS, max_size=6),
        st.sampled_from(["", ".", "!", "?", ";", " ", "…"]),
    )


_TYPED = st.text(
    alphabet=st.characters(
        categories=("Lu", "Ll", "Nd", "Zs", "Po", "Ps", "Pe", "Pi", "Pf", "So"),
        exclude_characters="{}\n\r\t\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029",
    ),
    max_size=40,
)
phrases = st.one_of(
    st.sampled_from(REPORTED),
    _phrase(_VERBS),  # a capitalised verb: a sentence of the user's
    _phrase(st.sampled_from(["the", "The", "a", "A", "an", "your", "Your"])),
    _phrase(st.sampled_from(["introducing", "Introducing", "meeting"])),
    _TYPED,
)


# --- what reading right means --------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}")
_DOUBLED = re.compile(r"\b(\w+)\s+(\1)\b", re.IGNORECASE | re.UNICODE)
_SENTENCE_START = re.compile(r"(^|[.!?:]\s+|\n\s*)$")


def _norm(text: str) -> str:
    return " ".join(text.split())


def check_reads_right(text: str, typed: Iterable[str], user_phrases: Iterable[str] = ()) -> None:
    """`text` was built from `typed` (names, companies, phrases) and has no gap, no stray
    placeholder, no doubled word of ours, and quotes every capitalised phrase of the user's
    it shows in mid-sentence."""
    typed = [_norm(t) for t in typed]
    assert not any(_PLACEHOLDER.search(t) for t in typed), "generated input holds braces"
    assert not _PLACEHOLDER.search(text), f"placeholder left in {text!r}"
    for gap in (OPEN_QUOTE + CLOSE_QUOTE, "()", " ,", " .", " ;", "..", ",.", "  "):
        if gap in text:
            assert any(gap in t for t in typed), f"{gap!r} in {text!r}"
    for match in _DOUBLED.finditer(text):
        pair = match.group(0)
        if match.group(2).isupper() != match.group(1).isupper():
            continue  # "at AT&T": a word and an acronym
        assert any(_norm(pair).casefold() in t.casefold() for t in typed), (
            f"doubled word {pair!r} in {text!r}"
        )
    names = [t for t in typed if t not in {_norm(p) for p in user_phrases}]
    for phrase in user_phrases:
        shown = _norm(phrase).rstrip(" .,;:!?")
        if not shown or not shown[0].isupper() or any(shown in name for name in names):
            continue  # a phrase that is also part of a name shows as the name does
        for found in re.finditer(rf"(?<!\w){re.escape(shown)}(?!\w)", text):
            before = text[: found.start()]
            quoted = before.endswith(OPEN_QUOTE)
            assert quoted or _SENTENCE_START.search(before), (
                f"{shown!r} spliced into mid-sentence without quotes in {text!r}"
            )


def check_signed(draft: str, my_name: str) -> None:
    assert draft.rstrip().endswith(my_name.strip()), f"draft not signed by {my_name!r}: {draft!r}"


# --- the builders --------------------------------------------------------------------------


def _facts(name: str, kind: InteractionKind, summary: str, days_ago: int) -> playbook.ContactFacts:
    at = NOW - dt.timedelta(days=days_ago)
    return playbook.ContactFacts(
        name=name,
        tie=Tie.WORK_ACQUAINTANCE,
        cadence_override=None,
        added_at=NOW - dt.timedelta(days=400),
        touch_count=1,
        first_touch_at=at,
        first_touch_kind=kind,
        first_touch_summary=summary,
        last_touch_at=at,
        last_exchange_at=at,
        last_exchange_kind=kind,
        last_exchange_summary=summary,
    )


def _follow_up(
    name: str, reason: FollowUpReason, sentence: str, *, note: bool = True
) -> DueFollowUp:
    follow_up = DueFollowUp(
        follow_up_id=1,
        contact_id=1,
        contact_name=name,
        reason=reason,
        due_at=NOW,
        effective_at=NOW,
        state=FollowUpState.DUE,
        notified_at=None,
        _note=sentence if note else "",
    )
    if not note:
        follow_up._sentence = sentence  # a rule's sentence, as core.playbook wrote it
    return follow_up


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=names,
    phrase=phrases,
    kind=st.sampled_from(sorted(MEETING_KINDS)),
    days_ago=st.integers(min_value=0, max_value=400),
    tie=st.sampled_from(list(Tie)),
    search_active=st.booleans(),
)
def test_follow_up_sentences_and_their_notices(
    name: str, phrase: str, kind: InteractionKind, days_ago: int, tie: Tie, search_active: bool
) -> None:
    facts = _facts(name, kind, phrase, days_ago)
    sentences = []
    for reason in (FollowUpReason.MET_NO_FOLLOW_UP, FollowUpReason.CADENCE):
        for due_in in (-3, 0, 4, 30):
            rule = playbook.DueRule(reason, NOW + dt.timedelta(days=due_in))
            for tie_facts in (facts, _with_tie(facts, tie)):
                sentences.append(
                    playbook.describe(rule, tie_facts, NOW, SETTINGS, search_active=search_active)
                )
    rule = playbook.DueRule(FollowUpReason.STATUS_UPDATE, NOW)
    sentences.append(playbook.describe(rule, facts, NOW, SETTINGS, search_active=True))
    for sentence in sentences:
        check_reads_right(sentence, [name, phrase], [phrase])
        assert sentence.endswith(".")
    # What the tray and the notifications show: the sentence (the tray's tooltip) and the
    # notices built around it.
    follow_ups = [_follow_up(name, FollowUpReason.CADENCE, s, note=False) for s in sentences]
    assert [f.sentence for f in follow_ups] == sentences
    notices = [_notice(notice_for, f) for f in follow_ups[:3]]
    notices += [_notice(summary_notice, follow_ups), _notice(digest_notice, follow_ups)]
    for notice in notices:
        check_reads_right(notice.title, [name, phrase], [phrase])
        check_reads_right(notice.body, [name, phrase], [phrase])


def _notice(build: Callable[..., Notice], given: object) -> Notice:
    """A notice as the notifier builds it, passing what its builder asks for besides the
    follow-up(s): the moment it is shown, the follow-ups it announces."""
    extra = {
        "now": NOW,
        "announces": [1],
    }
    wanted = list(inspect.signature(build).parameters.values())[1:]
    args = [extra[p.name] for p in wanted if p.default is inspect.Parameter.empty]
    return build(given, *args)


def _with_tie(facts: playbook.ContactFacts, tie: Tie) -> playbook.ContactFacts:
    import dataclasses

    return dataclasses.replace(facts, tie=tie, touch_count=4)


@settings(max_examples=300, deadline=None)
@given(name=names, helped=st.lists(phrases, max_size=3), company=companies, joining=st.booleans())
def test_gratitude_wrap_up_and_reference_sentences(
    name: str, helped: list[str], company: str, joining: bool
) -> None:
    typed = [name, company, *helped]
    sentences = [
        thanks_sentence(name, helped),
        thank_you_note(name, company, joining=joining),
        wrap_up_heading(company, joining=joining, since=dt.date(2026, 3, 2), declined=[company]),
        heads_up_sentence(name, NOW + dt.timedelta(days=2), NOW, company=company),
        heads_up_sentence(name, NOW - dt.timedelta(days=20), NOW, company=company),
        reference_warning([NOW - dt.timedelta(days=5)] * 2, NOW, name=name) or "",
        SearchSummary(SearchState.OFFER_ACCEPTED, None, company.strip(), joining).sentence,
        status_phrase(company, CompanyStatus.DECLINED),
        offer_news(company, accepted=joining),
    ]
    for sentence in sentences:
        check_reads_right(sentence, typed, helped)
    follow_up = _follow_up(name, FollowUpReason.THANK_YOU, sentences[0])
    assert follow_up.sentence == sentences[0]
    notice = _notice(notice_for, follow_up)
    check_reads_right(notice.title, typed, helped)
    check_reads_right(notice.body, typed, helped)


@settings(max_examples=300, deadline=None)
@given(
    name=names,
    my_name=names,
    helped=st.lists(phrases, max_size=3),
    company=companies,
    offer_company=companies,
    status=st.sampled_from(list(CompanyStatus)),
    joining=st.booleans(),
)
def test_every_draft_reads_right_and_is_signed(
    name: str,
    my_name: str,
    helped: list[str],
    company: str,
    offer_company: str,
    status: CompanyStatus,
    joining: bool,
) -> None:
    typed = [name, my_name, company, offer_company, *helped]
    first = playbook.first_name(name)
    drafts: list[str] = []
    recipient = Recipient(1, name, company, status, Tie.ADVOCATE, "a@example.com", None)
    drafts.append(render(DEFAULT_TEMPLATES["status_update"], recipient.values(my_name)))
    thanked = ThankYouContact(1, name, first, company, "a@example.com", tuple(helped))
    drafts.append(render(DEFAULT_TEMPLATES["thank_you"], thanked.values(my_name)))
    contact = WrapUpContact(1, first, company, Tie.ADVOCATE, helped=list(helped))
    for step in plan_wrap_up(
        [contact],
        offer_company=offer_company,
        joining=joining,
        declined_companies={company},
        my_name=my_name,
    ):
        drafts.append(step.draft)
        for key in ("ask_joining", "ask_elsewhere", "thank_you"):
            drafts.append(
                wrap_up_draft(
                    step,
                    DEFAULT_TEMPLATES[key],
                    offer_company=offer_company,
                    joining=joining,
                    my_name=my_name,
                )
            )
    for key in ("reference_ask", "reference_heads_up"):
        for check_at in (None, NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=30)):
            values = reference_values(first, company, check_at=check_at, now=NOW, my_name=my_name)
            drafts.append(draft(DEFAULT_TEMPLATES[key], values))
    drafts.append(draft(DEFAULT_TEMPLATES["follow_up"], follow_up_values(first, my_name=my_name)))
    assert {key for key in DEFAULT_TEMPLATES} <= _DRAFTED  # a new template joins this test
    for text in drafts:
        check_reads_right(text, typed, helped)
        check_signed(text, my_name)


# Every template the drafts above fill.
_DRAFTED = {
    "status_update",
    "thank_you",
    "ask_joining",
    "ask_elsewhere",
    "reference_ask",
    "reference_heads_up",
    "follow_up",
}


# --- the reported sentences, each a regression ---------------------------------------------


def test_thanks_never_splices_a_sentence_of_the_users() -> None:
    helped = ["Introduced me to their hiring manager"]
    assert "helped you with Introduced" not in thanks_sentence("Ada", helped)
    values = ThankYouContact(1, "Ada", "Ada", "", "", tuple(helped)).values("Alex")
    draft = render(DEFAULT_TEMPLATES["thank_you"], values)
    assert "Thank you for Introduced" not in draft
    assert "Thank you for what you did (“Introduced me to their hiring manager”)." in draft


def test_a_meeting_note_is_quoted_not_taken_for_a_place() -> None:
    note = "Met at the Initech open house"
    facts = _facts("Sam Okafor", InteractionKind.NETWORKING_EVENT, note, 10)
    rule = playbook.next_follow_up(facts, SETTINGS, search_active=True)
    assert rule is not None
    sentence = playbook.describe(rule, facts, NOW, SETTINGS, search_active=True)
    assert "at Met at" not in sentence
    assert sentence == (
        "You met Sam on 16 November 2026 (“Met at the Initech open house”) and haven't "
        "followed up."
    )


def test_joining_is_said_once() -> None:
    heading = wrap_up_heading("Hooli", joining=True, since=dt.date(2026, 3, 2))
    assert "are are" not in heading
    assert heading.startswith("You are joining Hooli. Everyone you networked with since 2 March")


def test_the_contact_gave_the_reference() -> None:
    sentence = thanks_sentence("Taylor Ng", ["the reference you gave Umbrella Bio"])
    assert "helped you with the reference you gave" not in sentence
    assert sentence.startswith("Say thank you to Taylor, and name what they did: “the reference")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("the introduction to Sam", "the introduction to Sam"),
        ("The mock interview.", "the mock interview"),
        ("Your advice!", "your advice"),
        ("interview advice", "interview advice"),
        ("Introducing me to Sam", "introducing me to Sam"),
        ("Introduced me to their hiring manager", None),
        ("introduced me to Sam", None),
        ("gave me a reference", None),
        ("Sam's intro", None),
        ("I got the job", None),
        ("for the intro", None),
        ("THE intro", None),
        ("the", None),
        ("", None),
    ],
)
def test_what_reads_after_thank_you_for(phrase: str, expected: str | None) -> None:
    assert as_thanks_object(phrase) == expected


def test_thanks_for_joins_what_fits_and_quotes_the_rest() -> None:
    assert thanks_for(["the intro to Sam", "Reviewed my CV.", "the intro to Sam"]) == (
        "the intro to Sam and everything else you did (“Reviewed my CV”)"
    )
    assert thanks_for([" ", ""]) == ""


def test_braces_the_user_typed_stay_as_typed() -> None:
    values = ThankYouContact(1, "Ada", "Ada", "", "", ("the {my_name} trick",)).values("Alex")
    draft = render(DEFAULT_TEMPLATES["thank_you"], values)
    assert "Thank you for the {my_name} trick." in draft and draft.endswith("Alex")


@pytest.mark.parametrize(
    ("days", "said"),
    [(0, "today"), (-1, "yesterday"), (-6, "6 days ago"), (3, "in 3 days"),
     (-7, "on 19 November 2026"), (40, "on 5 January 2027")],
)
def test_a_day_inside_a_sentence(days: int, said: str) -> None:
    assert day_phrase((NOW + dt.timedelta(days=days)).date(), NOW.date()) == said


def test_a_capital_without_a_small_form_is_quoted() -> None:
    """A mathematical capital ("𝘼") has no lower case: it is a capital all the same."""
    assert as_thanks_object("𝘼") is None
    assert as_thanks_object("𝘼 talk") is None
    check_reads_right(thanks_for(["𝘼"]), ["Ada", "𝘼"], ["𝘼"])
