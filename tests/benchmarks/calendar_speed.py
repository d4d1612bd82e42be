"""Calendar push speed against a real CalDAV server (Radicale on loopback): the first push of
about N open follow-ups (a demo network's), then a sync of 10 changes (5 tasks completed on
the server, 5 follow-ups snoozed here), then a sync with nothing to do, and the peak memory
of the process that pushes. Prints figures; asserts only that the work was done.

    python tests/benchmarks/calendar_speed.py [--follow-ups 5000] [--work DIR]

Radicale writes each item to its own file and re-reads its collection's cache on every PUT,
so most of the first push is the server's time; the time NetDesk itself spent is printed
beside it (the same run, less the time spent waiting for answers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

NOW = dt.datetime(2026, 11, 26, 9, 0)
# Open follow-ups per contact of the demo network (measured: 1,101 for 1,000 contacts).
PER_CONTACT = 1.1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--follow-ups", type=int, default=5000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="netdesk-calendar-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "radicale"
    shutil.rmtree(folder, ignore_errors=True)

    from netdesk.core.demo import generate_network
    from netdesk.store import db, reader, writer
    from netdesk.store.demo import load_network
    from netdesk.sync import caldav, engine, http
    from tests.sync.conftest import Server, start_radicale
    from tests.sync.test_caldav import complete_on_server

    waited = [0.0]
    real_once = http.Client._once

    def timed_once(self: http.Client, *a: object, **k: object) -> http.Response:
        start = time.perf_counter()
        try:
            return real_once(self, *a, **k)  # type: ignore[arg-type]
        finally:
            waited[0] += time.perf_counter() - start

    http.Client._once = timed_once  # type: ignore[method-assign]

    process, url = start_radicale(folder)
    try:
        server = Server(url, folder)
        data = work / "data"
        shutil.rmtree(data, ignore_errors=True)
        database = db.open_store(data / db.DATABASE_NAME)
        contacts = max(1, round(args.follow_ups / PER_CONTACT))
        load_network(generate_network(contacts, seed=1, now=NOW), NOW)
        account_id = writer.add_sync_account(url, "alice", [], NOW)
        caldav.use_calendar(account_id, url, "alice", "")
        open_count = len(reader.pushable_follow_ups(NOW))

        def sync(now: dt.datetime = NOW) -> tuple[float, float, engine.Report]:
            account = reader.sync_account(account_id)
            assert account is not None
            report = engine.Report()
            waited[0] = 0.0
            start = time.perf_counter()
            caldav.push_calendars([(account, "")], now, report)
            return time.perf_counter() - start, waited[0], report

        initial, initial_wait, report = sync()
        assert report.events_put == open_count, report
        # 10 changes: five tasks ticked on the phone, five follow-ups snoozed here.
        store = reader.store_id()
        ids = reader.pushable_follow_ups(NOW).ids()
        for fid in ids[:5]:
            complete_on_server(server, f"follow-up-{fid}-{store}@netdesk.invalid")
        until = NOW + dt.timedelta(days=3, hours=6)
        writer.snooze_follow_ups(ids[5:10], until)
        incremental, incremental_wait, report = sync()
        # The five snoozed, and the next round of each of the five done (a rule's next
        # follow-up counts from when it was completed).
        assert report.done_here == 5 and report.events_put == 10, report
        nothing, nothing_wait, report = sync()
        assert report.events_put == report.done_here == report.events_closed == 0, report
        db.close_store(database)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def line(what: str, total: float, wait: float) -> None:
        print(f"{what:<34} {total:8.2f} s (NetDesk {total - wait:.2f} s, server {wait:.2f} s)")

    print(f"{'open follow-ups pushed':<34} {open_count}")
    line("first push", initial, initial_wait)
    print(f"{'  per follow-up':<34} {1000 * initial / max(open_count, 1):8.1f} ms")
    line("sync of 10 changes (5 + 5)", incremental, incremental_wait)
    print(f"{'  (5 done here, 10 put there)':<34}")
    line("sync with nothing to do", nothing, nothing_wait)
    print(f"{'peak RSS of this process':<34} {peak:8.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
