"""Playbook rule 4, gratitude: what each person did that no thank-you has answered yet, and
the sentence of the follow-up that asks the user to say thank you."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from netdesk.core.domain import InteractionKind
from netdesk.core.playbook import first_name
from netdesk.core.templates import quoted_list

# Rule 4 asks to thank people for help given within this many days; older help is left to
# the offer wrap-up, which thanks everyone at the end of the search.
THANKS_WINDOW_DAYS = 90


@dataclass(frozen=True, slots=True)
class Help:
    """One interaction that names what the contact did (its `helped`)."""

    what: str
    kind: InteractionKind | str
    at: dt.datetime  # the date it carries
    logged_at: dt.datetime  # when the user wrote it down


@dataclass(frozen=True, slots=True)
class Thanks:
    """One thank-you on the contact's timeline."""

    at: dt.datetime
    logged_at: dt.datetime


def window_start(now: dt.datetime) -> dt.datetime:
    """The oldest moment whose help rule 4 still asks to thank for."""
    return now - dt.timedelta(days=THANKS_WINDOW_DAYS)


def help_owed(help_given: Iterable[Help], thanks: Iterable[Thanks], now: dt.datetime) -> list[str]:
    """What the contact did within the window with no thank-you after it, oldest first and
    each once.

    "After" goes by when things were logged, then by their dates: a thank-you is often
    logged with an earlier date than the help it answers. A thank-you's own `helped` is
    not help to thank for.
    """
    start = window_start(now)
    latest = max(((t.logged_at, t.at) for t in thanks), default=None)
    owed: list[str] = []
    for item in sorted(help_given, key=lambda h: h.at):
        what = item.what.strip()
        if not what or item.kind == InteractionKind.THANK_YOU or item.at < start:
            continue
        if latest is not None and latest >= (item.logged_at, item.at):
            continue
        if what not in owed:
            owed.append(what)
    return owed


def answered(asked_at: dt.datetime, thanks_logged_at: Iterable[dt.datetime]) -> bool:
    """Whether a thank-you follow-up made at `asked_at` is answered: a thank-you logged since
    (when it was logged, not the date it carries: a thank-you is often dated earlier)."""
    return any(logged >= asked_at for logged in thanks_logged_at)


def thanks_sentence(name: str, helped: Sequence[str]) -> str:
    """'Say thank you to Dana, and name what they did: “the introduction to Sam”.'

    What they did is the user's own words, whatever their form ("Introduced me to their
    hiring manager", "the reference you gave Acme"), so it is quoted, never spliced into a
    clause of ours; and "what they did" is the contact's deed whatever the interaction's kind
    (a reference given, an introduction, a referral).
    """
    who = first_name(name)
    what = quoted_list(list(helped))
    if not what:
        return f"Say thank you to {who}, and name what they did."
    return f"Say thank you to {who}, and name what they did: {what}."
