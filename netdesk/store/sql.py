"""Typed doors to the SQLite connection under Peewee, whose stubs leave them untyped."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, cast

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
