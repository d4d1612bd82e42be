"""What the user chose, as the store keeps it: settings, the job search, templates, the
wrap-up's plan."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from netdesk.core import playbook
from netdesk.core.domain import (
    SearchState,
)
from netdesk.core.search import SearchSummary as SearchSummary
from netdesk.core.search import search_start
from netdesk.core.templates import (
    DEFAULT_TEMPLATES,
)
from netdesk.store.models import (
    Company,
    JobSearch,
    Setting,
)
from netdesk.store.sql import stored


def get_setting(key: str, default: Any = None) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None else json.loads(row.value)


def playbook_settings() -> playbook.PlaybookSettings:
    defaults = playbook.PlaybookSettings()
    stored = get_setting("playbook", {}) or {}
    known = {k: int(v) for k, v in stored.items() if hasattr(defaults, k)}
    return playbook.PlaybookSettings(**known)


def job_search() -> JobSearch:
    """The user's search: its one row, or an unsaved one saying "not started" before the
    user first sets it (readers never write)."""
    search = JobSearch.select().order_by(JobSearch.id).get_or_none()
    if search is None:
        search = JobSearch(state=SearchState.NOT_STARTED.value)
    return search


def search_active() -> bool:
    return SearchState(job_search().state).active


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def search_summary() -> SearchSummary:
    search = job_search()
    company = Company.get_or_none(Company.id == search.offer_company_id)
    state = stored(SearchState, search.state, SearchState.NOT_STARTED)
    return SearchSummary(
        state=state,
        started_on=_date(search.started_on),
        offer_company=company.name if company is not None else "",
        joining=bool(search.joining_offer_company),
    )


def search_started_on(now: dt.datetime) -> dt.date:
    """When the search began (core.search: a default when the user never said)."""
    return search_start(search_summary().started_on, now)


_TEMPLATES_KEY = "templates"


def template(key: str) -> str:
    """The user's text for a message template, or the default."""
    stored = get_setting(_TEMPLATES_KEY, {}) or {}
    text = stored.get(key)
    return text if isinstance(text, str) and text.strip() else DEFAULT_TEMPLATES[key]


def is_default_template(key: str) -> bool:
    return template(key) == DEFAULT_TEMPLATES[key]


def my_name() -> str:
    value = get_setting("my_name", "")
    return value if isinstance(value, str) else ""


_WRAPUP_KEY = "wrapup"


@dataclass(frozen=True, slots=True)
class WrapUpPlan:
    """The user's answers when the wrap-up started."""

    offer_company: str
    joining: bool
    declined: tuple[str, ...]
    started_at: dt.datetime
    search_started_on: dt.date


def wrap_up_plan() -> WrapUpPlan | None:
    stored = get_setting(_WRAPUP_KEY)
    if not isinstance(stored, dict) or not stored.get("offer_company"):
        return None
    return WrapUpPlan(
        offer_company=str(stored["offer_company"]),
        joining=bool(stored.get("joining")),
        declined=tuple(str(x) for x in stored.get("declined", [])),
        started_at=dt.datetime.fromisoformat(str(stored["started_at"])),
        search_started_on=dt.date.fromisoformat(str(stored["search_started_on"])),
    )
