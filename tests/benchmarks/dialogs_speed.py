"""Each dialog the gallery knows, timed from its opening to its first paint, on the demo network.

    python tests/benchmarks/dialogs_speed.py [--runs 3] [--json]

Each run is a process of its own (so each dialog is opened cold, its modules imported as a
user's first open imports them): the window as the gallery builds it on the demo network,
then every dialog of the window (every "…" action) and the gallery's extra ones, each timed
from the call that opens it until its window has painted once, then closed. Prints each
dialog's median and the slowest. Not part of the test suite: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

WIDTH, HEIGHT = 1280, 800


def _one_run() -> dict[str, float]:
    """In this process: every dialog's time to its first paint, in ms."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QFileDialog

    from netdesk.ui import gallery

    app = gallery._make_app()
    links = gallery._Links()  # links are never opened
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="netdesk-dialogs-") as temp:
        scratch = Path(temp)
        folder = scratch / "demo"
        gallery._fill("demo", folder)
        with gallery.open_window(folder, WIDTH, HEIGHT) as window:
            stage = gallery.Stage(app, window, "demo", folder, scratch, None, "demo")
            gallery.settle(app, 150)
            gallery.select_first(stage, "followUps")
            gallery.select_first(stage, "contactList")

            class FirstPaint(QObject):
                """Notes the first paint of each top-level window opened since `arm`."""

                def __init__(self) -> None:
                    super().__init__()
                    self.known: set[int] = set()
                    self.started = 0.0
                    self.painted: float | None = None
                    self.opened: list[QObject] = []

                def arm(self) -> None:
                    self.known = {gallery._pointer(w) for w in gallery._windows(app)}
                    self.painted = None
                    self.opened = []
                    self.started = time.perf_counter()

                def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                    if (
                        self.painted is None
                        and event.type() == QEvent.Type.Paint
                        and watched.isWidgetType()
                        and watched.isWindow()  # type: ignore[attr-defined]
                        and gallery._pointer(watched) not in self.known  # type: ignore[arg-type]
                        and not isinstance(watched, QFileDialog)
                    ):
                        self.painted = time.perf_counter()
                        self.opened.append(watched)
                        # Closed once this paint is done (a modal dialog returns from exec()).
                        QTimer.singleShot(0, lambda w=watched: gallery._close(w))  # type: ignore[misc]
                    return False

            watch = FirstPaint()
            app.installEventFilter(watch)

            def sweep() -> None:
                # What the gallery closes too: a menu waiting for a click, a file chooser.
                popup = app.activePopupWidget()
                if popup is not None:
                    popup.close()
                for widget in gallery._windows(app):
                    if isinstance(widget, QFileDialog) and widget.isVisible():
                        gallery._close(widget)

            sweeper = QTimer()
            sweeper.setInterval(25)
            sweeper.timeout.connect(sweep)
            sweeper.start()

            def time_one(name: str, open_it: Callable[[], object], patience: float) -> None:
                print(name, file=sys.stderr, flush=True)
                watch.arm()
                open_it()
                end = time.monotonic() + patience
                while watch.painted is None and time.monotonic() < end:
                    app.processEvents()
                    time.sleep(0.001)
                if watch.painted is not None:
                    times[name] = (watch.painted - watch.started) * 1000
                # Anything else it opened (a second window, a chooser) goes too.
                for widget in gallery._windows(app):
                    if gallery._pointer(widget) not in watch.known and widget.isVisible():
                        gallery._close(widget)
                gallery.settle(app, 20)
                gallery.select_first(stage, "contactList")

            for name, action in gallery.dialog_actions(window):
                if action.isEnabled():
                    time_one(name, action.trigger, 2.0)
            for name, open_it, patience in gallery.EXTRA_DIALOGS:
                try:
                    time_one(name, partial(open_it, stage), max(patience, 2.0))
                except Exception as error:  # a dialog whose code moved on: the rest still run
                    print(f"{name}: {type(error).__name__}: {error}", file=sys.stderr)
            sweeper.stop()
            app.removeEventFilter(watch)
    del links
    return times


def measure(runs: int) -> dict[str, list[float]]:
    """Each dialog's times to first paint over `runs` processes, in ms."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    found: dict[str, list[float]] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="netdesk-dialogs-home-") as home:
            env["HOME"] = home
            env["XDG_CONFIG_HOME"] = str(Path(home) / ".config")
            env["XDG_DATA_HOME"] = str(Path(home) / ".local/share")
            env["NETDESK_DATA_DIR"] = str(Path(home) / "netdesk-data")
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--child"],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
                check=False,
            )
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise SystemExit(f"dialog timing failed:\n{done.stderr[-2000:]}")
        for name, ms in json.loads(lines[-1]).items():
            found.setdefault(name, []).append(ms)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the medians as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(_one_run()))
        return 0
    found = measure(args.runs)
    medians = {name: statistics.median(v) for name, v in found.items()}
    if args.json:
        print(json.dumps(medians))
        return 0
    for name, ms in sorted(medians.items(), key=lambda kv: -kv[1]):
        print(f"{ms:8.1f} ms  {name}")
    slowest = max(medians, key=medians.__getitem__)
    print(f"slowest: {slowest}, {medians[slowest]:.1f} ms (median of {args.runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
