"""Entry point for contact files: sniff format and encoding from content, stream the records."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, cast

from netdesk.core.csv_import import find_header, read_csv
from netdesk.core.lines import BoundedLines
from netdesk.core.records import ContactRecord, ImportProblem
from netdesk.core.vcard import DEFAULT_MAX_PHOTO_BYTES, read_vcards

# Enough to see a LinkedIn preamble and a header, or the first BEGIN:VCARD, in any encoding.
SAMPLE_BYTES = 64 * 1024

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"%PDF", 0, "a PDF document"),
    (b"PK\x03\x04", 0, "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", 0, "an empty ZIP archive"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!", 0, "a RAR archive"),
    (b"\x7fELF", 0, "a program"),
    (b"MZ", 0, "a Windows program"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "an old Office document"),
    (b"II*\x00", 0, "a TIFF image"),
    (b"MM\x00*", 0, "a TIFF image"),
    (b"OggS", 0, "an audio file"),
    (b"ID3", 0, "an MP3 file"),
    (b"ftyp", 4, "a video or HEIC image"),
    (b"WEBP", 8, "a WebP image"),
    (b"WAVE", 8, "a WAV audio file"),
    (b"BEGIN:VCALENDAR", 0, "a calendar file"),
)
_VCARD_START = re.compile(r"^[ \t\ufeff]*BEGIN[ \t]*:[ \t]*VCARD", re.IGNORECASE | re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_KANA_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uff61-\uff9f]")


@dataclass(frozen=True, slots=True)
class _Sniffed:
    kind: str | None  # "vcard", "csv" or None
    reason: str  # why it is not a contact file, when kind is None
    encoding: str = "utf-8"
    raw_bytes: bool = False  # decoded as UTF-8 with surrogateescape; legacy bytes survive
    fallback: str = "cp1252"
    newline: str = "\n"
    header_line: int = 0
    delimiter: str = ","


def _utf16_without_bom(sample: bytes) -> str | None:
    half = len(sample) // 2
    if half < 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    return None


def _legacy_charset(sample: bytes) -> str:
    """For bytes that are not UTF-8: Shift_JIS when it decodes cleanly to Japanese, else cp1252."""
    try:
        text = codecs.getincrementaldecoder("shift_jis")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "shift_jis" if _KANA_CJK.search(text) else "cp1252"


def _sniff(sample: bytes) -> _Sniffed:
    if not sample.strip():
        return _Sniffed(None, "not a contact file (the file is empty)")
    for magic, offset, what in _MAGIC:
        if sample.startswith(magic, offset):
            return _Sniffed(None, f"not a contact file (looks like {what})")

    encoding, raw, fallback = "utf-8", True, "cp1252"
    if sample.startswith(codecs.BOM_UTF32_LE) or sample.startswith(codecs.BOM_UTF32_BE):
        encoding, raw = "utf-32", False
    elif sample.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        encoding, raw = "utf-16", False
    elif (utf16 := _utf16_without_bom(sample)) is not None:
        encoding, raw = utf16, False
    elif b"\x00" in sample:
        return _Sniffed(None, "not a contact file (looks like binary data)")

    if raw:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        except UnicodeDecodeError:
            fallback = _legacy_charset(sample)
        text = sample.decode("utf-8", "surrogateescape")
    else:
        text = codecs.getincrementaldecoder(encoding)("replace").decode(sample, final=False)
    if len(_CONTROL.findall(text[:8192])) > 8:
        return _Sniffed(None, "not a contact file (looks like binary data)")

    newline = "\r" if "\n" not in text and "\r" in text else "\n"
    if _VCARD_START.search(text):
        return _Sniffed("vcard", "", encoding, raw, fallback, newline)
    if raw and fallback != "cp1252":
        text = sample.decode(fallback, "replace")
    found = find_header(text)
    if found is not None:
        header_line, delimiter = found
        if raw and fallback != "cp1252":
            # Whole-file legacy encoding (a Shift_JIS export): decode the file with it.
            encoding, raw = fallback, False
        return _Sniffed("csv", "", encoding, raw, fallback, newline, header_line, delimiter)
    return _Sniffed(None, "not a contact file (no vCard and no known CSV header in it)")


def _read_sample(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(SAMPLE_BYTES)


def sniff_contact_file(path: Path) -> str | None:
    """ "vcard", "csv", or None when the file is not a contact file (or cannot be read)."""
    try:
        return _sniff(_read_sample(Path(path))).kind
    except (OSError, ValueError):
        return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return "the file cannot be read (permission denied)"
    if isinstance(exc, FileNotFoundError):
        return "the file does not exist"
    if isinstance(exc, IsADirectoryError):
        return "this is a folder, not a file"
    if isinstance(exc, UnicodeError):
        return "the file's text could not be decoded"
    if isinstance(exc, MemoryError):
        return "the file is too large to read"
    if isinstance(exc, OSError):
        return f"the file cannot be read ({exc.strerror or exc.__class__.__name__})"
    return f"the file could not be read ({exc.__class__.__name__})"


def read_contact_file(
    path: Path, *, max_photo_bytes: int = DEFAULT_MAX_PHOTO_BYTES
) -> Iterator[ContactRecord | ImportProblem]:
    """Stream the records of a vCard or CSV file; every failure becomes an ImportProblem.

    Never raises: an unreadable file, a wrong format or a decoding error is reported as a
    problem (line 0 for the whole file), and good records before a failure are kept.
    """
    path = Path(path)
    source = path.name
    try:
        sniffed = _sniff(_read_sample(path))
    except Exception as exc:
        yield ImportProblem(source, 0, _describe(exc))
        return
    if sniffed.kind is None:
        yield ImportProblem(source, 0, sniffed.reason)
        return
    errors = "surrogateescape" if sniffed.raw_bytes else "replace"
    newline = sniffed.newline if sniffed.kind == "vcard" else ""
    try:
        with open(path, encoding=sniffed.encoding, errors=errors, newline=newline) as raw:
            # No line held whole past its limit; no NULs.
            f = BoundedLines(raw, source, by_newline=newline == "\n")
            if sniffed.kind == "vcard":
                items = read_vcards(
                    f,
                    source,
                    max_photo_bytes=max_photo_bytes,
                    raw_bytes=sniffed.raw_bytes,
                    fallback_charset=sniffed.fallback,
                )
            else:
                items = read_csv(
                    cast(TextIO, f),  # it reads lines only: readline and iteration
                    source,
                    header_line=sniffed.header_line,
                    delimiter=sniffed.delimiter,
                    raw_bytes=sniffed.raw_bytes,
                    fallback_charset=sniffed.fallback,
                )
            for item in items:
                if f.problems:
                    yield from f.take_problems()
                yield item
            yield from f.take_problems()
    except Exception as exc:
        yield ImportProblem(source, 0, _describe(exc) + "; the rest of it was skipped")
