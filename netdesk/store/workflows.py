"""The store side of the playbook's workflows: sorting, companies, status updates, the offer
wrap-up, references, templates and the glance numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netdesk.core import glance as core_glance
from netdesk.core import references as core_references
from netdesk.core.domain import (
    MEETING_KINDS,
    NOT_A_TOUCH,
    CompanyStatus,
    FollowUpReason,
    FollowUpState,
    HowKnown,
    InteractionKind,
    SearchState,
    Tie,
)
from netdesk.core.playbook import first_name, long_date
from netdesk.core.templates import (
    DEFAULT_TEMPLATES,
    GENERIC_HELP,
    helped_phrase,
    is_valid_email,
    status_phrase,
)
from netdesk.core.wrapup import CHANNEL_NOTE, WrapUpContact
from netdesk.store import queries
from netdesk.store.models import (
    Company,
    Contact,
    FollowUp,
    ReferenceRequest,
    WrapUpStep,
    db,
)
from netdesk.store.sql import run_sql

_TOUCH_KINDS = tuple(k.value for k in InteractionKind if k not in NOT_A_TOUCH)
_TOUCH_MARKS = ",".join("?" * len(_TOUCH_KINDS))


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- the search -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchSummary:
    state: SearchState
    started_on: dt.date | None
    offer_company: str
    joining: bool

    @property
    def sentence(self) -> str:
        """What the window's header says, e.g. 'Searching since 3 September 2026'."""
        since = f" since {long_date(self.started_on)}" if self.started_on else ""
        company = self.offer_company or "a company"
        if self.state is SearchState.SEARCHING:
            return f"Searching{since}"
        if self.state is SearchState.PAUSED:
            if self.started_on is None:
                return "Search paused"
            return f"Search paused (started {long_date(self.started_on)})"
        if self.state is SearchState.OFFER_RECEIVED:
            return f"Offer received from {company}"
        if self.state is SearchState.OFFER_ACCEPTED:
            return f"Offer accepted at {company}"
        return "Not searching"


def search_summary() -> SearchSummary:
    search = queries.job_search()
    company = Company.get_or_none(Company.id == search.offer_company_id)
    try:
        state = SearchState(search.state)
    except ValueError:
        state = SearchState.NOT_STARTED
    return SearchSummary(
        state=state,
        started_on=_date(search.started_on),
        offer_company=company.name if company is not None else "",
        joining=bool(search.joining_offer_company),
    )


def search_started_on(now: dt.datetime) -> dt.date:
    """When the search began; a year ago when the user never said."""
    return search_summary().started_on or (now - dt.timedelta(days=365)).date()


# --- sorting the network ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SortCandidate:
    contact_id: int
    name: str
    company: str
    title: str
    how_known: HowKnown
    first_touch: str  # the summary of the first thing that happened, "" when none


def unsorted_contacts() -> list[SortCandidate]:
    """Unarchived contacts not yet sorted into advocates and work acquaintances, by name."""
    rows = run_sql(
        db,
        "SELECT c.id, c.display_name, coalesce(co.name, ''), c.title, c.how_known, "
        "c.first_touch_summary FROM contact c LEFT JOIN company co ON co.id = c.company_id "
        "WHERE c.archived = 0 AND c.tie = ? ORDER BY c.display_name COLLATE NOCASE, c.id",
        [Tie.UNSORTED.value],
    ).fetchall()
    out = []
    for cid, name, company, title, how, first in rows:
        try:
            how_known = HowKnown(how)
        except ValueError:
            how_known = HowKnown.UNKNOWN
        out.append(SortCandidate(cid, name, company, title, how_known, first))
    return out


def count_unsorted() -> int:
    row = run_sql(
        db,
        "SELECT count(*) FROM contact WHERE archived = 0 AND tie = ?",
        [Tie.UNSORTED.value],
    ).fetchone()
    return int(row[0])


def contact_tie(contact_id: int) -> Tie:
    contact = Contact.get_by_id(contact_id)
    try:
        return Tie(contact.tie)
    except ValueError:
        return Tie.UNSORTED


# --- companies --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompanyRow:
    company_id: int
    name: str
    status: CompanyStatus
    people: int
    last_touch_at: dt.datetime | None


def _status(value: str) -> CompanyStatus:
    try:
        return CompanyStatus(value)
    except ValueError:
        return CompanyStatus.NONE


def companies() -> list[CompanyRow]:
    """Companies with people in the network or a status of the user's, by name."""
    rows = run_sql(
        db,
        "SELECT co.id, co.name, co.status, count(c.id), max(c.last_touch_at) FROM company co "
        "LEFT JOIN contact c ON c.company_id = co.id AND c.archived = 0 "
        "GROUP BY co.id HAVING count(c.id) > 0 OR co.status != '' "
        "ORDER BY co.name COLLATE NOCASE, co.id",
    ).fetchall()
    return [
        CompanyRow(cid, name, _status(status), int(people), queries.parse_datetime(last))
        for cid, name, status, people, last in rows
    ]


@dataclass(frozen=True, slots=True)
class Person:
    contact_id: int
    name: str
    title: str
    tie: Tie


def company_people(company_id: int) -> list[Person]:
    rows = run_sql(
        db,
        "SELECT id, display_name, title, tie FROM contact WHERE company_id = ? AND archived = 0 "
        "ORDER BY display_name COLLATE NOCASE, id",
        [company_id],
    ).fetchall()
    out = []
    for cid, name, title, tie in rows:
        try:
            tie_value = Tie(tie)
        except ValueError:
            tie_value = Tie.UNSORTED
        out.append(Person(cid, name, title, tie_value))
    return out


@dataclass(frozen=True, slots=True)
class CompanyInteraction:
    contact_id: int
    contact_name: str
    kind: InteractionKind
    at: dt.datetime
    summary: str


def company_interactions(company_id: int, limit: int = 500) -> list[CompanyInteraction]:
    """What happened with the company's people, newest first."""
    rows = run_sql(
        db,
        "SELECT c.id, c.display_name, i.kind, i.at, i.summary FROM interaction i "
        "JOIN contact c ON c.id = i.contact_id WHERE c.company_id = ? AND c.archived = 0 "
        "ORDER BY i.at DESC, i.id DESC LIMIT ?",
        [company_id, limit],
    ).fetchall()
    out = []
    for cid, name, kind, at, summary in rows:
        try:
            kind_value = InteractionKind(kind)
        except ValueError:
            kind_value = InteractionKind.NOTE
        out.append(
            CompanyInteraction(
                cid, name, kind_value, queries.parse_datetime(at) or dt.datetime.min, summary
            )
        )
    return out


def set_company_status(company_id: int, status: CompanyStatus, now: dt.datetime) -> None:
    with db.atomic():
        queries.set_company_status(company_id, status, now)


# --- templates --------------------------------------------------------------------------

_TEMPLATES_KEY = "templates"


def template(key: str) -> str:
    """The user's text for a message template, or the default."""
    stored = queries.get_setting(_TEMPLATES_KEY, {}) or {}
    text = stored.get(key)
    return text if isinstance(text, str) and text.strip() else DEFAULT_TEMPLATES[key]


def set_template(key: str, text: str) -> None:
    if key not in DEFAULT_TEMPLATES:
        raise KeyError(key)
    with db.atomic():
        stored = dict(queries.get_setting(_TEMPLATES_KEY, {}) or {})
        if text.strip() and text != DEFAULT_TEMPLATES[key]:
            stored[key] = text
        else:
            stored.pop(key, None)
        queries.set_setting(_TEMPLATES_KEY, stored)


def reset_template(key: str) -> None:
    set_template(key, DEFAULT_TEMPLATES[key])


def is_default_template(key: str) -> bool:
    return template(key) == DEFAULT_TEMPLATES[key]


def my_name() -> str:
    value = queries.get_setting("my_name", "")
    return value if isinstance(value, str) else ""


def set_my_name(name: str) -> None:
    with db.atomic():
        queries.set_setting("my_name", name.strip())


# --- the no-ask status update -----------------------------------------------------------

# Statuses that mean the user applied there, whatever happened next.
APPLIED_STATUSES = frozenset(
    {
        CompanyStatus.APPLIED,
        CompanyStatus.INTERVIEWING,
        CompanyStatus.OFFER,
        CompanyStatus.ACCEPTED,
        CompanyStatus.DECLINED,
        CompanyStatus.REJECTED,
    }
)


@dataclass(frozen=True, slots=True)
class Recipient:
    contact_id: int
    name: str
    company: str
    company_status: CompanyStatus
    tie: Tie
    email: str  # the first valid address, "" when there is none
    last_touch_at: dt.datetime | None

    @property
    def first_name(self) -> str:
        return first_name(self.name)

    def values(self, sender: str) -> dict[str, str]:
        """The placeholders of the status-update template for this person."""
        return {
            "first_name": self.first_name,
            "company": self.company,
            "status_with_company": status_phrase(self.company, self.company_status),
            "my_name": sender,
        }


def status_update_candidates(
    now: dt.datetime,
    *,
    quiet_days: int | None = None,
    advocates: bool = False,
    applied: bool = False,
) -> list[Recipient]:
    """Unarchived contacts matching every filter given (none given: everyone), by name.

    quiet_days: nothing logged for at least that many days (never touched counts as quiet);
    advocates: advocates only; applied: people at companies where the user applied.
    """
    where = ["c.archived = 0"]
    params: list[Any] = []
    if quiet_days is not None:
        where.append("(c.last_touch_at IS NULL OR c.last_touch_at <= ?)")
        params.append(queries.iso(now - dt.timedelta(days=quiet_days)))
    if advocates:
        where.append("c.tie = ?")
        params.append(Tie.ADVOCATE.value)
    if applied:
        marks = ",".join("?" * len(APPLIED_STATUSES))
        where.append(f"co.status IN ({marks})")
        params.extend(sorted(s.value for s in APPLIED_STATUSES))
    rows = run_sql(
        db,
        "SELECT c.id, c.display_name, coalesce(co.name, ''), coalesce(co.status, ''), c.tie, "
        "c.last_touch_at, (SELECT group_concat(e.email, char(10)) FROM "
        "(SELECT email FROM contact_email WHERE contact_id = c.id ORDER BY position) e) "
        "FROM contact c LEFT JOIN company co ON co.id = c.company_id "
        f"WHERE {' AND '.join(where)} ORDER BY c.display_name COLLATE NOCASE, c.id",
        params,
    ).fetchall()
    out = []
    for cid, name, company, status, tie, last, emails in rows:
        valid = [e for e in str(emails or "").split("\n") if is_valid_email(e.strip())]
        try:
            tie_value = Tie(tie)
        except ValueError:
            tie_value = Tie.UNSORTED
        out.append(
            Recipient(
                cid,
                name,
                company,
                _status(status),
                tie_value,
                valid[0].strip() if valid else "",
                queries.parse_datetime(last),
            )
        )
    return out


def log_status_update(contact_id: int, text: str, now: dt.datetime) -> None:
    """One status update sent: a touch, so the contact's follow-up moves on."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    queries.log_interaction(
        contact_id,
        InteractionKind.STATUS_UPDATE,
        now,
        now,
        summary="No-ask status update" + (f": {first_line[:120]}" if first_line else ""),
    )


# --- a thank-you for help (rule 4) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThankYouContact:
    """Who a thank-you goes to, and what they did that is not thanked yet."""

    contact_id: int
    name: str
    first_name: str
    company: str
    email: str  # the first valid address, "" when there is none
    helped: tuple[str, ...]

    def values(self, sender: str) -> dict[str, str]:
        """The placeholders of the thank-you template for this person."""
        return {
            "first_name": self.first_name,
            "company": self.company,
            "helped": helped_phrase(self.helped) or GENERIC_HELP,
            "my_name": sender,
        }


def help_to_thank(contact_id: int, now: dt.datetime) -> list[str]:
    """What the contact did that no thank-you has answered yet (the thank-you follow-up's rule)."""
    return queries.help_owed([contact_id], now).get(contact_id, [])


def thank_you_contact(contact_id: int, now: dt.datetime) -> ThankYouContact | None:
    contact = Contact.get_or_none(Contact.id == contact_id)
    if contact is None:
        return None
    company = Company.get_or_none(Company.id == contact.company_id) if contact.company_id else None
    emails = [e.strip() for e in queries.contact_emails(contact_id) if is_valid_email(e.strip())]
    return ThankYouContact(
        contact_id=contact_id,
        name=contact.display_name,
        first_name=(contact.given_name or "").strip() or first_name(contact.display_name),
        company=company.name if company is not None else "",
        email=emails[0] if emails else "",
        helped=tuple(help_to_thank(contact_id, now)),
    )


# --- the offer wrap-up ------------------------------------------------------------------

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
    stored = queries.get_setting(_WRAPUP_KEY)
    if not isinstance(stored, dict) or not stored.get("offer_company"):
        return None
    return WrapUpPlan(
        offer_company=str(stored["offer_company"]),
        joining=bool(stored.get("joining")),
        declined=tuple(str(x) for x in stored.get("declined", [])),
        started_at=dt.datetime.fromisoformat(str(stored["started_at"])),
        search_started_on=dt.date.fromisoformat(str(stored["search_started_on"])),
    )


def networked_during_search(since: dt.date) -> list[int]:
    """Unarchived contacts with something logged (other than a note) since `since`."""
    rows = run_sql(
        db,
        "SELECT DISTINCT c.id FROM contact c JOIN interaction i ON i.contact_id = c.id "
        f"WHERE c.archived = 0 AND i.at >= ? AND i.kind IN ({_TOUCH_MARKS}) ORDER BY c.id",
        [since.isoformat(), *_TOUCH_KINDS],
    ).fetchall()
    return [r[0] for r in rows]


def _thank_you_note(name: str, offer_company: str, joining: bool) -> str:
    news = f"the offer from {offer_company}"
    if joining:
        news = f"you accepted the offer at {offer_company}"
    return f"Thank {first_name(name)} for their help and tell them about {news}."


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
    with db.atomic():
        since = search_started_on(now)
        queries.set_job_search(
            SearchState.OFFER_ACCEPTED if joining else SearchState.OFFER_RECEIVED,
            now,
            offer_company=offer_company,
            joining=joining,
        )
        offer = queries.company_for_name(offer_company)
        assert offer is not None
        queries.set_company_status(
            offer.id, CompanyStatus.ACCEPTED if joining else CompanyStatus.OFFER, now
        )
        declined_names = []
        for name in declined:
            company = queries.company_for_name(name)
            if company is not None and company.id != offer.id:
                queries.set_company_status(company.id, CompanyStatus.DECLINED, now)
                declined_names.append(company.name)
        queries.set_setting(
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
                .where(
                    (FollowUp.id == step.follow_up_id)
                    & FollowUp.state.in_(list(queries.OPEN_STATES))
                )
                .exists()
            )
            if follow_up_open:
                continue
            note = _thank_you_note(names.get(cid, ""), offer.name, joining)
            # A thank-you already asked for (rule 4, for recent help) becomes the wrap-up's.
            fu = (
                FollowUp.select()
                .where(
                    (FollowUp.contact == cid)
                    & (FollowUp.reason == FollowUpReason.THANK_YOU.value)
                    & FollowUp.state.in_(list(queries.OPEN_STATES))
                )
                .get_or_none()
            )
            if fu is not None:
                FollowUp.update(note=note).where(FollowUp.id == fu.id).execute()
            else:
                fu = queries.create_follow_up(cid, FollowUpReason.THANK_YOU, now, note, now)
            if step is None:
                WrapUpStep.create(contact=cid, follow_up=fu.id, created_at=now)
            else:
                WrapUpStep.update(follow_up=fu.id).where(WrapUpStep.id == step.id).execute()
    return ids


def _helped(contact_ids: Sequence[int], since: dt.date) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for chunk in queries.chunks(list(contact_ids)):
        marks = ",".join("?" * len(chunk))
        rows = run_sql(
            db,
            "SELECT contact_id, helped FROM interaction WHERE helped != '' AND at >= ? "
            f"AND contact_id IN ({marks}) ORDER BY at, id",
            [since.isoformat(), *chunk],
        ).fetchall()
        for cid, helped in rows:
            items = out.setdefault(cid, [])
            if helped.strip() and helped.strip() not in items:
                items.append(helped.strip())
    return out


@dataclass(frozen=True, slots=True)
class WrapUpState:
    """A contact's row in the wrap-up, as stored."""

    contact_id: int
    thanked_at: dt.datetime | None
    channel: str
    gift_note: str
    follow_up_id: int | None


def wrap_up_states() -> dict[int, WrapUpState]:
    """Each wrap-up contact's state. Someone thanked another way (the thank-you composer,
    Done in the follow-ups pane) counts as thanked: their wrap-up follow-up was closed.
    """
    closed = {
        fid: resolved
        for fid, resolved in run_sql(
            db,
            "SELECT f.id, f.resolved_at FROM follow_up f JOIN wrapup_step w "
            "ON w.follow_up_id = f.id WHERE f.state = ?",
            [FollowUpState.DONE.value],
        )
    }
    return {
        s.contact_id: WrapUpState(
            s.contact_id,
            queries.parse_datetime(s.thanked_at)
            or queries.parse_datetime(closed.get(s.follow_up_id)),
            s.channel,
            s.gift_note,
            s.follow_up_id,
        )
        for s in WrapUpStep.select()
    }


def wrap_up_contacts() -> list[WrapUpContact]:
    """Everyone in the wrap-up, as core.wrapup plans them (what they did, thanked or not)."""
    plan = wrap_up_plan()
    states = wrap_up_states()
    if plan is None or not states:
        return []
    ids = list(states)
    helped = _helped(ids, plan.search_started_on)
    out = []
    for chunk in queries.chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = run_sql(
            db,
            "SELECT c.id, c.display_name, c.given_name, coalesce(co.name, ''), c.tie, "
            "c.above_and_beyond, c.tags, (SELECT email FROM contact_email e WHERE "
            "e.contact_id = c.id ORDER BY position LIMIT 1) FROM contact c "
            f"LEFT JOIN company co ON co.id = c.company_id WHERE c.archived = 0 "
            f"AND c.id IN ({marks})",
            list(chunk),
        ).fetchall()
        for cid, name, given, company, tie, above, tags, email in rows:
            try:
                tie_value = Tie(tie)
            except ValueError:
                tie_value = Tie.UNSORTED
            out.append(
                WrapUpContact(
                    contact_id=cid,
                    first_name=given.strip() or first_name(name),
                    company=company,
                    tie=tie_value,
                    helped=helped.get(cid, []),
                    above_and_beyond=bool(above),
                    thanked=states[cid].thanked_at is not None,
                    recent_graduate="graduate" in str(tags).casefold(),
                    email=str(email or "") if is_valid_email(str(email or "")) else "",
                )
            )
    return out


def mark_thanked(contact_id: int, channel: str, now: dt.datetime, *, summary: str = "") -> None:
    """Thanked: a thank-you on the timeline, and the wrap-up's follow-up closed as done."""
    with db.atomic():
        step = WrapUpStep.get_or_none(WrapUpStep.contact == contact_id)
        if step is None:
            step = WrapUpStep.create(contact=contact_id, created_at=now)
        what = summary or (
            "Handwritten thank-you note" if channel == CHANNEL_NOTE else "Thank-you email"
        )
        queries.log_interaction(contact_id, InteractionKind.THANK_YOU, now, now, summary=what)
        if step.follow_up_id is not None:
            FollowUp.update(state=FollowUpState.DONE.value, resolved_at=now).where(
                (FollowUp.id == step.follow_up_id) & FollowUp.state.in_(list(queries.OPEN_STATES))
            ).execute()
        WrapUpStep.update(thanked_at=now, channel=channel).where(WrapUpStep.id == step.id).execute()
        queries.recompute_follow_ups([contact_id], now)


def record_gift(contact_id: int, gift: str, now: dt.datetime) -> None:
    """What was sent to someone who went above and beyond: kept, and logged as a gift."""
    gift = " ".join(gift.split())
    if not gift:
        return
    with db.atomic():
        step = WrapUpStep.get_or_none(WrapUpStep.contact == contact_id)
        if step is None:
            step = WrapUpStep.create(contact=contact_id, created_at=now)
        queries.log_interaction(contact_id, InteractionKind.GIFT, now, now, summary=f"Sent {gift}")
        WrapUpStep.update(gift_note=gift).where(WrapUpStep.id == step.id).execute()


def set_above_and_beyond(contact_id: int, value: bool, now: dt.datetime) -> None:
    queries.update_contact(contact_id, {"above_and_beyond": value}, now)


# --- references -------------------------------------------------------------------------

HEADS_UP_LEAD_DAYS = 2


@dataclass(frozen=True, slots=True)
class ReferenceContact:
    contact_id: int
    name: str
    company: str
    tie: Tie
    consent: bool
    agreed_on: dt.date | None
    asks: int
    last_asked: dt.datetime | None


def reference_contacts(*, include_advocates: bool = True) -> list[ReferenceContact]:
    """References (consent given) and, to choose from, every other advocate; by name."""
    where = "c.reference_consent = 1" + (" OR c.tie = ?" if include_advocates else "")
    params = [Tie.ADVOCATE.value] if include_advocates else []
    rows = run_sql(
        db,
        "SELECT c.id, c.display_name, coalesce(co.name, ''), c.tie, c.reference_consent, "
        "c.reference_agreed_on, (SELECT count(*) FROM reference_request r WHERE "
        "r.contact_id = c.id), (SELECT max(asked_at) FROM reference_request r WHERE "
        "r.contact_id = c.id) FROM contact c LEFT JOIN company co ON co.id = c.company_id "
        f"WHERE c.archived = 0 AND ({where}) "
        "ORDER BY c.reference_consent DESC, c.display_name COLLATE NOCASE, c.id",
        params,
    ).fetchall()
    out = []
    for cid, name, company, tie, consent, agreed, asks, last in rows:
        try:
            tie_value = Tie(tie)
        except ValueError:
            tie_value = Tie.UNSORTED
        out.append(
            ReferenceContact(
                cid,
                name,
                company,
                tie_value,
                bool(consent),
                _date(agreed),
                asks,
                queries.parse_datetime(last),
            )
        )
    return out


def mark_reference(contact_id: int, agreed_on: dt.date | None, now: dt.datetime) -> None:
    """They agreed to be a reference on `agreed_on`; None takes the mark away."""
    queries.update_contact(
        contact_id,
        {"reference_consent": agreed_on is not None, "reference_agreed_on": agreed_on},
        now,
    )


def reference_asks(contact_id: int) -> list[dt.datetime]:
    rows = ReferenceRequest.select(ReferenceRequest.asked_at).where(
        ReferenceRequest.contact == contact_id
    )
    return sorted(d for r in rows if (d := queries.parse_datetime(r.asked_at)) is not None)


def reference_warning(contact_id: int, now: dt.datetime) -> str | None:
    """A sentence when asking this person again would be too often (core.references)."""
    contact = Contact.get_by_id(contact_id)
    return core_references.reference_warning(
        reference_asks(contact_id), now, name=first_name(contact.display_name)
    )


@dataclass(frozen=True, slots=True)
class ReferenceAsk:
    request_id: int
    company: str
    asked_at: dt.datetime
    check_at: dt.datetime | None
    notes: str


def reference_requests(contact_id: int) -> list[ReferenceAsk]:
    """Each time the user named this person on an application, newest first."""
    rows = run_sql(
        db,
        "SELECT r.id, coalesce(co.name, ''), r.asked_at, r.check_at, r.notes "
        "FROM reference_request r LEFT JOIN company co ON co.id = r.company_id "
        "WHERE r.contact_id = ? ORDER BY r.asked_at DESC, r.id DESC",
        [contact_id],
    ).fetchall()
    return [
        ReferenceAsk(
            rid,
            company,
            queries.parse_datetime(asked) or dt.datetime.min,
            queries.parse_datetime(check),
            notes,
        )
        for rid, company, asked, check, notes in rows
    ]


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
    with db.atomic():
        contact = Contact.get_by_id(contact_id)
        company_row = queries.company_for_name(company)
        if company_row is not None and _status(company_row.status) in (
            CompanyStatus.NONE,
            CompanyStatus.INTERESTED,
        ):
            queries.set_company_status(company_row.id, CompanyStatus.APPLIED, now)
        follow_up_id = None
        if check_at is not None:
            due = check_at - dt.timedelta(days=max(0, lead_days))
            note = core_references.heads_up_sentence(
                contact.display_name,
                check_at,
                min(due, check_at),
                company=company_row.name if company_row is not None else "",
            )
            follow_up_id = queries.create_follow_up(
                contact_id, FollowUpReason.REFERENCE_HEADS_UP, due, note, now
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


# --- the network at a glance ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Glance:
    advocates: int
    work_acquaintances: int
    unsorted: int
    overdue: int  # contacts with a follow-up due now or earlier
    met_never_followed_up: int  # one meeting logged and nothing after it (rule 2)
    never_contacted: int  # nothing logged at all
    weeks: list[core_glance.WeekBar]

    @property
    def total(self) -> int:
        return self.advocates + self.work_acquaintances + self.unsorted


def glance(now: dt.datetime, *, weeks: int = 12) -> Glance:
    ties = dict(
        run_sql(db, "SELECT tie, count(*) FROM contact WHERE archived = 0 GROUP BY tie").fetchall()
    )
    overdue = run_sql(
        db,
        "SELECT count(DISTINCT f.contact_id) FROM follow_up f JOIN contact c ON "
        "c.id = f.contact_id WHERE f.state IN ('due', 'snoozed') AND f.effective_at <= ? "
        "AND c.archived = 0",
        [queries.iso(now)],
    ).fetchone()[0]
    meeting = sorted(k.value for k in MEETING_KINDS)
    met_once = run_sql(
        db,
        "SELECT count(*) FROM contact WHERE archived = 0 AND touch_count = 1 AND "
        f"first_touch_kind IN ({','.join('?' * len(meeting))})",
        meeting,
    ).fetchone()[0]
    never = run_sql(
        db, "SELECT count(*) FROM contact WHERE archived = 0 AND touch_count = 0"
    ).fetchone()[0]
    today = now.date()
    start = core_glance.window_start(today, weeks=weeks)
    per_day = {
        dt.date.fromisoformat(day): n
        for day, n in run_sql(
            db,
            "SELECT date(i.at), count(*) FROM interaction i JOIN contact c ON "
            "c.id = i.contact_id WHERE c.archived = 0 AND i.at >= ? AND i.at < ? "
            f"AND i.kind IN ({_TOUCH_MARKS}) GROUP BY date(i.at)",
            [start.isoformat(), (today + dt.timedelta(days=1)).isoformat(), *_TOUCH_KINDS],
        ).fetchall()
    }
    return Glance(
        advocates=int(ties.get(Tie.ADVOCATE.value, 0)),
        work_acquaintances=int(ties.get(Tie.WORK_ACQUAINTANCE.value, 0)),
        unsorted=sum(
            int(n)
            for tie, n in ties.items()
            if tie not in (Tie.ADVOCATE.value, Tie.WORK_ACQUAINTANCE.value)
        ),
        overdue=int(overdue),
        met_never_followed_up=int(met_once),
        never_contacted=int(never),
        weeks=core_glance.weekly_touches(per_day, today, weeks=weeks),
    )
