"""The playbook's rules of staying in touch, as pure functions of a contact's facts and `now`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from netdesk.core.dates import day_phrase
from netdesk.core.domain import (
    MEETING_KINDS,
    FollowUpReason,
    HowKnown,
    InteractionKind,
    Tie,
)
from netdesk.core.templates import as_typed, quoted

# How knowing someone suggests the tie (the user decides; this is only the default offered).
_SUGGESTED_TIE = {
    HowKnown.MANAGER: Tie.ADVOCATE,
    HowKnown.COLLEAGUE: Tie.ADVOCATE,
    HowKnown.VOLUNTEER_PROJECT: Tie.ADVOCATE,
    HowKnown.NETWORKING_EVENT: Tie.WORK_ACQUAINTANCE,
}


def suggest_tie(how_known: HowKnown | str) -> Tie | None:
    """The tie that how-you-know-them suggests, or None when it suggests nothing."""
    try:
        return _SUGGESTED_TIE.get(HowKnown(how_known))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class PlaybookSettings:
    """The defaults of every rule; each one is a preference the user can change."""

    advocate_cadence_days: int = 30
    work_acquaintance_cadence_days: int = 60
    follow_up_after_meeting_days: int = 7
    status_update_after_days: int = 90


def cadence_days(tie: Tie | str, override: int | None, settings: PlaybookSettings) -> int | None:
    """Days between touches for a contact; None for an unsorted contact with no override."""
    if override is not None and override > 0:
        return override
    if tie == Tie.ADVOCATE:
        return settings.advocate_cadence_days
    if tie == Tie.WORK_ACQUAINTANCE:
        return settings.work_acquaintance_cadence_days
    return None


@dataclass(frozen=True, slots=True)
class ContactFacts:
    """What the rules need to know about one contact, summarised from the timeline."""

    name: str
    tie: Tie
    cadence_override: int | None
    added_at: dt.datetime
    touch_count: int = 0
    first_touch_at: dt.datetime | None = None
    first_touch_kind: InteractionKind | None = None
    first_touch_summary: str = ""
    last_touch_at: dt.datetime | None = None
    reset_at: dt.datetime | None = None  # a dismissed follow-up restarts the count from here
    # The latest thing done together, imported connection dates left out (rule 2 reads it).
    last_exchange_at: dt.datetime | None = None
    last_exchange_kind: InteractionKind | None = None
    last_exchange_summary: str = ""
    # Where that exchange came from when it was imported ("linkedin", "mail"; "" when the
    # user logged it), and whether the user wrote it: the sentence names the source.
    last_exchange_source: str = ""
    last_exchange_outgoing: bool = False

    @property
    def first_name(self) -> str:
        return first_name(self.name)


@dataclass(frozen=True, slots=True)
class DueRule:
    """When a contact's next follow-up falls due, and which rule says so."""

    reason: FollowUpReason
    due_at: dt.datetime


def next_follow_up(
    facts: ContactFacts, settings: PlaybookSettings, *, search_active: bool
) -> DueRule | None:
    """The contact's next rule-based follow-up, or None when no rule applies.

    Rule 2 (met and not followed up) comes first: a meeting (an event, a coffee chat, an
    introduction, a meeting, a call) with nothing done together after it, whatever came
    before it; an imported connection date is neither the meeting nor its follow-up.
    Otherwise the earliest of rule 1 (cadence, from the last touch) and rule 3 (a no-ask
    status update after a long quiet, while the search is active). A contact never touched
    counts from the day it was added.
    """
    met_at = met_and_not_followed_up(facts)
    if met_at is not None:
        return DueRule(
            FollowUpReason.MET_NO_FOLLOW_UP,
            met_at + dt.timedelta(days=settings.follow_up_after_meeting_days),
        )
    anchor = max(
        t for t in (facts.last_touch_at or facts.added_at, facts.reset_at) if t is not None
    )
    candidates: list[DueRule] = []
    cadence = cadence_days(facts.tie, facts.cadence_override, settings)
    if cadence is not None:
        candidates.append(DueRule(FollowUpReason.CADENCE, anchor + dt.timedelta(days=cadence)))
    if search_active:
        quiet = dt.timedelta(days=settings.status_update_after_days)
        candidates.append(DueRule(FollowUpReason.STATUS_UPDATE, anchor + quiet))
    if not candidates:
        return None
    return min(candidates, key=lambda rule: rule.due_at)


def met_and_not_followed_up(facts: ContactFacts) -> dt.datetime | None:
    """Rule 2's meeting: when the latest exchange was a meeting that nothing has followed,
    and the user has not set the contact aside since; None otherwise."""
    met_at = facts.last_exchange_at
    if met_at is None or facts.last_exchange_kind not in MEETING_KINDS:
        return None
    if facts.reset_at is not None and facts.reset_at >= met_at:
        return None
    return met_at


# How much of the message's first line the timeline keeps for a status update sent.
STATUS_UPDATE_SUMMARY_CHARS = 120


def status_update_summary(text: str) -> str:
    """The timeline's line for a no-ask status update (rule 3): what kind of message it was,
    and its first line."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    summary = "No-ask status update"
    if first_line:
        summary += f": {first_line[:STATUS_UPDATE_SUMMARY_CHARS]}"
    return summary


def first_name(name: str) -> str:
    """The name to use in a sentence or a greeting: the first word of the display name."""
    name = name.strip()
    if not name:
        return "this contact"
    if "@" in name and " " not in name:
        return name
    return name.split()[0]


def days_between(earlier: dt.datetime, later: dt.datetime) -> int:
    """Whole calendar days from one moment to another (negative when reversed)."""
    return (later.date() - earlier.date()).days


def ago(days: int) -> str:
    """'today', 'yesterday', '9 days ago', '3 months ago', '2 years ago'."""
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def in_days(days: int) -> str:
    """'today', 'tomorrow', 'in 5 days'."""
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


_MET_VERB = {
    InteractionKind.NETWORKING_EVENT: "met {name}",
    InteractionKind.COFFEE: "had coffee with {name}",
    InteractionKind.INTRODUCTION: "were introduced to {name}",
    InteractionKind.MEETING: "met {name}",
    InteractionKind.CALL: "spoke with {name}",
    InteractionKind.INVITATION: "connected with {name} on LinkedIn",
}

# An imported exchange as the sentence names it: what it was, and where it came from.
_IMPORTED_TOUCH = {
    ("linkedin", InteractionKind.MESSAGE): "a message on LinkedIn",
    ("linkedin", InteractionKind.INVITATION): "an invitation on LinkedIn",
    ("linkedin", InteractionKind.REFERENCE_GIVEN): "a recommendation on LinkedIn",
    ("mail", InteractionKind.EMAIL): "an email",
}


def imported_touch(facts: ContactFacts) -> str:
    """'a message on LinkedIn', 'an email you sent': the last touch when it is an imported
    exchange (the user's own log says nothing of where it came from); "" otherwise."""
    if not facts.last_exchange_source or facts.last_exchange_at != facts.last_touch_at:
        return ""
    kind = facts.last_exchange_kind or InteractionKind.MESSAGE
    what = _IMPORTED_TOUCH.get((facts.last_exchange_source, kind), "")
    if what == "an email":
        what += " you sent" if facts.last_exchange_outgoing else f" from {facts.first_name}"
    return what

_TIE_PLURAL = {Tie.ADVOCATE: "advocates", Tie.WORK_ACQUAINTANCE: "work acquaintances"}

# The longest note of a first meeting a follow-up's sentence quotes; a longer one is on the
# timeline.
_SUMMARY_SHOWN = 80


def describe(
    rule: DueRule,
    facts: ContactFacts,
    now: dt.datetime,
    settings: PlaybookSettings,
    *,
    search_active: bool,
) -> str:
    """The follow-up's reason as a sentence the user understands and can act on.

    Days are said as core.dates says them; what the user typed about a meeting is quoted
    after the sentence's own words, never spliced in as if it were a place.
    """
    name = facts.first_name
    today = now.date()
    if rule.reason is FollowUpReason.MET_NO_FOLLOW_UP and facts.last_exchange_at is not None:
        kind = facts.last_exchange_kind or InteractionKind.MEETING
        verb = _MET_VERB.get(kind, "met {name}").format(name=name)
        when = day_phrase(facts.last_exchange_at.date(), today)
        summary = as_typed(facts.last_exchange_summary)
        what = f" ({quoted(summary)})" if summary and len(summary) <= _SUMMARY_SHOWN else ""
        sentence = f"You {verb} {when}{what} and haven't followed up."
        if rule.due_at > now:
            sentence += f" A short note {day_phrase(rule.due_at.date(), today)} keeps it warm."
        return sentence

    since = facts.last_touch_at
    if facts.reset_at is not None and (since is None or facts.reset_at > since):
        quiet = f"You set {name} aside {day_phrase(facts.reset_at.date(), today)}"
    elif since is None:
        quiet = f"You haven't logged anything with {name} since adding them"
        quiet += f" {day_phrase(facts.added_at.date(), today)}"
    elif what := imported_touch(facts):
        quiet = f"Your last touch with {name} was {what} {day_phrase(since.date(), today)}"
    else:
        quiet = f"Your last touch with {name} was {day_phrase(since.date(), today)}"
    anchor = since or facts.added_at
    long_quiet = search_active and days_between(anchor, now) >= settings.status_update_after_days

    if rule.reason is FollowUpReason.STATUS_UPDATE:
        sentence = f"{quiet}. Send a two-line status update on your search, with no ask."
    else:
        cadence = cadence_days(facts.tie, facts.cadence_override, settings)
        if facts.cadence_override:
            rhythm = f"you planned to be in touch every {cadence} days"
        else:
            rhythm = (
                f"you keep in touch with {_TIE_PLURAL.get(facts.tie, 'them')} every {cadence} days"
            )
        sentence = f"{quiet}; {rhythm}."
        if long_quiet:
            sentence += " A two-line status update, with no ask, would do."
    if rule.due_at > now:
        sentence = f"Due {day_phrase(rule.due_at.date(), today)}. " + sentence
    return sentence
