"""A foreign client on the same server: vdirsyncer keeps the address book as a folder of .vcf
files (as a phone or a mail program would keep its own copy). What it adds, edits and
deletes reaches NetDesk; what NetDesk edits reaches its files; neither side doubles a card."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import peewee as pw

from netdesk.store import reader, writer
from netdesk.store.models import Contact
from tests.sync.conftest import Server
from tests.sync.test_engine import NOW, add_account, card, contact, sync


def vdirsyncer_command() -> str:
    """The vdirsyncer installed beside this Python (the test extra), else the one on PATH."""
    beside = Path(sys.executable).parent / "vdirsyncer"
    found = str(beside) if beside.exists() else shutil.which("vdirsyncer")
    assert found, "vdirsyncer is a test dependency: pip install -e '.[test]'"
    return found


class Vdirsyncer:
    """vdirsyncer syncing `server.book` with a folder of .vcf files, all under `work`."""

    def __init__(self, server: Server, work: Path) -> None:
        self.folder = work / "cards"
        self.folder.mkdir(parents=True)
        config = work / "config"
        config.write_text(
            f'[general]\nstatus_path = "{work / "status"}/"\n\n'
            '[pair book]\na = "book_local"\nb = "book_remote"\ncollections = null\n\n'
            f'[storage book_local]\ntype = "filesystem"\npath = "{self.folder}/"\n'
            'fileext = ".vcf"\n\n'
            f'[storage book_remote]\ntype = "carddav"\nurl = "{server.url.rstrip("/")}'
            f'{server.book}"\nusername = "alice"\npassword = "secret"\n',
            encoding="utf-8",
        )
        self.env = {**os.environ, "VDIRSYNCER_CONFIG": str(config), "HOME": str(work)}
        self.command = vdirsyncer_command()
        self.run("discover")

    def run(self, *args: str) -> None:
        done = subprocess.run(
            [self.command, *args],
            env=self.env,
            input=b"",
            capture_output=True,
            timeout=60,
            check=False,
        )
        output = (done.stdout + done.stderr).decode(errors="replace")
        assert done.returncode == 0, output
        assert "error" not in output.lower(), output

    def sync(self) -> None:
        self.run("sync")

    def files(self) -> dict[str, str]:
        """File name -> text of every card in its folder."""
        return {p.name: _read(p) for p in sorted(self.folder.glob("*.vcf"))}

    def file_of(self, name: str) -> Path:
        line = f"\nFN:{name}\n"
        [path] = [p for p in self.folder.glob("*.vcf") if line in _read(p).replace("\r\n", "\n")]
        return path


def _read(path: Path) -> str:
    """A card file as it is, with its own line ends (vdirsyncer writes LF, a server CRLF)."""
    return path.read_bytes().decode("utf-8")


def test_vdirsyncer_and_netdesk_share_an_address_book_both_ways(
    carddav: Server, store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    server = carddav
    account = add_account(server)
    writer.create_contact({"display_name": "Walter Skinner"}, NOW, emails=["ws@fbi.example"])
    writer.create_contact({"display_name": "Alex Krycek"}, NOW, emails=["alex@x.example"])
    assert sync(account).added_there == 2

    other = Vdirsyncer(server, tmp_path / "vdirsyncer")
    other.sync()
    assert len(other.files()) == 2

    # The other client adds a card, edits one and deletes one, then syncs.
    (other.folder / "dana-1.vcf").write_text(
        card("dana-1", "Dana Scully", "dana@fbi.example"), encoding="utf-8", newline=""
    )
    walter = other.file_of("Walter Skinner")
    text = _read(walter)
    end = "\r\n" if "\r\n" in text else "\n"
    walter.write_text(
        text.replace("END:VCARD", f"TITLE:Assistant Director{end}END:VCARD"),
        encoding="utf-8",
        newline="",
    )
    other.file_of("Alex Krycek").unlink()
    other.sync()
    assert len(server.cards()) == 2

    report = sync(account)
    assert (report.added_here, report.updated_here, report.deleted_here) == (1, 1, 1)
    assert sorted(c.display_name for c in Contact.select()) == ["Dana Scully", "Walter Skinner"]
    assert contact("Walter Skinner").title == "Assistant Director"
    assert reader.contact_emails(contact("Dana Scully").id) == ["dana@fbi.example"]

    # NetDesk edits the card the other client made; the other client's file follows.
    writer.update_contact(contact("Dana Scully").id, {"title": "Pathologist"}, NOW)
    assert sync(account).updated_there == 1
    other.sync()
    files = other.files()
    assert len(files) == 2
    dana = files[other.file_of("Dana Scully").name]
    assert "TITLE:Pathologist" in dana and "UID:dana-1" in dana
    assert "TITLE:Assistant Director" in files[other.file_of("Walter Skinner").name]

    # Both sync again: nothing moves, nothing doubles.
    again = sync(account)
    assert (again.added_here, again.added_there, again.updated_here, again.updated_there) == (
        0,
        0,
        0,
        0,
    )
    other.sync()
    assert len(other.files()) == 2 and len(server.cards()) == 2
    assert Contact.select().count() == 2
