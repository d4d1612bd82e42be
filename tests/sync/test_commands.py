"""`netdesk account add|list|remove` and `netdesk sync`, with passwords in a keyring kept in
memory for the test (never the user's)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import fail

from netdesk.__main__ import main
from netdesk.sync.accounts import KEYRING_SERVICE
from tests.sync.conftest import BOOK, Server
from tests.sync.test_engine import card


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(before)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_add_an_account_sync_list_and_remove_it(
    radicale: Server,
    data_dir: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    radicale.make_book()
    radicale.put(BOOK + "dana.vcf", card("dana", "Dana Scully", "dana@fbi.example"))
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret app password\n"))
    d = ["--data-dir", str(data_dir)]
    add = ["account", "add", radicale.url, "--user", "alice", "--password-stdin"]
    code, out, err = run([*add, *d], capsys)
    assert code == 0, err
    assert "Contacts" in out
    host = radicale.url.split("//")[1].rstrip("/")
    assert memory_keyring.items == {(KEYRING_SERVICE, f"alice@{host}"): "s3cret app password"}
    # The password is nowhere in the data folder.
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert b"s3cret" not in path.read_bytes(), path
    code, out, err = run(["sync", "--json", *d], capsys)
    assert code == 0, err
    assert json.loads(out)["added_here"] == 1
    code, out, err = run(["account", "list", "--json", *d], capsys)
    [listed] = json.loads(out)
    assert listed["user"] == "alice" and listed["last_sync"] is not None
    assert listed["address_books"] == [{"href": BOOK, "name": "Contacts", "synced": True}]
    code, out, err = run(["account", "remove", "1", *d], capsys)
    assert code == 0, err
    assert memory_keyring.items == {}
    code, out, err = run(["sync", *d], capsys)
    assert code == 1 and "no account" in err


def test_no_keyring_is_said_plainly_and_adds_nothing(
    radicale: Server,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    radicale.make_book()
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        monkeypatch.setenv("NETDESK_PASSWORD", "pw")
        d = ["--data-dir", str(data_dir)]
        code, out, err = run(["account", "add", radicale.url, "--user", "alice", *d], capsys)
        assert code == 1
        assert "no system keyring" in err
        code, out, err = run(["account", "list", *d], capsys)
        assert "No accounts" in out
        # A server without authentication needs no password, so no keyring either.
        monkeypatch.delenv("NETDESK_PASSWORD")
        code, out, err = run(["account", "add", radicale.url, "--user", "alice", *d], capsys)
        assert code == 0, err
        code, out, err = run(["sync", *d], capsys)
        assert code == 0, err
    finally:
        keyring.set_keyring(before)


def test_an_unreachable_server_is_one_line_and_exit_1(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.sync.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/"
    code, _, err = run(["account", "add", url, "--data-dir", str(data_dir)], capsys)
    assert code == 1
    assert err.count("\n") == 1 and "cannot be reached" in err
