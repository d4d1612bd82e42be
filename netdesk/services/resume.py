"""Tells when the machine wakes from sleep: logind's PrepareForSleep(false) on the system bus.

systemd-logind sends `org.freedesktop.login1.Manager.PrepareForSleep(true)` before a suspend or
hibernation and `PrepareForSleep(false)` after the machine wakes. Listening costs nothing while
idle: the bus socket is watched by a QSocketNotifier, as in services.notifier (jeepney, no
thread, no polling). Where there is no system bus, or no logind on it (containers, other
platforms), `ResumeWatch` raises `ResumeSignalUnavailable` and the scheduler keeps its one-minute
watchdog instead.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from netdesk.services.dbus_socket import read_messages

log = logging.getLogger(__name__)

LOGIND = "org.freedesktop.login1"
LOGIND_PATH = "/org/freedesktop/login1"
LOGIND_MANAGER = "org.freedesktop.login1.Manager"


class ResumeSignalUnavailable(Exception):
    """No system bus here, or no logind on it."""


class ResumeWatch(QObject):
    """Emits `resumed` each time the machine has woken from sleep."""

    resumed = Signal()

    def __init__(self, parent: QObject | None = None, *, timeout: float = 1.0) -> None:
        super().__init__(parent)
        if not sys.platform.startswith("linux"):
            raise ResumeSignalUnavailable("logind is Linux's")
        try:
            from jeepney import DBusAddress, MatchRule, new_method_call
            from jeepney.io.blocking import open_dbus_connection
            from jeepney.low_level import HeaderFields, MessageType, Parser
        except ImportError as exc:
            raise ResumeSignalUnavailable(f"jeepney is not installed ({exc})") from exc
        self._HeaderFields = HeaderFields
        self._MessageType = MessageType
        try:
            self._conn = open_dbus_connection("SYSTEM", auth_timeout=timeout)
        except Exception as exc:  # no socket, refused, no address: all mean "not here"
            raise ResumeSignalUnavailable(f"no system bus ({exc})") from exc
        bus = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
        try:
            reply = self._conn.send_and_get_reply(
                new_method_call(bus, "NameHasOwner", "s", (LOGIND,)), timeout=timeout
            )
            if reply.header.message_type != MessageType.method_return or not reply.body[0]:
                raise ResumeSignalUnavailable("logind is not on the system bus")
            rule = MatchRule(
                type="signal",
                sender=LOGIND,
                interface=LOGIND_MANAGER,
                member="PrepareForSleep",
                path=LOGIND_PATH,
            )
            self._conn.send_and_get_reply(
                new_method_call(bus, "AddMatch", "s", (rule.serialise(),)), timeout=timeout
            )
        except ResumeSignalUnavailable:
            self._conn.close()
            raise
        except Exception as exc:
            self._conn.close()
            raise ResumeSignalUnavailable(f"the system bus does not answer ({exc})") from exc
        self._parser = Parser()
        self._sock: socket.socket = self._conn.sock
        self._sock.setblocking(False)
        self._watch: QSocketNotifier | None = QSocketNotifier(
            self._sock.fileno(), QSocketNotifier.Type.Read
        )
        self._watch.activated.connect(self._read)
        log.info("resume: listening to logind's PrepareForSleep")

    def close(self) -> None:
        if self._watch is not None:
            self._watch.setEnabled(False)
            self._watch.deleteLater()
            self._watch = None
            self._conn.close()

    def _read(self) -> None:
        read_messages(self._sock, self._parser, self._dispatch, self.close, "resume")

    def _dispatch(self, message: Any) -> None:
        header = message.header
        if header.message_type != self._MessageType.signal:
            return
        fields = header.fields
        if (
            fields.get(self._HeaderFields.interface) == LOGIND_MANAGER
            and fields.get(self._HeaderFields.member) == "PrepareForSleep"
            and message.body
            and not message.body[0]
        ):
            log.info("resume: the machine woke up")
            self.resumed.emit()


def watch_for_resume(parent: QObject | None = None) -> ResumeWatch | None:
    """A ResumeWatch where logind can tell us, else None (the watchdog does the work)."""
    try:
        return ResumeWatch(parent)
    except ResumeSignalUnavailable as exc:
        log.info("resume: %s; the scheduler's watchdog will notice a wake-up", exc)
        return None
