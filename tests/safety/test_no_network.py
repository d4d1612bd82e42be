"""No network: an import, the window and the tray, scheduler and notifier run with every
non-local socket forbidden; whole processes are watched for any internet socket."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from pytestqt.qtbot import QtBot

from netdesk.core.domain import InteractionKind, Tie
from netdesk.services.clock import FixedClock
from netdesk.store import importer, writer
from netdesk.store.models import Contact
from netdesk.store.writer import Changes, derived

REMOTE_PHOTO_CARDS = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Remote Photo\r\nEMAIL:remote@example.org\r\n"
    "PHOTO:http://127.0.0.1:9/remote.jpg\r\nURL:https://127.0.0.1:9/profile\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Remote Three\r\nEMAIL:three@example.org\r\n"
    "PHOTO;VALUE=uri:https://127.0.0.1:9/three.png\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Remote Two\r\nEMAIL:two@example.org\r\n"
    "PHOTO;VALUE=URL;TYPE=JPEG:http://127.0.0.1:9/two.jpg\r\nEND:VCARD\r\n"
)

# Audit hooks cannot be removed, so one is added for the session and switched by this flag;
# it sees sockets made by any code, even code that kept its own reference to socket.socket.
_WATCH: dict[str, Any] = {"on": False, "seen": []}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _WATCH["on"]:
        return
    inet_socket = event == "socket.__new__" and args[1] not in (socket.AF_UNIX, -1)
    inet_connect = event == "socket.connect" and isinstance(args[1], tuple)  # Unix: a str
    if inet_socket or inet_connect:
        _WATCH["seen"].append((event, args[1]))
    elif event in ("socket.getaddrinfo", "socket.gethostbyname"):
        _WATCH["seen"].append((event, args[0]))


sys.addaudithook(_audit)


def _forbidden(*args: object, **kwargs: object) -> Any:
    raise OSError("the network is forbidden in this test")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Creating a non-Unix socket, resolving a name or connecting raises; attempts are listed."""
    real = socket.socket

    class LocalOnlySocket(real):  # type: ignore[misc, valid-type]
        def __init__(self, family: int = -1, type: int = -1, proto: int = -1, fileno=None):  # type: ignore[no-untyped-def]
            if fileno is None and family != socket.AF_UNIX:
                _WATCH["seen"].append(("socket.socket", family))
                raise OSError("the network is forbidden in this test")
            super().__init__(family, type, proto, fileno)

    monkeypatch.setattr(socket, "socket", LocalOnlySocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, _forbidden)
    _WATCH["seen"] = []
    _WATCH["on"] = True
    try:
        yield _WATCH["seen"]
    finally:
        _WATCH["on"] = False


def _inet_socket_inodes() -> set[str]:
    inodes = set()
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        path = Path("/proc/net", table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) > 9:
                inodes.add(fields[9])
    return inodes


def _open_inet_sockets(pid: int | str = "self") -> list[str]:
    """This process's open sockets that are internet ones (Qt's C++ sockets included)."""
    inet = _inet_socket_inodes()
    found = []
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir() if fd_dir.exists() else []:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        match = re.fullmatch(r"socket:\[(\d+)\]", target)
        if match and match.group(1) in inet:
            found.append(target)
    return found


def test_an_import_with_remote_photos_fetches_nothing(
    store: pw.SqliteDatabase, tmp_path: Path, no_network: list[object]
) -> None:
    cards = tmp_path / "remote.vcf"
    cards.write_text(REMOTE_PHOTO_CARDS, encoding="utf-8")
    plan = importer.plan_files([cards])
    assert plan.new == 3
    importer.apply_plan(plan, [cards.name], dt.datetime(2026, 11, 26, 9))
    assert Contact.select().count() == 3
    # A photo that is only a link stays a link nobody follows: no picture is stored.
    assert Contact.select().where(Contact.photo.is_null(False)).count() == 0
    assert no_network == []
    assert _open_inet_sockets() == []


def test_the_window_and_the_tray_services_make_no_connection(
    qtbot: QtBot,
    store: pw.SqliteDatabase,
    clock: FixedClock,
    data_dir: Path,
    desk,  # type: ignore[no-untyped-def]
    no_network: list[object],
) -> None:
    from PySide6.QtWidgets import QApplication

    from netdesk.app import wire_tray_services

    now = clock.now()
    contact = writer.create_contact(
        {"display_name": "Due Person", "tie": Tie.ADVOCATE.value},
        now - dt.timedelta(days=200),
        emails=["due@example.org"],
    )
    writer.log_interaction(
        contact.id, InteractionKind.EMAIL, now - dt.timedelta(days=90), now, summary="hello"
    )
    derived.recompute_follow_ups([contact.id], now)
    window = desk()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quit_on_last = app.quitOnLastWindowClosed()
    services = wire_tray_services(
        app,
        window,
        window.hub,
        clock,
        window.settings,
        None,
        data_dir,
        start=True,
        manage_autostart=False,
    )
    try:
        qtbot.waitUntil(lambda: services.scheduler is not None)
        services.scheduler.start()
        window.hub.publish(Changes(contacts={contact.id}))
        qtbot.wait(200)
        assert no_network == []
        assert _open_inet_sockets() == []
    finally:
        services.notifier.close()
        services.tray.icon.hide()
        app.setQuitOnLastWindowClosed(quit_on_last)


STRACE = shutil.which("strace")


def _traced(command: list[str], env: dict[str, str], tmp_path: Path) -> tuple[int, str, str]:
    trace = tmp_path / "trace.txt"
    trace.unlink(missing_ok=True)
    done = subprocess.run(
        [STRACE or "strace", "-f", "-qq", "-e", "trace=socket,connect", "-o", str(trace), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=45,
    )
    return done.returncode, trace.read_text() if trace.exists() else "", done.stderr


def _internet_calls(trace: str) -> list[str]:
    return [
        line
        for line in trace.splitlines()
        if re.search(r"\b(AF_INET6?|PF_INET6?|AF_PACKET)\b", line)
    ]


@pytest.mark.skipif(STRACE is None, reason="strace is not installed")
def test_whole_processes_open_no_internet_socket(tmp_path: Path) -> None:
    cards = tmp_path / "remote.vcf"
    cards.write_text(REMOTE_PHOTO_CARDS, encoding="utf-8")
    data = tmp_path / "data"
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    base = [sys.executable, "-m", "netdesk"]
    code, trace, err = _traced(
        [*base, "import", str(cards), "--data-dir", str(data)], env, tmp_path
    )
    if code != 0 and "ptrace" in err.lower():
        pytest.skip(f"this machine does not allow tracing: {err.strip()}")
    assert code == 0, err
    assert "socket(" in trace or trace == ""
    assert _internet_calls(trace) == []
    env["QT_QPA_PLATFORM"] = "offscreen"
    code, trace, err = _traced(
        [*base, "--exit-after-launch", "--data-dir", str(data)], env, tmp_path
    )
    assert code == 0, err
    assert _internet_calls(trace) == []


# --- sync: nothing until an account is added, then only its server ----------------------


def test_with_no_account_the_sync_service_stays_off_the_network(
    qtbot: QtBot,
    store: pw.SqliteDatabase,
    clock: FixedClock,
    desk,  # type: ignore[no-untyped-def]
    no_network: list[object],
) -> None:
    from netdesk.store import reader
    from netdesk.ui.sync_flow import install_sync

    window = desk()
    flow = install_sync(window, start=True)
    contact_id = window.user_actions.create_contact({"display_name": "Offline Person"})
    window.user_actions.edit_contact(contact_id, {"title": "Editor"}, name="Offline Person")
    assert not window.actions["sync_now"].isEnabled()
    assert flow.service.sync_now() is False  # nothing to sync with: no thread, no request
    qtbot.wait(200)
    assert not flow.service.running
    assert reader.sync_outbox() == []  # and nothing is queued for a server that does not exist
    assert no_network == []
    assert _open_inet_sockets() == []


def test_a_sync_connects_to_its_server_only(store: pw.SqliteDatabase, tmp_path: Path) -> None:
    from netdesk.store import reader
    from netdesk.sync import engine
    from tests.sync.conftest import BOOK, Server, start_radicale

    process, url = start_radicale(tmp_path / "radicale")
    try:
        server = Server(url, tmp_path / "radicale")
        server.make_book()
        server.put(
            BOOK + "remote.vcf",
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:remote\r\nFN:Remote Photo\r\n"
            "EMAIL:remote@example.org\r\nPHOTO;VALUE=uri:http://127.0.0.1:9/remote.jpg\r\n"
            "URL:https://127.0.0.1:9/profile\r\nEND:VCARD\r\n",
        )
        account_id = writer.add_sync_account(
            url, "alice", [(BOOK, "Contacts", True)], dt.datetime(2026, 11, 26, 9)
        )
        writer.create_contact({"display_name": "Local"}, dt.datetime(2026, 11, 26, 9))
        account = reader.sync_account(account_id)
        assert account is not None
        _WATCH["seen"] = []
        _WATCH["on"] = True
        try:
            report = engine.sync_account(account, "", dt.datetime(2026, 11, 26, 9))
        finally:
            _WATCH["on"] = False
        assert report.added_here == 1 and report.added_there == 1
        port = int(url.rsplit(":", 1)[1].strip("/"))
        connects = [args for event, args in _WATCH["seen"] if event == "socket.connect"]
        assert connects and all(address == ("127.0.0.1", port) for address in connects)
        lookups = [args for event, args in _WATCH["seen"] if event.startswith("socket.get")]
        assert all(host == "127.0.0.1" for host in lookups)
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.skipif(STRACE is None, reason="strace is not installed")
def test_netdesk_sync_without_an_account_opens_no_internet_socket(tmp_path: Path) -> None:
    env = dict(os.environ)
    code, trace, err = _traced(
        [sys.executable, "-m", "netdesk", "sync", "--data-dir", str(tmp_path / "data")],
        env,
        tmp_path,
    )
    if code != 0 and "ptrace" in err.lower():
        pytest.skip(f"this machine does not allow tracing: {err.strip()}")
    assert code == 1 and "no account" in err
    assert _internet_calls(trace) == []
