"""CSV contact reading by header name: LinkedIn, Google, Outlook and Thunderbird exports."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from typing import TextIO

from netdesk.core.matching import is_linkedin_url, parse_birthday
from netdesk.core.records import ContactRecord, ImportProblem

# Normalized header name -> field. Normalizing drops case and everything but letters and digits,
# so "E-mail 1 - Value", "e-mail 1 value" and "Email1Value" are one key.
_ALIASES: dict[str, str] = {}


def _alias(field: str, *names: str) -> None:
    for n in names:
        _ALIASES[n] = field


_alias(
    "display_name",
    "name",
    "displayname",
    "fullname",
    "formattedname",
    "nomcomplet",
    "anzeigename",
    "nombremostrado",
)
_alias("given_name", "firstname", "givenname", "first", "vorname", "prenom", "nombre")
_alias(
    "family_name",
    "lastname",
    "familyname",
    "surname",
    "last",
    "nachname",
    "nom",
    "apellidos",
    "apellido",
)
_alias("middle_name", "middlename", "additionalname")
_alias("prefix", "nameprefix", "prefix")
_alias("suffix", "namesuffix", "suffix")
_alias("nickname", "nickname", "spitzname", "surnom")
_alias(
    "emails",
    "email",
    "emailaddress",
    "emailaddresses",
    "mail",
    "primaryemail",
    "secondaryemail",
    "email2address",
    "email3address",
    "emailaddress2",
    "emailaddress3",
    "primäremail",
    "emailadresse",
    "courriel",
    "correoelectronico",
    "eメール",
)
for _i in range(1, 10):
    _alias("emails", f"email{_i}value", f"email{_i}")
    _alias("phones", f"phone{_i}value", f"phone{_i}")
    _alias("urls", f"website{_i}value", f"webpage{_i}", f"website{_i}")
_alias(
    "phones",
    "phone",
    "phones",
    "phonenumber",
    "telephone",
    "tel",
    "mobile",
    "mobilephone",
    "mobilenumber",
    "cellphone",
    "workphone",
    "homephone",
    "businessphone",
    "businessphone2",
    "homephone2",
    "primaryphone",
    "companymainphone",
    "otherphone",
    "telefon",
    "handy",
)
_alias(
    "organization",
    "company",
    "organization",
    "organisation",
    "organizationname",
    "organization1name",
    "org",
    "firma",
    "societe",
    "empresa",
    "companyname",
)
_alias(
    "title",
    "jobtitle",
    "position",
    "organizationtitle",
    "organization1title",
    "role",
    "occupation",
    "beruf",
    "poste",
    "cargo",
)
_alias("notes", "notes", "note", "notizen", "remarques")
_alias(
    "urls",
    "url",
    "urls",
    "website",
    "webpage",
    "homepage",
    "webaddress",
    "personalwebpage",
    "businesswebpage",
    "profileurl",
    "linkedin",
    "linkedinurl",
    "linkedinprofile",
)
_alias("birthday", "birthday", "birthdate", "dateofbirth", "geburtstag", "anniversaire")
_alias("tags", "labels", "groupmembership", "categories", "groups", "tags")
_alias("connected_on", "connectedon")
_alias("uid", "uid", "id")
_alias("birth_year", "birthyear")
_alias("birth_month", "birthmonth")

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_NON_WORD = re.compile(r"[\W_]+")
_NEUTRALIZED = frozenset("=+-@\t\r")
_IDENTIFYING = frozenset({"display_name", "given_name", "family_name", "emails"})


def _norm(header: str) -> str:
    return _NON_WORD.sub("", header.strip().strip('"').casefold())


def _score(cells: list[str]) -> tuple[int, bool]:
    """How many cells are known headers, and whether one of them names or addresses a person."""
    fields = [_ALIASES.get(_norm(c)) for c in cells]
    known = sum(1 for f in fields if f)
    return known, any(f in _IDENTIFYING for f in fields)


def find_header(text: str, max_lines: int = 60) -> tuple[int, str] | None:
    """Find the header row in the first lines: (1-based line number, delimiter) or None.

    Looks for known header names under each delimiter, so preambles (LinkedIn's `Notes:`) of
    any length are skipped without counting lines.
    """
    best: tuple[int, int, str] | None = None  # (score, line, delimiter)
    for i, line in enumerate(text.splitlines()[:max_lines], 1):
        if not line.strip():
            continue
        for delim in (",", ";", "\t"):
            if delim not in line and len(line) > 40:
                continue
            known, identifying = _score(line.split(delim))
            if identifying and known >= 2 and (best is None or known > best[0]):
                best = (known, i, delim)
        if best is not None and best[1] == i:
            break  # the first line that looks like a header is the header
    return (best[1], best[2]) if best else None


def _fix(cell: str, raw_bytes: bool, fallback: str) -> str:
    """Repair a cell holding legacy bytes (read as UTF-8 with surrogateescape)."""
    if not raw_bytes or cell.isascii():
        return cell
    try:
        cell.encode("utf-8")
        return cell
    except UnicodeEncodeError:
        data = cell.encode("utf-8", "surrogateescape")
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _parse_connected_on(value: str) -> dt.date | None:
    v = value.strip()
    if not v:
        return None
    parts = v.replace(",", " ").split()
    try:
        if len(parts) == 3 and parts[1][:3].lower() in _MONTHS:  # 12 Mar 2024
            return dt.date(int(parts[2]), _MONTHS[parts[1][:3].lower()], int(parts[0]))
        if len(parts) == 3 and parts[0][:3].lower() in _MONTHS:  # Mar 12 2024
            return dt.date(int(parts[2]), _MONTHS[parts[0][:3].lower()], int(parts[1]))
        return dt.date.fromisoformat(v[:10])
    except ValueError:
        return None


def _split_multi(value: str) -> list[str]:
    """Google puts several values in one cell separated by ` ::: `."""
    return [v.strip() for v in value.split(":::") if v.strip()] if ":::" in value else [value]


def read_csv(
    f: TextIO,
    source: str,
    *,
    header_line: int,
    delimiter: str = ",",
    raw_bytes: bool = False,
    fallback_charset: str = "cp1252",
) -> Iterator[ContactRecord | ImportProblem]:
    """Stream records from a CSV text stream (opened with newline=""), header at `header_line`."""
    for _ in range(header_line - 1):
        if not f.readline():
            return
    reader = csv.reader(f, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    columns = [_ALIASES.get(_norm(_fix(h, raw_bytes, fallback_charset)), "") for h in header]
    has_split_birthday = "birth_year" in columns or "birth_month" in columns
    if "title" in columns and any(_norm(h) in ("jobtitle", "position") for h in header):
        # Outlook: "Title" is the courtesy title (Mr., Dr.) when a "Job Title" column exists.
        for i, h in enumerate(header):
            if _norm(h) == "title":
                columns[i] = "prefix"
    lines_before = header_line - 1
    last = lines_before + reader.line_num
    errors = 0
    while True:
        row_start = last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors += 1
            last = lines_before + reader.line_num
            yield ImportProblem(source, row_start, f"this row could not be read ({exc})")
            if errors > 100:
                yield ImportProblem(source, row_start, "too many unreadable rows; stopped here")
                return
            continue
        last = lines_before + reader.line_num
        if not any(c.strip() for c in row):
            continue
        yield _row_record(
            row, columns, has_split_birthday, source, row_start, raw_bytes, fallback_charset
        )


def _row_record(
    row: list[str],
    columns: list[str],
    has_split_birthday: bool,
    source: str,
    line: int,
    raw_bytes: bool,
    fallback: str,
) -> ContactRecord | ImportProblem:
    rec = ContactRecord(source=source, line=line)
    year = month = day = ""
    for i, cell in enumerate(row):
        if i >= len(columns) or not columns[i]:
            continue
        value = _fix(cell, raw_bytes, fallback)
        if value[:1] == "'" and value[1:2] in _NEUTRALIZED:
            value = value[1:]  # undo the formula guard of our own export (csv_export)
        value = value.strip()
        if not value:
            continue
        fld = columns[i]
        if fld in ("emails", "phones", "urls"):
            target: list[str] = getattr(rec, fld)
            for v in _split_multi(value):
                if fld == "emails" and v.lower().startswith("mailto:"):
                    v = v[7:]
                if fld == "urls" and not rec.linkedin_url and is_linkedin_url(v):
                    rec.linkedin_url = v
                    continue
                if v not in target:
                    target.append(v)
        elif fld == "tags":
            for t in re.split(r":::|;|\n", value):
                t = t.strip()
                if t and not t.startswith("*") and t not in rec.tags:
                    rec.tags.append(t)
        elif fld == "birthday":
            if has_split_birthday:
                day = value
            elif not rec.birthday:
                rec.birthday = parse_birthday(value)
        elif fld == "birth_year":
            year = value
        elif fld == "birth_month":
            month = value
        elif fld == "connected_on":
            rec.connected_on = _parse_connected_on(value)
        elif fld == "notes":
            rec.notes = f"{rec.notes}\n{value}" if rec.notes else value
        elif not getattr(rec, fld):
            setattr(rec, fld, value)
    if month and day and month.isdigit() and day.isdigit():
        y = year if year.isdigit() and len(year) == 4 else "--"
        rec.birthday = parse_birthday(f"{y}-{int(month):02d}-{int(day):02d}")
    if not rec.display_name:
        parts = (rec.prefix, rec.given_name, rec.middle_name, rec.family_name, rec.suffix)
        rec.display_name = " ".join(p for p in parts if p)
    if not rec.display_name and not rec.emails:
        return ImportProblem(source, line, "row has no name and no email")
    if not rec.display_name:
        rec.display_name = rec.organization or rec.emails[0]
    return rec
