"""Writing the timeline: log, edit and delete interactions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from netdesk.core.domain import (
    Direction,
    InteractionKind,
)
from netdesk.store.models import (
    Interaction,
)
from netdesk.store.writer.changes import change


def log_interaction(
    contact_id: int,
    kind: InteractionKind,
    at: dt.datetime,
    now: dt.datetime,
    *,
    summary: str = "",
    helped: str = "",
    direction: Direction = Direction.OUTGOING,
) -> Interaction:
    """Log something that happened; it resets the contact's follow-up (rule 1)."""
    with change(now) as changed:
        interaction = Interaction.create(
            contact=contact_id,
            kind=kind.value,
            at=at,
            summary=summary,
            helped=helped,
            direction=direction.value,
            created_at=now,
        )
        changed.timeline([contact_id])
    return interaction


def update_interaction(interaction_id: int, now: dt.datetime, **fields: Any) -> None:
    allowed = {"kind", "at", "summary", "helped", "direction"}
    values = {k: (v.value if hasattr(v, "value") else v) for k, v in fields.items() if k in allowed}
    with change(now) as changed:
        interaction = Interaction.get_by_id(interaction_id)
        Interaction.update(**values).where(Interaction.id == interaction_id).execute()
        changed.timeline([interaction.contact_id])


def delete_interaction(interaction_id: int, now: dt.datetime) -> None:
    """Delete one interaction (the undo log is what brings it back)."""
    with change(now) as changed:
        interaction = Interaction.get_by_id(interaction_id)
        interaction.delete_instance()
        changed.timeline([interaction.contact_id])
