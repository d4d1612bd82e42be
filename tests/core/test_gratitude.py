"""Rule 4, gratitude: what is owed a thank-you, when a thank-you answers the ask, the sentence."""

from __future__ import annotations

import datetime as dt

from netdesk.core.domain import InteractionKind
from netdesk.core.gratitude import (
    THANKS_WINDOW_DAYS,
    Help,
    Thanks,
    answered,
    help_owed,
    thanks_sentence,
    window_start,
)

NOW = dt.datetime(2025, 6, 4, 10, 0)


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


def help_at(what: str, at: dt.datetime, logged: dt.datetime | None = None) -> Help:
    return Help(what, InteractionKind.CALL, at, logged or at)


def test_help_with_no_thank_you_is_owed_oldest_first_and_once() -> None:
    given = [
        help_at("interview advice", NOW - days(1)),
        help_at("the introduction to Sam", NOW - days(3)),
        help_at(" interview advice ", NOW),
    ]
    assert help_owed(given, [], NOW) == ["the introduction to Sam", "interview advice"]


def test_a_thank_you_logged_after_the_help_answers_it_even_dated_earlier() -> None:
    given = [help_at("interview advice", NOW - days(1), logged=NOW - days(1))]
    thanks = [Thanks(at=NOW - days(2), logged_at=NOW)]
    assert help_owed(given, thanks, NOW) == []
    # Logged before the help was: still owed.
    assert help_owed(given, [Thanks(NOW - days(5), NOW - days(5))], NOW) == ["interview advice"]


def test_help_logged_in_the_same_moment_goes_by_its_date() -> None:
    given = [help_at("a referral", NOW, logged=NOW)]
    assert help_owed(given, [Thanks(NOW - days(1), NOW)], NOW) == ["a referral"]
    assert help_owed(given, [Thanks(NOW, NOW)], NOW) == []


def test_help_beyond_the_window_blank_help_and_thank_yous_are_not_owed() -> None:
    assert window_start(NOW) == NOW - days(THANKS_WINDOW_DAYS)
    given = [
        help_at("a reference long ago", NOW - days(THANKS_WINDOW_DAYS + 1)),
        help_at("   ", NOW),
        Help("a kind word", InteractionKind.THANK_YOU, NOW, NOW),
    ]
    assert help_owed(given, [], NOW) == []
    assert help_owed([help_at("advice", window_start(NOW))], [], NOW) == ["advice"]


def test_a_thank_you_follow_up_is_answered_by_a_thank_you_logged_since() -> None:
    assert answered(NOW, [NOW + days(1)])
    assert answered(NOW, [NOW])
    assert not answered(NOW, [NOW - days(1)])
    assert not answered(NOW, [])


def test_the_sentence_names_what_they_did() -> None:
    assert thanks_sentence("Dana Reyes", ["the introduction to Sam", "interview advice"]) == (
        "Say thank you to Dana, and name what they did: “the introduction to Sam” and "
        "“interview advice”."
    )


def test_the_sentence_quotes_the_users_words_whatever_their_form() -> None:
    # Reported: "Ada helped you with Introduced me to their hiring manager."
    sentence = thanks_sentence("Ada Byron", ["Introduced me to their hiring manager."])
    assert sentence == (
        "Say thank you to Ada, and name what they did: “Introduced me to their hiring manager”."
    )
    assert "helped you with" not in sentence


def test_the_contact_gave_the_reference_not_the_user() -> None:
    # Reported: "Taylor helped you with the reference you gave Umbrella Bio" (Taylor gave it).
    sentence = thanks_sentence("Taylor Ng", ["the reference you gave Umbrella Bio"])
    assert sentence == (
        "Say thank you to Taylor, and name what they did: “the reference you gave Umbrella Bio”."
    )
    assert "helped you with the reference you gave" not in sentence
