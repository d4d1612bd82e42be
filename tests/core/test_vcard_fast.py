"""The vCard reader's whole-card fast path gives exactly what the line-by-line reader gives."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdesk.core import contact_files, vcard
from netdesk.core.contact_files import read_contact_file
from netdesk.core.records import ContactRecord, ImportProblem
from netdesk.core.vcard import read_vcards

Item = ContactRecord | ImportProblem
CORPUS = Path(
    os.environ.get("NETDESK_CORPUS") or Path(__file__).resolve().parents[3] / "shared/corpus/public"
)
FIXTURES = Path(__file__).parent / "fixtures"

LINES = [
    "BEGIN:VCARD",
    "END:VCARD",
    "begin:vcard",
    "End:VCard",
    "VERSION:3.0",
    "FN:Ada Lovelace",
    "fn:Ada\\, Countess",
    "N:Lovelace;Ada;;;",
    "item1.EMAIL;TYPE=INTERNET:ada@example.com",
    "EMAIL:mailto:ADA@example.com",
    "TEL;TYPE=CELL:+44 20 7946 0000",
    "TEL:tel:+1-555-0100;ext=12",
    "ORG:Analytical Engines\\, Ltd.;R&D",
    "TITLE:Engineer\\nLead",
    "URL:https://www.linkedin.com/in/ada",
    "X-SOCIALPROFILE;TYPE=linkedin:https://linkedin.com/in/ada2",
    "NOTE:one\\ntwo; three",
    "BDAY:--1210",
    "CATEGORIES:a,b\\,c,a",
    "UID:urn:uuid:1",
    "NICKNAME:Ada,Countess",
    "NOTE;CHARSET=ISO-8859-1:caf\u00e9",
    "NOTE;ENCODING=QUOTED-PRINTABLE:soft=",
    "=C3=A9t=C3=A9",
    "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=",
    "PHOTO:data:image/png;base64,iVBORw0KGgo=",
    "AAAA",
    'X-Q;A="x:y":value',
    'EMAIL;X="a:b":quoted@example.com',
    " folded on",
    " EMAIL:folded@example.com",
    "\tfolded tab",
    " ",
    "",
    "garbage without colon",
    ":",
    "\u00c9MAIL:odd@example.com",
    "FN:J\u00fcrgen M\u00fcller",
    "X-ABLabel:LinkedIn",
    "ADR;TYPE=WORK:;;Street 1;Berlin;;10115;Germany",
]
ENDINGS = ["\n", "\r\n", "\r\r\n"]


def both(text: str, **kw: object) -> tuple[list[Item], list[Item]]:
    fast = list(read_vcards(io.StringIO(text), "t.vcf", **kw))  # type: ignore[arg-type]
    slow = list(read_vcards(io.StringIO(text), "t.vcf", fast=False, **kw))  # type: ignore[arg-type]
    return fast, slow


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cards=st.lists(
        st.tuples(
            st.lists(st.sampled_from(LINES), max_size=10),
            st.sampled_from(ENDINGS),
            st.booleans(),
        ),
        max_size=6,
    ),
    tail=st.sampled_from(["", "\n", "garbage", "END:VCARD"]),
)
def test_fast_path_equals_line_reader(cards: list[tuple[list[str], str, bool]], tail: str) -> None:
    text = ""
    for lines, end, closed in cards:
        body = ["BEGIN:VCARD", *lines] + (["END:VCARD"] if closed else [])
        text += end.join(body) + end
    fast, slow = both(text + tail)
    assert fast == slow


def test_plain_cards_take_the_fast_path_and_odd_ones_do_not() -> None:
    plain = "BEGIN:VCARD\r\nFN:A\r\nEMAIL:a@example.com\r\nEND:VCARD\r\n"
    odd = "BEGIN:VCARD\r\nFN:B\r\nNOTE;ENCODING=QUOTED-PRINTABLE:x=\r\n=41\r\nEND:VCARD\r\n"
    buf = io.StringIO(plain + odd).readlines()
    reader = vcard._LineReader("t.vcf", vcard.DEFAULT_MAX_PHOTO_BYTES, False, "cp1252")
    items = vcard._read_plain_card(buf, 0, 3, reader)
    assert items is not None and isinstance(items[0], ContactRecord)
    assert items[0].emails == ["a@example.com"] and items[0].line == 1
    assert vcard._read_plain_card(buf, 4, 8, reader) is None
    fast, slow = both(plain + odd)
    assert fast == slow and [r.notes for r in fast if isinstance(r, ContactRecord)] == ["", "xA"]


def test_line_numbers_across_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small batches make cards straddle them; line numbers and records must not change.
    text = "".join(
        f"BEGIN:VCARD\nFN:P{i}\nNOTE:long\n  folded\nEND:VCARD\n{'junk' if i % 7 == 0 else ''}\n"
        for i in range(300)
    )
    monkeypatch.setattr(vcard, "_BATCH_CHARS", 100)
    fast, slow = both(text)
    assert fast == slow
    assert [r.line for r in fast if isinstance(r, ContactRecord)][:3] == [1, 7, 13]


def test_legacy_bytes_and_charsets_decode_alike(tmp_path: Path) -> None:
    data = (
        b"BEGIN:VCARD\r\nFN:J\xfcrgen\r\nNOTE;CHARSET=ISO-8859-1:caf\xe9\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nFN:J\xc3\xbcrgen\r\nEMAIL:j@example.com\r\nEND:VCARD\r\n"
        # UTF-8 text with parameters, and UTF-8 bytes a CHARSET says are Latin-1.
        b"BEGIN:VCARD\r\nFN;LANGUAGE=de:J\xc3\xbcrgen\r\nADR;TYPE=work:;;Stra\xc3\x9fe 1\r\n"
        b"NOTE;CHARSET=ISO-8859-1:caf\xc3\xa9\r\nEND:VCARD\r\n"
    )
    path = tmp_path / "legacy.vcf"
    path.write_bytes(data)
    fast = list(read_contact_file(path))
    with open(path, encoding="utf-8", errors="surrogateescape", newline="\n") as f:
        slow = list(read_vcards(list(f), "legacy.vcf", raw_bytes=True))
    assert fast == slow
    records = [r for r in fast if isinstance(r, ContactRecord)]
    assert [r.display_name for r in records] == ["J\u00fcrgen"] * 3
    assert records[2].addresses[0].street == "Stra\u00dfe 1"
    assert records[2].notes == "caf\u00c3\u00a9"  # what the card's CHARSET says


def test_every_fixture_and_corpus_file_reads_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(FIXTURES.glob("*.vcf"))
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() == ".vcf")
    assert files
    fast = {path: list(read_contact_file(path)) for path in files}
    original = vcard.read_vcards

    def line_by_line(*args: Any, **kw: Any) -> Iterator[ContactRecord | ImportProblem]:
        return original(*args, fast=False, **kw)

    monkeypatch.setattr(contact_files, "read_vcards", line_by_line)
    for path in files:
        assert fast[path] == list(read_contact_file(path)), path.name
