"""Two NetDesk stores and a foreign client on one server, through the command line only:
what one store imports reaches the other, an edit made by import travels back, the
foreign client's deletion reaches both; and a sync that would delete many stops first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netdesk.__main__ import main
from tests.sync.conftest import BOOK, Server
from tests.sync.test_engine import card


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def export(data: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    code, out, err = run(["export", "--format", "json", "--data-dir", str(data)], capsys)
    assert code == 0, err
    return list(json.loads(out)["contacts"])


def test_two_stores_and_a_foreign_client_share_one_address_book(
    radicale: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    radicale.make_book()
    a, b = tmp_path / "a", tmp_path / "b"
    people = tmp_path / "people.vcf"
    people.write_text(
        "".join(card(f"p{i}", f"Person Number{i}", f"p{i}@x.example") for i in range(8))
    )
    assert run(["import", str(people), "--data-dir", str(a)], capsys)[0] == 0
    for data in (a, b):
        add = ["account", "add", radicale.url, "--user", "alice", "--data-dir", str(data)]
        code, _, err = run(add, capsys)
        assert code == 0, err
    assert run(["sync", "--data-dir", str(a)], capsys)[0] == 0
    code, out, err = run(["sync", "--json", "--data-dir", str(b)], capsys)
    assert code == 0, err
    assert json.loads(out)["added_here"] == 8
    assert len(export(b, capsys)) == 8 and len(radicale.cards()) == 8

    # B learns a title from a file: the import queues it, the sync sends it, A takes it.
    update = tmp_path / "update.vcf"
    update.write_text(card("other", "Person Number3", "p3@x.example", "TITLE:Curator\r\n"))
    assert run(["import", str(update), "--data-dir", str(b)], capsys)[0] == 0
    assert run(["sync", "--data-dir", str(b)], capsys)[0] == 0
    assert run(["sync", "--data-dir", str(a)], capsys)[0] == 0
    titles = {c["display_name"]: c["title"] for c in export(a, capsys)}
    assert titles["Person Number3"] == "Curator"
    assert len(radicale.cards()) == 8  # the import's other UID made no second card

    # The foreign client deletes one card: both stores follow.
    assert "Person Number5" in radicale.cards()[BOOK + "p5.vcf"]  # where its UID put it
    radicale.delete(BOOK + "p5.vcf")
    for data in (a, b):
        assert run(["sync", "--data-dir", str(data)], capsys)[0] == 0
        assert "Person Number5" not in {c["display_name"] for c in export(data, capsys)}

    # Most of the book deleted elsewhere: the sync stops and asks before deleting here.
    for href in list(radicale.cards())[:5]:
        radicale.delete(href)
    code, out, err = run(["sync", "--data-dir", str(a)], capsys)
    assert code == 1 and "--confirm-deletions" in err and err.count("\n") == 1
    assert len(export(a, capsys)) == 7
    code, out, err = run(["sync", "--confirm-deletions", "--data-dir", str(a)], capsys)
    assert code == 0, err
    assert len(export(a, capsys)) == 2
