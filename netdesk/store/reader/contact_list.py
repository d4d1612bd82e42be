"""Reading the contact list: the ordered ids of a filter and order, counts, full-text hits,
and the rows of a page of ids.

The list's model holds only ids (a compact array) and asks for rows a page at a time, so
every function here returns ids, a count, or the few rows asked for.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

from netdesk.core.domain import Tie
from netdesk.store.listing import ORDER_BY as _ORDER
from netdesk.store.listing import ListedContact as ListedContact
from netdesk.store.listing import ListFilter as ListFilter
from netdesk.store.listing import ListOrder as ListOrder  # (no Peewee in store.listing)
from netdesk.store.models import db
from netdesk.store.reader.due import due_now_condition
from netdesk.store.sql import parse_datetime, run_sql, stored


def _where(which: ListFilter, match: str) -> tuple[str, list[Any]]:
    where = ["c.archived = 0"]
    params: list[Any] = []
    if match:
        where.append("c.id IN (SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?)")
        params.append(match)
    if which.tie is not None:
        where.append("c.tie = ?")
        params.append(which.tie.value)
    elif which.due_by is not None:
        condition, values = due_now_condition(which.due_by)
        where.append(condition)
        params.extend(values)
    return " AND ".join(where), params


def contact_list_ids(
    which: ListFilter,
    order: ListOrder,
    descending: bool = False,
    *,
    match: str = "",
    limit: int | None = None,
) -> array[int]:
    """The ids of the contacts `which` selects, in `order`; only those matching the FTS5
    query `match` when one is given, and only the first `limit` when one is given."""
    where, params = _where(which, match)
    direction = "DESC" if descending else "ASC"
    join = "LEFT JOIN company co ON co.id = c.company_id " if order is ListOrder.COMPANY else ""
    sql = (
        f"SELECT c.id FROM contact c {join}WHERE {where} "
        f"ORDER BY {_ORDER[order].format(dir=direction)}"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return array("q", [r[0] for r in run_sql(db, sql, params)])


def count_contact_list(which: ListFilter) -> int:
    where, params = _where(which, "")
    return int(run_sql(db, f"SELECT count(*) FROM contact c WHERE {where}", params).fetchone()[0])


def search_hits(match: str) -> list[int]:
    """The ids the FTS5 query `match` finds, archived contacts included, in no set order."""
    rows = run_sql(db, "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?", [match])
    return [r[0] for r in rows]


def count_search_hits(match: str) -> int:
    """How many contacts, archived included, `match` finds: from the index alone."""
    row = run_sql(db, "SELECT count(*) FROM contact_fts WHERE contact_fts MATCH ?", [match])
    return int(row.fetchone()[0])


def count_archived_search_hits(match: str) -> int:
    row = run_sql(
        db,
        "SELECT count(*) FROM contact c WHERE c.archived = 1 AND EXISTS "
        "(SELECT 1 FROM contact_fts f WHERE f.rowid = c.id AND contact_fts MATCH ?)",
        [match],
    )
    return int(row.fetchone()[0])


def _tie(value: str) -> Tie:
    return stored(Tie, value, Tie.UNSORTED)


def listed_contacts(ids: Sequence[int]) -> list[ListedContact]:
    """The rows of these contacts (a page's worth), in no set order; unknown ids are left out."""
    if not ids:
        return []
    sql = (
        "SELECT c.id, c.display_name, coalesce(co.name, ''), c.tie, c.title, "
        "c.last_touch_at, c.next_due_at FROM contact c "
        "LEFT JOIN company co ON co.id = c.company_id "
        f"WHERE c.id IN ({','.join('?' * len(ids))})"
    )
    return [
        ListedContact(
            cid,
            name or "",
            company,
            _tie(tie),
            title or "",
            parse_datetime(last),
            parse_datetime(nxt),
        )
        for cid, name, company, tie, title, last, nxt in run_sql(db, sql, list(ids))
    ]


def store_has_contacts() -> bool:
    """Whether the store holds any contact at all, archived ones included."""
    row = run_sql(db, "SELECT EXISTS (SELECT 1 FROM contact)").fetchone()
    return bool(row[0] == 1)
