"""Likely duplicates across the whole network: pairs of contacts that may be one person.

Pairs come from what two cards share (a phone number compared as a number, an email, a
LinkedIn profile) and from names that read alike (rapidfuzz). Nothing here merges anyone: a
pair is offered to the user, who decides. A pair is *sure* only when the evidence names one
person (one LinkedIn profile, or an address or number shared by two similar names); a
number or address shared by two different names (a company switchboard, a family mailbox)
is offered as a question, never as a match.

Comparing every contact with every other is 50,000² comparisons; instead each contact is put
in a few blocks by cheap keys (each shared identifier; each name word with the initial of
another) and only contacts in one block are compared.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from netdesk.core.domain import Tie
from netdesk.core.matching import company_key, normalize_email, normalize_linkedin
from netdesk.core.records import join_tags, split_tags

# Names scoring at least this (0-100, rapidfuzz's ratio of the sorted name words) are similar.
NAME_CUTOFF = 88.0
# An identifier held by more contacts than this is a shared line or mailbox (a switchboard,
# an info@ address): alone it says nothing about who is whom, so its holders are paired only
# when something else pairs them.
CROWD = 8
# Numbers with fewer digits than this are extensions, short codes or typing slips.
MIN_PHONE_DIGITS = 6

Report = Callable[[int, int], None]


class Reason(StrEnum):
    """Why two contacts may be one person."""

    LINKEDIN = "linkedin"
    EMAIL = "email"
    PHONE = "phone"
    NAME = "name"


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the scan knows of one contact: its names and identifiers, as stored."""

    contact_id: int
    name: str
    given_name: str = ""
    family_name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin_url: str = ""
    company: str = ""
    archived: bool = False


@dataclass(frozen=True, slots=True)
class LikelyPair:
    """Two contacts that may be one person (`first` < `second`), and why."""

    first: int
    second: int
    reasons: frozenset[Reason]
    name_score: float  # 0-100: how alike the two names read
    shared_emails: tuple[str, ...] = ()
    shared_phones: tuple[str, ...] = ()  # as the first contact writes them
    company: str = ""  # the company both work at, as the first contact writes it

    @property
    def similar_names(self) -> bool:
        return self.name_score >= NAME_CUTOFF

    @property
    def sure(self) -> bool:
        """One person beyond reasonable doubt: the same LinkedIn profile, or an address or a
        number shared by two names that read alike. Even then the user decides."""
        if Reason.LINKEDIN in self.reasons:
            return True
        return self.similar_names and bool({Reason.EMAIL, Reason.PHONE} & self.reasons)

    @property
    def key(self) -> tuple[int, int]:
        return (self.first, self.second)

    def describe(self) -> str:
        """Why the pair is offered, in words ("Same email and similar names")."""
        parts = []
        if Reason.LINKEDIN in self.reasons:
            parts.append("same LinkedIn profile")
        if self.shared_emails:
            noun = "email" if len(self.shared_emails) == 1 else "emails"
            parts.append(f"same {noun} ({', '.join(self.shared_emails)})")
        if self.shared_phones:
            noun = "phone number" if len(self.shared_phones) == 1 else "phone numbers"
            parts.append(f"same {noun} ({', '.join(self.shared_phones)})")
        if self.name_score >= 100:
            parts.append("same name")
        elif self.similar_names:
            parts.append(f"similar names ({self.name_score:.0f}%)")
        elif parts:
            parts.append("different names")
        if self.company:
            parts.append(f"both at {self.company}")
        text = ", ".join(parts)
        text = text[:1].upper() + text[1:]
        if not self.similar_names and not self.sure:
            text += ": a shared line or mailbox, or one person under two names?"
        return text


def pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


# --- keys ------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _fold(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.casefold())
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower()


def name_words(candidate: Candidate) -> tuple[str, ...]:
    """The name's words, casefolded, without accents, sorted (so "Smith, John" is "John
    Smith"); () when the contact has no name to compare (empty, or an email address)."""
    name = candidate.name
    if not name.strip() or "@" in name:
        name = f"{candidate.given_name} {candidate.family_name}"
    if "@" in name:
        return ()
    return tuple(sorted(_WORD.findall(_fold(name))))


_EXTENSION = re.compile(r"(?:;ext=|\s*(?:ext\.?|x|#)\s*)(\d+)\s*$", re.IGNORECASE)
_NOT_DIGIT = re.compile(r"\D+")


def phone_key(raw: str, region: str | None = None) -> str:
    """A number as a number: E.164 with its extension ("+442079460958x12"). A number written
    without a country code is read with `phonenumbers` as `region`'s (its digits when there
    is no region or the library cannot read it); "" for values with too few digits to be a
    number ("fax", "x 5")."""
    text = raw.strip()
    if text[:4].lower() == "tel:":
        text = text[4:].strip()
    extension = ""
    if "x" in text or "X" in text or "#" in text or ";" in text:
        found = _EXTENSION.search(text)
        if found:
            extension, text = found.group(1), text[: found.start()]
    if text.startswith("00"):
        text = "+" + text[2:]
    international = text.startswith("+")
    if international:
        text = text.replace("(0)", "")  # +44 (0)20…: the trunk 0 is not dialled from abroad
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) < MIN_PHONE_DIGITS:
        return ""
    if international:
        key = "+" + digits
    elif region:
        key = _national(digits, region)
    else:
        key = digits
    return f"{key}x{extension}" if extension else key


@functools.lru_cache(maxsize=65536)
def _national(digits: str, region: str) -> str:
    """Digits written without a country code, as E.164 in `region`; the digits when the
    library cannot read them as a number there."""
    import phonenumbers  # only the scan and the import need it: loaded on first use

    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return digits
    if not phonenumbers.is_possible_number(number):
        return digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def linkedin_key(url: str) -> str:
    """The profile a LinkedIn URL points to; "" when it names no one (the home page)."""
    key = normalize_linkedin(url) if url else ""
    return key if key.count("/") >= 2 else ""


# --- the scan --------------------------------------------------------------------------------


def find_pairs(
    candidates: Sequence[Candidate],
    *,
    region: str | None = None,
    dismissed: Collection[tuple[int, int]] = (),
    report: Report | None = None,
    name_cutoff: float = NAME_CUTOFF,
    crowd: int = CROWD,
    only: Collection[int] | None = None,
) -> list[LikelyPair]:
    """Every likely pair among `candidates`, sure ones first, then by how alike the names read.

    `dismissed` holds pairs (lower id first) the user said are two people: never offered
    again. `only`: just the pairs naming one of these contacts (those an import brought),
    found without comparing everyone else. `report(done, total)` is called as the scan
    goes (it may raise to cancel).
    """
    from rapidfuzz import fuzz, process  # loaded on first use: not needed at start-up

    total = 3 * len(candidates)
    step = max(1, len(candidates) // 50)

    def progress(done: int) -> None:
        if report is not None and (done % step == 0 or done == total):
            report(done, total)

    by_id = {c.contact_id: c for c in candidates}
    words: dict[int, str] = {}
    emails: dict[int, frozenset[str]] = {}
    phones: dict[int, dict[str, str]] = {}  # key -> as written
    profiles: dict[int, str] = {}
    shared: dict[tuple[str, str], list[int]] = {}  # an identifier -> its holders
    holders: dict[str, list[int]] = {}  # a name (its sorted words) -> who bears it
    companies: dict[int, str] = {}
    for n, c in enumerate(candidates, 1):
        cid = c.contact_id
        words[cid] = text = " ".join(name_words(c))
        if text:
            holders.setdefault(text, []).append(cid)
        emails[cid] = frozenset(e for e in (normalize_email(x) for x in c.emails) if "@" in e)
        phones[cid] = {}
        for raw in c.phones:
            key = phone_key(raw, region)
            if key:
                phones[cid].setdefault(key, raw)
        profiles[cid] = linkedin_key(c.linkedin_url)
        companies[cid] = company_key(c.company) if c.company else ""
        for key in emails[cid]:
            shared.setdefault(("@", key), []).append(cid)
        for key in phones[cid]:
            shared.setdefault(("tel", key), []).append(cid)
        if profiles[cid]:
            shared.setdefault(("in", profiles[cid]), []).append(cid)
        progress(n)

    found: set[tuple[int, int]] = set()

    wanted = None if only is None else set(only)

    def pair_all(members: Sequence[int], others: Sequence[int] | None = None) -> None:
        for i, a in enumerate(members):
            for b in members[i + 1 :] if others is None else others:
                if a != b and (wanted is None or a in wanted or b in wanted):
                    found.add(pair_key(a, b))

    for members in shared.values():
        if 2 <= len(members) <= crowd:
            pair_all(members)
    # A name borne by a crowd (the network's John Smiths) pairs only namesakes at one company.
    for members in holders.values():
        if 2 <= len(members) <= crowd:
            pair_all(members)
        elif len(members) > crowd:
            at: dict[str, list[int]] = {}
            for cid in members:
                if companies[cid]:
                    at.setdefault(companies[cid], []).append(cid)
            for colleagues in at.values():
                if 2 <= len(colleagues) <= crowd:
                    pair_all(colleagues)

    # Names that read alike: each distinct name goes in a block per word (its first four
    # letters) with the initial of another word ("jona w", "whit j"), and is compared only
    # inside its blocks: a slip past the fourth letter of one word, or of each, is found.
    blocks: dict[str, dict[str, None]] = {}  # a block -> its names, each once, in order
    for text in holders:
        unique = sorted(set(text.split()))
        if len(unique) == 1:
            blocks.setdefault(unique[0][:4], {})[text] = None
        for word in unique:
            if len(word) < 2:
                continue
            for other in unique:
                if other != word:
                    blocks.setdefault(f"{word[:4]} {other[0]}", {})[text] = None
    alike: set[tuple[str, str]] = set()
    done = len(candidates)
    every = max(1, len(blocks) // len(candidates)) if candidates else 1
    focus = None if wanted is None else {words[c] for c in wanted if words.get(c)}
    for count, block in enumerate(blocks.values(), 1):
        texts = list(block)
        for i in range(len(texts) - (1 if focus is None else 0)):
            if focus is not None and texts[i] not in focus:
                # Only the names of `only` are compared, each with the whole block.
                continue
            rest = texts[i + 1 :] if focus is None else texts[:i] + texts[i + 1 :]
            hits = process.extract(
                texts[i], rest, scorer=fuzz.ratio, score_cutoff=name_cutoff, limit=None
            )
            for other, _score, _j in hits:
                alike.add((texts[i], other) if texts[i] < other else (other, texts[i]))
        if count % every == 0:
            progress(min(done + count // every, 2 * len(candidates)))
    for one, other in alike:
        if len(holders[one]) <= crowd and len(holders[other]) <= crowd:
            pair_all(holders[one], holders[other])
    progress(2 * len(candidates))

    skip = set(dismissed)
    pairs = []
    every = max(1, len(found) // len(candidates)) if candidates else 1
    for count, (a, b) in enumerate(sorted(found - skip), 1):
        score = fuzz.ratio(words[a], words[b]) if words[a] and words[b] else 0.0
        shared_phones = tuple(raw for key, raw in phones[a].items() if key in phones[b])
        shared_emails = tuple(sorted(emails[a] & emails[b]))
        reasons = set()
        if profiles[a] and profiles[a] == profiles[b]:
            reasons.add(Reason.LINKEDIN)
        if shared_emails:
            reasons.add(Reason.EMAIL)
        if shared_phones:
            reasons.add(Reason.PHONE)
        if score >= name_cutoff:
            reasons.add(Reason.NAME)
        if reasons:
            company = by_id[a].company if companies[a] and companies[a] == companies[b] else ""
            pairs.append(
                LikelyPair(
                    a, b, frozenset(reasons), score, shared_emails, shared_phones, company
                )
            )
        if count % every == 0:
            progress(min(2 * len(candidates) + count // every, total))
    progress(total)
    pairs.sort(key=lambda p: (not p.sure, -len(p.reasons), -p.name_score, p.first, p.second))
    return pairs



# --- merging two contacts ------------------------------------------------------------------


class Take(StrEnum):
    """Which contact a field of the merged contact comes from."""

    FIRST = "first"  # the contact that stays
    SECOND = "second"  # the one merged into it
    BOTH = "both"  # both values (fields holding several values, and notes)


# Fields of a contact that hold several values, and how two of them combine. Tags always
# combine: a merge never drops a tag.
LINE_FIELDS = frozenset({"urls", "org_units"})
TEXT_FIELDS = frozenset({"notes"})
ALWAYS_BOTH = frozenset({"tags"})
MULTI_FIELDS = LINE_FIELDS | TEXT_FIELDS | ALWAYS_BOTH


def is_blank(value: object) -> bool:
    """Nothing worth keeping: empty, zero, false, or a choice not yet made ("unsorted")."""
    if value is None or value is False or (type(value) is int and value == 0):
        return True
    if isinstance(value, str):
        return not value.strip() or value == Tie.UNSORTED.value
    if isinstance(value, bytes):
        return not value
    return False


def default_take(name: str, first: object, second: object) -> Take:
    """What a merge takes unless the user says otherwise: never anything lost silently.
    Several values combine; a single value is the first contact's, or the second's when the
    first has none."""
    if name in MULTI_FIELDS and not is_blank(first) and not is_blank(second) and first != second:
        return Take.BOTH
    if is_blank(first) and not is_blank(second):
        return Take.SECOND
    return Take.FIRST


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def combine(name: str, first: str, second: str) -> str:
    """Both values of a field holding several: each value once, the first contact's first."""
    if name in ALWAYS_BOTH:
        seen = {t.casefold() for t in split_tags(first)}
        extra = [t for t in split_tags(second) if t.casefold() not in seen]
        return join_tags([*split_tags(first), *extra])
    if name in LINE_FIELDS:
        return "\n".join(dict.fromkeys([*_lines(first), *_lines(second)]))
    first, second = first.strip(), second.strip()
    if not first or second in first:
        return first or second
    if first in second:
        return second
    return f"{first}\n\n{second}"


def merged_value(name: str, take: Take, first: object, second: object) -> object:
    """The value of `name` in the merged contact."""
    if name in ALWAYS_BOTH or take is Take.BOTH:
        if name in MULTI_FIELDS:
            return combine(name, str(first or ""), str(second or ""))
        return first if not is_blank(first) else second
    return second if take is Take.SECOND else first


@dataclass(frozen=True, slots=True)
class MergePlan:
    """Two contacts to make one: `first` stays, `second` is merged into it and goes.

    `takes` says, per field of the contact (a column such as "title") or per kind of card
    row (a table such as "contact_email"), which side the merged contact keeps; what it
    does not name is decided by `default_take` (card rows: both). The timeline, follow-ups,
    tags and every other row hanging on either contact always come along.
    """

    first: int
    second: int
    takes: Mapping[str, Take] = field(default_factory=dict)

    def take(self, name: str, first: object = None, second: object = None) -> Take:
        chosen = self.takes.get(name)
        return chosen if chosen is not None else default_take(name, first, second)
