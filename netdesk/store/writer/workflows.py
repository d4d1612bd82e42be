"""Writing the playbook's workflows: status updates sent, the offer wrap-up, gifts, references."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from netdesk.core import references as core_references
from netdesk.core import wrapup as core_wrapup
from netdesk.core.domain import (
    CompanyStatus,
    FollowUpReason,
    FollowUpRule,
    FollowUpState,
    InteractionKind,
    SearchState,
)
from netdesk.core.playbook import status_update_summary
from netdesk.core.references import HEADS_UP_LEAD_DAYS as HEADS_UP_LEAD_DAYS
from netdesk.store.models import (
    Contact,
    FollowUp,
    ReferenceRequest,
    WrapUpStep,
    db,
)
from netdesk.store.reader.settings import _WRAPUP_KEY, search_started_on
from netdesk.store.reader.workflows import _status, networked_during_search
from netdesk.store.sql import OPEN_STATES, run_sql
from netdesk.store.writer.changes import change
from netdesk.store.writer.contacts import company_for_name, set_company_status, update_contact
from netdesk.store.writer.follow_ups import create_follow_up
from netdesk.store.writer.interactions import log_interaction
from netdesk.store.writer.settings import set_job_search, set_setting


def log_status_update(contact_id: int, text: str, now: dt.datetime) -> None:
    """One status update sent: a touch, so the contact's follow-up moves on."""
    log_interaction(
        contact_id, InteractionKind.STATUS_UPDATE, now, now, summary=status_update_summary(text)
    )


def start_wrap_up(
    offer_company: str,
    now: dt.datetime,
    *,
    joining: bool,
    declined: Sequence[str] = (),
) -> list[int]:
    """Record the offer, and a thank-you follow-up for everyone networked with during the
    search (one per contact, kept across restarts of the wrap-up). Returns their ids."""
    offer_company = offer_company.strip()
    if not offer_company:
        raise ValueError("the offering company is needed")
    with change(now) as changed:
        since = search_started_on(now)
        set_job_search(
            SearchState.OFFER_ACCEPTED if joining else SearchState.OFFER_RECEIVED,
            now,
            offer_company=offer_company,
            joining=joining,
        )
        # The follow-ups below are read against the rules as the new search state has them.
        changed.settle()
        offer = company_for_name(offer_company)
        assert offer is not None
        set_company_status(
            offer.id, CompanyStatus.ACCEPTED if joining else CompanyStatus.OFFER, now
        )
        declined_names = []
        for name in declined:
            company = company_for_name(name)
            if company is not None and company.id != offer.id:
                set_company_status(company.id, CompanyStatus.DECLINED, now)
                declined_names.append(company.name)
        set_setting(
            _WRAPUP_KEY,
            {
                "offer_company": offer.name,
                "joining": joining,
                "declined": declined_names,
                "started_at": now.isoformat(),
                "search_started_on": since.isoformat(),
            },
        )
        ids = networked_during_search(since)
        existing = {s.contact_id: s for s in WrapUpStep.select()}
        names = dict(
            run_sql(db, "SELECT id, display_name FROM contact WHERE archived = 0").fetchall()
        )
        for cid in ids:
            step = existing.get(cid)
            if step is not None and step.thanked_at is not None:
                continue
            follow_up_open = (
                step is not None
                and step.follow_up_id is not None
                and FollowUp.select()
                .where((FollowUp.id == step.follow_up_id) & FollowUp.state.in_(list(OPEN_STATES)))
                .exists()
            )
            if follow_up_open:
                continue
            note = core_wrapup.thank_you_note(names.get(cid, ""), offer.name, joining=joining)
            # A thank-you already asked for (rule 4, for recent help) becomes the wrap-up's.
            fu = (
                FollowUp.select()
                .where(
                    (FollowUp.contact == cid)
                    & (FollowUp.reason == FollowUpReason.THANK_YOU.value)
                    & FollowUp.state.in_(list(OPEN_STATES))
                )
                .get_or_none()
            )
            if fu is not None:
                FollowUp.update(note=note, rule=FollowUpRule.WRAP_UP.value).where(
                    FollowUp.id == fu.id
                ).execute()
            else:
                fu = create_follow_up(
                    cid, FollowUpReason.THANK_YOU, now, note, now, rule=FollowUpRule.WRAP_UP
                )
            if step is None:
                WrapUpStep.create(contact=cid, follow_up=fu.id, created_at=now)
            else:
                WrapUpStep.update(follow_up=fu.id).where(WrapUpStep.id == step.id).execute()
    return ids


def mark_thanked(contact_id: int, channel: str, now: dt.datetime, *, summary: str = "") -> None:
    """Thanked: a thank-you on the timeline, and the wrap-up's follow-up closed as done."""
    with change(now) as changed:
        step = WrapUpStep.get_or_none(WrapUpStep.contact == contact_id)
        if step is None:
            step = WrapUpStep.create(contact=contact_id, created_at=now)
        what = summary or core_wrapup.thanked_summary(channel)
        log_interaction(contact_id, InteractionKind.THANK_YOU, now, now, summary=what)
        if step.follow_up_id is not None:
            FollowUp.update(state=FollowUpState.DONE.value, resolved_at=now).where(
                (FollowUp.id == step.follow_up_id) & FollowUp.state.in_(list(OPEN_STATES))
            ).execute()
        WrapUpStep.update(thanked_at=now, channel=channel).where(WrapUpStep.id == step.id).execute()
        changed.follow_up([contact_id])


def record_gift(contact_id: int, gift: str, now: dt.datetime) -> None:
    """What was sent to someone who went above and beyond: kept, and logged as a gift."""
    gift = " ".join(gift.split())
    if not gift:
        return
    with change(now):
        step = WrapUpStep.get_or_none(WrapUpStep.contact == contact_id)
        if step is None:
            step = WrapUpStep.create(contact=contact_id, created_at=now)
        summary = core_wrapup.gift_summary(gift)
        log_interaction(contact_id, InteractionKind.GIFT, now, now, summary=summary)
        WrapUpStep.update(gift_note=gift).where(WrapUpStep.id == step.id).execute()


def set_above_and_beyond(contact_id: int, value: bool, now: dt.datetime) -> None:
    update_contact(contact_id, {"above_and_beyond": value}, now)


def mark_reference(contact_id: int, agreed_on: dt.date | None, now: dt.datetime) -> None:
    """They agreed to be a reference on `agreed_on`; None takes the mark away."""
    update_contact(
        contact_id,
        {"reference_consent": agreed_on is not None, "reference_agreed_on": agreed_on},
        now,
    )


def ask_reference(
    contact_id: int,
    company: str,
    asked_at: dt.datetime,
    now: dt.datetime,
    *,
    check_at: dt.datetime | None = None,
    lead_days: int = HEADS_UP_LEAD_DAYS,
    notes: str = "",
) -> ReferenceRequest:
    """Name a reference on an application. With a check date, a heads-up follow-up falls
    due `lead_days` before it. The application's company is marked applied if it was not."""
    with change(now):
        contact = Contact.get_by_id(contact_id)
        company_row = company_for_name(company)
        if company_row is not None and _status(company_row.status) in (
            CompanyStatus.NONE,
            CompanyStatus.INTERESTED,
        ):
            set_company_status(company_row.id, CompanyStatus.APPLIED, now)
        follow_up_id = None
        if check_at is not None:
            due = core_references.heads_up_at(check_at, lead_days)
            note = core_references.heads_up_sentence(
                contact.display_name,
                check_at,
                min(due, check_at),
                company=company_row.name if company_row is not None else "",
            )
            follow_up_id = create_follow_up(
                contact_id,
                FollowUpReason.REFERENCE_HEADS_UP,
                due,
                note,
                now,
                rule=FollowUpRule.REFERENCE_HEADS_UP,
            ).id
        request = ReferenceRequest.create(
            contact=contact_id,
            company=company_row,
            asked_at=asked_at,
            check_at=check_at,
            notes=notes,
            follow_up=follow_up_id,
            created_at=now,
        )
    return request
