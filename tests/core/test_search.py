"""The job search's header sentence, and where the search starts when the user never said."""

from __future__ import annotations

import datetime as dt

from netdesk.core.domain import SearchState
from netdesk.core.search import DEFAULT_LOOKBACK_DAYS, SearchSummary, search_start

STARTED = dt.date(2026, 9, 3)


def test_the_header_says_where_the_search_stands() -> None:
    def say(state: SearchState, started: dt.date | None = STARTED, company: str = "") -> str:
        return SearchSummary(state, started, company, joining=False).sentence

    assert say(SearchState.NOT_STARTED) == "Not searching"
    assert say(SearchState.SEARCHING) == "Searching since 3 September 2026"
    assert say(SearchState.SEARCHING, None) == "Searching"
    assert say(SearchState.PAUSED) == "Search paused (started 3 September 2026)"
    assert say(SearchState.PAUSED, None) == "Search paused"
    assert say(SearchState.OFFER_RECEIVED, company="Acme") == "Offer received from Acme"
    assert say(SearchState.OFFER_ACCEPTED) == "Offer accepted at a company"


def test_a_search_with_no_start_reaches_back_the_default() -> None:
    now = dt.datetime(2026, 9, 10, 9, 0)
    assert search_start(STARTED, now) == STARTED
    assert search_start(None, now) == (now - dt.timedelta(days=DEFAULT_LOOKBACK_DAYS)).date()
