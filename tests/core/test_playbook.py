"""The playbook's rules: ties, cadences, met-and-never-followed-up, status updates, sentences."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdesk.core.domain import (
    MEETING_KINDS,
    NOT_AN_EXCHANGE,
    FollowUpReason,
    HowKnown,
    InteractionKind,
    Tie,
)
from netdesk.core.playbook import (
    ContactFacts,
    DueRule,
    PlaybookSettings,
    ago,
    cadence_days,
    describe,
    next_follow_up,
    suggest_tie,
)

NOW = dt.datetime(2026, 11, 26, 9, 0)
SETTINGS = PlaybookSettings()


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


def facts(**kw: object) -> ContactFacts:
    base: dict[str, object] = {
        "name": "Dana Okafor",
        "tie": Tie.ADVOCATE,
        "cadence_override": None,
        "added_at": NOW - days(400),
    }
    base.update(kw)
    return ContactFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("how", "tie"),
    [
        (HowKnown.MANAGER, Tie.ADVOCATE),
        (HowKnown.COLLEAGUE, Tie.ADVOCATE),
        (HowKnown.VOLUNTEER_PROJECT, Tie.ADVOCATE),
        (HowKnown.NETWORKING_EVENT, Tie.WORK_ACQUAINTANCE),
        (HowKnown.RECRUITER, None),
        (HowKnown.ALUMNI, None),
        (HowKnown.OTHER, None),
        ("nonsense", None),
    ],
)
def test_how_you_know_them_suggests_the_tie(how: HowKnown | str, tie: Tie | None) -> None:
    assert suggest_tie(how) == tie


def test_cadence_defaults_and_override() -> None:
    assert cadence_days(Tie.ADVOCATE, None, SETTINGS) == 30
    assert cadence_days(Tie.WORK_ACQUAINTANCE, None, SETTINGS) == 60
    assert cadence_days(Tie.UNSORTED, None, SETTINGS) is None
    assert cadence_days(Tie.ADVOCATE, 14, SETTINGS) == 14
    assert cadence_days(Tie.UNSORTED, 45, SETTINGS) == 45
    custom = PlaybookSettings(advocate_cadence_days=21)
    assert cadence_days(Tie.ADVOCATE, None, custom) == 21


def test_next_follow_up_is_last_touch_plus_cadence() -> None:
    last = NOW - days(10)
    f = facts(
        touch_count=3,
        first_touch_at=NOW - days(100),
        first_touch_kind=InteractionKind.EMAIL,
        last_touch_at=last,
    )
    rule = next_follow_up(f, SETTINGS, search_active=False)
    assert rule == DueRule(FollowUpReason.CADENCE, last + days(30))


def test_any_logged_interaction_resets_the_cadence() -> None:
    before = facts(
        touch_count=3,
        first_touch_at=NOW - days(100),
        first_touch_kind=InteractionKind.EMAIL,
        last_touch_at=NOW - days(40),
    )
    after = facts(
        touch_count=4,
        first_touch_at=NOW - days(100),
        first_touch_kind=InteractionKind.EMAIL,
        last_touch_at=NOW,
    )
    r1 = next_follow_up(before, SETTINGS, search_active=False)
    r2 = next_follow_up(after, SETTINGS, search_active=False)
    assert r1 is not None and r2 is not None
    assert r1.due_at < NOW < r2.due_at == NOW + days(30)


def test_work_acquaintance_uses_sixty_days() -> None:
    f = facts(
        tie=Tie.WORK_ACQUAINTANCE,
        touch_count=2,
        first_touch_at=NOW - days(70),
        first_touch_kind=InteractionKind.COFFEE,
        last_touch_at=NOW - days(5),
    )
    rule = next_follow_up(f, SETTINGS, search_active=False)
    assert rule == DueRule(FollowUpReason.CADENCE, NOW - days(5) + days(60))


@pytest.mark.parametrize(
    "kind",
    [
        InteractionKind.NETWORKING_EVENT,
        InteractionKind.COFFEE,
        InteractionKind.INTRODUCTION,
        InteractionKind.MEETING,
        InteractionKind.CALL,
    ],
)
def test_a_meeting_with_nothing_after_is_due_after_seven_days(kind: InteractionKind) -> None:
    met = NOW - days(9)
    f = facts(
        tie=Tie.WORK_ACQUAINTANCE,
        touch_count=1,
        first_touch_at=met,
        first_touch_kind=kind,
        last_touch_at=met,
        last_exchange_at=met,
        last_exchange_kind=kind,
    )
    rule = next_follow_up(f, SETTINGS, search_active=True)
    assert rule == DueRule(FollowUpReason.MET_NO_FOLLOW_UP, met + days(7))


def test_a_meeting_is_due_whatever_came_before_it() -> None:
    """An imported contact: LinkedIn's connection date first, then a networking event."""
    met = NOW - days(12)
    imported = facts(
        tie=Tie.UNSORTED,
        touch_count=2,
        first_touch_at=NOW - days(700),
        first_touch_kind=InteractionKind.CONNECTED,
        last_touch_at=met,
        last_exchange_at=met,
        last_exchange_kind=InteractionKind.NETWORKING_EVENT,
    )
    assert next_follow_up(imported, SETTINGS, search_active=True) == DueRule(
        FollowUpReason.MET_NO_FOLLOW_UP, met + days(7)
    )
    # Years of emails before a coffee chat change nothing either.
    regular = facts(
        touch_count=40,
        first_touch_at=NOW - days(1500),
        first_touch_kind=InteractionKind.EMAIL,
        last_touch_at=met,
        last_exchange_at=met,
        last_exchange_kind=InteractionKind.COFFEE,
    )
    assert next_follow_up(regular, SETTINGS, search_active=False) == DueRule(
        FollowUpReason.MET_NO_FOLLOW_UP, met + days(7)
    )
    # Connecting on LinkedIn after the event is not following up: still due.
    connected_after = facts(
        tie=Tie.UNSORTED,
        touch_count=2,
        first_touch_at=met,
        first_touch_kind=InteractionKind.NETWORKING_EVENT,
        last_touch_at=NOW - days(11),
        last_exchange_at=met,
        last_exchange_kind=InteractionKind.NETWORKING_EVENT,
    )
    rule = next_follow_up(connected_after, SETTINGS, search_active=False)
    assert rule == DueRule(FollowUpReason.MET_NO_FOLLOW_UP, met + days(7))


def test_an_imported_connection_alone_is_not_a_meeting() -> None:
    connected = NOW - days(9)
    f = facts(
        tie=Tie.UNSORTED,
        touch_count=1,
        first_touch_at=connected,
        first_touch_kind=InteractionKind.CONNECTED,
        last_touch_at=connected,
    )
    assert next_follow_up(f, SETTINGS, search_active=True) == DueRule(
        FollowUpReason.STATUS_UPDATE, connected + days(90)
    )


def test_met_rule_edges() -> None:
    met = NOW - days(6)
    f = facts(
        touch_count=1,
        first_touch_at=met,
        first_touch_kind=InteractionKind.NETWORKING_EVENT,
        last_touch_at=met,
        last_exchange_at=met,
        last_exchange_kind=InteractionKind.NETWORKING_EVENT,
    )
    rule = next_follow_up(f, SETTINGS, search_active=False)
    assert rule is not None and rule.due_at == met + days(7) and rule.due_at > NOW
    # Something done together after it means they were followed up: back to the cadence.
    f2 = facts(
        touch_count=2,
        first_touch_at=met,
        first_touch_kind=InteractionKind.NETWORKING_EVENT,
        last_touch_at=NOW - days(1),
        last_exchange_at=NOW - days(1),
        last_exchange_kind=InteractionKind.EMAIL,
    )
    rule2 = next_follow_up(f2, SETTINGS, search_active=False)
    assert rule2 is not None and rule2.reason is FollowUpReason.CADENCE
    # An email is not a meeting.
    f3 = facts(
        touch_count=1,
        first_touch_at=met,
        first_touch_kind=InteractionKind.EMAIL,
        last_touch_at=met,
        last_exchange_at=met,
        last_exchange_kind=InteractionKind.EMAIL,
    )
    rule3 = next_follow_up(f3, SETTINGS, search_active=False)
    assert rule3 is not None and rule3.reason is FollowUpReason.CADENCE
    # The user can change the number of days.
    custom = PlaybookSettings(follow_up_after_meeting_days=3)
    rule4 = next_follow_up(f, custom, search_active=False)
    assert rule4 is not None and rule4.due_at == met + days(3)


def test_status_update_after_ninety_quiet_days_while_searching() -> None:
    last = NOW - days(120)
    f = facts(
        tie=Tie.UNSORTED,
        touch_count=2,
        first_touch_at=NOW - days(300),
        first_touch_kind=InteractionKind.EMAIL,
        last_touch_at=last,
    )
    assert next_follow_up(f, SETTINGS, search_active=False) is None
    rule = next_follow_up(f, SETTINGS, search_active=True)
    assert rule == DueRule(FollowUpReason.STATUS_UPDATE, last + days(90))
    # A long cadence override leaves room for the status update to come first.
    g = facts(
        cadence_override=180,
        touch_count=2,
        first_touch_at=NOW - days(300),
        first_touch_kind=InteractionKind.EMAIL,
        last_touch_at=last,
    )
    rule_g = next_follow_up(g, SETTINGS, search_active=True)
    assert rule_g == DueRule(FollowUpReason.STATUS_UPDATE, last + days(90))


def test_never_touched_counts_from_when_the_contact_was_added() -> None:
    added = NOW - days(45)
    f = facts(added_at=added)
    assert next_follow_up(f, SETTINGS, search_active=False) == DueRule(
        FollowUpReason.CADENCE, added + days(30)
    )


def test_dismissing_restarts_the_count() -> None:
    met = NOW - days(20)
    reset = NOW - days(2)
    f = facts(
        tie=Tie.WORK_ACQUAINTANCE,
        touch_count=1,
        first_touch_at=met,
        first_touch_kind=InteractionKind.NETWORKING_EVENT,
        last_touch_at=met,
        reset_at=reset,
        last_exchange_at=met,
        last_exchange_kind=InteractionKind.NETWORKING_EVENT,
    )
    rule = next_follow_up(f, SETTINGS, search_active=False)
    assert rule == DueRule(FollowUpReason.CADENCE, reset + days(60))


def test_reason_sentences_read_as_the_playbook_says() -> None:
    met = NOW - days(9)
    f = facts(
        tie=Tie.WORK_ACQUAINTANCE,
        name="Dana Okafor",
        touch_count=1,
        first_touch_at=met,
        first_touch_kind=InteractionKind.NETWORKING_EVENT,
        first_touch_summary="the PyData meetup",
        last_touch_at=met,
        last_exchange_at=met,
        last_exchange_kind=InteractionKind.NETWORKING_EVENT,
        last_exchange_summary="the PyData meetup",
    )
    rule = next_follow_up(f, SETTINGS, search_active=True)
    assert rule is not None
    assert describe(rule, f, NOW, SETTINGS, search_active=True) == (
        "You met Dana on 17 November 2026 (“the PyData meetup”) and haven't followed up."
    )
    g = facts(
        touch_count=5,
        first_touch_at=NOW - days(300),
        first_touch_kind=InteractionKind.EMAIL,
        last_touch_at=NOW - days(45),
    )
    rule_g = next_follow_up(g, SETTINGS, search_active=False)
    assert rule_g is not None
    text = describe(rule_g, g, NOW, SETTINGS, search_active=False)
    assert text == (
        "Your last touch with Dana was on 12 October 2026; "
        "you keep in touch with advocates every 30 days."
    )
    long_quiet = describe(
        rule_g,
        facts(
            touch_count=5,
            first_touch_at=NOW - days(300),
            first_touch_kind=InteractionKind.EMAIL,
            last_touch_at=NOW - days(100),
        ),
        NOW,
        SETTINGS,
        search_active=True,
    )
    assert "status update, with no ask" in long_quiet
    upcoming = facts(
        touch_count=2,
        first_touch_at=NOW - days(300),
        first_touch_kind=InteractionKind.EMAIL,
        last_touch_at=NOW - days(25),
    )
    rule_u = next_follow_up(upcoming, SETTINGS, search_active=False)
    assert rule_u is not None
    assert describe(rule_u, upcoming, NOW, SETTINGS, search_active=False).startswith(
        "Due in 5 days."
    )


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "today"),
        (1, "yesterday"),
        (9, "9 days ago"),
        (59, "59 days ago"),
        (90, "3 months ago"),
        (800, "2 years ago"),
    ],
)
def test_ago(n: int, text: str) -> None:
    assert ago(n) == text


_kinds = st.sampled_from(list(InteractionKind))
_ties = st.sampled_from(list(Tie))
_moments = st.integers(min_value=0, max_value=2000).map(lambda n: NOW - days(n))


@given(
    tie=_ties,
    override=st.none() | st.integers(min_value=1, max_value=400),
    first=_moments,
    gap=st.integers(min_value=0, max_value=900),
    count=st.integers(min_value=0, max_value=50),
    kind=_kinds,
    latest=_kinds,
    active=st.booleans(),
)
def test_rules_are_consistent(
    tie: Tie,
    override: int | None,
    first: dt.datetime,
    gap: int,
    count: int,
    kind: InteractionKind,
    latest: InteractionKind,
    active: bool,
) -> None:
    last = min(first + days(gap), NOW) if count else None
    exchanged = last if count and latest not in NOT_AN_EXCHANGE else None
    f = facts(
        tie=tie,
        cadence_override=override,
        touch_count=count,
        first_touch_at=first if count else None,
        first_touch_kind=kind if count else None,
        last_touch_at=last,
        added_at=first - days(1),
        last_exchange_at=exchanged,
        last_exchange_kind=latest if exchanged else None,
    )
    rule = next_follow_up(f, SETTINGS, search_active=active)
    if rule is None:
        # No rule applies only to an unsorted contact without override, outside a search.
        assert tie is Tie.UNSORTED and override is None and not active
        return
    anchor = last or f.added_at
    # Rule 2 exactly when the latest exchange was a meeting, however many touches before it.
    assert (rule.reason is FollowUpReason.MET_NO_FOLLOW_UP) == (
        exchanged is not None and latest in MEETING_KINDS
    )
    if exchanged is not None and rule.reason is FollowUpReason.MET_NO_FOLLOW_UP:
        assert rule.due_at == exchanged + days(7)
    else:
        # Never earlier than the anchor plus the shortest applicable interval.
        assert rule.due_at > anchor
        cadence = cadence_days(tie, override, SETTINGS)
        limits = [c for c in (cadence, 90 if active else None) if c is not None]
        assert rule.due_at == anchor + days(min(limits))
    sentence = describe(rule, f, NOW, SETTINGS, search_active=active)
    assert sentence and sentence.endswith(".") and "None" not in sentence


def test_a_status_update_on_the_timeline_keeps_its_first_line() -> None:
    from netdesk.core.playbook import STATUS_UPDATE_SUMMARY_CHARS, status_update_summary

    assert status_update_summary("") == "No-ask status update"
    assert status_update_summary("\n  Hi Dana,\nMore") == "No-ask status update: Hi Dana,"
    long = "x" * (STATUS_UPDATE_SUMMARY_CHARS + 10)
    assert status_update_summary(long) == "No-ask status update: " + long[:120]
