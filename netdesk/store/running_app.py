"""Tells a running NetDesk that a headless command wrote its store, over the single-instance
channel (services.single_instance listens on it), so that it reloads and reschedules at once.

Plain sockets, no Qt: the headless commands stay light, and a command run with no NetDesk open
pays one failed connect. The channel's name is made here for both sides: Qt's QLocalServer
listens on `<temp dir>/<name>` on Unix (the temp dir as QDir::tempPath() finds it) and on the
pipe `\\\\.\\pipe\\<name>` on Windows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import socket
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

ACK = b"ok\n"
# The message that says "your store was written": no files, no window.
STORE_CHANGED = {"files": [], "show": False, "changed": True}


def server_name(data_dir: Path) -> str:
    """The channel's name: per data folder and per user, short enough for a Unix socket path."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    key = f"{user}\0{Path(data_dir).resolve()}".encode()
    return "netdesk-" + hashlib.sha256(key).hexdigest()[:20]


def socket_path(name: str) -> str:
    """Where QLocalServer puts a socket named `name` (Unix): QDir::tempPath() is $TMPDIR or
    /tmp, cleaned and with its links resolved."""
    temp = os.environ.get("TMPDIR") or "/tmp"
    return os.path.join(os.path.realpath(os.path.normpath(temp)), name)


def tell_store_changed(data_dir: Path, timeout: float = 2.0) -> bool:
    """True when a NetDesk running on `data_dir` took the news (it answers "ok")."""
    data = json.dumps(STORE_CHANGED).encode() + b"\n"
    name = server_name(data_dir)
    try:
        if sys.platform == "win32":
            return _tell_pipe(rf"\\.\pipe\{name}", data)
        return _tell_socket(socket_path(name), data, timeout)
    except OSError as exc:
        log.info("no running NetDesk took the news (%s)", exc.strerror or exc)
        return False


def _tell_socket(path: str, data: bytes, timeout: float) -> bool:
    if not os.path.exists(path):
        return False  # nobody listens: the usual case for a command run on its own
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(data)
        answer = b""
        deadline = time.monotonic() + timeout
        while ACK not in answer and time.monotonic() < deadline:
            chunk = sock.recv(64)
            if not chunk:
                break
            answer += chunk
    return ACK in answer


def _tell_pipe(path: str, data: bytes) -> bool:
    try:
        pipe = open(path, "r+b", buffering=0)  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return False
    with contextlib.closing(pipe):
        pipe.write(data)
        return ACK in pipe.read(len(ACK))
