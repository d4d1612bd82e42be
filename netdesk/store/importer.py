"""Applying an import plan in one transaction, and undoing it: the store's side of import."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netdesk.core.contact_files import read_contact_file
from netdesk.core.domain import Direction, InteractionKind
from netdesk.core.matching import (
    ImportPlan,
    KnownContacts,
    RecordKeys,
    company_key,
    merge_records,
    name_key,
    normalize_linkedin,
    plan_import,
)
from netdesk.core.records import ContactRecord, ImportProblem
from netdesk.store import queries
from netdesk.store.models import Company, Contact, ImportBatch, Interaction, db
from netdesk.store.sql import dict_rows, raw_connection

_NO_EXTRA: Mapping[str, Any] = {}

# Matching only needs to know that a contact has a photo; loading every photo of a large
# network to find that out would cost hundreds of megabytes.
PHOTO_PRESENT = b"\x00"


def read_files(paths: Sequence[Path]) -> Iterator[ContactRecord | ImportProblem]:
    """Every record and problem in the files, in order, tidied for the store."""
    for path in paths:
        for item in read_contact_file(path):
            if isinstance(item, ContactRecord) and item.tags:
                # Tags are stored comma-separated, so a tag never holds a comma itself.
                item.tags = list(
                    dict.fromkeys(
                        t.strip() for tag in item.tags for t in tag.split(",") if t.strip()
                    )
                )
            yield item


def plan_files(paths: Sequence[Path]) -> ImportPlan:
    """Read the files and match them against the store: what the preview shows."""
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
        for chunk in queries.chunks(missing):
            found = all_records(chunk)
            for cid in chunk:
                self._loaded[cid] = found.get(cid)

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
    """(name key, company key) -> contact ids, in id order; built from the store on first use."""

    def __init__(self) -> None:
        self._map: dict[tuple[str, str], list[int]] | None = None

    def _built(self) -> dict[tuple[str, str], list[int]]:
        if self._map is None:
            built: dict[tuple[str, str], list[int]] = {}
            probe = ContactRecord()
            for cid, name, given, family, org in db.execute_sql(
                "SELECT c.id, c.display_name, c.given_name, c.family_name, coalesce(co.name, '') "
                "FROM contact c LEFT JOIN company co ON co.id = c.company_id ORDER BY c.id"
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
    where, params = "", []
    if contact_ids is not None:
        if not contact_ids:
            return {}
        where = f" WHERE c.id IN ({','.join('?' * len(contact_ids))})"
        params = list(contact_ids)
    records: dict[int, ContactRecord] = {}
    rows = db.execute_sql(
        "SELECT c.id, c.display_name, c.given_name, c.family_name, c.middle_name, c.prefix, "
        "c.suffix, c.nickname, coalesce(co.name, ''), c.title, c.notes, c.linkedin_url, c.urls, "
        "c.birthday, c.tags, c.uid, c.photo IS NOT NULL "
        "FROM contact c LEFT JOIN company co ON co.id = c.company_id" + where,
        params,
    )
    for row in rows:
        (cid, name, given, family, middle, prefix, suffix, nick, org, title, notes, li) = row[:12]
        urls, birthday, tags, uid, has_photo = row[12:]
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
            tags=[t.strip() for t in tags.split(",") if t.strip()],
            uid=uid,
            photo=PHOTO_PRESENT if has_photo else None,
        )
    for table, attr in (("contact_email", "email"), ("contact_phone", "phone")):
        sub = where.replace("c.id", "contact_id")
        for cid, value in db.execute_sql(
            f"SELECT contact_id, {attr} FROM {table}{sub} ORDER BY contact_id, position", params
        ):
            record = records.get(cid)
            if record is not None:
                getattr(record, attr + "s").append(value)
    # LinkedIn's "Connected On" lives in the timeline as the connection interaction.
    sub = where.replace("c.id", "contact_id").replace("WHERE", "AND")
    for cid, at in db.execute_sql(
        f"SELECT contact_id, min(at) FROM interaction WHERE kind = ?{sub} GROUP BY contact_id",
        [InteractionKind.CONNECTED.value, *params],
    ):
        record = records.get(cid)
        if record is not None and at:
            record.connected_on = dt.datetime.fromisoformat(str(at)).date()
    return records


@dataclass(slots=True)
class Decisions:
    """What the user chose in the preview for likely duplicates, by plan entry index."""

    merge_into: dict[int, int] = field(default_factory=dict)  # entry -> contact id
    keep_both: set[int] = field(default_factory=set)
    skip: set[int] = field(default_factory=set)


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
        "tags": ", ".join(record.tags),
        "uid": record.uid,
    }


class _Companies:
    """Company ids by name for one import, so each company is looked up (or made) once."""

    def __init__(self) -> None:
        self._by_name: dict[str, int | None] = {}  # by the name as written
        self._by_key: dict[str, int] = {}

    @staticmethod
    def _key(stripped: str) -> str:
        return company_key(stripped) or stripped.casefold()  # as queries.company_for_name

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
    "first_touch_summary"
)


def insert_contacts(
    records: Sequence[tuple[ContactRecord, Mapping[str, Any]]],
    now: dt.datetime,
    batch_id: int | None,
    keys: Sequence[RecordKeys | None] | None = None,
) -> list[int]:
    """Insert many new contacts fast (inside the caller's transaction); returns their ids.

    Each item is a record and extra contact columns (tie, how_known...). `keys`, when given,
    holds each record's normalized identifiers as matching computed them (None: compute).
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
    interaction_rows: list[tuple[Any, ...]] = []
    ids: list[int] = []
    stamp = queries.iso(now)
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
                ", ".join(record.tags),
                record.uid,
                record.photo,
                record.photo_mime,
                *tail,
            )
        )
        if len(emails) == 1:
            if key := known.emails[0]:
                email_rows.append((cid, emails[0], key, 0))
        elif emails:
            seen: set[str] = set()
            for position, (email, key) in enumerate(zip(emails, known.emails, strict=True)):
                if key and key not in seen:
                    seen.add(key)
                    email_rows.append((cid, email, key, position))
        if len(phones) == 1:
            if phones[0].strip():
                phone_rows.append((cid, phones[0], known.phones[0], 0))
        elif phones:
            seen = set()
            for position, (phone, key) in enumerate(zip(phones, known.phones, strict=True)):
                if phone.strip() and key not in seen:
                    seen.add(key)
                    phone_rows.append((cid, phone, key, position))
        if record.connected_on is not None:
            at = dt.datetime.combine(record.connected_on, dt.time(12, 0))
            interaction_rows.append(
                (
                    cid,
                    InteractionKind.CONNECTED.value,
                    queries.iso(at),
                    "Connected on LinkedIn",
                    "",
                    Direction.MUTUAL.value,
                    stamp,
                    batch_id,
                )
            )
    marks = ",".join("?" * len(_CONTACT_COLUMNS.split(",")))
    with queries.paused_search_index(ids):
        conn.executemany(f"INSERT INTO contact ({_CONTACT_COLUMNS}) VALUES ({marks})", contact_rows)
        conn.executemany(
            "INSERT INTO contact_email (contact_id, email, key, position) VALUES (?, ?, ?, ?)",
            email_rows,
        )
    conn.executemany(
        "INSERT INTO contact_phone (contact_id, phone, key, position) VALUES (?, ?, ?, ?)",
        phone_rows,
    )
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
        return queries.iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _snapshot_for_undo(contact_id: int) -> dict[str, Any]:
    [row] = dict_rows(Contact.select().where(Contact.id == contact_id))
    row.pop("photo", None)  # an import never removes a photo, so undo never needs one back
    return {
        "contact_id": contact_id,
        "before": {k: _jsonable(v) for k, v in row.items()},
        "emails": queries.contact_emails(contact_id),
        "phones": queries.contact_phones(contact_id),
    }


def apply_plan(
    plan: ImportPlan,
    sources: Sequence[str],
    now: dt.datetime,
    decisions: Decisions | None = None,
) -> ImportResult:
    """Write the plan in one transaction and record the batch, so it can be undone.

    Likely duplicates are merged into their first candidate unless `decisions` says
    otherwise: merging never overwrites anything, so nobody is lost and nobody doubled.
    """
    decisions = decisions or Decisions()
    with db.atomic():
        batch = ImportBatch.create(created_at=now, sources="\n".join(sources))
        new_records: list[tuple[ContactRecord, Mapping[str, Any]]] = []
        new_keys: list[RecordKeys | None] = []
        updates: list[tuple[int, ContactRecord]] = []
        skipped = 0
        for index, entry in enumerate(plan.entries):
            if entry.record is None or entry.action in ("error", "unchanged"):
                continue
            if entry.action == "new":
                new_records.append((entry.record, _NO_EXTRA))
                new_keys.append(entry.keys)
            elif entry.action == "update" and entry.contact_id is not None:
                updates.append((entry.contact_id, entry.record))
            elif entry.action == "duplicate":
                if index in decisions.skip:
                    skipped += 1
                elif index in decisions.keep_both or not entry.candidates:
                    new_records.append((entry.record, _NO_EXTRA))
                    new_keys.append(entry.keys)
                else:
                    target = decisions.merge_into.get(index, entry.candidates[0])
                    updates.append((target, entry.record))
        added_ids = insert_contacts(new_records, now, batch.id, new_keys)
        undo: list[dict[str, Any]] = []
        updated_ids = _apply_updates(updates, now, batch.id, undo)
        batch.added = len(added_ids)
        batch.updated = len(updated_ids)
        batch.undo_data = json.dumps(undo)
        batch.save()
        # A new contact's timeline summary is already right (empty) unless the file gave it
        # a first interaction (LinkedIn's "Connected On").
        with_timeline = [
            cid
            for cid, (record, _) in zip(added_ids, new_records, strict=True)
            if record.connected_on is not None
        ]
        queries.refresh_touch_summary(with_timeline + updated_ids)
        queries.recompute_follow_ups(added_ids + updated_ids, now)
    return ImportResult(batch.id, len(added_ids), len(updated_ids), skipped)


def _apply_updates(
    updates: Sequence[tuple[int, ContactRecord]],
    now: dt.datetime,
    batch_id: int,
    undo: list[dict[str, Any]],
) -> list[int]:
    if not updates:
        return []
    current = all_records(list(dict.fromkeys(cid for cid, _ in updates)))
    companies = _Companies()
    done: list[int] = []
    for contact_id, incoming in updates:
        old = current.get(contact_id)
        if old is None:
            continue
        merged, changes = merge_records(old, incoming)
        if not changes:
            continue
        if contact_id not in done:
            undo.append(_snapshot_for_undo(contact_id))
            done.append(contact_id)
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
        if "emails" in changes:
            queries.set_emails(contact_id, merged.emails)
        if "phones" in changes:
            queries.set_phones(contact_id, merged.phones)
        if "connected_on" in changes and merged.connected_on is not None:
            at = dt.datetime.combine(merged.connected_on, dt.time(12, 0))
            insert_interactions(
                [
                    (
                        contact_id,
                        InteractionKind.CONNECTED.value,
                        queries.iso(at),
                        "Connected on LinkedIn",
                        "",
                        Direction.MUTUAL.value,
                        queries.iso(now),
                        batch_id,
                    )
                ]
            )
        current[contact_id] = merged
    return done


def undo_import(batch_id: int, now: dt.datetime) -> tuple[int, int]:
    """Remove what a batch added and put back what it changed; returns (removed, reverted)."""
    with db.atomic():
        batch = ImportBatch.get_by_id(batch_id)
        if batch.undone_at is not None:
            return (0, 0)
        added = [c.id for c in Contact.select(Contact.id).where(Contact.import_batch == batch_id)]
        for chunk in queries.chunks(added):
            Contact.delete().where(Contact.id.in_(chunk)).execute()
        Interaction.delete().where(Interaction.import_batch == batch_id).execute()
        reverted = []
        for item in json.loads(batch.undo_data or "[]"):
            cid = item["contact_id"]
            before = dict(item["before"])
            before.pop("id", None)
            Contact.update(**{k: v for k, v in before.items() if k in Contact._meta.fields}).where(
                Contact.id == cid
            ).execute()
            queries.set_emails(cid, item["emails"])
            queries.set_phones(cid, item["phones"])
            reverted.append(cid)
        batch.undone_at = now
        batch.save()
        queries.refresh_touch_summary(reverted)
        queries.recompute_follow_ups(reverted, now)
    return (len(added), len(reverted))


def last_batch() -> ImportBatch | None:
    """The newest import that has not been undone."""
    return (
        ImportBatch.select()
        .where(ImportBatch.undone_at.is_null())
        .order_by(ImportBatch.id.desc())
        .get_or_none()
    )
