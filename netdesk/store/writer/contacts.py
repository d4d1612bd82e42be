"""Writing contacts: create, edit, tie, tags, archive, delete (with the snapshot that undoes it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from netdesk.core.domain import (
    CompanyStatus,
    Tie,
)
from netdesk.core.matching import company_key, normalize_email, normalize_linkedin, normalize_phone
from netdesk.store.models import (
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
)
from netdesk.store.sql import chunks
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
)


def _linkedin_key(url: str) -> str:
    return normalize_linkedin(url) if url else ""


def _set_list(
    model: Any, column: str, contact_id: int, values: Sequence[str], key: Callable[[str], str]
) -> None:
    """Replace a contact's emails or phones: in order, each once, with its matching key."""
    model.delete().where(model.contact == contact_id).execute()
    rows = [
        {"contact": contact_id, column: v, "key": key(v), "position": i}
        for i, v in enumerate(dict.fromkeys(v.strip() for v in values if v.strip()))
    ]
    if rows:
        model.insert_many(rows).execute()


def set_emails(contact_id: int, emails: Sequence[str]) -> None:
    _set_list(ContactEmail, "email", contact_id, emails, normalize_email)


def set_phones(contact_id: int, phones: Sequence[str]) -> None:
    _set_list(ContactPhone, "phone", contact_id, phones, normalize_phone)


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
) -> Contact:
    """A new contact from editor fields; one transaction."""
    with change(now) as changed:
        values = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
        values.setdefault("display_name", "")
        values["linkedin_key"] = _linkedin_key(values.get("linkedin_url", "") or "")
        contact = Contact.create(
            company=company_for_name(company), created_at=now, updated_at=now, **values
        )
        set_emails(contact.id, emails)
        set_phones(contact.id, phones)
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
) -> None:
    """Change a contact's fields (and, when given, its emails, phones, company) at once."""
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
