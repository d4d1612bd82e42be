"""Merging two contacts into one, and remembering pairs the user said are two people.

Every row that hangs on the contact that goes is carried to the one that stays, whatever
table holds it: the tables are found from the database's own foreign keys, so a table added
by a later schema comes along without a change here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from netdesk.core.domain import RULE_REASONS, FollowUpReason
from netdesk.core.duplicates import MergePlan, Take, merged_value, pair_key
from netdesk.core.matching import normalize_linkedin
from netdesk.store.models import Contact, db
from netdesk.store.reader.duplicates import CARD_ROW_TABLES, chooseable_fields
from netdesk.store.sql import OPEN_SQL, iso, run_sql
from netdesk.store.writer.changes import change

# Web addresses follow the contact's `linkedin_url` and `urls`, chosen as fields.
URL_TABLE = "contact_url"
# Follow-ups a contact has at most one of while open (one of the rules' reminders, one
# thank-you): when both contacts have one, the second contact's goes.
_RULE_REASONS = tuple(r.value for r in RULE_REASONS)
_THANKS = FollowUpReason.THANK_YOU.value
# Columns that only place a row: two rows differing only in these say the same thing.
_PLACING = frozenset({"id", "position", "pref", "grp"})
_GROUP_NUMBER = re.compile(r"(\d+)$")


@dataclass(frozen=True, slots=True)
class ContactLink:
    """A column of some table that points at a contact."""

    table: str
    column: str
    columns: tuple[str, ...]  # every column of that table


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def contact_links() -> list[ContactLink]:
    """Every column of the store's own tables that points at a contact (from SQLite's
    foreign keys). A table without an `id` is bookkeeping that mirrors something outside
    the store (a sync server's state): undo does not record it, and a merge leaves it be."""
    links = []
    tables = run_sql(
        db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    for (table,) in tables:
        if table.startswith("sqlite_"):
            continue
        columns = tuple(r[1] for r in run_sql(db, f"PRAGMA table_info({_q(table)})"))
        if "id" not in columns:
            continue
        for row in run_sql(db, f"PRAGMA foreign_key_list({_q(table)})").fetchall():
            if row[2] == "contact" and (row[4] or "id") == "id":
                links.append(ContactLink(table, row[3], columns))
    return links


def _contact_row(contact_id: int) -> dict[str, Any]:
    cursor = run_sql(db, "SELECT * FROM contact WHERE id = ?", [contact_id])
    row = cursor.fetchone()
    if row is None:
        raise LookupError(f"no contact {contact_id}")
    return dict(zip((d[0] for d in cursor.description), row, strict=True))


def merge_contacts(plan: MergePlan, now: dt.datetime) -> int:
    """Make `plan.first` the one contact both were, and delete `plan.second`; one change.

    Returns the id of the contact that stays.
    """
    keep, drop = plan.first, plan.second
    if keep == drop:
        raise ValueError("a contact cannot be merged with itself")
    with change(now) as changed:
        first, second = _contact_row(keep), _contact_row(drop)
        values: dict[str, Any] = {}
        for name in chooseable_fields():
            column = Contact._meta.fields[name].column_name
            a, b = first[column], second[column]
            value = merged_value(name, plan.take(name, a, b), a, b)
            if value != a:
                values[column] = value
        if "photo" in values:  # the second contact's photo, with its type
            values["photo_mime"] = second["photo_mime"]
        if "linkedin_url" in values:
            url = values["linkedin_url"] or ""
            values["linkedin_key"] = normalize_linkedin(url) if url else ""
        if not first["uid"] and second["uid"]:
            values["uid"] = second["uid"]
        if second["created_at"] < first["created_at"]:
            values["created_at"] = second["created_at"]
        if first["import_batch_id"] != second["import_batch_id"]:
            # Undoing the import that brought one of them must not take the other's data
            # with it: the merged contact belongs to no single import.
            values["import_batch_id"] = None
        values["updated_at"] = now

        second_follow_ups = _open_one_per_contact(drop)
        links = contact_links()
        _rename_groups(links, keep, drop)
        for link in links:
            if link.table == URL_TABLE:
                continue
            take = plan.takes.get(link.table, Take.BOTH)
            if link.table in CARD_ROW_TABLES and take is Take.FIRST:
                continue  # the second contact's rows go with it
            if link.table in CARD_ROW_TABLES and take is Take.SECOND:
                run_sql(db, f"DELETE FROM {_q(link.table)} WHERE {_q(link.column)} = ?", [keep])
            _move_rows(link, keep, drop)
        _drop_pairs_with_itself(links, keep)
        _drop_second_follow_ups(keep, second_follow_ups)

        sets = ", ".join(f"{_q(c)} = ?" for c in values)
        run_sql(db, f"UPDATE contact SET {sets} WHERE id = ?", [*values.values(), keep])
        if any(link.table == URL_TABLE for link in links):
            _urls_in_step(keep, drop)
        run_sql(db, "DELETE FROM contact WHERE id = ?", [drop])

        changed.timeline([keep])
        changed.contact([keep], rules=True)
        changed.follow_up([keep])
        changed.removed.add(drop)
    return keep


def _one_of_a_kind(reason: str) -> str | None:
    if reason in _RULE_REASONS:
        return "rules"
    return "thanks" if reason == _THANKS else None


def _open_one_per_contact(contact_id: int) -> list[int]:
    marks = ",".join("?" * (len(_RULE_REASONS) + 1))
    rows = run_sql(
        db,
        f"SELECT id FROM follow_up WHERE contact_id = ? AND state IN {OPEN_SQL} "
        f"AND reason IN ({marks})",
        [contact_id, *_RULE_REASONS, _THANKS],
    ).fetchall()
    return [r[0] for r in rows]


def _drop_second_follow_ups(keep: int, brought: list[int]) -> None:
    """The first contact's open reminder of a kind stays; the second's of the same kind
    goes (the rules then bring the one left in step with the merged timeline)."""
    if not brought:
        return
    marks = ",".join("?" * len(brought))
    kinds = {
        _one_of_a_kind(reason)
        for (reason,) in run_sql(
            db,
            f"SELECT reason FROM follow_up WHERE contact_id = ? AND state IN {OPEN_SQL} "
            f"AND id NOT IN ({marks})",
            [keep, *brought],
        ).fetchall()
    }
    for fid, reason in run_sql(
        db, f"SELECT id, reason FROM follow_up WHERE id IN ({marks}) ORDER BY id", brought
    ).fetchall():
        kind = _one_of_a_kind(reason)
        if kind in kinds:
            run_sql(db, "DELETE FROM follow_up WHERE id = ?", [fid])
        kinds.add(kind)


def _rename_groups(links: list[ContactLink], keep: int, drop: int) -> None:
    """vCard groups (`item1`) the second contact uses that the first uses too are renamed
    past the first's, so that each label stays with its own value after the merge."""
    grouped = [link for link in links if "grp" in link.columns]
    used: set[str] = set()
    theirs: set[str] = set()
    for link in grouped:
        for grp, owner in run_sql(
            db,
            f"SELECT grp, {_q(link.column)} FROM {_q(link.table)} "
            f"WHERE {_q(link.column)} IN (?, ?) AND grp != ''",
            [keep, drop],
        ).fetchall():
            (used if owner == keep else theirs).add(grp)
    top = max(
        (int(m.group(1)) for g in used | theirs if (m := _GROUP_NUMBER.search(g))), default=0
    )
    for grp in sorted(theirs & used):
        top += 1
        new = f"{_GROUP_NUMBER.sub('', grp) or 'item'}{top}"
        for link in grouped:
            run_sql(
                db,
                f"UPDATE {_q(link.table)} SET grp = ? WHERE {_q(link.column)} = ? AND grp = ?",
                [new, drop, grp],
            )


def _move_rows(link: ContactLink, keep: int, drop: int) -> None:
    """Carry the second contact's rows in one table to the first, after the first's own,
    without copying a row that says what one of the first's already says."""
    table, column = _q(link.table), _q(link.column)
    if link.table in CARD_ROW_TABLES:
        compared = [c for c in link.columns if c not in _PLACING and c != link.column]
        if "key" in link.columns:
            compared = ["key"]
        same = " AND ".join(f"o.{_q(c)} IS t.{_q(c)}" for c in compared)
        run_sql(
            db,
            f"DELETE FROM {table} AS t WHERE t.{column} = ? AND EXISTS "
            f"(SELECT 1 FROM {table} AS o WHERE o.{column} = ? AND {same})",
            [drop, keep],
        )
    if "position" in link.columns:
        row = run_sql(
            db,
            f"SELECT (SELECT coalesce(max(position) + 1, 0) FROM {table} WHERE {column} = ?) "
            f"- (SELECT coalesce(min(position), 0) FROM {table} WHERE {column} = ?)",
            [keep, drop],
        ).fetchone()
        shift = max(0, int(row[0]))
        if shift:
            run_sql(
                db,
                f"UPDATE {table} SET position = position + ? WHERE {column} = ?",
                [shift, drop],
            )
    # A row the first contact may hold only once (a wrap-up step) stays with the second
    # when the first has its own, and goes with it.
    run_sql(db, f"UPDATE OR IGNORE {table} SET {column} = ? WHERE {column} = ?", [keep, drop])


def _drop_pairs_with_itself(links: list[ContactLink], keep: int) -> None:
    """A row pointing twice at a contact (a pair said to be two people) means nothing once
    both are the same contact."""
    by_table: dict[str, list[str]] = {}
    for link in links:
        by_table.setdefault(link.table, []).append(link.column)
    for table, columns in by_table.items():
        if len(columns) < 2:
            continue
        same = " AND ".join(f"{_q(c)} = ?" for c in columns)
        run_sql(db, f"DELETE FROM {_q(table)} WHERE {same}", [keep] * len(columns))


def _urls_in_step(keep: int, drop: int) -> None:
    """The web addresses of the merged contact, as rows with their types: the LinkedIn
    profile first, then `urls` in order, each keeping the types it was stored with."""
    linkedin, urls = run_sql(
        db, "SELECT linkedin_url, urls FROM contact WHERE id = ?", [keep]
    ).fetchone()
    listed = [linkedin, *urls.splitlines()]
    wanted = list(enumerate(dict.fromkeys(u.strip() for u in listed if u.strip())))
    rows = run_sql(
        db,
        f"SELECT id, contact_id, url FROM {URL_TABLE} WHERE contact_id IN (?, ?) "
        "ORDER BY contact_id != ?, position, id",
        [keep, drop, keep],
    ).fetchall()
    free: dict[str, list[int]] = {}
    for rid, _owner, url in rows:
        free.setdefault(url.strip(), []).append(rid)
    used: set[int] = set()
    for position, url in wanted:
        ids = free.get(url)
        if ids:
            rid = ids.pop(0)
            used.add(rid)
            run_sql(
                db,
                f"UPDATE {URL_TABLE} SET contact_id = ?, position = ? WHERE id = ?",
                [keep, position, rid],
            )
        else:
            run_sql(
                db,
                f"INSERT INTO {URL_TABLE} (contact_id, url, types, pref, grp, params, position) "
                "VALUES (?, ?, '', 0, '', '', ?)",
                [keep, url, position],
            )
    stale = [rid for rid, owner, _url in rows if rid not in used and owner == keep]
    for rid in stale:
        run_sql(db, f"DELETE FROM {URL_TABLE} WHERE id = ?", [rid])


def mark_not_duplicate(first: int, second: int, now: dt.datetime) -> None:
    """Remember that these two contacts are two people: the pair is not offered again."""
    a, b = pair_key(first, second)
    with change(now):
        run_sql(
            db,
            "INSERT OR IGNORE INTO not_duplicate (first_id, second_id, created_at) "
            "VALUES (?, ?, ?)",
            [a, b, iso(now)],
        )

