"""The tray: NetDesk's face when the window is closed — a count of what is due, and a menu.

It is also the `MessageArea` through which the notifier chain's tray backends show their
bubbles (services.notifier). What closing the window means is in ui.close_policy; app.py puts
the tray, scheduler and notifiers together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from netdesk.services.actions import Actions
from netdesk.services.clock import Clock
from netdesk.services.scheduler import Scheduler, tomorrow_at
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store import reader
from netdesk.ui.tray_icon import badge_icon, base_icon

MENU_FOLLOW_UPS = 5


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


class Tray(QObject):
    """The tray icon with its badge, tooltip and menu."""

    def __init__(
        self,
        hub: Hub,
        clock: Clock,
        settings: Settings,
        scheduler: Scheduler,
        quit_app: Callable[[], None],
        parent: QObject | None = None,
        *,
        actions: Actions,
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.actions = actions
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

    # --- the MessageArea the notifier's tray backends use

    def shows_messages(self) -> bool:
        return self.available and QSystemTrayIcon.supportsMessages()

    def show_message(self, title: str, body: str, timeout_ms: int) -> None:
        self.icon.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, timeout_ms)

    def on_message_clicked(self, callback: Callable[[], None]) -> None:
        self.icon.messageClicked.connect(callback)

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
        due = reader.due_now(self.clock.now())  # a person once, as the count says
        if due:
            self.menu.addSeparator()
            for f in due[:MENU_FOLLOW_UPS]:
                action = QAction(_menu_text(f"{f.contact_name} — {f.rule.short_label}"), self.menu)
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
        self.actions.snooze_all_due(tomorrow_at(now, self.scheduler.digest_time()))

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
