"""Tells the user a follow-up is due through the best channel the platform offers, tried in order.

The chain (app.py builds it): freedesktop notifications over D-Bus (Linux and the BSDs), the
native notification centre (macOS, Windows: `QSystemTrayIcon.showMessage` is Qt's path to
both), the tray's own message bubble, and, where there is neither a tray nor a notification
server, a small always-on-top reminder window (ui.reminder_window). The two that speak through
the tray icon reach it as a `MessageArea`: the icon is a widget (ui.tray.Tray holds it), and
this module keeps to QtCore. Each backend raises `NotifierUnavailable` when it is constructed
where it cannot work; `pick()` takes the first that constructs, and a backend that fails later
hands its notice to the next one.

A follow-up counts as announced only once a person could see it: each backend reports a notice
as shown (`NoticeSink.notice_shown`) when the server has taken it, the tray has shown its
bubble, or the reminder window has been painted on screen; only then is it written down.
A button on a notice acts once, on the follow-up as it is now (a follow-up already done or set
aside is left alone), and closes the notice.

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

import datetime as dt
import html
import logging
import socket
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from netdesk.core.dates import describe_moment
from netdesk.core.domain import ANSWERING_KIND, FollowUpReason, FollowUpState
from netdesk.services.actions import Actions
from netdesk.services.clock import Clock
from netdesk.services.dbus_socket import read_messages
from netdesk.services.scheduler import parse_digest_time, tomorrow_at
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store.models import FollowUp
from netdesk.store.reader import DueFollowUp, DueList

log = logging.getLogger(__name__)

APP_NAME = "NetDesk"
# Action keys, as the freedesktop spec names the default one.
OPEN = "default"
OPEN_BUTTON = "open"  # the summary's Open button (servers show no button for the default)
DONE = "done"
SNOOZE = "snooze"
# The states in which a follow-up still waits for the user (a button may act on it).
OPEN_STATES = frozenset({FollowUpState.DUE.value, FollowUpState.SNOOZED.value})
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
    # The follow-ups it announces: written down as announced once the notice is seen.
    announces: tuple[int, ...] = ()


class NoticeSink(Protocol):
    """What a backend reports back: shown, a click, an action button, a failure (the Notifier)."""

    def notice_shown(self, notice: Notice) -> None: ...

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
    def show(self, notice: Notice) -> None:
        """Show it; call `sink.notice_shown(notice)` once a person could see it."""

    def withdraw(self, follow_up_ids: Sequence[int]) -> None:  # noqa: B027 - optional
        """Take down what is still on screen about these follow-ups (they were settled)."""

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

    def actions_for(self, notice: Notice) -> list[str]:
        """The notice's actions as the spec lists them: key, label, key, label..."""
        if not self.supports_actions:
            return []
        actions = [OPEN, "Open"]  # a click on the notice itself
        if notice.offer_actions:
            actions += [DONE, "Done", SNOOZE, "Snooze until tomorrow"]
        elif not notice.follow_up_id:
            actions += [OPEN_BUTTON, "Open"]  # a summary: a button that says so
        return actions

    def show(self, notice: Notice) -> None:
        body = html.escape(notice.body, quote=False) if self._markup else notice.body
        actions = self.actions_for(notice)
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

    def withdraw(self, follow_up_ids: Sequence[int]) -> None:
        settled = set(follow_up_ids)
        for notification_id, notice in list(self._live.items()):
            if notice.follow_up_id in settled:
                self._close_notification(notification_id)

    def _close_notification(self, notification_id: int) -> None:
        """Ask the server to take it down; its NotificationClosed then forgets it."""
        self._live.pop(notification_id, None)
        message = self._new_method_call(
            self._address, "CloseNotification", "u", (notification_id,)
        )
        try:
            self._conn.send(message)
        except OSError as exc:
            log.warning("notifications: could not close a notice (%s)", exc)

    def close(self) -> None:
        if getattr(self, "_watch", None) is not None:
            self._watch.setEnabled(False)
            self._watch.deleteLater()
            self._watch = None
            self._conn.close()

    def _read(self) -> None:
        read_messages(self._sock, self._parser, self._dispatch, self.close, "notifications")

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
                self.sink.notice_shown(notice)
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
                return  # another application's, or one of ours already answered
            # One answer per notice: it is closed before the answer runs, and forgotten, so
            # a second click (or a server that repeats itself) finds nothing to act on.
            self._close_notification(int(notification_id))
            if action in (OPEN, OPEN_BUTTON):
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
        self.sink.notice_shown(notice)


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


# --- the chain --------------------------------------------------------------------------


def _name(follow_up: DueFollowUp) -> str:
    return follow_up.contact_name.strip() or "A contact"


def notice_for(
    follow_up: DueFollowUp,
    now: dt.datetime,
    *,
    offer_actions: bool = True,
    announces: Sequence[int] | None = None,
) -> Notice:
    """The short form: who, the rule's few words, and when it fell due."""
    return Notice(
        title=_name(follow_up),
        body=f"{follow_up.rule.short_label}, due {describe_moment(follow_up.effective_at, now)}",
        follow_up_id=follow_up.follow_up_id,
        offer_actions=offer_actions and follow_up.reason in DONE_KIND,
        announces=tuple(announces if announces is not None else (follow_up.follow_up_id,)),
    )


def _people(follow_ups: Sequence[DueFollowUp], limit: int) -> list[DueFollowUp]:
    """The first follow-up of each of the first `limit` people, in order."""
    seen: set[int] = set()
    firsts: list[DueFollowUp] = []
    for f in follow_ups:
        if f.contact_id not in seen:
            seen.add(f.contact_id)
            firsts.append(f)
            if len(firsts) == limit:
                break
    return firsts


def _one_person(follow_ups: Sequence[DueFollowUp]) -> bool:
    # A long list is many people; a short one is read (a thank-you and a cadence for the
    # same person make one notice, not a summary of one name).
    return len(follow_ups) <= SUMMARY_NAMES and len(_people(follow_ups, 2)) == 1


def _names(follow_ups: Sequence[DueFollowUp]) -> str:
    """'Ann, Ben, Cleo and 2 more': each person once."""
    firsts = _people(follow_ups, SUMMARY_NAMES)
    text = ", ".join(_name(f) for f in firsts)
    if len(follow_ups) > DueList.PAGE:
        return f"{text} and others"  # counting them all would read every row
    rest = len({f.contact_id for f in follow_ups}) - len(firsts)
    return f"{text} and {rest} more" if rest > 0 else text


def summary_notice(follow_ups: Sequence[DueFollowUp], announces: Sequence[int]) -> Notice:
    """New follow-ups, counted as the window counts what is due: a person once (two
    follow-ups of one person are one line in the pane, and one here)."""
    count = len(follow_ups)
    if count <= DueList.PAGE:
        count = len({f.contact_id for f in follow_ups})
    return Notice(
        title=f"{count} follow-ups are due",
        body=_names(follow_ups),
        announces=tuple(announces),
    )


def digest_notice(follow_ups: Sequence[DueFollowUp], announces: Sequence[int]) -> Notice:
    """The daily digest, given a list of one follow-up per person (reader.due_now)."""
    count = len(follow_ups)
    title = "Today: 1 follow-up is due" if count == 1 else f"Today: {count} follow-ups are due"
    lines = [f"{_name(f)}: {f.rule.short_label}" for f in follow_ups[:SUMMARY_NAMES]]
    if count > SUMMARY_NAMES:
        lines.append(f"and {count - SUMMARY_NAMES} more in NetDesk")
    return Notice(title=title, body="\n".join(lines), announces=tuple(announces))


def _ids(follow_ups: Sequence[DueFollowUp]) -> list[int]:
    if isinstance(follow_ups, DueList):
        return follow_ups.ids()  # without reading the rows
    return [f.follow_up_id for f in follow_ups]


class Notifier(QObject):
    """Announces what the scheduler says, and answers clicks and buttons on the notices."""

    # Every notice a person could see, through whichever backend (title, body, follow-up id).
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
        # Notices about one follow-up still on screen, so that settling it takes them down.
        self._showing: set[int] = set()
        hub.followUpsChanged.connect(self._withdraw_settled)

    # --- what to say

    def announce(self, follow_ups: Sequence[DueFollowUp]) -> None:
        """New follow-ups: one notice when one person is new, else one summary."""
        if not follow_ups:
            return
        ids = _ids(follow_ups)
        if _one_person(follow_ups):
            self.show(notice_for(follow_ups[0], self.clock.now(), announces=ids))
        else:
            self.show(summary_notice(follow_ups, ids))

    def announce_digest(self, follow_ups: Sequence[DueFollowUp], announces: Sequence[int]) -> None:
        """The daily digest: everything due (a person once); it announces `announces`."""
        if len(follow_ups) == 1:
            self.show(notice_for(follow_ups[0], self.clock.now(), announces=announces))
        elif follow_ups:
            self.show(digest_notice(follow_ups, announces))

    def show(self, notice: Notice) -> None:
        self.backend.show(notice)

    # --- answers (NoticeSink)

    def notice_shown(self, notice: Notice) -> None:
        """A person could see it now: the follow-ups it names are announced."""
        if notice.announces:
            self.actions.record_announced(list(notice.announces))
        if notice.follow_up_id:
            self._showing.add(notice.follow_up_id)
        self.shown.emit(notice.title, notice.body, notice.follow_up_id)

    def notice_activated(self, follow_up_id: int) -> None:
        self.hub.showWindowRequested.emit()
        if follow_up_id:
            self.hub.followUpRequested.emit(follow_up_id)

    def notice_action(self, follow_up_id: int, action: str) -> None:
        """Done or Snooze, on the follow-up as it is now: one already done, set aside or
        deleted (from another notice, the window, another program) is left as it is."""
        if action not in (DONE, SNOOZE):
            self.notice_activated(follow_up_id)
            return
        fu = FollowUp.get_or_none(FollowUp.id == follow_up_id)
        if fu is None or fu.state not in OPEN_STATES:
            log.info("notifications: %s on a follow-up already settled; nothing to do", action)
            return
        now = self.clock.now()
        if action == SNOOZE:
            at = parse_digest_time(self.settings.digest_time)
            self.actions.snooze_follow_up(follow_up_id, tomorrow_at(now, at))
        else:
            kind = DONE_KIND.get(FollowUpReason(fu.reason))
            if kind is None:
                return
            self.actions.complete_follow_up(
                follow_up_id, kind=kind, summary="Marked done from a reminder"
            )

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

    def _withdraw_settled(self) -> None:
        """Follow-ups settled since their notice went up (done in the window, snoozed from
        the tray, set aside) take their notices down with them."""
        if not self._showing:
            return
        ids = list(self._showing)
        still_open = {
            int(f.id)
            for f in FollowUp.select(FollowUp.id).where(
                FollowUp.id.in_(ids), FollowUp.state == FollowUpState.DUE.value
            )
        }
        settled = [fid for fid in ids if fid not in still_open]
        if settled:
            self._showing.difference_update(settled)
            self.backend.withdraw(settled)

    def close(self) -> None:
        self.backend.close()
