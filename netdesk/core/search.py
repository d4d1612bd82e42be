"""The job search as the user sees it: the header's sentence, and how far back it reaches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from netdesk.core.dates import full_date
from netdesk.core.domain import SearchState

# When the user never said when the search began, the wrap-up thanks the people of the
# last year: long enough for a search, short enough to leave old acquaintances out.
DEFAULT_LOOKBACK_DAYS = 365


def search_start(started_on: dt.date | None, now: dt.datetime) -> dt.date:
    """When the search began; DEFAULT_LOOKBACK_DAYS ago when the user never said."""
    return started_on or (now - dt.timedelta(days=DEFAULT_LOOKBACK_DAYS)).date()


@dataclass(frozen=True, slots=True)
class SearchSummary:
    state: SearchState
    started_on: dt.date | None
    offer_company: str
    joining: bool

    @property
    def sentence(self) -> str:
        """What the window's header says, e.g. 'Searching since 3 September 2026'."""
        since = f" since {full_date(self.started_on)}" if self.started_on else ""
        company = self.offer_company or "a company"
        if self.state is SearchState.SEARCHING:
            return f"Searching{since}"
        if self.state is SearchState.PAUSED:
            if self.started_on is None:
                return "Search paused"
            return f"Search paused (started {full_date(self.started_on)})"
        if self.state is SearchState.OFFER_RECEIVED:
            return f"Offer received from {company}"
        if self.state is SearchState.OFFER_ACCEPTED:
            return f"Offer accepted at {company}"
        return "Not searching"
