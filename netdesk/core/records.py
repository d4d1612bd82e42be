"""Plain records that flow between the contact-file readers, matching and the store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Fields a contact record carries, in the order the import preview shows them.
RECORD_FIELDS = (
    "display_name",
    "given_name",
    "family_name",
    "emails",
    "phones",
    "organization",
    "title",
    "notes",
    "linkedin_url",
    "urls",
    "birthday",
    "tags",
)


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


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A card, row or file that could not be read: where, and why, in plain words."""

    source: str
    line: int  # 0 when the problem is the whole file
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}, line {self.line}" if self.line else self.source
        return f"{where}: {self.reason}"
