"""Applying an import plan in one transaction, and undoing it: the store's side of import."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import json
import sqlite3
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from netdesk.core.contact_files import read_contact_file
from netdesk.core.domain import Direction, InteractionKind
from netdesk.core.matching import (
    CHANGE_FIELDS,
    BlockPlanner,
    Changes,
    Choice,
    ImportPlan,
    KnownContacts,
    PlanEntry,
    RecordKeys,
    apply_choices,
    company_key,
    merge_records,
    name_key,
    normalize_email,
    normalize_linkedin,
    normalize_phone,
    phone_identity,
    plan_import,
)
from netdesk.core.read_ahead import ReadAhead
from netdesk.core.records import ContactRecord, ImportProblem, join_tags, split_tags
from netdesk.store import reader, writer
from netdesk.store.locks import database_file, import_running, write_transaction
from netdesk.store.models import Company, Contact, ImportBatch, Interaction, db
from netdesk.store.reader.contacts import fill_cards
from netdesk.store.sql import chunks, dict_rows, id_sets, iso, raw_connection
from netdesk.store.writer import contacts as cards
from netdesk.store.writer import derived

_NO_EXTRA: Mapping[str, Any] = {}

# Matching only needs to know that a contact has a photo; loading every photo of a large
# network to find that out would cost hundreds of megabytes.
PHOTO_PRESENT = b"\x00"


def read_files(paths: Sequence[Path]) -> Iterator[ContactRecord | ImportProblem]:
    """Every record and problem in the files, in order."""
    for path in paths:
        yield from read_contact_file(path)


class _ReadAhead(ReadAhead[ContactRecord | ImportProblem]):
    """The records of `items`, read by a thread of their own while the import waits on
    SQLite (which lets other Python threads run then): at a commit, at the full-text index
    (gated: beside Python work of the import it would only contend for the interpreter, and
    a statement run row by row would wait for it at every row)."""

    _CHUNK = 512  # records handed over at a time
    _AHEAD = 4  # chunks read and not yet taken, at most
    # Seconds a thread runs before another waiting for the interpreter takes its turn, while
    # the reading thread runs (Python's default: 5 ms).
    _TURN = 0.0005

    def __init__(self, items: Iterator[ContactRecord | ImportProblem]) -> None:
        # When SQLite is done, the importing thread waits for the reading thread to let go
        # of the interpreter: a shorter turn than Python's 5 ms while both run.
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, self._TURN))
        super().__init__(
            items, chunk=self._CHUNK, ahead=self._AHEAD, name="import-read-ahead", gated=True
        )

    def close(self) -> None:
        super().close()
        sys.setswitchinterval(self._interval)


class _Records:
    """The records of the files: read by the importing thread until `read_ahead` hands the
    rest to a thread of their own."""

    def __init__(self, items: Iterable[ContactRecord | ImportProblem]) -> None:
        self._items = iter(items)
        self._next = self._items.__next__
        self._ahead: _ReadAhead | None = None

    def __iter__(self) -> _Records:
        return self

    def __next__(self) -> ContactRecord | ImportProblem:
        return self._next()

    def read_ahead(self) -> _ReadAhead:
        if self._ahead is None:
            self._ahead = _ReadAhead(self._items)
            self._next = iter(self._ahead).__next__
        return self._ahead


def plan_files(paths: Sequence[Path]) -> ImportPlan:
    """Read the files and match them against the store: what the preview shows."""
    cards.use_phone_region()
    return plan_import(read_files(paths), known_contacts())


def known_contacts() -> KnownContacts:
    """Everything matching needs about the store, read in a few bulk queries.

    The identifier maps come from the key columns (every write path fills them with the
    matching normalizers); the lowest contact id wins a shared key, as in
    KnownContacts.from_records. Full records are read only for the contacts a file
    matches, and the name-and-company map only when a record matches nobody.
    """
    conn = raw_connection(db)
    records = _StoredRecords()
    return KnownContacts(
        by_email=dict(conn.execute("SELECT key, min(contact_id) FROM contact_email GROUP BY key")),
        by_phone=dict(
            conn.execute(
                "SELECT key, min(contact_id) FROM contact_phone WHERE key != '' GROUP BY key"
            )
        ),
        by_linkedin=dict(
            conn.execute(
                "SELECT linkedin_key, min(id) FROM contact WHERE linkedin_key != '' "
                "GROUP BY linkedin_key"
            )
        ),
        by_name_company=_NamesAtCompanies(),
        records=records,
        fetch=records.prefetch,
    )


class _StoredRecords(Mapping[int, ContactRecord]):
    """Contacts as records by id, read from the store on first use (see all_records)."""

    def __init__(self) -> None:
        self._loaded: dict[int, ContactRecord | None] = {}

    def prefetch(self, contact_ids: Sequence[int]) -> None:
        missing = [cid for cid in contact_ids if cid not in self._loaded]
        for chunk in chunks(missing):
            found = all_records(chunk)
            for cid in chunk:
                self._loaded[cid] = found.get(cid)

    def forget(self) -> None:
        """Drop the records read so far (they are read again when next asked for)."""
        self._loaded.clear()

    def __getitem__(self, contact_id: int) -> ContactRecord:
        if contact_id not in self._loaded:
            self.prefetch([contact_id])
        record = self._loaded[contact_id]
        if record is None:
            raise KeyError(contact_id)
        return record

    def __iter__(self) -> Iterator[int]:
        return (int(row[0]) for row in db.execute_sql("SELECT id FROM contact ORDER BY id"))

    def __len__(self) -> int:
        return int(db.execute_sql("SELECT count(*) FROM contact").fetchone()[0])


class _NamesAtCompanies(Mapping[tuple[str, str], list[int]]):
    """(name key, company key) -> contact ids, in id order; built from the store on first use.

    `upto`, when given, leaves out contacts with a higher id (those an import in progress
    has added since it started).
    """

    def __init__(self, upto: int | None = None) -> None:
        self._map: dict[tuple[str, str], list[int]] | None = None
        self._upto = upto

    def _built(self) -> dict[tuple[str, str], list[int]]:
        if self._map is None:
            built: dict[tuple[str, str], list[int]] = {}
            probe = ContactRecord()
            where = "" if self._upto is None else f" WHERE c.id <= {int(self._upto)}"
            for cid, name, given, family, org in db.execute_sql(
                "SELECT c.id, c.display_name, c.given_name, c.family_name, coalesce(co.name, '') "
                f"FROM contact c LEFT JOIN company co ON co.id = c.company_id{where} ORDER BY c.id"
            ):
                probe.display_name, probe.given_name, probe.family_name = name, given, family
                if nk := name_key(probe):
                    built.setdefault((nk, company_key(org)), []).append(cid)
            self._map = built
        return self._map

    def __getitem__(self, key: tuple[str, str]) -> list[int]:
        return self._built()[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


def all_records(contact_ids: Sequence[int] | None = None) -> dict[int, ContactRecord]:
    """Contacts as plain records, by id (all of them, or those given).

    A contact's photo is stood for by PHOTO_PRESENT, not loaded.
    """
    wanted: set[int] | None = None
    groups: list[tuple[str, list[int]]] = [("", [])]
    if contact_ids is not None:
        wanted = set(contact_ids)
        groups = [(f" WHERE c.id {ids.sql}", ids.params) for ids in id_sets(sorted(wanted))]
    records: dict[int, ContactRecord] = {}
    rows = (
        row
        for where, params in groups
        for row in db.execute_sql(
            "SELECT c.id, c.display_name, c.given_name, c.family_name, c.middle_name, "
            "c.prefix, c.suffix, c.nickname, coalesce(co.name, ''), c.title, c.notes, "
            "c.linkedin_url, c.urls, c.birthday, c.tags, c.uid, c.photo IS NOT NULL, c.role, "
            "c.org_units, c.anniversary FROM contact c "
            "LEFT JOIN company co ON co.id = c.company_id" + where,
            params,
        )
    )
    for row in rows:
        (cid, name, given, family, middle, prefix, suffix, nick, org, title, notes, li) = row[:12]
        if wanted is not None and cid not in wanted:
            continue  # in the range read, not asked for
        urls, birthday, tags, uid, has_photo, role, units, anniversary = row[12:]
        records[cid] = ContactRecord(
            display_name=name,
            given_name=given,
            family_name=family,
            middle_name=middle,
            prefix=prefix,
            suffix=suffix,
            nickname=nick,
            organization=org,
            title=title,
            notes=notes,
            linkedin_url=li,
            urls=[u for u in urls.splitlines() if u.strip()],
            birthday=birthday,
            tags=split_tags(tags),
            uid=uid,
            photo=PHOTO_PRESENT if has_photo else None,
            role=role,
            org_units=[u for u in units.splitlines() if u.strip()],
            anniversary=anniversary,
        )
    fill_cards(records)
    # LinkedIn's "Connected On" lives in the timeline as the connection interaction.
    connected = (
        found
        for where, params in groups
        for found in db.execute_sql(
            "SELECT contact_id, min(at) FROM interaction WHERE kind = ?"
            + where.replace("WHERE c.id", "AND contact_id")
            + " GROUP BY contact_id",
            [InteractionKind.CONNECTED.value, *params],
        )
    )
    for cid, at in connected:
        record = records.get(cid)
        if record is not None and at:
            record.connected_on = dt.datetime.fromisoformat(str(at)).date()
    return records


@dataclass(slots=True)
class Decisions:
    """What the user chose in the preview, by plan entry index: for likely duplicates, and
    per field where a card differs from the stored contact (PlanEntry.conflicts)."""

    merge_into: dict[int, int] = field(default_factory=dict)  # entry -> contact id
    keep_both: set[int] = field(default_factory=set)
    skip: set[int] = field(default_factory=set)
    # entry -> field -> "mine", "theirs" or "both" (matching.apply_choices)
    choices: dict[int, dict[str, Choice]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportResult:
    batch_id: int
    added: int
    updated: int
    skipped: int


def _contact_values(record: ContactRecord, company_id: int | None) -> dict[str, Any]:
    return {
        "display_name": record.display_name,
        "given_name": record.given_name,
        "family_name": record.family_name,
        "middle_name": record.middle_name,
        "prefix": record.prefix,
        "suffix": record.suffix,
        "nickname": record.nickname,
        "company_id": company_id,
        "title": record.title,
        "notes": record.notes,
        "linkedin_url": record.linkedin_url,
        "linkedin_key": normalize_linkedin(record.linkedin_url) if record.linkedin_url else "",
        "urls": "\n".join(record.urls),
        "birthday": record.birthday,
        "tags": join_tags(record.tags),
        "uid": record.uid,
        "role": record.role,
        "org_units": "\n".join(record.org_units),
        "anniversary": record.anniversary,
    }


class _Companies:
    """Company ids by name for one import, so each company is looked up (or made) once."""

    def __init__(self) -> None:
        self._by_name: dict[str, int | None] = {}  # by the name as written
        self._by_key: dict[str, int] = {}

    @staticmethod
    def _key(stripped: str) -> str:
        return company_key(stripped) or stripped.casefold()  # as writer.company_for_name

    def resolve(self, names: Iterable[str]) -> None:
        """Look up, or make, the companies of many names in a few statements.

        A new company is named as the first name that asked for it was written.
        """
        first: dict[str, str] = {}  # company key -> first name written for it
        for name in dict.fromkeys(names):
            stripped = name.strip()
            if name in self._by_name or not stripped:
                continue
            key = self._key(stripped)
            if key not in self._by_key:
                first.setdefault(key, stripped)
        if not first:
            return
        keys = list(first)
        self._lookup(keys)
        new = [{"name": first[k], "key": k} for k in keys if k not in self._by_key]
        for start in range(0, len(new), 200):
            Company.insert_many(new[start : start + 200]).execute()
        self._lookup([row["key"] for row in new])

    def _lookup(self, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            self._by_key.update(
                db.execute_sql(f"SELECT key, id FROM company WHERE key IN ({marks})", list(chunk))
            )

    def id_for(self, name: str) -> int | None:
        if name in self._by_name:
            return self._by_name[name]
        stripped = name.strip()
        company_id = None
        if stripped:
            key = self._key(stripped)
            if key not in self._by_key:
                self.resolve([name])
            company_id = self._by_key.get(key)
        self._by_name[name] = company_id
        return company_id


_CONTACT_COLUMNS = (
    "id, display_name, given_name, family_name, middle_name, prefix, suffix, nickname, "
    "company_id, title, notes, linkedin_url, linkedin_key, urls, birthday, tags, uid, "
    "photo, photo_mime, how_known, tie, reference_consent, above_and_beyond, archived, "
    "created_at, updated_at, import_batch_id, touch_count, first_touch_kind, "
    "first_touch_summary, role, org_units, anniversary"
)


def insert_contacts(
    records: Sequence[tuple[ContactRecord, Mapping[str, Any]]],
    now: dt.datetime,
    batch_id: int | None,
    keys: Sequence[RecordKeys | None] | None = None,
    *,
    meanwhile: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext,
) -> list[int]:
    """Insert many new contacts fast (inside the caller's transaction); returns their ids.

    Each item is a record and extra contact columns (tie, how_known...). `keys`, when given,
    holds each record's normalized identifiers as matching computed them (None: compute).
    `meanwhile` surrounds the filling of the full-text index, which runs in SQLite alone.
    The ids are given explicitly, which is safe because the caller holds the write
    transaction.
    """
    companies = _Companies()
    companies.resolve(record.organization for record, _ in records)
    conn = raw_connection(db)
    next_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM contact").fetchone()[0]) + 1
    contact_rows: list[tuple[Any, ...]] = []
    email_rows: list[tuple[Any, ...]] = []
    phone_rows: list[tuple[Any, ...]] = []
    url_rows: list[tuple[Any, ...]] = []
    address_rows: list[tuple[Any, ...]] = []
    property_rows: list[tuple[Any, ...]] = []
    interaction_rows: list[tuple[Any, ...]] = []
    ids: list[int] = []
    stamp = iso(now)
    id_for = companies.id_for
    add_contact = contact_rows.append
    # The columns after the photo: from the extras, then the bookkeeping of a new contact.
    plain_tail = ("", "unsorted", 0, 0, 0, stamp, stamp, batch_id, 0, "", "")
    for index, (record, extra) in enumerate(records):
        cid = next_id
        next_id += 1
        ids.append(cid)
        emails, phones = record.emails, record.phones
        known = keys[index] if keys is not None else None
        if known is None or len(known.emails) != len(emails) or len(known.phones) != len(phones):
            known = RecordKeys.of(record)
        tail = plain_tail
        if extra:
            tail = (
                extra.get("how_known", ""),
                extra.get("tie", "unsorted"),
                int(bool(extra.get("reference_consent", False))),
                int(bool(extra.get("above_and_beyond", False))),
                *plain_tail[4:],
            )
        add_contact(
            (
                cid,
                record.display_name,
                record.given_name,
                record.family_name,
                record.middle_name,
                record.prefix,
                record.suffix,
                record.nickname,
                id_for(record.organization),
                record.title,
                record.notes,
                record.linkedin_url,
                known.linkedin,
                "\n".join(record.urls),
                record.birthday,
                join_tags(record.tags) if record.tags else "",
                record.uid,
                record.photo,
                record.photo_mime,
                *tail,
                record.role,
                "\n".join(record.org_units) if record.org_units else "",
                record.anniversary,
            )
        )
        if emails:
            email_rows += cards.typed_rows(
                cid, emails, record.email_attrs, normalize_email, normalize_email, known.emails
            )
        if phones:
            phone_rows += cards.typed_rows(
                cid, phones, record.phone_attrs, normalize_phone, phone_identity, known.phones
            )
        if record.urls or record.linkedin_url:
            url_rows += cards.url_rows(cid, record)
        if record.addresses:
            address_rows += cards.address_rows(cid, record.addresses)
        if record.extra:
            property_rows += cards.property_rows(cid, record.extra)
        if record.connected_on is not None:
            at = dt.datetime.combine(record.connected_on, dt.time(12, 0))
            interaction_rows.append(
                (
                    cid,
                    InteractionKind.CONNECTED.value,
                    iso(at),
                    "Connected on LinkedIn",
                    "",
                    Direction.MUTUAL.value,
                    stamp,
                    batch_id,
                )
            )
    marks = ",".join("?" * len(_CONTACT_COLUMNS.split(",")))
    with derived.bulk_insert(ids, meanwhile):
        conn.executemany(f"INSERT INTO contact ({_CONTACT_COLUMNS}) VALUES ({marks})", contact_rows)
        conn.executemany(cards.EMAIL_INSERT, email_rows)
        conn.executemany(cards.PHONE_INSERT, phone_rows)
        conn.executemany(cards.URL_INSERT, url_rows)
        conn.executemany(cards.ADDRESS_INSERT, address_rows)
        conn.executemany(cards.PROPERTY_INSERT, property_rows)
    insert_interactions(interaction_rows)
    return ids


def insert_interactions(rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows of (contact_id, kind, at, summary, helped, direction, created_at, import_batch_id)."""
    raw_connection(db).executemany(
        "INSERT INTO interaction (contact_id, kind, at, summary, helped, direction, created_at, "
        "import_batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _snapshot_for_undo(contact_id: int) -> dict[str, Any]:
    [row] = dict_rows(Contact.select().where(Contact.id == contact_id))
    row.pop("photo", None)  # an import never removes a photo, so undo never needs one back
    card: dict[str, dict[str, Any]] = {}
    for table in _CARD_TABLES:
        cursor = db.execute_sql(
            f"SELECT * FROM {table} WHERE contact_id = ? ORDER BY id", (contact_id,)
        )
        columns = [d[0] for d in cursor.description]
        keep = [i for i, name in enumerate(columns) if name != "id"]
        card[table] = {
            "columns": [columns[i] for i in keep],
            "rows": [[row[i] for i in keep] for row in cursor],
        }
    return {
        "contact_id": contact_id,
        "before": {k: _jsonable(v) for k, v in row.items()},
        "emails": reader.contact_emails(contact_id),
        "phones": reader.contact_phones(contact_id),
        "card": card,
    }


# The rows of a contact's card an import may change, which undoing it puts back as they were.
_CARD_TABLES = (
    "contact_email",
    "contact_phone",
    "contact_url",
    "contact_address",
    "contact_property",
)


def _restore_card(contact_id: int, card: Mapping[str, Mapping[str, Any]]) -> None:
    conn = raw_connection(db)
    for table in _CARD_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE contact_id = ?", (contact_id,))
        saved = card.get(table)
        if saved and saved["rows"]:
            columns = saved["columns"]
            marks = ",".join("?" * len(columns))
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", saved["rows"]
            )


def apply_plan(
    plan: ImportPlan,
    sources: Sequence[str],
    now: dt.datetime,
    decisions: Decisions | None = None,
) -> ImportResult:
    """Write the plan in one transaction and record the batch, so it can be undone.

    Likely duplicates are merged into their first candidate unless `decisions` says
    otherwise: merging never overwrites anything, so nobody is lost and nobody doubled.
    The writes are stream_import's, given the whole plan as one block.
    """
    with write_transaction(db):
        writer = _Writer(now, list(sources), decisions=decisions or Decisions())
        writer.begin()
        writer.write(0, plan.entries)
        done = writer.finish()
    assert done.batch_id is not None
    return ImportResult(done.batch_id, done.added, done.updated, done.skipped)


def _apply_updates(
    updates: Sequence[tuple[int, ContactRecord]],
    now: dt.datetime,
    batch_id: int,
    undo: list[dict[str, Any]],
    snapshotted: set[int] | None = None,
    new_after: int | None = None,
    companies: _Companies | None = None,
) -> list[int]:
    """Merge each record into its contact; the contacts changed, each once, in order.

    A contact's state before the import goes to `undo` the first time it changes
    (`snapshotted` names those already kept, across calls); a contact with an id above
    `new_after` was added by this import, which undo removes whole, so it needs none.
    """
    if not updates:
        return []
    current = all_records(list(dict.fromkeys(cid for cid, _ in updates)))
    companies = companies or _Companies()
    snapshotted = set() if snapshotted is None else snapshotted
    done: list[int] = []
    done_set: set[int] = set()
    for contact_id, incoming in updates:
        old = current.get(contact_id)
        if old is None:
            continue
        merged, changes = merge_records(old, incoming)
        if not changes:
            continue
        if contact_id not in done_set:
            if contact_id not in snapshotted and (new_after is None or contact_id <= new_after):
                undo.append(_snapshot_for_undo(contact_id))
                snapshotted.add(contact_id)
            done.append(contact_id)
            done_set.add(contact_id)
        values = _contact_values(merged, companies.id_for(merged.organization))
        values.pop("uid")
        company_id = values.pop("company_id")
        Contact.update(company=company_id, updated_at=now, **values).where(
            Contact.id == contact_id
        ).execute()
        if "photo" in changes:
            Contact.update(photo=merged.photo, photo_mime=merged.photo_mime).where(
                Contact.id == contact_id
            ).execute()
        if "emails" in changes or "email_types" in changes:
            writer.set_emails(contact_id, merged.emails, merged.email_attrs)
        if "phones" in changes or "phone_types" in changes:
            writer.set_phones(contact_id, merged.phones, merged.phone_attrs)
        if _URL_CHANGES & changes.keys():
            cards.set_urls(contact_id, merged)
        if "addresses" in changes:
            cards.set_addresses(contact_id, merged.addresses)
        if "extra" in changes:
            cards.set_extra(contact_id, merged.extra)
        if "connected_on" in changes and merged.connected_on is not None:
            at = dt.datetime.combine(merged.connected_on, dt.time(12, 0))
            insert_interactions(
                [
                    (
                        contact_id,
                        InteractionKind.CONNECTED.value,
                        iso(at),
                        "Connected on LinkedIn",
                        "",
                        Direction.MUTUAL.value,
                        iso(now),
                        batch_id,
                    )
                ]
            )
        current[contact_id] = merged
    return done


_URL_CHANGES = frozenset({"urls", "linkedin_url", "url_types"})


def undo_import(batch_id: int, now: dt.datetime) -> tuple[int, int]:
    """Remove what a batch added and put back what it changed; returns (removed, reverted)."""
    with write_transaction(db):
        batch = ImportBatch.get_by_id(batch_id)
        if batch.undone_at is not None:
            return (0, 0)
        added = [c.id for c in Contact.select(Contact.id).where(Contact.import_batch == batch_id)]
        for chunk in chunks(added):
            Contact.delete().where(Contact.id.in_(chunk)).execute()
        # Contacts the batch only gave timeline entries (an imported history) are brought
        # in step too once those entries go.
        timelines = {
            i.contact_id
            for i in Interaction.select(Interaction.contact).where(
                Interaction.import_batch == batch_id
            )
        } - set(added)
        Interaction.delete().where(Interaction.import_batch == batch_id).execute()
        reverted = []
        saved = json.loads(batch.undo_data or "[]")
        # An import that commits block by block keeps {"unfinished": true, "undo": [...]}
        # until it finishes.
        for item in saved["undo"] if isinstance(saved, dict) else saved:
            cid = item["contact_id"]
            before = dict(item["before"])
            before.pop("id", None)
            Contact.update(**{k: v for k, v in before.items() if k in Contact._meta.fields}).where(
                Contact.id == cid
            ).execute()
            if "card" in item:
                _restore_card(cid, item["card"])
            else:  # a batch from before schema 8
                writer.set_emails(cid, item["emails"])
                writer.set_phones(cid, item["phones"])
            reverted.append(cid)
        batch.undone_at = now
        batch.save()
        settled = sorted(set(reverted) | timelines)
        derived.refresh_touch_summary(settled)
        derived.recompute_follow_ups(settled, now)
    return (len(added), len(reverted))


def last_batch() -> ImportBatch | None:
    """The newest import that has not been undone."""
    summary = reader.last_import()
    return None if summary is None else ImportBatch.get_by_id(summary.batch_id)


# --- the engine: plan a block of records, write it, merge late records ------------------

DuplicatePolicy = Literal["merge", "keep", "skip"]

# What became of each written entry, for records of the same person later in the file.
_NOTHING, _ADDED, _UPDATED, _UNCHANGED, _MERGED = 0, 1, 2, 3, 4
# Records read, matched and written at a time: memory holds one block, not the file.
STREAM_BLOCK = 512
# Up to this size (a few tens of thousands of cards, some tens of MB in memory) the files
# are matched and written as one block.
WHOLE_FILE_BYTES = 16 * 1024 * 1024
# Cards written per transaction by an import that commits block by block: a few tenths of a
# second of writing, the longest another writer then waits.
COMMIT_BLOCK = 1024
# Identifier keys the planner holds in memory (a few MB) before it moves them to a
# temporary database: a file of some ten thousand cards never pays for the round trips,
# and a bigger one still imports in bounded memory.
KEEP_KEYS = 50_000


@dataclass(slots=True)
class StreamedImport:
    """What stream_import did: counts per plan action, and what it wrote."""

    counts: dict[str, int]
    batch_id: int | None = None
    added: int = 0
    updated: int = 0
    skipped: int = 0
    # Entries whose action and changes moved after they were reported (a later record of
    # the same person), by entry index: the final (action, changes).
    revised: dict[int, tuple[str, Changes]] = field(default_factory=dict)


class _SpilledKeys:
    """A BlockPlanner's identifier maps in a private temporary database (on disk, small cache)."""

    def __init__(self) -> None:
        # "" names a temporary database that SQLite deletes when it is closed.
        self._conn = sqlite3.connect("", isolation_level=None)
        self._conn.execute("PRAGMA cache_size = -4000")
        for kind in ("email", "phone", "linkedin"):
            self._conn.execute(
                f"CREATE TABLE own_{kind} (key TEXT PRIMARY KEY, idx INTEGER) WITHOUT ROWID"
            )

    def load(self, kind: str, keys: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                self._conn.execute(f"SELECT key, idx FROM own_{kind} WHERE key IN ({marks})", chunk)
            )
        return found

    def save(self, kind: str, items: Mapping[str, int]) -> None:
        self._conn.execute("BEGIN")
        self._conn.executemany(
            f"INSERT OR IGNORE INTO own_{kind} (key, idx) VALUES (?, ?)", items.items()
        )
        self._conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()


class _KnownByBlock:
    """Fills `known`'s identifier maps with just the keys of the block about to be matched.

    The answers are those known_contacts would have given when the import began (lowest
    contact id per key): contacts added since (ids above `upto`) are left out, and a
    contact this import changed counts with the keys it had before (`note_before`).
    """

    _SQL: ClassVar[dict[str, str]] = {
        "email": "SELECT key, contact_id FROM contact_email WHERE contact_id <= ? AND key IN ",
        "phone": "SELECT key, contact_id FROM contact_phone WHERE contact_id <= ? AND key IN ",
        "linkedin": "SELECT linkedin_key, id FROM contact WHERE id <= ? AND linkedin_key IN ",
    }

    def __init__(self, known: KnownContacts, upto: int) -> None:
        self.known = known
        self.upto = upto
        self.changed: set[int] = set()
        self.before: dict[str, dict[str, set[int]]] = {kind: {} for kind in self._SQL}

    def note_before(self, snapshot: Mapping[str, Any]) -> None:
        """A contact about to change (its undo snapshot): keep the keys it had."""
        cid = int(snapshot["contact_id"])
        self.changed.add(cid)
        keys = {
            "email": [normalize_email(e) for e in snapshot["emails"]],
            "phone": [normalize_phone(p) for p in snapshot["phones"]],
            "linkedin": [str(snapshot["before"].get("linkedin_key") or "")],
        }
        for kind, found in keys.items():
            for key in found:
                if key:
                    self.before[kind].setdefault(key, set()).add(cid)

    def __call__(self, emails: set[str], phones: set[str], profiles: set[str]) -> None:
        conn = raw_connection(db)
        known = self.known
        for kind, target, wanted in (
            ("email", known.by_email, emails),
            ("phone", known.by_phone, phones),
            ("linkedin", known.by_linkedin, profiles),
        ):
            best: dict[str, int] = {}
            keys = list(wanted)
            # Into a store that was empty when the import began, no key is known.
            for start in range(0, len(keys) if self.upto > 0 else 0, 500):
                chunk = keys[start : start + 500]
                sql = self._SQL[kind] + f"({','.join('?' * len(chunk))})"
                for key, cid in conn.execute(sql, [self.upto, *chunk]):
                    if cid not in self.changed and (key not in best or cid < best[key]):
                        best[key] = cid
            before = self.before[kind]
            if before:
                for key in keys:
                    for cid in before.get(key, ()):
                        if key not in best or cid < best[key]:
                            best[key] = cid
            target.clear()
            target.update(best)


def stream_import(
    paths: Sequence[Path],
    now: dt.datetime,
    *,
    duplicates: DuplicatePolicy = "merge",
    dry_run: bool = False,
    before_write: Callable[[], None] | None = None,
    on_entry: Callable[[int, PlanEntry], None] | None = None,
    block_size: int = STREAM_BLOCK,
) -> StreamedImport:
    """Plan and apply an import a block of records at a time, in one transaction.

    The same plan and the same writes as plan_files + apply_plan (likely duplicates all
    handled by `duplicates`), but memory holds one block of records, not the file: each
    entry goes to `on_entry` (in file order) and to the store, then is dropped. A later
    record of a person already written is merged into the store's contact.

    `before_write` runs once, just before the first write, inside the transaction that
    has so far only read: a backup taken then holds exactly the store the import was
    matched against. Nothing is written (and it is not called) when the file brings
    nothing new, or on a dry run.
    """
    cards.use_phone_region()
    if block_size == STREAM_BLOCK and _total_size(paths) <= WHOLE_FILE_BYTES:
        # One block: the per-block bookkeeping costs more than the memory it saves here.
        block_size = 1 << 62
    upto = _highest_contact_id()
    records = _StoredRecords()
    known = KnownContacts(
        by_name_company=_NamesAtCompanies(upto), records=records, fetch=records.prefetch
    )
    spill = _SpilledKeys()
    by_block = _KnownByBlock(known, upto)
    planner = BlockPlanner(known, own_keys=spill, prepare=by_block, keep_keys=KEEP_KEYS)
    ahead: _ReadAhead | None = None
    writer = _Writer(
        now,
        [p.name for p in paths],
        duplicates=duplicates,
        dry_run=dry_run,
        before_write=before_write,
        by_block=by_block,
        upto=upto,
    )

    def step(block: list[ContactRecord | ImportProblem]) -> None:
        nonlocal ahead
        planner.add(block)
        start, entries = planner.drain()
        writes = any(e.action in ("new", "update", "duplicate") for e in entries)
        if by_blocks and ahead is None and writes:
            # From the first block that writes, cards are read while blocks commit; an
            # import that writes nothing (the same file again) reads them all here.
            ahead = items.read_ahead()
            stack.callback(ahead.close)
            writer.meanwhile = ahead.meanwhile
        # A block's writes are one transaction of their own when the import commits block
        # by block; reading and matching the next block holds no lock.
        backup_first = writer.before_write if by_blocks and writer.batch is None else None
        if backup_first and writes:
            # The backup reads the store through this connection: before the block's write
            # transaction, which SQLite's backup cannot read from.
            backup_first()
            writer.before_write = None
        try:
            with contextlib.nullcontext() if dry_run or not by_blocks else write_transaction(db):
                writer.write(start, entries, on_entry)
                del entries
                writer.late(planner.take_late())
                if by_blocks:
                    writer.save_progress()
                if ahead is not None:
                    ahead.let_read()  # while the block commits
        finally:
            if ahead is not None:
                ahead.hold()

    with contextlib.ExitStack() as stack:
        stack.callback(spill.close)
        stack.enter_context(_fewer_collections())
        # Committed block by block (so that other writers wait one block at most), under the
        # import lock that a restore respects; a batch killed halfway is taken back whole
        # when the store next opens. Where advisory locks do not exist: one transaction.
        by_blocks = not dry_run and stack.enter_context(import_running(database_file(db)))
        if by_blocks and _total_size(paths) > WHOLE_FILE_BYTES // 16:
            block_size = min(block_size, COMMIT_BLOCK)
        if not dry_run and not by_blocks:
            stack.enter_context(write_transaction(db))
        block: list[ContactRecord | ImportProblem] = []
        items = _Records(read_files(paths))
        for item in items:
            block.append(item)
            if len(block) >= block_size:
                step(block)
                block = []
                records.forget()
        step(block)
        if not by_blocks:
            return writer.finish()
        with write_transaction(db):
            return writer.finish()


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector runs a tenth as often: an import makes many objects that
    live on (records, entries), which each full collection walks again (about a tenth of
    an import of ten thousand cards). It still runs, so cycles are still freed."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0] * 10, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _total_size(paths: Sequence[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def _highest_contact_id() -> int:
    return int(raw_connection(db).execute("SELECT coalesce(max(id), 0) FROM contact").fetchone()[0])


class _Writer:
    """The store's side of every import: what each planned entry became, and the writes.

    Entries come in file order, a block at a time (stream_import) or as one block (a
    previewed plan, apply_plan). Likely duplicates follow `decisions` where it names them,
    else the `duplicates` policy.
    """

    def __init__(
        self,
        now: dt.datetime,
        sources: list[str],
        *,
        duplicates: DuplicatePolicy = "merge",
        decisions: Decisions | None = None,
        dry_run: bool = False,
        before_write: Callable[[], None] | None = None,
        by_block: _KnownByBlock | None = None,
        upto: int | None = None,
    ) -> None:
        self.now = now
        self.duplicates = duplicates
        self.decisions = decisions or Decisions()
        self.dry_run = dry_run
        self.before_write = before_write
        self.by_block = by_block
        # Contacts above this id were added by this import (undo removes them whole).
        self.upto = _highest_contact_id() if upto is None else upto
        self.sources = sources
        self.result = StreamedImport(
            counts=dict.fromkeys(("new", "update", "unchanged", "duplicate", "error"), 0)
        )
        self.batch: ImportBatch | None = None
        self.kind = bytearray()  # per entry: _NOTHING, _ADDED, _UPDATED, _UNCHANGED, _MERGED
        self.contact = array("q")  # per entry: the contact it went to (0: none)
        # Changes of updates so far (only the non-empty), for records of them read later.
        self.changes: dict[int, Changes] = {}
        # Changes of records folded into a known contact's entry by an identifier of this
        # import, not yet in its reported changes; and such records of an unchanged entry,
        # which is not written unless a later record changes it (as plan_import holds them).
        self.hidden: dict[int, Changes] = {}
        self.pending: dict[int, ContactRecord] = {}
        self.undo: list[dict[str, Any]] = []
        self.snapshotted: set[int] = set()
        self.updated: set[int] = set()
        self.companies = _Companies()
        self._saved_undo = -1  # snapshots in the batch's saved undo data (-1: none saved)
        # Around the bulk statements that run in SQLite alone (the full-text index).
        self.meanwhile: Callable[[], contextlib.AbstractContextManager[None]] = (
            contextlib.nullcontext
        )

    def begin(self) -> int:
        """The batch, made on the first write (after `before_write`)."""
        if self.batch is None:
            if self.before_write is not None:
                self.before_write()
            self.batch = ImportBatch.create(created_at=self.now, sources="\n".join(self.sources))
        return int(self.batch.id)

    def _duplicate_target(self, index: int, entry: PlanEntry) -> int | None:
        """The contact a likely duplicate is merged into; None: added as new; 0: skipped."""
        decisions = self.decisions
        if index in decisions.skip:
            return 0
        if index in decisions.keep_both:
            return None
        if index in decisions.merge_into:
            return decisions.merge_into[index]
        if self.duplicates == "skip":
            return 0
        if self.duplicates == "keep" or not entry.candidates or entry.why == "phone":
            # A shared number under another name is two people until the user merges them.
            return None
        return entry.candidates[0]

    def write(
        self,
        start: int,
        entries: Sequence[PlanEntry],
        on_entry: Callable[[int, PlanEntry], None] | None = None,
    ) -> None:
        """Write entries `start`, `start + 1`...: new contacts, then the updates and merges."""
        counts = self.result.counts
        new_records: list[tuple[ContactRecord, Mapping[str, Any]]] = []
        new_keys: list[RecordKeys | None] = []
        new_entries: list[int] = []
        updates: list[tuple[int, ContactRecord]] = []
        writes = False
        for index, entry in enumerate(entries, start):
            if on_entry is not None:
                on_entry(index, entry)
            action, record = entry.action, entry.record
            counts[action] += 1
            kind, contact_id = _NOTHING, 0
            if action in ("new", "update", "duplicate"):
                writes = True
            if record is None or action == "error":
                pass
            elif action in ("update", "unchanged") and entry.contact_id is not None:
                kind = _UPDATED if action == "update" else _UNCHANGED
                contact_id = entry.contact_id
                chosen = self.decisions.choices.get(index)
                if chosen and entry.conflicts:
                    # What the user chose where the card and the contact differ.
                    record = apply_choices(record, entry.conflicts, chosen)
                    if record.overrides and action == "unchanged":
                        kind, writes = _UPDATED, True
                        updates.append((contact_id, record))
                if action == "update":
                    updates.append((contact_id, record))
                    if entry.changes:
                        self.changes[index] = entry.changes
            elif action in ("new", "duplicate"):
                if action == "duplicate":
                    target = self._duplicate_target(index, entry)
                else:  # a namesake in this file: added unless the user said to skip it
                    target = 0 if index in self.decisions.skip else None
                if target == 0:
                    self.result.skipped += 1
                elif target is not None:
                    kind, contact_id = _MERGED, target
                    updates.append((target, record))
                else:
                    kind = _ADDED
                    new_records.append((record, _NO_EXTRA))
                    new_keys.append(entry.keys)
                    new_entries.append(index)
            self.kind.append(kind)
            self.contact.append(contact_id)
        if not writes or self.dry_run:
            return
        batch_id = self.begin()
        added = insert_contacts(
            new_records, self.now, batch_id, new_keys, meanwhile=self.meanwhile
        )
        for index, cid in zip(new_entries, added, strict=True):
            self.contact[index] = cid
        self.result.added += len(added)
        # A new contact's timeline summary is already right (empty) unless the file gave it
        # a first interaction (LinkedIn's "Connected On").
        with_timeline = [
            cid
            for cid, (record, _) in zip(added, new_records, strict=True)
            if record.connected_on is not None
        ]
        changed = self._update(updates)
        derived.refresh_touch_summary(with_timeline + changed)
        # The new contacts without a timeline are alike for the playbook's rules.
        timeline = set(with_timeline)
        derived.recompute_follow_ups_of_new([c for c in added if c not in timeline], self.now)
        derived.recompute_follow_ups(with_timeline + changed, self.now)

    def _update(self, updates: Sequence[tuple[int, ContactRecord]]) -> list[int]:
        if not updates:
            return []
        mark = len(self.undo)
        changed = _apply_updates(
            updates,
            self.now,
            self.begin(),
            self.undo,
            snapshotted=self.snapshotted,
            new_after=self.upto,
            companies=self.companies,
        )
        if self.by_block is not None:
            for snapshot in self.undo[mark:]:
                self.by_block.note_before(snapshot)
        self.updated.update(cid for cid in changed if cid <= self.upto)
        return changed

    def late(self, late: list[tuple[int, ContactRecord, bool]]) -> None:
        """Records of people whose entries are already written: merge them there.

        As plan_import + apply_plan: a record that matched the entry's known contact
        recomputes the entry's changes (which may turn "unchanged" into "update"); one
        folded in by an identifier of this import leaves them as they are until then, and
        is written when the entry is (an unchanged entry is not written).
        """
        if not late:
            return
        kinds, contacts = self.kind, self.contact
        known = {_UPDATED, _UNCHANGED}
        ids = {contacts[index] for index, _, _ in late if kinds[index] in known}
        current = all_records(sorted(ids)) if ids else {}
        states: dict[int, ContactRecord] = {}
        writes: list[tuple[int, ContactRecord]] = []
        counts, revised = self.result.counts, self.result.revised
        for index, item, matched in late:
            kind, cid = kinds[index], contacts[index]
            if kind not in known:
                if kind != _NOTHING:
                    writes.append((cid, item))
                continue
            state = states.get(index) or self._state(index, current.get(cid))
            if state is None:
                continue
            merged, diff = merge_records(state, item)
            states[index] = merged
            if not matched:
                if diff:
                    self.hidden[index] = _combined(self.hidden.get(index, {}), diff)
                if kind == _UPDATED:
                    writes.append((cid, item))
                else:
                    held = self.pending.get(index)
                    self.pending[index] = merge_records(held, item)[0] if held else item
                continue
            more = _combined(self.hidden.pop(index, {}), diff)
            if not more:
                continue
            combined = _combined(self.changes.get(index, {}), more)
            self.changes[index] = combined
            if kind == _UNCHANGED:
                kinds[index] = _UPDATED
                counts["unchanged"] -= 1
                counts["update"] += 1
                if index in self.pending:
                    writes.append((cid, self.pending.pop(index)))
            revised[index] = ("update", combined)
            writes.append((cid, item))
        if writes and not self.dry_run:
            changed = self._update(writes)
            derived.refresh_touch_summary(changed)
            derived.recompute_follow_ups(changed, self.now)

    def _state(self, index: int, stored: ContactRecord | None) -> ContactRecord | None:
        """Entry `index`'s record as plan_import would hold it now (from its stored contact)."""
        if stored is None:
            return None
        if self.dry_run:
            # The store holds the contact as it was: add what the import brought so far.
            brought = _combined(self.changes.get(index, {}), self.hidden.get(index, {}))
            return _with_changes(stored, brought)
        held = self.pending.get(index)  # records of an unchanged entry, not written yet
        return merge_records(stored, held)[0] if held else stored

    def save_progress(self) -> None:
        """Inside a block's transaction: the batch so far, marked unfinished (an object, not
        the finished list), so that a kill before `finish` leaves it to be taken back."""
        if self.batch is None or self.dry_run:
            return
        self.batch.added = self.result.added
        self.batch.updated = len(self.updated)
        if len(self.undo) != self._saved_undo or self._saved_undo < 0:
            self.batch.undo_data = json.dumps({"unfinished": True, "undo": self.undo})
            self._saved_undo = len(self.undo)
        self.batch.save()

    def finish(self) -> StreamedImport:
        result = self.result
        if self.batch is not None:
            self.batch.added = result.added
            self.batch.updated = len(self.updated)
            self.batch.undo_data = json.dumps(self.undo)
            self.batch.save()
            result.batch_id = int(self.batch.id)
        result.updated = len(self.updated)
        return result


def _combined(first: Changes, then: Changes) -> Changes:
    """The changes of two merges in a row, in merge_records' order."""
    both = dict(first)
    for name, (old, new) in then.items():
        both[name] = (first[name][0], new) if name in first else (old, new)
    return {name: both[name] for name in CHANGE_FIELDS if name in both}


def _with_changes(record: ContactRecord, changes: Changes) -> ContactRecord:
    """The record with the changes' new values (as merge_records reported them) applied."""
    if not changes:
        return record
    out = dataclasses.replace(record)
    for name, (_, new) in changes.items():
        if name == "photo":
            out.photo = PHOTO_PRESENT
        elif name == "connected_on":
            out.connected_on = dt.date.fromisoformat(str(new))
        elif isinstance(new, list):
            setattr(out, name, list(new))
        else:
            setattr(out, name, new)
    return out
