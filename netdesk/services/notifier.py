"""Tells the user a follow-up is due through the best channel the platform offers, tried in order.

The chain (app.py builds it): freedesktop notifications over D-Bus (Linux and the BSDs), the
native notification centre (macOS, Windows: `QSystemTrayIcon.showMessage` is Qt's path to
both), the tray's own message bubble, and an in-window banner that always works. The two that
speak through the tray icon reach it as a `MessageArea`: the icon is a widget (ui.tray.Tray
holds it), and this module keeps to QtCore. Each backend
raises `NotifierUnavailable` when it is constructed where it cannot work; `pick()` takes the
first that constructs, and a backend that fails later hands its notice to the next one.

Why jeepney for D-Bus. The `Notify` method is typed `susssasa{sv}i`: replaces_id is a uint32.
PySide6's QtDBus turns every Python int into an int32, and exposes no way to mark an argument
uint32 (QDBusArgument's `<<` takes only int; there is no QVariant to carry a type), so the
server rejects the call ("does not match expected type (susssasa{sv}i)"). Spawning `gdbus`
per notification would send it, but servers like dunst address ActionInvoked to the
connection that sent Notify, so the Done and Snooze buttons would talk to a process that is
gone. jeepney is a pure-Python D-Bus wire library (no compiled parts, no other dependencies,
the one SecretStorage and keyring use on Linux) that writes exactly the signature we give it.
We use it without a thread and without polling: after the blocking handshake, its socket is
watched by a QSocketNotifier and messages are parsed as they arrive in Qt's event loop.
"""

from __future__ import annotations

import html
import logging
import socket
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from netdesk.core.domain import ANSWERING_KIND, FollowUpReason
from netdesk.services.actions import Actions
from netdesk.services.clock import Clock
from netdesk.services.scheduler import parse_digest_time, tomorrow_at
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store.models import FollowUp
from netdesk.store.reader import DueFollowUp

log = logging.getLogger(__name__)

APP_NAME = "NetDesk"
# Action keys, as the freedesktop spec names the default one.
OPEN = "default"
DONE = "done"
SNOOZE = "snooze"
# A summary lists this many names before "and N more".
SUMMARY_NAMES = 3

# Done from a notification cannot ask what happened: it logs the kind the reason calls for.
DONE_KIND = ANSWERING_KIND


class NotifierUnavailable(Exception):
    """This backend cannot work here (no bus, no server, no tray, another platform)."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification, in plain text."""

    title: str
    body: str
    follow_up_id: int = 0  # 0: a summary; clicking it opens the follow-ups pane
    offer_actions: bool = False  # Done and Snooze buttons, where the server has them


class NoticeSink(Protocol):
    """What a backend reports back: a click, an action button, a failure (the Notifier)."""

    def notice_activated(self, follow_up_id: int) -> None: ...

    def notice_action(self, follow_up_id: int, action: str) -> None: ...

    def backend_failed(self, backend: NotifierBackend, notice: Notice) -> None: ...


class NotifierBackend(ABC):
    """One way to show a notification. Raise NotifierUnavailable from __init__ when it can't."""

    name: ClassVar[str] = "?"
    supports_actions: bool = False

    def __init__(self, sink: NoticeSink) -> None:
        self.sink = sink

    @abstractmethod
    def show(self, notice: Notice) -> None: ...

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to let go of
        """Let go of what the backend holds (a bus connection)."""


BackendFactory = Callable[[NoticeSink], NotifierBackend]


def named(name: str, factory: BackendFactory) -> BackendFactory:
    """A factory that says what it builds, for the log."""
    factory.name = name  # type: ignore[attr-defined]
    return factory


def pick(factories: Sequence[BackendFactory], sink: NoticeSink) -> tuple[NotifierBackend, int]:
    """The first backend that constructs, and its place in the chain."""
    for index, factory in enumerate(factories):
        try:
            backend = factory(sink)
        except NotifierUnavailable as exc:
            log.info("notifications: %s unavailable (%s)", getattr(factory, "name", factory), exc)
            continue
        log.info("notifications: using %s", backend.name)
        return backend, index
    raise NotifierUnavailable("no notification backend works here")


# --- freedesktop notifications over D-Bus ------------------------------------------------


class FreedesktopBackend(NotifierBackend):
    """org.freedesktop.Notifications on the session bus, spoken through jeepney."""

    name = "freedesktop"
    BUS_NAME = "org.freedesktop.Notifications"
    PATH = "/org/freedesktop/Notifications"

    def __init__(self, sink: NoticeSink, *, icon: str = "", timeout: float = 2.0) -> None:
        super().__init__(sink)
        if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
            raise NotifierUnavailable("freedesktop notifications are for Linux and the BSDs")
        try:
            from jeepney import DBusAddress, MatchRule, new_method_call
            from jeepney.io.blocking import open_dbus_connection
            from jeepney.low_level import HeaderFields, MessageType, Parser
        except ImportError as exc:
            raise NotifierUnavailable(f"jeepney is not installed ({exc})") from exc
        self._HeaderFields = HeaderFields
        self._MessageType = MessageType
        self._new_method_call = new_method_call
        self._address = DBusAddress(self.PATH, bus_name=self.BUS_NAME, interface=self.BUS_NAME)
        self.icon = icon
        try:
            self._conn = open_dbus_connection("SESSION", auth_timeout=timeout)
        except Exception as exc:  # no address, no socket, refused: all mean "not here"
            raise NotifierUnavailable(f"no session bus ({exc})") from exc
        try:
            reply = self._conn.send_and_get_reply(
                new_method_call(self._address, "GetCapabilities"), timeout=timeout
            )
            if reply.header.message_type != MessageType.method_return:
                raise NotifierUnavailable(f"no notification server ({reply.body})")
            self.capabilities = frozenset(reply.body[0])
            reply = self._conn.send_and_get_reply(
                new_method_call(self._address, "GetServerInformation"), timeout=timeout
            )
            self.server = str(reply.body[0]) if reply.body else "?"
            # GNOME and KDE broadcast ActionInvoked; dunst sends it to us alone. Ask for both.
            bus = DBusAddress(
                "/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus"
            )
            for member in ("ActionInvoked", "NotificationClosed"):
                rule = MatchRule(type="signal", interface=self.BUS_NAME, member=member)
                self._conn.send_and_get_reply(
                    new_method_call(bus, "AddMatch", "s", (rule.serialise(),)), timeout=timeout
                )
        except NotifierUnavailable:
            self._conn.close()
            raise
        except Exception as exc:
            self._conn.close()
            raise NotifierUnavailable(f"the notification server does not answer ({exc})") from exc
        self.supports_actions = "actions" in self.capabilities
        self._markup = "body-markup" in self.capabilities
        self._parser = Parser()
        self._pending: dict[int, Notice] = {}  # our call's serial -> the notice it shows
        self._live: dict[int, Notice] = {}  # the server's notification id -> notice
        self._sock: socket.socket = self._conn.sock
        self._sock.setblocking(False)
        self._watch = QSocketNotifier(self._sock.fileno(), QSocketNotifier.Type.Read)
        self._watch.activated.connect(self._read)

    def show(self, notice: Notice) -> None:
        body = html.escape(notice.body, quote=False) if self._markup else notice.body
        actions: list[str] = [OPEN, "Open"] if self.supports_actions else []
        if self.supports_actions and notice.offer_actions:
            actions += [DONE, "Done", SNOOZE, "Snooze until tomorrow"]
        hints = {"urgency": ("y", 1)}
        message = self._new_method_call(
            self._address,
            "Notify",
            "susssasa{sv}i",
            (APP_NAME, 0, self.icon, notice.title, body, actions, hints, -1),
        )
        serial = next(self._conn.outgoing_serial)
        self._pending[serial] = notice
        try:
            self._conn.send(message, serial=serial)
        except OSError as exc:
            log.warning("notifications: the session bus went away (%s)", exc)
            self._pending.pop(serial, None)
            self.close()
            self.sink.backend_failed(self, notice)

    @property
    def shown_ids(self) -> list[int]:
        """The server's ids of our notifications still on screen (for tests)."""
        return list(self._live)

    def close(self) -> None:
        if getattr(self, "_watch", None) is not None:
            self._watch.setEnabled(False)
            self._watch.deleteLater()
            self._watch = None
            self._conn.close()

    def _read(self) -> None:
        while True:
            try:
                data = self._sock.recv(65536)
            except BlockingIOError:
                break
            except OSError:
                data = b""
            if not data:
                log.warning("notifications: the session bus closed the connection")
                self.close()
                return
            self._parser.add_data(data)
        while (message := self._parser.get_next_message()) is not None:
            self._dispatch(message)

    def _dispatch(self, message: Any) -> None:
        header = message.header
        fields = header.fields
        kind = header.message_type
        if kind in (self._MessageType.method_return, self._MessageType.error):
            notice = self._pending.pop(fields.get(self._HeaderFields.reply_serial, -1), None)
            if notice is None:
                return
            if kind == self._MessageType.error:
                log.warning("notifications: the server refused a notice: %s", message.body)
                self.sink.backend_failed(self, notice)
            else:
                self._live[int(message.body[0])] = notice
            return
        if kind != self._MessageType.signal:
            return
        if fields.get(self._HeaderFields.interface) != self.BUS_NAME:
            return
        member = fields.get(self._HeaderFields.member)
        if member == "ActionInvoked":
            notification_id, action = message.body
            notice = self._live.get(int(notification_id))
            if notice is None:
                return  # another application's notification
            if action == OPEN:
                self.sink.notice_activated(notice.follow_up_id)
            else:
                self.sink.notice_action(notice.follow_up_id, str(action))
        elif member == "NotificationClosed":
            self._live.pop(int(message.body[0]), None)


# --- through the tray icon --------------------------------------------------------------


class MessageArea(Protocol):
    """Where the tray icon shows its message bubbles (ui.tray.Tray is one)."""

    def shows_messages(self) -> bool:
        """There is a tray, and it can show messages."""
        ...

    def show_message(self, title: str, body: str, timeout_ms: int) -> None: ...

    def on_message_clicked(self, callback: Callable[[], None]) -> None: ...


class TrayMessageBackend(NotifierBackend):
    """The tray's own message bubble (QSystemTrayIcon.showMessage); a click opens the notice."""

    name = "tray message"

    def __init__(self, sink: NoticeSink, area: MessageArea) -> None:
        super().__init__(sink)
        if not area.shows_messages():
            raise NotifierUnavailable("no tray, or a tray that shows no messages")
        self.area = area
        self._last = 0
        area.on_message_clicked(lambda: sink.notice_activated(self._last))

    def show(self, notice: Notice) -> None:
        # Qt tracks only the latest message, so a click means the latest notice.
        self._last = notice.follow_up_id
        self.area.show_message(notice.title, notice.body, 15_000)


class NativeCentreBackend(TrayMessageBackend):
    """macOS's Notification Center and Windows' toasts: Qt's showMessage is their path there.

    On macOS Qt posts through UserNotifications; on Windows it raises a shell notification
    that Windows 10 and later show as a toast in the Action Center. Neither carries our Done
    and Snooze buttons through Qt, so a click opens the follow-up in NetDesk instead.
    """

    name = "native notification centre"

    def __init__(self, sink: NoticeSink, area: MessageArea) -> None:
        if sys.platform not in ("darwin", "win32"):
            raise NotifierUnavailable("the native centre path is for macOS and Windows")
        super().__init__(sink, area)


# --- the last resort --------------------------------------------------------------------


class BannerBackend(NotifierBackend):
    """A banner in NetDesk's own window: works everywhere, seen when the window is."""

    name = "banner"

    def __init__(self, sink: NoticeSink, hub: Hub) -> None:
        super().__init__(sink)
        self.hub = hub

    def show(self, notice: Notice) -> None:
        text = notice.title if not notice.body else f"{notice.title}: {notice.body}"
        self.hub.bannerRequested.emit(text, notice.follow_up_id)


# --- the chain --------------------------------------------------------------------------


def notice_for(follow_up: DueFollowUp, *, offer_actions: bool = True) -> Notice:
    return Notice(
        title=f"Follow up with {follow_up.contact_name}",
        body=follow_up.sentence,
        follow_up_id=follow_up.follow_up_id,
        offer_actions=offer_actions and follow_up.reason in DONE_KIND,
    )


def _names(follow_ups: Sequence[DueFollowUp]) -> str:
    names = [f.contact_name for f in follow_ups[:SUMMARY_NAMES]]
    rest = len(follow_ups) - len(names)
    text = ", ".join(names)
    return f"{text} and {rest} more" if rest else text


def summary_notice(follow_ups: Sequence[DueFollowUp]) -> Notice:
    return Notice(title=f"{len(follow_ups)} follow-ups are due", body=_names(follow_ups))


def digest_notice(follow_ups: Sequence[DueFollowUp]) -> Notice:
    count = len(follow_ups)
    title = "Today: 1 follow-up is due" if count == 1 else f"Today: {count} follow-ups are due"
    lines = [f"{f.contact_name} — {f.sentence}" for f in follow_ups[:SUMMARY_NAMES]]
    if count > SUMMARY_NAMES:
        lines.append(f"and {count - SUMMARY_NAMES} more in NetDesk")
    return Notice(title=title, body="\n".join(lines))


class Notifier(QObject):
    """Announces what the scheduler says, and answers clicks and buttons on the notices."""

    # Every notice shown, through whichever backend (title, body, follow-up id).
    shown = Signal(str, str, int)

    def __init__(
        self,
        hub: Hub,
        clock: Clock,
        settings: Settings,
        factories: Sequence[BackendFactory],
        parent: QObject | None = None,
        *,
        actions: Actions,
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.actions = actions
        self.clock = clock
        self.settings = settings
        self._factories = list(factories)
        self.backend, self._index = pick(self._factories, self)

    # --- what to say

    def announce(self, follow_ups: Sequence[DueFollowUp]) -> None:
        """New follow-ups: one notice each when one is new, else one summary."""
        if not follow_ups:
            return
        if len(follow_ups) == 1:
            self.show(notice_for(follow_ups[0]))
        else:
            self.show(summary_notice(follow_ups))

    def announce_digest(self, follow_ups: Sequence[DueFollowUp]) -> None:
        if len(follow_ups) == 1:
            self.show(notice_for(follow_ups[0]))
        elif follow_ups:
            self.show(digest_notice(follow_ups))

    def show(self, notice: Notice) -> None:
        self.backend.show(notice)
        self.shown.emit(notice.title, notice.body, notice.follow_up_id)

    # --- answers (NoticeSink)

    def notice_activated(self, follow_up_id: int) -> None:
        self.hub.showWindowRequested.emit()
        if follow_up_id:
            self.hub.followUpRequested.emit(follow_up_id)

    def notice_action(self, follow_up_id: int, action: str) -> None:
        fu = FollowUp.get_or_none(FollowUp.id == follow_up_id)
        if fu is None:
            return  # deleted meanwhile
        now = self.clock.now()
        if action == SNOOZE:
            at = parse_digest_time(self.settings.digest_time)
            self.actions.snooze_follow_up(follow_up_id, tomorrow_at(now, at))
        elif action == DONE:
            kind = DONE_KIND.get(FollowUpReason(fu.reason))
            if kind is None:
                return
            self.actions.complete_follow_up(
                follow_up_id, kind=kind, summary="Marked done from a reminder"
            )
        else:
            self.notice_activated(follow_up_id)

    def backend_failed(self, backend: NotifierBackend, notice: Notice) -> None:
        """A backend broke after it was picked: the rest of the chain takes over."""
        if backend is not self.backend:
            return
        backend.close()
        rest = self._factories[self._index + 1 :]
        try:
            self.backend, offset = pick(rest, self)
        except NotifierUnavailable:
            log.error("notifications: no backend left")
            return
        self._index += offset + 1
        self.backend.show(notice)

    def close(self) -> None:
        self.backend.close()
