"""Reading the timeline: one contact's interactions, or recent activity, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netdesk.core.domain import (
    Direction,
    InteractionKind,
)
from netdesk.store.models import (
    db,
)
from netdesk.store.sql import parse_datetime


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    interaction_id: int
    contact_id: int
    contact_name: str
    kind: InteractionKind
    at: dt.datetime
    summary: str
    helped: str
    direction: Direction


_TIMELINE_SQL = (
    "SELECT i.id, i.contact_id, c.display_name, i.kind, i.at, i.summary, i.helped, i.direction "
    "FROM interaction i JOIN contact c ON c.id = i.contact_id "
)


def _timeline_rows(
    where: str, params: Sequence[Any], limit: int | None = None
) -> list[TimelineEntry]:
    query = _TIMELINE_SQL + where + " ORDER BY i.at DESC, i.id DESC"
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    out = []
    for iid, cid, name, kind, at, summary, helped, direction in db.execute_sql(query, params):
        out.append(
            TimelineEntry(
                iid,
                cid,
                name,
                InteractionKind(kind)
                if kind in InteractionKind._value2member_map_
                else InteractionKind.NOTE,
                parse_datetime(at) or dt.datetime.min,
                summary,
                helped,
                Direction(direction)
                if direction in Direction._value2member_map_
                else Direction.OUTGOING,
            )
        )
    return out


def timeline(contact_id: int) -> list[TimelineEntry]:
    """A contact's interactions, newest first."""
    return _timeline_rows("WHERE i.contact_id = ?", [contact_id])


def recent_activity(limit: int = 100) -> list[TimelineEntry]:
    """The latest interactions across the whole network, newest first."""
    return _timeline_rows("WHERE c.archived = 0", [], limit)
