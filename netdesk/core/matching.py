"""Normalizers for contact identifiers, and the plan that matches imported records to known ones."""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol

from netdesk.core.records import RECORD_FIELDS, ContactRecord, ImportProblem

# --- normalizers -----------------------------------------------------------------------------

_PHONE_EXTENSION = re.compile(r"(?:;ext=|\s*(?:ext\.?|x|#)\s*\d+\s*$)", re.IGNORECASE)
_NOT_DIGIT = re.compile(r"\D+")
_PUNCTUATION = re.compile(r"[^\w\s]")
_COMPANY_SUFFIXES = frozenset(
    {
        "inc",
        "llc",
        "gmbh",
        "ltd",
        "corp",
        "co",
        "corporation",
        "incorporated",
        "limited",
        "plc",
        "ag",
        "sa",
        "sarl",
        "bv",
        "nv",
        "srl",
        "oy",
        "ab",
        "kg",
        "pty",
        "llp",
        "lp",
    }
)
_BIRTHDAY = re.compile(r"(\d{4}|--)-?(\d\d)-?(\d\d)(?![\d])")


def normalize_email(s: str) -> str:
    """Lowercase an address and drop a `mailto:` scheme; "" when it is blank."""
    s = s.strip()
    if s[:7].lower() == "mailto:":
        s = s[7:].strip()
    return s.lower()


def normalize_phone(s: str) -> str:
    """Reduce a phone number to digits with a leading `+` when it carries a country code.

    `00` becomes `+`; spaces, dots, dashes, parentheses and extensions go. A number written
    without a country code stays as plain digits: guessing the region would need a phone
    library and the user's locale, and a wrong guess would merge two different people.
    """
    s = s.strip()
    if s[:4].lower() == "tel:":
        s = s[4:]
    # Every form of extension has an x (ext, ;ext=, x) or a #: most numbers skip the search.
    if "x" in s or "X" in s or "#" in s:
        m = _PHONE_EXTENSION.search(s)
        if m:
            s = s[: m.start()]
    plus = s.lstrip().startswith("+")
    digits = _NOT_DIGIT.sub("", s)
    if not digits:
        return ""
    if plus:
        return "+" + digits
    if digits.startswith("00") and len(digits) > 4:
        return "+" + digits[2:]
    return digits


def is_linkedin_url(url: str) -> bool:
    """True when the URL's host is linkedin.com or one of its subdomains."""
    u = url.strip().lower()
    for scheme in ("https://", "http://"):
        if u.startswith(scheme):
            u = u[len(scheme) :]
            break
    host = u.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
    return host == "linkedin.com" or host.endswith(".linkedin.com")


def normalize_linkedin(url: str) -> str:
    """`https://www.LinkedIn.com/in/Ada/?x=1` -> `linkedin.com/in/ada`; "" when not LinkedIn."""
    u = url.strip().lower()
    # The host test of is_linkedin_url, on the string already lowered.
    rest = u[8:] if u.startswith("https://") else u[7:] if u.startswith("http://") else u
    host = rest.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return ""
    u = u.split("://", 1)[-1]
    u = u.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    path = u.split("/", 1)[1] if "/" in u else ""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] in ("in", "pub", "company"):
        return f"linkedin.com/{parts[0]}/{parts[1]}"
    return "linkedin.com/" + "/".join(parts) if parts else "linkedin.com"


class _Uncombined(dict[int, int | None]):
    """A str.translate table that drops combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        if len(self) < 65536:
            self[code] = kept
        return kept


_UNCOMBINED = _Uncombined()


def _fold(s: str) -> str:
    if s.isascii():
        # Neither case folding nor NFKD does more than lowercase ASCII.
        return " ".join(s.lower().split())
    decomposed = unicodedata.normalize("NFKD", s.casefold())
    return " ".join(decomposed.translate(_UNCOMBINED).split())


def name_key(record: ContactRecord) -> str:
    """Casefolded, accent-free, whitespace-collapsed full name used to spot likely duplicates."""
    name = record.display_name
    if not name or "@" in name:
        name = " ".join(p for p in (record.given_name, record.family_name) if p) or name
    return _fold(name)


@functools.lru_cache(maxsize=4096)
def company_key(org: str) -> str:
    """Casefolded company name without punctuation or legal suffixes (Inc, LLC, GmbH...)."""
    # Cached: an import or a network names the same few hundred companies again and again.
    words = _PUNCTUATION.sub(" ", _fold(org)).split()
    while words and words[-1] in _COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def parse_birthday(value: str) -> str:
    """`1980-03-12`, `19800312`, `--0312`, `--03-12` (time ignored) -> `YYYY-MM-DD`/`--MM-DD`."""
    m = _BIRTHDAY.match(value.strip())
    if not m:
        return ""
    year, month, day = m.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return ""
    return f"--{month}-{day}" if year == "--" else f"{year}-{month}-{day}"


# --- merging ---------------------------------------------------------------------------------

_LIST_KEYS: dict[str, Any] = {
    "emails": normalize_email,
    "phones": normalize_phone,
    "urls": lambda s: s.strip().rstrip("/").lower(),
    "tags": lambda s: s.strip().casefold(),
}
_SCALARS = (
    *(f for f in RECORD_FIELDS if f not in _LIST_KEYS),
    "middle_name",
    "prefix",
    "suffix",
    "nickname",
    "uid",
)


Changes = dict[str, tuple[Any, Any]]
# The fields merge_records may report, in the order it reports them.
CHANGE_FIELDS = (*_SCALARS, *_LIST_KEYS, "photo", "connected_on")


def merge_records(old: ContactRecord, new: ContactRecord) -> tuple[ContactRecord, Changes]:
    """Merge `new` into a copy of `old`: fill empty fields, add missing list items, never overwrite.

    Returns the merged record and the changes as field -> (old value, merged value).
    """
    merged = dataclasses.replace(
        old,
        emails=list(old.emails),
        phones=list(old.phones),
        urls=list(old.urls),
        tags=list(old.tags),
        remarks=list(old.remarks),
    )
    changes: Changes = {}
    for name in _SCALARS:
        if name == "linkedin_url":
            if new.linkedin_url and not old.linkedin_url:
                merged.linkedin_url = new.linkedin_url
                changes[name] = ("", new.linkedin_url)
            continue
        before = getattr(old, name)
        after = getattr(new, name)
        if after and not before:
            setattr(merged, name, after)
            changes[name] = (before, after)
    for name, key in _LIST_KEYS.items():
        current: list[str] = getattr(merged, name)
        seen = {key(v) for v in current}
        added = False
        for value in getattr(new, name):
            k = key(value)
            if k and k not in seen:
                seen.add(k)
                current.append(value)
                added = True
        if added:
            changes[name] = (list(getattr(old, name)), list(current))
    if new.photo and not old.photo:
        merged.photo, merged.photo_mime = new.photo, new.photo_mime
        changes["photo"] = (None, f"{len(new.photo)} bytes")
    if new.connected_on and not old.connected_on:
        merged.connected_on = new.connected_on
        changes["connected_on"] = (None, new.connected_on.isoformat())
    return merged, changes


# --- the import plan -------------------------------------------------------------------------

Action = Literal["new", "update", "unchanged", "duplicate", "error"]


@dataclass(slots=True)
class KnownContacts:
    """What the store already holds, indexed by normalized identifiers -> contact id.

    `records` may load lazily: `fetch`, when given, is called with the contact ids matching
    is about to read from it, so that a store can load them in a few queries rather than
    all of them up front. `by_name_company` may likewise be a mapping built on first use
    (it is only needed for records that share no identifier with anyone).
    """

    by_email: dict[str, int] = field(default_factory=dict)
    by_phone: dict[str, int] = field(default_factory=dict)
    by_linkedin: dict[str, int] = field(default_factory=dict)
    by_name_company: Mapping[tuple[str, str], list[int]] = field(default_factory=dict)
    records: Mapping[int, ContactRecord] = field(default_factory=dict)
    fetch: Callable[[list[int]], None] | None = None

    @classmethod
    def from_records(cls, records: Mapping[int, ContactRecord]) -> KnownContacts:
        """Index a mapping of contact id -> record (what the store would build)."""
        known = cls(records=records)
        by_name_company: dict[tuple[str, str], list[int]] = {}
        for cid, rec in records.items():
            for e in rec.emails:
                known.by_email.setdefault(normalize_email(e), cid)
            for p in rec.phones:
                if n := normalize_phone(p):
                    known.by_phone.setdefault(n, cid)
            if li := normalize_linkedin(rec.linkedin_url):
                known.by_linkedin.setdefault(li, cid)
            if nk := name_key(rec):
                key = (nk, company_key(rec.organization))
                by_name_company.setdefault(key, []).append(cid)
        known.by_name_company = by_name_company
        return known


@dataclass(slots=True)
class PlanEntry:
    """One line of the import preview: what will happen to one record (or why it cannot)."""

    action: Action
    record: ContactRecord | None = None
    contact_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    problem: ImportProblem | None = None
    candidates: list[int] = field(default_factory=list)
    # The record's normalized identifiers when already known (a new record as read), so
    # that applying the plan need not compute them again; None after the record changed.
    keys: RecordKeys | None = None


@dataclass(slots=True)
class ImportPlan:
    """All entries of an import, in file order, with counts per action."""

    entries: list[PlanEntry] = field(default_factory=list)

    def _count(self, action: str) -> int:
        return sum(1 for e in self.entries if e.action == action)

    @property
    def new(self) -> int:
        return self._count("new")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def duplicates(self) -> int:
        return self._count("duplicate")

    @property
    def errors(self) -> int:
        return self._count("error")

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly summary: counts and, per entry, action, name, where and what changes."""
        out: list[dict[str, Any]] = []
        for e in self.entries:
            rec, prob = e.record, e.problem
            item: dict[str, Any] = {
                "action": e.action,
                "name": rec.display_name if rec else "",
                "source": rec.source if rec else (prob.source if prob else ""),
                "line": rec.line if rec else (prob.line if prob else 0),
                "contact_id": e.contact_id,
                "changes": {k: [_jsonable(a), _jsonable(b)] for k, (a, b) in e.changes.items()},
                "reason": prob.reason if prob else "",
            }
            if e.candidates:
                item["candidates"] = list(e.candidates)
            out.append(item)
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "entries": out,
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if v is None or isinstance(v, str | int | float | bool):
        return v
    return str(v)


class RecordKeys(NamedTuple):
    """A record's identifiers, normalized: one key per email and per phone, in their order."""

    emails: tuple[str, ...]
    phones: tuple[str, ...]
    linkedin: str

    @classmethod
    def of(cls, rec: ContactRecord) -> RecordKeys:
        url = rec.linkedin_url
        return cls(
            tuple([normalize_email(e) for e in rec.emails]),
            tuple([normalize_phone(p) for p in rec.phones]),
            normalize_linkedin(url) if url else "",
        )


# Records are matched in blocks, so that a store can load the known contacts of a whole
# block at once (KnownContacts.fetch).
_BLOCK = 512


def plan_import(items: Iterable[ContactRecord | ImportProblem], known: KnownContacts) -> ImportPlan:
    """Match each read record against the store and against earlier records of the same import.

    Same email, phone or LinkedIn profile -> the same person (update or unchanged). Same name at
    the same company without a shared identifier -> duplicate for the user to decide.
    """
    planner = _Planner(known)
    block: list[ContactRecord | ImportProblem] = []
    for item in items:
        block.append(item)
        if len(block) >= _BLOCK:
            planner.add(block)
            block = []
    planner.add(block)
    return planner.plan


class _Planner:
    """The state of one plan_import: the plan so far and this import's own identifiers."""

    def __init__(self, known: KnownContacts) -> None:
        self.known = known
        self.plan = ImportPlan()
        # Identifiers seen earlier in this import -> index of the plan entry that owns them.
        self.own_email: dict[str, int] = {}
        self.own_phone: dict[str, int] = {}
        self.own_linkedin: dict[str, int] = {}
        # Plan entry of each contact already updated earlier in this import (by contact id).
        self.touched: dict[int, int] = {}

    def _match(self, keys: RecordKeys) -> int | None:
        """The known contact sharing an identifier: email first, then phone, then LinkedIn."""
        known = self.known
        by_email = known.by_email
        for e in keys.emails:
            if e and e in by_email:
                return by_email[e]
        by_phone = known.by_phone
        for p in keys.phones:
            if p and p in by_phone:
                return by_phone[p]
        li = keys.linkedin
        if li and li in known.by_linkedin:
            return known.by_linkedin[li]
        return None

    def add(self, block: list[ContactRecord | ImportProblem]) -> None:
        self._place(
            block, [None if isinstance(i, ImportProblem) else RecordKeys.of(i) for i in block]
        )

    def _place(
        self, block: list[ContactRecord | ImportProblem], block_keys: list[RecordKeys | None]
    ) -> None:
        """Match a block whose records' keys are computed (None for a problem)."""
        known = self.known
        matched: list[tuple[RecordKeys, int | None] | None] = [
            None if keys is None else (keys, self._match(keys)) for keys in block_keys
        ]
        if known.fetch is not None:
            wanted = {m[1] for m in matched if m is not None and m[1] is not None}
            if wanted:
                known.fetch(sorted(wanted))
        for item, match in zip(block, matched, strict=True):
            if match is None:
                assert isinstance(item, ImportProblem)
                self.plan.entries.append(PlanEntry(action="error", problem=item))
            else:
                assert isinstance(item, ContactRecord)
                self._add_record(item, *match)

    def _add_record(self, item: ContactRecord, keys: RecordKeys, contact_id: int | None) -> None:
        entries = self.plan.entries
        known = self.known
        if contact_id is not None and contact_id in self.touched:
            # A second record in this file for a person already being updated: fold it in.
            self._fold_touched(self.touched[contact_id], item, keys, contact_id)
            return

        earlier: int | None = None
        if contact_id is None:
            for e in keys.emails:
                if e and e in self.own_email:
                    earlier = self.own_email[e]
                    break
            if earlier is None:
                for p in keys.phones:
                    if p and p in self.own_phone:
                        earlier = self.own_phone[p]
                        break
            li = keys.linkedin
            if earlier is None and li and li in self.own_linkedin:
                earlier = self.own_linkedin[li]
        if earlier is not None:
            self._fold_earlier(earlier, item, keys)
            return
        if contact_id is not None:
            old = known.records.get(contact_id)
            if old is None:
                entry = PlanEntry(action="update", record=item, contact_id=contact_id)
            else:
                merged, changes = merge_records(old, item)
                merged.source, merged.line = item.source, item.line
                merged.remarks = list(item.remarks)
                entry = PlanEntry(
                    action="update" if changes else "unchanged",
                    record=merged,
                    contact_id=contact_id,
                    changes=changes,
                )
            entries.append(entry)
            idx = len(entries) - 1
            self.touched[contact_id] = idx
        else:
            by_name_company = known.by_name_company
            # Folding names costs: an empty map (a first import) needs none of it.
            nk = name_key(item) if by_name_company else ""
            candidates = by_name_company.get((nk, company_key(item.organization)), []) if nk else []
            action: Action = "duplicate" if candidates else "new"
            entries.append(
                PlanEntry(action=action, record=item, candidates=list(candidates), keys=keys)
            )
            idx = len(entries) - 1
        self._own(idx, item, keys)

    def _fold_touched(
        self, idx: int, item: ContactRecord, keys: RecordKeys, contact_id: int
    ) -> None:
        """Fold a record into entry idx, the update of known contact `contact_id`."""
        _fold_into(self.plan.entries[idx], item, self.known.records.get(contact_id))

    def _fold_earlier(self, idx: int, item: ContactRecord, keys: RecordKeys) -> None:
        """Fold a record into entry idx, which an identifier of this import already owns."""
        entry = self.plan.entries[idx]
        _fold_into(entry, item, None)
        record = entry.record
        assert record is not None
        # The entry may hold identifiers it never noted (records folded into an update).
        self._own(idx, record, RecordKeys.of(record))

    def _own(self, idx: int, item: ContactRecord, keys: RecordKeys) -> None:
        """Note the identifiers entry idx holds after taking `item`, for later records.

        The item's email and phone keys stand for the entry's: any others the entry has are
        a known contact's, and those never reach these maps (a record sharing one matches the
        known contact instead). Its LinkedIn key counts only when the entry took its profile
        (a merge keeps the first).
        """
        for e in keys.emails:
            if e:
                self.own_email.setdefault(e, idx)
        for p in keys.phones:
            if p:
                self.own_phone.setdefault(p, idx)
        record = self.plan.entries[idx].record
        assert record is not None
        if record.linkedin_url == item.linkedin_url:
            li = keys.linkedin
        else:
            li = normalize_linkedin(record.linkedin_url)
        if li:
            self.own_linkedin.setdefault(li, idx)


def _fold_into(entry: PlanEntry, item: ContactRecord, original: ContactRecord | None) -> None:
    """Merge a later record of the same import into an earlier entry, updating its changes."""
    assert entry.record is not None
    merged, _ = merge_records(entry.record, item)
    entry.record = merged
    entry.keys = None
    if original is not None and entry.action in ("update", "unchanged"):
        _, changes = merge_records(original, merged)
        entry.changes = changes
        entry.action = "update" if changes else "unchanged"


class OwnKeys(Protocol):
    """Storage for a BlockPlanner's identifier maps (kind: email, phone or linkedin)."""

    def load(self, kind: str, keys: list[str]) -> dict[str, int]:
        """The entry index saved for each of these keys that has one."""
        ...

    def save(self, kind: str, items: Mapping[str, int]) -> None:
        """Keep these key -> entry index pairs; a key already saved keeps its index."""
        ...


# Stands in the plan for entries a BlockPlanner has handed over (one object for all).
_DRAINED = PlanEntry(action="error")


class BlockPlanner(_Planner):
    """plan_import fed a block at a time, its entries taken away (drained) as they are done with.

    What stays is small: the identifier maps (entry index by email, phone, LinkedIn) and
    one flag per drained entry. A later record of the same person as a drained entry can
    no longer be folded into that entry's record: it is put in `late` as (entry index,
    record, matched) for the caller to merge wherever the entry went (the store);
    `matched` is True when the record matched the entry's known contact (plan_import then
    recomputes the entry's changes; a record folded in by an identifier of the import does
    not). Records are grouped into entries exactly as plan_import groups them.

    The identifier maps move to `own_keys` once they hold more than `keep_keys` keys;
    below that they stay in memory, which spares a file of ordinary size the round trips.
    """

    def __init__(
        self,
        known: KnownContacts,
        own_keys: OwnKeys | None = None,
        prepare: Callable[[set[str], set[str], set[str]], None] | None = None,
        keep_keys: int = 0,
    ) -> None:
        super().__init__(known)
        # Where the identifier maps of drained entries go, to be read back by block.
        self.own_keys = own_keys
        self.keep_keys = keep_keys
        self._spilled = False  # whether own_keys holds anything to read back
        # Called with a block's email, phone and LinkedIn keys before it is matched (so a
        # store can fill `known`'s maps with just those).
        self.prepare = prepare
        self.drained = 0  # entries before this index have been handed over
        # (entry index, record, whether the record matched the entry's known contact).
        self.late: list[tuple[int, ContactRecord, bool]] = []
        # Per drained entry: 1 when its record holds a LinkedIn profile (a merge keeps it).
        self._has_linkedin = bytearray()
        # Drained entries' profiles that the LinkedIn map does not name them for yet.
        self._unowned_linkedin: dict[int, str] = {}

    def add(self, block: list[ContactRecord | ImportProblem]) -> None:
        block_keys = [None if isinstance(i, ImportProblem) else RecordKeys.of(i) for i in block]
        load = self.own_keys is not None and self._spilled
        if load or self.prepare is not None:
            emails: set[str] = set()
            phones: set[str] = set()
            profiles: set[str] = set()
            for keys in block_keys:
                if keys is not None:
                    emails.update(keys.emails)
                    phones.update(keys.phones)
                    profiles.add(keys.linkedin)
            for found in (emails, phones, profiles):
                found.discard("")
            if self.prepare is not None:
                self.prepare(emails, phones, profiles)
            if load and self.own_keys is not None:
                for kind, own, wanted in (
                    ("email", self.own_email, emails),
                    ("phone", self.own_phone, phones),
                    ("linkedin", self.own_linkedin, profiles),
                ):
                    own.update(self.own_keys.load(kind, [k for k in wanted if k not in own]))
        self._place(block, block_keys)

    def drain(self) -> tuple[int, list[PlanEntry]]:
        """The entries made since the last drain, and the index of the first of them."""
        entries = self.plan.entries
        start = self.drained
        out = entries[start:]
        own_linkedin = self.own_linkedin
        for offset, entry in enumerate(out):
            record = entry.record
            if record is None or not record.linkedin_url:
                self._has_linkedin.append(0)
                continue
            self._has_linkedin.append(1)
            keys = entry.keys
            li = keys.linkedin if keys is not None else normalize_linkedin(record.linkedin_url)
            if li and own_linkedin.get(li) != start + offset:
                self._unowned_linkedin[start + offset] = li
        entries[start:] = [_DRAINED] * len(out)
        self.drained = len(entries)
        own_maps = (
            ("email", self.own_email),
            ("phone", self.own_phone),
            ("linkedin", self.own_linkedin),
        )
        if self.own_keys is not None and sum(len(own) for _, own in own_maps) > self.keep_keys:
            # Only the keys of the records in a block are looked up (add loads them back),
            # and a key keeps the first entry that took it: the maps can leave memory.
            for kind, own in own_maps:
                self.own_keys.save(kind, own)
                own.clear()
            self._spilled = True
        return start, out

    def take_late(self) -> list[tuple[int, ContactRecord, bool]]:
        """The records that belong to drained entries, since the last call."""
        late, self.late = self.late, []
        return late

    def _fold_touched(
        self, idx: int, item: ContactRecord, keys: RecordKeys, contact_id: int
    ) -> None:
        if idx >= self.drained:
            super()._fold_touched(idx, item, keys, contact_id)
            return
        self.late.append((idx, item, True))
        if keys.linkedin and not self._has_linkedin[idx]:
            self._has_linkedin[idx] = 1
            self._unowned_linkedin[idx] = keys.linkedin

    def _fold_earlier(self, idx: int, item: ContactRecord, keys: RecordKeys) -> None:
        if idx >= self.drained:
            super()._fold_earlier(idx, item, keys)
            return
        self.late.append((idx, item, False))
        # As _own with the merged record: its keys are the entry's and the item's, and its
        # LinkedIn profile the entry's when it had one, else the item's.
        for e in keys.emails:
            if e:
                self.own_email.setdefault(e, idx)
        for p in keys.phones:
            if p:
                self.own_phone.setdefault(p, idx)
        if self._has_linkedin[idx]:
            li = self._unowned_linkedin.pop(idx, "")
        else:
            li = keys.linkedin
            if li:
                self._has_linkedin[idx] = 1
        if li:
            self.own_linkedin.setdefault(li, idx)
