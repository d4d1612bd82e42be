"""CSV contact reading by header name: LinkedIn, Google, Outlook and Thunderbird exports."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple, TextIO

from netdesk.core.matching import is_linkedin_url, parse_birthday
from netdesk.core.records import (
    NO_ATTRS,
    Address,
    Attrs,
    CardProperty,
    ContactRecord,
    ImportProblem,
)

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
_alias(
    "org_unit",
    "department",
    "abteilung",
    "service",
    "departamento",
    "organizationdepartment",
    "organization1department",
)
_alias("anniversary", "anniversary", "jahrestag", "weddinganniversary")
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


_UNCLOSED = (
    "a quote opened on this line is never closed, so the rows after it would have become "
    "one field; this line was skipped and the rest read as rows"
)


class _Lines:
    """The file's physical lines as csv.reader takes them, keeping those of the row being
    read (`taken`), so that a row swallowed by an unclosed quote can be read again."""

    def __init__(self, f: Iterable[str]) -> None:
        self._lines = iter(f)
        self.back: list[str] = []
        self.taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.back.pop() if self.back else next(self._lines)
        self.taken.append(line)
        return line

    def again(self, delimiter: str) -> Iterator[list[str]]:
        """Drop the first line taken, put the others back: a new reader starts after it."""
        self.back.extend(reversed(self.taken[1:]))
        self.taken = []
        return csv.reader(self, delimiter=delimiter)


def _swallowed(rest: list[str], delimiter: str, width: int) -> bool:
    """True when the lines a quoted field ran over look like rows of their own (each with a
    delimiter between every column): a quote left open, not a note written on several lines."""
    needed = max(1, width - 1)
    rowlike = 0
    for line in rest[:50]:
        if line.count(delimiter) >= needed:
            rowlike += 1
            if rowlike >= 2:
                return True
    return False


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
    lines = _Lines(f)
    reader: Iterator[list[str]] = csv.reader(lines, delimiter=delimiter)
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
    specs = _specs(header, columns, raw_bytes, fallback_charset)
    last = header_line - 1 + len(lines.taken)
    width = len(header)
    errors = 0
    while True:
        row_start = last + 1
        lines.taken = []
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors += 1
            if len(lines.taken) > 1:
                # A quote never closed ran on until the field grew too large: the rows it
                # swallowed are read again, as rows.
                yield ImportProblem(source, row_start, _UNCLOSED)
                reader = lines.again(delimiter)
                last = row_start
            else:
                last += len(lines.taken)
                yield ImportProblem(source, row_start, f"this row could not be read ({exc})")
            if errors > 100:
                yield ImportProblem(source, row_start, "too many unreadable rows; stopped here")
                return
            continue
        if len(lines.taken) > 2 and _swallowed(lines.taken[1:], delimiter, width):
            errors += 1
            yield ImportProblem(source, row_start, _UNCLOSED)
            reader = lines.again(delimiter)
            last = row_start
            continue
        last += len(lines.taken)
        if not any(c.strip() for c in row):
            continue
        yield _row_record(
            row, specs, has_split_birthday, source, row_start, raw_bytes, fallback_charset
        )


class _Col(NamedTuple):
    """What one column holds: a field, or part of a typed value, an address or a property."""

    field: str  # a record field, "type_of", "adr", "extra", or "" (nothing)
    types: tuple[str, ...] = ()  # for an email, phone or web column: the types it implies
    pref: int = 0
    slot: str = ""  # which value or address a type or part column belongs to
    part: str = ""  # an address part (street, locality...) or "label"
    name: str = ""  # an extra property's name


# Phone and email columns whose header says the type (Outlook, Thunderbird, Yahoo...).
_TYPED: dict[str, tuple[str, tuple[str, ...], int]] = {
    "workphone": ("phones", ("work", "voice"), 0),
    "businessphone": ("phones", ("work", "voice"), 0),
    "businessphone2": ("phones", ("work", "voice"), 0),
    "homephone": ("phones", ("home", "voice"), 0),
    "homephone2": ("phones", ("home", "voice"), 0),
    "mobile": ("phones", ("cell",), 0),
    "mobilephone": ("phones", ("cell",), 0),
    "mobilenumber": ("phones", ("cell",), 0),
    "cellphone": ("phones", ("cell",), 0),
    "handy": ("phones", ("cell",), 0),
    "faxnumber": ("phones", ("fax",), 0),
    "fax": ("phones", ("fax",), 0),
    "businessfax": ("phones", ("work", "fax"), 0),
    "homefax": ("phones", ("home", "fax"), 0),
    "otherfax": ("phones", ("fax",), 0),
    "pager": ("phones", ("pager",), 0),
    "pagernumber": ("phones", ("pager",), 0),
    "callback": ("phones", ("callback",), 0),
    "carphone": ("phones", ("car",), 0),
    "companymainphone": ("phones", ("work", "main"), 0),
    "isdn": ("phones", ("isdn",), 0),
    "otherphone": ("phones", ("other", "voice"), 0),
    "primaryphone": ("phones", ("voice",), 1),
    "radiophone": ("phones", ("radio",), 0),
    "ttytddphone": ("phones", ("textphone",), 0),
    "telex": ("phones", ("telex",), 0),
    "assistantsphone": ("phones", ("assistant",), 0),
    "primaryemail": ("emails", (), 1),
    "personalwebpage": ("urls", ("home",), 0),
    "businesswebpage": ("urls", ("work",), 0),
}
# Google's "Phone 1 - Type" values (and Outlook's words) -> vCard types.
_TYPE_WORDS = {
    "mobile": "cell",
    "cell": "cell",
    "work": "work",
    "business": "work",
    "home": "home",
    "other": "other",
    "main": "main",
    "fax": "fax",
    "pager": "pager",
    "voice": "voice",
    "internet": "internet",
    "homepage": "home",
    "page": "",
    "blog": "blog",
    "profile": "profile",
}
_GOOGLE = re.compile(
    r"^(e-?mail|phone|website|address|organi[sz]ation|relation|im|event|custom field) (\d+)"
    r" - (.+)$"
)
_PLACE = re.compile(
    r"^(home|work|business|other) ?(street|address|city|state|zip ?code|postal ?code|"
    r"country(?:/region)?|po ?box)( ?\d)?$"
)
_PARTS = {
    "street": "street",
    "address": "street",
    "extended address": "extended",
    "city": "locality",
    "state": "region",
    "region": "region",
    "zip code": "postal_code",
    "zipcode": "postal_code",
    "postal code": "postal_code",
    "postalcode": "postal_code",
    "country": "country",
    "country/region": "country",
    "po box": "po_box",
    "pobox": "po_box",
    "formatted": "label",
}


def _property_name(header: str) -> str:
    """A column NetDesk has no field for, as the name of the property that keeps it."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", header).strip("-").upper()
    return "X-" + (slug or "COLUMN")


def _google(kind: str, number: str, what: str) -> _Col:
    kind = kind.replace("-", "").replace("organisation", "organization")
    what = what.strip()
    if what == "label":  # Google's newer export says Label where the older said Type
        what = "type"
    if kind in ("email", "phone", "website"):
        field = {"email": "emails", "phone": "phones", "website": "urls"}[kind]
        if what == "type":
            return _Col("type_of", slot=f"{kind}{number}")
        if what == "value":
            return _Col(field, slot=f"{kind}{number}")
    if kind == "address":
        if what == "type":
            return _Col("type_of", slot=f"address{number}")
        if what in _PARTS:
            return _Col("adr", slot=f"address{number}", part=_PARTS[what])
    if kind == "organization":
        org_field = {
            "name": "organization",
            "title": "title",
            "department": "org_unit",
            "job description": "role",
        }.get(what)
        if org_field:
            return _Col(org_field)
    if kind == "event" and what in ("type", "value"):
        return _Col("event" if what == "value" else "type_of", slot=f"event{number}")
    if kind == "relation" and what in ("type", "value"):
        return _Col("related" if what == "value" else "type_of", slot=f"relation{number}")
    return _Col("extra", name=_property_name(f"{kind} {number} {what}"))


def _specs(header: list[str], columns: list[str], raw_bytes: bool, fallback: str) -> list[_Col]:
    """What each column holds, from its header (and the plain field `columns` found)."""
    specs = []
    for raw, field in zip(header, columns, strict=False):
        text = " ".join(_fix(raw, raw_bytes, fallback).strip().strip('"').casefold().split())
        norm = _norm(raw)
        if not text:
            specs.append(_Col(""))
            continue
        if m := _GOOGLE.match(text):
            specs.append(_google(*m.groups()))
            continue
        if norm in _TYPED:
            fld, types, pref = _TYPED[norm]
            specs.append(_Col(fld, types, pref))
            continue
        if m := _PLACE.match(text):
            place, part, line = m.groups()
            place = "work" if place == "business" else place
            part = _PARTS.get(part.replace(" ", ""), _PARTS.get(part, "street"))
            if line and line.strip() != "1" and part == "street":
                part = "street2"  # Home Address 2, Business Street 2: the street's next line
            specs.append(_Col("adr", (place,), slot=place, part=part))
            continue
        if m := re.match(r"^custom ?(\d)$", text):  # Thunderbird's Custom 1-4
            specs.append(_Col("extra", name=f"X-CUSTOM{m.group(1)}"))
            continue
        if field:
            specs.append(_Col(field))
            continue
        specs.append(_Col("extra", name=_property_name(raw)))
    return specs


def _types_of(text: str) -> tuple[tuple[str, ...], int]:
    """Google's "* Mobile", "Home Fax", "Work" -> (("cell",), 1), (("home", "fax"), 0)..."""
    pref = 1 if text.strip().startswith("*") else 0
    words = re.findall(r"[\w-]+", text.casefold())
    types = tuple(t for t in dict.fromkeys(_TYPE_WORDS.get(w, w) for w in words) if t)
    return types, pref


def _row_record(
    row: list[str],
    columns: list[_Col],
    has_split_birthday: bool,
    source: str,
    line: int,
    raw_bytes: bool,
    fallback: str,
) -> ContactRecord | ImportProblem:
    rec = ContactRecord(source=source, line=line)
    year = month = day = ""
    # Values of typed columns by slot, the type columns' text by slot, address parts by slot.
    slotted: list[tuple[str, str, str]] = []  # (field, slot, value)
    type_text: dict[str, str] = {}
    places: dict[str, dict[str, str]] = {}
    place_types: dict[str, tuple[str, ...]] = {}
    for i, cell in enumerate(row):
        if i >= len(columns) or not columns[i].field:
            continue
        value = _fix(cell, raw_bytes, fallback)
        if value[:1] == "'" and value[1:2] in _NEUTRALIZED:
            value = value[1:]  # undo the formula guard of our own export (csv_export)
        value = value.strip()
        if not value:
            continue
        col = columns[i]
        fld = col.field
        if fld in ("emails", "phones", "urls"):
            target: list[str] = getattr(rec, fld)
            attrs: dict[str, Attrs] = getattr(rec, fld[:-1] + "_attrs")
            for v in _split_multi(value):
                if fld == "emails" and v.lower().startswith("mailto:"):
                    v = v[7:]
                if fld == "urls" and not rec.linkedin_url and is_linkedin_url(v):
                    rec.linkedin_url = v
                    if col.slot:
                        slotted.append(("urls", col.slot, v))
                    continue
                if v not in target:
                    target.append(v)
                if col.types or col.pref:
                    attrs[v] = Attrs(col.types, col.pref)
                if col.slot:
                    slotted.append((fld, col.slot, v))
        elif fld == "type_of":
            type_text[col.slot] = value
        elif fld == "adr":
            places.setdefault(col.slot, {})[col.part] = value
            if col.types:
                place_types[col.slot] = col.types
        elif fld in ("event", "related"):
            slotted.append((fld, col.slot, value))
        elif fld == "extra":
            rec.extra.append(CardProperty(col.name, _escape(value)))
        elif fld == "org_unit":
            if value not in rec.org_units:
                rec.org_units.append(value)
        elif fld == "anniversary":
            if not rec.anniversary:
                rec.anniversary = parse_birthday(value)
            if not rec.anniversary and value not in _NO_DATE:
                rec.extra.append(CardProperty("X-ANNIVERSARY", _escape(value)))
        elif fld == "tags":
            for t in re.split(r":::|;|,|\n", value):
                t = t.strip()
                if t and not t.startswith("*") and t not in rec.tags:
                    rec.tags.append(t)
        elif fld == "birthday":
            if has_split_birthday:
                day = value
            elif not rec.birthday:
                rec.birthday = parse_birthday(value)
                if not rec.birthday and value not in _NO_DATE:
                    rec.extra.append(CardProperty("X-BIRTHDAY", _escape(value)))
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
        elif fld != "display_name":
            # A second column for a field already filled (Outlook's "Job Title" and Google's
            # "Organization 1 - Title"): kept, not dropped.
            rec.extra.append(CardProperty(_FIELD_PROPERTY.get(fld, "NOTE"), _escape(value)))
    _typed_slots(rec, slotted, type_text)
    for slot, parts in places.items():
        types = place_types.get(slot, ())
        pref = 0
        if slot in type_text:
            types, pref = _types_of(type_text[slot])
        street = parts.get("street", "")
        if parts.get("street2"):
            street = f"{street}\n{parts['street2']}" if street else parts["street2"]
        rec.addresses.append(
            Address(
                parts.get("po_box", ""),
                parts.get("extended", ""),
                street,
                parts.get("locality", ""),
                parts.get("region", ""),
                parts.get("postal_code", ""),
                parts.get("country", ""),
                parts.get("label", ""),
                Attrs(types, pref) if types or pref else NO_ATTRS,
            )
        )
    if month and day and month.isdigit() and day.isdigit():
        y = year if year.isdigit() and len(year) == 4 else "--"
        rec.birthday = parse_birthday(f"{y}-{int(month):02d}-{int(day):02d}")
    if not rec.display_name:
        names = (rec.prefix, rec.given_name, rec.middle_name, rec.family_name, rec.suffix)
        rec.display_name = " ".join(p for p in names if p)
    if not rec.display_name and not rec.emails:
        return ImportProblem(source, line, "row has no name and no email")
    if not rec.display_name:
        rec.display_name = rec.organization or rec.emails[0]
    return rec


# Outlook writes an empty date as 0/0/00.
_NO_DATE = frozenset({"0/0/00", "0/0/0000", "00/00/0000"})
# The vCard property a second column of a field is kept as.
_FIELD_PROPERTY = {
    "given_name": "X-GIVEN-NAME",
    "family_name": "X-FAMILY-NAME",
    "middle_name": "X-MIDDLE-NAME",
    "prefix": "X-PREFIX",
    "suffix": "X-SUFFIX",
    "nickname": "NICKNAME",
    "organization": "ORG",
    "title": "TITLE",
    "role": "ROLE",
    "uid": "X-ID",
}


def _escape(value: str) -> str:
    """A cell as a vCard text value."""
    return (
        value.replace("\\", "\\\\")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def _typed_slots(
    rec: ContactRecord, slotted: list[tuple[str, str, str]], type_text: dict[str, str]
) -> None:
    """Give each value of a numbered column its type column's types (Google's layout)."""
    for fld, slot, value in slotted:
        text = type_text.get(slot, "")
        if fld == "event":
            found = parse_birthday(value)
            if "anniversary" in text.casefold() and not rec.anniversary and found:
                rec.anniversary = found
                continue
            params = f";TYPE={_escape(text)}" if text else ""
            rec.extra.append(CardProperty("X-EVENT", _escape(value), params=params))
            continue
        if fld == "related":
            kinds = ",".join(_types_of(text)[0]) if text else ""
            params = ";VALUE=text" + (f";TYPE={kinds}" if kinds else "")
            rec.extra.append(CardProperty("RELATED", _escape(value), params=params))
            continue
        if not text:
            continue
        types, pref = _types_of(text)
        if fld == "urls" and value == rec.linkedin_url:
            rec.url_attrs[value] = Attrs(types, pref)
            continue
        getattr(rec, fld[:-1] + "_attrs")[value] = Attrs(types, pref)


