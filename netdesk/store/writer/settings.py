"""Writing what the user chose: settings kept in the database, the job search, templates."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from netdesk.core import playbook
from netdesk.core.domain import (
    SearchState,
)
from netdesk.core.templates import (
    DEFAULT_TEMPLATES,
)
from netdesk.store.models import (
    JobSearch,
    Setting,
)
from netdesk.store.reader.settings import _TEMPLATES_KEY, get_setting, job_search
from netdesk.store.writer.changes import change
from netdesk.store.writer.contacts import company_for_name


def set_setting(key: str, value: Any) -> None:
    with change() as changed:
        Setting.insert(key=key, value=json.dumps(value)).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}
        ).execute()
        changed.settings.add(key)


def set_playbook_settings(settings: playbook.PlaybookSettings, now: dt.datetime) -> None:
    with change(now) as changed:
        set_setting(
            "playbook",
            {
                "advocate_cadence_days": settings.advocate_cadence_days,
                "work_acquaintance_cadence_days": settings.work_acquaintance_cadence_days,
                "follow_up_after_meeting_days": settings.follow_up_after_meeting_days,
                "status_update_after_days": settings.status_update_after_days,
            },
        )
        changed.search = True
        changed.all_rules()


def set_job_search(
    state: SearchState,
    now: dt.datetime,
    *,
    started_on: dt.date | None = None,
    offer_company: str | None = None,
    joining: bool = False,
) -> JobSearch:
    with change(now) as changed:
        search = job_search()
        if search.id is None:
            search = JobSearch.create(state=SearchState.NOT_STARTED.value)
        was_active = SearchState(search.state).active
        search.state = state.value
        if started_on is not None:
            search.started_on = started_on
        elif state is SearchState.SEARCHING and search.started_on is None:
            search.started_on = now.date()
        if offer_company is not None:
            search.offer_company = company_for_name(offer_company) if offer_company else None
        search.joining_offer_company = joining
        search.updated_at = now
        search.save()
        changed.search = True
        if was_active != state.active:
            changed.all_rules()
    return search


def set_template(key: str, text: str) -> None:
    if key not in DEFAULT_TEMPLATES:
        raise KeyError(key)
    with change():
        stored = dict(get_setting(_TEMPLATES_KEY, {}) or {})
        if text.strip() and text != DEFAULT_TEMPLATES[key]:
            stored[key] = text
        else:
            stored.pop(key, None)
        set_setting(_TEMPLATES_KEY, stored)


def reset_template(key: str) -> None:
    set_template(key, DEFAULT_TEMPLATES[key])


def set_my_name(name: str) -> None:
    with change():
        set_setting("my_name", name.strip())
