"""The glance view's pure rules: weekly buckets, shares, the chart's axis; wrap-up drafts."""

from __future__ import annotations

import datetime as dt
import itertools

from netdesk.core.domain import Tie
from netdesk.core.drafts import wrap_up_draft
from netdesk.core.glance import axis_top, shares, weekly_touches, window_start
from netdesk.core.templates import DEFAULT_TEMPLATES
from netdesk.core.wrapup import WrapUpContact, plan_wrap_up

TODAY = dt.date(2026, 11, 26)


def test_weeks_end_today_oldest_first_and_ignore_days_outside() -> None:
    per_day = {
        TODAY: 2,
        TODAY - dt.timedelta(days=6): 1,  # same week as today
        TODAY - dt.timedelta(days=7): 5,  # the week before
        window_start(TODAY): 3,  # the first day counted
        window_start(TODAY) - dt.timedelta(days=1): 100,  # just outside
        TODAY + dt.timedelta(days=1): 100,  # the future
    }
    bars = weekly_touches(per_day, TODAY)
    assert len(bars) == 12
    assert [b.count for b in bars] == [3] + [0] * 9 + [5, 3]
    assert bars[-1].last_day == TODAY and bars[-1].first_day == TODAY - dt.timedelta(days=6)
    assert bars[0].first_day == window_start(TODAY) == dt.date(2026, 9, 4)
    assert bars[0].label == "4 Sep"
    assert all(
        b.first_day - a.first_day == dt.timedelta(days=7) for a, b in itertools.pairwise(bars)
    )


def test_shares_and_axis() -> None:
    parts = shares([("Advocates", 1), ("Work", 3), ("Unsorted", 0)])
    assert [p.fraction for p in parts] == [0.25, 0.75, 0.0]
    assert [p.fraction for p in shares([("a", 0), ("b", 0)])] == [0.0, 0.0]
    assert [axis_top(n) for n in (0, 1, 3, 7, 10, 11, 49, 51, 1200)] == [
        1,
        1,
        5,
        10,
        10,
        20,
        50,
        100,
        2000,
    ]


def test_a_draft_from_the_users_template_names_what_they_did() -> None:
    contact = WrapUpContact(1, "Dana", "Acme", Tie.ADVOCATE, helped=["the mock interview"])
    declined = WrapUpContact(2, "Sam", "Globex", Tie.WORK_ACQUAINTANCE)
    steps = plan_wrap_up(
        [contact, declined], offer_company="Acme", joining=True, declined_companies={"Globex"}
    )
    own = "Dear {first_name}, thanks for {helped}. See you at {company}! {status_with_company}"
    text = wrap_up_draft(steps[0], own, offer_company="Acme", joining=True, my_name="Ri")
    assert text == "Dear Dana, thanks for the mock interview. See you at Acme!"
    # The default template gives the very draft core.wrapup plans.
    for step in steps:
        again = wrap_up_draft(
            step, DEFAULT_TEMPLATES[step.closing_ask], offer_company="Acme", joining=True
        )
        assert again == step.draft
    assert "turn down the offer from Globex" in steps[1].draft
