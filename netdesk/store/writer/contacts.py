"""Writing contacts: create, edit, tie, tags, archive, delete (with the snapshot that undoes it)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from netdesk.core import matching
from netdesk.core.domain import (
    CompanyStatus,
    Tie,
)
from netdesk.core.matching import (
    company_key,
    normalize_email,
    normalize_linkedin,
    normalize_phone,
    phone_identity,
)
from netdesk.core.records import NO_ATTRS, Address, Attrs, CardProperty, ContactRecord
from netdesk.store.models import (
    Company,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    ContactProperty,
    ContactUrl,
    Setting,
    db,
)
from netdesk.store.sql import chunks, raw_connection
from netdesk.store.writer.changes import change

# Columns the rules read: a change to one of them moves the contact's follow-ups.
RULE_FIELDS = frozenset({"tie", "cadence_days", "archived"})

# Contact columns a user edits directly (the editor, bulk actions, import).
EDITABLE_FIELDS = (
    "display_name",
    "given_name",
    "family_name",
    "middle_name",
    "prefix",
    "suffix",
    "nickname",
    "title",
    "how_known",
    "tie",
    "cadence_days",
    "reference_consent",
    "reference_agreed_on",
    "above_and_beyond",
    "notes",
    "photo",
    "photo_mime",
    "linkedin_url",
    "urls",
    "birthday",
    "tags",
    "archived",
    "role",
    "org_units",
    "anniversary",
)


def _linkedin_key(url: str) -> str:
    return normalize_linkedin(url) if url else ""


# Inserting the rows of a contact's card; the row builders below give their values in order.
EMAIL_INSERT = (
    "INSERT INTO contact_email (contact_id, email, key, position, types, pref, grp, params) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
PHONE_INSERT = (
    "INSERT INTO contact_phone (contact_id, phone, key, position, types, pref, grp, params) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
URL_INSERT = (
    "INSERT INTO contact_url (contact_id, url, types, pref, grp, params, position) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
ADDRESS_INSERT = (
    "INSERT INTO contact_address (contact_id, po_box, extended, street, locality, region, "
    "postal_code, country, label, types, pref, grp, params, position) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
PROPERTY_INSERT = (
    "INSERT INTO contact_property (contact_id, grp, name, params, value, position) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def typed_rows(
    contact_id: int,
    values: Sequence[str],
    attrs: dict[str, Attrs],
    key: Callable[[str], str],
    identity: Callable[[str], str],
    keys: Sequence[str] | None = None,
) -> list[tuple[Any, ...]]:
    """Rows of a contact's emails or phones (EMAIL_INSERT, PHONE_INSERT): in order, each once.

    `identity` says when two values are one entry (for phones, the number, or the text
    when there is none: "homephone" and "fax" are two); `keys`, when given, are the values'
    matching keys already computed.
    """
    rows: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    for position, value in enumerate(values):
        value = value.strip()
        if not value:
            continue
        k = keys[position] if keys is not None else key(value)
        ident = k or identity(value)
        if ident in seen:
            continue
        seen.add(ident)
        a = attrs.get(value, NO_ATTRS) if attrs else NO_ATTRS
        rows.append(
            (contact_id, value, k, position, ",".join(a.types), a.pref, a.group, a.params)
        )
    return rows


def url_rows(contact_id: int, record: ContactRecord) -> list[tuple[Any, ...]]:
    """Rows of a contact's web addresses (URL_INSERT), the LinkedIn profile first."""
    attrs = record.url_attrs
    urls = [record.linkedin_url, *record.urls] if record.linkedin_url else record.urls
    rows = []
    for position, url in enumerate(dict.fromkeys(u.strip() for u in urls if u.strip())):
        a = attrs.get(url, NO_ATTRS) if attrs else NO_ATTRS
        rows.append((contact_id, url, ",".join(a.types), a.pref, a.group, a.params, position))
    return rows


def address_rows(contact_id: int, addresses: Sequence[Address]) -> list[tuple[Any, ...]]:
    """Rows of a contact's postal addresses (ADDRESS_INSERT), each once."""
    rows = []
    seen: set[str] = set()
    for position, a in enumerate(addresses):
        key = a.key()
        if key in seen or (not key.replace("|", "") and not a.label.strip()):
            continue
        seen.add(key)
        t = a.attrs
        types = ",".join(t.types)
        rows.append((contact_id, *a.parts(), a.label, types, t.pref, t.group, t.params, position))
    return rows


def property_rows(contact_id: int, extra: Sequence[CardProperty]) -> list[tuple[Any, ...]]:
    """Rows of the card properties NetDesk keeps as written (PROPERTY_INSERT)."""
    return [
        (contact_id, p.group, p.name, p.params, p.value, position)
        for position, p in enumerate(extra)
    ]


def _current_attrs(model: Any, column: str, contact_id: int) -> dict[str, Attrs]:
    rows = model.select(getattr(model, column), model.types, model.pref, model.grp, model.params)
    found: dict[str, Attrs] = {}
    for r in rows.where(model.contact == contact_id):
        a = Attrs(tuple(t for t in r.types.split(",") if t), r.pref, r.grp, r.params)
        if a != NO_ATTRS:
            found[getattr(r, column)] = a
    return found


def set_emails(
    contact_id: int, emails: Sequence[str], attrs: dict[str, Attrs] | None = None
) -> None:
    """Replace a contact's emails; without `attrs`, an email kept keeps its types."""
    if attrs is None:
        attrs = _current_attrs(ContactEmail, "email", contact_id)
    ContactEmail.delete().where(ContactEmail.contact == contact_id).execute()
    rows = typed_rows(contact_id, emails, attrs, normalize_email, normalize_email)
    if rows:
        raw_connection(db).executemany(EMAIL_INSERT, rows)


def set_phones(
    contact_id: int, phones: Sequence[str], attrs: dict[str, Attrs] | None = None
) -> None:
    """Replace a contact's phones; without `attrs`, a phone kept keeps its types."""
    if attrs is None:
        attrs = _current_attrs(ContactPhone, "phone", contact_id)
    ContactPhone.delete().where(ContactPhone.contact == contact_id).execute()
    rows = typed_rows(contact_id, phones, attrs, normalize_phone, phone_identity)
    if rows:
        raw_connection(db).executemany(PHONE_INSERT, rows)


def set_urls(contact_id: int, record: ContactRecord) -> None:
    """Replace the rows of a contact's web addresses (LinkedIn profile and others)."""
    ContactUrl.delete().where(ContactUrl.contact == contact_id).execute()
    if rows := url_rows(contact_id, record):
        raw_connection(db).executemany(URL_INSERT, rows)


def set_addresses(contact_id: int, addresses: Sequence[Address]) -> None:
    ContactAddress.delete().where(ContactAddress.contact == contact_id).execute()
    if rows := address_rows(contact_id, addresses):
        raw_connection(db).executemany(ADDRESS_INSERT, rows)


def set_extra(contact_id: int, extra: Sequence[CardProperty]) -> None:
    """Replace the card properties kept as written."""
    ContactProperty.delete().where(ContactProperty.contact == contact_id).execute()
    if rows := property_rows(contact_id, extra):
        raw_connection(db).executemany(PROPERTY_INSERT, rows)


def _sync_urls(contact_id: int) -> None:
    """The rows of a contact's web addresses in step with its columns, types kept."""
    contact = Contact.select(Contact.linkedin_url, Contact.urls).where(Contact.id == contact_id)
    row = contact.get()
    attrs = _current_attrs(ContactUrl, "url", contact_id)
    urls = [u.strip() for u in (row.urls or "").splitlines() if u.strip()]
    record = ContactRecord(linkedin_url=row.linkedin_url or "", urls=urls, url_attrs=attrs)
    set_urls(contact_id, record)


def use_phone_region() -> None:
    """Read numbers without a country code as the user's chosen country's (the setting), or
    the locale's when none is chosen."""
    row = Setting.get_or_none(Setting.key == "phone_region")
    chosen = str(json.loads(row.value) or "").strip() if row is not None else ""
    matching.set_phone_region(chosen or None)


def set_card(contact_id: int, record: ContactRecord) -> None:
    """Replace every row of a contact's card (emails, phones, web, addresses, the rest)."""
    set_emails(contact_id, record.emails, record.email_attrs)
    set_phones(contact_id, record.phones, record.phone_attrs)
    set_urls(contact_id, record)
    set_addresses(contact_id, record.addresses)
    set_extra(contact_id, record.extra)


def company_for_name(name: str) -> Company | None:
    """The company of that name, however it is spelled ("Acme, Inc." is "ACME"); made if new."""
    name = name.strip()
    if not name:
        return None
    key = company_key(name) or name.casefold()
    company = Company.get_or_none(Company.key == key)
    if company is None:
        company = Company.create(name=name, key=key)
    return company


def set_company_status(company_id: int, status: CompanyStatus, now: dt.datetime) -> None:
    with change(now) as changed:
        Company.update(status=status.value, status_changed_at=now).where(
            Company.id == company_id
        ).execute()
        changed.companies.add(company_id)


def create_contact(
    fields: dict[str, Any],
    now: dt.datetime,
    *,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    company: str = "",
    addresses: Sequence[Address] = (),
) -> Contact:
    """A new contact from editor fields; one transaction."""
    use_phone_region()
    with change(now) as changed:
        values = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
        values.setdefault("display_name", "")
        values["linkedin_key"] = _linkedin_key(values.get("linkedin_url", "") or "")
        contact = Contact.create(
            company=company_for_name(company), created_at=now, updated_at=now, **values
        )
        set_emails(contact.id, emails)
        set_phones(contact.id, phones)
        _sync_urls(contact.id)
        set_addresses(contact.id, addresses)
        changed.contact([contact.id], rules=True)
    return contact


def update_contact(
    contact_id: int,
    fields: dict[str, Any],
    now: dt.datetime,
    *,
    emails: Sequence[str] | None = None,
    phones: Sequence[str] | None = None,
    company: str | None = None,
    addresses: Sequence[Address] | None = None,
) -> None:
    """Change a contact's fields (and, when given, its emails, phones, company, addresses)
    at once; an email, phone or web address kept keeps its types."""
    if phones is not None:
        use_phone_region()
    with change(now) as changed:
        values = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
        if "linkedin_url" in values:
            values["linkedin_key"] = _linkedin_key(values["linkedin_url"] or "")
        if company is not None:
            values["company"] = company_for_name(company)
        values["updated_at"] = now
        Contact.update(**values).where(Contact.id == contact_id).execute()
        if emails is not None:
            set_emails(contact_id, emails)
        if phones is not None:
            set_phones(contact_id, phones)
        if "urls" in values or "linkedin_url" in values:
            _sync_urls(contact_id)
        if addresses is not None:
            set_addresses(contact_id, addresses)
        changed.contact([contact_id], rules=bool(RULE_FIELDS & values.keys()))


def set_tie(contact_ids: Sequence[int], tie: Tie, now: dt.datetime) -> None:
    with change(now) as changed:
        for chunk in chunks(contact_ids):
            Contact.update(tie=tie.value, updated_at=now).where(Contact.id.in_(chunk)).execute()
        changed.contact(contact_ids, rules=True)


def add_tag(contact_ids: Sequence[int], tag: str, now: dt.datetime) -> None:
    tag = tag.strip().replace(",", " ")
    if not tag:
        return
    with change(now) as changed:
        for chunk in chunks(contact_ids):
            for contact in Contact.select(Contact.id, Contact.tags).where(Contact.id.in_(chunk)):
                tags = contact.tag_list
                if tag not in tags:
                    Contact.update(tags=", ".join([*tags, tag]), updated_at=now).where(
                        Contact.id == contact.id
                    ).execute()
                    changed.contact([contact.id])


def set_archived(contact_ids: Sequence[int], archived: bool, now: dt.datetime) -> None:
    with change(now) as changed:
        for chunk in chunks(contact_ids):
            Contact.update(archived=archived, updated_at=now).where(Contact.id.in_(chunk)).execute()
        changed.contact(contact_ids, rules=True)


def delete_contacts(contact_ids: Sequence[int]) -> None:
    """Delete contacts with everything that hangs on them (their rows cascade); the undo log
    is what brings them back."""
    with change() as changed:
        for chunk in chunks(contact_ids):
            Contact.delete().where(Contact.id.in_(chunk)).execute()
        changed.removed |= set(contact_ids)
