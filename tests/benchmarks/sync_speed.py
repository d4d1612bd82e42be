"""Sync speed against real CardDAV servers on loopback (Radicale and Xandikos), beside
vdirsyncer syncing the same cards with the same server in the same run: an initial sync of N
cards into an empty store (vdirsyncer: into an empty folder), then an incremental sync with 10
changes on each side (10 cards edited on the server as a phone would, 10 edited locally), a
sync with nothing to do, and the peak memory of each. For NetDesk's incremental sync it also
prints where the time went: each request with the time spent waiting on the server, and
NetDesk's own share (the rest). Prints figures; asserts nothing.

    python tests/benchmarks/sync_speed.py [--cards 5000] [--server radicale|xandikos|both]
                                          [--work DIR]

vdirsyncer is looked for beside this Python (the `bench` extra installs it there), then on
PATH; without it the baseline is reported as missing. Each server is measured in a process of
its own, so that each peak memory is that server's run alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netdesk.sync.http import Client

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


Request = tuple[str, str, int, float]  # method, URL, status, seconds waiting on the server


def timed_client(url: str) -> tuple[Client, list[Request]]:
    """A NetDesk HTTP client that notes each request and the seconds spent waiting for the
    server (sending it, then reading the whole answer)."""
    from netdesk.sync.http import Client, Response

    log: list[Request] = []

    class Timed(Client):
        def _once(
            self, method: str, url: str, body: bytes | str | None, headers: dict[str, str]
        ) -> Response:
            start = time.perf_counter()
            response = super()._once(method, url, body, headers)
            log.append((method, url, response.status, time.perf_counter() - start))
            return response

    return Timed(url, "alice", "secret"), log


def vdirsyncer_command() -> str | None:
    beside = Path(sys.executable).parent / "vdirsyncer"
    return str(beside) if beside.exists() else shutil.which("vdirsyncer")


class Vdirsyncer:
    """vdirsyncer syncing the address book with a folder of .vcf files, timed."""

    def __init__(self, command: str, url: str, book: str, work: Path) -> None:
        self.command = command
        config = work / "vdirsyncer.conf"
        status = work / "vdirsyncer-status"
        self.folder = work / "vdirsyncer-cards"
        shutil.rmtree(status, ignore_errors=True)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        config.write_text(
            f'[general]\nstatus_path = "{status}/"\n\n'
            '[pair bench]\na = "bench_local"\nb = "bench_remote"\ncollections = null\n\n'
            f'[storage bench_local]\ntype = "filesystem"\npath = "{self.folder}/"\n'
            'fileext = ".vcf"\n\n'
            f'[storage bench_remote]\ntype = "carddav"\nurl = "{url.rstrip("/")}{book}"\n'
            'username = "alice"\npassword = "secret"\n',
            encoding="utf-8",
        )
        self.env = {**os.environ, "VDIRSYNCER_CONFIG": str(config), "HOME": str(work)}
        self.peak_mb = 0.0
        self.run("discover")

    def run(self, *args: str) -> float:
        """Seconds the command took; its peak memory is kept in `peak_mb`."""
        start = time.perf_counter()
        process = subprocess.Popen(
            [self.command, *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        output = process.stdout.read() if process.stdout else b""
        _pid, status, usage = os.wait4(process.pid, 0)
        took = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"vdirsyncer {' '.join(args)} failed: {output.decode()[-2000:]}")
        self.peak_mb = max(self.peak_mb, usage.ru_maxrss / 1024)
        return took

    def edit(self, i: int, note: str) -> None:
        """Edit card i in its folder, as a local program would."""
        [path] = [p for p in self.folder.glob("*.vcf") if f"UID:bench-{i}\n" in _lf(p)]
        text = path.read_bytes().decode("utf-8")
        end = "\r\n" if "\r\n" in text else "\n"
        path.write_bytes(text.replace("END:VCARD", f"NOTE:{note}{end}END:VCARD").encode())


def _lf(path: Path) -> str:
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def measure(kind: str, cards: int, work: Path) -> dict[str, object]:
    """Everything for one server, in this process."""
    from netdesk.store import db, reader, writer
    from netdesk.store.models import Contact
    from netdesk.sync import engine
    from tests.sync.conftest import XANDIKOS_BOOK, Server, start_radicale, start_xandikos, stop

    folder = work / kind
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(work / f"{kind}-state", ignore_errors=True)
    if kind == "radicale":
        seed_server(folder, cards)
        # As a real server runs: every write forced to disk.
        process, url = start_radicale(folder, fsync=True)
        book = BOOK
    else:
        seed_xandikos(folder, cards)
        process, url = start_xandikos(folder)
        book = XANDIKOS_BOOK
    out: dict[str, object] = {"server": kind, "cards": cards}
    try:
        server = Server(url, folder, book, kind)
        data = work / f"data-{kind}"
        shutil.rmtree(data, ignore_errors=True)
        database = db.open_store(data / db.DATABASE_NAME)
        account_id = writer.add_sync_account(url, "alice", [(book, "Contacts", True)], NOW)
        # The server reads every card once (its cache) before anything is timed, so that
        # neither client pays for it.
        server.warm(book)

        def sync() -> tuple[float, engine.Report, list[Request], float]:
            """Wall time, what was done, each request, and NetDesk's own CPU time (all its
            threads: reading cards ahead on a second connection overlaps storing them)."""
            account = reader.sync_account(account_id)
            assert account is not None
            client, log = timed_client(url)
            start, cpu = time.perf_counter(), time.process_time()
            report = engine.sync_account(account, "secret", NOW, client=client)
            took, cpu = time.perf_counter() - start, time.process_time() - cpu
            client.close()
            return took, report, log, cpu

        out["initial"], report, out["initial_log"], out["initial_cpu"] = sync()
        assert report.added_here == cards, report

        # Round 1, NetDesk: 10 cards edited on the server, 10 contacts edited here.
        for i in range(10):
            current = server.get(f"{book}bench-{i}.vcf")
            assert current is not None
            server.put(f"{book}bench-{i}.vcf", card(i, "changed on the phone"), current.etag)
        ids = [c.id for c in Contact.select(Contact.id).order_by(Contact.id.desc()).limit(10)]
        for contact_id in ids:
            writer.update_contact(contact_id, {"title": "Director"}, NOW)
        out["incremental"], report, out["incremental_log"], out["incremental_cpu"] = sync()
        assert (report.updated_here, report.updated_there) == (10, 10), report
        out["nothing"], _report, out["nothing_log"], _cpu = sync()
        db.close_store(database)
        out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        command = vdirsyncer_command()
        if command is not None:
            other = Vdirsyncer(command, url, book, work)
            out["vdir_initial"] = other.run("sync")
            # Round 2, vdirsyncer: 10 other cards edited on the server, 10 in its folder.
            for i in range(10, 20):
                current = server.get(f"{book}bench-{i}.vcf")
                assert current is not None
                server.put(f"{book}bench-{i}.vcf", card(i, "changed on the phone"), current.etag)
            for i in range(20, 30):
                other.edit(i, "changed in the folder")
            out["vdir_incremental"] = other.run("sync")
            out["vdir_nothing"] = other.run("sync")
            out["vdir_peak"] = other.peak_mb
    finally:
        stop(process)
    return out


def report(fig: dict[str, object]) -> None:
    def f(key: str) -> float:
        return float(fig[key])  # type: ignore[arg-type]

    kind = str(fig["server"])
    print(f"--- {kind}, {fig['cards']} cards")
    has_vdir = "vdir_initial" in fig
    print(f"{'':32s}{'NetDesk':>12s}{'vdirsyncer':>12s}")

    def row(name: str, mine: str, theirs: str) -> None:
        print(f"{name:32s}{mine:>12s}{theirs:>12s}")

    vd = (lambda k, fmt: fmt.format(f(k))) if has_vdir else (lambda k, fmt: "missing")
    row("initial sync", f"{f('initial'):.2f} s", vd("vdir_initial", "{:.2f} s"))
    row("incremental, 10 + 10 changes", f"{f('incremental'):.3f} s",
        vd("vdir_incremental", "{:.3f} s"))
    row("nothing to do", f"{f('nothing'):.3f} s", vd("vdir_nothing", "{:.3f} s"))
    row("peak memory (RSS)", f"{f('peak'):.1f} MB", vd("vdir_peak", "{:.1f} MB"))
    ratio = f("incremental") / f("initial")
    for phase in ("initial", "incremental", "nothing"):
        log = fig[f"{phase}_log"]
        assert isinstance(log, list)
        cpu = f"{f(phase + '_cpu'):.3f} s NetDesk's own CPU, " if f"{phase}_cpu" in fig else ""
        print(f"{phase}: {f(phase):.3f} s, {cpu}{len(log)} requests:")
        by_method: dict[str, list[float]] = {}
        for method, _url, _status, took in log:
            by_method.setdefault(method, []).append(took)
        for method, times in sorted(by_method.items()):
            print(
                f"  {method:8s} x{len(times):<4d} {sum(times):.3f} s waiting on {kind} "
                f"(each {min(times) * 1000:.0f}-{max(times) * 1000:.0f} ms)"
            )
    targets = [
        ("initial <= vdirsyncer's", has_vdir and f("initial") <= f("vdir_initial")),
        ("incremental <= 1 s", f("incremental") <= 1.0),
        ("incremental <= 0.2x initial", ratio <= 0.2),
    ]
    for name, met in targets:
        print(f"  target {name:30s} {'met' if met else 'MISSED'}")
    if not all(met for _, met in targets):
        theirs = (
            f"initial {f('vdir_initial'):.2f} s, incremental {f('vdir_incremental'):.3f} s"
            if has_vdir
            else "missing"
        )
        print(
            f"  evidence: NetDesk's own CPU {f('initial_cpu'):.2f} s of the initial, "
            f"{f('incremental_cpu'):.3f} s of the incremental, the rest waiting on {kind} "
            f"(above); vdirsyncer on the same server and cards: {theirs}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--server", choices=["radicale", "xandikos", "both"], default="both")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="netdesk-sync-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.json:
        # One server, in this process: figures as JSON for the parent.
        print(json.dumps(measure(args.server, args.cards, work)))
        return 0
    if vdirsyncer_command() is None:
        print("vdirsyncer not found (pip install -e '.[bench]'): no baseline in this run")
    kinds = ["radicale", "xandikos"] if args.server == "both" else [args.server]
    for kind in kinds:
        done = subprocess.run(
            [sys.executable, __file__, "--json", "--server", kind, "--cards", str(args.cards),
             "--work", str(work)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"--- {kind}: failed\n{done.stderr[-3000:]}")
            continue
        report(json.loads(done.stdout.strip().splitlines()[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
