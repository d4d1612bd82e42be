"""vCard 2.1/3.0/4.0 reading (a streaming line-state machine) and writing."""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from collections.abc import Callable, Iterable, Iterator
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
_NO_PARAMS: dict[str, list[str]] = {}
# A backslash and the character it escapes (a lone backslash at the end stays as it is).
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_SURROGATE = re.compile("[\udc80-\udcff]")
_PROPERTY = re.compile(r"^([^:;\n]*)(;[^:\n]*)?:(.*)$", re.MULTILINE)
_FOLD_OR_BLANK = (" ", "\t", "\n")
# Property names as written (`item1.tel`) -> canonical (`TEL`), for the plain-card path.
_NAMES: dict[str, str] = {}
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
    return _ESCAPED.sub(_unescaped, value)


def _unescaped(m: re.Match[str]) -> str:
    c = m.group(1)
    return "\n" if c == "n" or c == "N" else c


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


Item = ContactRecord | ImportProblem


class _LineReader:
    """The reference reader: a state machine fed one physical line at a time.

    It handles everything a vCard file can hold (folding, quoted-printable soft breaks,
    vCard 2.1 base64 blocks, stray text). The fast path in `read_vcards` hands it every card
    it does not read itself, so both always agree.
    """

    def __init__(
        self, source: str, max_photo_bytes: int, raw_bytes: bool, fallback_charset: str
    ) -> None:
        self.source = source
        self.max_photo_bytes = max_photo_bytes
        self.raw_bytes = raw_bytes
        self.fallback = fallback_charset
        # Base64 text longer than this decodes to more than max_photo_bytes.
        self.b64_cap = (max_photo_bytes * 4) // 3 + 8
        self.card: _Card | None = None
        self.outside_reported = False
        self.lineno = 0
        # The logical line being assembled: its chunks, first line number, how it continues.
        self.chunks: list[str] = []
        self.start = 0
        self.mode = ""  # "" plain folding, "qp" quoted-printable soft breaks, "b64" base64 block
        self.size = 0
        self.oversize = False

    def feed(self, raw: str, out: list[Item]) -> None:
        """Take one physical line (with or without its line end)."""
        self.lineno += 1
        line = raw.rstrip("\r\n")
        chunks = self.chunks
        if chunks:
            mode = self.mode
            if mode == "qp" and chunks[-1].endswith("="):
                # Soft line break: the next physical line continues the value as is.
                chunks[-1] = chunks[-1][:-1]
                chunks.append(line)
                return
            first = line[:1]
            if first == " " or first == "\t":
                piece = line[1:]
                if mode == "b64":
                    piece = piece.strip()
                    self.size += len(piece)
                    if self.size > self.b64_cap:
                        self.oversize = True
                        return
                chunks.append(piece)
                return
            if mode == "b64" and line and ":" not in line and _B64_CHARS.issuperset(line):
                # vCard 2.1 base64 blocks may continue without indentation until a blank line.
                self.size += len(line)
                if self.size > self.b64_cap:
                    self.oversize = True
                    return
                chunks.append(line.strip())
                return
            self._flush(out)
        if not line or line.isspace():
            self.chunks = []
            return
        self.chunks = [line]
        self.start = self.lineno
        self.size = 0
        self.oversize = False
        colon = line.find(":")
        head_upper = line[:colon].upper() if colon >= 0 else ""
        mode = _encoding_of(head_upper) if ";" in head_upper else ""
        cap = self.b64_cap
        if mode == "b64":
            self.size = len(line) - colon
            self.oversize = self.size > cap
            if self.oversize:
                self.chunks = [line[: colon + 1]]
        elif not mode and head_upper.startswith("PHOTO") and line[colon + 1 : colon + 6] in _DATA:
            mode = "b64"
            self.size = len(line) - colon
            self.oversize = self.size > cap
            if self.oversize:
                self.chunks = [line[: colon + 1]]
        self.mode = mode

    def ready_for_card(self, out: list[Item]) -> bool:
        """Before a `BEGIN:VCARD` line: finish the pending line; True when no card is open."""
        chunks = self.chunks
        if chunks:
            if self.mode == "qp" and chunks[-1].endswith("="):
                return False  # the BEGIN line would be a soft-break continuation
            self._flush(out)
            self.chunks = []
        return self.card is None

    def close(self, out: list[Item]) -> None:
        if self.chunks:
            self._flush(out)
            self.chunks = []
        if self.card is not None:
            _finish(self.card, self.source, out, unfinished="the file ends inside it")
            self.card = None

    def _flush(self, out: list[Item]) -> None:
        chunks = self.chunks
        source = self.source
        text = chunks[0] if len(chunks) == 1 else "".join(chunks)
        split = _split_head(text)
        if split is None:
            if self.card is not None:
                if not self.card.bad_line:
                    self.card.bad_line = self.start
            elif not self.outside_reported:
                self.outside_reported = True
                out.append(ImportProblem(source, self.start, "text outside any card was skipped"))
            return
        head, value = split
        semi = head.find(";")
        name = _canonical_name(head if semi < 0 else head[:semi])
        if name not in _WANTED:
            return
        if name == "BEGIN":
            if value.strip().upper() != "VCARD":
                return
            if self.card is not None:
                _finish(self.card, source, out, unfinished="a new BEGIN:VCARD came first")
            self.card = _Card(source, self.start)
            return
        if name == "END":
            if value.strip().upper() == "VCARD" and self.card is not None:
                _finish(self.card, source, out)
                self.card = None
            return
        if self.card is None:
            if not self.outside_reported:
                self.outside_reported = True
                out.append(
                    ImportProblem(source, self.start, "a property outside any card was skipped")
                )
            return
        params = _NO_PARAMS if semi < 0 else _parse_params(head)[1]
        _apply(
            self.card,
            name,
            params,
            value,
            self.mode,
            self.oversize,
            self.max_photo_bytes,
            self.raw_bytes,
            self.fallback,
        )


# Lines read from a file per batch, and how far ahead the fast path looks for a card's end.
_BATCH_CHARS = 256 * 1024
_MAX_CARD_LINES = 4096
_BEGIN_LINES = ("BEGIN:VCARD\r\n", "BEGIN:VCARD\n")


def _batches(lines: Iterable[str] | TextIO) -> Iterator[list[str]]:
    readlines = getattr(lines, "readlines", None)
    if readlines is None:
        return
    while batch := readlines(_BATCH_CHARS):
        yield batch


def read_vcards(
    lines: Iterable[str] | TextIO,
    source: str,
    *,
    max_photo_bytes: int = DEFAULT_MAX_PHOTO_BYTES,
    raw_bytes: bool = False,
    fallback_charset: str = "cp1252",
    fast: bool = True,
) -> Iterator[ContactRecord | ImportProblem]:
    """Read cards from a text file or from text lines, yielding records and problems.

    `raw_bytes` says the lines were decoded as UTF-8 with `surrogateescape`, so bytes of a
    legacy 8-bit file survive and can be decoded per value (CHARSET parameter, then UTF-8,
    then `fallback_charset`).

    From a text file (anything with `readlines`), lines are taken in batches and plain cards
    (no encodings, photos or oddities) are read whole; everything else, and every line of a
    plain iterable, goes through the line-by-line reader. `fast=False` reads every line that
    way: the reference the fast path is tested against.
    """
    reader = _LineReader(source, max_photo_bytes, raw_bytes, fallback_charset)
    out: list[Item] = []
    if not fast or not hasattr(lines, "readlines"):
        feed = reader.feed
        for raw in lines:
            feed(raw, out)
            if out:
                yield from out
                out.clear()
        reader.close(out)
        yield from out
        return

    batches = _batches(lines)
    buf: list[str] = []
    i = 0
    exhausted = False
    feed = reader.feed
    while True:
        n = len(buf)
        if i >= n:
            if exhausted:
                break
            nxt = next(batches, None)
            if nxt is None:
                break
            buf, i = nxt, 0
            continue
        line = buf[i]
        if line in _BEGIN_LINES:
            end_line = "END:VCARD\r\n" if line[11] == "\r" else "END:VCARD\n"
            try:
                j = buf.index(end_line, i + 1, i + _MAX_CARD_LINES)
            except ValueError:
                j = -1
            if (j < 0 or j + 1 >= n) and not exhausted and n - i < _MAX_CARD_LINES:
                # The card (or the line after it) is in the next batch: read on first.
                nxt = next(batches, None)
                if nxt is None:
                    exhausted = True
                else:
                    buf, i = buf[i:] + nxt, 0
                continue
            if (
                j >= 0
                and (j + 1 >= n or buf[j + 1][:1] not in (" ", "\t"))
                and reader.ready_for_card(out)
            ):
                items = _read_plain_card(buf, i, j, reader)
                if items is not None:
                    out.extend(items)
                    reader.lineno += j - i + 1
                    i = j + 1
                    yield from out
                    out.clear()
                    continue
        feed(line, out)
        i += 1
        if out:
            yield from out
            out.clear()
    reader.close(out)
    yield from out


def _read_plain_card(buf: list[str], i: int, j: int, reader: _LineReader) -> list[Item] | None:
    """Read the card on lines i..j of `buf` whole, or None when it needs the line reader.

    Lines i and j are `BEGIN:VCARD` and `END:VCARD`. A plain card has no blank or stray lines,
    no transfer encoding, no photo and no nested BEGIN/END: then unfolding is a string
    replace and every logical line is one property, exactly as the line reader would see it.
    """
    text = "".join(buf[i + 1 : j])
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if "\n\n" in text or text[:1] in _FOLD_OR_BLANK:
        return None
    if "\n " in text or "\n\t" in text:
        text = text.replace("\n ", "").replace("\n\t", "")
    # Text decoded with surrogateescape is already right unless a CHARSET parameter says
    # otherwise or it holds bytes that were not UTF-8 (surrogates).
    raw_bytes = reader.raw_bytes
    odd_bytes = raw_bytes and not text.isascii() and _SURROGATE.search(text) is not None
    # One match per line with a colon: (name with its group, ";parameters" or "", value).
    # A quote before the first colon may hide a colon of the head: the line reader's case.
    quoted = '"' in text
    props = _PROPERTY.findall(text)
    if len(props) != text.count("\n"):
        return None  # a line that is not a property
    card = _Card(reader.source, reader.lineno + 1)
    names = _NAMES
    setters = _SETTERS
    for raw_name, params, value in props:
        name = names.get(raw_name)
        if name is None:
            name = _canonical_name(raw_name)
            if len(names) < 512:
                names[raw_name] = name
        setter = setters.get(name)
        if setter is None:
            if name in _WANTED:
                return None  # BEGIN, END or PHOTO: the line reader's business
            continue
        if quoted and ('"' in raw_name or '"' in params):
            return None
        if params:
            head = raw_name + params
            if _encoding_of(head.upper()):
                return None
            if raw_bytes and not value.isascii():
                value = _decode(value, _parse_params(head)[1], "", True, reader.fallback)
        elif odd_bytes and not value.isascii():
            value = _decode(value, _NO_PARAMS, "", True, reader.fallback)
        setter(card, value)
    out: list[Item] = []
    _finish(card, reader.source, out)
    return out


def _canonical_name(raw: str) -> str:
    """`item1.tel ` -> `TEL`: the property name without group, spaces or case."""
    name = raw.strip()
    dot = name.rfind(".")
    if dot >= 0:
        name = name[dot + 1 :]
    return name.upper()


def _decode(
    value: str, params: dict[str, list[str]], mode: str, raw_bytes: bool, fallback: str
) -> str:
    """Undo quoted-printable, and decode legacy bytes by CHARSET, UTF-8, then `fallback`."""
    charset = params["CHARSET"][0] if "CHARSET" in params else ""
    if mode == "qp":
        data = value.encode("utf-8", "surrogateescape") if raw_bytes else value.encode("utf-8")
        value = _charset_decode(quopri.decodestring(data), charset, fallback)
        return value.replace("\r\n", "\n")
    if raw_bytes and not value.isascii():
        data = value.encode("utf-8", "surrogateescape")
        if charset.lower().replace("-", "").replace("_", "") in ("", "utf8"):
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return _charset_decode(data, "", fallback)
        return _charset_decode(data, charset, fallback)
    return value


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
    if name == "PHOTO":
        _apply_photo(card.rec, params, value, oversize, max_photo_bytes)
        return
    if mode or (raw_bytes and not value.isascii()):
        value = _decode(value, params, mode, raw_bytes, fallback)
    _SETTERS[name](card, value)


def _set_fn(card: _Card, value: str) -> None:
    if not card.rec.display_name:
        card.rec.display_name = _unescape(value).strip()


def _parts(value: str) -> list[str]:
    """The `;`-separated parts of a structured value, unescaped and stripped."""
    if "\\" not in value:
        return [p.strip() for p in value.split(";")]
    return [_unescape(p).strip() for p in _split_unescaped(value, ";")]


def _set_n(card: _Card, value: str) -> None:
    if card.n_parts is None:
        card.n_parts = _parts(value)


def _set_org(card: _Card, value: str) -> None:
    if card.org_parts is None or not any(card.org_parts):
        card.org_parts = _parts(value)


def _set_title(card: _Card, value: str) -> None:
    if not card.rec.title:
        card.rec.title = _unescape(value).strip()


def _set_email(card: _Card, value: str) -> None:
    email = _unescape(value).strip()
    if email.lower().startswith("mailto:"):
        email = email[7:].strip()
    emails = card.rec.emails
    if email and email not in emails:
        emails.append(email)


def _set_tel(card: _Card, value: str) -> None:
    tel = _unescape(value).strip()
    if tel.lower().startswith("tel:"):
        # A tel: URI keeps its extension as a parameter: show it the way people write it.
        number, _, ext = tel[4:].partition(";ext=")
        tel = f"{number} ext. {ext.split(';')[0]}" if ext else number.split(";")[0]
    phones = card.rec.phones
    if tel and tel not in phones:
        phones.append(tel)


def _set_url(card: _Card, value: str, name: str = "URL") -> None:
    url = _unescape(value).strip()
    if not url:
        return
    rec = card.rec
    if is_linkedin_url(url) or (name == "X-LINKEDIN" and "linkedin.com" in url.lower()):
        if not rec.linkedin_url:
            rec.linkedin_url = url
        elif url != rec.linkedin_url and url not in rec.urls:
            rec.urls.append(url)
    elif name == "URL" and url not in rec.urls:
        rec.urls.append(url)


def _set_social(card: _Card, value: str) -> None:
    _set_url(card, value, "X-SOCIALPROFILE")


def _set_x_linkedin(card: _Card, value: str) -> None:
    _set_url(card, value, "X-LINKEDIN")


def _set_note(card: _Card, value: str) -> None:
    note = _unescape(value).strip()
    if note:
        rec = card.rec
        rec.notes = f"{rec.notes}\n{note}" if rec.notes else note


def _set_bday(card: _Card, value: str) -> None:
    if not card.rec.birthday:
        card.rec.birthday = parse_birthday(value)


def _set_categories(card: _Card, value: str) -> None:
    tags = card.rec.tags
    for tag in _split_unescaped(value, ","):
        tag = _unescape(tag).strip()
        if tag and tag not in tags:
            tags.append(tag)


def _set_uid(card: _Card, value: str) -> None:
    if not card.rec.uid:
        card.rec.uid = _unescape(value).strip()


def _set_nickname(card: _Card, value: str) -> None:
    if not card.rec.nickname:
        card.rec.nickname = _unescape(_split_unescaped(value, ",")[0]).strip()


# What each wanted property (except PHOTO, BEGIN and END) does to the card being read.
_SETTERS: dict[str, Callable[[_Card, str], None]] = {
    "FN": _set_fn,
    "N": _set_n,
    "ORG": _set_org,
    "TITLE": _set_title,
    "EMAIL": _set_email,
    "TEL": _set_tel,
    "URL": _set_url,
    "X-SOCIALPROFILE": _set_social,
    "X-LINKEDIN": _set_x_linkedin,
    "NOTE": _set_note,
    "BDAY": _set_bday,
    "CATEGORIES": _set_categories,
    "UID": _set_uid,
    "NICKNAME": _set_nickname,
}


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


def _finish(card: _Card, source: str, out: list[Item], unfinished: str = "") -> None:
    """Complete a card's record from its N and ORG parts; add it, and its problems, to out."""
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
        out.append(ImportProblem(source, rec.line, f"card has no END:VCARD ({unfinished})"))
        rec.remarks.append("the card was not closed with END:VCARD; what was read is kept")
    if card.bad_line:
        out.append(
            ImportProblem(
                source, card.bad_line, "a line in this card is not a vCard property; it was skipped"
            )
        )
    if not rec.display_name and not rec.emails:
        if not unfinished:
            out.append(ImportProblem(source, rec.line, "card has no name and no email"))
        return
    out.append(rec)


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
