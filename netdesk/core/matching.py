"""Normalizers for contact identifiers, and the plan that matches imported records to known ones."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from netdesk.core.records import RECORD_FIELDS, ContactRecord, ImportProblem

# --- normalizers -----------------------------------------------------------------------------

_PHONE_EXTENSION = re.compile(r"(?:;ext=|\s*(?:ext\.?|x|#)\s*\d+\s*$)", re.IGNORECASE)
_NOT_DIGIT = re.compile(r"\D+")
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
    if not is_linkedin_url(url):
        return ""
    u = url.strip().lower().split("://", 1)[-1]
    u = u.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    path = u.split("/", 1)[1] if "/" in u else ""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] in ("in", "pub", "company"):
        return f"linkedin.com/{parts[0]}/{parts[1]}"
    return "linkedin.com/" + "/".join(parts) if parts else "linkedin.com"


def _fold(s: str) -> str:
    decomposed = unicodedata.normalize("NFKD", s.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def name_key(record: ContactRecord) -> str:
    """Casefolded, accent-free, whitespace-collapsed full name used to spot likely duplicates."""
    name = record.display_name
    if not name or "@" in name:
        name = " ".join(p for p in (record.given_name, record.family_name) if p) or name
    return _fold(name)


def company_key(org: str) -> str:
    """Casefolded company name without punctuation or legal suffixes (Inc, LLC, GmbH...)."""
    words = re.sub(r"[^\w\s]", " ", _fold(org)).split()
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
    """What the store already holds, indexed by normalized identifiers -> contact id."""

    by_email: dict[str, int] = field(default_factory=dict)
    by_phone: dict[str, int] = field(default_factory=dict)
    by_linkedin: dict[str, int] = field(default_factory=dict)
    by_name_company: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    records: Mapping[int, ContactRecord] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Mapping[int, ContactRecord]) -> KnownContacts:
        """Index a mapping of contact id -> record (what the store would build)."""
        known = cls(records=records)
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
                known.by_name_company.setdefault(key, []).append(cid)
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


def _identifiers(rec: ContactRecord) -> tuple[list[str], list[str], str]:
    emails = [n for e in rec.emails if (n := normalize_email(e))]
    phones = [n for p in rec.phones if (n := normalize_phone(p))]
    return emails, phones, normalize_linkedin(rec.linkedin_url)


def plan_import(items: Iterable[ContactRecord | ImportProblem], known: KnownContacts) -> ImportPlan:
    """Match each read record against the store and against earlier records of the same import.

    Same email, phone or LinkedIn profile -> the same person (update or unchanged). Same name at
    the same company without a shared identifier -> duplicate for the user to decide.
    """
    plan = ImportPlan()
    # Identifiers seen earlier in this import -> index of the plan entry that owns them.
    own_email: dict[str, int] = {}
    own_phone: dict[str, int] = {}
    own_linkedin: dict[str, int] = {}
    # Merged state of contacts already updated earlier in this import (by contact id).
    touched: dict[int, int] = {}

    for item in items:
        if isinstance(item, ImportProblem):
            plan.entries.append(PlanEntry(action="error", problem=item))
            continue
        emails, phones, linkedin = _identifiers(item)

        contact_id: int | None = None
        for e in emails:
            if e in known.by_email:
                contact_id = known.by_email[e]
                break
        if contact_id is None:
            for p in phones:
                if p in known.by_phone:
                    contact_id = known.by_phone[p]
                    break
        if contact_id is None and linkedin and linkedin in known.by_linkedin:
            contact_id = known.by_linkedin[linkedin]

        if contact_id is not None and contact_id in touched:
            # A second record in this file for a person already being updated: fold it in.
            idx = touched[contact_id]
            _fold_into(plan.entries[idx], item, known.records.get(contact_id))
            continue

        earlier: int | None = None
        if contact_id is None:
            for e in emails:
                if e in own_email:
                    earlier = own_email[e]
                    break
            if earlier is None:
                for p in phones:
                    if p in own_phone:
                        earlier = own_phone[p]
                        break
            if earlier is None and linkedin and linkedin in own_linkedin:
                earlier = own_linkedin[linkedin]
        if earlier is not None:
            entry = plan.entries[earlier]
            _fold_into(entry, item, None)
            idx = earlier
        elif contact_id is not None:
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
            plan.entries.append(entry)
            idx = len(plan.entries) - 1
            touched[contact_id] = idx
        else:
            nk = name_key(item)
            key = (nk, company_key(item.organization))
            candidates = known.by_name_company.get(key, []) if nk else []
            action: Action = "duplicate" if candidates else "new"
            entry = PlanEntry(action=action, record=item, candidates=list(candidates))
            plan.entries.append(entry)
            idx = len(plan.entries) - 1

        record = plan.entries[idx].record
        assert record is not None
        e2, p2, l2 = _identifiers(record)
        for e in e2:
            own_email.setdefault(e, idx)
        for p in p2:
            own_phone.setdefault(p, idx)
        if l2:
            own_linkedin.setdefault(l2, idx)
    return plan


def _fold_into(entry: PlanEntry, item: ContactRecord, original: ContactRecord | None) -> None:
    """Merge a later record of the same import into an earlier entry, updating its changes."""
    assert entry.record is not None
    merged, _ = merge_records(entry.record, item)
    entry.record = merged
    if original is not None and entry.action in ("update", "unchanged"):
        _, changes = merge_records(original, merged)
        entry.changes = changes
        entry.action = "update" if changes else "unchanged"
