"""Plain records that flow between the contact-file readers, matching and the store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from netdesk.core.memo import Remembered

# Fields a contact record carries, in the order the import preview shows them.
RECORD_FIELDS = (
    "display_name",
    "given_name",
    "family_name",
    "emails",
    "phones",
    "organization",
    "org_units",
    "title",
    "role",
    "notes",
    "linkedin_url",
    "urls",
    "birthday",
    "anniversary",
    "tags",
    "addresses",
)


class Attrs(NamedTuple):
    """What a card says about one value besides the value: its types, preference, group, rest.

    `types` are lower case ("work", "voice"); `pref` is vCard 4.0's PREF (1 most preferred,
    0 not preferred; a 2.1/3.0 TYPE=PREF is 1); `group` is the name before the dot
    (`item1.TEL`); `params` every other parameter as written, in vCard 4.0 syntax
    (`;X-SERVICE-TYPE=Skype`).
    """

    types: tuple[str, ...] = ()
    pref: int = 0
    group: str = ""
    params: str = ""


NO_ATTRS = Attrs()


@dataclass(slots=True)
class Address:
    """A postal address by part (vCard ADR), with its label and attributes."""

    po_box: str = ""
    extended: str = ""
    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    label: str = ""
    attrs: Attrs = NO_ATTRS

    def parts(self) -> tuple[str, str, str, str, str, str, str]:
        return (
            self.po_box,
            self.extended,
            self.street,
            self.locality,
            self.region,
            self.postal_code,
            self.country,
        )

    def key(self) -> str:
        """The same address however it is spaced or cased."""
        return _ADDRESS_KEYS[self.parts()]

    def __str__(self) -> str:
        """The address on one line, the way people read it."""
        place = " ".join(p for p in (self.postal_code, self.locality) if p)
        lines = (self.po_box, self.extended, self.street, place, self.region, self.country)
        text = ", ".join(" ".join(p.split()) for p in lines if p.strip())
        return text or " ".join(self.label.split())


# Address.key's answers for the addresses compared lately: matching and merging an import
# compare each address more than once.
_ADDRESS_KEYS: Remembered[tuple[str, ...], str] = Remembered(
    lambda parts: "|".join([" ".join(p.casefold().split()) if p else "" for p in parts])
)


class CardProperty(NamedTuple):
    """A property of a card NetDesk does not model, kept as written and given back on export.

    `name` is upper case without its group; `params` is in vCard 4.0 syntax
    (`;TYPE=work`); `value` is the value as written (escapes kept), its transfer encoding
    undone.
    """

    name: str
    value: str
    group: str = ""
    params: str = ""


def split_tags(text: str) -> list[str]:
    """Tags as the store keeps them (`a, b\\, c`: a comma inside a tag is escaped) -> list."""
    if "\\" not in text:
        return [t for t in (s.strip() for s in text.split(",")) if t]
    out: list[str] = []
    buf: list[str] = []
    chars = iter(text)
    for c in chars:
        if c == "\\":
            buf.append(next(chars, ""))
        elif c == ",":
            out.append("".join(buf).strip())
            buf = []
        else:
            buf.append(c)
    out.append("".join(buf).strip())
    return [t for t in out if t]


def join_tags(tags: list[str]) -> str:
    """The store's form of a list of tags (see split_tags)."""
    return ", ".join(t.replace("\\", "\\\\").replace(",", "\\,") for t in tags)


@dataclass(slots=True)
class ContactRecord:
    """One person as read from a file (or taken from the store), before any matching.

    Strings are already decoded and stripped; an empty string means "not given".
    """

    display_name: str = ""
    given_name: str = ""
    family_name: str = ""
    middle_name: str = ""
    prefix: str = ""
    suffix: str = ""
    nickname: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    organization: str = ""
    title: str = ""
    notes: str = ""
    linkedin_url: str = ""
    urls: list[str] = field(default_factory=list)
    birthday: str = ""  # "YYYY-MM-DD", or "--MM-DD" when the year is unknown
    # The ORG units after the company (departments), ROLE, and an anniversary (as birthday).
    org_units: list[str] = field(default_factory=list)
    role: str = ""
    anniversary: str = ""
    addresses: list[Address] = field(default_factory=list)
    # Types, preference, group and other parameters of an email, phone or web address (the
    # LinkedIn profile included), by the value as it is in the list; none when absent.
    email_attrs: dict[str, Attrs] = field(default_factory=dict)
    phone_attrs: dict[str, Attrs] = field(default_factory=dict)
    url_attrs: dict[str, Attrs] = field(default_factory=dict)
    # Every property of the card NetDesk does not model, in card order.
    extra: list[CardProperty] = field(default_factory=list)
    photo: bytes | None = None
    photo_mime: str = ""
    tags: list[str] = field(default_factory=list)
    uid: str = ""
    # LinkedIn's "Connected On": becomes the first interaction with the contact.
    connected_on: dt.date | None = None
    # Where the record came from, for messages: file name and the line its card starts on.
    source: str = ""
    line: int = 0
    # Things the user should know about this record ("photo over 5 MB dropped").
    remarks: list[str] = field(default_factory=list)
    # Fields the user chose to take as given here, over what the store holds (merge_records
    # sets them whatever the stored contact has): field -> value.
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A card, row or file that could not be read: where, and why, in plain words."""

    source: str
    line: int  # 0 when the problem is the whole file
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}, line {self.line}" if self.line else self.source
        return f"{where}: {self.reason}"
