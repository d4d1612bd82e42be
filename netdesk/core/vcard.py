"""vCard 2.1/3.0/4.0 reading (a streaming line-state machine) and writing."""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
from collections.abc import Iterable, Iterator
from typing import TextIO

from netdesk.core.matching import is_linkedin_url, parse_birthday
from netdesk.core.records import ContactRecord, ImportProblem

DEFAULT_MAX_PHOTO_BYTES = 5 * 1024 * 1024

# Properties the reader turns into fields; every other property is skipped without parsing.
_WANTED = frozenset(
    {
        "FN",
        "N",
        "ORG",
        "TITLE",
        "EMAIL",
        "TEL",
        "URL",
        "NOTE",
        "BDAY",
        "PHOTO",
        "CATEGORIES",
        "UID",
        "NICKNAME",
        "X-SOCIALPROFILE",
        "X-LINKEDIN",
        "BEGIN",
        "END",
    }
)
_DATA = frozenset({"data:", "DATA:", "Data:"})
_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t")
_PHOTO_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG", "image/png"),
    (b"GIF8", "image/gif"),
    (b"BM", "image/bmp"),
    (b"RIFF", "image/webp"),
)


def _split_unescaped(value: str, sep: str) -> list[str]:
    """Split on `sep` where it is not backslash-escaped; the parts keep their escapes."""
    if "\\" not in value:
        return value.split(sep)
    parts: list[str] = []
    start = 0
    i = 0
    n = len(value)
    while i < n:
        c = value[i]
        if c == "\\":
            i += 2
            continue
        if c == sep:
            parts.append(value[start:i])
            start = i + 1
        i += 1
    parts.append(value[start:])
    return parts


def _unescape(value: str) -> str:
    """Undo vCard text escaping: `\\n` is a newline, any other `\\x` is `x`."""
    if "\\" not in value:
        return value
    out: list[str] = []
    i = 0
    n = len(value)
    while i < n:
        c = value[i]
        if c == "\\" and i + 1 < n:
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _split_head(line: str) -> tuple[str, str] | None:
    """Split a logical line at the colon that ends name and parameters (quotes respected)."""
    colon = line.find(":")
    if colon < 0:
        return None
    quote = line.find('"', 0, colon)
    if quote < 0:
        return line[:colon], line[colon + 1 :]
    inside = False
    for i, c in enumerate(line):
        if c == '"':
            inside = not inside
        elif c == ":" and not inside:
            return line[:i], line[i + 1 :]
    return None


def _parse_params(head: str) -> tuple[str, dict[str, list[str]]]:
    """`item1.TEL;TYPE=WORK,VOICE;PREF` -> ("TEL", {"TYPE": ["WORK", "VOICE", "PREF"]})."""
    pieces = _split_unescaped(head, ";") if '"' not in head else _split_quoted(head)
    name = pieces[0].rsplit(".", 1)[-1].strip().upper()
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        key, eq, val = piece.partition("=")
        if eq:
            key = key.strip().upper()
            values = [v.strip().strip('"') for v in val.split(",")] if val else [""]
        else:
            # vCard 2.1 bare parameters: `;WORK;VOICE`, `;QUOTED-PRINTABLE`, `;BASE64`.
            bare = key.strip().upper()
            if bare in ("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"):
                key, values = "ENCODING", [bare]
            else:
                key, values = "TYPE", [bare]
        params.setdefault(key, []).extend(values)
    return name, params


def _split_quoted(head: str) -> list[str]:
    parts: list[str] = []
    buf: list[str] = []
    inside = False
    for c in head:
        if c == '"':
            inside = not inside
            buf.append(c)
        elif c == ";" and not inside:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(c)
    parts.append("".join(buf))
    return parts


def _encoding_of(head_upper: str) -> str:
    """Cheap look at the raw head for the transfer encoding, before full parameter parsing."""
    if "QUOTED-PRINTABLE" in head_upper:
        return "qp"
    if "BASE64" in head_upper or "ENCODING=B" in head_upper:
        return "b64"
    return ""


def _charset_decode(data: bytes, charset: str, fallback: str) -> str:
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            charset = ""
    for enc in (charset or "utf-8", "utf-8", fallback):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _photo_mime(data: bytes, params: dict[str, list[str]]) -> str:
    for magic, mime in _PHOTO_MAGIC:
        if data.startswith(magic):
            return mime
    for v in params.get("MEDIATYPE", []) + params.get("TYPE", []):
        v = v.lower()
        if "/" in v:
            return v
        if v in ("jpeg", "jpg", "png", "gif", "bmp", "webp"):
            return "image/" + ("jpeg" if v == "jpg" else v)
    return "application/octet-stream"


class _Card:
    """A card being read: the record plus the bookkeeping that needs the whole card."""

    __slots__ = ("bad_line", "n_parts", "org_parts", "rec")

    def __init__(self, source: str, line: int) -> None:
        self.rec = ContactRecord(source=source, line=line)
        self.n_parts: list[str] | None = None
        self.org_parts: list[str] | None = None
        self.bad_line = 0


def read_vcards(
    lines: Iterable[str],
    source: str,
    *,
    max_photo_bytes: int = DEFAULT_MAX_PHOTO_BYTES,
    raw_bytes: bool = False,
    fallback_charset: str = "cp1252",
) -> Iterator[ContactRecord | ImportProblem]:
    """Read cards from text lines (with or without line ends), yielding records and problems.

    `raw_bytes` says the lines were decoded as UTF-8 with `surrogateescape`, so bytes of a
    legacy 8-bit file survive and can be decoded per value (CHARSET parameter, then UTF-8,
    then `fallback_charset`).
    """
    # Base64 text longer than this decodes to more than max_photo_bytes.
    b64_cap = (max_photo_bytes * 4) // 3 + 8
    card: _Card | None = None
    outside_reported = False
    # The logical line being assembled: its chunks, first line number, and how it continues.
    chunks: list[str] = []
    start = 0
    mode = ""  # "" plain folding, "qp" quoted-printable soft breaks, "b64" base64 block
    size = 0
    oversize = False

    def flush() -> Iterator[ContactRecord | ImportProblem]:
        nonlocal card, outside_reported
        text = chunks[0] if len(chunks) == 1 else "".join(chunks)
        split = _split_head(text)
        if split is None:
            if card is not None:
                if not card.bad_line:
                    card.bad_line = start
            elif not outside_reported:
                outside_reported = True
                yield ImportProblem(source, start, "text outside any card was skipped")
            return
        head, value = split
        semi = head.find(";")
        name = (head if semi < 0 else head[:semi]).strip()
        dot = name.rfind(".")
        if dot >= 0:
            name = name[dot + 1 :]
        name = name.upper()
        if name not in _WANTED:
            return
        if name == "BEGIN":
            if value.strip().upper() != "VCARD":
                return
            if card is not None:
                yield from _finish(card, source, unfinished="a new BEGIN:VCARD came first")
            card = _Card(source, start)
            return
        if name == "END":
            if value.strip().upper() == "VCARD" and card is not None:
                yield from _finish(card, source)
                card = None
            return
        if card is None:
            if not outside_reported:
                outside_reported = True
                yield ImportProblem(source, start, "a property outside any card was skipped")
            return
        params: dict[str, list[str]]
        if semi < 0:
            params = {}
        else:
            _, params = _parse_params(head)
        _apply(
            card, name, params, value, mode, oversize, max_photo_bytes, raw_bytes, fallback_charset
        )

    lineno = 0
    for raw in lines:
        lineno += 1
        line = raw.rstrip("\r\n")
        if chunks:
            first = line[:1]
            if mode == "qp" and chunks[-1].endswith("="):
                # Soft line break: the next physical line continues the value as is.
                chunks[-1] = chunks[-1][:-1]
                chunks.append(line)
                continue
            if first == " " or first == "\t":
                piece = line[1:]
                if mode == "b64":
                    piece = piece.strip()
                    size += len(piece)
                    if size > b64_cap:
                        oversize = True
                        continue
                chunks.append(piece)
                continue
            if mode == "b64" and line and ":" not in line and _B64_CHARS.issuperset(line):
                # vCard 2.1 base64 blocks may continue without indentation until a blank line.
                size += len(line)
                if size > b64_cap:
                    oversize = True
                    continue
                chunks.append(line.strip())
                continue
            yield from flush()
            chunks = []
        if not line or line.isspace():
            continue
        chunks = [line]
        start = lineno
        size = 0
        oversize = False
        colon = line.find(":")
        head_upper = line[:colon].upper() if colon >= 0 else ""
        mode = _encoding_of(head_upper) if ";" in head_upper else ""
        if mode == "b64":
            size = len(line) - colon
            oversize = size > b64_cap
            if oversize:
                chunks = [line[: colon + 1]]
        elif not mode and head_upper.startswith("PHOTO") and line[colon + 1 : colon + 6] in _DATA:
            mode = "b64"
            size = len(line) - colon
            oversize = size > b64_cap
            if oversize:
                chunks = [line[: colon + 1]]
    if chunks:
        yield from flush()
    if card is not None:
        yield from _finish(card, source, unfinished="the file ends inside it")


def _apply(
    card: _Card,
    name: str,
    params: dict[str, list[str]],
    value: str,
    mode: str,
    oversize: bool,
    max_photo_bytes: int,
    raw_bytes: bool,
    fallback: str,
) -> None:
    rec = card.rec
    if name == "PHOTO":
        _apply_photo(rec, params, value, oversize, max_photo_bytes)
        return
    charset = params["CHARSET"][0] if "CHARSET" in params else ""
    if mode == "qp":
        data = value.encode("utf-8", "surrogateescape") if raw_bytes else value.encode("utf-8")
        value = _charset_decode(quopri.decodestring(data), charset, fallback)
        value = value.replace("\r\n", "\n")
    elif raw_bytes and not value.isascii():
        data = value.encode("utf-8", "surrogateescape")
        if charset.lower().replace("-", "").replace("_", "") in ("", "utf8"):
            try:
                value = data.decode("utf-8")
            except UnicodeDecodeError:
                value = _charset_decode(data, "", fallback)
        else:
            value = _charset_decode(data, charset, fallback)

    if name == "FN":
        if not rec.display_name:
            rec.display_name = _unescape(value).strip()
    elif name == "N":
        if card.n_parts is None:
            card.n_parts = [_unescape(p).strip() for p in _split_unescaped(value, ";")]
    elif name == "ORG":
        if card.org_parts is None or not any(card.org_parts):
            card.org_parts = [_unescape(p).strip() for p in _split_unescaped(value, ";")]
    elif name == "TITLE":
        if not rec.title:
            rec.title = _unescape(value).strip()
    elif name == "EMAIL":
        email = _unescape(value).strip()
        if email.lower().startswith("mailto:"):
            email = email[7:].strip()
        if email and email not in rec.emails:
            rec.emails.append(email)
    elif name == "TEL":
        tel = _unescape(value).strip()
        if tel.lower().startswith("tel:"):
            # A tel: URI keeps its extension as a parameter: show it the way people write it.
            number, _, ext = tel[4:].partition(";ext=")
            tel = f"{number} ext. {ext.split(';')[0]}" if ext else number.split(";")[0]
        if tel and tel not in rec.phones:
            rec.phones.append(tel)
    elif name in ("URL", "X-SOCIALPROFILE", "X-LINKEDIN"):
        url = _unescape(value).strip()
        if not url:
            return
        if is_linkedin_url(url) or (name == "X-LINKEDIN" and "linkedin.com" in url.lower()):
            if not rec.linkedin_url:
                rec.linkedin_url = url
            elif url != rec.linkedin_url and url not in rec.urls:
                rec.urls.append(url)
        elif name == "URL" and url not in rec.urls:
            rec.urls.append(url)
    elif name == "NOTE":
        note = _unescape(value).strip()
        if note:
            rec.notes = f"{rec.notes}\n{note}" if rec.notes else note
    elif name == "BDAY":
        if not rec.birthday:
            rec.birthday = parse_birthday(value)
    elif name == "CATEGORIES":
        for tag in _split_unescaped(value, ","):
            tag = _unescape(tag).strip()
            if tag and tag not in rec.tags:
                rec.tags.append(tag)
    elif name == "UID":
        if not rec.uid:
            rec.uid = _unescape(value).strip()
    elif name == "NICKNAME" and not rec.nickname:
        rec.nickname = _unescape(_split_unescaped(value, ",")[0]).strip()


def _apply_photo(
    rec: ContactRecord, params: dict[str, list[str]], value: str, oversize: bool, limit: int
) -> None:
    if rec.photo is not None or any("too large" in r or "was left out" in r for r in rec.remarks):
        return
    if oversize:
        rec.remarks.append(f"photo over {_megabytes(limit)} was left out")
        return
    value = value.strip()
    encoding = [e.upper() for e in params.get("ENCODING", [])]
    if value[:5].lower() == "data:":
        header, comma, payload = value.partition(",")
        if not comma or ";base64" not in header.lower():
            return
        value = payload
    elif not any(e in ("B", "BASE64") for e in encoding):
        return  # a URL (never fetched) or an unencoded value we cannot trust
    text = "".join(value.split()).rstrip("=")
    if len(text) % 4 == 1:
        text = text[:-1]  # a stray character from a cut line; the rest still decodes
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=False)
    except (binascii.Error, ValueError):
        rec.remarks.append("photo could not be decoded and was left out")
        return
    if not data:
        return
    if len(data) > limit:
        rec.remarks.append(f"photo over {_megabytes(limit)} was left out")
        return
    rec.photo = data
    rec.photo_mime = _photo_mime(data, params)


def _megabytes(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{n // 1024} KB"


def _finish(
    card: _Card, source: str, unfinished: str = ""
) -> Iterator[ContactRecord | ImportProblem]:
    rec = card.rec
    n = card.n_parts
    if n is not None:
        n = n + [""] * (5 - len(n))
        rec.family_name, rec.given_name, rec.middle_name, rec.prefix, rec.suffix = n[:5]
    org = card.org_parts
    if org:
        rec.organization = next((p for p in org if p), "")
    if not rec.display_name:
        built = " ".join(
            p
            for p in (rec.prefix, rec.given_name, rec.middle_name, rec.family_name, rec.suffix)
            if p
        )
        rec.display_name = built or rec.organization or (rec.emails[0] if rec.emails else "")
    if unfinished:
        yield ImportProblem(source, rec.line, f"card has no END:VCARD ({unfinished})")
        rec.remarks.append("the card was not closed with END:VCARD; what was read is kept")
    if card.bad_line:
        yield ImportProblem(
            source, card.bad_line, "a line in this card is not a vCard property; it was skipped"
        )
    if not rec.display_name and not rec.emails:
        if not unfinished:
            yield ImportProblem(source, rec.line, "card has no name and no email")
        return
    yield rec


# --- writing ---------------------------------------------------------------------------------


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets of UTF-8, never inside a character; CRLF-terminated."""
    if len(line) <= 75 and line.isascii():
        return line + "\r\n"
    if line.isascii():
        parts = [line[:75]]
        parts.extend(line[i : i + 74] for i in range(75, len(line), 74))
        return "\r\n ".join(parts) + "\r\n"
    parts = []
    buf: list[str] = []
    used = 0
    limit = 75
    for ch in line:
        size = len(ch.encode("utf-8"))
        if used + size > limit:
            parts.append("".join(buf))
            buf, used, limit = [], 0, 74
        buf.append(ch)
        used += size
    parts.append("".join(buf))
    return "\r\n ".join(parts) + "\r\n"


def write_vcards(records: Iterable[ContactRecord], out: TextIO, version: str = "4.0") -> None:
    """Write records as vCard 4.0 or 3.0 (escaped, folded at 75 octets, CRLF line ends)."""
    if version not in ("4.0", "3.0"):
        raise ValueError(f"unsupported vCard version {version!r}")
    v4 = version == "4.0"
    for rec in records:
        lines = ["BEGIN:VCARD", f"VERSION:{version}"]
        name = rec.display_name or " ".join(p for p in (rec.given_name, rec.family_name) if p)
        lines.append("FN:" + _escape(name))
        lines.append(
            "N:"
            + ";".join(
                _escape(p)
                for p in (rec.family_name, rec.given_name, rec.middle_name, rec.prefix, rec.suffix)
            )
        )
        if rec.nickname:
            lines.append("NICKNAME:" + _escape(rec.nickname))
        if rec.organization:
            lines.append("ORG:" + _escape(rec.organization))
        if rec.title:
            lines.append("TITLE:" + _escape(rec.title))
        lines.extend("EMAIL:" + _escape(e) for e in rec.emails)
        lines.extend("TEL:" + _escape(p) for p in rec.phones)
        if rec.linkedin_url:
            lines.append("URL:" + _escape(rec.linkedin_url))
        lines.extend("URL:" + _escape(u) for u in rec.urls)
        if rec.birthday:
            # 4.0 writes the basic form (19800312, --0312); 3.0 the extended one (1980-03-12).
            bday = rec.birthday
            if v4:
                bday = bday[:2] + bday[2:].replace("-", "")
            lines.append("BDAY:" + bday)
        if rec.tags:
            lines.append("CATEGORIES:" + ",".join(_escape(t) for t in rec.tags))
        if rec.notes:
            lines.append("NOTE:" + _escape(rec.notes))
        if rec.uid:
            lines.append("UID:" + _escape(rec.uid))
        if rec.photo:
            mime = rec.photo_mime or "image/jpeg"
            data = base64.b64encode(rec.photo).decode("ascii")
            if v4:
                lines.append(f"PHOTO:data:{mime};base64,{data}")
            else:
                kind = mime.rsplit("/", 1)[-1].upper()
                lines.append(f"PHOTO;ENCODING=b;TYPE={kind}:{data}")
        lines.append("END:VCARD")
        out.write("".join(_fold(line) for line in lines))
