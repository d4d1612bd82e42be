"""NetDesk's benchmarks: each figure beside a baseline measured in the same run.

    python tests/benchmarks/run.py [--sizes 1000,10000,50000] [--runs 5] [--out bench-out]

Builds its data with `netdesk demo` and a generated vCard file, runs each measurement
several times, prints a table of medians and writes the figures to OUT/results.json.
Not part of the test suite: timings are noisy, so nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

IMPORT_CARDS = 10_000
INTERACTIONS = 10

BARE_WINDOW = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1280, 800)

    def painted():
        sys.stdout.write("first paint\\n")  # as NetDesk marks its own (FIRST_PAINT_MARK_ENV)
        sys.stdout.flush()
        app.quit()

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, painted)
            return False

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    sys.exit(app.exec())
    """
)

VOBJECT_PARSE = textwrap.dedent(
    """
    import sys, vobject
    n = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for card in vobject.readComponents(f):
            n += bool(card.fn.value)
    assert n > 0
    """
)


@dataclass
class Figure:
    name: str
    size: int | None
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline  # type: ignore[operator]


def env() -> dict[str, str]:
    out = dict(os.environ)
    out["QT_QPA_PLATFORM"] = "offscreen"
    out.pop("NETDESK_DATA_DIR", None)
    # Measure NetDesk as installed: pip compiles bytecode at install time, so start-up
    # never pays for compiling our modules. (Some shells set this to keep trees clean.)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    return out


def netdesk(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "netdesk", *args], capture_output=True, text=True, env=env()
    )
    if check and result.returncode != 0:
        raise SystemExit(f"netdesk {' '.join(args)} failed:\n{result.stderr}")
    return result


def timed_process(command: Sequence[str]) -> tuple[float, int]:
    """Wall time of a whole process and its peak RSS in kB."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, _, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = 0
    if proc.stderr is not None:
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        if "Traceback" in err:
            raise SystemExit(f"{' '.join(command)} failed:\n{err}")
    return elapsed, int(usage.ru_maxrss)


# Set for the processes timed to their first paint: NetDesk then writes this line on stdout
# once its main window has painted (netdesk.app.FIRST_PAINT_MARK_ENV), as the bare window does.
FIRST_PAINT_ENV = "NETDESK_FIRST_PAINT_MARK"
FIRST_PAINT_LINE = b"first paint\n"


def timed_first_paint(command: Sequence[str]) -> tuple[float, float]:
    """Wall time from the process's start to its first paint (the line it writes then), and
    to its exit; the process must exit 0 (NetDesk: once the whole window is built)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        env={**env(), FIRST_PAINT_ENV: "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    line = proc.stdout.readline()
    painted = time.perf_counter() - start
    proc.stdout.read()
    err = proc.stderr.read().decode(errors="replace")
    code = proc.wait()
    ended = time.perf_counter() - start
    if line != FIRST_PAINT_LINE or code != 0:
        raise SystemExit(f"{' '.join(command)} failed (exit {code}, {line!r}):\n{err}")
    return painted, ended


def median_of(runs: int, fn: Callable[[], float]) -> list[float]:
    return [fn() for _ in range(runs)]


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def make_vcards(path: Path) -> None:
    from vcard_speed import CARDS, make_file

    assert CARDS == IMPORT_CARDS
    make_file(path)


def make_rich_vcards(path: Path) -> None:
    from vcard_speed import CARDS, make_rich_file

    assert CARDS == IMPORT_CARDS
    make_rich_file(path)


FROZEN = HERE.parents[1] / "dist" / "netdesk" / "netdesk"


# --- measurements -----------------------------------------------------------------------


def startup(stores: dict[int, Path], runs: int, work: Path) -> list[Figure]:
    """Each process timed to its first paint; NetDesk's then builds the rest of the window
    and exits 0 (--exit-after-launch), which proves the whole window came up. The bare
    window, each store and the frozen app take turns within each round, so that a busy spell
    of the machine weighs on all of them alike."""
    bare = work / "bare_window.py"
    bare.write_text(BARE_WINDOW)
    frozen = FROZEN.is_file() and frozen_opens(next(iter(stores.values())))
    commands: dict[tuple[str, int], list[str]] = {("bare", 0): [sys.executable, str(bare)]}
    for size, store in stores.items():
        launch = ["--exit-after-launch", "--data-dir", str(store)]
        commands["venv", size] = [sys.executable, "-m", "netdesk", *launch]
        if frozen:
            commands["frozen", size] = [str(FROZEN), *launch]
    painted: dict[tuple[str, int], list[float]] = {key: [] for key in commands}
    ended: dict[tuple[str, int], list[float]] = {key: [] for key in commands}
    for _ in range(runs):
        for key, command in commands.items():
            first, whole = timed_first_paint(command)
            painted[key].append(first)
            ended[key].append(whole)
    base = painted["bare", 0]
    target = "<= 1.5x baseline at 50,000; +<10% from 1,000 to 50,000"
    figures = []
    for size in stores:
        figures.append(
            Figure(
                "start-up to first paint",
                size,
                statistics.median(painted["venv", size]),
                "s",
                statistics.median(base),
                "bare QMainWindow to first paint",
                target,
                samples=painted["venv", size],
                baseline_samples=base,
            )
        )
        figures.append(
            Figure(
                "whole window built, the process ended",
                size,
                statistics.median(ended["venv", size]),
                "s",
                None,
                "",
                "",
                samples=ended["venv", size],
            )
        )
    if frozen:
        # The installed (frozen) app, as built into dist/ (its age says which code it holds).
        age = (time.time() - FROZEN.stat().st_mtime) / 3600
        for size in stores:
            figures.append(
                Figure(
                    f"frozen app's start-up to first paint (dist/ built {age:.1f} h before)",
                    size,
                    statistics.median(painted["frozen", size]),
                    "s",
                    statistics.median(base),
                    "bare QMainWindow to first paint",
                    target,
                    samples=painted["frozen", size],
                    baseline_samples=base,
                )
            )
    return figures


def frozen_opens(store: Path) -> bool:
    """Whether dist/netdesk opens this store: a build older than the store's schema refuses
    it (and waits on its message), so its start-up would say nothing about this code."""
    try:
        done = subprocess.run(
            [str(FROZEN), "--exit-after-launch", "--data-dir", str(store)],
            env=env(),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        print(f"{FROZEN} did not open a store of this code's schema: not timed (rebuild it)")
        return False
    if done.returncode != 0:
        print(f"{FROZEN} failed on a store of this code's schema: not timed (rebuild it)")
        return False
    return True


def memory(stores: dict[int, Path], work: Path) -> list[Figure]:
    empty = work / "empty-store"
    netdesk("due", "--data-dir", str(empty))  # creates nothing; the app makes the store
    base = [
        timed_process(
            [sys.executable, "-m", "netdesk", "--exit-after-launch", "--data-dir", str(empty)]
        )[1]
        / 1024
        for _ in range(3)
    ]
    figures = []
    for size, store in stores.items():
        samples = [
            timed_process(
                [sys.executable, "-m", "netdesk", "--exit-after-launch", "--data-dir", str(store)]
            )[1]
            / 1024
            for _ in range(3)
        ]
        figures.append(
            Figure(
                "peak RSS, window open",
                size,
                statistics.median(samples),
                "MB",
                statistics.median(base),
                "same app on an empty store",
                "<= 1.25x",
                samples=samples,
                baseline_samples=base,
            )
        )
    return figures


def imports(runs: int, work: Path, big_store: Path | None) -> list[Figure]:
    figures: list[Figure] = []
    files = (
        ("cards.vcf", make_vcards, "vCard 3.0 cards"),
        ("rich-cards.vcf", make_rich_vcards, "rich cards (2 emails, 2 phones, ADR, NOTE)"),
    )
    for name, make, what in files:
        cards = work / name
        make(cards)
        figures += _import_figures(runs, work, big_store, cards, what)
    return figures


def _import_figures(
    runs: int, work: Path, big_store: Path | None, cards: Path, what: str
) -> list[Figure]:
    base = median_of(
        runs, lambda: timed_process([sys.executable, "-c", VOBJECT_PARSE, str(cards)])[0]
    )

    def fresh_import() -> float:
        target = work / "import-fresh"
        shutil.rmtree(target, ignore_errors=True)
        return timed_process(
            [sys.executable, "-m", "netdesk", "import", "--data-dir", str(target), str(cards)]
        )[0]

    samples = median_of(runs, fresh_import)
    figures = [
        Figure(
            f"import {IMPORT_CARDS:,} {what}, empty store",
            None,
            statistics.median(samples),
            "s",
            statistics.median(base),
            "vobject.readComponents alone",
            "<= 0.25x",
            samples=samples,
            baseline_samples=base,
        )
    ]
    if big_store is not None:
        # A store of 50,000: 40,000 demo contacts plus this file's 10,000, then the re-import.
        store = work / "import-again"
        shutil.rmtree(store, ignore_errors=True)
        shutil.copytree(big_store, store)
        netdesk("import", "--data-dir", str(store), str(cards))
        again = median_of(
            runs,
            lambda: timed_process(
                [sys.executable, "-m", "netdesk", "import", "--data-dir", str(store), str(cards)]
            )[0],
        )
        figures.append(
            Figure(
                f"re-import the same {IMPORT_CARDS:,} {what.split(' (')[0]} into 50,000 "
                "(all matched)",
                50_000,
                statistics.median(again),
                "s",
                statistics.median(base),
                "vobject.readComponents alone",
                "<= 0.25x",
                samples=again,
                baseline_samples=base,
            )
        )
    return figures


def due(stores: dict[int, Path], runs: int) -> list[Figure]:
    code = textwrap.dedent(
        """
        import json, statistics, sys, time
        from pathlib import Path
        from netdesk.store import db, reader
        database = db.open_store(Path(sys.argv[1]) / db.DATABASE_NAME)
        now = db.local_now()
        samples = []
        for _ in range(int(sys.argv[2])):
            t = time.perf_counter()
            items = reader.follow_ups(now)
            samples.append(time.perf_counter() - t)
        print(json.dumps({"samples": samples, "count": len(items)}))
        """
    )
    figures = []
    for size, store in stores.items():
        result = subprocess.run(
            [sys.executable, "-c", code, str(store), str(runs)],
            capture_output=True,
            text=True,
            env=env(),
            check=True,
        )
        data = json.loads(result.stdout)
        samples = [s * 1000 for s in data["samples"]]
        figures.append(
            Figure(
                f"every due follow-up ({data['count']:,} due)",
                size,
                statistics.median(samples),
                "ms",
                None,
                "",
                "<= 50 ms at 50,000",
                samples=samples,
            )
        )
    return figures


SEARCH_PROBE = textwrap.dedent(
    """
    import json, sys, tempfile, time
    from pathlib import Path
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit
    from netdesk.services.clock import Clock
    from netdesk.services.settings import Settings
    from netdesk.services.signals import Hub
    from netdesk.store import db, reader
    from netdesk.ui.main_window import AppContext, build_main_window

    store = Path(sys.argv[1])
    words = sys.argv[2].split(",")
    qapp = QApplication([])
    db.open_store(store / db.DATABASE_NAME)
    settings = Settings(Path(tempfile.mkdtemp()) / "settings.ini")
    window = build_main_window(AppContext(hub=Hub(), clock=Clock(), settings=settings))
    window.resize(1280, 800)
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    field = window.findChild(QLineEdit, "searchField")
    view = window.findChild(QAbstractItemView, "contactList")

    class Paints(QObject):
        count = 0

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = Paints()
    view.viewport().installEventFilter(paints)
    keystrokes, raw, forced = [], [], 0
    for word in words:
        field.clear()
        QApplication.processEvents()
        typed = ""
        for ch in word:
            typed += ch
            paints.count = 0
            start = time.perf_counter()
            QTest.keyClick(field, ch)
            # Until the list has painted the result, as the user sees it: the event loop's
            # own paint of the window (the clock stops once the turn that painted ends).
            for _ in range(50):
                QApplication.processEvents()
                if paints.count:
                    break
            else:
                forced += 1
                view.viewport().repaint()
            keystrokes.append(time.perf_counter() - start)
            assert view.model().search_text == typed.strip(), (typed, view.model().search_text)
            start = time.perf_counter()
            reader.search_contact_ids(typed)
            raw.append(time.perf_counter() - start)
    print(json.dumps(
        {"keystrokes": keystrokes, "raw": raw, "rows": view.model().rowCount(), "forced": forced}
    ))
    """
)


def search(stores: dict[int, Path]) -> list[Figure]:
    # 200 keystrokes over words a user would type: first names, companies, partial emails.
    words = [
        "maria",
        "chen",
        "acme",
        "data",
        "lee",
        "sofia",
        "robotics",
        "engineer",
        "kim",
        "garcia",
        "ng",
        "platform",
        "python",
        "anna",
        "mohammed",
        "li",
        "design",
        "o'brien",
        "nguyen",
        "patel",
        "smith",
        "recruit",
        "volunteer",
        "meetup",
        "ahmed",
        "lopez",
        "jones",
        "manager",
        "analytics",
        "cloud",
        "sales",
        "ops",
        "marketing",
        "finance",
        "lisbon",
        "berlin",
        "tokyo",
        "paris",
        "nairobi",
        "sydney",
    ]
    figures = []
    for size, store in stores.items():
        result = subprocess.run(
            [sys.executable, "-c", SEARCH_PROBE, str(store), ",".join(words)],
            capture_output=True,
            text=True,
            env=env(),
        )
        if result.returncode != 0:
            print(f"search probe failed at {size}: {result.stderr.strip()[-400:]}")
            continue
        data = json.loads(result.stdout.strip().splitlines()[-1])
        if data["forced"]:
            print(f"search at {size}: {data['forced']} keystrokes never painted the list")
        keys = [k * 1000 for k in data["keystrokes"]][:200]
        raw = [r * 1000 for r in data["raw"]][:200]
        figures.append(
            Figure(
                f"keystroke to list updated, p95 of {len(keys)}",
                size,
                p95(keys),
                "ms",
                p95(raw),
                "raw FTS5 query, p95",
                "<= 8 ms at each size; <= 3x at 50,000",
                samples=keys,
                baseline_samples=raw,
            )
        )
    return figures


def dialogs(runs: int) -> list[Figure]:
    from dialogs_speed import measure

    found = measure(runs)
    # The gallery's "wrap-up-under-way" records an offer and then opens the wrap-up: the
    # same two dialogs as "offer" and "wrap-up", timed there.
    found.pop("wrap-up-under-way", None)
    medians = {name: statistics.median(v) for name, v in found.items()}
    slowest = max(medians, key=medians.__getitem__)
    second = sorted(medians.values())[-2] if len(medians) > 1 else 0.0
    return [
        Figure(
            f"slowest of {len(medians)} dialogs to first paint ({slowest}; next {second:.0f} ms)",
            None,
            medians[slowest],
            "ms",
            None,
            "",
            "<= 100 ms on the demo network",
            samples=found[slowest],
        )
    ]


def settle_seconds() -> float:
    """How long the idle figure waits after start: past the first daily backup check."""
    from netdesk.services.backups import FIRST_CHECK_MS

    return FIRST_CHECK_MS / 1000 + 5


IDLE_SECONDS = 60


def idle(work: Path) -> list[Figure]:
    store = work / "idle-store"
    shutil.rmtree(store, ignore_errors=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "--background", "--data-dir", str(store)],
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Let start-up settle: the window's deferred work, and the first daily backup
        # check, which runs FIRST_CHECK_MS after start and then not until midnight.
        time.sleep(settle_seconds())
        tick = os.sysconf("SC_CLK_TCK")

        def cpu() -> float:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick

        before = cpu()
        time.sleep(IDLE_SECONDS)
        used = cpu() - before
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return [
        Figure(
            f"idle in the tray, nothing due, {IDLE_SECONDS} s",
            None,
            used * 60 / IDLE_SECONDS,
            "CPU-s/min",
            None,
            "",
            "<= 0.05 CPU-s/min",
            samples=[used],
        )
    ]


# --- the table --------------------------------------------------------------------------


def judge(figures: list[Figure]) -> None:
    for f in figures:
        if f.name.startswith(("start-up", "frozen")) and f.size == 50_000 and f.ratio:
            small = next((g for g in figures if g.name == f.name and g.size == 1_000), None)
            growth = (f.value / small.value - 1) if small else 0.0
            f.met = f.ratio <= 1.5 and growth < 0.10
        elif f.name.startswith(("import", "re-import")) and f.ratio is not None:
            f.met = f.ratio <= 0.25
        elif f.name.startswith("keystroke") and f.ratio is not None:
            f.met = f.value <= 8 and (f.size != 50_000 or f.ratio <= 3)
        elif f.name.startswith("slowest"):
            f.met = f.value <= 100
        elif f.name.startswith("every due") and f.size == 50_000:
            f.met = f.value <= 50
        elif f.name.startswith("peak RSS") and f.ratio is not None:
            f.met = f.ratio <= 1.25
        elif f.name.startswith("idle"):
            f.met = f.value <= 0.05


def table(figures: list[Figure]) -> str:
    rows = [("figure", "contacts", "median", "baseline", "ratio", "target", "met")]
    for f in figures:
        rows.append(
            (
                f.name,
                f"{f.size:,}" if f.size else "",
                f"{f.value:.3g} {f.unit}",
                f"{f.baseline:.3g} {f.unit}" if f.baseline is not None else "",
                f"{f.ratio:.2f}x" if f.ratio is not None else "",
                f.target,
                {True: "yes", False: "NO", None: ""}[f.met],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default="bench-out")
    parser.add_argument("--work", help="keep the generated stores here (reused when present)")
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated: startup,memory,import,due,search,dialogs,idle",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    skip = set(args.skip.split(","))
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="netdesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    stores: dict[int, Path] = {}
    for size in sizes:
        store = work / f"demo-{size}"
        if not (store / "netdesk.sqlite3").exists():
            t = time.perf_counter()
            netdesk(
                "demo",
                "--contacts",
                str(size),
                "--interactions",
                str(INTERACTIONS),
                "--seed",
                "1",
                "--data-dir",
                str(store),
            )
            print(f"built a demo store of {size:,} contacts in {time.perf_counter() - t:.1f} s")
        stores[size] = store
    big = None
    if "import" not in skip and max(sizes, default=0) >= 50_000:
        big = work / "demo-40000"
        if not (big / "netdesk.sqlite3").exists():
            netdesk(
                "demo",
                "--contacts",
                "40000",
                "--interactions",
                str(INTERACTIONS),
                "--seed",
                "2",
                "--data-dir",
                str(big),
            )

    figures: list[Figure] = []
    steps: list[tuple[str, Callable[[], list[Figure]]]] = [
        ("startup", lambda: startup(stores, args.runs, work)),
        ("memory", lambda: memory(stores, work)),
        ("import", lambda: imports(args.runs, work, big)),
        ("due", lambda: due(stores, max(args.runs, 20))),
        ("search", lambda: search(stores)),
        ("dialogs", lambda: dialogs(min(args.runs, 3))),
        ("idle", lambda: idle(work)),
    ]
    for name, step in steps:
        if name in skip:
            continue
        t = time.perf_counter()
        got = step()
        figures.extend(got)
        print(f"[{name}: {time.perf_counter() - t:.0f} s]", flush=True)
    judge(figures)
    print()
    print(
        f"NetDesk benchmarks on {platform.node()}: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; median of {args.runs} "
        "runs unless stated"
    )
    print(table(figures))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps(
            {
                "machine": {
                    "node": platform.node(),
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "runs": args.runs,
                "figures": [{**asdict(f), "ratio": f.ratio} for f in figures],
            },
            indent=2,
        )
    )
    print(f"\nwrote {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
