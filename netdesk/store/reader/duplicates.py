"""Reading for the duplicate scan and the merge: every contact's names and identifiers, the
pairs the user said are two people, and two contacts side by side."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netdesk.core import duplicates
from netdesk.core.duplicates import Candidate, LikelyPair
from netdesk.store.models import Contact, db
from netdesk.store.sql import OPEN_SQL, run_sql

Report = Callable[[int, int], None]

# Card rows a merge shows side by side (each kind chosen as a whole), in the order shown.
CARD_ROW_TABLES = ("contact_email", "contact_phone", "contact_address", "contact_property")
# Contact columns the store keeps for itself: never offered as a choice.
_SYSTEM_COLUMNS = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "import_batch",
        "touch_count",
        "first_touch_at",
        "first_touch_kind",
        "first_touch_summary",
        "last_touch_at",
        "next_due_at",
        "rules_reset_at",
        "linkedin_key",
        "photo_mime",
        "uid",
    }
)


def _tables() -> set[str]:
    return {r[0] for r in run_sql(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def duplicate_candidates(report: Report | None = None) -> list[Candidate]:
    """Every contact (archived ones too, marked: an archived card can be the same person as a
    new one) with its names, emails, phones and LinkedIn URL."""
    emails: dict[int, list[str]] = {}
    for cid, email in run_sql(db, "SELECT contact_id, email FROM contact_email ORDER BY id"):
        emails.setdefault(cid, []).append(email)
    phones: dict[int, list[str]] = {}
    for cid, phone in run_sql(db, "SELECT contact_id, phone FROM contact_phone ORDER BY id"):
        phones.setdefault(cid, []).append(phone)
    rows = run_sql(
        db,
        "SELECT c.id, c.display_name, c.given_name, c.family_name, c.linkedin_url, "
        "coalesce(co.name, ''), c.archived FROM contact c "
        "LEFT JOIN company co ON co.id = c.company_id ORDER BY c.id",
    ).fetchall()
    out = []
    for n, (cid, name, given, family, linkedin, company, archived) in enumerate(rows, 1):
        out.append(
            Candidate(
                cid,
                name or "",
                given or "",
                family or "",
                tuple(emails.get(cid, ())),
                tuple(phones.get(cid, ())),
                linkedin or "",
                company,
                bool(archived),
            )
        )
        if report is not None and n % 5000 == 0:
            report(n, len(rows))
    return out


def batch_contact_ids(batch_id: int) -> list[int]:
    """The contacts an import added (those it only updated keep their own batch)."""
    rows = run_sql(db, "SELECT id FROM contact WHERE import_batch_id = ? ORDER BY id", [batch_id])
    return [r[0] for r in rows]


def dismissed_pairs() -> set[tuple[int, int]]:
    """Pairs the user said are two people (lower id first)."""
    if "not_duplicate" not in _tables():
        return set()
    return {
        duplicates.pair_key(a, b)
        for a, b in run_sql(db, "SELECT first_id, second_id FROM not_duplicate")
    }


@dataclass(frozen=True, slots=True)
class DuplicateScan:
    """What a scan found: the likely pairs, sure ones first, and who they name."""

    pairs: list[LikelyPair]
    people: dict[int, Candidate]  # every contact a pair names
    contacts: int  # how many contacts were compared


def likely_duplicates(
    region: str | None = None,
    report: Report | None = None,
    *,
    only: set[int] | None = None,
) -> DuplicateScan:
    """Every likely pair in the store (`only`: the pairs naming one of those contacts).
    `report(done, total)` follows the loading and the scan; it may raise to stop them."""
    candidates = duplicate_candidates()
    # Loading is about a tenth of the work; the scan reports the rest.
    total = 10 * max(1, len(candidates))
    if report is not None:
        report(len(candidates), total)

    def scanned(done: int, of: int) -> None:
        if report is not None:
            report(len(candidates) + done * 9 * len(candidates) // max(1, of), total)

    pairs = duplicates.find_pairs(
        candidates, region=region, dismissed=dismissed_pairs(), report=scanned, only=only
    )
    named = {cid for p in pairs for cid in p.key}
    people = {c.contact_id: c for c in candidates if c.contact_id in named}
    return DuplicateScan(pairs, people, len(candidates))


@dataclass(frozen=True, slots=True)
class MergeSide:
    """One of two contacts about to be merged: what tells them apart at a glance."""

    contact_id: int
    display_name: str
    company: str
    interactions: int
    open_follow_ups: int
    touch_count: int
    created_at: str


@dataclass(frozen=True, slots=True)
class MergeField:
    """A field of the contact with both contacts' values (`company` by name)."""

    name: str
    first: Any
    second: Any


@dataclass(frozen=True, slots=True)
class MergeRows:
    """One kind of card row (a table) with both contacts' rows, each as its columns."""

    table: str
    first: tuple[dict[str, Any], ...]
    second: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class MergeSides:
    first: MergeSide
    second: MergeSide
    fields: tuple[MergeField, ...]
    rows: tuple[MergeRows, ...]


def _side(contact_id: int) -> MergeSide:
    row = run_sql(
        db,
        "SELECT c.id, c.display_name, coalesce(co.name, ''), c.touch_count, c.created_at, "
        "(SELECT count(*) FROM interaction i WHERE i.contact_id = c.id), "
        f"(SELECT count(*) FROM follow_up f WHERE f.contact_id = c.id AND f.state IN {OPEN_SQL}) "
        "FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.id = ?",
        [contact_id],
    ).fetchone()
    if row is None:
        raise LookupError(f"no contact {contact_id}")
    cid, name, company, touches, created, interactions, open_follow_ups = row
    return MergeSide(
        cid, name or "", company, int(interactions), int(open_follow_ups), touches, str(created)
    )


def _values(contact_id: int) -> dict[str, Any]:
    cursor = run_sql(
        db,
        "SELECT c.*, coalesce(co.name, '') AS netdesk_company FROM contact c "
        "LEFT JOIN company co ON co.id = c.company_id WHERE c.id = ?",
        [contact_id],
    )
    row = cursor.fetchone()
    names = [d[0] for d in cursor.description]
    values = dict(zip(names, row, strict=True))
    values["company_id"] = values.pop("netdesk_company")
    return values


def _rows(table: str, contact_id: int) -> tuple[dict[str, Any], ...]:
    cursor = run_sql(
        db, f'SELECT * FROM "{table}" WHERE contact_id = ? ORDER BY position, id', [contact_id]
    )
    names = [d[0] for d in cursor.description]
    return tuple(dict(zip(names, r, strict=True)) for r in cursor.fetchall())


def merge_order(a: int, b: int) -> tuple[int, int]:
    """Which of two contacts stays in a merge (first) and which goes: the one with the
    longer timeline stays, else the older."""
    sides = [_side(a), _side(b)]
    sides.sort(key=lambda s: (-s.interactions, s.created_at, s.contact_id))
    return sides[0].contact_id, sides[1].contact_id


def chooseable_fields() -> list[str]:
    """The contact's fields a merge chooses between, in the model's order."""
    return [f.name for f in Contact._meta.sorted_fields if f.name not in _SYSTEM_COLUMNS]


def merge_sides(first: int, second: int) -> MergeSides:
    """Two contacts side by side, every field and card row: what a merge chooses between."""
    a, b = _values(first), _values(second)
    columns = {f.name: f.column_name for f in Contact._meta.sorted_fields}
    fields = [MergeField(n, a[columns[n]], b[columns[n]]) for n in chooseable_fields()]
    tables = _tables()
    rows = tuple(
        MergeRows(t, _rows(t, first), _rows(t, second)) for t in CARD_ROW_TABLES if t in tables
    )
    return MergeSides(_side(first), _side(second), tuple(fields), rows)
