"""A local mailbox read as history: who the user wrote to and heard from, and when.

Read only, and only the headers: an mbox file (split on its "From " lines: headers read a
line at a time, bodies skipped a block at a time, so a mailbox of many gigabytes takes the
same memory as a small one; never `mailbox.mbox`, which indexes the whole file), a Maildir
folder, or a folder holding either (Thunderbird's profile folders). Headers are decoded by
the standard library (RFC 2047 words, charsets); a body is never read past, never kept.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from typing import Protocol

from netdesk.core.domain import Direction
from netdesk.core.templates import counted

SOURCE = "mail"

# A message's headers above this size are cut here (the rest of them is not needed): no real
# header block is near it, and a damaged file must not make one line take all memory.
MAX_HEADER_BYTES = 256 * 1024
# Read a line at a time up to this; a longer "line" (binary junk) is read in pieces.
LINE_LIMIT = 64 * 1024
# A message's body is skipped in blocks of this size, never read a line at a time.
SKIP_BLOCK = 1024 * 1024
# Progress is told every this many bytes read.
REPORT_BYTES = 1024 * 1024
SUBJECT_CHARS = 200

# Folder names that hold the mail the user sent, in the languages mail programs use.
_SENT_NAMES = (
    "sent",
    "gesendet",
    "envoy",
    "enviad",
    "inviat",
    "verzonden",
    "skickat",
    "sendt",
    "wysłane",
    "отправленные",
)
# Files in a Thunderbird profile that are not mailboxes.
_NOT_MAIL_SUFFIXES = (".msf", ".dat", ".json", ".sqlite", ".html", ".js", ".txt", ".ini")


@dataclass(frozen=True, slots=True)
class MailFolder:
    """One mailbox to read: an mbox file, or a Maildir folder (its cur/ and new/)."""

    path: Path
    kind: str  # "mbox" or "maildir"
    name: str  # as the user knows it ("Sent", "Inbox")

    @property
    def sent(self) -> bool:
        return is_sent_folder(self.name)

    def size(self) -> int:
        if self.kind == "mbox":
            return _size(self.path)
        return sum(_size(p) for p in _maildir_files(self.path))


@dataclass(frozen=True, slots=True)
class MailHeaders:
    """What one message's headers say that the timeline needs."""

    at: dt.datetime | None
    sender: str  # the From address, lower case
    recipients: tuple[str, ...]  # To, Cc and Bcc addresses, lower case
    subject: str
    key: str  # names the message: its Message-ID, else its date, sender and subject
    folder: MailFolder
    labelled_sent: bool = False  # Gmail's export labels a sent message "Sent"


@dataclass(frozen=True, slots=True)
class MailEntry:
    """One email with one contact, for the timeline."""

    address: str
    at: dt.datetime
    direction: Direction
    subject: str
    source_key: str
    folder: str


@dataclass(slots=True)
class MailReading:
    """What reading the mailboxes found: the entries with known people, and counts."""

    entries: list[MailEntry] = field(default_factory=list)
    messages: int = 0
    without_date: int = 0
    unknown_sender: int = 0  # to a contact, from an address not known as the user's
    own: set[str] = field(default_factory=set)  # the user's addresses, given and found
    folders: list[str] = field(default_factory=list)


def is_sent_folder(name: str) -> bool:
    folded = name.casefold()
    return any(word in folded for word in _SENT_NAMES)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _maildir_files(path: Path) -> Iterator[Path]:
    for sub in ("cur", "new"):
        folder = path / sub
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if not name.startswith("."):
                yield folder / name


def _looks_like_mbox(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(5)
    except OSError:
        return False
    return head == b"From "


def _folder_name(path: Path, root: Path) -> str:
    """'Inbox', 'Sent', 'Work/Projects': a Thunderbird '.sbd' or Maildir '.' level as '/'."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    parts = [p[:-4] if p.endswith(".sbd") else p.lstrip(".") for p in rel.parts]
    return "/".join(p for p in parts if p) or path.name


def find_folders(path: Path) -> list[MailFolder]:
    """The mailboxes at `path`: the mbox file itself, the Maildir, or every mbox and Maildir
    under a folder (a Thunderbird profile's Mail and ImapMail folders). Sent folders come
    first, so the user's own addresses are known before the rest is read."""
    path = Path(path)
    if path.is_file():
        if not _looks_like_mbox(path):
            raise ValueError(f"{path.name} is not a mailbox (an mbox file starts with 'From ')")
        return [MailFolder(path, "mbox", path.stem or path.name)]
    if not path.is_dir():
        raise ValueError(f"{path.name}: no such file or folder")
    found: list[MailFolder] = []
    if _is_maildir(path):
        found.append(MailFolder(path, "maildir", path.name.lstrip(".") or "Inbox"))
    for dirpath, dirnames, filenames in os.walk(path):
        here = Path(dirpath)
        dirnames.sort()
        for sub in list(dirnames):
            child = here / sub
            if sub in ("cur", "new", "tmp") and _is_maildir(here):
                dirnames.remove(sub)
            elif _is_maildir(child) and child != path:
                found.append(MailFolder(child, "maildir", _folder_name(child, path)))
        if _is_maildir(here):
            continue
        for name in sorted(filenames):
            if name.lower().endswith(_NOT_MAIL_SUFFIXES) or name.startswith("."):
                continue
            file = here / name
            if _looks_like_mbox(file):
                found.append(MailFolder(file, "mbox", _folder_name(file, path)))
    if not found:
        raise ValueError(f"{path.name} holds no mailbox (no mbox file and no Maildir folder)")
    found.sort(key=lambda f: (not f.sent, str(f.path)))
    return found


# --- reading headers ------------------------------------------------------------------------

# compat32 splits the headers and leaves their values as written, and `decoded` turns the
# ones NetDesk shows into text: the default policy's parser of every structured header
# costs ten times as much, and a mailbox has hundreds of thousands of messages.
_parser = BytesHeaderParser(policy=compat32)


def decoded(value: object) -> str:
    """A header's text: RFC 2047 encoded words decoded in the charsets they name, raw 8-bit
    bytes read as UTF-8 (else cp1252), a charset nobody knows read as UTF-8."""
    try:
        parts = decode_header(value)  # type: ignore[arg-type]
        eight_bit = [chunk for chunk, charset in parts if charset == "unknown-8bit"]
        if eight_bit and isinstance(eight_bit[0], bytes) and len(parts) == 1:
            text = eight_bit[0].decode("utf-8", "surrogateescape")  # undeclared 8-bit bytes
        else:
            text = str(make_header(parts))
    except (LookupError, UnicodeError, ValueError, HeaderParseError):
        text = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        raw = text.encode("utf-8", "surrogateescape")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
    return text


def _addresses(values: Sequence[str]) -> tuple[str, ...]:
    out = []
    for _, address in email.utils.getaddresses([v for v in values if v]):
        address = address.strip().strip("<>").lower()
        if "@" in address:
            out.append(address)
    return tuple(dict.fromkeys(out))


def _header(message: Message, name: str) -> str:
    values = message.get_all(name) or []
    return ", ".join(p for p in (decoded(v) for v in values) if p)


def _moment(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when


def parse_headers(raw: bytes, folder: MailFolder) -> MailHeaders:
    """The headers of one message, decoded (RFC 2047 words, any charset they name)."""
    message = _parser.parsebytes(raw)
    sender = _addresses([_header(message, "From")])
    subject = " ".join(_header(message, "Subject").split())[:SUBJECT_CHARS]
    at = _moment(_header(message, "Date"))
    message_id = _header(message, "Message-ID").strip()
    key_text = message_id or "\x1f".join((str(at), sender[0] if sender else "", subject))
    labels = _header(message, "X-Gmail-Labels").casefold()
    return MailHeaders(
        at,
        sender[0] if sender else "",
        _addresses([_header(message, h) for h in ("To", "Cc", "Bcc")]),
        subject,
        hashlib.sha1(key_text.encode("utf-8", "surrogatepass")).hexdigest()[:24],
        folder,
        labelled_sent="sent" in {w.strip() for w in labels.split(",")},
    )


Progress = Callable[[int], None]  # bytes read so far (all folders)


def _next_separator(data: bytes, start: int) -> int:
    """Where the next "From " line starts in `data` (after a blank line), or -1."""
    i = data.find(b"\nFrom ", start)
    while i >= 0:
        if (i >= 1 and data[i - 1] == 0x0A) or (i >= 2 and data[i - 2 : i] == b"\n\r"):
            return i + 1
        i = data.find(b"\nFrom ", i + 1)
    return -1


def _mbox_headers(folder: MailFolder, progress: Progress, done_before: int) -> Iterator[bytes]:
    """The header block of each message of an mbox: headers are read a line at a time,
    bodies skipped a block at a time up to the next "From " line after a blank one."""
    with open(folder.path, "rb") as f:
        header = bytearray()
        in_header = False
        at_line_start = True
        previous_blank = True
        next_report = 0
        while True:
            line = f.readline(LINE_LIMIT)
            if not line:
                break
            starts = at_line_start
            at_line_start = line.endswith(b"\n")
            if starts and line.startswith(b"From ") and previous_blank:
                if in_header and header:
                    yield bytes(header)
                header.clear()
                in_header = True
                previous_blank = False
                continue
            blank = starts and line in (b"\n", b"\r\n")
            if in_header and not blank:
                if len(header) < MAX_HEADER_BYTES:
                    header += line
                previous_blank = False
                continue
            if in_header:
                yield bytes(header)
                header.clear()
                in_header = False
            if not blank:
                previous_blank = False
                continue
            # After a blank line, at the start of a line: skip the body a block at a time.
            # `context` stands for what came just before the block (here: a blank line).
            # Blocks start small (most bodies are) and grow for a long one.
            context = b"\n\n"
            size = 8 * 1024
            while True:
                offset = f.tell()
                block = f.read(size)
                if not block:
                    break
                if offset + len(block) >= next_report:
                    progress(done_before + offset + len(block))
                    next_report = offset + len(block) + REPORT_BYTES
                data = context + block
                found = _next_separator(data, 0)
                if found >= 0:
                    f.seek(offset + found - len(context))
                    break
                context = data[-8:]
                size = min(size * 2, SKIP_BLOCK)
            at_line_start = previous_blank = True
        if in_header and header:
            yield bytes(header)
        progress(done_before + f.tell())


def _maildir_headers(folder: MailFolder, progress: Progress, done_before: int) -> Iterator[bytes]:
    read = 0
    for file in _maildir_files(folder.path):
        header = bytearray()
        try:
            with open(file, "rb") as f:
                for line in iter(lambda: f.readline(LINE_LIMIT), b""):
                    if line in (b"\n", b"\r\n") or len(header) >= MAX_HEADER_BYTES:
                        break
                    header += line
        except OSError:
            continue
        read += _size(file)
        progress(done_before + read)
        yield bytes(header)


def read_mail(
    folders: Sequence[MailFolder],
    contacts: Callable[[str], bool],
    *,
    own: Sequence[str] = (),
    progress: Progress = lambda _: None,
    check: Callable[[], None] = lambda: None,
) -> MailReading:
    """Every email between the user and a known address (`contacts` says which addresses
    are someone's in the network): one entry per contact per message, dated, with its
    subject. Only those entries are kept, so memory follows the mail with contacts, not
    the size of the mailbox.

    The user's addresses are those given, and the From of every message in a Sent folder
    (or labelled Sent); a message from an address that is neither, to a contact, is
    counted but not kept. `check` may raise to cancel.
    """
    reading = MailReading(own={a.strip().lower() for a in own if a.strip()})
    done = 0
    seen: set[str] = set()  # the same message in two folders (Gmail's All Mail and Sent)
    for folder in folders:
        reading.folders.append(folder.name)
        blocks = (
            _mbox_headers(folder, progress, done)
            if folder.kind == "mbox"
            else _maildir_headers(folder, progress, done)
        )
        for raw in blocks:
            check()
            reading.messages += 1
            headers = parse_headers(raw, folder)
            sent_folder = folder.sent or headers.labelled_sent
            if sent_folder and headers.sender:
                reading.own.add(headers.sender)
            _add_entries(reading, headers, contacts, sent_folder, seen)
        done += folder.size()
    return reading


def _add_entries(
    reading: MailReading,
    headers: MailHeaders,
    contacts: Callable[[str], bool],
    sent_folder: bool,
    seen: set[str],
) -> None:
    outgoing = headers.sender in reading.own or (sent_folder and bool(headers.sender))
    if outgoing:
        people = [a for a in headers.recipients if a not in reading.own and contacts(a)]
        direction = Direction.OUTGOING
    elif headers.sender and contacts(headers.sender):
        people = [headers.sender]
        direction = Direction.INCOMING
    else:
        if any(contacts(a) for a in headers.recipients):
            reading.unknown_sender += 1
        return
    if not people:
        return
    if headers.at is None:
        reading.without_date += 1
        return
    if headers.key in seen:
        return
    seen.add(headers.key)
    for address in people:
        reading.entries.append(
            MailEntry(
                address,
                headers.at,
                direction,
                headers.subject,
                headers.key,
                headers.folder.name,
            )
        )


class HistoryCounts(Protocol):
    """What one file of a history (a mailbox, a LinkedIn archive's file) would add."""

    new: int
    people: int
    already: int
    outside: int
    left_out: int
    not_yours: int


def history_parts(counts: HistoryCounts, not_yours_hint: str) -> list[str]:
    """The parts of a history file's preview line: "9 new timeline entries for 4 people",
    "2 already there", "1 about people not in your network", "1 left out (drafts or rows
    without a date)"; `not_yours_hint` says how to name the user's other addresses."""
    parts = [counted(counts.new, "new timeline entry", "new timeline entries")]
    if counts.new:
        parts[0] += " for " + counted(counts.people, "person", "people")
    if counts.already:
        parts.append(f"{counts.already:,} already there")
    if counts.outside:
        parts.append(f"{counts.outside:,} about people not in your network")
    if counts.left_out:
        parts.append(f"{counts.left_out:,} left out (drafts or rows without a date)")
    if counts.not_yours:
        parts.append(
            f"{counts.not_yours:,} to them from addresses not known as yours ({not_yours_hint})"
        )
    return parts
