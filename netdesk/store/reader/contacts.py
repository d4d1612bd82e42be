"""Reading contacts: their emails and phones, a contact as a plain record, search, sorting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netdesk.core.domain import (
    HowKnown,
    Tie,
)
from netdesk.core.records import ContactRecord
from netdesk.store.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    db,
)
from netdesk.store.sql import run_sql


def contact_emails(contact_id: int) -> list[str]:
    rows = ContactEmail.select(ContactEmail.email).where(ContactEmail.contact == contact_id)
    return [r.email for r in rows.order_by(ContactEmail.position)]


def contact_phones(contact_id: int) -> list[str]:
    rows = ContactPhone.select(ContactPhone.phone).where(ContactPhone.contact == contact_id)
    return [r.phone for r in rows.order_by(ContactPhone.position)]


def contact_record(contact: Contact) -> ContactRecord:
    """The contact as a plain record: what export writes and what matching compares."""
    return ContactRecord(
        display_name=contact.display_name,
        given_name=contact.given_name,
        family_name=contact.family_name,
        middle_name=contact.middle_name,
        prefix=contact.prefix,
        suffix=contact.suffix,
        nickname=contact.nickname,
        emails=contact_emails(contact.id),
        phones=contact_phones(contact.id),
        organization=contact.company.name if contact.company is not None else "",
        title=contact.title,
        notes=contact.notes,
        linkedin_url=contact.linkedin_url,
        urls=[u for u in contact.urls.splitlines() if u.strip()],
        birthday=contact.birthday,
        photo=bytes(contact.photo) if contact.photo else None,
        photo_mime=contact.photo_mime,
        tags=contact.tag_list,
        uid=contact.uid,
    )


def fts_query(text: str) -> str:
    """Search-as-you-type text as an FTS5 query: every word, each as a prefix."""
    words = [w for w in "".join(c if c.isalnum() or c in "@._-'" else " " for c in text).split()]
    terms = []
    for word in words:
        # FTS5's unicode61 tokenizer splits on punctuation, so a quoted phrase of the
        # word's own tokens matches "dana@acme" or "o'brien" as typed.
        terms.append('"' + word.replace('"', '""') + '"*')
    return " AND ".join(terms)


def search_contact_ids(text: str, limit: int | None = None) -> list[int]:
    """Ids of contacts whose names, company, title, emails, notes or tags match `text`."""
    query = fts_query(text)
    if not query:
        return []
    sql = "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?"
    params: list[Any] = [query]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in db.execute_sql(sql, params)]


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
