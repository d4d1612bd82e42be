"""The LinkedIn data archive (the ZIP LinkedIn sends, or its unpacked folder) read as history:
messages, invitations, recommendations and endorsements become timeline entries.

Every file is read by header name, so the column sets of different archive years (with or
without SENDER PROFILE URL, RECIPIENT PROFILE URLS, IS MESSAGE DRAFT, FOLDER, the invitation
profile URLs, the older Messages.csv with its own Direction column) all read the same.
Connections.csv is left to the contact-file reader, as any LinkedIn CSV is.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from netdesk.core.domain import Direction, InteractionKind
from netdesk.core.matching import name_key, normalize_linkedin
from netdesk.core.records import ContactRecord, ImportProblem

SOURCE = "linkedin"

# The files read, by their name in lower case (anywhere in the archive).
CONNECTIONS = "connections.csv"
MESSAGES = "messages.csv"
INVITATIONS = "invitations.csv"
PROFILE = "profile.csv"
RECOMMENDATIONS_GIVEN = "recommendations_given.csv"
RECOMMENDATIONS_RECEIVED = "recommendations_received.csv"
ENDORSEMENTS_RECEIVED = "endorsement_received_info.csv"
HISTORY_FILES = (
    MESSAGES,
    INVITATIONS,
    RECOMMENDATIONS_RECEIVED,
    RECOMMENDATIONS_GIVEN,
    ENDORSEMENTS_RECEIVED,
)
KNOWN_FILES = (CONNECTIONS, PROFILE, *HISTORY_FILES)

# How much of a message's first line the timeline keeps.
SUMMARY_CHARS = 200
# A member larger than this (uncompressed) is not read: no archive of LinkedIn's is near it,
# and a crafted ZIP could expand to fill the disk.
MAX_MEMBER_BYTES = 1024 * 1024 * 1024
# A cell may hold a long message; csv's default limit (128 KB) would stop at one.
MAX_FIELD_CHARS = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Party:
    """Someone named in the archive: the name as written, and the profile's key ("" when the
    file gives no profile address)."""

    name: str
    profile: str = ""

    @property
    def name_key(self) -> str:
        return name_key(ContactRecord(display_name=self.name))


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One thing that happened with one person, ready for the timeline."""

    who: Party
    kind: InteractionKind
    at: dt.datetime
    direction: Direction
    summary: str
    source_key: str  # names it in the archive: the same message is the same key every year
    file: str  # the file it came from, as named in the archive
    helped: str = ""  # what they did that helped (rule 4), for help received


@dataclass(slots=True)
class FileReading:
    """What one file of the archive gave."""

    name: str
    rows: int = 0
    entries: int = 0
    drafts: int = 0  # unsent drafts, left out
    skipped: int = 0  # rows without a date or a person


@dataclass(slots=True)
class ArchiveHistory:
    """Everything the archive says happened, with the owner it was read for."""

    owner: Party | None
    entries: list[HistoryEntry] = field(default_factory=list)
    files: dict[str, FileReading] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)


def is_archive(path: Path) -> bool:
    """Whether `path` is a LinkedIn data archive: a ZIP or folder holding one of its files
    beside Connections.csv or messages.csv."""
    try:
        with open_archive(path) as archive:
            names = set(archive.names)
    except (OSError, ValueError, zipfile.BadZipFile):
        return False
    return bool(names & {CONNECTIONS, MESSAGES}) and bool(names & set(KNOWN_FILES) - {PROFILE})


class Archive:
    """The files of an archive, by lower-case name; a ZIP is read in place, never unpacked
    whole."""

    def __init__(self, path: Path, zf: zipfile.ZipFile | None) -> None:
        self.path = path
        self.label = path.name
        self._zip = zf
        self._members: dict[str, str] = {}
        if zf is not None:
            for info in zf.infolist():
                base = info.filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
                if base in KNOWN_FILES and not info.is_dir() and base not in self._members:
                    self._members[base] = info.filename
        else:
            for child in sorted(path.rglob("*.csv")):
                base = child.name.lower()
                if base in KNOWN_FILES and base not in self._members:
                    self._members[base] = str(child)

    @property
    def names(self) -> list[str]:
        return list(self._members)

    def display_name(self, name: str) -> str:
        """The file's own name as the archive spells it ("Connections.csv")."""
        member = self._members.get(name, name)
        return member.replace("\\", "/").rsplit("/", 1)[-1]

    @contextlib.contextmanager
    def open_text(self, name: str) -> Iterator[IO[str]]:
        member = self._members[name]
        if self._zip is None:
            with open(member, encoding="utf-8-sig", errors="replace", newline="") as f:
                yield f
            return
        info = self._zip.getinfo(member)
        if info.file_size > MAX_MEMBER_BYTES:
            raise ValueError(f"{self.display_name(name)} is too large to be LinkedIn's")
        with self._zip.open(info) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")

    @contextlib.contextmanager
    def connections_file(self) -> Iterator[Path | None]:
        """Connections.csv as a file the contact-file reader can open (a private temporary
        copy when it lives in a ZIP, removed afterwards); None when the archive has none."""
        member = self._members.get(CONNECTIONS)
        if member is None:
            yield None
            return
        if self._zip is None:
            yield Path(member)
            return
        info = self._zip.getinfo(member)
        if info.file_size > MAX_MEMBER_BYTES:
            raise ValueError("Connections.csv is too large to be LinkedIn's")
        folder = tempfile.mkdtemp(prefix="netdesk-linkedin-")
        try:
            target = Path(folder) / "Connections.csv"
            with self._zip.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out, 1024 * 1024)
            yield target
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def open_archive(path: Path) -> Iterator[Archive]:
    path = Path(path)
    if path.is_dir():
        yield Archive(path, None)
        return
    with zipfile.ZipFile(path) as zf:
        yield Archive(path, zf)


# --- reading rows by header name ---------------------------------------------------------


def _header_key(name: str) -> str:
    """'SENDER PROFILE URL', 'senderProfileUrl' and 'Sender_Profile_Url' alike."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _rows(f: IO[str], source: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row as {header key: value}, with the line it starts on. A preamble before the
    header (Connections.csv's "Notes:") is skipped: the header is the first row of
    several cells."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    # strict: a quoted cell left open (a file cut short) is an error naming its line, not
    # a cell that silently swallows the rest of the file.
    reader = csv.reader(f, strict=True)
    header: list[str] | None = None
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if header is None:
                if len([c for c in row if c.strip()]) >= 2:
                    header = [_header_key(c) for c in row]
                continue
            if not any(c.strip() for c in row):
                continue
            yield start, {h: (row[i] if i < len(row) else "") for i, h in enumerate(header)}
    except csv.Error as exc:
        raise DamagedFile(reader.line_num, f"the file is damaged here ({exc})") from exc


class DamagedFile(ValueError):
    """A file of the archive that cannot be read past a line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


def _problem(source: str, exc: Exception) -> ImportProblem:
    line = exc.line if isinstance(exc, DamagedFile) else 0
    return ImportProblem(source, line, str(exc) or exc.__class__.__name__)


def _get(row: dict[str, str], *names: str) -> str:
    for name in names:
        value = row.get(_header_key(name))
        if value is not None and value.strip():
            return value.strip()
    return ""


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%y, %I:%M %p",
    "%m/%d/%Y, %I:%M %p",
    "%m/%d/%y, %H:%M",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %b %Y",
    "%m/%d/%y",
    "%m/%d/%Y",
    "%b %d, %Y",
)


def parse_moment(text: str) -> dt.datetime | None:
    """A date as the archive's files write it, in local time; None when it is none of them.

    "2023-06-11 15:33:58 UTC" and "2023/06/05 15:47:58 UTC" (messages, endorsements: UTC),
    "6/11/23, 3:33 PM" (invitations, recommendations), "01 Jan 2024" (connections)."""
    text = " ".join(text.replace("\u202f", " ").split())
    if not text:
        return None
    utc = False
    for suffix in (" UTC", " GMT", "Z", "+00:00"):
        if text.endswith(suffix):
            text, utc = text[: -len(suffix)].rstrip(), True
            break
    if "." in text[-7:] and text.count(":") >= 2:
        text = text.rsplit(".", 1)[0]  # fractions of a second
    for fmt in _DATE_FORMATS:
        try:
            moment = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if utc:
            moment = moment.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
        return moment
    return None


def first_line(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first line with words in it, cut to `limit` characters."""
    for line in text.splitlines():
        words = " ".join(line.split())
        if words:
            return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
    return ""


def _key(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _profile(url: str) -> str:
    url = url.strip()
    if url and "://" not in url:
        url = "https://" + url
    return normalize_linkedin(url) if url else ""


def _split_urls(text: str) -> list[str]:
    return [p for p in re.split(r"[;,\s]+", text) if p.strip()]


def _split_names(text: str, count: int) -> list[str]:
    """The TO cell's names. Several are comma-separated; a name may itself hold a comma
    ("Lee, Dana"), which is kept when the number of profile addresses says so."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if count and len(parts) != count:
        if count == 1:
            return [text.strip()]
        return parts[:count] if len(parts) > count else parts
    return parts


def _yes(text: str) -> bool:
    return text.strip().lower() in ("yes", "true", "1", "y")


# --- the owner ---------------------------------------------------------------------------


def _owner_from_profile(archive: Archive) -> Party | None:
    if PROFILE not in archive.names:
        return None
    with archive.open_text(PROFILE) as f:
        for _, row in _rows(f, archive.display_name(PROFILE)):
            name = " ".join(p for p in (_get(row, "First Name"), _get(row, "Last Name")) if p)
            if name:
                return Party(name)
    return None


@dataclass(slots=True)
class _Message:
    line: int
    conversation: str
    sender: Party
    recipients: list[Party]
    at: dt.datetime | None
    subject: str
    content: str
    draft: bool
    direction: str  # the older layout's own INCOMING / OUTGOING, else ""


def _messages(archive: Archive) -> Iterator[_Message]:
    source = archive.display_name(MESSAGES)
    with archive.open_text(MESSAGES) as f:
        for line, row in _rows(f, source):
            urls = _split_urls(_get(row, "RECIPIENT PROFILE URLS", "recipientProfileUrls"))
            names = _split_names(_get(row, "TO"), len(urls))
            recipients = [
                Party(name, _profile(urls[i]) if i < len(urls) else "")
                for i, name in enumerate(names)
            ]
            if not names:
                recipients = [Party("", _profile(u)) for u in urls]
            yield _Message(
                line,
                _get(row, "CONVERSATION ID"),
                Party(_get(row, "FROM"), _profile(_get(row, "SENDER PROFILE URL"))),
                recipients,
                parse_moment(_get(row, "DATE", "Sent At")),
                _get(row, "SUBJECT"),
                _get(row, "CONTENT", "Body"),
                _yes(_get(row, "IS MESSAGE DRAFT")) or _get(row, "FOLDER").upper() == "DRAFT",
                _get(row, "DIRECTION").upper(),
            )


def _same(a: Party, b: Party) -> bool:
    if a.profile and b.profile:
        return a.profile == b.profile
    return bool(a.name) and a.name_key == b.name_key


def _owner_from_messages(messages: Sequence[_Message]) -> Party | None:
    """The party present in every conversation (of at least two)."""
    conversations: dict[str, set[str]] = {}
    names: dict[str, Party] = {}
    for m in messages:
        if m.direction:
            continue  # the older layout says the direction itself
        key = m.conversation or f"{m.sender.name_key}>{','.join(r.name_key for r in m.recipients)}"
        present = conversations.setdefault(key, set())
        for party in (m.sender, *m.recipients):
            if party.name:
                present.add(party.name_key)
                if party.profile or party.name_key not in names:
                    names[party.name_key] = party
    if len(conversations) < 2:
        return None
    common = set.intersection(*conversations.values())
    if len(common) != 1:
        return None
    return names[common.pop()]


# --- reading the history -----------------------------------------------------------------


def read_history(archive: Archive) -> ArchiveHistory:
    """Every timeline entry the archive's history files hold; a file that cannot be read is
    a problem naming it (and the line), and the others are still read."""
    owner = _owner_from_profile(archive)
    history = ArchiveHistory(owner)
    messages: list[_Message] = []
    if MESSAGES in archive.names:
        try:
            for message in _messages(archive):
                messages.append(message)  # those before a damaged line are kept
        except (ValueError, OSError, zipfile.BadZipFile) as exc:
            history.problems.append(_problem(archive.display_name(MESSAGES), exc))
    if messages:
        # The party in every conversation is the owner as the messages name them (with
        # their profile address); Profile.csv may carry a name they have since changed.
        owner = _owner_from_messages(messages) or owner
        history.owner = owner
        _message_entries(archive, messages, owner, history)
    readers = (
        (INVITATIONS, _invitation_entries),
        (RECOMMENDATIONS_RECEIVED, _recommendations_received),
        (RECOMMENDATIONS_GIVEN, _recommendations_given),
        (ENDORSEMENTS_RECEIVED, _endorsements_received),
    )
    for name, read in readers:
        if name not in archive.names:
            continue
        source = archive.display_name(name)
        reading = history.files.setdefault(name, FileReading(source))
        try:
            with archive.open_text(name) as f:
                for line, row in _rows(f, source):
                    reading.rows += 1
                    entries = read(row, owner, source, line)
                    if not entries:
                        reading.skipped += 1
                    reading.entries += len(entries)
                    history.entries.extend(entries)
        except (ValueError, OSError, zipfile.BadZipFile) as exc:
            history.problems.append(_problem(source, exc))
    return history


def _message_entries(
    archive: Archive, messages: Sequence[_Message], owner: Party | None, history: ArchiveHistory
) -> None:
    source = archive.display_name(MESSAGES)
    reading = history.files.setdefault(MESSAGES, FileReading(source))
    for m in messages:
        reading.rows += 1
        if m.draft:
            reading.drafts += 1
            continue
        if m.at is None:
            reading.skipped += 1
            continue
        if m.direction:
            outgoing = m.direction.startswith("OUT")
        elif owner is not None:
            outgoing = _same(m.sender, owner)
        else:
            reading.skipped += 1
            continue
        summary = first_line(m.content) or first_line(m.subject)
        key = _key("message", m.conversation, m.at.isoformat(), m.sender.name, m.content)
        if outgoing:
            others = [r for r in m.recipients if owner is None or not _same(r, owner)]
            direction = Direction.OUTGOING
        else:
            others = [m.sender]
            direction = Direction.INCOMING
        others = [p for p in others if p.name or p.profile]
        if not others:
            reading.skipped += 1
            continue
        for who in others:
            history.entries.append(
                HistoryEntry(who, InteractionKind.MESSAGE, m.at, direction, summary, key, source)
            )
            reading.entries += 1


def _invitation_entries(
    row: dict[str, str], owner: Party | None, source: str, line: int
) -> list[HistoryEntry]:
    at = parse_moment(_get(row, "Sent At", "Date"))
    direction_text = _get(row, "Direction").upper()
    sender = Party(_get(row, "From"), _profile(_get(row, "inviterProfileUrl")))
    invitee = Party(_get(row, "To"), _profile(_get(row, "inviteeProfileUrl")))
    if direction_text:
        outgoing = direction_text.startswith("OUT")
    elif owner is not None:
        outgoing = _same(sender, owner)
    else:
        return []
    who = invitee if outgoing else sender
    if at is None or not (who.name or who.profile):
        return []
    note = _get(row, "Message")
    if note:
        kind = InteractionKind.INVITATION
        summary = first_line(note)
    else:
        kind = InteractionKind.CONNECTED
        summary = "Invitation to connect sent" if outgoing else "Invitation to connect received"
    direction = Direction.OUTGOING if outgoing else Direction.INCOMING
    key = _key("invitation", sender.name, invitee.name, at.isoformat())
    return [HistoryEntry(who, kind, at, direction, summary, key, source)]


def _person(row: dict[str, str], *prefix: str) -> Party:
    first = _get(row, *(f"{p}First Name" for p in prefix))
    last = _get(row, *(f"{p}Last Name" for p in prefix))
    return Party(" ".join(p for p in (first, last) if p))


def _recommendations_received(
    row: dict[str, str], owner: Party | None, source: str, line: int
) -> list[HistoryEntry]:
    who = _person(row, "")
    at = parse_moment(_get(row, "Creation Date", "Created Date", "Date"))
    status = _get(row, "Status").upper()
    if at is None or not who.name or status in ("HIDDEN", "REJECTED", "PENDING"):
        return []
    text = _get(row, "Text", "Body")
    summary = "Recommendation on LinkedIn"
    if first_line(text, 120):
        summary += f": {first_line(text, 120)}"
    key = _key("recommendation received", who.name, at.isoformat())
    return [
        HistoryEntry(
            who,
            InteractionKind.REFERENCE_GIVEN,
            at,
            Direction.INCOMING,
            summary,
            key,
            source,
            helped="the recommendation they wrote you on LinkedIn",
        )
    ]


def _recommendations_given(
    row: dict[str, str], owner: Party | None, source: str, line: int
) -> list[HistoryEntry]:
    who = _person(row, "")
    at = parse_moment(_get(row, "Creation Date", "Created Date", "Date"))
    if at is None or not who.name:
        return []
    text = _get(row, "Text", "Body")
    summary = "Recommendation you wrote on LinkedIn"
    if first_line(text, 120):
        summary += f": {first_line(text, 120)}"
    key = _key("recommendation given", who.name, at.isoformat())
    return [
        HistoryEntry(who, InteractionKind.MESSAGE, at, Direction.OUTGOING, summary, key, source)
    ]


def _endorsements_received(
    row: dict[str, str], owner: Party | None, source: str, line: int
) -> list[HistoryEntry]:
    first = _get(row, "Endorser First Name")
    last = _get(row, "Endorser Last Name")
    who = Party(" ".join(p for p in (first, last) if p), _profile(_get(row, "Endorser Public Url")))
    at = parse_moment(_get(row, "Endorsement Date"))
    skill = _get(row, "Skill Name")
    status = _get(row, "Endorsement Status").upper()
    if at is None or not (who.name or who.profile) or status in ("HIDDEN", "REJECTED"):
        return []
    what = f"endorsed you for {skill}" if skill else "endorsed you"
    key = _key("endorsement", who.name, who.profile, skill, at.isoformat())
    return [
        HistoryEntry(
            who,
            InteractionKind.ENDORSEMENT,
            at,
            Direction.INCOMING,
            f"Endorsed {skill} on LinkedIn" if skill else "Endorsement on LinkedIn",
            key,
            source,
            helped=what,
        )
    ]


# --- who each entry is about ---------------------------------------------------------------


@dataclass(slots=True)
class Directory:
    """The people entries may be about: by LinkedIn profile key, and by name key (with the
    profile each holds, "" when none)."""

    profiles: dict[str, int] = field(default_factory=dict)
    names: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def add(self, contact_id: int, name: str, profile: str) -> None:
        if profile:
            self.profiles.setdefault(profile, contact_id)
        key = Party(name).name_key if name else ""
        if key:
            self.names.setdefault(key, []).append((contact_id, profile))

    def find(self, who: Party) -> int | None:
        """The one person `who` is: by profile first, then by a name only one person has
        (and whose own profile, when known, is not another one)."""
        if who.profile and (found := self.profiles.get(who.profile)) is not None:
            return found
        if not who.name:
            return None
        candidates = [
            cid
            for cid, profile in self.names.get(who.name_key, ())
            if not (who.profile and profile and profile != who.profile)
        ]
        return candidates[0] if len(set(candidates)) == 1 else None


@dataclass(slots=True)
class Assigned:
    """The entries matched to people, and per file how many named nobody in the network."""

    rows: list[tuple[int, HistoryEntry]] = field(default_factory=list)
    unmatched: dict[str, int] = field(default_factory=dict)
    people: dict[str, set[str]] = field(default_factory=dict)  # per file: names not matched


def assign(entries: Sequence[HistoryEntry], directory: Directory) -> Assigned:
    """Each entry with the contact it is about; entries about people who are not in the
    network (not a connection, nor anyone the store knows) are counted, not kept."""
    out = Assigned()
    for entry in entries:
        found = directory.find(entry.who)
        if found is None:
            out.unmatched[entry.file] = out.unmatched.get(entry.file, 0) + 1
            out.people.setdefault(entry.file, set()).add(entry.who.name or entry.who.profile)
            continue
        out.rows.append((found, entry))
    return out
