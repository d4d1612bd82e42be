"""Reading contacts: their emails and phones, a contact as a plain record, search, sorting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netdesk.core.domain import (
    HowKnown,
    Tie,
)
from netdesk.core.memo import Remembered
from netdesk.core.records import NO_ATTRS, Address, Attrs, CardProperty, ContactRecord
from netdesk.store.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    db,
)
from netdesk.store.sql import id_sets, run_sql, stored


def contact_emails(contact_id: int) -> list[str]:
    rows = ContactEmail.select(ContactEmail.email).where(ContactEmail.contact == contact_id)
    return [r.email for r in rows.order_by(ContactEmail.position)]


def contact_phones(contact_id: int) -> list[str]:
    rows = ContactPhone.select(ContactPhone.phone).where(ContactPhone.contact == contact_id)
    return [r.phone for r in rows.order_by(ContactPhone.position)]


def contact_record(contact: Contact) -> ContactRecord:
    """The contact as a plain record: what export writes and what matching compares."""
    record = ContactRecord(
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
        role=contact.role,
        org_units=[u for u in contact.org_units.splitlines() if u.strip()],
        anniversary=contact.anniversary,
    )
    fill_cards({contact.id: record}, lists=False)
    return record


def _attrs(types: str, pref: int, grp: str, params: str) -> Attrs:
    if not (types or pref or grp or params):
        return NO_ATTRS
    return _ATTRS[(types, pref, grp, params)]


# The attributes read lately, by their columns: a network repeats a few (work, home, cell).
_ATTRS: Remembered[tuple[str, int, str, str], Attrs] = Remembered(
    lambda c: Attrs(tuple(t for t in c[0].split(",") if t), c[1], c[2], c[3]), 4096
)


def fill_cards(records: Mapping[int, ContactRecord], *, lists: bool = True) -> None:
    """Fill in the rest of each contact's card, by contact id, in a few queries.

    The types of emails, phones and web addresses, the postal addresses and the properties
    kept as written; with `lists`, the emails and phones themselves too (appended).
    """
    for ids in id_sets(sorted(records)):
        where, params = f"contact_id {ids.sql}", ids.params
        for table, value, typed in (("contact_email", "email", 0), ("contact_phone", "phone", 1)):
            for cid, text, types, pref, grp, got in db.execute_sql(
                f"SELECT contact_id, {value}, types, pref, grp, params FROM {table} "
                f"WHERE {where} ORDER BY contact_id, position",
                params,
            ):
                record = records.get(cid)
                if record is None:
                    continue
                if lists:
                    (record.phones if typed else record.emails).append(text)
                if types or pref or grp or got:
                    attrs = record.phone_attrs if typed else record.email_attrs
                    attrs[text] = _attrs(types, pref, grp, got)
        for cid, url, types, pref, grp, got in db.execute_sql(
            "SELECT contact_id, url, types, pref, grp, params FROM contact_url "
            f"WHERE {where} ORDER BY contact_id, position",
            params,
        ):
            record = records.get(cid)
            if record is not None and (types or pref or grp or got):
                record.url_attrs[url] = _attrs(types, pref, grp, got)
        for row in db.execute_sql(
            "SELECT contact_id, po_box, extended, street, locality, region, postal_code, "
            f"country, label, types, pref, grp, params FROM contact_address WHERE {where} "
            "ORDER BY contact_id, position",
            params,
        ):
            record = records.get(row[0])
            if record is not None:
                po_box, extended, street, locality, region, code, country, label = row[1:9]
                record.addresses.append(
                    Address(
                        po_box, extended, street, locality, region, code, country, label,
                        _attrs(*row[9:]),
                    )
                )
        for cid, grp, name, got, value in db.execute_sql(
            "SELECT contact_id, grp, name, params, value FROM contact_property "
            f"WHERE {where} ORDER BY contact_id, position",
            params,
        ):
            record = records.get(cid)
            if record is not None:
                record.extra.append(CardProperty(name, value, grp, got))


def contact_addresses(contact_id: int) -> list[Address]:
    record = ContactRecord()
    fill_cards({contact_id: record}, lists=False)
    return record.addresses


def contact_extra(contact_id: int) -> list[CardProperty]:
    """The properties of a contact's card kept as written (IMPP, GENDER, X-...)."""
    record = ContactRecord()
    fill_cards({contact_id: record}, lists=False)
    return record.extra


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
        how_known = stored(HowKnown, how, HowKnown.UNKNOWN)
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
    return stored(Tie, contact.tie, Tie.UNSORTED)


def contact_name(contact_id: int) -> str | None:
    """The contact's display name; None when there is no such contact."""
    row = run_sql(db, "SELECT display_name FROM contact WHERE id = ?", [contact_id]).fetchone()
    return None if row is None else str(row[0] or "")


@dataclass(frozen=True, slots=True)
class ContactDetails:
    """Everything the contact editor shows of one contact."""

    contact_id: int
    display_name: str
    given_name: str
    family_name: str
    middle_name: str
    prefix: str
    suffix: str
    nickname: str
    title: str
    linkedin_url: str
    birthday: str
    tags: str
    company: str
    emails: list[str]
    phones: list[str]
    urls: str
    notes: str
    how_known: str
    tie: Tie
    cadence_days: int | None
    reference_consent: bool
    reference_agreed_on: dt.date | None
    above_and_beyond: bool
    archived: bool
    photo: bytes | None
    # The rest of the card (schema 8): shown, and kept when the editor saves.
    role: str = ""
    org_units: tuple[str, ...] = ()
    anniversary: str = ""
    addresses: tuple[Address, ...] = ()
    email_attrs: Mapping[str, Attrs] | None = None
    phone_attrs: Mapping[str, Attrs] | None = None
    extra: tuple[CardProperty, ...] = ()


def contact_details(contact_id: int) -> ContactDetails:
    """Raises `Contact.DoesNotExist` when there is no such contact."""
    contact = Contact.get_by_id(contact_id)
    agreed = contact.reference_agreed_on
    if isinstance(agreed, str):  # a date written by hand or by an old NetDesk
        agreed = dt.date.fromisoformat(agreed)
    tie = stored(Tie, contact.tie, Tie.UNSORTED)
    card = ContactRecord()
    fill_cards({contact_id: card}, lists=False)
    return ContactDetails(
        contact_id=contact.id,
        display_name=contact.display_name or "",
        given_name=contact.given_name or "",
        family_name=contact.family_name or "",
        middle_name=contact.middle_name or "",
        prefix=contact.prefix or "",
        suffix=contact.suffix or "",
        nickname=contact.nickname or "",
        title=contact.title or "",
        linkedin_url=contact.linkedin_url or "",
        birthday=contact.birthday or "",
        tags=contact.tags or "",
        company=contact.company.name if contact.company is not None else "",
        emails=contact_emails(contact_id),
        phones=contact_phones(contact_id),
        urls=contact.urls or "",
        notes=contact.notes or "",
        how_known=contact.how_known or "",
        tie=tie,
        cadence_days=contact.cadence_days,
        reference_consent=bool(contact.reference_consent),
        reference_agreed_on=agreed or None,
        above_and_beyond=bool(contact.above_and_beyond),
        archived=bool(contact.archived),
        photo=bytes(contact.photo) if contact.photo else None,
        role=contact.role or "",
        org_units=tuple(u for u in (contact.org_units or "").splitlines() if u.strip()),
        anniversary=contact.anniversary or "",
        addresses=tuple(card.addresses),
        email_attrs=dict(card.email_attrs),
        phone_attrs=dict(card.phone_attrs),
        extra=tuple(card.extra),
    )
