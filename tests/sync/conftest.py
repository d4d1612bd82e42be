"""Real CardDAV servers (Radicale and Xandikos) on loopback for the sync tests, and a
scripted proxy for the failures a real server will not produce on demand."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from netdesk.sync import dav
from netdesk.sync.http import Client

BOOK = "/alice/contacts/"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Where Xandikos keeps the address book it makes at start (--defaults) for the principal.
XANDIKOS_BOOK = "/alice/contacts/addressbook/"


@dataclass
class Server:
    url: str
    folder: Path
    book: str = BOOK  # the address book the tests sync
    kind: str = "radicale"

    def client(self, user: str = "alice", timeout: float = 30.0) -> Client:
        return Client(self.url, user, "secret", timeout=timeout)

    def warm(self, book: str = BOOK) -> None:
        """Radicale reads every card once to fill its cache: done before anything is timed."""
        client = self.client(timeout=600)
        try:
            dav.list_etags(client, book)
            dav.changes_since(client, book, "")
        finally:
            client.close()

    def make_book(self, href: str = BOOK, name: str = "Contacts") -> str:
        client = self.client(href.strip("/").split("/")[0])
        body = (
            '<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" '
            'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype>'
            "<d:collection/><c:addressbook/></d:resourcetype>"
            f"<d:displayname>{name}</d:displayname></d:prop></d:set></d:mkcol>"
        )
        response = client.request("MKCOL", href, body=body)
        assert response.status == 201, response.text
        client.close()
        return href

    def put(self, href: str, text: str, etag: str | None = None) -> str:
        client = self.client()
        try:
            return dav.put(client, href, text, etag=etag)
        finally:
            client.close()

    def get(self, href: str) -> dav.Card | None:
        client = self.client()
        try:
            return dav.get(client, href)
        finally:
            client.close()

    def delete(self, href: str) -> None:
        client = self.client()
        try:
            dav.delete(client, href, etag="")
        finally:
            client.close()

    def count(self) -> int:
        """How many cards the book holds (their ETags listed, their text not read)."""
        client = self.client()
        try:
            return len(dav.list_etags(client, self.book).etags)
        finally:
            client.close()

    def cards(self, book: str | None = None) -> dict[str, str]:
        """href -> text of every card in the book."""
        book = book or self.book
        client = self.client()
        try:
            listed = dav.list_etags(client, book)
            return {c.href: c.text for c in dav.fetch(client, book, sorted(listed.etags))}
        finally:
            client.close()


@dataclass
class Launched:
    """A server process started, perhaps not listening yet."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def _launch(name: str, command: list[str], folder: Path, port: int) -> Launched:
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Its messages go to a file: a pipe nobody reads would stop the server once full.
    log_path = folder.parent / f"{folder.name}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return Launched(name, process, port, log_path)


def _ready(launched: Launched) -> subprocess.Popen[bytes]:
    """Wait until the server listens; its log in the error when it does not."""
    name, process, log_path = launched.name, launched.process, launched.log_path
    address = ("127.0.0.1", launched.port)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(address, 0.2):
            return process
        if process.poll() is not None:
            raise RuntimeError(f"{name} did not start: {log_path.read_text(errors='replace')}")
        time.sleep(0.05)
    process.kill()
    process.wait()
    raise RuntimeError(f"{name} did not start within 20 s: {log_path.read_text(errors='replace')}")


def _start(name: str, command: list[str], folder: Path, port: int) -> subprocess.Popen[bytes]:
    return _ready(_launch(name, command, folder, port))


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


_RADICALE = "import sys; sys.argv[0] = 'radicale'; from radicale.__main__ import run; run()"
# Radicale's `_filesystem_fsync` is an internal option its own tests turn off; a config file
# or the command line may not set it, so the configuration it loads is given it here.
_RADICALE_NO_FSYNC = (
    "import radicale.config as c\n"
    "load = c.load\n"
    "def quick(*args, **kwargs):\n"
    "    conf = load(*args, **kwargs)\n"
    "    conf.update({'storage': {'_filesystem_fsync': 'False'}}, 'tests', privileged=True)\n"
    "    return conf\n"
    "c.load = quick\n" + _RADICALE.replace("; ", "\n")
)


def start_radicale(folder: Path, *, fsync: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    """Radicale serving `folder`. Without `fsync` it does not force every file it writes to
    disk (its own test suite runs so): filling its cache of 5,000 cards then takes seconds
    instead of a minute on a busy disk. The benchmark keeps fsync, as a real server has it."""
    port = free_port()
    process = _start("radicale", _radicale_command(folder, port, fsync), folder, port)
    return process, f"http://127.0.0.1:{port}/"


def _radicale_command(folder: Path, port: int, fsync: bool) -> list[str]:
    return [
        sys.executable,
        "-c",
        _RADICALE if fsync else _RADICALE_NO_FSYNC,
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--storage-filesystem-folder",
        str(folder),
        "--auth-type",
        "none",
        "--logging-level",
        "error",
    ]


class Spares:
    """The server for the next test starts while this test runs (each test still gets a
    server and a storage folder of its own): the suite does not wait for one start a test."""

    def __init__(self, root: Path, kind: str) -> None:
        self.root = root
        self.kind = kind
        self.count = 0
        self.pending: tuple[Launched, Path] | None = None

    def _launch(self) -> tuple[Launched, Path]:
        self.count += 1
        folder = self.root / f"{self.kind}-{self.count}" / self.kind
        port = free_port()
        if self.kind == "radicale":
            command = _radicale_command(folder, port, False)
        else:
            command = _xandikos_command(folder, port)
        return _launch(self.kind, command, folder, port), folder

    def take(self) -> tuple[subprocess.Popen[bytes], Server]:
        launched, folder = self.pending or self._launch()
        self.pending = self._launch()
        try:
            process = _ready(launched)
        except RuntimeError:
            # Its port was taken meanwhile, say: one started now instead.
            stop(launched.process)
            launched, folder = self._launch()
            process = _ready(launched)
        if self.kind == "radicale":
            return process, Server(launched.url, folder)
        return process, Server(launched.url, folder, XANDIKOS_BOOK, "xandikos")

    def close(self) -> None:
        if self.pending is not None:
            stop(self.pending[0].process)
            self.pending = None


def _spares(factory: pytest.TempPathFactory, kind: str) -> Iterator[Spares]:
    spares = Spares(factory.mktemp(f"{kind}-spares"), kind)
    try:
        yield spares
    finally:
        spares.close()


@pytest.fixture(scope="session")
def radicale_spares(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Spares]:
    yield from _spares(tmp_path_factory, "radicale")


@pytest.fixture(scope="session")
def xandikos_spares(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Spares]:
    yield from _spares(tmp_path_factory, "xandikos")


def start_xandikos(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Xandikos serving `folder`, with alice's address book made at start."""
    port = free_port()
    process = _start("xandikos", _xandikos_command(folder, port), folder, port)
    return process, f"http://127.0.0.1:{port}/"


def _xandikos_command(folder: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "xandikos",
        "serve",
        "--directory",
        str(folder),
        "--state-dir",
        str(folder.parent / f"{folder.name}-state"),
        "--defaults",
        "--current-user-principal",
        "/alice/",
        "--listen-address",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-detect-systemd",
    ]


def _served(spares: Spares) -> Iterator[Server]:
    process, server = spares.take()
    try:
        yield server
    finally:
        stop(process)


@pytest.fixture
def radicale(radicale_spares: Spares) -> Iterator[Server]:
    yield from _served(radicale_spares)


@pytest.fixture
def xandikos(xandikos_spares: Spares) -> Iterator[Server]:
    yield from _served(xandikos_spares)


@pytest.fixture(params=["radicale", "xandikos"])
def carddav(request: pytest.FixtureRequest) -> Server:
    """Each real server in turn, with an empty address book at `server.book`."""
    server: Server = request.getfixturevalue(request.param)
    if server.kind == "radicale":
        server.make_book()
    return server


# --- a scripted server: Radicale behind a proxy that misbehaves on demand -----------------

Reply = tuple[int, dict[str, str], bytes]


class Proxy:
    """Forwards every request to Radicale; `before` may answer instead (a scripted failure),
    `after` may change the answer (an ETag left out)."""

    def __init__(self, upstream: str) -> None:
        import http.client
        import http.server
        import threading
        import urllib.parse

        self.before: list[object] = []  # callables (method, path, headers, body) -> Reply | None
        self.after: list[object] = []  # callables (method, path, Reply) -> Reply
        self.seen: list[tuple[str, str]] = []
        target = urllib.parse.urlsplit(upstream)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                proxy.seen.append((self.command, self.path))
                reply = None
                for hook in proxy.before:
                    reply = hook(self.command, self.path, headers, body)  # type: ignore[operator]
                    if reply is not None:
                        break
                if reply is None:
                    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    raw = conn.getresponse()
                    reply = (raw.status, dict(raw.getheaders()), raw.read())
                    conn.close()
                    for hook in proxy.after:
                        reply = hook(self.command, self.path, reply)  # type: ignore[operator]
                status, out_headers, payload = reply
                self.send_response(status)
                for k, v in out_headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_MKCOL = _any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(radicale: Server) -> Iterator[tuple[Server, Proxy]]:
    radicale.make_book()
    scripted = Proxy(radicale.url)
    try:
        yield radicale, scripted
    finally:
        scripted.close()


def sync_killed_when_marked(script: str, data_dir: Path, marker: Path) -> list[str]:
    """Run `script` (a `netdesk sync` with a write patched to note each href in `marker`),
    SIGKILL it once the marker is there, and return the hrefs it noted."""
    marker.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(data_dir), str(marker)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # The account has no password; the user's own keyring is never asked.
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"},
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    if process.stderr is not None:
        process.stderr.close()
    return marker.read_text().split()
