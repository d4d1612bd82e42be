"""Writing the calendar's settings, and the key that makes this store's calendar UIDs its own."""

from __future__ import annotations

import uuid

from netdesk.core.calendar import CalendarOptions, store_key
from netdesk.store.reader.calendar import CALENDAR_KEY, STORE_ID_KEY, store_id
from netdesk.store.writer.settings import set_setting


def set_calendar_options(options: CalendarOptions) -> None:
    set_setting(CALENDAR_KEY, options.to_json())


def ensure_store_id() -> str:
    """This store's key, made the first time a calendar needs it and never changed after:
    the same follow-up keeps the same UID in every export and on every server."""
    existing = store_id()
    if existing:
        return existing
    made = store_key(uuid.uuid4().hex)
    set_setting(STORE_ID_KEY, made)
    return made
