"""Every window, pane state and dialog, drawn offscreen to PNG files, to look at them all at once.

    python -m netdesk.ui.gallery OUT_DIR [--sizes 1280x800,1024x640] [--themes light,dark]
                                         [--stores demo,empty] [--scale 2] [--only TEXT] [--check]

Each screen size runs in a process of its own on an offscreen screen of that size. Each draws
the main window in several states (as opened, a contact selected, nothing selected, a search,
a search that finds nothing, a follow-up selected, a message) and then every dialog: each
action of the window whose text ends in "…" (found in the window, so a new menu entry joins
by itself) and the dialogs listed in EXTRA_DIALOGS. Pictures go to
OUT_DIR/STORE-THEME-WxH/NAME.png; OUT_DIR/report.txt lists every text that does not fit
(netdesk.ui.fits). With --check the exit code is 1 when a label, button, header or tab is cut
or a window is larger than the screen. Nothing touches your own network or settings: the
stores live in a temporary folder and are thrown away.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from netdesk.paths import Paths
    from netdesk.ui.main_window import MainWindow

# One fixed moment, so that two runs draw the same pictures.
NOW = dt.datetime(2026, 11, 26, 9, 0, 0)
DEFAULT_SIZES = ("1280x800", "1024x640")
DEFAULT_THEMES = ("light", "dark")
STORES = ("demo", "empty")
REPORT = "report.json"

# A small file to import, for the import preview: a new card, one the demo network already
# holds (a changed title), and one that cannot be read.
IMPORT_SAMPLE = """BEGIN:VCARD
VERSION:3.0
FN:Ada Quinterro-Lindqvist
N:Quinterro-Lindqvist;Ada;;;
ORG:Wellspring Analytics
TITLE:Director of Platform Engineering
EMAIL:ada.ql@example.org
TEL:+1 415 555 0132
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ahmed Hussain
EMAIL:ahmed.hussain@rekall-travel.example
TITLE:Lead Data Scientist
END:VCARD
BEGIN:VCARD
VERSION:3.0
NOTE:A card with no name
END:VCARD
"""


# --- what is drawn ------------------------------------------------------------------------------


class _Links(QObject):
    """Stands in for the desktop's handlers: a link or "Send" opens no mail program, browser
    or dialler while the gallery draws; it is only noted."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []
        for scheme in ("mailto", "tel", "http", "https", "file"):
            QDesktopServices.setUrlHandler(scheme, self, "open")  # type: ignore[arg-type]

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.scheme())


@dataclass
class Stage:
    """What a scene can reach: the app, the window, the store's folder, where pictures go."""

    app: QApplication
    window: MainWindow
    store: str
    folder: Path
    scratch: Path
    out: Path | None  # None: check only, draw no file
    folder_name: str = ""  # STORE-THEME-WxH: where its pictures go, under OUT_DIR
    pictures: list[str] = field(default_factory=list)
    cuts: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def settle(app: QApplication, ms: int = 60, rounds: int = 6) -> None:
    """Let queued work, layouts and timers run: for `ms`, and at least `rounds` turns of the
    loop (a layout that wraps text settles over several turns, however busy the machine)."""
    end = time.monotonic() + ms / 1000
    turn = 0
    while True:
        app.processEvents()
        turn += 1
        if turn >= rounds and time.monotonic() >= end:
            break
        time.sleep(0.002)


def _pointer(widget: QWidget) -> int:
    import shiboken6

    return int(shiboken6.getCppPointer(widget)[0])


def _windows(app: QApplication) -> list[QWidget]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMenu

    found = []
    for widget in app.topLevelWidgets():
        kind = widget.windowType()
        if not widget.isVisible() or isinstance(widget, QMenu):
            continue
        if kind in (Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen):
            continue
        found.append(widget)
    return found


def shoot(stage: Stage, widget: QWidget, name: str) -> None:
    """Save `widget` as NAME.png and record what does not fit in it."""
    from netdesk.ui.fits import find_cuts

    settle(stage.app, 10)
    for cut in find_cuts(widget):
        stage.cuts.append({"picture": name, **cut.as_dict()})
    if stage.out is not None:
        folder = stage.out / stage.folder_name
        folder.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(folder / f"{name}.png"))
    stage.pictures.append(f"{stage.folder_name}/{name}.png")


def shoot_tabs(stage: Stage, window: QWidget, name: str) -> None:
    """Each further page of the window's tabs, as NAME-PAGE.png (the first is in NAME.png)."""
    from PySide6.QtWidgets import QTabWidget

    for tabs in window.findChildren(QTabWidget):
        if not tabs.isVisibleTo(window):
            continue
        first = tabs.currentIndex()
        for index in range(tabs.count()):
            if index == first or not tabs.isTabVisible(index):
                continue
            tabs.setCurrentIndex(index)
            page = re.sub(r"[^a-z0-9]+", "-", _label_of(tabs.tabText(index)).lower()).strip("-")
            shoot(stage, window, f"{name}-{page or index}")
        tabs.setCurrentIndex(first)


def _wait_for_work(app: QApplication, window: QWidget, longest: float = 10.0) -> None:
    """Let the window settle, and finish what its threads are reading (a scan, a plan)."""
    from PySide6.QtCore import QThread

    settle(app, 15)
    end = time.monotonic() + longest
    while time.monotonic() < end and any(
        thread.isRunning() for thread in window.findChildren(QThread)
    ):
        settle(app, 20)
    settle(app, 10)


def _close(widget: QWidget) -> None:
    from PySide6.QtWidgets import QDialog

    # Closed, not deleted: whoever opened it may still hold it (and delete it later).
    if isinstance(widget, QDialog):
        widget.done(QDialog.DialogCode.Rejected.value)
    else:
        widget.close()


def capture(stage: Stage, name: str, open_it: Callable[[], object], patience: float = 0.25) -> int:
    """Open something (`open_it`), then draw each window it opens and close it.

    A modal dialog runs its own event loop inside `open_it`: a timer draws and closes it from
    there. Returns how many windows were drawn."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QFileDialog

    known = {_pointer(w) for w in _windows(stage.app)}
    count = [0]
    busy = [False]

    def poll() -> None:
        if busy[0]:
            return
        busy[0] = True
        try:
            popup = stage.app.activePopupWidget()
            if popup is not None:  # a menu run with exec() would wait for a click forever
                popup.close()
            for widget in _windows(stage.app):
                key = _pointer(widget)
                if key in known:
                    continue
                known.add(key)
                if isinstance(widget, QFileDialog):
                    stage.skipped.append(f"{name}: a file chooser (Qt's own)")
                    _close(widget)
                    continue
                _wait_for_work(stage.app, widget)
                count[0] += 1
                suffix = "" if count[0] == 1 else f"-{count[0]}"
                shoot(stage, widget, f"{name}{suffix}")
                shoot_tabs(stage, widget, f"{name}{suffix}")
                _close(widget)
        finally:
            busy[0] = False

    timer = QTimer()
    timer.setInterval(25)
    timer.timeout.connect(poll)
    timer.start()
    try:
        open_it()
        end = time.monotonic() + patience
        while time.monotonic() < end:
            settle(stage.app, 10)
            poll()
            if count[0]:
                settle(stage.app, 10)
                poll()
                break
    finally:
        timer.stop()
    return count[0]


# --- the main window's states ---------------------------------------------------------------


def _find(stage: Stage, name: str) -> Any:
    from PySide6.QtWidgets import QWidget

    return stage.window.findChild(QWidget, name)


def _first_selectable(view: Any) -> Any:
    from PySide6.QtCore import QModelIndex, Qt

    model = view.model()
    if model is None:
        return None
    pending = [QModelIndex()]
    while pending:
        parent = pending.pop(0)
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if model.rowCount(index):
                pending.append(index)
                continue
            if model.flags(index) & Qt.ItemFlag.ItemIsSelectable:
                return index
    return None


def select_first(stage: Stage, name: str) -> bool:
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QAbstractItemView

    view = _find(stage, name)
    if not isinstance(view, QAbstractItemView):
        return False
    index = _first_selectable(view)
    if index is None:
        return False
    flags = QItemSelectionModel.SelectionFlag
    view.selectionModel().setCurrentIndex(
        index, flags.ClearAndSelect | flags.Rows
    )
    view.scrollTo(index)
    settle(stage.app, 30)
    return True


def clear_selection(stage: Stage) -> None:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QAbstractItemView

    view = _find(stage, "contactList")
    if isinstance(view, QAbstractItemView):
        view.clearSelection()
        view.setCurrentIndex(QModelIndex())
    settle(stage.app, 30)


def type_search(stage: Stage, text: str) -> None:
    from PySide6.QtWidgets import QLineEdit

    field_ = _find(stage, "searchField")
    if isinstance(field_, QLineEdit):
        field_.setText(text)
        settle(stage.app, 200)  # time for a search that waits for typing to pause


def _first_name(stage: Stage) -> str:
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtWidgets import QAbstractItemView

    view = _find(stage, "contactList")
    if isinstance(view, QAbstractItemView) and view.model() is not None:
        model = view.model()
        if model.rowCount(QModelIndex()):
            name = model.data(model.index(0, 0), Qt.ItemDataRole.DisplayRole)
            if isinstance(name, str) and name.split():
                return name.split()[0]
    return "Ada"


def main_window_states(stage: Stage) -> Iterator[str]:
    """Put the window in each state; yields the state's name once it shows."""
    yield "main"
    if select_first(stage, "contactList"):
        yield "main-contact"
    clear_selection(stage)
    yield "main-nothing-selected"
    type_search(stage, _first_name(stage))
    yield "main-search"
    select_first(stage, "contactList")
    yield "main-search-selected"
    type_search(stage, "zqxjv")
    yield "main-search-nothing"
    type_search(stage, "")
    if select_first(stage, "followUps"):
        yield "main-follow-up"
    notice = (
        "3 follow-ups fell due while NetDesk was closed. They are in the list on the right."
        if stage.store == "demo"
        else "Your network is backed up every day; File > Restore from backup lists the copies."
    )
    stage.window.hub.bannerRequested.emit(notice, 0)
    settle(stage.app, 30)
    yield "main-message"


# --- the dialogs ----------------------------------------------------------------------------


def _label_of(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def dialog_actions(window: MainWindow) -> list[tuple[str, Any]]:
    """Every action of the window that opens a window of its own (its text ends in "…"),
    each once, in the order the window holds them."""
    from PySide6.QtGui import QAction

    found: list[tuple[str, Any]] = []
    seen: set[int] = set()
    names: set[str] = set()
    for action in window.findChildren(QAction):
        text = _label_of(action.text())
        if not (text.endswith("…") or text.endswith("...")) or id(action) in seen:
            continue
        seen.add(id(action))
        name = action.objectName().removeprefix("action_") or re.sub(
            r"[^a-z0-9]+", "-", text.lower()
        ).strip("-")
        name = name.replace("_", "-")
        if name in names:
            continue
        names.add(name)
        found.append((name, action))
    return found


def _import_preview(stage: Stage) -> None:
    sample = stage.scratch / "contacts-to-import.vcf"
    sample.write_text(IMPORT_SAMPLE, encoding="utf-8")
    stage.window.hub.importRequested.emit([str(sample)])


def _recovery(stage: Stage) -> None:
    from netdesk.store import backup, recovery
    from netdesk.ui.dialogs.recovery import RecoveryDialog

    # The folder a Linux user's store lives in, whatever this machine is.
    folder = Path("/home/you/.local/share/NetDesk")
    aside = recovery.SetAside(
        original=folder / "netdesk.sqlite3",
        moved_to=folder / "damaged" / "netdesk-20261126-090000.sqlite3",
        detail="database disk image is malformed",
        backup=backup.BackupFile(
            folder / "backups" / "netdesk-20261125-090000-daily.sqlite3",
            NOW - dt.timedelta(days=1),
            "daily",
        ),
    )
    RecoveryDialog(aside, stage.window).exec()


def _wrap_up_under_way(stage: Stage) -> None:
    """Record an offer (the gallery's store is a throwaway copy) and open the wrap-up."""
    workflows = getattr(stage.window, "workflows", None)
    if workflows is None:
        return
    offer = workflows.offer()
    if offer.company.currentText().strip():
        offer.accept()  # opens the wrap-up, as the Offer window's button does
    else:
        offer.reject()


def _first_run(stage: Stage) -> None:
    from netdesk.ui.dialogs.first_run import FirstRunDialog

    window = stage.window
    FirstRunDialog(NOW, window.user_actions, window.settings, parent=window).exec()


def _merge(stage: Stage) -> None:
    """Two contacts side by side, as Find duplicates' Compare shows them."""
    from netdesk.store import reader
    from netdesk.ui.dialogs.merge import MergeDialog

    ids = _first_contact_ids(stage, 2)
    if len(ids) == 2:
        MergeDialog(reader.merge_sides(*reader.merge_order(*ids)), stage.window).exec()


def _first_contact_ids(stage: Stage, count: int) -> list[int]:
    from PySide6.QtCore import QItemSelectionModel, QModelIndex
    from PySide6.QtWidgets import QAbstractItemView

    view = _find(stage, "contactList")
    if not isinstance(view, QAbstractItemView) or view.model() is None:
        return []
    model = view.model()
    flags = QItemSelectionModel.SelectionFlag
    view.clearSelection()
    for row in range(min(count, model.rowCount(QModelIndex()))):
        view.selectionModel().select(model.index(row, 0), flags.Select | flags.Rows)
    settle(stage.app, 30)
    return list(stage.window.selected_contact_ids())[:count]


def _accounts(stage: Stage) -> None:
    """Preferences > Accounts… (a button inside Preferences)."""
    from netdesk.ui.dialogs.accounts import AccountsDialog

    AccountsDialog(stage.window.user_actions, stage.window).exec()


def _calendar_push(stage: Stage) -> None:
    """Preferences > Accounts > Follow-ups on a calendar… (a button in Accounts)."""
    from netdesk.ui.dialogs.calendar_push import CalendarPushDialog

    CalendarPushDialog(stage.window.user_actions, stage.window).exec()


def _sync_conflicts(stage: Stage) -> None:
    """File > Changes on both sides…, which is greyed out while there are none."""
    from netdesk.ui.dialogs.sync_conflicts import SyncConflictsDialog

    SyncConflictsDialog(stage.window.user_actions, stage.window).exec()


def _mail_history(stage: Stage) -> None:
    """File > Import mail history…, after a mailbox has been read (as the app words it)."""
    from netdesk.ui.dialogs.history_preview import HistoryPreviewDialog

    HistoryPreviewDialog(
        "Import mail history",
        "From Mail.mbox: emails with the people in your network, by date and subject, never "
        "their text.",
        [
            (
                "Inbox, Sent",
                "1,284 messages",
                "37 new timeline entries for 12 people; 5 already there; 210 about people not "
                "in your network",
            )
        ],
        stage.window,
        writes=True,
        addresses=["you@example.org"],
    ).exec()


def _send_steps(stage: Stage) -> None:
    """A status update to four people, handed to the mail program a batch at a time."""
    from netdesk.ui.workflows.common import MailHandOff
    from netdesk.ui.workflows.status_update import Message, SendSteps

    people = [("Ada Quinterro", "ada@example.org"), ("Bo Nakamura", "bo@example.com"),
              ("Chidi Okafor", "chidi@example.net"), ("Dana Smith", "dana@example.org")]
    messages = [
        Message(0, name, email, "A quick update", f"Hi {name.split()[0]},\n\nA quick update.")
        for name, email in people
    ]
    SendSteps(messages, MailHandOff(), stage.window.user_actions, stage.window).exec()


def _about(stage: Stage) -> None:
    action = stage.window.actions.get("about")
    if action is not None:
        action.trigger()


# Dialogs no "…" action of the window opens. Each opens one the way the app does.
EXTRA_DIALOGS: list[tuple[str, Callable[[Stage], None], float]] = [
    ("about", _about, 0.25),
    ("import-preview", _import_preview, 8.0),
    ("recovery", _recovery, 0.25),
    ("first-run", _first_run, 0.25),
    ("accounts", _accounts, 0.25),
    ("calendar-push", _calendar_push, 0.25),
    ("sync-conflicts-none", _sync_conflicts, 0.25),
    ("import-mail-preview", _mail_history, 0.25),
    ("send-status-updates", _send_steps, 0.25),
    ("merge", _merge, 0.25),
    # Last: it records an offer, which changes what the windows above would show.
    ("wrap-up-under-way", _wrap_up_under_way, 0.25),
]


def dialogs(stage: Stage, only: str) -> None:
    select_first(stage, "followUps")
    select_first(stage, "contactList")
    for name, action in dialog_actions(stage.window):
        if only and only not in name:
            continue
        if not action.isEnabled():
            stage.skipped.append(f"{name}: disabled on the {stage.store} store")
            continue
        noted = len(stage.skipped)
        if not capture(stage, name, action.trigger) and len(stage.skipped) == noted:
            stage.skipped.append(f"{name}: opened no window on the {stage.store} store")
        # Some dialogs change the selection (or the search); start each from the same place.
        select_first(stage, "contactList")
    for name, open_it, patience in EXTRA_DIALOGS:
        if only and only not in name:
            continue
        try:
            drawn = capture(stage, name, partial(open_it, stage), patience)
        except Exception as error:  # a dialog whose code moved on: say so, draw the rest
            traceback.print_exc()
            stage.skipped.append(f"{name}: failed to open ({type(error).__name__}: {error})")
            continue
        if not drawn:
            stage.skipped.append(f"{name}: opened no window on the {stage.store} store")


# --- building the window on a store ---------------------------------------------------------


def _make_app() -> QApplication:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from netdesk.ui.widgets import resource_path

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0]])
    app.setApplicationName("NetDesk")
    app.setOrganizationName("NetDesk")
    app.setApplicationDisplayName("NetDesk")
    icon = resource_path("icons", "netdesk.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def _fill(store: str, folder: Path) -> None:
    """The store to draw: the network `netdesk --demo` opens on (made by the app's own
    composition root, at the gallery's fixed moment), with a few backups; or an empty one."""
    from netdesk.services.clock import FixedClock
    from netdesk.store import backup, db

    folder.mkdir(parents=True, exist_ok=True)
    if store == "demo":
        from netdesk.app import _fill_demo

        _fill_demo(folder, FixedClock(NOW))
    database = db.open_store(folder / db.DATABASE_NAME, backup_dir=folder / "backups")
    try:
        if store == "demo":
            # Something for File > Restore from backup to list.
            for days, reason in ((1, "daily"), (3, "before-import"), (8, "daily")):
                backup.backup_database(
                    database, folder / "backups", reason=reason, now=NOW - dt.timedelta(days=days)
                )
    finally:
        db.close_store(database)


def _import(window: MainWindow, where: Paths) -> None:
    from netdesk.ui.import_flow import install_import

    install_import(window, where.backups)


def _calendar_export(window: MainWindow, where: Paths) -> None:
    from netdesk.ui.dialogs.calendar_export import install_calendar_export

    install_calendar_export(window)


def _sync(window: MainWindow, where: Paths) -> None:
    from netdesk.ui.sync_flow import install_sync

    install_sync(window, start=False)  # its menu entries; no timer, no network


def _workflows(window: MainWindow, where: Paths) -> None:
    from netdesk.ui.workflows import install_workflows

    install_workflows(window)


def _restore(window: MainWindow, where: Paths) -> None:
    from netdesk.ui.dialogs.recovery import install_recovery

    install_recovery(window, where)


# What app.run adds to the window once it is up (its _wire_services), without the tray, the
# timers and the first-run questions (drawn as a dialog of their own): keep it in step.
WINDOW_PARTS: list[Callable[[MainWindow, Paths], None]] = [
    _import,
    _calendar_export,
    _sync,
    _workflows,
    _restore,
]


@contextmanager
def open_window(folder: Path, width: int, height: int) -> Iterator[MainWindow]:
    """The window as the app builds it (import, workflows, restore) on the store in `folder`."""
    from netdesk import paths
    from netdesk.services.clock import FixedClock
    from netdesk.services.settings import Settings
    from netdesk.services.signals import Hub
    from netdesk.store import db
    from netdesk.ui.main_window import AppContext, build_main_window

    where = paths.resolve(folder)
    database = db.open_store(where.database, backup_dir=where.backups)
    settings = Settings(where.settings_file)
    window = build_main_window(AppContext(hub=Hub(), clock=FixedClock(NOW), settings=settings))
    window.close_policy = lambda event: event.accept()
    try:
        window.show()
        # The whole screen, frame included (the offscreen screen draws a thin one).
        frame = window.frameGeometry().size() - window.geometry().size()
        window.resize(width - frame.width(), height - frame.height())
        window.move(0, 0)
        window.load_deferred()
        for install in WINDOW_PARTS:
            install(window, where)
        yield window
    finally:
        window.close_policy = lambda event: event.accept()
        window.close()
        window.deleteLater()
        db.close_store(database)


def render(
    out: Path | None,
    size: tuple[int, int],
    themes: list[str],
    stores: list[str],
    only: str = "",
    scale: float = 1.0,
) -> dict[str, Any]:
    """Draw everything at one screen size (this process's screen); returns the report."""
    from PySide6.QtCore import QCoreApplication

    from netdesk.ui import look

    app = _make_app()
    links = _Links()
    width, height = size
    tag = f"{width}x{height}" + (f"@{scale:g}x" if scale != 1 else "")
    report: dict[str, Any] = {"size": tag, "pictures": [], "cuts": [], "skipped": []}
    with tempfile.TemporaryDirectory(prefix="netdesk-gallery-") as temp:
        scratch = Path(temp)
        for store in stores:
            made = scratch / f"{store}-as-made"
            _fill(store, made)
            for theme in themes:
                # Each pass starts from the store as made: the one before changed it (an offer).
                folder = scratch / f"{store}-{theme}"
                shutil.copytree(made, folder)
                look.apply_theme(app, theme)
                with open_window(folder, width, height) as window:
                    stage = Stage(
                        app, window, store, folder, scratch, out, f"{store}-{theme}-{tag}"
                    )
                    settle(app, 150)
                    for state in main_window_states(stage):
                        if not only or only in state:
                            shoot(stage, window, state)
                    type_search(stage, "")
                    dialogs(stage, only)
                    for key in ("pictures", "cuts", "skipped"):
                        items = getattr(stage, key)
                        if key != "pictures":
                            items = [
                                {"store": store, "theme": theme, **i}
                                if isinstance(i, dict)
                                else f"{store}/{theme}: {i}"
                                for i in items
                            ]
                        report[key] += items
                settle(app, 20)
                QCoreApplication.sendPostedEvents(None, 0)
    if links.opened:
        report["skipped"].append(
            f"{len(links.opened)} links not opened ({', '.join(sorted(set(links.opened)))})"
        )
    return report


# --- the command line ---------------------------------------------------------------------------


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[x×]\s*(\d+)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1280x800")
    return int(match.group(1)), int(match.group(2))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m netdesk.ui.gallery",
        description="Draw every window, pane state and dialog of NetDesk to PNG files.",
    )
    parser.add_argument("out", type=Path, help="the folder for the pictures (made if missing)")
    parser.add_argument(
        "--sizes", default=",".join(DEFAULT_SIZES), help="screen sizes, e.g. 1280x800,1024x640"
    )
    parser.add_argument(
        "--themes",
        default=",".join(DEFAULT_THEMES),
        help="palettes: light, dark (Fusion dark), breeze-dark",
    )
    parser.add_argument("--stores", default=",".join(STORES), help="demo, empty or both")
    parser.add_argument("--scale", type=float, default=1.0, help="screen scale, e.g. 2 for 200%%")
    parser.add_argument("--only", default="", help="only the pictures whose name holds this")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when a label, button, header or tab is cut, or a window is too large",
    )
    parser.add_argument("--no-pictures", action="store_true", help="check only; write no PNG")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser


def _child_env(size: tuple[int, int], scale: float, home: Path) -> dict[str, str]:
    """An offscreen screen of `size` (logical pixels) at `scale`, and a home of its own."""
    width, height = size
    config = home / f"screen-{width}x{height}.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "gallery",
                        "x": 0,
                        "y": 0,
                        "width": round(width * scale),
                        "height": round(height * scale),
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    env.pop("QT_SCALE_FACTOR", None)
    if scale != 1:
        env["QT_SCALE_FACTOR"] = f"{scale:g}"
    env["HOME"] = str(home)
    for name, sub in (
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        env[name] = str(home / sub)
    env["NETDESK_DATA_DIR"] = str(home / "netdesk-data")
    return env


def _choices(text: str, allowed: tuple[str, ...], what: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    wrong = [c for c in chosen if c not in allowed]
    if wrong or not chosen:
        raise SystemExit(
            f"gallery: unknown {what} {', '.join(wrong)}: choose from {', '.join(allowed)}"
        )
    return chosen


def _write_report(out: Path, reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from netdesk.ui.fits import STRICT_KINDS

    lines: list[str] = []
    strict: list[dict[str, Any]] = []
    for report in reports:
        lines.append(f"== {report['size']}: {len(report['pictures'])} pictures")
        for cut in report["cuts"]:
            flag = "CUT " if cut["kind"] in STRICT_KINDS else "look"
            if cut["kind"] in STRICT_KINDS:
                strict.append(cut)
            lines.append(
                f"{flag} {cut['store']}/{cut['theme']}/{cut['picture']}: {cut['where']}: "
                f"{cut['kind']} {cut['text']!r} needs {cut['needed']} px, has {cut['available']}"
            )
        lines += [f"skipped {s}" for s in report["skipped"]]
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / REPORT).write_text(json.dumps(reports, indent=1), encoding="utf-8")
    return strict


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from netdesk.ui.look import THEMES

    sizes = [_size(s) for s in args.sizes.split(",") if s.strip()]
    themes = _choices(args.themes, THEMES, "theme")
    stores = _choices(args.stores, STORES, "store")
    out: Path = args.out.resolve()
    if args.child:
        report = render(
            None if args.no_pictures else out, sizes[0], themes, stores, args.only, args.scale
        )
        (out / f"part-{sizes[0][0]}x{sizes[0][1]}.json").write_text(
            json.dumps(report), encoding="utf-8"
        )
        return 0
    out.mkdir(parents=True, exist_ok=True)
    reports = []
    with tempfile.TemporaryDirectory(prefix="netdesk-gallery-home-") as home:
        for size in sizes:
            tag = f"{size[0]}x{size[1]}"
            command = [
                sys.executable, "-m", "netdesk.ui.gallery", str(out), "--child",
                "--sizes", tag, "--themes", ",".join(themes), "--stores", ",".join(stores),
                "--scale", f"{args.scale:g}", "--only", args.only,
            ]
            if args.no_pictures:
                command.append("--no-pictures")
            started = time.monotonic()
            env = _child_env(size, args.scale, Path(home))
            done = subprocess.run(command, env=env, check=False)
            part = out / f"part-{tag}.json"
            if done.returncode != 0 or not part.is_file():
                print(f"gallery: drawing at {tag} failed (exit {done.returncode})", file=sys.stderr)
                return 2
            reports.append(json.loads(part.read_text(encoding="utf-8")))
            part.unlink()
            print(
                f"{tag}: {len(reports[-1]['pictures'])} pictures in "
                f"{time.monotonic() - started:.1f} s"
            )
    strict = _write_report(out, reports)
    looks = sum(len(r["cuts"]) for r in reports) - len(strict)
    print(f"{len(strict)} cut texts or oversized windows, {looks} things to look at: "
          f"{out / 'report.txt'}")
    return 1 if args.check and strict else 0


if __name__ == "__main__":
    sys.exit(main())
