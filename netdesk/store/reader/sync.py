"""Reading what the sync knows: accounts, address books, cards, the outbox, conflicts."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from netdesk.core.records import ContactRecord
from netdesk.store.models import db
from netdesk.store.sql import parse_datetime, run_sql


@dataclass(frozen=True, slots=True)
class SyncBook:
    book_id: int
    account_id: int
    href: str
    name: str
    enabled: bool
    token: str


@dataclass(frozen=True, slots=True)
class SyncAccount:
    account_id: int
    url: str
    username: str
    last_sync_at: dt.datetime | None
    last_error: str
    books: tuple[SyncBook, ...]


@dataclass(frozen=True, slots=True)
class SyncCard:
    book_id: int
    href: str
    contact_id: int | None
    uid: str
    etag: str
    base: str | None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    contact_id: int
    op: str  # "put" or "delete"
    version: int


@dataclass(frozen=True, slots=True)
class SyncConflict:
    contact_id: int
    name: str  # the contact's name
    field: str
    mine: Any
    theirs: Any


@dataclass(frozen=True, slots=True)
class SyncRejection:
    contact_id: int
    name: str
    status: int
    reason: str


def has_sync() -> bool:
    """True when an address book is synced or a calendar pushed to: only then may anything
    touch the network."""
    found = run_sql(
        db,
        "SELECT 1 FROM sync_book WHERE enabled = 1 "
        "UNION ALL SELECT 1 FROM sync_calendar WHERE enabled = 1 LIMIT 1",
    ).fetchone()
    return found is not None


def _books(account_id: int | None = None) -> list[SyncBook]:
    where, params = ("WHERE account_id = ?", [account_id]) if account_id is not None else ("", [])
    rows = run_sql(
        db,
        "SELECT book_id, account_id, href, name, enabled, sync_token FROM sync_book "
        f"{where} ORDER BY book_id",
        params,
    ).fetchall()
    return [SyncBook(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]


def sync_accounts() -> list[SyncAccount]:
    books = _books()
    out = []
    for account_id, url, username, last, error in run_sql(
        db,
        "SELECT account_id, url, username, last_sync_at, last_error FROM sync_account "
        "ORDER BY account_id",
    ).fetchall():
        mine = tuple(b for b in books if b.account_id == account_id)
        out.append(SyncAccount(account_id, url, username, parse_datetime(last), error, mine))
    return out


def sync_account(account_id: int) -> SyncAccount | None:
    return next((a for a in sync_accounts() if a.account_id == account_id), None)


def _card(row: Any) -> SyncCard:
    return SyncCard(row[0], row[1], row[2], row[3], row[4], row[5])


_CARD = "SELECT book_id, href, contact_id, uid, etag, base FROM sync_card"


def card_at(book_id: int, href: str) -> SyncCard | None:
    row = run_sql(db, f"{_CARD} WHERE book_id = ? AND href = ?", [book_id, href]).fetchone()
    return _card(row) if row else None


def card_of(contact_id: int) -> SyncCard | None:
    row = run_sql(db, f"{_CARD} WHERE contact_id = ? LIMIT 1", [contact_id]).fetchone()
    return _card(row) if row else None


def card_etags(book_id: int) -> dict[str, str]:
    """href -> ETag of every card of the book as last synced."""
    return dict(run_sql(db, "SELECT href, etag FROM sync_card WHERE book_id = ?", [book_id]))


def card_uids(book_id: int) -> dict[str, str]:
    """UID -> href of the book's cards."""
    return {
        uid: href
        for uid, href in run_sql(
            db, "SELECT uid, href FROM sync_card WHERE book_id = ? AND uid != ''", [book_id]
        )
    }


def contacts_by_uid() -> dict[str, int]:
    """UID -> the first contact with it, for every contact that has one (read once by a sync
    that meets cards new to NetDesk, instead of one query a card)."""
    out: dict[str, int] = {}
    for uid, contact_id in run_sql(
        db, "SELECT uid, id FROM contact WHERE uid != '' ORDER BY id DESC"
    ).fetchall():
        out[uid] = int(contact_id)
    return out


def linked_contacts() -> set[int]:
    """Contacts that are a card on some synced server."""
    return {
        int(r[0])
        for r in run_sql(
            db, "SELECT DISTINCT contact_id FROM sync_card WHERE contact_id IS NOT NULL"
        )
    }


def unlinked_contacts() -> list[int]:
    """Contacts no server has yet: each becomes a new card on the next sync."""
    rows = run_sql(
        db,
        "SELECT id FROM contact WHERE id NOT IN "
        "(SELECT contact_id FROM sync_card WHERE contact_id IS NOT NULL) ORDER BY id",
    )
    return [int(r[0]) for r in rows]


def sync_outbox() -> list[OutboxRow]:
    rows = run_sql(
        db, "SELECT contact_id, op, version FROM sync_outbox ORDER BY queued_at, contact_id"
    )
    return [OutboxRow(int(r[0]), str(r[1]), int(r[2])) for r in rows]


def sync_outbox_entry(contact_id: int) -> OutboxRow | None:
    row = run_sql(
        db, "SELECT contact_id, op, version FROM sync_outbox WHERE contact_id = ?", [contact_id]
    ).fetchone()
    return OutboxRow(int(row[0]), str(row[1]), int(row[2])) if row else None


def count_all_contacts() -> int:
    return int(run_sql(db, "SELECT count(*) FROM contact").fetchone()[0])


def sync_conflicts(contact_id: int | None = None) -> list[SyncConflict]:
    where, params = ("WHERE s.contact_id = ?", [contact_id]) if contact_id is not None else ("", [])
    rows = run_sql(
        db,
        "SELECT s.contact_id, c.display_name, s.field, s.mine, s.theirs FROM sync_conflict s "
        f"JOIN contact c ON c.id = s.contact_id {where} "
        "ORDER BY c.display_name COLLATE NOCASE, s.contact_id, s.field",
        params,
    ).fetchall()
    return [SyncConflict(r[0], r[1], r[2], json.loads(r[3]), json.loads(r[4])) for r in rows]


def conflicted_fields(contact_id: int) -> set[str]:
    rows = run_sql(db, "SELECT field FROM sync_conflict WHERE contact_id = ?", [contact_id])
    return {str(r[0]) for r in rows}


def count_sync_conflicts() -> int:
    """Contacts with a field changed on both sides that waits for the user."""
    row = run_sql(db, "SELECT count(DISTINCT contact_id) FROM sync_conflict").fetchone()
    return int(row[0])


def sync_rejections() -> list[SyncRejection]:
    rows = run_sql(
        db,
        "SELECT r.contact_id, coalesce(c.display_name, ''), r.status, r.reason "
        "FROM sync_rejection r LEFT JOIN contact c ON c.id = r.contact_id ORDER BY r.at",
    ).fetchall()
    return [SyncRejection(r[0], r[1], r[2], r[3]) for r in rows]


def unconfirmed_cards(book_id: int) -> list[SyncCard]:
    """Cards sent as new whose answer never came back (the sync stopped): sent again."""
    rows = run_sql(db, f"{_CARD} WHERE book_id = ? AND base IS NULL", [book_id]).fetchall()
    return [_card(r) for r in rows]


def contact_record_of(contact_id: int) -> ContactRecord | None:
    """The contact as a record (what its card is written from), or None when it is gone."""
    from netdesk.store.models import Contact
    from netdesk.store.reader.contacts import contact_record

    contact = Contact.get_or_none(Contact.id == contact_id)
    return contact_record(contact) if contact is not None else None
