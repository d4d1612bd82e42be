"""The contact list's first page and count, read before the window's first paint.

The standard sqlite3 module on a read-only connection: no Peewee, no migration, no write.
Any doubt (no store yet, one to migrate or newer, a damaged or marked one, an import left
unfinished, an empty list, a folder or file this user may not write) answers None, and the
app takes the normal path: the store opened, checked and migrated first.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from netdesk.core.domain import Tie
from netdesk.store import migrations
from netdesk.store.listing import ORDER_BY, ListedContact, ListOrder
from netdesk.store.sql import parse_datetime, stored


@dataclass(frozen=True)
class FirstPage:
    """The first ids of the list in its order, the count of every row, and the rows of the
    first ids (as many as a tall screen shows)."""

    order: ListOrder
    descending: bool
    ids: list[int]
    total: int
    rows: list[ListedContact]


def read_first_page(
    path: Path,
    order: ListOrder,
    descending: bool,
    *,
    ids: int,
    rows: int,
    full_check_bytes: int = 16 * 1024 * 1024,
) -> FirstPage | None:
    """The first `ids` ids of every unarchived contact in `order`, the count, and the rows
    of the first `rows` of them; None when the store must take the normal way in.

    A file up to `full_check_bytes` is checked whole first (`db.FULL_CHECK_BYTES`, as
    `db.open_store` does); a larger one after the window is up."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    folder = path.parent
    if (
        size == 0
        or path.with_name(path.name + "-check").exists()  # db.check_mark: damage was seen
        or not os.access(folder, os.W_OK | os.X_OK)
        or not os.access(path, os.R_OK | os.W_OK)
    ):
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return _read(conn, size <= full_check_bytes, order, descending, ids, rows)
    except (sqlite3.Error, ValueError, TypeError):
        return None  # damaged, or not as this version wrote it: the normal path says why
    finally:
        conn.close()


def _read(
    conn: sqlite3.Connection, full: bool, order: ListOrder, descending: bool, limit: int, rows: int
) -> FirstPage | None:
    if full:
        problems = conn.execute("PRAGMA quick_check").fetchall()
        if any(r[0] != "ok" for r in problems):
            return None
    version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    if version != migrations.LATEST:
        return None  # to migrate (with its backup first), or newer: the normal path
    abandoned = conn.execute(
        "SELECT 1 FROM import_batch WHERE undone_at IS NULL AND undo_data LIKE '{%' LIMIT 1"
    ).fetchone()
    if abandoned:
        return None  # an import killed halfway is taken back when the store opens
    direction = "DESC" if descending else "ASC"
    join = "LEFT JOIN company co ON co.id = c.company_id " if order is ListOrder.COMPANY else ""
    found = [
        r[0]
        for r in conn.execute(
            f"SELECT c.id FROM contact c {join}WHERE c.archived = 0 "
            f"ORDER BY {ORDER_BY[order].format(dir=direction)} LIMIT {int(limit)}"
        )
    ]
    if not found:
        return None  # an empty list shows the first-launch state: the normal path
    total = len(found)
    if total == limit:
        counted = conn.execute("SELECT count(*) FROM contact c WHERE c.archived = 0")
        total = int(counted.fetchone()[0])
    wanted = found[:rows]
    listed = [
        ListedContact(
            cid,
            name or "",
            company,
            stored(Tie, tie, Tie.UNSORTED),
            title or "",
            parse_datetime(last),
            parse_datetime(nxt),
        )
        for cid, name, company, tie, title, last, nxt in conn.execute(
            "SELECT c.id, c.display_name, coalesce(co.name, ''), c.tie, c.title, "
            "c.last_touch_at, c.next_due_at FROM contact c "
            "LEFT JOIN company co ON co.id = c.company_id "
            f"WHERE c.id IN ({','.join('?' * len(wanted))})",
            wanted,
        )
    ]
    return FirstPage(order, descending, found, total, listed)
