"""vCard reading (versions, encodings, broken cards, photos) and writing (round trips)."""

from __future__ import annotations

import base64
import codecs
import io
import tracemalloc
from pathlib import Path

import pytest

from netdesk.core.contact_files import read_contact_file, sniff_contact_file
from netdesk.core.records import ContactRecord, ImportProblem
from netdesk.core.vcard import read_vcards, write_vcards

FIXTURES = Path(__file__).parent / "fixtures"
# Smallest valid PNG (1x1 pixel), so photo tests carry real image bytes.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
    "AAAABJRU5ErkJggg=="
)


Split = tuple[list[ContactRecord], list[ImportProblem]]


def split(items: list[ContactRecord | ImportProblem]) -> Split:
    recs = [i for i in items if isinstance(i, ContactRecord)]
    probs = [i for i in items if isinstance(i, ImportProblem)]
    return recs, probs


def read_text(text: str, **kw: object) -> Split:
    return split(list(read_vcards(io.StringIO(text), "t.vcf", **kw)))  # type: ignore[arg-type]


def read_bytes(tmp_path: Path, data: bytes, name: str = "t.vcf") -> Split:
    p = tmp_path / name
    p.write_bytes(data)
    return split(list(read_contact_file(p)))


def test_mixed_versions_fixture() -> None:
    recs, probs = split(list(read_contact_file(FIXTURES / "mixed_versions.vcf")))
    assert [r.display_name for r in recs] == ["Jürgen Müller", "Ada Lovelace", "Broken Card",
                                               "Grace Hopper"]
    juergen, ada, broken, grace = recs
    assert juergen.notes == "first line\nsecond line"
    assert juergen.phones == ["+49 30 1234567"] and juergen.line == 1
    assert ada.organization == "Analytical Engines, Ltd."
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada-lovelace/" and ada.urls == []
    assert ada.tags == ["Friends", "Mentors"] and ada.birthday == "--12-10"
    assert ada.line == 10
    assert broken.emails == ["broken@example.com"]
    assert grace.phones == ["+1-555-0100"]
    assert grace.linkedin_url == "https://linkedin.com/in/grace"
    assert grace.notes == "Line one\nLine two; with semicolon"
    assert [(p.line, p.reason) for p in probs] == [
        (21, "card has no END:VCARD (a new BEGIN:VCARD came first)"),
        (32, "card has no name and no email"),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1980-03-12", "1980-03-12"), ("19800312", "1980-03-12"), ("--0312", "--03-12"),
     ("--03-12", "--03-12"), ("1953-10-15T23:10:00Z", "1953-10-15"), ("garbage", ""),
     ("1980-13-40", "")],
)
def test_birthdays(raw: str, expected: str) -> None:
    recs, _ = read_text(f"BEGIN:VCARD\nFN:X\nBDAY:{raw}\nEND:VCARD\n")
    assert recs[0].birthday == expected


def test_name_fallbacks() -> None:
    text = (
        "BEGIN:VCARD\nN:Doe;Jane;Q;Dr.;\nEND:VCARD\n"
        "BEGIN:VCARD\nN:;;;;\nORG:Acme;Sales\nEND:VCARD\n"
        "BEGIN:VCARD\nEMAIL:only@example.com\nEND:VCARD\n"
    )
    recs, probs = read_text(text)
    assert [r.display_name for r in recs] == ["Dr. Jane Q Doe", "Acme", "only@example.com"]
    assert probs == []


def test_parameters_in_every_style() -> None:
    text = (
        'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:P\r\n'
        'TEL;TYPE=WORK,VOICE:1\r\nTEL;WORK;VOICE:2\r\nTEL;type=HOME;type=pref:3\r\n'
        'ADR;LABEL="a: b; c":;;street;;;;\r\nEMAIL;TYPE="work,internet":p@example.com\r\n'
        'END:VCARD\r\n'
    )
    recs, probs = read_text(text)
    assert recs[0].phones == ["1", "2", "3"] and recs[0].emails == ["p@example.com"]
    assert probs == []


def test_v21_base64_block_until_blank_line() -> None:
    b64 = base64.b64encode(PNG).decode()
    lines = [b64[i:i + 20] for i in range(0, len(b64), 20)]
    text = "BEGIN:VCARD\nVERSION:2.1\nFN:Pic\nPHOTO;ENCODING=BASE64;TYPE=PNG:" + lines[0] + "\n"
    text += "\n".join(lines[1:]) + "\n\nEMAIL:pic@example.com\nEND:VCARD\n"
    recs, probs = read_text(text)
    assert recs[0].photo == PNG and recs[0].photo_mime == "image/png"
    assert recs[0].emails == ["pic@example.com"] and probs == []


def test_photo_data_uri_and_size_limit() -> None:
    b64 = base64.b64encode(PNG).decode()
    card = f"BEGIN:VCARD\nVERSION:4.0\nFN:Pic\nPHOTO:data:image/png;base64,{b64}\nEND:VCARD\n"
    recs, _ = read_text(card)
    assert recs[0].photo == PNG
    recs, _ = read_text(card, max_photo_bytes=10)
    assert recs[0].photo is None
    assert any("photo over" in r and "was left out" in r for r in recs[0].remarks)


def test_big_photo_remark_says_5_mb(tmp_path: Path) -> None:
    payload = base64.b64encode(b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024 + 10)).decode()
    folded = "\r\n ".join(payload[i:i + 74] for i in range(0, len(payload), 74))
    data = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nPHOTO;ENCODING=b:{folded}\r\nEND:VCARD\r\n"
    recs, probs = read_bytes(tmp_path, data.encode())
    assert recs[0].photo is None and "photo over 5 MB was left out" in recs[0].remarks
    assert probs == []


def test_remote_photo_is_ignored() -> None:
    recs, _ = read_text("BEGIN:VCARD\nFN:U\nPHOTO;VALUE=uri:https://example.com/a.jpg\nEND:VCARD\n")
    assert recs[0].photo is None and recs[0].remarks == []


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"]
)
def test_file_encodings(tmp_path: Path, encoding: str) -> None:
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Renée Müller\r\nEMAIL:r@example.com\r\nEND:VCARD\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    recs, probs = read_bytes(tmp_path, data)
    assert [r.display_name for r in recs] == ["Renée Müller"] and probs == []


def test_charset_parameter_shift_jis(tmp_path: Path) -> None:
    data = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=SHIFT_JIS:" + "山田".encode("shift_jis")
    data += b"\r\nEND:VCARD\r\n"
    recs, _ = read_bytes(tmp_path, data)
    assert recs[0].display_name == "山田"


def test_not_contact_files(tmp_path: Path) -> None:
    cases = {
        "a.png": PNG, "a.vcf": b"%PDF-1.7\n...", "b.vcf": b"PK\x03\x04rest",
        "c.csv": bytes(range(256)) * 4, "d.vcf": b"", "e.txt": b"just some words\nand more\n",
    }
    for name, data in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        items = list(read_contact_file(p))
        assert len(items) == 1 and isinstance(items[0], ImportProblem), name
        assert items[0].line == 0 and items[0].reason.startswith("not a contact file"), name
        assert sniff_contact_file(p) is None
    assert "PNG image" in next(iter(read_contact_file(tmp_path / "a.png"))).reason  # type: ignore[union-attr]


def test_unreadable_paths_never_raise(tmp_path: Path) -> None:
    for p in (tmp_path / "missing.vcf", tmp_path):
        items = list(read_contact_file(p))
        assert len(items) == 1 and isinstance(items[0], ImportProblem) and items[0].reason
        assert sniff_contact_file(p) is None


def test_streams_without_holding_the_file(tmp_path: Path) -> None:
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {0}\r\nEMAIL:p{0}@example.com\r\n" + (
        "NOTE:" + "x" * 200 + "\r\n") + "END:VCARD\r\n"
    p = tmp_path / "big.vcf"
    with open(p, "w", encoding="utf-8", newline="") as f:
        for i in range(40_000):
            f.write(card.format(i))
    assert p.stat().st_size > 10_000_000
    tracemalloc.start()
    try:
        count = sum(1 for r in read_contact_file(p) if isinstance(r, ContactRecord))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 40_000
    assert peak < 2_000_000


def sample_records() -> list[ContactRecord]:
    return [
        ContactRecord(
            display_name="Zoë Ångström-Łukasiewicz, PhD", given_name="Zoë",
            family_name="Ångström-Łukasiewicz", middle_name="K.", prefix="Dr.", suffix="PhD",
            nickname="Zo", emails=["zoe@example.com", "z.a@example.org"],
            phones=["+33 1 23 45 67 89", "(555) 010-0000"], organization="Ünïcode; Inc, Ltd",
            title="Head of \\ Things",
            notes=("Met at the fair.\nLikes tea; not coffee, ever. " * 5).strip(),
            linkedin_url="https://www.linkedin.com/in/zoe", urls=["https://zoe.example.com/"],
            birthday="1980-03-12", tags=["Friends", "Job, Search"], photo=PNG,
            photo_mime="image/png", uid="urn:uuid:1234",
        ),
        ContactRecord(display_name="日本語の名前で長い名前をテストするための人物" * 3,
                      emails=["jp@example.jp"], birthday="--12-31"),
        ContactRecord(display_name="Plain", emails=["plain@example.com"]),
    ]


FIELDS = ("display_name", "given_name", "family_name", "middle_name", "prefix", "suffix",
          "nickname", "emails", "phones", "organization", "title", "notes", "linkedin_url",
          "urls", "birthday", "tags", "photo", "photo_mime", "uid")


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_round_trip(version: str) -> None:
    out = io.StringIO(newline="")
    write_vcards(sample_records(), out, version=version)
    text = out.getvalue()
    assert f"VERSION:{version}\r\n" in text
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    recs, probs = read_text(text)
    assert probs == []
    for got, want in zip(recs, sample_records(), strict=True):
        for name in FIELDS:
            assert getattr(got, name) == getattr(want, name), name


def test_writer_rejects_unknown_version() -> None:
    with pytest.raises(ValueError):
        write_vcards([], io.StringIO(), version="2.1")
