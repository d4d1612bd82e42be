"""Typed doors to the SQLite connection under Peewee, and the value forms every query shares."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from netdesk.core.domain import FollowUpState

if TYPE_CHECKING:  # Peewee is not imported for a read before the window's first paint
    import peewee as pw


def run_sql(
    database: pw.Database | pw.DatabaseProxy, query: str, params: Sequence[Any] = ()
) -> sqlite3.Cursor:
    """`database.execute_sql`, typed: Peewee's stubs leave it (and `connection`) untyped."""
    cursor = database.execute_sql(query, list(params))
    return cast(sqlite3.Cursor, cursor)


def raw_connection(database: pw.Database | pw.DatabaseProxy) -> sqlite3.Connection:
    """The sqlite3 connection under Peewee, for executemany and the backup API."""
    return cast(sqlite3.Connection, database.connection())


def dict_rows(query: Any) -> list[dict[str, Any]]:
    """A Peewee query's rows as plain dicts (its `.dicts()` is typed as model instances)."""
    return [dict(row) for row in query.dicts()]


OPEN_STATES = (FollowUpState.DUE.value, FollowUpState.SNOOZED.value)
# Spelled as in the partial index of schema 3, so that SQLite can use it.
OPEN_SQL = "('due', 'snoozed')"
_CHUNK = 500  # SQLite's limit on bound parameters is far above this; keeps IN lists small


def chunks(ids: Sequence[int], size: int = _CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class IdSet(NamedTuple):
    """Some ids as SQL: `f"... WHERE {column} {ids.sql}"` with `ids.params`."""

    sql: str
    params: list[int]


def id_sets(ids: Sequence[int], *, exact: bool = False) -> Iterator[IdSet]:
    """Sorted, distinct ids as the conditions of a few statements: one range when they run
    without a gap (a block of new contacts); else chunks, each read as one range of the
    index when its ids lie close together (contacts imported together), faster than as
    many look-ups. The rows of the ids in such a range not asked for come too and the
    caller passes over them, unless `exact`: then each chunk is a list.
    """
    if not ids:
        return
    if ids[-1] - ids[0] + 1 == len(ids):
        yield IdSet("BETWEEN ? AND ?", [ids[0], ids[-1]])
        return
    for chunk in chunks(ids):
        if not exact and chunk[-1] - chunk[0] < 2 * len(chunk):
            yield IdSet("BETWEEN ? AND ?", [chunk[0], chunk[-1]])
        else:
            yield IdSet(f"IN ({','.join('?' * len(chunk))})", list(chunk))


def parse_datetime(value: Any) -> dt.datetime | None:
    """A moment as the store returns it (a datetime, or its ISO text), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def iso(value: dt.datetime) -> str:
    # Peewee stores datetimes as "YYYY-MM-DD HH:MM:SS[.ffffff]"; comparisons in SQL rely
    # on every stored value using that one form.
    return value.isoformat(sep=" ")


E = TypeVar("E", bound=Enum)


def stored(kind: type[E], value: object, default: E) -> E:
    """A value read back from the store as its enum; `default` for one this version does not
    know (written by a newer NetDesk, or by hand)."""
    try:
        return kind(value)
    except ValueError:
        return default
