"""Property tests: no input makes read_contact_file raise, and every problem says why."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdesk.core.contact_files import read_contact_file, sniff_contact_file
from netdesk.core.records import ContactRecord, ImportProblem

CORPUS = Path(os.environ.get("NETDESK_CORPUS") or
              Path(__file__).resolve().parents[3] / "shared/corpus/public")
FIXTURES = Path(__file__).parent / "fixtures"
FUZZ = settings(max_examples=1000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check(path: Path, data: bytes) -> list[ContactRecord | ImportProblem]:
    path.write_bytes(data)
    items = list(read_contact_file(path))
    sniff_contact_file(path)
    for item in items:
        if isinstance(item, ImportProblem):
            assert item.reason.strip()
            assert item.line >= 0
        else:
            assert isinstance(item, ContactRecord)
            assert item.display_name or item.emails
    return items


@FUZZ
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes(work: Path, data: bytes) -> None:
    check(work / "bytes.vcf", data)


@FUZZ
@given(text=st.text(max_size=1024), encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-be"]))
def test_arbitrary_text(work: Path, text: str, encoding: str) -> None:
    check(work / "text.csv", text.encode(encoding, "surrogatepass"))


PROPS = ["FN:Ada", "N:Lovelace;Ada;;;", "EMAIL:a@example.com", "TEL;TYPE=CELL:+1 555",
         "ORG:AE\\, Ltd;R&D", "NOTE;ENCODING=QUOTED-PRINTABLE:a=", "=C3=91", " folded",
         "PHOTO;ENCODING=BASE64:iVBORw0K", "AAAA", "BDAY:--0312", "CATEGORIES:a,b",
         "item1.URL:https://linkedin.com/in/x", "BEGIN:VCARD", "END:VCARD", "VERSION:2.1",
         "PHOTO:data:image/png;base64,", "garbage line", "", ":", ";;;", 'X-Y;A="b:c":d']


@FUZZ
@given(
    cards=st.lists(st.lists(st.sampled_from(PROPS), max_size=12), max_size=6),
    newline=st.sampled_from(["\n", "\r\n", "\r", "\r\r\n"]),
    mutations=st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=3)), max_size=4),
)
def test_vcard_shaped_text(
    work: Path, cards: list[list[str]], newline: str, mutations: list[tuple[int, bytes]]
) -> None:
    text = "".join(
        newline.join(["BEGIN:VCARD", "VERSION:3.0", *props, "END:VCARD"]) + newline
        for props in cards
    )
    data = bytearray(text.encode("utf-8"))
    for pos, junk in mutations:
        at = pos % (len(data) + 1)
        data[at:at + len(junk)] = junk
    check(work / "shaped.vcf", bytes(data))


def _corpus_files() -> list[Path]:
    files = sorted(FIXTURES.iterdir())
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.iterdir() if p.name != "MANIFEST.tsv")
    return files


def _mutations(data: bytes, rng: random.Random) -> list[bytes]:
    lines = data.split(b"\n")
    out = [data[: rng.randrange(len(data) + 1)]]  # truncate
    flipped = bytearray(data)
    for _ in range(8):
        if flipped:
            i = rng.randrange(len(flipped))
            flipped[i] ^= 1 << rng.randrange(8)
    out.append(bytes(flipped))
    kept = [ln for ln in lines if rng.random() > 0.2]  # delete lines
    out.append(b"\n".join(kept))
    at = rng.randrange(len(lines) + 1)  # duplicate BEGIN
    out.append(b"\n".join([*lines[:at], b"BEGIN:VCARD", *lines[at:]]))
    nul = bytearray(data)  # insert NULs
    for _ in range(3):
        nul.insert(rng.randrange(len(nul) + 1), 0)
    out.append(bytes(nul))
    return out


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_corpus_mutations(work: Path, path: Path) -> None:
    data = path.read_bytes()[:300_000]
    rng = random.Random(path.name)
    for i, mutated in enumerate(_mutations(data, rng)):
        check(work / f"mut{i}{path.suffix}", mutated)
