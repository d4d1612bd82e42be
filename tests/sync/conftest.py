"""A real CardDAV server (Radicale) on loopback for the sync tests, and a second client."""

from __future__ import annotations

import contextlib
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


@dataclass
class Server:
    url: str
    folder: Path

    def client(self, user: str = "alice") -> Client:
        return Client(self.url, user, "secret")

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

    def cards(self, book: str = BOOK) -> dict[str, str]:
        """href -> text of every card in the book."""
        client = self.client()
        try:
            listed = dav.list_etags(client, book)
            return {c.href: c.text for c in dav.fetch(client, book, sorted(listed.etags))}
        finally:
            client.close()


def start_radicale(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--storage-filesystem-folder",
            str(folder),
            "--auth-type",
            "none",
            "--logging-level",
            "error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return process, f"http://127.0.0.1:{port}/"
        if process.poll() is not None:
            err = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"radicale did not start: {err}")
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("radicale did not start within 20 s")


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Server]:
    folder = tmp_path / "radicale"
    process, url = start_radicale(folder)
    try:
        yield Server(url, folder)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
