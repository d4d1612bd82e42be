"""CSV contact writing, safe to open in a spreadsheet (cells cannot become formulas)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from netdesk.core.records import ContactRecord

# Header names our own reader (csv_import) maps back to the same fields.
HEADER = (
    "Display Name",
    "First Name",
    "Middle Name",
    "Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "E-mail Address",
    "Phone",
    "Organization",
    "Job Title",
    "Notes",
    "LinkedIn URL",
    "Website",
    "Birthday",
    "Labels",
    "Connected On",
)
# Several values in one cell, as Google Contacts writes them.
MULTI_SEPARATOR = " ::: "
# A spreadsheet treats a cell starting with one of these as a formula (or DDE command).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(cell: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with `'`, so it stays text."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def write_csv(records: Iterable[ContactRecord], out: TextIO) -> None:
    """Write a header row and one row per record (open `out` with newline="")."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in records:
        row = (
            r.display_name,
            r.given_name,
            r.middle_name,
            r.family_name,
            r.prefix,
            r.suffix,
            r.nickname,
            MULTI_SEPARATOR.join(r.emails),
            MULTI_SEPARATOR.join(r.phones),
            r.organization,
            r.title,
            r.notes,
            r.linkedin_url,
            MULTI_SEPARATOR.join(r.urls),
            r.birthday,
            MULTI_SEPARATOR.join(r.tags),
            r.connected_on.isoformat() if r.connected_on else "",
        )
        writer.writerow([neutralize(c) for c in row])
