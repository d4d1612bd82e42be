"""Writing what a sync with a CardDAV server learns: accounts and address books, the card each
contact is, contacts changed on the server, the outbox pushed, conflicts kept and resolved.

Writes made for the server's sake (a card that changed there, a link, an ETag) run `quiet`:
the outbox triggers skip them, so they are never sent back as if the user had made them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from netdesk.core.records import ContactRecord
from netdesk.store.models import Contact, db
from netdesk.store.sql import iso, run_sql
from netdesk.store.writer.changes import change
from netdesk.store.writer.contacts import (
    create_contact,
    delete_contacts,
    set_card,
    update_contact,
)


@contextlib.contextmanager
def quiet_sync(now: dt.datetime) -> Iterator[None]:
    """One change whose writes the outbox does not see (they came from the server)."""
    with change(now):
        already = run_sql(db, "SELECT quiet FROM sync_quiet").fetchone()[0]
        if already:  # inside another quiet change: it ends the quiet
            yield
            return
        run_sql(db, "UPDATE sync_quiet SET quiet = 1")
        try:
            yield
        finally:
            run_sql(db, "UPDATE sync_quiet SET quiet = 0")


# --- accounts ------------------------------------------------------------------------------


def add_sync_account(
    url: str, username: str, books: Sequence[tuple[str, str, bool]], now: dt.datetime
) -> int:
    """A new account with its address books (href, name, synced); returns its id."""
    with change(now):
        cursor = run_sql(
            db,
            "INSERT INTO sync_account (url, username, created_at) VALUES (?, ?, ?)",
            [url, username, iso(now)],
        )
        account_id = int(cursor.lastrowid or 0)
        set_sync_books(account_id, books)
    return account_id


def set_sync_books(account_id: int, books: Sequence[tuple[str, str, bool]]) -> None:
    """The account's address books as found on the server, and which of them to sync. A book
    no longer found, or no longer synced, forgets its cards (its contacts stay)."""
    with change():
        known = {
            href: book_id
            for book_id, href in run_sql(
                db, "SELECT book_id, href FROM sync_book WHERE account_id = ?", [account_id]
            )
        }
        for href, name, enabled in books:
            if href in known:
                run_sql(
                    db,
                    "UPDATE sync_book SET name = ?, enabled = ? WHERE book_id = ?",
                    [name, int(enabled), known.pop(href)],
                )
            else:
                run_sql(
                    db,
                    "INSERT INTO sync_book (account_id, href, name, enabled) VALUES (?, ?, ?, ?)",
                    [account_id, href, name, int(enabled)],
                )
        for book_id in known.values():
            run_sql(db, "DELETE FROM sync_book WHERE book_id = ?", [book_id])
        for (book_id,) in run_sql(
            db, "SELECT book_id FROM sync_book WHERE account_id = ? AND enabled = 0", [account_id]
        ).fetchall():
            _forget_book(book_id)
        _drop_orphans()


def _forget_book(book_id: int) -> None:
    run_sql(db, "DELETE FROM sync_card WHERE book_id = ?", [book_id])
    run_sql(db, "UPDATE sync_book SET sync_token = '' WHERE book_id = ?", [book_id])


def _drop_orphans() -> None:
    """With nothing left to sync, the outbox, conflicts and refusals have no one to go to."""
    synced = run_sql(db, "SELECT 1 FROM sync_book WHERE enabled = 1 LIMIT 1").fetchone()
    if not synced:
        run_sql(db, "DELETE FROM sync_outbox")
        run_sql(db, "DELETE FROM sync_conflict")
        run_sql(db, "DELETE FROM sync_rejection")


def remove_sync_account(account_id: int) -> None:
    """Forget an account and what it knew of its server; every contact stays."""
    with change():
        run_sql(db, "DELETE FROM sync_account WHERE account_id = ?", [account_id])
        _drop_orphans()


def note_sync(account_id: int, now: dt.datetime, error: str = "") -> None:
    """When the account last synced (or tried, with what went wrong)."""
    with change(now):
        if error:
            run_sql(
                db,
                "UPDATE sync_account SET last_error = ? WHERE account_id = ?",
                [error, account_id],
            )
        else:
            run_sql(
                db,
                "UPDATE sync_account SET last_sync_at = ?, last_error = '' WHERE account_id = ?",
                [iso(now), account_id],
            )


def set_sync_token(book_id: int, token: str) -> None:
    with change():
        run_sql(db, "UPDATE sync_book SET sync_token = ? WHERE book_id = ?", [token, book_id])


# --- cards ---------------------------------------------------------------------------------


def link_card(
    book_id: int,
    href: str,
    contact_id: int | None,
    *,
    uid: str,
    etag: str,
    base: str | None,
) -> None:
    """The card at `href` is this contact, as last synced (`base`, with its ETag)."""
    with change():
        if contact_id is not None:
            # One card per contact in a book: a contact linked elsewhere moves here.
            run_sql(
                db,
                "DELETE FROM sync_card WHERE book_id = ? AND contact_id = ? AND href != ?",
                [book_id, contact_id, href],
            )
        run_sql(
            db,
            "INSERT INTO sync_card (book_id, href, contact_id, uid, etag, base) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (book_id, href) DO UPDATE SET "
            "contact_id = excluded.contact_id, uid = excluded.uid, etag = excluded.etag, "
            "base = excluded.base",
            [book_id, href, contact_id, uid, etag, base],
        )


def drop_card(book_id: int, href: str) -> None:
    with change():
        run_sql(db, "DELETE FROM sync_card WHERE book_id = ? AND href = ?", [book_id, href])


def mark_pushed(contact_id: int, version: int) -> None:
    """The outbox row for this contact is done, unless the contact changed again since."""
    with change():
        run_sql(
            db,
            "DELETE FROM sync_outbox WHERE contact_id = ? AND version = ?",
            [contact_id, version],
        )
        run_sql(db, "DELETE FROM sync_rejection WHERE contact_id = ?", [contact_id])


def queue_for_sync(contact_ids: Iterable[int], now: dt.datetime) -> None:
    """Put contacts in the outbox (a merge that the server's card must take)."""
    with change(now):
        for contact_id in contact_ids:
            run_sql(
                db,
                "INSERT INTO sync_outbox (contact_id, op, version, queued_at) "
                "VALUES (?, 'put', 1, ?) ON CONFLICT (contact_id) DO UPDATE SET op = 'put', "
                "version = version + 1, queued_at = excluded.queued_at",
                [contact_id, iso(now)],
            )


def reject_card(contact_id: int, book_id: int, status: int, reason: str, now: dt.datetime) -> None:
    """The server refused this contact's card; it stays in the outbox to be tried again."""
    with change(now):
        run_sql(
            db,
            "INSERT INTO sync_rejection (contact_id, book_id, status, reason, at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (contact_id) DO UPDATE SET "
            "book_id = excluded.book_id, status = excluded.status, reason = excluded.reason, "
            "at = excluded.at",
            [contact_id, book_id, status, reason, iso(now)],
        )


# --- contacts as the server has them -------------------------------------------------------


def _fields(record: ContactRecord) -> dict[str, Any]:
    return {
        "display_name": record.display_name,
        "given_name": record.given_name,
        "family_name": record.family_name,
        "middle_name": record.middle_name,
        "prefix": record.prefix,
        "suffix": record.suffix,
        "nickname": record.nickname,
        "title": record.title,
        "notes": record.notes,
        "linkedin_url": record.linkedin_url,
        "urls": "\n".join(record.urls),
        "birthday": record.birthday,
        "tags": ", ".join(record.tags),
        "photo": record.photo,
        "photo_mime": record.photo_mime if record.photo else "",
        "role": record.role,
        "org_units": "\n".join(record.org_units),
        "anniversary": record.anniversary,
    }


def _write_record(contact_id: int | None, record: ContactRecord, now: dt.datetime) -> int:
    """The contact becomes the record, the whole card: typed emails and phones, web
    addresses, postal addresses and the properties kept as written."""
    if contact_id is None:
        contact = create_contact(_fields(record), now, company=record.organization)
        contact_id = int(contact.id)
    else:
        update_contact(contact_id, _fields(record), now, company=record.organization)
    set_card(contact_id, record)
    return contact_id


def save_synced_record(contact_id: int | None, record: ContactRecord, now: dt.datetime) -> int:
    """Write a card's record to a contact (a new one when `contact_id` is None), quietly:
    the change came from the server. Returns the contact's id."""
    with quiet_sync(now):
        contact_id = _write_record(contact_id, record, now)
        if record.uid:
            Contact.update(uid=record.uid).where(Contact.id == contact_id).execute()
    return contact_id


def set_card_uid(contact_id: int, uid: str, now: dt.datetime) -> None:
    with quiet_sync(now):
        Contact.update(uid=uid).where(Contact.id == contact_id).execute()


def delete_synced_contacts(contact_ids: Sequence[int], now: dt.datetime) -> None:
    """Contacts whose cards were deleted on the server."""
    with quiet_sync(now):
        run_sql(
            db,
            f"DELETE FROM sync_outbox WHERE contact_id IN ({','.join('?' * len(contact_ids))})",
            list(contact_ids),
        )
        delete_contacts(contact_ids)


# --- conflicts -----------------------------------------------------------------------------


def keep_conflicts(
    contact_id: int, fields: dict[str, tuple[Any, Any]], now: dt.datetime
) -> None:
    """Fields both sides changed: mine and theirs, as values to show, until the user picks."""
    with change(now) as changed:
        for name, (mine, theirs) in fields.items():
            run_sql(
                db,
                "INSERT INTO sync_conflict (contact_id, field, mine, theirs, found_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (contact_id, field) DO UPDATE SET "
                "mine = excluded.mine, theirs = excluded.theirs",
                [contact_id, name, json.dumps(mine), json.dumps(theirs), iso(now)],
            )
        changed.contact([contact_id])


def resolve_conflicts(
    contact_id: int, fields: Sequence[str], record: ContactRecord | None, now: dt.datetime
) -> None:
    """The user chose a value for each of `fields`: the contact becomes `record` (None when
    every choice kept what the contact has) and is queued, so that the next sync sends what
    was chosen."""
    with change(now) as changed:
        if record is not None:
            _write_record(contact_id, record, now)
        if fields:
            run_sql(
                db,
                f"DELETE FROM sync_conflict WHERE contact_id = ? AND field IN "
                f"({','.join('?' * len(fields))})",
                [contact_id, *fields],
            )
        queue_for_sync([contact_id], now)
        changed.contact([contact_id])
