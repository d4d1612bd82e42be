"""Sync speed against a real CardDAV server (Radicale on loopback): an initial sync of N
cards into an empty store, then an incremental sync with 10 changes on each side, and the
peak memory of the process that syncs. Prints figures; asserts nothing.

    python tests/benchmarks/sync_speed.py [--cards 5000] [--work DIR]

The issue's baseline is vdirsyncer syncing the same cards with the same server; it runs
here when `vdirsyncer` is on PATH, and is reported as missing otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

BOOK = "/alice/contacts/"
NOW = dt.datetime(2026, 11, 26, 9, 0)


def card(i: int, note: str = "") -> str:
    extra = f"NOTE:{note}\r\n" if note else ""
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-{i}\r\nFN:Person {i}\r\nN:{i};Person;;;\r\n"
        f"EMAIL;TYPE=work:person{i}@example.org\r\nTEL;TYPE=cell:+1 555 {i:07d}\r\n"
        f"ORG:Company {i % 97}\r\nTITLE:Engineer\r\nitem1.URL:https://example.org/p/{i}\r\n"
        f"item1.X-ABLabel:profile\r\nX-CUSTOM:{i}\r\n{extra}END:VCARD\r\n"
    )


def seed_server(folder: Path, count: int) -> None:
    """The cards written straight into Radicale's storage folder (its own layout), so that
    filling the server does not take longer than syncing it."""
    book = folder / "collection-root" / BOOK.strip("/")
    book.mkdir(parents=True)
    (book / ".Radicale.props").write_text(
        json.dumps({"tag": "VADDRESSBOOK", "D:displayname": "Contacts"}), encoding="utf-8"
    )
    for i in range(count):
        (book / f"bench-{i}.vcf").write_text(card(i), encoding="utf-8", newline="")


def seed_xandikos(folder: Path, count: int) -> None:
    """The cards committed straight into the git repository Xandikos keeps the address book
    in (its own layout), after one start of Xandikos that makes the address book."""
    from dulwich.index import index_entry_from_stat
    from dulwich.objects import Blob
    from dulwich.repo import Repo

    from tests.sync.conftest import XANDIKOS_BOOK, start_xandikos, stop

    process, _url = start_xandikos(folder)
    stop(process)
    book = folder / XANDIKOS_BOOK.strip("/")
    repo = Repo(str(book))
    index = repo.open_index()
    for i in range(count):
        path = book / f"bench-{i}.vcf"
        data = card(i).encode("utf-8")
        path.write_bytes(data)
        blob = Blob.from_string(data)
        repo.object_store.add_object(blob)
        index[path.name.encode()] = index_entry_from_stat(path.stat(), blob.id)
    index.write()
    tree = index.commit(repo.object_store)
    repo.get_worktree().commit(message=b"5,000 cards", tree=tree)
    repo.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="netdesk-sync-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "radicale"
    shutil.rmtree(folder, ignore_errors=True)
    seed_server(folder, args.cards)

    from netdesk.store import db, reader, writer
    from netdesk.store.models import Contact
    from netdesk.sync import engine
    from tests.sync.conftest import Server, start_radicale

    process, url = start_radicale(folder)
    try:
        server = Server(url, folder)
        data = work / "data"
        shutil.rmtree(data, ignore_errors=True)
        database = db.open_store(data / db.DATABASE_NAME)
        account_id = writer.add_sync_account(url, "alice", [(BOOK, "Contacts", True)], NOW)
        server.warm()

        def sync() -> tuple[float, engine.Report]:
            account = reader.sync_account(account_id)
            assert account is not None
            start = time.perf_counter()
            report = engine.sync_account(account, "", NOW)
            return time.perf_counter() - start, report

        initial, report = sync()
        assert report.added_here == args.cards, report
        # 10 changes on each side.
        for i in range(10):
            current = server.get(f"{BOOK}bench-{i}.vcf")
            assert current is not None
            server.put(f"{BOOK}bench-{i}.vcf", card(i, "changed on the phone"), current.etag)
        ids = [c.id for c in Contact.select(Contact.id).order_by(Contact.id.desc()).limit(10)]
        for contact_id in ids:
            writer.update_contact(contact_id, {"title": "Director"}, NOW)
        incremental, report = sync()
        assert (report.updated_here, report.updated_there) == (10, 10), report
        nothing, _ = sync()
        db.close_store(database)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cards                          {args.cards}")
    print(f"initial sync                   {initial:.2f} s")
    print(f"incremental, 10 + 10 changes   {incremental:.3f} s ({incremental / initial:.3f}x)")
    print(f"nothing to do                  {nothing:.3f} s")
    print(f"peak RSS of this process       {peak:.1f} MB")
    if shutil.which("vdirsyncer") is None:
        print("vdirsyncer                     not installed: no baseline in this run")
    else:
        print("vdirsyncer                     " + vdirsyncer_time(url, work))
    return 0


def vdirsyncer_time(url: str, work: Path) -> str:
    """vdirsyncer syncing the same address book into a folder of files, timed."""
    config = work / "vdirsyncer.conf"
    status = work / "vdirsyncer-status"
    target = work / "vdirsyncer-cards"
    shutil.rmtree(status, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    config.write_text(
        f'[general]\nstatus_path = "{status}/"\n\n'
        '[pair bench]\na = "bench_local"\nb = "bench_remote"\ncollections = null\n\n'
        f'[storage bench_local]\ntype = "filesystem"\npath = "{target}/"\nfileext = ".vcf"\n\n'
        f'[storage bench_remote]\ntype = "carddav"\nurl = "{url.rstrip("/")}{BOOK}"\n'
        'username = "alice"\npassword = ""\n',
        encoding="utf-8",
    )
    env = {"VDIRSYNCER_CONFIG": str(config), "PATH": "/usr/bin:/bin"}
    subprocess.run(["vdirsyncer", "discover"], env=env, check=True, input=b"y\n")
    start = time.perf_counter()
    subprocess.run(["vdirsyncer", "sync"], env=env, check=True)
    return f"{time.perf_counter() - start:.2f} s (initial sync of the same cards)"


if __name__ == "__main__":
    sys.exit(main())
