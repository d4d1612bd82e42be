"""Normalizers for contact identifiers, and the plan that matches imported records to known ones."""

from __future__ import annotations

import dataclasses
import functools
import operator
import os
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol

from netdesk.core.memo import Remembered
from netdesk.core.records import NO_ATTRS, RECORD_FIELDS, Attrs, ContactRecord, ImportProblem

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
# 3/12/1980 (Outlook), 12.03.1980, 12-03-1980: day and month in an order the locale says.
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")
_WORDS = re.compile(r"[^\W\d_]+|\d+")
_MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janvier enero ene gennaio jänner",
        "february feb febr februar février fevrier febrero febbraio",
        "march mar märz maerz mars marzo",
        "april apr avril abril aprile",
        "may mai mayo maggio",
        "june jun juni juin junio giugno",
        "july jul juli juillet julio luglio",
        "august aug août aout agosto ago",
        "september sep sept septembre septiembre settembre set",
        "october oct okt oktober octobre octubre ottobre",
        "november nov novembre noviembre",
        "december dec dez dezember décembre decembre diciembre dic dicembre",
    ),
    1,
):
    for _name in _names.split():
        _MONTH_NAMES.setdefault(_name, _number)
# Where dates are written month first (3/12/1980 is March 12).
_MONTH_FIRST_REGIONS = frozenset({"US", "PH", "FM", "MH", "PW", "BZ", "GU", "AS", "PR", "VI"})


def normalize_email(s: str) -> str:
    """Lowercase an address and drop a `mailto:` scheme; "" when it is blank."""
    s = s.strip()
    if s[:7].lower() == "mailto:":
        s = s[7:].strip()
    return s.lower()


# The region numbers written without a country code belong to ("GB": 020 7946 0958 is
# +44 20 7946 0958): set from the user's settings, else read from the locale on first use.
_region: str | None = None


def region_from_locale(name: str) -> str:
    """`en_GB.UTF-8` -> `GB`; "" when the locale names no country (C, POSIX)."""
    base = name.split(".", 1)[0].split("@", 1)[0]
    _, sep, country = base.replace("-", "_").partition("_")
    return country.upper() if sep and len(country) == 2 and country.isalpha() else ""


def set_phone_region(region: str | None) -> None:
    """Numbers without a country code are read as this region's ("GB"); None: the locale's,
    "": none (they stay plain digits)."""
    global _region
    _region = None if region is None else region.strip().upper()
    _national.cache_clear()
    _PHONE_KEYS.clear()
    _DATES.clear()


def phone_region() -> str:
    """The region in use: the one set, else the locale's ("" when neither says)."""
    global _region
    if _region is None:
        for var in ("LC_ALL", "LC_TELEPHONE", "LC_ADDRESS", "LANG"):
            if found := region_from_locale(os.environ.get(var, "")):
                _region = found
                break
        else:
            _region = ""
    return _region


@functools.lru_cache(maxsize=65536)
def _national(digits: str, region: str) -> str:
    """A number written without a country code, as +<country><number> in `region`."""
    import phonenumbers  # lazy: its metadata takes a while to load

    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return digits
    if not phonenumbers.is_possible_number(number):
        return digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(s: str) -> str:
    """A phone number as a number: see _normalize_phone."""
    return _PHONE_KEYS[s]


def _normalize_phone(s: str) -> str:
    """A phone number as a number: `+<country><number>`, with `;ext=N` when it has one.

    `00` becomes `+`; spaces, dots, dashes and parentheses go; a number written without a
    country code is read as the user's region's (phonenumbers), so `020 7946 0958` and
    `+44 20 7946 0958` are one number in Britain; with no region known it stays as plain
    digits. A value with no number in it ("homephone", "x 5") gives "": it is text, kept
    as written and never matched on.
    """
    s = s.strip()
    if s[:4].lower() == "tel:":
        s = s[4:]
    ext = ""
    # Every form of extension has an x (ext, ;ext=, x) or a #: most numbers skip the search.
    if "x" in s or "X" in s or "#" in s:
        m = _PHONE_EXTENSION.search(s)
        if m:
            if not _NOT_DIGIT.sub("", s[: m.start()]):
                return ""  # an extension with no number before it
            ext = _NOT_DIGIT.sub("", s[m.start() :])
            s = s[: m.start()]
    plus = s.lstrip().startswith("+")
    if plus and "(0)" in s:
        s = s.replace("(0)", "")  # +44 (0)20...: the trunk 0 is not dialled from abroad
    digits = _NOT_DIGIT.sub("", s)
    if not digits:
        return ""
    if plus:
        key = "+" + digits
    elif digits.startswith("00") and len(digits) > 4:
        key = "+" + digits[2:]
    else:
        region = _region if _region is not None else phone_region()
        key = _national(digits, region) if region and len(digits) >= 5 else digits
    return f"{key};ext={ext}" if ext else key


# normalize_phone's answers for the numbers seen lately (cleared when the region changes):
# matching and merging an import normalize the same numbers many times.
_PHONE_KEYS: Remembered[str, str] = Remembered(_normalize_phone)


def phone_identity(s: str) -> str:
    """What makes two phone values the same entry: the number, or the text when it has none."""
    return normalize_phone(s) or "~" + " ".join(s.casefold().split())


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
    return _LINKEDIN_KEYS[url]


def _normalize_linkedin(url: str) -> str:
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


# normalize_linkedin's answers for the profiles seen lately.
_LINKEDIN_KEYS: Remembered[str, str] = Remembered(_normalize_linkedin)


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


def parse_birthday(value: str, month_first: bool | None = None) -> str:
    """A date as `YYYY-MM-DD`, or `--MM-DD` without a year; "" when it is not a date.

    Reads `1980-03-12`, `19800312`, `--0312`, `--03-12` (time ignored), `3/12/1980` and
    `12.03.1980` (an ambiguous day and month in the order of `month_first`, by default the
    user's region's), and dates in words (`Wednesday, 12 March 1980`, `March 12, 1980`).
    """
    return _parse_date(value, month_first) if month_first is not None else _DATES[value]


def _parse_date(value: str, month_first: bool | None) -> str:
    v = value.strip()
    m = _BIRTHDAY.match(v)
    if m:
        year, month, day = m.groups()
        return _date_text(year, int(month), int(day))
    m = _NUMERIC_DATE.match(v)
    if m:
        a, sep, b, year = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        if a > 12 or sep == ".":
            day, month = a, b
        elif b > 12:
            month, day = a, b
        else:
            if month_first is None:
                region = _region if _region is not None else phone_region()
                month_first = region in _MONTH_FIRST_REGIONS or not region
            month, day = (a, b) if month_first else (b, a)
        return _date_text(year, month, day)
    return _date_in_words(v)


# parse_birthday's answers for the dates seen lately, in the region's order (cleared when
# the region changes): an import reads the same few thousand dates again and again.
_DATES: Remembered[str, str] = Remembered(lambda value: _parse_date(value, None))


def _date_text(year: str, month: int, day: int) -> str:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"--{month:02d}-{day:02d}" if year == "--" else f"{year}-{month:02d}-{day:02d}"


def _date_in_words(value: str) -> str:
    """`Wednesday, 12 March 1980`, `March 12th, 1980`, `12. März 1980`, `12 Mar` -> a date."""
    month = 0
    numbers: list[str] = []
    for word in _WORDS.findall(value.casefold()):
        if word.isdigit():
            numbers.append(word)
        elif word in _MONTH_NAMES and not month:
            month = _MONTH_NAMES[word]
        elif word[:3] in _MONTH_NAMES and len(word) > 3 and not month:
            month = _MONTH_NAMES[word[:3]]
    if not month:
        return ""
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(years) > 1 or len(days) != 1 or len(numbers) != len(years) + len(days):
        return ""
    return _date_text(years[0] if years else "--", month, int(days[0]))


# --- merging ---------------------------------------------------------------------------------

_LIST_KEYS: dict[str, Any] = {
    "emails": normalize_email,
    "phones": lambda s: phone_identity(s) if s.strip() else "",
    "urls": lambda s: s.strip().rstrip("/").lower(),
    "tags": lambda s: s.strip().casefold(),
    "addresses": lambda a: k if (k := a.key()).strip("|") else "",
    "extra": lambda p: f"{p.name}\x00{p.value}",
}
# The types of the values of a list, by the list: reported as a change of their own.
_ATTR_LISTS = (("emails", "email_attrs"), ("phones", "phone_attrs"), ("urls", "url_attrs"))
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
CHANGE_FIELDS = (
    *_SCALARS,
    *_LIST_KEYS,
    "email_types",
    "phone_types",
    "url_types",
    "photo",
    "connected_on",
)
# Fields where a stored contact and a card may say different things, in preview order: a
# single value (keep mine or take theirs), or a list (or keep both).
CONFLICT_SCALARS = (
    "display_name",
    "organization",
    "org_units",
    "title",
    "role",
    "nickname",
    "birthday",
    "anniversary",
    "linkedin_url",
    "notes",
)
CONFLICT_LISTS = ("emails", "phones", "urls", "addresses", "tags")
# The choices for a conflict; a list and the notes can keep both ("both").
Choice = Literal["mine", "theirs", "both"]


# A record's fields in the order ContactRecord() takes them: a copy is one call.
_record_values = operator.attrgetter(*(f.name for f in dataclasses.fields(ContactRecord)))
# What a record says of its person (not where it was read, nor the user's choices): a card
# saying all of it as the stored contact does merges to nothing and conflicts with nothing.
_said = operator.attrgetter(
    *(
        f.name
        for f in dataclasses.fields(ContactRecord)
        if f.name not in ("source", "line", "remarks", "overrides")
    )
)


def _says_the_same(old: ContactRecord, new: ContactRecord) -> bool:
    return not new.overrides and _said(old) == _said(new)


def merge_records(old: ContactRecord, new: ContactRecord) -> tuple[ContactRecord, Changes]:
    """Merge `new` into a copy of `old`: fill empty fields, add missing list items, never overwrite.

    A note the stored one does not hold yet is added below it (nothing said is lost). The
    types of a value are taken when the stored value has none. `new.overrides` (what the
    user chose in the preview) are set whatever `old` holds. Returns the merged record and
    the changes as field -> (old value, merged value).
    """
    # The lists and maps the merge adds to are copied when it does (below); the others stay
    # shared with `old`, which nothing changes in place.
    merged = ContactRecord(*_record_values(old))  # dataclasses.replace, without its checks
    merged.remarks, merged.overrides = list(old.remarks), {}
    if _says_the_same(old, new):
        # Nothing to add (a re-import): the same copies the merge below would make.
        for name in _LIST_KEYS:
            if getattr(new, name):
                setattr(merged, name, list(getattr(old, name)))
        for _name, attrs_name in _ATTR_LISTS:
            if getattr(new, attrs_name):
                setattr(merged, attrs_name, dict(getattr(old, attrs_name)))
        return merged, {}
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
            setattr(merged, name, list(after) if isinstance(after, list) else after)
            changes[name] = (before, after)
        elif name == "notes" and after and not _holds(before, after):
            merged.notes = f"{before}\n{after}"
            changes[name] = (before, merged.notes)
    for name, key in _LIST_KEYS.items():
        incoming = getattr(new, name)
        if not incoming:
            continue
        current: list[Any] = list(getattr(old, name))
        setattr(merged, name, current)
        seen = {key(v) for v in current}
        added = False
        for value in incoming:
            k = key(value)
            if k and k not in seen:
                seen.add(k)
                current.append(value)
                added = True
        if added:
            changes[name] = (list(getattr(old, name)), list(current))
    for name, attrs_name in _ATTR_LISTS:
        theirs: dict[str, Attrs] = getattr(new, attrs_name)
        if not theirs:
            continue
        mine: dict[str, Attrs] = dict(getattr(old, attrs_name))
        setattr(merged, attrs_name, mine)
        values = set(getattr(merged, name))
        if name == "urls" and merged.linkedin_url:
            values.add(merged.linkedin_url)
        took = False
        for value, attrs in theirs.items():
            if value in values and mine.get(value, NO_ATTRS) == NO_ATTRS and attrs != NO_ATTRS:
                mine[value] = attrs
                took = True
        if took:
            label = name[:-1] + "_types"
            changes[label] = (_typed(getattr(old, attrs_name)), _typed(mine))
    if new.photo and not old.photo:
        merged.photo, merged.photo_mime = new.photo, new.photo_mime
        changes["photo"] = (None, f"{len(new.photo)} bytes")
    if new.connected_on and not old.connected_on:
        merged.connected_on = new.connected_on
        changes["connected_on"] = (None, new.connected_on.isoformat())
    for name, value in new.overrides.items():
        if getattr(merged, name) != value:
            setattr(merged, name, list(value) if isinstance(value, list) else value)
            changes[name] = (getattr(old, name), value)
    if new.overrides:
        changes = {name: changes[name] for name in CHANGE_FIELDS if name in changes}
    return merged, changes


def _typed(attrs: Mapping[str, Attrs]) -> list[str]:
    """`a@example.com (work, preferred)`: values with their types, for a preview."""
    out = []
    for value, a in attrs.items():
        words = [*a.types, *(["preferred"] if a.pref else [])]
        out.append(f"{value} ({', '.join(words)})" if words else value)
    return out


def _plain(value: Any) -> str:
    return _PLAIN[str(value)]


# _plain's answers for the values compared lately: a note is compared more than once when
# a card is merged into its contact and checked for conflicts.
_PLAIN: Remembered[str, str] = Remembered(lambda text: " ".join(text.casefold().split()), 1024)


def _holds(stored: str, incoming: str) -> bool:
    """True when the stored text already says what the incoming text says."""
    return _plain(incoming) in _plain(stored)


def find_conflicts(stored: ContactRecord, incoming: ContactRecord) -> Changes:
    """Fields where a card says something else than the stored contact: field -> (stored,
    incoming). A single value differs (a new title); a list differs when each side holds
    items the other lacks (an addition alone is no conflict); a note when it says more.
    """
    found: Changes = {}
    if _says_the_same(stored, incoming):
        return found
    for name in CONFLICT_SCALARS:
        mine, theirs = getattr(stored, name), getattr(incoming, name)
        if not mine or not theirs:
            continue
        if name == "notes":
            if not _holds(mine, theirs):
                found[name] = (mine, theirs)
        elif name == "linkedin_url":
            if normalize_linkedin(mine) != normalize_linkedin(theirs):
                found[name] = (mine, theirs)
        elif name == "organization":
            if company_key(mine) != company_key(theirs):
                found[name] = (mine, theirs)
        elif _plain(mine) != _plain(theirs):
            found[name] = (mine, theirs)
    for name in CONFLICT_LISTS:
        mine, theirs = getattr(stored, name), getattr(incoming, name)
        if not mine or not theirs:
            continue
        key = _LIST_KEYS[name]
        mine_keys = {key(v) for v in mine} - {""}
        theirs_keys = {key(v) for v in theirs} - {""}
        if mine_keys - theirs_keys and theirs_keys - mine_keys:
            found[name] = (list(mine), list(theirs))
    return found


def apply_choices(
    record: ContactRecord, conflicts: Changes, choices: Mapping[str, Choice]
) -> ContactRecord:
    """The record to merge into the stored contact, with the user's choice per conflict.

    "mine" keeps the stored value, "theirs" takes the card's, "both" keeps both (a list's
    items, or both notes one under the other). A field without a choice merges as
    merge_records does: a single value stays as stored, lists and notes keep both.
    """
    out = dataclasses.replace(record, overrides=dict(record.overrides))
    for name, choice in choices.items():
        if name not in conflicts:
            continue
        mine, theirs = conflicts[name]
        if choice == "mine":
            out.overrides[name] = mine
        elif choice == "theirs":
            out.overrides[name] = theirs
            if name == "organization":
                out.organization = theirs
        elif name == "notes":
            out.overrides[name] = mine if _holds(mine, theirs) else f"{mine}\n{theirs}"
        else:
            out.overrides.pop(name, None)
    return out


def _name_hash(key: str) -> int:
    return (hash(key) or 1) if key else 0


def same_person_by_name(a: ContactRecord, b: ContactRecord) -> bool:
    """False when both have names and the names differ: a shared number alone is not enough."""
    ka, kb = name_key(a), name_key(b)
    return not ka or not kb or ka == kb


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
    # An update: the fields where the card says something else than the stored contact,
    # field -> (stored, incoming), for the user to choose (find_conflicts).
    conflicts: Changes = field(default_factory=dict)
    # A likely duplicate: why ("name": same name at the same company; "phone": a shared
    # number under another name), the earlier entries of this import it resembles, and
    # the other side: a stored contact's fields (likely_summary), or {"entry": index} of
    # an earlier entry of this import (whose fields are that entry's record).
    why: str = ""
    similar: list[int] = field(default_factory=list)
    likely: list[dict[str, Any]] = field(default_factory=list)


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
            if e.conflicts:
                item["conflicts"] = {
                    k: {"stored": _jsonable(a), "incoming": _jsonable(b)}
                    for k, (a, b) in e.conflicts.items()
                }
            if e.why:
                item["likely_duplicate"] = {
                    "why": e.why,
                    "record": likely_summary(rec) if rec else {},
                    "of": [dict(x) for x in e.likely],
                }
            out.append(item)
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "entries": out,
        }


def likely_summary(rec: ContactRecord, contact_id: int | None = None) -> dict[str, Any]:
    """What a likely duplicate is shown with, beside its match: the identifying fields."""
    out: dict[str, Any] = {
        "name": rec.display_name,
        "organization": rec.organization,
        "title": rec.title,
        "emails": list(rec.emails),
        "phones": list(rec.phones),
        "addresses": [str(a) for a in rec.addresses],
        "source": rec.source,
        "line": rec.line,
    }
    if contact_id is not None:
        out["contact_id"] = contact_id
    return out


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
        # (name key, company key) -> the first new entry of this import with them.
        self.own_name: dict[tuple[str, str], int] = {}
        # Per entry, the hash of its record's name key (0: no name), so that a number shared
        # under another name is told apart even after the entry itself is handed over.
        self.name_hashes = array("q")
        self.phone_only = False  # set by _match: the contact it found shares a phone only

    def _match(self, keys: RecordKeys) -> int | None:
        """The known contact sharing an identifier: email first, then LinkedIn, then phone.

        A contact found by phone alone is the same person only if the names agree
        (checked in _place, once the contact is loaded): see `phone_only`.
        """
        known = self.known
        by_email = known.by_email
        for e in keys.emails:
            if e and e in by_email:
                return by_email[e]
        li = keys.linkedin
        if li and li in known.by_linkedin:
            return known.by_linkedin[li]
        by_phone = known.by_phone
        for p in keys.phones:
            if p and p in by_phone:
                self.phone_only = True
                return by_phone[p]
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
        matched: list[tuple[RecordKeys, int | None, bool] | None] = []
        for keys in block_keys:
            if keys is None:
                matched.append(None)
                continue
            self.phone_only = False
            cid = self._match(keys)
            matched.append((keys, cid, self.phone_only))
        if known.fetch is not None:
            wanted = {m[1] for m in matched if m is not None and m[1] is not None}
            if wanted:
                known.fetch(sorted(wanted))
        for item, match in zip(block, matched, strict=True):
            if match is None:
                assert isinstance(item, ImportProblem)
                self.plan.entries.append(PlanEntry(action="error", problem=item))
                self.name_hashes.append(0)
                continue
            assert isinstance(item, ContactRecord)
            keys, cid, phone_only = match
            if cid is not None and phone_only:
                old = known.records.get(cid)
                if old is not None and not same_person_by_name(old, item):
                    # A shared number under another name: two people (a switchboard, a
                    # family phone) until the user says otherwise.
                    self._add_record(item, keys, None, likely_contact=(cid, old))
                    continue
            self._add_record(item, keys, cid)

    def _add_record(
        self,
        item: ContactRecord,
        keys: RecordKeys,
        contact_id: int | None,
        likely_contact: tuple[int, ContactRecord] | None = None,
    ) -> None:
        entries = self.plan.entries
        known = self.known
        if contact_id is not None and contact_id in self.touched:
            # A second record in this file for a person already being updated: fold it in.
            self._fold_touched(self.touched[contact_id], item, keys, contact_id)
            return

        earlier: int | None = None
        similar: int | None = None  # an earlier entry sharing a number under another name
        if contact_id is None:
            for e in keys.emails:
                if e and e in self.own_email:
                    earlier = self.own_email[e]
                    break
            li = keys.linkedin
            if earlier is None and li and li in self.own_linkedin:
                earlier = self.own_linkedin[li]
            if earlier is None:
                for p in keys.phones:
                    if p and p in self.own_phone:
                        found = self.own_phone[p]
                        if self._same_name(found, item):
                            earlier = found
                            break
                        similar = found if similar is None else similar
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
                    action="update" if changes or item.overrides else "unchanged",
                    record=merged,
                    contact_id=contact_id,
                    changes=changes,
                    conflicts=find_conflicts(old, item),
                )
            entries.append(entry)
            idx = len(entries) - 1
            self.touched[contact_id] = idx
            self.name_hashes.append(_name_hash(name_key(entry.record or item)))
            if old is not None:
                # The contact's own numbers too: a later card sharing one under the same name
                # is this person even where the store's map names another holder first.
                for phone in old.phones:
                    if phone not in item.phones and (k := normalize_phone(phone)):
                        self.own_phone.setdefault(k, idx)
        else:
            by_name_company = known.by_name_company
            nk = name_key(item)
            ck = company_key(item.organization) if nk else ""
            candidates = by_name_company.get((nk, ck), []) if nk and by_name_company else []
            action: Action = "duplicate" if candidates else "new"
            entry = PlanEntry(action=action, record=item, candidates=list(candidates), keys=keys)
            if candidates:
                entry.why = "name"
                if known.fetch is not None:
                    known.fetch(list(candidates[:3]))
                for cid in candidates[:3]:
                    if (rec := known.records.get(cid)) is not None:
                        entry.likely.append(likely_summary(rec, cid))
            elif likely_contact is not None:
                cid, rec = likely_contact
                entry.action, entry.why, entry.candidates = "duplicate", "phone", [cid]
                entry.likely.append(likely_summary(rec, cid))
            else:
                first = self.own_name.get((nk, ck)) if nk else None
                other = similar if similar is not None else first
                if other is not None:
                    entry.why = "phone" if similar is not None else "name"
                    entry.similar = [other]
                    entry.likely.append({"entry": other})  # that entry's fields are its own
            entries.append(entry)
            idx = len(entries) - 1
            self.name_hashes.append(_name_hash(nk))
            if nk:
                self.own_name.setdefault((nk, ck), idx)
        self._own(idx, item, keys)

    def _same_name(self, idx: int, item: ContactRecord) -> bool:
        """Whether entry idx may be the item's person by name (see same_person_by_name)."""
        theirs = self.name_hashes[idx]
        return not theirs or theirs == _name_hash(name_key(item)) or not name_key(item)

    def _fold_touched(
        self, idx: int, item: ContactRecord, keys: RecordKeys, contact_id: int
    ) -> None:
        """Fold a record into entry idx, the update of known contact `contact_id`."""
        entry = self.plan.entries[idx]
        _fold_into(entry, item, self.known.records.get(contact_id))
        if not self.name_hashes[idx] and entry.record is not None:
            # A contact without a name takes the item's: later numbers compare with it.
            self.name_hashes[idx] = _name_hash(name_key(entry.record))

    def _fold_earlier(self, idx: int, item: ContactRecord, keys: RecordKeys) -> None:
        """Fold a record into entry idx, which an identifier of this import already owns."""
        entry = self.plan.entries[idx]
        _fold_into(entry, item, None)
        record = entry.record
        assert record is not None
        if not self.name_hashes[idx]:  # a card without a name takes the item's
            self.name_hashes[idx] = _name_hash(name_key(record))
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
            # Names are not kept on disk: a same-name hint looks back this far only.
            self.own_name.clear()
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
        if not self.name_hashes[idx]:  # as the merge: a contact without a name takes the item's
            self.name_hashes[idx] = _name_hash(name_key(item))
        if keys.linkedin and not self._has_linkedin[idx]:
            self._has_linkedin[idx] = 1
            self._unowned_linkedin[idx] = keys.linkedin

    def _fold_earlier(self, idx: int, item: ContactRecord, keys: RecordKeys) -> None:
        if idx >= self.drained:
            super()._fold_earlier(idx, item, keys)
            return
        self.late.append((idx, item, False))
        if not self.name_hashes[idx]:  # as the merge: a card without a name takes the item's
            self.name_hashes[idx] = _name_hash(name_key(item))
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
