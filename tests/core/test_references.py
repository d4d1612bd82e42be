"""References: how often one person may be asked, and when a heads-up is due."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdesk.core.references import (
    asks_in_window,
    heads_up_due,
    heads_up_sentence,
    reference_warning,
)

NOW = dt.datetime(2025, 6, 4, 10, 0)  # a Wednesday


def days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def test_no_asks_no_warning() -> None:
    assert reference_warning([], NOW) is None


def test_one_recent_ask_is_fine() -> None:
    assert reference_warning([days_ago(10)], NOW) is None


def test_two_asks_in_the_window_warn() -> None:
    warning = reference_warning([days_ago(10), days_ago(40)], NOW, name="Dana")
    assert warning is not None
    assert warning.startswith("You asked Dana for a reference twice in the last 90 days.")
    # The older ask leaves the window 50 days from now: 24 July 2025.
    assert "wait until 24 July 2025" in warning


def test_old_asks_do_not_count() -> None:
    assert reference_warning([days_ago(100), days_ago(200), days_ago(10)], NOW) is None


def test_three_asks_say_three_times_and_name_fallback() -> None:
    warning = reference_warning([days_ago(1), days_ago(2), days_ago(3)], NOW)
    assert warning is not None
    assert "You asked this person for a reference 3 times in the last 90 days." in warning


def test_custom_limits() -> None:
    assert reference_warning([days_ago(5)], NOW, max_per_window=1, name="Ana") is not None
    assert reference_warning([days_ago(5), days_ago(20)], NOW, max_per_window=3) is None
    assert reference_warning([days_ago(5), days_ago(20)], NOW, window_days=10) is None
    warning = reference_warning([days_ago(5)], NOW, max_per_window=1, window_days=30)
    assert warning is not None and "once in the last 30 days" in warning


def test_future_dated_ask_counts() -> None:
    assert asks_in_window([NOW + dt.timedelta(days=1), days_ago(91)], NOW) == [
        NOW + dt.timedelta(days=1)
    ]


@given(st.lists(st.integers(min_value=-5, max_value=400), max_size=8))
def test_warning_exactly_when_limit_reached(offsets: list[int]) -> None:
    asks = [days_ago(n) for n in offsets]
    recent = sum(1 for n in offsets if n < 90)
    warning = reference_warning(asks, NOW)
    assert (warning is not None) == (recent >= 2)


def test_heads_up_due_window() -> None:
    check = NOW + dt.timedelta(days=2)
    assert heads_up_due(check, NOW)
    assert not heads_up_due(NOW + dt.timedelta(days=3), NOW)
    assert heads_up_due(NOW + dt.timedelta(hours=1), NOW)
    assert not heads_up_due(NOW, NOW)  # the check is happening: too late for a heads-up
    assert not heads_up_due(NOW - dt.timedelta(days=1), NOW)
    assert heads_up_due(NOW + dt.timedelta(days=5), NOW, lead_days=7)


@pytest.mark.parametrize(
    ("check_at", "expected"),
    [
        (NOW + dt.timedelta(hours=3), "Dana may get a reference call from Acme today."),
        (NOW + dt.timedelta(days=1), "Dana may get a reference call from Acme tomorrow."),
        (NOW + dt.timedelta(days=2), "Dana may get a reference call from Acme in 2 days."),
        (NOW + dt.timedelta(days=9), "Dana may get a reference call from Acme on 13 June 2025."),
    ],
)
def test_heads_up_sentence(check_at: dt.datetime, expected: str) -> None:
    sentence = heads_up_sentence("Dana", check_at, NOW, company="Acme")
    assert sentence.startswith(expected)
    assert "heads-up" in sentence


def test_heads_up_sentence_after_the_check_and_without_company() -> None:
    sentence = heads_up_sentence("", NOW - dt.timedelta(days=1), NOW)
    assert sentence.startswith("Your reference may have had a reference call yesterday.")


def test_the_heads_up_falls_due_the_lead_before_the_check() -> None:
    from netdesk.core.references import HEADS_UP_LEAD_DAYS, heads_up_at

    check = NOW + dt.timedelta(days=5)
    assert heads_up_at(check) == check - dt.timedelta(days=HEADS_UP_LEAD_DAYS)
    assert heads_up_at(check, 0) == check
    assert heads_up_at(check, -3) == check  # never after the check
