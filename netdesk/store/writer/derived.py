"""The facts the store derives from what the user wrote, kept in step by the writer: each
contact's touch summary, the rules' follow-ups (with rule 4's thank-yous), the next due moment
and the search index."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import platform
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from netdesk.core import gratitude, playbook
from netdesk.core.domain import (
    NOT_A_TOUCH,
    RULE_OF_REASON,
    RULE_REASONS,
    FollowUpReason,
    FollowUpRule,
    FollowUpState,
    InteractionKind,
)
from netdesk.store.migrations import FTS_INSERT
from netdesk.store.models import (
    FollowUp,
    db,
)
from netdesk.store.reader.due import (
    _FACTS_COLUMNS,
    _facts_from_row,
    help_owed,
)
from netdesk.store.reader.settings import playbook_settings, search_active
from netdesk.store.sql import (
    OPEN_SQL,
    OPEN_STATES,
    chunks,
    id_sets,
    iso,
    parse_datetime,
    raw_connection,
)

_TOUCH_KINDS_SQL = ",".join(f"'{k.value}'" for k in InteractionKind if k not in NOT_A_TOUCH)


def refresh_touch_summary(contact_ids: Sequence[int] | None) -> None:
    """Recompute each contact's timeline summary (count, first and last touch)."""
    where = ""
    params: list[Any] = []
    batches: Iterable[Sequence[int] | None] = (
        [None] if contact_ids is None else chunks(list(contact_ids))
    )
    for chunk in batches:
        if chunk is not None:
            where = f"WHERE c.id IN ({','.join('?' * len(chunk))})"
            params = list(chunk)
        db.execute_sql(
            f"""
            UPDATE contact AS c SET
              touch_count = coalesce(s.n, 0),
              last_touch_at = s.last_at,
              first_touch_at = s.first_at,
              first_touch_kind = coalesce(f.kind, ''),
              first_touch_summary = coalesce(substr(f.summary, 1, 200), '')
            FROM contact AS c2
            LEFT JOIN (
              SELECT contact_id, count(*) AS n, min(at) AS first_at, max(at) AS last_at
              FROM interaction WHERE kind IN ({_TOUCH_KINDS_SQL}) GROUP BY contact_id
            ) AS s ON s.contact_id = c2.id
            LEFT JOIN interaction AS f ON f.id = (
              SELECT i.id FROM interaction i WHERE i.contact_id = c2.id
              AND i.kind IN ({_TOUCH_KINDS_SQL}) ORDER BY i.at, i.id LIMIT 1
            )
            WHERE c2.id = c.id {where.replace("WHERE", "AND")}
            """,
            params,
        )


def recompute_follow_ups(contact_ids: Sequence[int] | None, now: dt.datetime) -> None:
    """Bring the rules' follow-ups in step with the timeline, for some contacts or all.

    Each contact has at most one open rule follow-up. It is kept as it is (snooze and
    notification included) while the rules still give the same reason and due date;
    otherwise it is closed — done when a touch came after it, dropped when a setting
    moved it — and the new one is opened, unless the user already dismissed that one.
    """
    settings = playbook_settings()
    active = search_active()
    rule_reasons = [r.value for r in RULE_REASONS]
    reason_marks = ",".join("?" * len(rule_reasons))
    with db.atomic():
        batches: Iterable[Sequence[int] | None] = (
            [None] if contact_ids is None else chunks(list(dict.fromkeys(contact_ids)))
        )
        for chunk in batches:
            if chunk is None:
                where, params = "", []
            else:
                where, params = f" AND c.id IN ({','.join('?' * len(chunk))})", list(chunk)
            facts_rows = db.execute_sql(
                f"SELECT {_FACTS_COLUMNS} FROM contact c WHERE c.archived = 0{where}", params
            ).fetchall()
            open_rows = db.execute_sql(
                "SELECT f.id, f.contact_id, f.reason, f.due_at, f.created_at FROM follow_up f "
                f"JOIN contact c ON c.id = f.contact_id WHERE f.state IN (?, ?) "
                f"AND f.reason IN ({reason_marks}){where}",
                [*OPEN_STATES, *rule_reasons, *params],
            ).fetchall()
            open_by_contact = {r[1]: r for r in open_rows}
            closed_keys = {
                (r[0], r[1], r[2])
                for r in db.execute_sql(
                    "SELECT f.contact_id, f.reason, f.due_at FROM follow_up f "
                    f"JOIN contact c ON c.id = f.contact_id WHERE f.state IN (?, ?) "
                    f"AND f.reason IN ({reason_marks}){where}",
                    [
                        FollowUpState.DISMISSED.value,
                        FollowUpState.DONE.value,
                        *rule_reasons,
                        *params,
                    ],
                )
            }
            to_done: list[int] = []
            to_drop: list[int] = []
            to_create: list[dict[str, Any]] = []
            seen: set[int] = set()
            for row in facts_rows:
                contact_id = row[0]
                seen.add(contact_id)
                facts = _facts_from_row(row)
                rule = playbook.next_follow_up(facts, settings, search_active=active)
                current = open_by_contact.get(contact_id)
                key = (contact_id, rule.reason.value, iso(rule.due_at)) if rule else None
                if current is not None:
                    if (
                        key is not None
                        and (current[2], iso(parse_datetime(current[3]) or now)) == key[1:]
                    ):
                        continue
                    created = parse_datetime(current[4])
                    if (
                        facts.last_touch_at is not None
                        and created is not None
                        and facts.last_touch_at >= created
                    ):
                        to_done.append(current[0])
                    else:
                        to_drop.append(current[0])
                if rule is not None and key not in closed_keys:
                    to_create.append(
                        {
                            "contact": contact_id,
                            "reason": rule.reason.value,
                            "rule": RULE_OF_REASON[rule.reason].value,
                            "due_at": rule.due_at,
                            "effective_at": rule.due_at,
                            "state": FollowUpState.DUE.value,
                            "created_at": now,
                        }
                    )
            # Open rule follow-ups of contacts now archived are dropped with them.
            to_drop.extend(r[0] for cid, r in open_by_contact.items() if cid not in seen)
            for ids in chunks(to_done):
                FollowUp.update(state=FollowUpState.DONE.value, resolved_at=now).where(
                    FollowUp.id.in_(ids)
                ).execute()
            for ids in chunks(to_drop):
                FollowUp.delete().where(FollowUp.id.in_(ids)).execute()
            for start in range(0, len(to_create), 200):
                FollowUp.insert_many(to_create[start : start + 200]).execute()
            _refresh_thanks(chunk, now)
            refresh_next_due(chunk)


def recompute_follow_ups_of_new(contact_ids: Sequence[int], now: dt.datetime) -> None:
    """recompute_follow_ups for contacts just added alike, as an import adds cards: the same
    tie, cadence and creation time, no timeline, no follow-up. The rules are asked once,
    for the first of them; when they give nothing, nothing changes for any of them.
    Contacts that are not alike after all are recomputed one by one.
    """
    if not contact_ids:
        return
    first = contact_ids[0]
    row = db.execute_sql(
        f"SELECT {_FACTS_COLUMNS} FROM contact c WHERE c.id = ? AND c.archived = 0 "
        "AND c.touch_count = 0 AND c.next_due_at IS NULL",
        [first],
    ).fetchone()
    if row is None or playbook.next_follow_up(
        _facts_from_row(row), playbook_settings(), search_active=search_active()
    ):
        recompute_follow_ups(contact_ids, now)
        return
    unlike: list[int] = []
    for ids in id_sets(sorted(set(contact_ids)), exact=True):
        unlike += [
            cid
            for (cid,) in db.execute_sql(
                "SELECT c.id FROM contact c, contact f WHERE f.id = ? "
                f"AND c.id {ids.sql} AND (c.archived != 0 OR c.touch_count != 0 "
                "OR c.next_due_at IS NOT NULL OR c.tie IS NOT f.tie "
                "OR c.cadence_days IS NOT f.cadence_days OR c.created_at IS NOT f.created_at "
                "OR c.rules_reset_at IS NOT f.rules_reset_at "
                "OR c.first_touch_at IS NOT NULL OR c.last_touch_at IS NOT NULL "
                "OR EXISTS (SELECT 1 FROM interaction i WHERE i.contact_id = c.id) "
                "OR EXISTS (SELECT 1 FROM follow_up u WHERE u.contact_id = c.id))",
                [first, *ids.params],
            )
        ]
    if unlike:
        recompute_follow_ups(unlike, now)


def _refresh_thanks(contact_ids: Sequence[int] | None, now: dt.datetime) -> None:
    """Playbook rule 4, gratitude (core.gratitude): a contact whose help has no thank-you
    after it gets a thank-you follow-up naming what they did; a thank-you logged after a
    thank-you follow-up was made closes it, whichever rule made it.
    """
    where, params = "", []
    if contact_ids is not None:
        where = f" AND f.contact_id IN ({','.join('?' * len(contact_ids))})"
        params = list(contact_ids)
    owed = help_owed(contact_ids, now)
    open_thanks: dict[int, tuple[int, str, str, dt.datetime]] = {
        cid: (fid, rule, note, parse_datetime(created) or now)
        for fid, cid, rule, note, created in db.execute_sql(
            "SELECT f.id, f.contact_id, f.rule, f.note, f.created_at FROM follow_up f "
            f"WHERE f.reason = ? AND f.state IN {OPEN_SQL}{where}",
            [FollowUpReason.THANK_YOU.value, *params],
        )
    }
    if not owed and not open_thanks:
        return  # the usual case for most contacts: no help on record, nothing asked
    thanks_logged: dict[int, list[dt.datetime]] = {}
    for chunk in chunks(list(open_thanks)):
        for cid, logged in db.execute_sql(
            "SELECT contact_id, created_at FROM interaction WHERE kind = ? "
            f"AND contact_id IN ({','.join('?' * len(chunk))})",
            [InteractionKind.THANK_YOU.value, *chunk],
        ):
            if (moment := parse_datetime(logged)) is not None:
                thanks_logged.setdefault(cid, []).append(moment)
    for cid, (fid, _, _, asked_at) in list(open_thanks.items()):
        if gratitude.answered(asked_at, thanks_logged.get(cid, ())):
            FollowUp.update(state=FollowUpState.DONE.value, resolved_at=now).where(
                FollowUp.id == fid
            ).execute()
            del open_thanks[cid]
    names: dict[int, str] = {}
    for chunk in chunks(list(owed)):
        names.update(
            db.execute_sql(
                "SELECT id, display_name FROM contact WHERE archived = 0 "
                f"AND id IN ({','.join('?' * len(chunk))})",
                list(chunk),
            ).fetchall()
        )
    rows = []
    for cid, items in owed.items():
        if cid not in names:
            continue  # archived
        sentence = gratitude.thanks_sentence(names[cid], items)
        if cid in open_thanks:
            fid, rule, note, _ = open_thanks[cid]
            # Rule 4's own follow-up grows with new help; the wrap-up's keeps its words.
            if rule == FollowUpRule.GRATITUDE.value and note != sentence:
                FollowUp.update(note=sentence).where(FollowUp.id == fid).execute()
            continue
        rows.append(
            {
                "contact": cid,
                "reason": FollowUpReason.THANK_YOU.value,
                "rule": FollowUpRule.GRATITUDE.value,
                "due_at": now,
                "effective_at": now,
                "state": FollowUpState.DUE.value,
                "note": sentence,
                "created_at": now,
            }
        )
    for start in range(0, len(rows), 200):
        FollowUp.insert_many(rows[start : start + 200]).execute()


def refresh_next_due(contact_ids: Sequence[int] | None) -> None:
    """Each contact's `next_due_at`: the soonest of its open follow-ups."""
    where, params = "", []
    if contact_ids is not None:
        where, params = (
            f"WHERE contact.id IN ({','.join('?' * len(contact_ids))})",
            list(contact_ids),
        )
    # INDEXED BY: left to itself, SQLite walks the (state, effective_at) index for every
    # contact, which turns a refresh of the whole network quadratic.
    db.execute_sql(
        "UPDATE contact SET next_due_at = (SELECT min(f.effective_at) FROM follow_up f "
        "INDEXED BY follow_up_contact_id_state "
        f"WHERE f.contact_id = contact.id AND f.state IN {OPEN_SQL}) {where}",
        params,
    )


# The triggers that fire on a new contact and its card rows: the full-text index's and the
# address-book outbox's (migrations, schemas 2 and 9). A bulk insert that switches triggers
# off for its statements does their work itself (bulk_insert); another trigger on these
# tables, which it would not know how to stand in for, leaves them on.
_BULK_TABLES = (
    "contact",
    "contact_email",
    "contact_phone",
    "contact_url",
    "contact_address",
    "contact_property",
)
_BULK_TRIGGERS = frozenset(
    (
        "contact_fts_insert",
        "contact_fts_email_insert",
        *(f"sync_outbox_{table}_insert" for table in _BULK_TABLES),
    )
)
_SYNC_ON_SQL = (
    "(SELECT quiet FROM sync_quiet) = 0 AND EXISTS (SELECT 1 FROM sync_book WHERE enabled = 1)"
)
# New contacts into the outbox, once _SYNC_ON_SQL said it is on (`ids`: IdSet.sql).
_QUEUE_NEW = (
    "INSERT INTO sync_outbox (contact_id, op, version, queued_at) "
    "SELECT id, 'put', 1, datetime('now') FROM contact WHERE id {ids} "
    "ON CONFLICT (contact_id) DO UPDATE SET op = 'put', version = version + 1, "
    "queued_at = excluded.queued_at"
)
_INSERT_TRIGGER = re.compile(r"\bINSERT\s+ON\s+\"?(\w+)", re.IGNORECASE)


def _only_known_insert_triggers() -> bool:
    """Whether the insert triggers on the bulk-loaded tables are those bulk_insert stands
    in for (no others, no temporary ones)."""
    marks = ",".join("?" * len(_BULK_TABLES))
    for schema in ("main", "temp"):
        for name, sql in db.execute_sql(
            f"SELECT name, sql FROM {schema}.sqlite_master WHERE type = 'trigger' "
            f"AND tbl_name IN ({marks})",
            _BULK_TABLES,
        ):
            known = schema == "main" and name in _BULK_TRIGGERS
            if _INSERT_TRIGGER.search(sql or "") and not known:
                return False
    return True


@contextlib.contextmanager
def bulk_insert(
    new_contact_ids: list[int],
    meanwhile: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext,
) -> Iterator[None]:
    """Bulk-insert new contacts and their card rows without a trigger per row; index them
    in the full-text table (and queue them for a synced address book) once at the end.

    Call inside the write transaction. Triggers are switched off for this connection only
    (SQLite's SQLITE_DBCONFIG_ENABLE_TRIGGER), never dropped: the schema does not change,
    so no other connection sees a trigger missing or has to read the schema again. Where
    the switch is not available, the triggers fire row by row and nothing more is done.
    Fill `new_contact_ids` with the ids inserted; existing contacts must not gain rows here.
    `meanwhile` surrounds the indexing, which runs in SQLite without Python's lock.
    """
    conn = raw_connection(db)
    switch = _trigger_switch(conn) if _only_known_insert_triggers() else None
    if switch is None:
        yield
        return
    switch(False)
    try:
        yield
    finally:
        switch(True)
    if not new_contact_ids:
        return
    ids = sorted(new_contact_ids)
    # The index has no row for a new id unless one was left behind above the highest; the
    # outbox takes nothing unless an address book is synced: two look-ups spare a statement
    # each per block.
    stale = db.execute_sql("SELECT 1 FROM contact_fts WHERE rowid >= ? LIMIT 1", [ids[0]])
    clear = stale.fetchone() is not None
    queue = db.execute_sql(f"SELECT {_SYNC_ON_SQL}").fetchone()[0]
    with meanwhile():
        for group in id_sets(ids, exact=True):  # usually one run of new ids
            if clear:
                db.execute_sql(f"DELETE FROM contact_fts WHERE rowid {group.sql}", group.params)
            db.execute_sql(f"{FTS_INSERT} WHERE c.id {group.sql}", group.params)
            if queue:
                db.execute_sql(_QUEUE_NEW.format(ids=group.sql), group.params)


# SQLITE_DBCONFIG_ENABLE_TRIGGER: switches the triggers of one connection on or off (the
# sqlite3 module names it from Python 3.12; sqlite3.h gives its value).
_ENABLE_TRIGGER = getattr(sqlite3, "SQLITE_DBCONFIG_ENABLE_TRIGGER", 1003)
_db_config: Any = None  # sqlite3_db_config through ctypes (Python 3.11), once found


def _trigger_switch(conn: sqlite3.Connection) -> Callable[[bool], None] | None:
    """A function that switches this connection's triggers on or off; None where that is
    not possible.

    Python 3.12 has Connection.setconfig. On 3.11 the same C call is made through ctypes
    with the connection's handle, checked first against what the sqlite3 module reports
    of it; not on Apple's arm64, where a variadic C call needs what ctypes cannot give.
    """
    setconfig = getattr(conn, "setconfig", None)
    if setconfig is not None:
        return lambda on: setconfig(_ENABLE_TRIGGER, on)
    handle, config = _c_handle(conn)
    if handle is None:
        return None

    def switch(on: bool) -> None:
        now = ctypes.c_int(-1)
        config(handle, ctypes.c_int(_ENABLE_TRIGGER), ctypes.c_int(int(on)), ctypes.byref(now))
        if now.value != int(on):
            raise sqlite3.OperationalError("SQLite did not switch the triggers")

    return switch


def _c_handle(conn: sqlite3.Connection) -> tuple[ctypes.c_void_p | None, Any]:
    global _db_config
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return None, None
    if sys.platform == "darwin" and platform.machine() == "arm64":
        return None, None
    try:
        if _db_config is None:
            import _sqlite3

            lib = ctypes.CDLL("sqlite3" if sys.platform == "win32" else _sqlite3.__file__)
            lib.sqlite3_total_changes.argtypes = [ctypes.c_void_p]
            lib.sqlite3_get_autocommit.argtypes = [ctypes.c_void_p]
            lib.sqlite3_db_config.restype = ctypes.c_int
            _db_config = lib
        lib = _db_config
        # The first field of CPython's connection object, after the object header.
        address = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
        if not address:
            return None, None
        handle = ctypes.c_void_p(address)
        if lib.sqlite3_total_changes(handle) != conn.total_changes or bool(
            lib.sqlite3_get_autocommit(handle)
        ) == conn.in_transaction:
            return None, None
        return handle, lib.sqlite3_db_config
    except (OSError, AttributeError, ImportError):
        return None, None
