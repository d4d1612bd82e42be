"""vCard 2.1/3.0/4.0 reading (a streaming line-state machine) and writing."""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, TextIO

from netdesk.core.matching import is_linkedin_url, parse_birthday
from netdesk.core.records import (
    NO_ATTRS,
    Address,
    Attrs,
    CardProperty,
    ContactRecord,
    ImportProblem,
)

DEFAULT_MAX_PHOTO_BYTES = 5 * 1024 * 1024
# The longest property value (after unfolding) a card may hold; a longer one is left out with
# a remark, read past without being held whole.
MAX_VALUE_CHARS = 8 * 1_000_000

# Properties only the line reader handles (the fast path hands their cards to it). Every
# property the reader does not turn into a field is kept as written (CardProperty).
_WANTED = frozenset({"BEGIN", "END", "PHOTO", "AGENT"})
# Properties never kept: the card's version is the writer's business.
_NOT_KEPT = frozenset({"VERSION"})
# Parameters that say how a value was carried, not what it is: undone on reading, not kept.
_TRANSFER = frozenset({"ENCODING", "CHARSET"})
# ... and those a typed value's Attrs hold apart (TEL;VALUE=uri is read into plain text).
_ATTR_PARAMS = frozenset({"ENCODING", "CHARSET", "TYPE", "PREF", "VALUE"})
# Properties whose base64 value is binary (kept as a data: URI), not encoded text.
_BINARY = frozenset({"LOGO", "SOUND", "KEY", "PHOTO"})
_NO_PARAMS: dict[str, list[str]] = {}
# A backslash and the character it escapes (a lone backslash at the end stays as it is).
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_PROPERTY = re.compile(r"^([^:;\n]*(?:;[^:\n]*)?):(.*)$", re.MULTILINE)
_FOLD_OR_BLANK = (" ", "\t", "\n")
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
    if "\\\\" not in value:
        # Every backslash starts an escape of its own: the common ones replaced in C.
        done = (
            value.replace("\\n", "\n")
            .replace("\\,", ",")
            .replace("\\;", ";")
            .replace("\\N", "\n")
        )
        if "\\" not in done:
            return done
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
            if key != "TYPE" and len(val) > 1 and val[0] == val[-1] == '"':
                values = [val[1:-1]]  # a quoted value (LABEL="1 Main St, Springfield") is one
            else:
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


class _Head(NamedTuple):
    """A property's name and parameters, parsed once per distinct head text."""

    name: str  # upper case, without group
    group: str
    params: dict[str, list[str]]
    attrs: Attrs  # for typed values: types, preference, group, the other parameters
    kept: str  # every parameter but the transfer ones, vCard 4.0 syntax (kept properties)
    decorated: bool  # a group or parameters: a modelled property is also kept as written


_HEADS: dict[str, _Head] = {}


def _head_of(raw_name: str, params_text: str) -> _Head:
    """The parsed head of `item1.TEL` + `;TYPE=work,voice` (cached: heads repeat)."""
    key = raw_name + params_text
    head = _HEADS.get(key)
    if head is None:
        name = _canonical_name(raw_name)
        stripped = raw_name.strip()
        dot = stripped.rfind(".")
        group = stripped[:dot] if dot >= 0 else ""
        params = _parse_params(name + params_text)[1] if params_text else _NO_PARAMS
        types: list[str] = []
        pref = 0
        for t in params.get("TYPE", ()):
            low = t.lower()
            if low == "pref":
                pref = pref or 1
            elif low and low not in types:
                types.append(low)
        for p in params.get("PREF", ()):
            if p.strip().isdigit():
                pref = int(p.strip()) or 1
        attrs = Attrs(tuple(types), pref, group, _params_text(params, _ATTR_PARAMS))
        if attrs == NO_ATTRS:
            attrs = NO_ATTRS
        kept = _params_text(params, _TRANSFER)
        head = _Head(name, group, params, attrs, kept, bool(group or kept))
        if len(_HEADS) < 4096:
            _HEADS[key] = head
    return head


def _quote_param(value: str) -> str:
    if any(c in value for c in ':;,"'):
        return '"' + value.replace('"', "'") + '"'
    return value


def _params_text(params: dict[str, list[str]], skip: frozenset[str]) -> str:
    """Parameters in vCard 4.0 syntax (`;TYPE=work,voice;X-FOO=bar`), leaving out `skip`."""
    return "".join(
        f";{key}={','.join(_quote_param(v) for v in values)}"
        for key, values in params.items()
        if key not in skip
    )


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
    for enc in (charset or "utf-8", "utf-8"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    if not charset and fallback == "cp1252":
        # No charset declared and not UTF-8: cp1252 is only a guess; a Czech or Polish
        # name in cp1250 would come out in different Western letters.
        from netdesk.core.charsets import guess_legacy_charset

        fallback = guess_legacy_charset(data, fallback)
    try:
        return data.decode(fallback)
    except UnicodeDecodeError:
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

    __slots__ = (
        "agent",
        "agent_depth",
        "agent_head",
        "bad_line",
        "n_parts",
        "org_parts",
        "rec",
        "seen",
    )

    def __init__(self, source: str, line: int) -> None:
        self.rec = ContactRecord(source=source, line=line)
        # The values of each list field so far, as a set: a card of 80,000 EMAIL lines is
        # read in linear time, not quadratic.
        self.seen: dict[int, set[str]] = {}
        self.n_parts: list[str] | None = None
        self.org_parts: list[str] | None = None
        self.bad_line = 0
        # A vCard 2.1 AGENT whose value is a nested card: its lines until the matching END.
        self.agent: list[str] | None = None
        self.agent_depth = 0
        self.agent_head: _Head | None = None


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
                self.size += len(line)
                if self.size > MAX_VALUE_CHARS:
                    self.oversize = True
                    if line.endswith("="):
                        chunks[-1] += "="  # the value goes on; nothing more of it is kept
                    return
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
                elif self.oversize:
                    return
                else:
                    # A value folded over many lines is held only up to MAX_VALUE_CHARS.
                    self.size += len(piece)
                    if self.size > MAX_VALUE_CHARS:
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
        self.size = len(line)
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
        elif not mode and _is_photo(head_upper) and line[colon + 1 : colon + 6] in _DATA:
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
        card = self.card
        if card is not None and card.agent is not None:
            _agent_line(card, name, value, text)
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
        parsed = _head_of(head, "") if semi < 0 else _head_of(head[:semi], head[semi:])
        if name == "AGENT" and not value.strip():
            # vCard 2.1: the agent's own card follows, BEGIN to END, inside this one.
            self.card.agent, self.card.agent_depth, self.card.agent_head = [], 0, parsed
            return
        _apply(
            self.card,
            parsed,
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
# A card longer than this is read by the line reader, which holds one value at a time.
_MAX_CARD_CHARS = 4 * _BATCH_CHARS


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
            if (
                (j < 0 or j + 1 >= n)
                and not exhausted
                and n - i < _MAX_CARD_LINES
                and sum(map(len, buf[i:])) < _MAX_CARD_CHARS
            ):
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
    odd_bytes = raw_bytes and not text.isascii() and _escaped_bytes(text)
    # One match per line with a colon: (name with its group and ";parameters", value).
    # A quote before the first colon may hide a colon of the head: the line reader's case.
    quoted = '"' in text
    props = _PROPERTY.findall(text)
    if len(props) != text.count("\n"):
        return None  # a line that is not a property
    card = _Card(reader.source, reader.lineno + 1)
    fast = _FAST
    for written, value in props:
        found = fast.get(written)
        if found is None:
            found = _fast_entry(written)
            if len(fast) < 4096:
                fast[written] = found
        head, setter = found
        if head is None or setter is None:
            return None  # BEGIN, END, PHOTO, AGENT or an encoded value: the line reader's
        if quoted and '"' in written:
            return None
        # Only bytes that were not UTF-8, or a CHARSET that says otherwise, need decoding.
        if (odd_bytes or (raw_bytes and "CHARSET" in head.params)) and not value.isascii():
            value = _decode(value, head.params, "", True, reader.fallback)
        setter(card, value, head)
    out: list[Item] = []
    _finish(card, reader.source, out)
    return out


def _escaped_bytes(text: str) -> bool:
    """Whether text decoded with surrogateescape holds bytes that were not UTF-8 (the only
    way a lone surrogate gets there); encoding says so faster than a search."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# A head as written (name with group, then ";parameters") -> its parsed head and what sets
# it, or (None, None) for a property only the line reader handles: one look-up a property.
_FAST: dict[str, tuple[_Head | None, Callable[[_Card, str, _Head], None] | None]] = {}


def _fast_entry(
    written: str,
) -> tuple[_Head | None, Callable[[_Card, str, _Head], None] | None]:
    raw_name, semicolon, rest = written.partition(";")
    params = semicolon + rest
    name = _canonical_name(raw_name)
    if name in _WANTED or (params and _encoding_of(params.upper())):
        return None, None
    return _head_of(raw_name, params), _SETTERS.get(name, _keep)


def _is_photo(head_upper: str) -> bool:
    """`PHOTO;...` or `ITEM1.PHOTO;...`: a photo, whatever its group."""
    name = head_upper.split(";", 1)[0].rsplit(".", 1)[-1].strip()
    return name == "PHOTO"


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
    head: _Head,
    value: str,
    mode: str,
    oversize: bool,
    max_photo_bytes: int,
    raw_bytes: bool,
    fallback: str,
) -> None:
    name, params = head.name, head.params
    if name in _NOT_KEPT:
        return
    if name == "PHOTO":
        if not _apply_photo(card.rec, params, value, oversize, max_photo_bytes):
            _keep(card, value, head)
        return
    if oversize and mode != "b64":
        card.rec.remarks.append(
            f"a {name} value longer than {MAX_VALUE_CHARS // 1_000_000} million characters "
            "was left out"
        )
        return
    if mode == "b64":
        if oversize:
            card.rec.remarks.append(f"a {name} value too large to keep was left out")
            return
        value = _base64_value(name, value, params)
    elif mode or (raw_bytes and not value.isascii()):
        value = _decode(value, params, mode, raw_bytes, fallback)
    _SETTERS.get(name, _keep)(card, value, head)


def _base64_value(name: str, value: str, params: dict[str, list[str]]) -> str:
    """A base64 value: text (NOTE;ENCODING=b) decoded by its charset; binary as a data: URI."""
    text = "".join(value.split())
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=False)
    except (binascii.Error, ValueError):
        return value
    if name not in _BINARY and not name.startswith("X-"):
        charset = params["CHARSET"][0] if "CHARSET" in params else ""
        try:
            decoded = data.decode(charset or "utf-8")
        except (UnicodeDecodeError, LookupError):
            decoded = _charset_decode(data, "", "cp1252")
        if "\x00" not in decoded:
            return _escape_text(decoded)
    mime = _photo_mime(data, params)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _escape_text(text: str) -> str:
    """Text as a vCard value holds it: backslashes, newlines and commas escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def _agent_line(card: _Card, name: str, value: str, text: str) -> None:
    """A logical line of a nested AGENT card: part of the agent's value until its END."""
    assert card.agent is not None
    card.agent.append(text)
    upper = value.strip().upper()
    if name == "BEGIN" and upper == "VCARD":
        card.agent_depth += 1
    elif name == "END" and upper == "VCARD":
        card.agent_depth -= 1
    if card.agent_depth <= 0 and (name == "END" or card.agent_depth < 0):
        head = card.agent_head or _head_of("AGENT", "")
        inner = "\n".join(card.agent)
        card.rec.extra.append(CardProperty("AGENT", _escape_text(inner), head.group, head.kept))
        card.agent, card.agent_depth, card.agent_head = None, 0, None


def _keep(card: _Card, value: str, head: _Head) -> None:
    """A property NetDesk does not model: kept as written, given back on export."""
    if head.name in _NOT_KEPT:
        return
    if "\n" in value or "\r" in value:  # a decoded quoted-printable value: lines escaped
        value = value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    card.rec.extra.append(CardProperty(head.name, value, head.group, head.kept))


def _set_fn(card: _Card, value: str, head: _Head) -> None:
    if card.rec.display_name:
        _keep(card, value, head)
        return
    card.rec.display_name = _unescape(value).strip()
    if head.decorated:
        _keep(card, value, head)


def _parts(value: str) -> list[str]:
    """The `;`-separated parts of a structured value, unescaped and stripped."""
    if "\\" not in value:
        return [p.strip() for p in value.split(";")]
    return [_unescape(p).strip() for p in _split_unescaped(value, ";")]


def _set_n(card: _Card, value: str, head: _Head) -> None:
    if card.n_parts is not None:
        _keep(card, value, head)
        return
    card.n_parts = _parts(value)
    if head.decorated:
        _keep(card, value, head)


def _set_org(card: _Card, value: str, head: _Head) -> None:
    if card.org_parts is not None and any(card.org_parts):
        _keep(card, value, head)
        return
    card.org_parts = _parts(value)
    if head.decorated:
        _keep(card, value, head)


def _set_title(card: _Card, value: str, head: _Head) -> None:
    if card.rec.title:
        _keep(card, value, head)
        return
    card.rec.title = _unescape(value).strip()
    if head.decorated:
        _keep(card, value, head)


def _set_role(card: _Card, value: str, head: _Head) -> None:
    if card.rec.role:
        _keep(card, value, head)
        return
    card.rec.role = _unescape(value).strip()
    if head.decorated:
        _keep(card, value, head)


def _note_attrs(attrs: dict[str, Attrs], value: str, new: Attrs) -> None:
    """Keep a value's attributes; a value given twice keeps the types of both."""
    if new is NO_ATTRS:
        return
    old = attrs.get(value)
    if old is None:
        attrs[value] = new
        return
    types = old.types + tuple(t for t in new.types if t not in old.types)
    pref = min(p for p in (old.pref, new.pref) if p) if old.pref or new.pref else 0
    attrs[value] = Attrs(types, pref, old.group or new.group, old.params or new.params)


def _add_once(card: _Card, values: list[str], value: str) -> bool:
    """Append `value` to one of the card's lists unless it is there; True when appended."""
    if len(values) < 4:  # a short list: looking through it costs less than a set
        if value in values:
            return False
        values.append(value)
        return True
    seen = card.seen.get(id(values))
    if seen is None or len(seen) != len(values):  # new, or changed by another path
        seen = card.seen[id(values)] = set(values)
    if value in seen:
        return False
    seen.add(value)
    values.append(value)
    return True


def _set_email(card: _Card, value: str, head: _Head) -> None:
    email = _unescape(value).strip()
    if email.lower().startswith("mailto:"):
        email = email[7:].strip()
    if not email:
        return
    _add_once(card, card.rec.emails, email)
    _note_attrs(card.rec.email_attrs, email, head.attrs)


def _set_tel(card: _Card, value: str, head: _Head) -> None:
    tel = _unescape(value).strip()
    if tel.lower().startswith("tel:"):
        # A tel: URI keeps its extension as a parameter: show it the way people write it.
        number, _, ext = tel[4:].partition(";ext=")
        tel = f"{number} ext. {ext.split(';')[0]}" if ext else number.split(";")[0]
    if not tel:
        return
    _add_once(card, card.rec.phones, tel)
    _note_attrs(card.rec.phone_attrs, tel, head.attrs)


def _set_url(card: _Card, value: str, head: _Head) -> None:
    url = _unescape(value).strip()
    if not url:
        return
    rec = card.rec
    name = head.name
    if name != "URL":
        _keep(card, value, head)  # a social profile: kept whole, its LinkedIn URL matched on
    if is_linkedin_url(url) or (name == "X-LINKEDIN" and "linkedin.com" in url.lower()):
        if not rec.linkedin_url:
            rec.linkedin_url = url
        elif url != rec.linkedin_url and url not in rec.urls:
            if name != "URL":
                return
            rec.urls.append(url)
    elif name == "URL":
        _add_once(card, rec.urls, url)
    if name == "URL":
        _note_attrs(rec.url_attrs, url, head.attrs)


def _set_note(card: _Card, value: str, head: _Head) -> None:
    note = _unescape(value).strip()
    if note:
        rec = card.rec
        rec.notes = f"{rec.notes}\n{note}" if rec.notes else note
        if head.decorated:
            _keep(card, value, head)


def _date_value(value: str, head: _Head) -> str:
    """A BDAY or ANNIVERSARY as YYYY-MM-DD, or --MM-DD when the card says the year is unknown."""
    found = parse_birthday(_unescape(value))
    if found[:1].isdigit():
        omit = head.params.get("X-APPLE-OMIT-YEAR")
        # Apple writes a birthday without a year as 1604 (a leap year long past).
        if found[:4] == "1604" or (omit and found[:4] == omit[0].strip()[:4]):
            found = "--" + found[5:]
    return found


def _set_bday(card: _Card, value: str, head: _Head) -> None:
    found = "" if card.rec.birthday else _date_value(value, head)
    if not found:
        _keep(card, value, head)
        return
    card.rec.birthday = found
    if head.decorated:
        _keep(card, value, head)


def _set_anniversary(card: _Card, value: str, head: _Head) -> None:
    found = "" if card.rec.anniversary else _date_value(value, head)
    if not found:
        _keep(card, value, head)
        return
    card.rec.anniversary = found
    if head.decorated:
        _keep(card, value, head)


def _set_categories(card: _Card, value: str, head: _Head) -> None:
    tags = card.rec.tags
    for tag in _split_unescaped(value, ","):
        tag = _unescape(tag).strip()
        if tag:
            _add_once(card, tags, tag)
    if head.decorated:
        _keep(card, value, head)


def _set_uid(card: _Card, value: str, head: _Head) -> None:
    if card.rec.uid:
        _keep(card, value, head)
        return
    card.rec.uid = _unescape(value).strip()
    if head.decorated:
        _keep(card, value, head)


def _set_nickname(card: _Card, value: str, head: _Head) -> None:
    names = _split_unescaped(value, ",")
    if card.rec.nickname:
        _keep(card, value, head)
        return
    card.rec.nickname = _unescape(names[0]).strip()
    if len(names) > 1:
        _keep(card, value, head)  # the others too, as written
    elif head.decorated:
        _keep(card, value, head)


def _set_adr(card: _Card, value: str, head: _Head) -> None:
    parts = _parts(value)
    parts += [""] * (7 - len(parts))
    if not any(parts):
        _keep(card, value, head)
        return
    if len(parts) > 7:
        parts[6] = ";".join(p for p in parts[6:] if p)
    attrs = head.attrs
    label = ""
    if "LABEL" in head.params:
        label = ",".join(head.params["LABEL"])
        attrs = attrs._replace(params=_params_text(head.params, _ATTR_PARAMS | {"LABEL"}))
    po_box, extended, street, locality, region, code, country = parts[:7]
    card.rec.addresses.append(
        Address(po_box, extended, street, locality, region, code, country, _unescape(label), attrs)
    )


# What each modelled property (except PHOTO, BEGIN, END and AGENT) does to the card being
# read; every other one is kept as written (_keep).
_SETTERS: dict[str, Callable[[_Card, str, _Head], None]] = {
    "FN": _set_fn,
    "N": _set_n,
    "ORG": _set_org,
    "TITLE": _set_title,
    "ROLE": _set_role,
    "EMAIL": _set_email,
    "TEL": _set_tel,
    "ADR": _set_adr,
    "URL": _set_url,
    "X-SOCIALPROFILE": _set_url,
    "X-LINKEDIN": _set_url,
    "NOTE": _set_note,
    "BDAY": _set_bday,
    "ANNIVERSARY": _set_anniversary,
    "CATEGORIES": _set_categories,
    "CATEGORY": _set_categories,
    "UID": _set_uid,
    "NICKNAME": _set_nickname,
}


def _apply_photo(
    rec: ContactRecord, params: dict[str, list[str]], value: str, oversize: bool, limit: int
) -> bool:
    """Take a PHOTO; False when it is not an image carried in the card (a URL: kept as is)."""
    if rec.photo is not None or any("too large" in r or "was left out" in r for r in rec.remarks):
        return True
    if oversize:
        rec.remarks.append(f"photo over {_megabytes(limit)} was left out")
        return True
    value = value.strip()
    encoding = [e.upper() for e in params.get("ENCODING", [])]
    if value[:5].lower() == "data:":
        header, comma, payload = value.partition(",")
        if not comma or ";base64" not in header.lower():
            return False
        value = payload
    elif not any(e in ("B", "BASE64") for e in encoding):
        return False  # a URL (never fetched) or an unencoded value we cannot trust
    text = "".join(value.split()).rstrip("=")
    if len(text) % 4 == 1:
        text = text[:-1]  # a stray character from a cut line; the rest still decodes
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=False)
    except (binascii.Error, ValueError):
        rec.remarks.append("photo could not be decoded and was left out")
        return True
    if not data:
        return True
    if len(data) > limit:
        rec.remarks.append(f"photo over {_megabytes(limit)} was left out")
        return True
    rec.photo = data
    rec.photo_mime = _photo_mime(data, params)
    return True


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
        first = next((i for i, p in enumerate(org) if p), len(org))
        if first < len(org):
            rec.organization = org[first]
            units = org[first + 1 :]
            while units and not units[-1]:
                units.pop()
            rec.org_units = units
    if card.agent is not None:
        # The nested card never ended: what was read of it is the agent's value.
        card.agent_depth = 0
        _agent_line(card, "END", "VCARD", "END:VCARD")
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


# Properties the writer makes from a field, and the field each fills (see _covered).
_FIELD_OF = {
    "FN": ("display_name",),
    "N": ("family_name", "given_name", "middle_name", "prefix", "suffix"),
    "NICKNAME": ("nickname",),
    "ORG": ("organization", "org_units"),
    "TITLE": ("title",),
    "ROLE": ("role",),
    "BDAY": ("birthday",),
    "ANNIVERSARY": ("anniversary",),
    "UID": ("uid",),
    "CATEGORIES": ("tags",),
    "X-SOCIALPROFILE": ("linkedin_url",),
    "X-LINKEDIN": ("linkedin_url",),
}


def _covered(rec: ContactRecord) -> tuple[set[str], set[int]]:
    """Which fields a kept property already says as the record has them, and which of the
    kept properties those are: the writer gives those back as written (with their group
    and parameters) instead of writing the field a second time."""
    fields: set[str] = set()
    used: set[int] = set()
    for i, p in enumerate(rec.extra):
        names = _FIELD_OF.get(p.name)
        if names is None or names[0] in fields:
            continue
        probe = _Card("", 0)
        head = _head_of((p.group + "." if p.group else "") + p.name, p.params)
        _SETTERS[p.name](probe, p.value, head)
        probe.rec.extra.clear()
        out: list[Item] = []
        probe.rec.emails.append("-")  # so that _finish keeps it whatever it holds
        _finish(probe, "", out)
        read = probe.rec
        if p.name in ("X-SOCIALPROFILE", "X-LINKEDIN"):
            if read.linkedin_url and read.linkedin_url == rec.linkedin_url:
                fields.add("linkedin_url")
            continue
        if p.name == "FN" and read.display_name != rec.display_name:
            continue
        if all(getattr(read, n) == getattr(rec, n) for n in names if n != "display_name"):
            fields.update(names)
            used.add(i)
    return fields, used


def _typed_head(name: str, attrs: Attrs, v4: bool) -> str:
    """`item1.TEL;TYPE=work,voice;PREF=1;X-FOO=bar` for a value with these attributes."""
    if attrs is NO_ATTRS:
        return name
    head = f"{attrs.group}.{name}" if attrs.group else name
    types = list(attrs.types)
    if attrs.pref and not v4:
        types.append("pref")
    if types:
        head += ";TYPE=" + ",".join(_quote_param(t) for t in types)
    if attrs.pref and v4:
        head += f";PREF={attrs.pref}"
    return head + attrs.params


def _date(value: str, v4: bool) -> str:
    # 4.0 writes the basic form (19800312, --0312); 3.0 the extended one (1980-03-12).
    return value[:2] + value[2:].replace("-", "") if v4 else value


def card_lines(rec: ContactRecord, version: str = "4.0") -> list[str]:
    """The content lines of one card (unfolded), BEGIN to END."""
    v4 = version == "4.0"
    covered, used = _covered(rec) if rec.extra else (set(), set())
    lines = ["BEGIN:VCARD", f"VERSION:{version}"]
    name = rec.display_name or " ".join(p for p in (rec.given_name, rec.family_name) if p)
    if "display_name" not in covered:
        lines.append("FN:" + _escape(name))
    if "family_name" not in covered:
        lines.append(
            "N:"
            + ";".join(
                _escape(p)
                for p in (rec.family_name, rec.given_name, rec.middle_name, rec.prefix, rec.suffix)
            )
        )
    if rec.nickname and "nickname" not in covered:
        lines.append("NICKNAME:" + _escape(rec.nickname))
    if rec.organization and "organization" not in covered:
        lines.append("ORG:" + ";".join(_escape(p) for p in (rec.organization, *rec.org_units)))
    if rec.title and "title" not in covered:
        lines.append("TITLE:" + _escape(rec.title))
    if rec.role and "role" not in covered:
        lines.append("ROLE:" + _escape(rec.role))
    attrs = rec.email_attrs
    lines.extend(
        _typed_head("EMAIL", attrs.get(e, NO_ATTRS), v4) + ":" + _escape(e) for e in rec.emails
    )
    attrs = rec.phone_attrs
    lines.extend(
        _typed_head("TEL", attrs.get(p, NO_ATTRS), v4) + ":" + _escape(p) for p in rec.phones
    )
    for a in rec.addresses:
        head = _typed_head("ADR", a.attrs, v4)
        if a.label:
            head += ";LABEL=" + _quote_param(a.label.replace("\n", "\\n")) if v4 else ""
        lines.append(head + ":" + ";".join(_escape(p) for p in a.parts()))
        if a.label and not v4:
            group = f"{a.attrs.group}." if a.attrs.group else ""
            types = ";TYPE=" + ",".join(a.attrs.types) if a.attrs.types else ""
            lines.append(f"{group}LABEL{types}:" + _escape(a.label))
    attrs = rec.url_attrs
    if rec.linkedin_url and "linkedin_url" not in covered:
        url = rec.linkedin_url
        lines.append(_typed_head("URL", attrs.get(url, NO_ATTRS), v4) + ":" + _escape(url))
    lines.extend(
        _typed_head("URL", attrs.get(u, NO_ATTRS), v4) + ":" + _escape(u) for u in rec.urls
    )
    if rec.birthday and "birthday" not in covered:
        lines.append("BDAY:" + _date(rec.birthday, v4))
    if rec.anniversary and "anniversary" not in covered:
        if v4:
            lines.append("ANNIVERSARY:" + _date(rec.anniversary, v4))
        else:
            lines.append("X-ANNIVERSARY:" + rec.anniversary)
    if rec.tags and "tags" not in covered:
        lines.append("CATEGORIES:" + ",".join(_escape(t) for t in rec.tags))
    if rec.notes:
        lines.append("NOTE:" + _escape(rec.notes))
    if rec.uid and "uid" not in covered:
        lines.append("UID:" + _escape(rec.uid))
    if rec.photo:
        mime = rec.photo_mime or "image/jpeg"
        data = base64.b64encode(rec.photo).decode("ascii")
        if v4:
            lines.append(f"PHOTO:data:{mime};base64,{data}")
        else:
            kind = mime.rsplit("/", 1)[-1].upper()
            lines.append(f"PHOTO;ENCODING=b;TYPE={kind}:{data}")
    for i, p in enumerate(rec.extra):
        if p.name in _FIELD_OF and i not in used and _FIELD_OF[p.name][0] in covered:
            pass  # a second one of a single property: kept too, as written
        group = f"{p.group}." if p.group else ""
        lines.append(f"{group}{p.name}{p.params}:{p.value}")
    lines.append("END:VCARD")
    return lines


def write_vcards(records: Iterable[ContactRecord], out: TextIO, version: str = "4.0") -> None:
    """Write records as vCard 4.0 or 3.0 (escaped, folded at 75 octets, CRLF line ends).

    Every property a card was read with comes back: the fields NetDesk models, with the
    types, group and parameters of each email, phone, address and web address, and the
    properties it keeps as written (CardProperty).
    """
    if version not in ("4.0", "3.0"):
        raise ValueError(f"unsupported vCard version {version!r}")
    for rec in records:
        lines = card_lines(rec, version)
        out.write("".join(_fold(line) for line in lines))
