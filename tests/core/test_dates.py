import datetime as dt

import pytest

from netdesk.core.dates import describe_day, describe_moment, full_date
from netdesk.core.domain import FollowUpRule

TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("offset", "said"),
    [
        (0, "today"),
        (-1, "yesterday"),
        (1, "tomorrow"),
        (-3, "3 days ago"),
        (5, "in 5 days"),
        (-6, "6 days ago"),
        (-7, "22 November 2026"),
        (7, "6 December 2026"),
        (400, "3 January 2028"),
    ],
)
def test_a_day_is_relative_when_near_and_has_its_year_otherwise(offset, said):
    assert describe_day(TODAY + dt.timedelta(days=offset), TODAY) == said


def test_a_moment_today_or_tomorrow_has_its_time():
    now = dt.datetime(2026, 11, 29, 10, 0)
    assert describe_moment(dt.datetime(2026, 11, 29, 14, 30), now) == "today at 14:30"
    assert describe_moment(dt.datetime(2026, 11, 30, 9, 5), now) == "tomorrow at 09:05"
    assert describe_moment(dt.datetime(2026, 12, 25, 9, 5), now) == "25 December 2026"


def test_full_date():
    assert full_date(dt.date(2026, 9, 3)) == "3 September 2026"


def test_a_narrow_column_shortens_the_month_but_keeps_the_year():
    assert full_date(dt.date(2026, 9, 3), short=True) == "3 Sep 2026"
    assert describe_day(TODAY - dt.timedelta(days=30), TODAY, short=True) == "30 Oct 2026"
    assert describe_day(TODAY - dt.timedelta(days=2), TODAY, short=True) == "2 days ago"


def test_every_rule_has_a_short_label():
    labels = [rule.short_label for rule in FollowUpRule]
    assert all(labels) and len(set(labels)) == len(labels)


def test_every_rule_suggests_an_action_in_a_sentence():
    for rule in FollowUpRule:
        action = rule.suggested_action
        assert action[0].isupper() and action.endswith("."), rule
