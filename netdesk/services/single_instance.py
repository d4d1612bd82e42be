"""One running NetDesk per data folder: a second launch hands its arguments over and exits.

The arbiter is an advisory lock (QLockFile) on the folder's `netdesk.lock`, taken before the
store opens: whoever holds it is the running instance, and Qt declares a lock stale when the
process that wrote it is gone, so a crash never locks the user out. The running instance
listens on a local socket named from a hash of the data folder (two stores run side by side)
and of the user (two users never meet); a second launch connects, sends one line of JSON
({"files": [absolute paths], "show": true}), waits for "ok" and exits 0. Only the lock holder
removes a socket file it finds: a file left by a crash would otherwise make listen() fail.

Headless commands (`netdesk import` and friends) do not take this lock: they may run while the
app is open. SQLite in WAL mode with a 10-second busy timeout serialises their short writes
with the app's. A command that wrote says so on this channel (store.running_app, plain sockets:
{"changed": true}), and the running app reloads and reschedules at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QByteArray, QLockFile, QObject, QThread, Signal

# QtNetwork (and the socket's name, its JSON, the log) are imported by `listen` and
# `hand_over`: the lock alone is taken before the window's first paint, the socket opened
# after it (a later launch retries meanwhile).
if TYPE_CHECKING:
    import logging

    from PySide6.QtNetwork import QLocalServer, QLocalSocket


def _log() -> logging.Logger:
    import logging

    return logging.getLogger(__name__)


def server_name(data_dir: Path) -> str:
    """The local socket's name for this data folder and user (`store.running_app`)."""
    from netdesk.store.running_app import server_name as name

    return name(data_dir)

# A message is a few paths; anything longer than this is not from NetDesk.
MAX_MESSAGE = 1_000_000


class SingleInstance(QObject):
    """The guard. `acquire()` first; then either `listen()` or `hand_over()` and exit."""

    # A later launch's arguments, or a command's news: {"files": [...], "show": bool,
    # "changed": bool (another program wrote the store)}.
    messageReceived = Signal(dict)

    def __init__(self, data_dir: Path, lock_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._name = ""
        self._lock = QLockFile(str(lock_file))
        # Never stale by age (a NetDesk runs for weeks); stale only when its process is gone.
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None

    @property
    def name(self) -> str:
        """The local socket's name (worked out when first needed: after the first paint)."""
        if not self._name:
            self._name = server_name(self._data_dir)
        return self._name

    def acquire(self) -> bool:
        """True when this process is now the running instance (holds the folder's lock)."""
        Path(self._lock.fileName()).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return bool(self._lock.tryLock(0))

    def listen(self) -> None:
        """Open the socket for later launches (after `acquire()` returned True)."""
        if self._server is not None:
            return
        from PySide6.QtNetwork import QAbstractSocket, QLocalServer

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        in_use = QAbstractSocket.SocketError.AddressInUseError
        if not server.listen(self.name) and server.serverError() == in_use:
            # We hold the lock, so whoever made this socket file is gone: a crash's leftover.
            _log().info("removing a stale instance socket %s", self.name)
            QLocalServer.removeServer(self.name)
            server.listen(self.name)
        if not server.isListening():
            _log().warning("single instance: cannot listen (%s)", server.errorString())
            return
        server.newConnection.connect(self._accept)
        self._server = server

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def hand_over(self, message: dict[str, Any], timeout_ms: int = 5000) -> bool:
        """Send `message` to the running instance; True once it said it got it.

        The running one may be starting (it took the lock, not yet listening): retry a while.
        """
        import json

        from PySide6.QtNetwork import QLocalSocket

        from netdesk.store.running_app import ACK

        data = json.dumps(message).encode() + b"\n"
        attempts = max(1, timeout_ms // 250)
        for _ in range(attempts):
            sock = QLocalSocket()
            sock.connectToServer(self.name)
            if not sock.waitForConnected(250):
                sock.abort()
                QThread.msleep(250)
                continue
            sock.write(QByteArray(data))
            sock.waitForBytesWritten(timeout_ms)
            answer = b""
            # The answer may already sit in the buffer (read while writing): look before waiting.
            while True:
                answer += bytes(sock.readAll().data())
                if ACK in answer or not sock.waitForReadyRead(timeout_ms):
                    break
            sock.disconnectFromServer()
            return ACK in answer
        return False

    def second_launch(self, files: list[str], *, show: bool = True) -> int:
        """The exit code of a launch that found NetDesk running: 0 once the files are handed."""
        if self.hand_over({"files": files, "show": show}):
            _log().info("handed %d file(s) to the running NetDesk", len(files))
            return 0
        _log().error("NetDesk is running for this folder but does not answer")
        print(
            "NetDesk is already running for this data folder but does not answer.",
            file=sys.stderr,
        )
        return 1

    def release(self) -> None:
        # Peers first, by hand: a socket torn down with its parent would still signal into us.
        # Deleted now, not later: released at the end (outside any of their signals), the guard
        # may itself be gone before an event loop runs again, and a deletion left pending
        # for its children would then reach freed objects.
        for peer in self.findChildren(_Peer):
            peer.close()
            shiboken6.delete(peer)
        if self._server is not None:
            self._server.close()
            shiboken6.delete(self._server)
            self._server = None
        self._lock.unlock()

    # --- the running instance's side ------------------------------------------------

    def _accept(self) -> None:
        assert self._server is not None
        while (sock := self._server.nextPendingConnection()) is not None:
            _Peer(sock, self)


class _Peer(QObject):
    """One later launch talking to us: reads its line, answers "ok", passes the message on."""

    def __init__(self, sock: QLocalSocket, guard: SingleInstance) -> None:
        super().__init__(guard)
        self.guard = guard
        self.sock = sock
        self.buffer = bytearray()
        self.closed = False
        sock.setParent(self)
        sock.readyRead.connect(self._read)
        sock.disconnected.connect(self.close)
        if sock.bytesAvailable():
            self._read()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.sock.readyRead.disconnect(self._read)
        self.sock.disconnected.disconnect(self.close)
        self.sock.abort()
        self.deleteLater()

    def _read(self) -> None:
        self.buffer += bytes(self.sock.readAll().data())
        if len(self.buffer) > MAX_MESSAGE:
            self.sock.abort()
            return
        if b"\n" not in self.buffer:
            return
        import json

        from netdesk.store.running_app import ACK

        line = bytes(self.buffer.split(b"\n", 1)[0])
        self.buffer.clear()
        try:
            raw = json.loads(line)
        except ValueError:
            _log().warning("single instance: a message that is not JSON")
            self.sock.abort()
            return
        self.sock.write(QByteArray(ACK))
        self.sock.flush()
        self.guard.messageReceived.emit(_clean(raw))


def _clean(raw: Any) -> dict[str, Any]:
    """Only what we understand, in the types we expect: the socket is the user's, but still."""
    files = raw.get("files", []) if isinstance(raw, dict) else []
    return {
        "files": [str(f) for f in files if isinstance(f, str)],
        "show": bool(raw.get("show", True)) if isinstance(raw, dict) else True,
        "changed": bool(raw.get("changed", False)) if isinstance(raw, dict) else False,
    }
