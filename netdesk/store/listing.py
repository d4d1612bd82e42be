"""The contact list's words, shared by its reader (`reader.contact_list`, under Peewee) and the
read before the window's first paint (`store.first_page`, the standard sqlite3 module):
the orders and their ORDER BY, the filter, and a listed row. No Peewee here."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from netdesk.core.domain import Tie


class ListOrder(enum.Enum):
    NAME = "name"
    COMPANY = "company"
    TIE = "tie"
    LAST_CONTACT = "last_contact"
    NEXT_FOLLOW_UP = "next_follow_up"


# The ORDER BY of each order; the name (then id) breaks ties so the order is stable.
ORDER_BY = {
    ListOrder.NAME: "c.display_name COLLATE NOCASE {dir}, c.id {dir}",
    ListOrder.COMPANY: (
        "co.name IS NULL, co.name COLLATE NOCASE {dir}, c.display_name COLLATE NOCASE, c.id"
    ),
    ListOrder.TIE: "c.tie {dir}, c.display_name COLLATE NOCASE, c.id",
    ListOrder.LAST_CONTACT: (
        "c.last_touch_at IS NULL, c.last_touch_at {dir}, c.display_name COLLATE NOCASE"
    ),
    ListOrder.NEXT_FOLLOW_UP: (
        "c.next_due_at IS NULL, c.next_due_at {dir}, c.display_name COLLATE NOCASE"
    ),
}


@dataclass(frozen=True, slots=True)
class ListFilter:
    """Which unarchived contacts the list shows: one tie, or those due at a moment (the one
    definition of due now, `reader.due.due_now_condition`), or all."""

    tie: Tie | None = None
    due_by: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ListedContact:
    contact_id: int
    name: str
    company: str
    tie: Tie
    title: str
    last_touch_at: dt.datetime | None
    next_due_at: dt.datetime | None

