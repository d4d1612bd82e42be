"""Writing an imported history (a LinkedIn archive's messages, a mailbox's emails) into the
timeline: each entry once, however often the same history is imported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from netdesk.core.domain import Direction, InteractionKind
from netdesk.core.linkedin_archive import SOURCE as LINKEDIN
from netdesk.core.linkedin_archive import ArchiveHistory, assign
from netdesk.core.mail_history import SOURCE as MAIL
from netdesk.core.mail_history import MailReading
from netdesk.store.models import ImportBatch, db
from netdesk.store.reader.history import imported_keys, mail_rows, people_directory
from netdesk.store.sql import iso, raw_connection
from netdesk.store.writer.changes import change


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One timeline entry to add, already matched to its contact."""

    contact_id: int
    kind: InteractionKind
    at: dt.datetime
    direction: Direction
    summary: str
    helped: str
    source_key: str


@dataclass(frozen=True, slots=True)
class HistoryAdded:
    batch_id: int
    added: int
    already: int  # entries the timeline held from an earlier import
    contacts: int  # people whose timeline grew


def add_history(
    rows: Sequence[HistoryRow],
    source: str,
    sources: Sequence[str],
    now: dt.datetime,
    *,
    batch_id: int | None = None,
) -> HistoryAdded:
    """Add the rows the timeline does not hold yet (by contact and source key), as part of
    import batch `batch_id` (a new batch naming `sources` when None), so File > Undo import
    takes them back too. The touch summaries and the rules follow in the same change."""
    with change(now) as changed:
        if batch_id is None:
            batch_id = int(
                ImportBatch.create(created_at=now, sources="\n".join(sources), undo_data="[]").id
            )
        have = imported_keys((r.contact_id for r in rows), source)
        fresh = []
        already = 0
        stamp = iso(now)
        for row in rows:
            mark = (row.contact_id, row.source_key)
            if mark in have:
                already += 1
                continue
            have.add(mark)
            fresh.append(
                (
                    row.contact_id,
                    row.kind.value,
                    iso(row.at),
                    row.summary,
                    row.helped,
                    row.direction.value,
                    stamp,
                    batch_id,
                    source,
                    row.source_key,
                )
            )
        raw_connection(db).executemany(
            "INSERT INTO interaction (contact_id, kind, at, summary, helped, direction, "
            "created_at, import_batch_id, source, source_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            fresh,
        )
        touched = {r[0] for r in fresh}
        changed.timeline(touched)
        changed.import_batches.add(batch_id)
    return HistoryAdded(batch_id, len(fresh), already, len(touched))


def import_linkedin_history(
    history: ArchiveHistory,
    sources: Sequence[str],
    now: dt.datetime,
    *,
    batch_id: int | None = None,
) -> HistoryAdded:
    """The archive's history, matched to the people in the store now (the connections the
    same import wrote included): by LinkedIn profile first, then by name."""
    with change(now):
        assigned = assign(history.entries, people_directory())
        rows = [
            HistoryRow(cid, e.kind, e.at, e.direction, e.summary, e.helped, e.source_key)
            for cid, e in assigned.rows
        ]
        return add_history(rows, LINKEDIN, sources, now, batch_id=batch_id)


def import_mail_history(
    reading: MailReading, sources: Sequence[str], now: dt.datetime
) -> HistoryAdded:
    """The mailbox's emails with the people in the store, by address: "email sent" and
    "email received" entries with the date and subject."""
    with change(now):
        rows = [
            HistoryRow(
                cid,
                InteractionKind.EMAIL,
                e.at,
                e.direction,
                e.subject or "(no subject)",
                "",
                e.source_key,
            )
            for cid, e in mail_rows(reading)
        ]
        return add_history(rows, MAIL, sources, now)
