"""Single instance: the lock decides who runs, a later launch hands over, stale sockets go."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDir

from netdesk.services.single_instance import SingleInstance, server_name
from netdesk.store import running_app


def _guard(folder: Path) -> SingleInstance:
    return SingleInstance(folder, folder / "netdesk.lock")


def test_names_differ_per_folder(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert server_name(a) != server_name(b)
    assert server_name(a) == server_name(tmp_path / "x" / ".." / "a")
    assert len(server_name(a)) < 40  # Unix socket paths are short


def test_second_launch_hands_over_its_files(qtbot: object, tmp_path: Path) -> None:
    first = _guard(tmp_path)
    assert first.acquire()
    first.listen()
    assert first.listening
    assert not _guard(tmp_path).acquire()  # the lock is taken, in this process too
    message = {"files": [str(tmp_path / "people.vcf")], "show": True}
    # The second launch is another process, blocking on its answer while we run our loop.
    script = (
        "import sys, json, pathlib\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from netdesk.services.single_instance import SingleInstance\n"
        "app = QCoreApplication([])\n"
        "d = pathlib.Path(sys.argv[1])\n"
        "guard = SingleInstance(d, d / 'netdesk.lock')\n"
        "assert not guard.acquire()\n"
        "sys.exit(0 if guard.hand_over(json.loads(sys.argv[2])) else 3)\n"
    )
    with qtbot.waitSignal(first.messageReceived, timeout=10_000) as blocker:
        proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path), json.dumps(message)])
    assert blocker.args == [{**message, "changed": False}]
    assert proc.wait(10) == 0
    first.release()
    assert _guard(tmp_path).acquire()  # released: the next launch is the running one


def test_nobody_listening_means_no_hand_over(tmp_path: Path) -> None:
    assert _guard(tmp_path).hand_over({"files": []}, timeout_ms=300) is False


def test_garbage_is_ignored(qtbot: object, tmp_path: Path) -> None:
    first = _guard(tmp_path)
    assert first.acquire()
    first.listen()
    from PySide6.QtNetwork import QLocalSocket

    seen: list[dict] = []
    first.messageReceived.connect(seen.append)
    sock = QLocalSocket()
    sock.connectToServer(first.name)
    assert sock.waitForConnected(1000)
    sock.write(b'{"files": [3, "/ok.vcf"], "show": "yes"}\nnot json\n')
    sock.flush()
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    assert seen == [{"files": ["/ok.vcf"], "show": True, "changed": False}]
    assert sock.waitForReadyRead(1000) or sock.bytesAvailable()
    assert bytes(sock.readAll().data()) == b"ok\n"
    first.release()


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave no file behind")
def test_stale_socket_from_a_crash_is_removed(tmp_path: Path) -> None:
    name = server_name(tmp_path)
    path = Path(QDir.tempPath()) / name
    # A crashed NetDesk leaves its socket file: bound, never unlinked, nobody behind it.
    leftover = socket.socket(socket.AF_UNIX)
    leftover.bind(str(path))
    leftover.close()
    assert path.exists()
    try:
        guard = _guard(tmp_path)
        assert guard.acquire()
        guard.listen()
        assert guard.listening
        guard.release()
    finally:
        path.unlink(missing_ok=True)


def test_a_command_that_wrote_tells_the_running_app(qtbot: object, tmp_path: Path) -> None:
    """store.running_app speaks to this channel without Qt, from a command's process."""
    first = _guard(tmp_path)
    assert first.acquire()
    first.listen()
    assert running_app.socket_path(first.name) == first._server.fullServerName()
    script = (
        "import sys, pathlib\n"
        "from netdesk.store import running_app\n"
        "told = running_app.tell_store_changed(pathlib.Path(sys.argv[1]))\n"
        "sys.exit(0 if told and 'PySide6' not in sys.modules else 3)\n"
    )
    with qtbot.waitSignal(first.messageReceived, timeout=10_000) as blocker:
        proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)])
    assert blocker.args == [{"files": [], "show": False, "changed": True}]
    assert proc.wait(10) == 0
    first.release()
    # Nobody listening: a command run on its own is told nothing, at once.
    assert running_app.tell_store_changed(tmp_path) is False


def test_writing_commands_tell_the_running_app_and_reading_ones_do_not(
    qtbot: object, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = _guard(data)
    assert first.acquire()
    first.listen()
    seen: list[dict] = []
    first.messageReceived.connect(seen.append)
    card = tmp_path / "people.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zed Terminal\r\nEND:VCARD\r\n")

    def command(*argv: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "netdesk", "--data-dir", str(data), *argv],
            stdout=subprocess.DEVNULL,
        )

    with qtbot.waitSignal(first.messageReceived, timeout=20_000):
        proc = command("import", str(card))
    assert proc.wait(20) == 0
    assert seen == [{"files": [], "show": False, "changed": True}]
    for argv in (("due",), ("import", "--dry-run", str(card)), ("export", "--format", "csv")):
        proc = command(*argv)
        qtbot.waitUntil(lambda p=proc: p.poll() is not None, timeout=20_000)
        assert proc.returncode == 0, argv
    assert len(seen) == 1  # reading the store says nothing
    first.release()


def test_a_released_guard_leaves_nothing_to_delete_later(qtbot: object, tmp_path: Path) -> None:
    """Released and then dropped before any event loop runs again (as at exit): nothing of it
    is left for a later loop to delete."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtNetwork import QLocalSocket

    first = _guard(tmp_path)
    assert first.acquire()
    first.listen()
    seen: list[dict] = []
    first.messageReceived.connect(seen.append)
    sock = QLocalSocket()
    sock.connectToServer(first.name)
    assert sock.waitForConnected(1000)
    sock.write(b'{"files": []}\n')
    sock.flush()
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    first.release()
    del first
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # crashed before
    sock.abort()
