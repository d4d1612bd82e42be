"""Writing follow-up states: done, snoozed, dismissed, announced; follow-ups a workflow asks for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from netdesk.core.domain import (
    RULE_REASONS,
    FollowUpReason,
    FollowUpRule,
    FollowUpState,
    InteractionKind,
)
from netdesk.store.models import Contact, FollowUp
from netdesk.store.reader.due import follow_ups
from netdesk.store.sql import chunks
from netdesk.store.writer.changes import change
from netdesk.store.writer.interactions import log_interaction


def _contacts_of(follow_up_ids: Sequence[int]) -> set[int]:
    out: set[int] = set()
    for chunk in chunks(list(follow_up_ids)):
        out.update(
            f.contact_id
            for f in FollowUp.select(FollowUp.contact).where(FollowUp.id.in_(list(chunk)))
        )
    return out


def snooze_follow_ups(follow_up_ids: Sequence[int], until: dt.datetime) -> int:
    """Snooze follow-ups until `until`: they come back (and are announced again) then."""
    with change() as changed:
        for chunk in chunks(list(follow_up_ids)):
            FollowUp.update(
                state=FollowUpState.SNOOZED.value,
                snoozed_until=until,
                effective_at=until,
                notified_at=None,
            ).where(FollowUp.id.in_(list(chunk))).execute()
        changed.follow_up(_contacts_of(follow_up_ids))
    return len(follow_up_ids)


def snooze_follow_up(follow_up_id: int, until: dt.datetime) -> None:
    snooze_follow_ups([follow_up_id], until)


def snooze_all_due(now: dt.datetime, until: dt.datetime) -> int:
    """Snooze everything due at `now`; returns how many."""
    with change(now):
        return snooze_follow_ups(follow_ups(now).ids(), until)


def dismiss_follow_up(follow_up_id: int, now: dt.datetime) -> None:
    """Set a follow-up aside: a rule's next round then counts from today."""
    with change(now) as changed:
        fu = FollowUp.get_by_id(follow_up_id)
        FollowUp.update(state=FollowUpState.DISMISSED.value, resolved_at=now).where(
            FollowUp.id == follow_up_id
        ).execute()
        if fu.reason in {r.value for r in RULE_REASONS}:
            Contact.update(rules_reset_at=now).where(Contact.id == fu.contact_id).execute()
            changed.contact([fu.contact_id], rules=True)
        changed.follow_up([fu.contact_id])


def complete_follow_up(
    follow_up_id: int,
    now: dt.datetime,
    *,
    kind: InteractionKind,
    summary: str = "",
    helped: str = "",
) -> None:
    """Done: log what happened, which closes this follow-up and starts the next round."""
    with change(now) as changed:
        fu = FollowUp.get_by_id(follow_up_id)
        FollowUp.update(state=FollowUpState.DONE.value, resolved_at=now).where(
            FollowUp.id == follow_up_id
        ).execute()
        changed.follow_up([fu.contact_id])
        log_interaction(fu.contact_id, kind, now, now, summary=summary, helped=helped)


def create_follow_up(
    contact_id: int,
    reason: FollowUpReason,
    due_at: dt.datetime,
    note: str,
    now: dt.datetime,
    *,
    rule: FollowUpRule | None = None,
) -> FollowUp:
    """A follow-up a workflow asks for (a thank-you, a reference heads-up), marked with the
    rule that asked for it."""
    with change(now) as changed:
        fu = FollowUp.create(
            contact=contact_id,
            reason=reason.value,
            rule=rule.value if rule is not None else "",
            due_at=due_at,
            effective_at=due_at,
            state=FollowUpState.DUE.value,
            note=note,
            created_at=now,
        )
        changed.follow_up([contact_id])
    return fu


def mark_notified(follow_up_ids: Sequence[int], now: dt.datetime) -> None:
    """The user was told about these follow-ups: each is announced once."""
    with change(now):
        for chunk in chunks(list(follow_up_ids)):
            FollowUp.update(notified_at=now).where(FollowUp.id.in_(list(chunk))).execute()
