"""Two-way sync of the store with the address books of one CardDAV account.

A sync pulls first (what changed on the server since the last sync token, or, when the
server no longer knows the token, a scan of every card's ETag), merges each changed card
with the contact it is (property by property, against the card as last synced), then
pushes the outbox: cards written with If-Match (updates) or If-None-Match: * (new cards),
deletions with If-Match. A 412 means the server's card moved on: it is read, merged, and
the push tried again; nothing is ever deleted and created again to settle a conflict.
Every step is committed before the next request, so a sync stopped at any point (a lost
connection, a killed process) picks up where it was and creates no duplicate.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

from netdesk.core.matching import KnownContacts, plan_import
from netdesk.core.read_ahead import ReadAhead
from netdesk.core.records import ContactRecord
from netdesk.store import importer, reader, writer
from netdesk.store.models import Contact
from netdesk.store.reader.sync import SyncAccount, SyncBook, SyncCard
from netdesk.sync import cards, dav
from netdesk.sync.http import Client, SyncError

# A sync that would delete more than this share of either side stops and asks first.
DELETE_SHARE = 0.2
# ...unless it deletes fewer than this many: one card of three is not a catastrophe.
DELETE_FLOOR = 5


class NeedsConfirmation(SyncError):
    """The sync would delete many contacts or cards at once; it stopped before doing so."""

    def __init__(self, message: str, here: int, there: int) -> None:
        super().__init__(message)
        self.here = here  # contacts it would delete in NetDesk
        self.there = there  # cards it would delete on the server


@dataclass(slots=True)
class Rejection:
    contact_id: int
    name: str
    status: int
    reason: str


@dataclass(slots=True)
class Report:
    """What one sync did, for the status bar, `netdesk sync --json` and the hub."""

    added_here: int = 0
    updated_here: int = 0
    deleted_here: int = 0
    added_there: int = 0
    updated_there: int = 0
    deleted_there: int = 0
    conflicts: int = 0
    full_scans: int = 0
    requests: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    contacts: set[int] = field(default_factory=set)  # contacts written here
    removed: set[int] = field(default_factory=set)  # contacts deleted here
    # The calendar push: items written there, items completed or taken off there,
    # follow-ups completed on another device and so done here, items the server refused.
    events_put: int = 0
    events_closed: int = 0
    done_here: int = 0
    rejected_items: list[str] = field(default_factory=list)
    follow_ups: set[int] = field(default_factory=set)  # contacts whose follow-ups changed

    def to_json(self) -> dict[str, object]:
        out = dataclasses.asdict(self)
        del out["contacts"], out["removed"], out["follow_ups"]
        out["rejected"] = [dataclasses.asdict(r) for r in self.rejected]
        return out


Progress = Callable[[str], None]


def _record_of(contact_id: int) -> ContactRecord | None:
    contact = Contact.get_or_none(Contact.id == contact_id)
    return reader.contact_record(contact) if contact is not None else None


class BookSync:
    """The sync of one address book."""

    def __init__(
        self,
        client: Client,
        book: SyncBook,
        now: dt.datetime,
        report: Report,
        *,
        takes_new: bool,
        confirm_deletions: bool,
    ) -> None:
        self.client = client
        self.book = book
        self.now = now
        self.report = report
        self.takes_new = takes_new  # new contacts made in NetDesk go to this book
        self.confirm_deletions = confirm_deletions
        self._known: KnownContacts | None = None
        self._linked: set[int] | None = None
        # UIDs of the contacts here, read once when the first card new to NetDesk comes;
        # contacts this sync adds are linked to their cards, so never matched by UID again.
        self._uids: dict[str, int] | None = None
        # Cards this sync put on the server (or found there on a 412) that the sync token
        # read before the push does not cover: a sync-collection from that token may leave
        # out their deletion (they did not exist at the token), so the pull is done again.
        self._placed = 0

    # --- pull ---------------------------------------------------------------------------

    def pull(self) -> None:
        book = self.book
        known = reader.card_etags(book.book_id)
        try:
            changed = dav.changes_since(self.client, book.href, book.token)
        except dav.TokenRefused:
            changed = dav.list_etags(self.client, book.href)
            self.report.full_scans += 1
        except SyncError:
            if not book.token:
                raise
            # A server that lost the collection's history may refuse in other words.
            changed = dav.list_etags(self.client, book.href)
            self.report.full_scans += 1
        gone = set(known) - set(changed.etags) if changed.full else changed.gone & set(known)
        wanted = [h for h, etag in changed.etags.items() if not etag or known.get(h) != etag]
        self._guard(gone, known)
        batch = []
        with contextlib.closing(self._fetch(wanted)) as fetched:
            for card in fetched:
                batch.append(card)
                if len(batch) >= dav.MULTIGET_BATCH:
                    self._take_batch(batch)
                    batch = []
        self._take_batch(batch)
        if gone:
            self._gone(sorted(gone))
        if changed.token and changed.token != book.token:
            writer.set_sync_token(book.book_id, changed.token)
            self.book = dataclasses.replace(book, token=changed.token)

    def _fetch(self, wanted: list[str]) -> Generator[dav.Card, None, None]:
        """The cards at `wanted`. More than one batch of them are read on a second connection,
        one batch ahead, while this thread stores the batch before: waiting on the server and
        storing overlap instead of taking turns."""
        if len(wanted) <= dav.MULTIGET_BATCH:
            yield from dav.fetch(self.client, self.book.href, wanted)
            return
        ahead = self.client.another()
        # At most two batches ahead; an error while storing stops the reading too.
        reading = ReadAhead(
            dav.fetch(ahead, self.book.href, wanted),
            chunk=dav.MULTIGET_BATCH,
            ahead=2,
            name="netdesk-sync-read-ahead",
        )
        try:
            yield from reading
        finally:
            reading.close()
            self.report.requests += ahead.requests
            ahead.close()

    def _guard(self, gone: set[str], known: dict[str, str]) -> None:
        if self.confirm_deletions:
            return
        here = [c for c in (reader.card_at(self.book.book_id, h) for h in gone) if c]
        here_ids = [c.contact_id for c in here if c.contact_id is not None]
        local_total = max(reader.count_all_contacts(), 1)
        deletes_there = [r for r in reader.sync_outbox() if r.op == "delete"]
        remote_total = max(len(known), 1)
        if len(here_ids) >= DELETE_FLOOR and len(here_ids) > DELETE_SHARE * local_total:
            raise NeedsConfirmation(
                f"the server no longer has {len(here_ids)} of your {local_total} contacts; "
                "NetDesk stopped before deleting them here",
                len(here_ids),
                len(deletes_there),
            )
        if len(deletes_there) >= DELETE_FLOOR and len(deletes_there) > DELETE_SHARE * remote_total:
            raise NeedsConfirmation(
                f"{len(deletes_there)} of the {remote_total} cards on the server would be "
                "deleted; NetDesk stopped before deleting them there",
                len(here_ids),
                len(deletes_there),
            )

    def _take_batch(self, batch: list[dav.Card]) -> None:
        if not batch:
            return
        # One transaction for the batch: the server's cards land together or not at all.
        # Cards that are nobody here yet are inserted together, as an import inserts.
        new: list[tuple[dav.Card, ContactRecord]] = []
        with writer.quiet_sync(self.now):
            for card in batch:
                record = cards.read_card(card.text, card.href)
                if record is None:
                    continue
                if reader.card_at(self.book.book_id, card.href) is None and (
                    self._match(record) is None
                ):
                    new.append((card, record))
                else:
                    self.take(card)
            if new:
                ids = _insert([r for _, r in new], self.now)
                for contact_id, (card, record) in zip(ids, new, strict=True):
                    writer.link_card(
                        self.book.book_id,
                        card.href,
                        contact_id,
                        uid=record.uid,
                        etag=card.etag,
                        base=card.text,
                    )
                self.report.added_here += len(ids)
                self.report.contacts.update(ids)
                self._linked_contacts().update(ids)

    def _linked_contacts(self) -> set[int]:
        if self._linked is None:
            self._linked = reader.linked_contacts()
        return self._linked

    def _match(self, record: ContactRecord) -> int | None:
        """The contact a card new to NetDesk already is: same UID, else the importer's
        matching (same email, phone or profile; same name at the same company)."""
        linked = self._linked_contacts()
        if record.uid:
            if self._uids is None:
                self._uids = reader.contacts_by_uid()
            found = self._uids.get(record.uid)
            if found is not None and found not in linked:
                return found
        if self._known is None:
            self._known = importer.known_contacts()
        plan = plan_import([record], self._known)
        entry = plan.entries[0] if plan.entries else None
        if entry is None:
            return None
        if entry.contact_id is not None and entry.contact_id not in linked:
            return entry.contact_id
        free = [c for c in entry.candidates if c not in linked]
        return free[0] if entry.action == "duplicate" and free else None

    def take(self, card: dav.Card, link: SyncCard | None = None) -> int | None:
        """Bring one card from the server into the store; returns its contact's id."""
        record = cards.read_card(card.text, card.href)
        if record is None:
            return None
        book_id = self.book.book_id
        link = link or reader.card_at(book_id, card.href)
        contact_id = link.contact_id if link is not None else None
        mine = _record_of(contact_id) if contact_id is not None else None
        if contact_id is not None and mine is None:
            # Deleted here, changed there: the change wins and the contact comes back, so no
            # edit is lost; the deletion is dropped.
            writer.mark_pushed(contact_id, _version(contact_id))
            contact_id = None
        base = None
        if contact_id is None:
            contact_id = self._match(record)
            mine = _record_of(contact_id) if contact_id is not None else None
        elif link is not None and link.base:
            base = cards.read_card(link.base)
        if contact_id is None or mine is None:
            contact_id = writer.save_synced_record(None, record, self.now)
            self.report.added_here += 1
            self.report.contacts.add(contact_id)
            self._linked_contacts().add(contact_id)
            writer.link_card(
                book_id, card.href, contact_id, uid=record.uid, etag=card.etag, base=card.text
            )
            return contact_id
        self._linked_contacts().add(contact_id)
        held = reader.conflicted_fields(contact_id)
        merged = cards.merge(base, mine, record, held=held)
        # What NetDesk does not model is the server's: kept here as the server has it.
        extra_moved = list(mine.extra) != list(record.extra)
        if merged.local or extra_moved:
            written = _with_uid(merged.record, mine.uid)
            written.extra = list(record.extra)
            writer.save_synced_record(contact_id, written, self.now)
            self.report.updated_here += 1 if merged.local else 0
            self.report.contacts.add(contact_id)
        moved = {n for n in held if base is None or cards.differing(base, record, [n])}
        found = merged.conflicts | moved
        if found:
            writer.keep_conflicts(
                contact_id,
                {
                    n: (cards.field_value(n, mine), cards.field_value(n, record))
                    for n in sorted(found)
                },
                self.now,
            )
            self.report.conflicts += len(merged.conflicts)
            self.report.contacts.add(contact_id)
        if not mine.uid and record.uid:
            writer.set_card_uid(contact_id, record.uid, self.now)
        writer.link_card(
            book_id, card.href, contact_id, uid=record.uid, etag=card.etag, base=card.text
        )
        if merged.push:
            writer.queue_for_sync([contact_id], self.now)
        return contact_id

    def _gone(self, hrefs: list[str]) -> None:
        """Cards deleted on the server: their contacts go too, unless edited here since (the
        edit wins: the contact stays and becomes a new card)."""
        with writer.quiet_sync(self.now):
            doomed = []
            for href in hrefs:
                link = reader.card_at(self.book.book_id, href)
                writer.drop_card(self.book.book_id, href)
                if link is None or link.contact_id is None:
                    continue
                pending = reader.sync_outbox_entry(link.contact_id)
                if pending is not None and pending.op == "put":
                    continue
                doomed.append(link.contact_id)
            if doomed:
                writer.delete_synced_contacts(doomed, self.now)
                self.report.deleted_here += len(doomed)
                self.report.removed.update(doomed)

    # --- push ---------------------------------------------------------------------------

    def push(self) -> None:
        mine = {b.book_id for b in [self.book]}
        for row in reader.sync_outbox():
            link = reader.card_of(row.contact_id)
            if link is not None and link.book_id not in mine:
                continue  # another address book's card
            if link is None and (row.op == "delete" or not self.takes_new):
                if row.op == "delete":
                    writer.mark_pushed(row.contact_id, row.version)
                continue
            if row.op == "delete":
                assert link is not None
                self._push_delete(link, row.version)
            elif link is None or link.base is None:
                self._push_new(row.contact_id, link, row.version)
            else:
                self._push_update(link, row.version)
        for link in reader.unconfirmed_cards(self.book.book_id):
            if link.contact_id is not None and reader.sync_outbox_entry(link.contact_id) is None:
                self._push_new(link.contact_id, link, None)
        if self.takes_new:
            for contact_id in reader.unlinked_contacts():
                if reader.sync_outbox_entry(contact_id) is None:
                    self._push_new(contact_id, None, None)
        if self._placed:
            # The token moves past the cards just placed (their ETags are known, so none is
            # read again); what another client changed meanwhile comes in as any change does.
            self._placed = 0
            self.pull()

    def _push_delete(self, link: SyncCard, version: int) -> None:
        assert link.contact_id is not None
        try:
            dav.delete(self.client, link.href, etag=link.etag)
        except dav.PreconditionFailed:
            # Changed on the server since: the change wins, the contact comes back.
            card = dav.get(self.client, link.href)
            with writer.quiet_sync(self.now):
                writer.mark_pushed(link.contact_id, version)
                if card is not None:
                    self.take(card)
                else:
                    writer.drop_card(link.book_id, link.href)
            return
        except dav.Rejected as exc:
            self._rejected(link.contact_id, exc)
            return
        with writer.quiet_sync(self.now):
            writer.drop_card(link.book_id, link.href)
            writer.mark_pushed(link.contact_id, version)
        self.report.deleted_there += 1

    def _push_update(self, link: SyncCard, version: int | None, *, again: bool = True) -> None:
        assert link.contact_id is not None and link.base is not None
        contact_id = link.contact_id
        mine = _record_of(contact_id)
        base = cards.read_card(link.base)
        if mine is None or base is None:
            if version is not None:
                writer.mark_pushed(contact_id, version)
            return
        names = cards.differing(mine, base) - reader.conflicted_fields(contact_id)
        if not names:
            if version is not None:
                writer.mark_pushed(contact_id, version)
            return
        text = cards.compose(link.base, mine, names)
        try:
            etag = dav.put(self.client, link.href, text, etag=link.etag)
        except dav.PreconditionFailed:
            self._moved_on(link, version, again)
            return
        except dav.Rejected as exc:
            self._rejected(contact_id, exc)
            return
        self._confirmed(link.href, contact_id, mine.uid or link.uid, etag, text, version)
        self.report.updated_there += 1

    def _moved_on(self, link: SyncCard, version: int | None, again: bool) -> None:
        """412: the card changed on the server since we last read it. Read it, merge, and
        push what is still ours (once: a server that keeps moving waits for the next sync)."""
        card = dav.get(self.client, link.href)
        with writer.quiet_sync(self.now):
            if card is None:
                # Gone on the server meanwhile: the contact is pushed as a new card.
                writer.drop_card(link.book_id, link.href)
            else:
                self.take(card, link)
        fresh = reader.card_at(link.book_id, link.href)
        if not again or link.contact_id is None:
            return
        # The merge may have queued the contact again: what is pushed now covers that too.
        version = _version(link.contact_id) or version
        if fresh is None:
            self._push_new(link.contact_id, None, version)
        elif fresh.base is not None:
            self._push_update(fresh, version, again=False)

    def _push_new(self, contact_id: int, link: SyncCard | None, version: int | None) -> None:
        mine = _record_of(contact_id)
        if mine is None:
            if version is not None:
                writer.mark_pushed(contact_id, version)
            return
        uid = mine.uid or str(uuid.uuid4())
        if link is None:
            href = dav.card_href(self.book.href, uid)
            taken = reader.card_at(self.book.book_id, href)
            if taken is not None and taken.contact_id != contact_id:
                uid = str(uuid.uuid4())
                href = dav.card_href(self.book.href, uid)
            # Where the card goes is committed before it is sent: a sync stopped after the
            # server took it finds it there (a 412) instead of sending it again elsewhere.
            with writer.quiet_sync(self.now):
                if not mine.uid or mine.uid != uid:
                    writer.set_card_uid(contact_id, uid, self.now)
                writer.link_card(self.book.book_id, href, contact_id, uid=uid, etag="", base=None)
        else:
            href = link.href
            uid = link.uid or uid
        mine.uid = uid
        text = cards.new_card(mine, "3.0")
        try:
            etag = dav.put(self.client, href, text, etag=None)
        except dav.PreconditionFailed:
            # Already there: sent by a sync that stopped before it heard back, or made by
            # another client with this UID. Merge with it rather than make a second one.
            card = dav.get(self.client, href)
            if card is None:
                return
            self._placed += 1
            with writer.quiet_sync(self.now):
                self.take(card, reader.card_at(self.book.book_id, href))
            fresh = reader.card_at(self.book.book_id, href)
            if fresh is not None and fresh.base is not None:
                self._push_update(fresh, _version(contact_id) or version, again=False)
            return
        except dav.Rejected as exc:
            self._rejected(contact_id, exc)
            return
        self._confirmed(href, contact_id, uid, etag, text, version)
        self.report.added_there += 1
        self._placed += 1

    def _confirmed(
        self, href: str, contact_id: int, uid: str, etag: str, text: str, version: int | None
    ) -> None:
        """The server took the card: keep its ETag and text as the new base."""
        if not etag:
            # No ETag in the answer (or a weak one): read the card back for both; the
            # server may also have rewritten it.
            card = dav.get(self.client, href)
            if card is not None:
                etag, text = card.etag, card.text
        with writer.quiet_sync(self.now):
            writer.link_card(self.book.book_id, href, contact_id, uid=uid, etag=etag, base=text)
            if version is not None:
                writer.mark_pushed(contact_id, version)

    def _rejected(self, contact_id: int, exc: dav.Rejected) -> None:
        writer.reject_card(contact_id, self.book.book_id, exc.status, exc.reason, self.now)
        record = _record_of(contact_id)
        self.report.rejected.append(
            Rejection(contact_id, record.display_name if record else "", exc.status, exc.reason)
        )


def _insert(records: list[ContactRecord], now: dt.datetime) -> list[int]:
    """New contacts from cards new to NetDesk, inserted together as an import inserts them
    (inside the batch's quiet change: they came from the server)."""
    with writer.change(now) as changed:
        ids = importer.insert_contacts([(record, {}) for record in records], now, None)
        changed.contact(ids, rules=True)
    return ids


def _version(contact_id: int) -> int:
    row = reader.sync_outbox_entry(contact_id)
    return row.version if row is not None else 0


def _with_uid(record: ContactRecord, uid: str) -> ContactRecord:
    return dataclasses.replace(record, uid=uid or record.uid)


def sync_account(
    account: SyncAccount,
    password: str,
    now: dt.datetime,
    *,
    confirm_deletions: bool = False,
    client: Client | None = None,
    progress: Progress | None = None,
) -> Report:
    """Sync every address book the account syncs; returns what was done. Raises SyncError
    (Offline when the server cannot be reached) with what stopped it; what was done before
    stays done."""
    report = Report()
    own = client or Client(account.url, account.username, password)
    try:
        books = [b for b in account.books if b.enabled]
        first = _first_synced_account()
        for index, book in enumerate(books):
            if progress is not None:
                progress(book.name)
            step = BookSync(
                own,
                book,
                now,
                report,
                takes_new=index == 0 and first == account.account_id,
                confirm_deletions=confirm_deletions,
            )
            step.pull()
            step.push()
        report.requests += own.requests
    except SyncError as exc:
        writer.note_sync(account.account_id, now, str(exc))
        raise
    finally:
        if client is None:
            own.close()
    writer.note_sync(account.account_id, now)
    return report


def _first_synced_account() -> int | None:
    """New contacts go to the first synced address book of the first account."""
    for account in reader.sync_accounts():
        if any(b.enabled for b in account.books):
            return account.account_id
    return None
