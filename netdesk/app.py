"""Start the app: paths, then the store, then the services, then the window (and the tray).

The composition root: the one place that builds the store, the services and the widgets and
connects them (`run`, and `wire_tray_services` for the tray, scheduler and notifier chain).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from netdesk import logs, paths
from netdesk.services.clock import Clock
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.services.single_instance import SingleInstance
from netdesk.store.access import AccessError, check_access
from netdesk.store.first_page import FirstPage, read_first_page
from netdesk.ui.file_open import FileOpenFilter
from netdesk.ui.look import follow_palette
from netdesk.ui.main_window import (
    FIRST_PAGE_IDS,
    FIRST_PAGE_ROWS,
    AppContext,
    MainWindow,
    build_main_window,
    first_page_order,
)
from netdesk.ui.widgets import resource_path

if TYPE_CHECKING:
    import logging

    import peewee as pw

    from netdesk.services.autostart import AutostartSwitch
    from netdesk.services.notifier import Notifier
    from netdesk.services.scheduler import Scheduler
    from netdesk.ui.status_file import StatusFile
    from netdesk.ui.tray import Tray

# Import, workflows, recovery, the tray and its notifiers are imported and wired after the
# window's first paint (`_wire_services`): nothing that can wait runs before it. On a store
# whose first page reads well with the standard sqlite3 module (`store.first_page`), even
# the store (Peewee, its check and its readers), the log file and the single-instance socket
# wait: the window paints its contact list first and completes itself at once after that.

# Set (to anything) in the environment, the app writes this line on stdout when its main
# window has painted once, as the bare PySide6 window of the start-up benchmark does.
FIRST_PAINT_MARK_ENV = "NETDESK_FIRST_PAINT_MARK"
FIRST_PAINT_MARK = b"first paint\n"


def _log() -> logging.Logger:
    """The app's logger (logging is imported after the first paint, with the log file)."""
    import logging

    return logging.getLogger("netdesk.app")


DEMO_CONTACTS = 300


class _FirstPaintQuit(QObject):
    """--exit-after-launch: quit once the main window has painted and is whole (at its first
    paint, or once `MainWindow.complete` ran after it); the first paint marked on stdout
    when FIRST_PAINT_MARK_ENV asks."""

    def __init__(self, app: QApplication, *, quit_at_paint: bool = True) -> None:
        super().__init__(app)
        self._app = app
        self._done = False
        self._quit_at_paint = quit_at_paint

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            # Once the paint is done: this filter sees the event before the window does, so
            # this call comes before any the window queues at its first paint.
            QTimer.singleShot(0, lambda: self._painted(watched))
        return False  # the paint itself goes ahead

    def _painted(self, window: QObject) -> None:
        mark_first_paint()
        if self._quit_at_paint:
            self.finish(window)

    def finish(self, window: QObject) -> None:
        # Save the layout as a close would, then exit() rather than quit(): quit() first asks
        # every window to close, and the close policy (no tray: "keep running?") would stop
        # the smoke test with a question. exit() ends the loop before the work queued after
        # this call (the window's and the app's, for after the first paint).
        if isinstance(window, MainWindow):
            window.save_layout()
        self._app.exit(0)


def mark_first_paint() -> None:
    """The first paint's line on stdout, when FIRST_PAINT_MARK_ENV asks for it."""
    if os.environ.get(FIRST_PAINT_MARK_ENV):
        with contextlib.suppress(OSError):
            os.write(1, FIRST_PAINT_MARK)


def _fill_demo(folder: Path, clock: Clock) -> None:
    """A throwaway store holding the demo network."""
    from netdesk.core.demo import generate_network
    from netdesk.store import db
    from netdesk.store import demo as store_demo

    database = db.open_store(folder / db.DATABASE_NAME)
    try:
        store_demo.load_network(
            generate_network(DEMO_CONTACTS, seed=1, now=clock.now()), clock.now()
        )
    finally:
        db.close_store(database)


def _make_app() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("NetDesk")
    app.setOrganizationName("NetDesk")
    app.setApplicationDisplayName("NetDesk")
    app.setDesktopFileName("netdesk")
    icon_file = resource_path("icons", "netdesk.svg")
    if icon_file.is_file():
        app.setWindowIcon(QIcon(str(icon_file)))
    follow_palette(app)  # the overdue accent reads on a dark desktop too
    return app


def _open_store_or_explain(
    where: paths.Paths, clock: Clock, *, interactive: bool = True
) -> pw.SqliteDatabase | None:
    """Open the store; a damaged one is moved aside and the newest backup offered, a newer
    one refused untouched; None (the user was told why) when there is no store to use.
    Not `interactive` (--exit-after-launch), the reason goes to stderr and nothing waits on
    a dialog or moves a file."""
    from netdesk.store import db

    try:
        return db.open_store(where.database, backup_dir=where.backups)
    except db.StoreError as exc:
        if not interactive:
            print(f"netdesk: {exc}", file=sys.stderr)
            return None
        # The recovery dialogs are imported only when needed: they try again and explain.
        from netdesk.ui.dialogs.recovery import open_store_or_recover

        return open_store_or_recover(where, clock)


def _install_error_hook(
    log_file: Path | None,
    database: Path | None = None,
    restart: list[Callable[[], None]] | None = None,
) -> None:
    """Uncaught errors go to the log and a plain message (recovery.install_error_hook); its
    module is imported by the first error, not at start-up. An error that says the store is
    damaged offers to restart into recovery (`restart`, filled once the app can end)."""
    previous = sys.excepthook

    def first_error(*exc_info: Any) -> None:
        from netdesk.ui.dialogs.recovery import install_error_hook

        def again() -> None:
            if restart:
                restart[0]()

        sys.excepthook = previous
        install_error_hook(log_file, database=database, restart=again)
        sys.excepthook(*exc_info)

    sys.excepthook = first_error


def run(args: argparse.Namespace) -> int:
    os.umask(0o077)
    clock = Clock()
    demo_dir: Path | None = None
    data_dir = args.data_dir
    if args.demo:
        demo_dir = Path(tempfile.mkdtemp(prefix="netdesk-demo-"))
        data_dir = demo_dir
    try:
        return _run(args, paths.resolve(data_dir), clock, demo_dir)
    finally:
        if demo_dir is not None:
            shutil.rmtree(demo_dir, ignore_errors=True)


def _refuse_inaccessible(where: paths.Paths, args: argparse.Namespace) -> bool:
    """True (the user was told) when this user cannot use the data folder or the store: a
    read-only folder or an unreadable file is said as such, never as damage or as another
    NetDesk that does not answer, and nothing is moved."""
    try:
        check_access(where.database)
    except AccessError as exc:
        print(f"netdesk: {exc}", file=sys.stderr)
        if not args.exit_after_launch:  # the smoke test must never wait on a dialog
            from netdesk.ui.dialogs.recovery import tell_error

            _make_app()
            tell_error("NetDesk couldn't open your database", str(exc))
        return True
    return False


class _QuitOnSignal(QObject):
    """SIGTERM (log-out, `kill`), SIGHUP and SIGINT end the event loop the way Quit does, so
    that the clean-up after it runs: the lock file and the socket go, a --demo folder too.

    Python runs a signal handler only when it gets control; the wake-up file descriptor makes
    Qt's loop hand it control at once.
    """

    def __init__(self, app: QApplication, before_quit: Callable[[], None]) -> None:
        super().__init__(app)
        import signal

        from PySide6.QtCore import QSocketNotifier

        self._app = app
        self._before_quit = before_quit
        # A pipe where there are pipes (no socket module to import before the first paint);
        # Windows' wake-up descriptor must be a socket.
        self._pipe = os.name == "posix"
        if self._pipe:
            self._read_fd, self._write_fd = os.pipe()
        else:
            import socket

            self._read, self._write = socket.socketpair()
            self._read_fd, self._write_fd = self._read.fileno(), self._write.fileno()
        os.set_blocking(self._read_fd, False)
        os.set_blocking(self._write_fd, False)
        self._notifier = QSocketNotifier(self._read_fd, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._previous_fd = signal.set_wakeup_fd(self._write_fd)
        names = ("SIGTERM", "SIGHUP", "SIGINT")
        self._signals = [getattr(signal, name) for name in names if hasattr(signal, name)]
        self._previous = {sig: signal.signal(sig, self._handle) for sig in self._signals}

    def _drain(self) -> None:
        try:
            while os.read(self._read_fd, 512) if self._pipe else self._read.recv(512):
                pass
        except OSError:
            pass

    def _handle(self, signum: int, _frame: object) -> None:
        _log().info("signal %s: quitting", signum)
        try:
            self._before_quit()
        finally:
            self._app.exit(0)

    def restore(self) -> None:
        import signal

        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        if self._pipe:
            os.close(self._read_fd)
            os.close(self._write_fd)
        else:
            self._read.close()
            self._write.close()


def _run(args: argparse.Namespace, where: paths.Paths, clock: Clock, demo: Path | None) -> int:
    if _refuse_inaccessible(where, args):
        return 1
    if demo is not None:
        _fill_demo(where.data_dir, clock)
    # A window to paint from the first page: the log file is set up right after the paint.
    quick = demo is None and not args.background
    log_file = logs.log_path(where.log_dir) if quick else logs.setup_logging(where.log_dir)
    app = _make_app()
    restart_into_recovery: list[Callable[[], None]] = []
    _install_error_hook(log_file, where.database, restart_into_recovery)
    shown: list[MainWindow] = []

    def save_layouts() -> None:
        for window in shown:
            window.save_layout()

    on_signal = _QuitOnSignal(app, save_layouts)
    try:
        return _run_app(
            args, where, clock, demo, app, shown, restart_into_recovery, quick=quick
        )
    finally:
        on_signal.restore()


def _read_first_page(where: paths.Paths, settings: Settings) -> FirstPage | None:
    """The contact list's first page, read before the store opens; None: open it first."""
    order, descending = first_page_order(settings)
    return read_first_page(
        where.database, order, descending, ids=FIRST_PAGE_IDS, rows=FIRST_PAGE_ROWS
    )


def _run_app(
    args: argparse.Namespace,
    where: paths.Paths,
    clock: Clock,
    demo: Path | None,
    app: QApplication,
    shown: list[MainWindow],
    restart_into_recovery: list[Callable[[], None]] | None = None,
    *,
    quick: bool = False,
) -> int:
    """The window and its services. `quick` (a window to show, no demo): when the first
    page reads well, the window paints it first, and the store, the log file, the socket and
    the rest of the window follow at once (`open_rest`); else the store opens first."""
    # One NetDesk per data folder, decided before the store opens: a later launch hands over.
    guard = SingleInstance(where.data_dir, where.lock_file)
    if not guard.acquire():
        return guard.second_launch([str(Path(f).resolve()) for f in args.files])
    settings = Settings(where.settings_file)
    first = _read_first_page(where, settings) if quick else None
    opened: list[pw.SqliteDatabase] = []
    if first is None:
        if quick:
            logs.setup_logging(where.log_dir)
        guard.listen()
        database = _open_store_or_explain(where, clock, interactive=not args.exit_after_launch)
        if database is None:
            guard.release()
            return 1
        opened.append(database)
    restart: list[bool] = []
    code = 1
    try:
        hub = Hub()
        context = AppContext(hub=hub, clock=clock, settings=settings, demo=demo is not None)

        # --- wiring: other parts hook in here ------------------------------------------
        # single-instance guard (before the window): hand our arguments over and exit.
        # ---------------------------------------------------------------------------------

        def damaged(exc: Exception) -> bool:
            """The window's first reads met damage: start again, checking it whole, into
            recovery (a large store is checked whole only after the first paint)."""
            from netdesk.store import db

            if not db.is_damage(exc):
                return False
            _log().error("the store is damaged: %s", exc)
            db.mark_for_full_check(where.database)
            guard.release()  # the next NetDesk takes the folder over (released again below)
            for database in opened:
                db.close_store(database)
            _start_again(args)
            return True

        try:
            window = build_main_window(context, first)
        except Exception as exc:
            if damaged(exc):
                return 1
            raise
        shown.append(window)
        # macOS: a file opened from the Finder arrives as an event, held until import is wired.
        # Only there: a Python filter on the application sees every event of every widget,
        # which costs some 20 ms before the first paint.
        file_opened = FileOpenFilter(hub, app)
        if sys.platform == "darwin":
            app.installEventFilter(file_opened)
        files = [str(Path(f).resolve()) for f in args.files]
        kept: list[object] = []  # the services wired after the first paint live as long

        def end(again: bool) -> None:
            """The deferred check found damage: end here (and start again into recovery)."""
            restart.append(again)
            window.save_layout()
            app.exit(0)

        if restart_into_recovery is not None:
            restart_into_recovery.append(lambda: end(True))

        def open_rest() -> bool:
            """After the first page's paint: the log file, the socket, the store, the rest of
            the window. False (the loop is ending) when the store cannot be used."""
            logs.setup_logging(where.log_dir)
            guard.listen()
            database = _open_store_or_explain(
                where, clock, interactive=not args.exit_after_launch
            )
            if database is None:
                app.exit(1)
                return False
            opened.append(database)
            try:
                window.complete()
            except Exception as exc:
                if damaged(exc):
                    app.exit(1)
                    return False
                raise
            return True

        def after_first_paint() -> None:
            if not window.is_complete and not open_rest():
                return
            if args.exit_after_launch and quitter is not None:
                window.load_deferred()
                quitter.finish(window)  # the whole window is up
                return
            kept.append(_wire_services(app, window, where, args, guard, demo is not None, end))
            if files:
                hub.importRequested.emit(files)
            file_opened.release()

        quitter: _FirstPaintQuit | None = None
        if args.exit_after_launch or os.environ.get(FIRST_PAINT_MARK_ENV):
            quitter = _FirstPaintQuit(
                app, quit_at_paint=args.exit_after_launch and window.is_complete
            )
            window.installEventFilter(quitter)
        if not args.background or args.exit_after_launch:
            window.show()
        _when_shown(window, after_first_paint)
        code = app.exec()
        _log().info("exit %s", code)
    finally:
        from netdesk.store import db

        guard.release()
        for database in opened:
            db.close_store(database)
        db.close_open_store()  # the store reopened by Restore from backup
    if any(restart):
        _start_again(args)
    return int(code)


def _start_again(args: argparse.Namespace) -> None:
    """Start a new NetDesk on the same data folder (after the lock was released)."""
    from PySide6.QtCore import QProcess

    frozen = getattr(sys, "frozen", False)
    program, arguments = sys.executable, ([] if frozen else ["-m", "netdesk"])
    if args.data_dir:
        arguments += ["--data-dir", str(args.data_dir)]
    ok, _pid = QProcess.startDetached(program, arguments)
    _log().info("restarting into recovery: %s", "started" if ok else "could not start")


def _wire_services(
    app: QApplication,
    window: MainWindow,
    where: paths.Paths,
    args: argparse.Namespace,
    guard: SingleInstance,
    demo: bool,
    restart: Callable[[bool], None],
) -> object:
    """Import, workflows, recovery, the tray with its scheduler and notifiers, and the
    deferred check of a large store: what app.run wires once the window is up."""
    from netdesk.ui.dialogs.calendar_export import install_calendar_export
    from netdesk.ui.dialogs.recovery import install_recovery
    from netdesk.ui.import_flow import install_import
    from netdesk.ui.store_check import check_store_later
    from netdesk.ui.sync_flow import install_sync
    from netdesk.ui.workflows import install_workflows

    # Recovery and the deferred check first: File > Restore from backup… and the check of a
    # large store are there even when what follows meets a damaged store.
    install_recovery(window, where, background=True)
    check = check_store_later(window, where, restart)
    install_import(window, where.backups)
    install_calendar_export(window)
    # Sync timers: idle, and off the network, until an account is added.
    install_sync(window, start=not args.exit_after_launch)
    install_workflows(window)
    if not demo and not args.exit_after_launch and window.isVisible():
        from netdesk.ui.dialogs.first_run import offer_first_run

        # A new store asks what NetDesk needs (the demo's throwaway network does not).
        offer_first_run(
            window,
            window.clock.now(),
            window.user_actions,
            window.settings,
            import_file=window.actions["import"].trigger,
        )
    chosen_dir = args.data_dir or os.environ.get(paths.ENV_DATA_DIR)
    services = wire_tray_services(
        app,
        window,
        window.hub,
        window.clock,
        window.settings,
        guard,
        where.data_dir if chosen_dir else None,
        start=not args.exit_after_launch,
        manage_autostart=not demo,
    )
    return (services, check)


def _when_shown(window: MainWindow, call: Callable[[], None]) -> None:
    """Run `call` once, just after the window's first paint (at once in the background)."""
    if not window.isVisible():
        QTimer.singleShot(0, call)  # started in the background: nothing to wait for
        return
    pending = [call]

    def once() -> None:
        while pending:
            pending.pop()()

    window.firstPainted.connect(lambda: QTimer.singleShot(0, once))


# --- the tray, the scheduler and the notifier chain, after the first paint ---------------


@dataclass
class TrayServices:
    """What wire_tray_services built; run() keeps it alive for the session."""

    scheduler: Scheduler
    tray: Tray
    notifier: Notifier
    autostart: AutostartSwitch
    status: StatusFile | None = None
    keep: list[object] = field(default_factory=list)


def wire_tray_services(
    app: QApplication,
    window: Any,
    hub: Hub,
    clock: Clock,
    settings: Settings,
    guard: SingleInstance | None,
    data_dir: Path | None,
    *,
    start: bool = True,
    manage_autostart: bool = True,
) -> TrayServices:
    """Scheduler -> notifier chain -> tray; the close policy; later launches; autostart.

    Called after the window's first paint: what it builds is imported here, not at start-up.
    """
    from netdesk.services import autostart
    from netdesk.services.notifier import (
        FreedesktopBackend,
        NativeCentreBackend,
        Notifier,
        TrayMessageBackend,
        named,
    )
    from netdesk.services.resume import watch_for_resume
    from netdesk.services.scheduler import Scheduler
    from netdesk.ui.close_policy import ask_keep_running, close_policy
    from netdesk.ui.reminder_window import ReminderWindowBackend
    from netdesk.ui.status_file import STATUS_FILE_ENV
    from netdesk.ui.tray import Tray

    def quit_app() -> None:
        quit_action = getattr(window, "actions", {}).get("quit")
        if quit_action is not None:
            quit_action.trigger()  # the window saves its layout on the way out
        else:
            app.quit()

    actions = window.user_actions
    scheduler = Scheduler(hub, clock, settings, app)
    resume = watch_for_resume(app)
    if resume is not None:
        scheduler.listen_for_resume(resume.resumed)
    tray = Tray(hub, clock, settings, scheduler, quit_app, app, actions=actions)
    icon_file = resource_path("icons", "netdesk.svg")
    icon_uri = icon_file.as_uri() if icon_file.is_file() else ""
    notifier = Notifier(
        hub,
        clock,
        settings,
        [
            named("freedesktop", lambda sink: FreedesktopBackend(sink, icon=icon_uri)),
            named("native centre", lambda sink: NativeCentreBackend(sink, tray)),
            named("tray message", lambda sink: TrayMessageBackend(sink, tray)),
            named("reminder window", ReminderWindowBackend),
        ],
        app,
        actions=actions,
    )
    scheduler.due.connect(notifier.announce)
    scheduler.digestDue.connect(notifier.announce_digest)
    app.aboutToQuit.connect(notifier.close)

    # With a tray, NetDesk lives on after its window closes; Quit is in the tray menu.
    app.setQuitOnLastWindowClosed(False)
    window.close_policy = close_policy(window, tray, settings, ask=ask_keep_running)
    tray.show()

    if guard is not None:

        def later_launch(message: dict[str, Any]) -> None:
            if message.get("changed"):
                actions.changed_elsewhere()  # a command wrote the store: reload, reschedule
            if message.get("show", True):
                hub.showWindowRequested.emit()
            if message.get("files"):
                hub.importRequested.emit(list(message["files"]))

        guard.messageReceived.connect(later_launch)

    switch = autostart.AutostartSwitch(settings, data_dir, app, active=manage_autostart)
    switch.refresh()

    services = TrayServices(scheduler, tray, notifier, switch)
    if resume is not None:
        services.keep.append(resume)
        app.aboutToQuit.connect(resume.close)
    status_path = os.environ.get(STATUS_FILE_ENV)
    if status_path:
        services.status = _status_hook(Path(status_path), services, hub, app)
    if start:
        QTimer.singleShot(0, scheduler.start)
    return services


def _status_hook(path: Path, services: TrayServices, hub: Hub, app: QApplication) -> StatusFile:
    from netdesk.ui.status_file import StatusFile

    tray, notifier = services.tray, services.notifier
    status = StatusFile(
        path,
        {
            "tray_available": tray.available,
            "notifier": notifier.backend.name,
            "count": tray.count,
            "tooltip": tray.icon.toolTip(),
            "notices": [],
            "followups_requested": [],
            "imports_requested": [],
        },
        app,
    )

    def counted(count: int) -> None:
        status.update(count=count, tooltip=tray.icon.toolTip(), notifier=notifier.backend.name)

    services.scheduler.countChanged.connect(counted)
    notifier.shown.connect(
        lambda title, body, fid: status.append(
            "notices", {"title": title, "body": body, "id": fid}
        )
    )
    hub.followUpRequested.connect(lambda fid: status.append("followups_requested", fid))
    hub.importRequested.connect(lambda files: status.append("imports_requested", files))
    status.schedule()
    return status
