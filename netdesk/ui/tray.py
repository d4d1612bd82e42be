"""The tray: NetDesk's face when the window is closed — a count of what is due, and a menu.

Also what closing the window means (keep running in the tray, or ask once where there is no
tray), the tray-based notifiers of the chain, and `wire_tray_services`, which app.py calls to
put the scheduler, notifier, tray, single-instance guard and autostart switch together.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QMenu, QMessageBox, QSystemTrayIcon, QWidget

from netdesk.services import autostart
from netdesk.services.clock import Clock
from netdesk.services.notifier import (
    BannerBackend,
    FreedesktopBackend,
    Notice,
    NoticeSink,
    Notifier,
    NotifierBackend,
    NotifierUnavailable,
    named,
)
from netdesk.services.scheduler import Scheduler, tomorrow_at
from netdesk.services.signals import Hub
from netdesk.services.single_instance import SingleInstance
from netdesk.store import queries
from netdesk.ui.tray_icon import badge_icon, base_icon

log = logging.getLogger(__name__)

MENU_FOLLOW_UPS = 5
TOLD_CLOSE_TO_TRAY = "close_to_tray_told"
NO_TRAY_DONT_ASK = "no_tray_told"
NO_TRAY_KEEP_RUNNING = "no_tray_keep_running"
STATUS_FILE_ENV = "NETDESK_TEST_STATUS_FILE"


def tooltip_text(
    count: int, paused_until: dt.datetime | None = None, today: dt.date | None = None
) -> str:
    if count == 0:
        text = "NetDesk: nothing due"
    elif count == 1:
        text = "NetDesk: 1 follow-up due"
    else:
        text = f"NetDesk: {count} follow-ups due"
    if paused_until is not None:
        text += f" (notifications paused until {paused_until:%H:%M})"
        if paused_until.date() != (today or paused_until.date()):
            text = text[:-1] + f" on {paused_until:%a %d %b})"
    return text


def _menu_text(text: str) -> str:
    # A name with "&" would otherwise turn the next letter into a keyboard accelerator.
    return text.replace("&", "&&")


def _read_bool(settings: Any, key: str) -> bool:
    raw = settings.value(key, False)
    return raw.strip().lower() in {"true", "1", "yes"} if isinstance(raw, str) else bool(raw)


class Tray(QObject):
    """The tray icon with its badge, tooltip and menu."""

    def __init__(
        self,
        hub: Hub,
        clock: Clock,
        settings: Any,
        scheduler: Scheduler,
        quit_app: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.clock = clock
        self.settings = settings
        self.scheduler = scheduler
        self.quit_app = quit_app
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.count = 0
        self._base = base_icon()
        self.icon = QSystemTrayIcon(self)
        self.icon.setIcon(badge_icon(self._base, 0))
        self.icon.setToolTip(tooltip_text(0))
        self.icon.activated.connect(self._activated)

        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.open_action = QAction("&Open NetDesk", self)
        self.open_action.triggered.connect(hub.showWindowRequested.emit)
        self.snooze_all_action = QAction("&Snooze all until tomorrow", self)
        self.snooze_all_action.triggered.connect(self.snooze_all)
        # Kept out of `menu`'s ownership: rebuilding the menu clears (and deletes) what it owns.
        self.pause_menu = QMenu("&Pause notifications for…")
        self.pause_actions = {
            "hour": QAction("1 &hour", self.pause_menu),
            "tomorrow": QAction("Until &tomorrow", self.pause_menu),
            "week": QAction("1 &week", self.pause_menu),
            "resume": QAction("&Resume notifications", self.pause_menu),
        }
        for key, action in self.pause_actions.items():
            action.triggered.connect(lambda _checked=False, k=key: self.pause(k))
            self.pause_menu.addAction(action)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.triggered.connect(quit_app)
        self.follow_up_actions: list[QAction] = []
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)

        scheduler.countChanged.connect(self.set_count)
        self.rebuild_menu()

    def show(self) -> None:
        if self.available:
            self.icon.show()

    # --- what it shows

    def set_count(self, count: int) -> None:
        self.count = count
        self.icon.setIcon(badge_icon(self._base, count))
        self.icon.setToolTip(self._tooltip())
        self.rebuild_menu()

    def _tooltip(self) -> str:
        return tooltip_text(self.count, self.scheduler.paused_until(), self.clock.now().date())

    def rebuild_menu(self) -> None:
        self.menu.clear()
        self.menu.addAction(self.open_action)
        self.follow_up_actions = []
        due = queries.follow_ups(self.clock.now(), limit=MENU_FOLLOW_UPS + 1)
        if due:
            self.menu.addSeparator()
            for f in due[:MENU_FOLLOW_UPS]:
                action = QAction(_menu_text(f"{f.contact_name} — {f.reason.label}"), self.menu)
                action.setToolTip(f.sentence)
                action.triggered.connect(
                    lambda _checked=False, fid=f.follow_up_id: self.open_follow_up(fid)
                )
                self.menu.addAction(action)
                self.follow_up_actions.append(action)
            if self.count > MENU_FOLLOW_UPS:
                more = QAction(f"All {self.count} in NetDesk…", self.menu)
                more.triggered.connect(self.hub.showWindowRequested.emit)
                self.menu.addAction(more)
                self.follow_up_actions.append(more)
        self.menu.addSeparator()
        self.snooze_all_action.setEnabled(bool(due))
        self.menu.addAction(self.snooze_all_action)
        paused = self.scheduler.paused_until() is not None
        self.pause_actions["resume"].setVisible(paused)
        self.menu.addMenu(self.pause_menu)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)

    # --- what it does

    def open_follow_up(self, follow_up_id: int) -> None:
        self.hub.showWindowRequested.emit()
        self.hub.followUpRequested.emit(follow_up_id)

    def snooze_all(self) -> None:
        now = self.clock.now()
        queries.snooze_all_due(now, tomorrow_at(now, self.scheduler.digest_time()))
        self.hub.store_changed([])

    def pause(self, how: str) -> None:
        now = self.clock.now()
        until = {
            "hour": now + dt.timedelta(hours=1),
            "tomorrow": tomorrow_at(now, self.scheduler.digest_time()),
            "week": now + dt.timedelta(days=7),
        }.get(how)
        self.scheduler.pause(until)
        self.icon.setToolTip(self._tooltip())
        self.rebuild_menu()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.hub.showWindowRequested.emit()


# --- notifiers that use the tray icon ---------------------------------------------------


class TrayMessageBackend(NotifierBackend):
    """The tray's own message bubble (QSystemTrayIcon.showMessage); a click opens the notice."""

    name = "tray message"

    def __init__(self, sink: NoticeSink, tray: Tray) -> None:
        super().__init__(sink)
        if not (tray.available and QSystemTrayIcon.supportsMessages()):
            raise NotifierUnavailable("no tray, or a tray that shows no messages")
        self.tray = tray
        self._last = 0
        tray.icon.messageClicked.connect(lambda: sink.notice_activated(self._last))

    def show(self, notice: Notice) -> None:
        # Qt tracks only the latest message, so a click means the latest notice.
        self._last = notice.follow_up_id
        self.tray.icon.showMessage(
            notice.title, notice.body, QSystemTrayIcon.MessageIcon.Information, 15_000
        )


class NativeCentreBackend(TrayMessageBackend):
    """macOS's Notification Center and Windows' toasts: Qt's showMessage is their path there.

    On macOS Qt posts through UserNotifications; on Windows it raises a shell notification
    that Windows 10 and later show as a toast in the Action Center. Neither carries our Done
    and Snooze buttons through Qt, so a click opens the follow-up in NetDesk instead.
    """

    name = "native notification centre"

    def __init__(self, sink: NoticeSink, tray: Tray) -> None:
        if sys.platform not in ("darwin", "win32"):
            raise NotifierUnavailable("the native centre path is for macOS and Windows")
        super().__init__(sink, tray)


# --- closing the window -----------------------------------------------------------------


def close_policy(
    window: QWidget, tray: Tray, settings: Any, *, ask: Callable[[QWidget], tuple[bool, bool]]
) -> Callable[[QCloseEvent], None]:
    """What closing the window does: hide to the tray (told once), or ask where there's none.

    Only the user's own close (the title bar's button: a spontaneous event) is turned into
    hiding. Qt 6's quit() closes every window first and gives up if one refuses, so a close
    that Qt or the session sends (Quit, log-out) must be let through.
    """

    def really_close(event: QCloseEvent) -> None:
        event.accept()

    def to_tray(event: QCloseEvent) -> None:
        if not event.spontaneous():
            return really_close(event)
        event.ignore()
        window.hide()
        if not _read_bool(settings, TOLD_CLOSE_TO_TRAY):
            settings.set_value(TOLD_CLOSE_TO_TRAY, True)
            tray.icon.showMessage(
                "NetDesk is still running",
                "It stays in the tray to tell you when a follow-up is due. "
                "Choose Quit from the tray menu to close it.",
                QSystemTrayIcon.MessageIcon.Information,
                10_000,
            )

    def without_tray(event: QCloseEvent) -> None:
        if not event.spontaneous():
            return really_close(event)
        if _read_bool(settings, NO_TRAY_DONT_ASK):
            keep = _read_bool(settings, NO_TRAY_KEEP_RUNNING)
        else:
            keep, dont_ask = ask(window)
            if dont_ask:
                settings.set_value(NO_TRAY_DONT_ASK, True)
                settings.set_value(NO_TRAY_KEEP_RUNNING, keep)
        if keep:
            event.ignore()
            window.hide()
        else:
            event.accept()
            tray.quit_app()

    return to_tray if tray.available else without_tray


def ask_keep_running(window: QWidget) -> tuple[bool, bool]:
    """(keep running, don't ask again), asked in a dialog."""
    box = QMessageBox(window)
    box.setObjectName("keepRunningQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Keep NetDesk running?")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText("Keep NetDesk running in the background after its window closes?")
    box.setInformativeText(
        "This desktop has no system tray. Running in the background, NetDesk can still tell "
        "you when a follow-up is due; start NetDesk again to bring its window back."
    )
    keep = box.addButton("Keep running", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    dont_ask = QCheckBox("Don't ask again")
    box.setCheckBox(dont_ask)
    box.exec()
    return box.clickedButton() is keep, dont_ask.isChecked()


# --- a test hook: the state a test outside the process can read --------------------------


class StatusFile(QObject):
    """With NETDESK_TEST_STATUS_FILE set, writes what a desktop test checks, as JSON.

    The tray's count and tooltip, the notices shown, the follow-ups and imports requested, and
    the object names of visible windows: all read from the app's own signals and widgets.
    """

    def __init__(self, path: Path, state: dict[str, Any], parent: QObject | None = None):
        super().__init__(parent)
        self.path = path
        self.state = state
        self.state.setdefault("pid", os.getpid())
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(50)
        self._pending.timeout.connect(self.write)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def update(self, **changes: Any) -> None:
        self.state.update(changes)
        self.schedule()

    def append(self, key: str, value: Any) -> None:
        self.state.setdefault(key, []).append(value)
        self.schedule()

    def schedule(self) -> None:
        if not self._pending.isActive():
            self._pending.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in (QEvent.Type.Show, QEvent.Type.Hide)
            and isinstance(watched, QWidget)
            and watched.isWindow()
        ):
            self.schedule()
        return False

    def write(self) -> None:
        app = QApplication.instance()
        windows = app.topLevelWidgets() if isinstance(app, QApplication) else []
        self.state["visible_windows"] = sorted(
            w.objectName() for w in windows if w.isVisible() and w.objectName()
        )
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, default=str))
        os.replace(tmp, self.path)


# --- putting it together ----------------------------------------------------------------


@dataclass
class TrayServices:
    """What wire_tray_services built; app.py keeps it alive for the session."""

    scheduler: Scheduler
    tray: Tray
    notifier: Notifier
    autostart: autostart.AutostartSwitch
    status: StatusFile | None = None
    keep: list[object] = field(default_factory=list)


def wire_tray_services(
    app: QApplication,
    window: Any,
    hub: Hub,
    clock: Clock,
    settings: Any,
    guard: SingleInstance | None,
    data_dir: Path | None,
    *,
    start: bool = True,
    manage_autostart: bool = True,
) -> TrayServices:
    """Scheduler -> notifier chain -> tray; the close policy; later launches; autostart."""

    def quit_app() -> None:
        quit_action = getattr(window, "actions", {}).get("quit")
        if quit_action is not None:
            quit_action.trigger()  # the window saves its layout on the way out
        else:
            app.quit()

    scheduler = Scheduler(hub, clock, settings, app)
    tray = Tray(hub, clock, settings, scheduler, quit_app, app)
    icon_file = Path(__file__).resolve().parents[2] / "resources" / "icons" / "netdesk.svg"
    icon_uri = icon_file.as_uri() if icon_file.is_file() else ""
    notifier = Notifier(
        hub,
        clock,
        settings,
        [
            named("freedesktop", lambda sink: FreedesktopBackend(sink, icon=icon_uri)),
            named("native centre", lambda sink: NativeCentreBackend(sink, tray)),
            named("tray message", lambda sink: TrayMessageBackend(sink, tray)),
            named("banner", lambda sink: BannerBackend(sink, hub)),
        ],
        app,
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
            if message.get("show", True):
                hub.showWindowRequested.emit()
            if message.get("files"):
                hub.importRequested.emit(list(message["files"]))

        guard.messageReceived.connect(later_launch)

    switch = autostart.AutostartSwitch(settings, data_dir, app, active=manage_autostart)
    switch.refresh()

    services = TrayServices(scheduler, tray, notifier, switch)
    status_path = os.environ.get(STATUS_FILE_ENV)
    if status_path:
        services.status = _status_hook(Path(status_path), services, hub, app)
    if start:
        QTimer.singleShot(0, scheduler.start)
    return services


def _status_hook(path: Path, services: TrayServices, hub: Hub, app: QApplication) -> StatusFile:
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
        lambda title, body, fid: status.append("notices", {"title": title, "id": fid})
    )
    hub.followUpRequested.connect(lambda fid: status.append("followups_requested", fid))
    hub.importRequested.connect(lambda files: status.append("imports_requested", files))
    status.schedule()
    return status
