"""Every way into the importer leaves the same store: the preview's plan applied whole
(plan_files + apply_plan, the window) and the command line's import a block at a time
(stream_import), on every corpus file and on a generated file full of duplicates, merges
and people who come back later in the file, then on a re-import and an undo of each."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from netdesk.core.demo import generate_network
from netdesk.core.matching import ImportPlan, PlanEntry
from netdesk.store import db, importer
from netdesk.store.demo import load_network
from tests.conftest import corpus_files, require_corpus

NOW = dt.datetime(2026, 3, 2, 9, 30)
# The stream's block sizes: one record (every later record of a person arrives after its
# entry was written), a few, and the command line's own.
BLOCKS = (1, 7, 64, importer.STREAM_BLOCK)

Dump = dict[str, list[tuple[Any, ...]]]
Import = Callable[[Sequence[Path], importer.DuplicatePolicy], list[dict[str, Any]]]


def _dump(path: Path) -> Dump:
    """Every row of every table (the search index as its rows, not its pages), as content.

    A company is named by its key rather than its id, and rows whose ids nobody refers
    to (emails, phones, follow-ups, companies) are compared as sorted sets: planning a
    whole file and writing it block by block create them in another order.
    """
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'contact_fts_%' AND name != 'schema_version' ORDER BY name"
            )
        ]
        company = dict(conn.execute("SELECT id, key FROM company").fetchall())
        out: Dump = {}
        for table in tables:
            rows: list[tuple[Any, ...]] = []
            for row in conn.execute(f"SELECT rowid AS rowid_, * FROM {table} ORDER BY rowid"):
                item = dict(row)
                if table in (
                    "company",
                    "contact_email",
                    "contact_phone",
                    "contact_url",
                    "contact_address",
                    "contact_property",
                    "follow_up",
                ):
                    del item["rowid_"]
                    item.pop("id", None)
                if table == "company":
                    del item["created_at"]  # the wall clock's, not the import's
                if "company_id" in item:
                    item["company_id"] = company.get(item["company_id"])
                if table == "import_batch":
                    # Which contacts a batch kept for undo, and as what, not when it met them.
                    undo = json.loads(item["undo_data"] or "[]")
                    for snapshot in undo:
                        before = snapshot["before"]
                        before["company"] = company.get(before.pop("company", None))
                    item["undo_data"] = sorted(undo, key=lambda s: s["contact_id"])
                rows.append(tuple(sorted(item.items(), key=lambda kv: kv[0])))
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        conn.close()


def _window(paths: Sequence[Path], duplicates: importer.DuplicatePolicy) -> list[dict[str, Any]]:
    """The preview's plan, the user's choice for every likely duplicate, applied."""
    plan = importer.plan_files(paths)
    decisions = importer.Decisions()
    for index, entry in enumerate(plan.entries):
        if entry.action == "duplicate" and duplicates == "keep":
            decisions.keep_both.add(index)
        elif entry.action == "duplicate" and duplicates == "skip":
            decisions.skip.add(index)
    if plan.new or plan.updated or plan.duplicates:  # as the window: nothing to write, no batch
        importer.apply_plan(plan, [p.name for p in paths], NOW, decisions)
    return list(plan.to_json()["entries"])


def _stream(block_size: int) -> Import:
    def run(paths: Sequence[Path], duplicates: importer.DuplicatePolicy) -> list[dict[str, Any]]:
        """stream_import, and its report as the command line puts it together."""
        entries: list[dict[str, Any]] = []

        def keep(index: int, entry: PlanEntry) -> None:
            assert index == len(entries)
            entries.append(ImportPlan([entry]).to_json()["entries"][0])

        done = importer.stream_import(
            paths, NOW, duplicates=duplicates, on_entry=keep, block_size=block_size
        )
        for index, (action, changes) in done.revised.items():
            final = ImportPlan([PlanEntry(action="update", changes=changes)]).to_json()
            entries[index]["action"] = action
            entries[index]["changes"] = final["entries"][0]["changes"]
        return entries

    return run


def _session(
    where: Path,
    run: Import,
    imports: Sequence[Sequence[Path]],
    duplicates: importer.DuplicatePolicy,
) -> tuple[list[Dump], list[list[dict[str, Any]]]]:
    """A small network, then each import in turn and an undo of the last: each step's store."""
    database = db.open_store(where / db.DATABASE_NAME)
    dumps: list[Dump] = []
    reports: list[list[dict[str, Any]]] = []
    try:
        load_network(generate_network(60, seed=11, now=NOW), NOW)
        for paths in imports:
            reports.append(run(paths, duplicates))
            database.execute_sql("PRAGMA wal_checkpoint")
            dumps.append(_dump(where / db.DATABASE_NAME))
        batch = importer.last_batch()
        if batch is not None:
            importer.undo_import(batch.id, NOW)
            database.execute_sql("PRAGMA wal_checkpoint")
            dumps.append(_dump(where / db.DATABASE_NAME))
    finally:
        db.close_store(database)
    return dumps, reports


def _same_everywhere(
    tmp_path: Path,
    imports: Sequence[Sequence[Path]],
    duplicates: importer.DuplicatePolicy,
    blocks: Sequence[int] = BLOCKS,
) -> None:
    expected_dumps, expected_reports = _session(tmp_path / "window", _window, imports, duplicates)
    for size in blocks:
        dumps, reports = _session(tmp_path / f"stream-{size}", _stream(size), imports, duplicates)
        for step, (report, expected) in enumerate(zip(reports, expected_reports, strict=True)):
            assert report == expected, (size, step)
        for step, (dump, expected_dump) in enumerate(zip(dumps, expected_dumps, strict=True)):
            for table, rows in expected_dump.items():
                assert dump[table] == rows, (size, step, table)


def _card(name: str, **fields: str | list[str]) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}"]
    for key, value in fields.items():
        for one in [value] if isinstance(value, str) else value:
            lines.append(f"{key.upper().replace('_', '-')}:{one}")
    return "\r\n".join([*lines, "END:VCARD", ""])


def _generated(path: Path) -> Path:
    """Cards that meet the network and each other in every way matching knows.

    The network's own people come back by email, by phone, by profile and as a likely
    duplicate (same name, same company, no shared identifier), some unchanged at first and
    changed by a later card; people new to the store come back later in the file by each
    identifier, sometimes bringing a profile or a company the first card lacked.
    """
    network = generate_network(60, seed=11, now=NOW)
    people = list(network.contacts)
    cards: list[str] = []
    for k in range(300):
        mail = f"new{k}@example.org"
        cards.append(
            _card(
                f"New Person {k}",
                n=f"Person {k};New;;;",
                email=mail,
                tel=f"+1 555 0{k:03d}",
                org=f"Newco {k % 4} Inc" if k % 3 else "",
                url=[f"https://www.linkedin.com/in/new-{k}"] if k % 5 == 0 else [],
            )
        )
        if k >= 6:  # someone from six cards back, by one of their identifiers
            j = k - 6
            how = j % 3
            cards.append(
                _card(
                    f"New Person {j}",
                    email=f"NEW{j}@example.org" if how == 0 else f"other{j}@example.org",
                    tel=f"+1 (555) 0{j:03d}" if how == 1 else f"+49 30 {j:06d}",
                    url=f"https://linkedin.com/in/NEW-{j}/"
                    if how == 2 and j % 5 == 0
                    else f"https://linkedin.com/in/late-{j}",
                    title="Came back" if j % 2 else "",
                    org=f"Latco {j}",
                    note=f"second card {j}",
                )
            )
    for i, person in enumerate(people[:48]):
        record = person.record
        how = i % 6
        if how == 0 and record.emails:  # by email, bringing more
            cards.append(
                _card(
                    record.display_name,
                    email=record.emails[0].upper(),
                    tel="+44 20 7946 1234",
                    note="by email",
                )
            )
        elif how == 1 and record.phones:  # by phone, nothing new, then a later card adds
            cards.append(_card(record.display_name, tel=record.phones[0]))
            cards.append(_card(record.display_name, tel=record.phones[0], title="Later title"))
        elif how == 2:  # a likely duplicate: same name and company, no shared identifier
            cards.append(
                _card(
                    record.display_name,
                    n=f"{record.family_name};{record.given_name};;;",
                    org=record.organization,
                    email=f"dup{i}@example.net",
                )
            )
        elif how == 3 and record.emails:  # the same card as the store holds: unchanged
            cards.append(_card(record.display_name, email=record.emails))
        elif how == 4 and record.emails:  # by email, then by a new identifier of this file
            cards.append(_card(record.display_name, email=record.emails[0], tel=f"+33 1 {i:08d}"))
            cards.append(
                _card(
                    record.display_name,
                    tel=f"+33 1 {i:08d}",
                    url=f"https://linkedin.com/in/known-{i}",
                    bday="1980-01-02",
                )
            )
        elif how == 5:
            cards.append(
                _card(record.display_name, email=f"fresh{i}@example.com", org=record.organization)
            )
    # The cards shuffled the same way every time: returns land before and after their first.
    order = sorted(range(len(cards)), key=lambda n: (n * 7919) % len(cards))
    path.write_text("".join(cards[n] for n in order), encoding="utf-8")
    return path


@pytest.mark.parametrize("duplicates", ["merge", "keep", "skip"])
def test_a_generated_file_lands_the_same_through_every_path(
    tmp_path: Path, duplicates: importer.DuplicatePolicy
) -> None:
    cards = _generated(tmp_path / "cards.vcf")
    _same_everywhere(tmp_path, [[cards], [cards]], duplicates)


def test_every_corpus_file_lands_the_same_through_every_path(tmp_path: Path) -> None:
    require_corpus()
    files = corpus_files()
    # Each file on its own, then all of them again in one import.
    # Blocks of a few records would take the corpus' 2,000-card file a while.
    _same_everywhere(tmp_path, [*([f] for f in files), files], "merge", (64, importer.STREAM_BLOCK))
