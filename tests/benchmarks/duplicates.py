"""How long Contact > Find duplicates takes on a large network, and what it finds.

    python tests/benchmarks/duplicates.py [--contacts 50000] [--runs 3] [--work DIR]

Builds a demo network (kept in WORK and reused), gives every contact a number of its own
(the demo's fictional 555-01xx numbers are shared by dozens, which no real network does),
then adds second cards of 1% of the people as real duplicates look: the number written in
its national form, a slip in the name, the email in capitals. Times the whole scan as the
dialog runs it (reading the store, then pairing) and prints the figures. Not part of the
test suite: timings are noisy, so nothing here asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from netdesk.core.demo import generate_network
from netdesk.core.matching import normalize_phone
from netdesk.store import db, reader, writer
from netdesk.store.demo import load_network
from netdesk.store.models import Contact
from netdesk.store.sql import run_sql

NOW = dt.datetime(2026, 11, 20, 10, 0)
AREAS = ("212", "312", "415", "503", "617", "646", "720", "206", "512", "404")


def _number(n: int) -> tuple[str, str]:
    """A number of its own for contact `n`: international and national forms."""
    area = AREAS[n % len(AREAS)]
    exchange = 200 + (n // 10_000) % 700
    line = n % 10_000
    return f"+1 {area} {exchange} {line:04d}", f"({area}) {exchange}-{line:04d}"


def _slip(name: str, rng: random.Random) -> str:
    """The name with two neighbouring letters swapped, past the first letter of a word."""
    spots = [i for i in range(1, len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()]
    if not spots:
        return name + "e"
    i = rng.choice(spots)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def build(path: Path, contacts: int) -> tuple[int, set[tuple[int, int]]]:
    """The store at `path` (made once); returns how many contacts and the planted pairs."""
    fresh = not path.exists()
    database = db.open_store(path, backup_dir=path.parent / "backups")
    planted: set[tuple[int, int]] = set()
    if fresh:
        print(f"building a network of {contacts:,} contacts in {path} …", flush=True)
        load_network(generate_network(contacts, seed=11, now=NOW, interactions_per_contact=2), NOW)
        ids = [r[0] for r in run_sql(database, "SELECT id FROM contact ORDER BY id")]
        with writer.change(NOW):
            run_sql(database, "DELETE FROM contact_phone")
            rows = [(cid, _number(cid)[0], normalize_phone(_number(cid)[0])) for cid in ids]
            database.connection().executemany(
                "INSERT INTO contact_phone (contact_id, phone, key, position) VALUES (?, ?, ?, 0)",
                rows,
            )
            rng = random.Random(5)
            for cid in rng.sample(ids, contacts // 100):
                details = reader.contact_details(cid)
                kind = rng.randrange(3)
                name = _slip(details.display_name, rng) if kind == 1 else details.display_name
                emails = [e.upper() for e in details.emails] if kind == 2 else []
                phones = [_number(cid)[1]] if kind != 2 else []
                twin = writer.create_contact(
                    {"display_name": name, "title": details.title},
                    NOW,
                    emails=emails,
                    phones=phones,
                    company=details.company,
                ).id
                planted.add((min(twin, cid), max(twin, cid)))
        (path.parent / "planted.json").write_text(json.dumps(sorted(planted)))
    planted = {(a, b) for a, b in json.loads((path.parent / "planted.json").read_text())}
    count = Contact.select().count()
    db.close_store(database)
    return count, planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "netdesk-dup")
    args = parser.parse_args()
    path = args.work / f"dup-{args.contacts}" / db.DATABASE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    count, planted = build(path, args.contacts)

    database = db.open_store(path, backup_dir=path.parent / "backups")
    times: list[float] = []
    reports = 0
    scan = None
    for _ in range(args.runs):
        seen: list[int] = []

        def report(done: int, total: int, seen: list[int] = seen) -> None:
            seen.append(done)

        started = time.perf_counter()
        scan = reader.likely_duplicates("US", report)
        times.append(time.perf_counter() - started)
        reports = len(seen)
    db.close_store(database)
    assert scan is not None
    found = {p.key for p in scan.pairs}
    sure = sum(1 for p in scan.pairs if p.sure)
    print(f"contacts scanned             {count:,}")
    print(f"scan, median of {args.runs}           {statistics.median(times):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)}; {reports} progress reports)")
    print(f"likely pairs                 {len(scan.pairs):,} ({sure:,} sure)")
    print(f"planted second cards found   {len(planted & found):,} of {len(planted):,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
