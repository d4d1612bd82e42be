"""Reading for the playbook's workflows: companies, status-update recipients, thank-yous,
the offer wrap-up, references and the glance numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netdesk.core import glance as core_glance
from netdesk.core import references as core_references
from netdesk.core.domain import APPLIED_STATUSES as APPLIED_STATUSES
from netdesk.core.domain import (
    NOT_A_TOUCH,
    CompanyStatus,
    FollowUpReason,
    FollowUpState,
    InteractionKind,
    Tie,
)
from netdesk.core.playbook import first_name
from netdesk.core.templates import (
    GENERIC_HELP,
    is_valid_email,
    status_phrase,
    thanks_for,
)
from netdesk.core.wrapup import WrapUpContact, is_recent_graduate
from netdesk.store.models import (
    Company,
    Contact,
    ReferenceRequest,
    WrapUpStep,
    db,
)
from netdesk.store.reader.contacts import contact_emails
from netdesk.store.reader.due import count_due, help_owed
from netdesk.store.reader.settings import _date, wrap_up_plan
from netdesk.store.sql import OPEN_SQL, chunks, iso, parse_datetime, run_sql, stored

_TOUCH_KINDS = tuple(k.value for k in InteractionKind if k not in NOT_A_TOUCH)


_TOUCH_MARKS = ",".join("?" * len(_TOUCH_KINDS))


@dataclass(frozen=True, slots=True)
class CompanyRow:
    company_id: int
    name: str
    status: CompanyStatus
    people: int
    last_touch_at: dt.datetime | None


def _status(value: str) -> CompanyStatus:
    return stored(CompanyStatus, value, CompanyStatus.NONE)


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
        CompanyRow(cid, name, _status(status), int(people), parse_datetime(last))
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
        tie_value = stored(Tie, tie, Tie.UNSORTED)
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
        kind_value = stored(InteractionKind, kind, InteractionKind.NOTE)
        out.append(
            CompanyInteraction(
                cid, name, kind_value, parse_datetime(at) or dt.datetime.min, summary
            )
        )
    return out


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
        params.append(iso(now - dt.timedelta(days=quiet_days)))
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
        tie_value = stored(Tie, tie, Tie.UNSORTED)
        out.append(
            Recipient(
                cid,
                name,
                company,
                _status(status),
                tie_value,
                valid[0].strip() if valid else "",
                parse_datetime(last),
            )
        )
    return out


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
            "helped": thanks_for(self.helped) or GENERIC_HELP,
            "my_name": sender,
        }


def help_to_thank(contact_id: int, now: dt.datetime) -> list[str]:
    """What the contact did that no thank-you has answered yet (the thank-you follow-up's rule)."""
    return help_owed([contact_id], now).get(contact_id, [])


def thank_you_contact(contact_id: int, now: dt.datetime) -> ThankYouContact | None:
    contact = Contact.get_or_none(Contact.id == contact_id)
    if contact is None:
        return None
    company = Company.get_or_none(Company.id == contact.company_id) if contact.company_id else None
    emails = [e.strip() for e in contact_emails(contact_id) if is_valid_email(e.strip())]
    return ThankYouContact(
        contact_id=contact_id,
        name=contact.display_name,
        first_name=(contact.given_name or "").strip() or first_name(contact.display_name),
        company=company.name if company is not None else "",
        email=emails[0] if emails else "",
        helped=tuple(help_to_thank(contact_id, now)),
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


def _helped(contact_ids: Sequence[int], since: dt.date) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for chunk in chunks(list(contact_ids)):
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
            parse_datetime(s.thanked_at) or parse_datetime(closed.get(s.follow_up_id)),
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
    for chunk in chunks(ids):
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
            tie_value = stored(Tie, tie, Tie.UNSORTED)
            out.append(
                WrapUpContact(
                    contact_id=cid,
                    first_name=given.strip() or first_name(name),
                    company=company,
                    tie=tie_value,
                    helped=helped.get(cid, []),
                    above_and_beyond=bool(above),
                    thanked=states[cid].thanked_at is not None,
                    recent_graduate=is_recent_graduate(str(tags)),
                    email=str(email or "") if is_valid_email(str(email or "")) else "",
                )
            )
    return out


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
        tie_value = stored(Tie, tie, Tie.UNSORTED)
        out.append(
            ReferenceContact(
                cid,
                name,
                company,
                tie_value,
                bool(consent),
                _date(agreed),
                asks,
                parse_datetime(last),
            )
        )
    return out


def reference_asks(contact_id: int) -> list[dt.datetime]:
    rows = ReferenceRequest.select(ReferenceRequest.asked_at).where(
        ReferenceRequest.contact == contact_id
    )
    return sorted(d for r in rows if (d := parse_datetime(r.asked_at)) is not None)


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
            parse_datetime(asked) or dt.datetime.min,
            parse_datetime(check),
            notes,
        )
        for rid, company, asked, check, notes in rows
    ]


@dataclass(frozen=True, slots=True)
class Glance:
    advocates: int
    work_acquaintances: int
    unsorted: int
    overdue: int  # people due now (`reader.due.count_due`)
    met_never_followed_up: int  # a meeting with nothing done together after it (rule 2)
    never_contacted: int  # nothing logged at all
    weeks: list[core_glance.WeekBar]

    @property
    def total(self) -> int:
        return self.advocates + self.work_acquaintances + self.unsorted


def glance(now: dt.datetime, *, weeks: int = 12) -> Glance:
    ties = dict(
        run_sql(db, "SELECT tie, count(*) FROM contact WHERE archived = 0 GROUP BY tie").fetchall()
    )
    overdue = count_due(now)  # the app's one number of people due now
    # Rule 2 keeps one open follow-up for each of them (core.playbook decides who).
    met_once = run_sql(
        db,
        "SELECT count(DISTINCT f.contact_id) FROM follow_up f JOIN contact c ON "
        f"c.id = f.contact_id WHERE c.archived = 0 AND f.reason = ? AND f.state IN {OPEN_SQL}",
        [FollowUpReason.MET_NO_FOLLOW_UP.value],
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
