"""Cards as the sync sees them: read into records, compared field by field, merged against
the last-synced text, and written back changing only the properties of the fields that
changed (every other line of the server's card goes back byte for byte)."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from netdesk.core.matching import company_key, normalize_email, normalize_phone
from netdesk.core.records import ContactRecord
from netdesk.core.vcard import read_vcards, write_vcards

# The fields a card carries that NetDesk keeps, each with the record attributes it is made
# of and the vCard properties that hold it. A field is what the user sees change and what
# a conflict is about; every property not named here is the server's alone.
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "display_name": (("display_name",), ("FN",)),
    "name_parts": (("family_name", "given_name", "middle_name", "prefix", "suffix"), ("N",)),
    "nickname": (("nickname",), ("NICKNAME",)),
    "organization": (("organization", "org_units"), ("ORG",)),
    "title": (("title",), ("TITLE",)),
    "role": (("role",), ("ROLE",)),
    "emails": (("emails", "email_attrs"), ("EMAIL",)),
    "phones": (("phones", "phone_attrs"), ("TEL",)),
    "web": (("linkedin_url", "urls", "url_attrs"), ("URL", "X-SOCIALPROFILE", "X-LINKEDIN")),
    "addresses": (("addresses",), ("ADR", "LABEL")),
    "birthday": (("birthday",), ("BDAY",)),
    "anniversary": (("anniversary",), ("ANNIVERSARY", "X-ANNIVERSARY")),
    "tags": (("tags",), ("CATEGORIES",)),
    "notes": (("notes",), ("NOTE",)),
    "photo": (("photo", "photo_mime"), ("PHOTO",)),
}
_FIELD_OF_PROPERTY = {prop: name for name, (_, props) in FIELDS.items() for prop in props}
_NAME = re.compile(r"^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)")


def read_card(text: str, source: str = "server") -> ContactRecord | None:
    """The first card in `text` as a record (tags split as the store keeps them)."""
    for item in read_vcards(io.StringIO(text), source):
        if isinstance(item, ContactRecord):
            if item.tags:
                # One tag per CATEGORIES value, an escaped comma inside it kept (as the store
                # keeps it: core.records.split_tags).
                item.tags = list(dict.fromkeys(t.strip() for t in item.tags if t.strip()))
            return item
    return None


def _norm(name: str, rec: ContactRecord) -> Any:
    """A field's value as compared: what a server's rewriting (case, groups, versions,
    order of lines) cannot change."""
    if name == "emails":
        return tuple(k for k in (normalize_email(e) for e in rec.emails) if k)
    if name == "phones":
        return tuple(k for k in (normalize_phone(p) for p in rec.phones) if k)
    if name == "organization":
        company = company_key(rec.organization) or rec.organization.strip().casefold()
        return (company, *(" ".join(u.split()) for u in rec.org_units if u.strip()))
    if name == "addresses":
        return tuple(sorted(a.key() for a in rec.addresses))
    if name == "web":
        urls = [rec.linkedin_url, *rec.urls]
        return tuple(sorted({u.strip().rstrip("/").lower() for u in urls if u.strip()}))
    if name == "tags":
        return tuple(sorted({t.strip().casefold() for t in rec.tags if t.strip()}))
    if name == "photo":
        return bytes(rec.photo) if rec.photo else b""
    if name in ("birthday", "anniversary"):
        return str(getattr(rec, name)).strip()
    attrs = FIELDS[name][0]
    return tuple(" ".join(str(getattr(rec, a) or "").split()) for a in attrs)


def differing(a: ContactRecord, b: ContactRecord, names: Iterable[str] = FIELDS) -> set[str]:
    """The fields whose values differ between two records."""
    return {n for n in names if _norm(n, a) != _norm(n, b)}


def empty(name: str, rec: ContactRecord) -> bool:
    value = _norm(name, rec)
    return not any(value) if isinstance(value, tuple) else not value


def take(target: ContactRecord, source: ContactRecord, names: Iterable[str]) -> ContactRecord:
    """A copy of `target` with the fields `names` taken from `source`."""
    out = dataclasses.replace(
        target,
        emails=list(target.emails),
        phones=list(target.phones),
        urls=list(target.urls),
        tags=list(target.tags),
        addresses=list(target.addresses),
        org_units=list(target.org_units),
        extra=list(target.extra),
        email_attrs=dict(target.email_attrs),
        phone_attrs=dict(target.phone_attrs),
        url_attrs=dict(target.url_attrs),
    )
    for name in names:
        for attr in FIELDS[name][0]:
            value = getattr(source, attr)
            if isinstance(value, list):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            setattr(out, attr, value)
    return out


def field_value(name: str, rec: ContactRecord) -> Any:
    """A field's value for showing and keeping: a string, a list of strings, or a mapping."""
    attrs = FIELDS[name][0]
    if name == "photo":
        return f"{len(rec.photo)} bytes" if rec.photo else ""
    if name == "web":
        return [u for u in [rec.linkedin_url, *rec.urls] if u]
    if name in ("emails", "phones"):
        return list(getattr(rec, name))
    if name == "addresses":
        return [str(a) for a in rec.addresses]
    if name == "organization":
        return [p for p in [rec.organization, *rec.org_units] if p]
    if len(attrs) == 1:
        value = getattr(rec, attrs[0])
        return list(value) if isinstance(value, list) else value
    return {a: getattr(rec, a) for a in attrs}


@dataclass(slots=True)
class Merge:
    """The outcome of merging a card changed on both sides."""

    record: ContactRecord  # what the contact becomes locally
    local: set[str] = field(default_factory=set)  # fields the local contact takes from theirs
    push: set[str] = field(default_factory=set)  # fields the server's card takes from mine
    conflicts: set[str] = field(default_factory=set)  # both changed, differently


def merge(
    base: ContactRecord | None,
    mine: ContactRecord,
    theirs: ContactRecord,
    *,
    held: Iterable[str] = (),
) -> Merge:
    """Merge property by property. With a base (the last-synced card), the side that changed
    a field wins it; both changed it differently is a conflict (mine stays, theirs is kept
    beside it). Without one (a card first linked to a contact), an empty side takes the
    other's value, lists are joined, and two different values are a conflict.

    `held` names fields already in conflict: they move on neither side until resolved.
    """
    out = Merge(record=take(mine, mine, ()))
    held = set(held)
    whole: set[str] = set()  # fields the local contact takes whole from theirs
    for name in FIELDS:
        if name in held:
            continue
        m, t = _norm(name, mine), _norm(name, theirs)
        if m == t:
            continue
        b = _norm(name, base) if base is not None else None
        if (base is not None and m == b) or (base is None and empty(name, mine)):
            whole.add(name)
        elif (base is not None and t == b) or (base is None and empty(name, theirs)):
            out.push.add(name)
        elif base is None and name in ("emails", "phones", "web", "tags", "addresses"):
            _join(out.record, theirs, name)
            joined = _norm(name, out.record)
            if joined != m:
                out.local.add(name)
            if joined != t:
                out.push.add(name)
        else:
            out.conflicts.add(name)
    out.local |= whole
    out.record = take(out.record, theirs, whole)
    return out


def _join(rec: ContactRecord, other: ContactRecord, name: str) -> None:
    """Add to `rec`'s list field the values of `other` it lacks."""
    if name == "web":
        have = {u.strip().rstrip("/").lower() for u in [rec.linkedin_url, *rec.urls] if u}
        if other.linkedin_url and not rec.linkedin_url:
            rec.linkedin_url = other.linkedin_url
            have.add(other.linkedin_url.strip().rstrip("/").lower())
        for u in [other.linkedin_url, *other.urls]:
            key = u.strip().rstrip("/").lower()
            if u and key not in have:
                rec.urls.append(u)
                have.add(key)
        return
    if name == "addresses":
        keys = {a.key() for a in rec.addresses}
        rec.addresses.extend(a for a in other.addresses if a.key() not in keys)
        return
    keyer = {"emails": normalize_email, "phones": normalize_phone, "tags": str.casefold}[name]
    values: list[str] = getattr(rec, name)
    seen = {keyer(v) for v in values}
    for v in getattr(other, name):
        if keyer(v) not in seen:
            values.append(v)
            seen.add(keyer(v))


# --- writing a card back -----------------------------------------------------------------


def _logical_lines(text: str) -> list[list[str]]:
    """The card's content lines, each as the physical lines it was folded into (ends kept)."""
    out: list[list[str]] = []
    for line in text.splitlines(keepends=True):
        if line[:1] in (" ", "\t") and out:
            out[-1].append(line)
        elif line.strip():
            out.append([line])
    return out


def _name_of(line: str) -> tuple[str, str]:
    """(group, NAME) of a content line: `item1.EMAIL;TYPE=work:...` -> ("item1", "EMAIL")."""
    m = _NAME.match(line)
    if not m:
        return "", ""
    return (m.group(1) or "").lower(), m.group(2).upper()


def version_of(text: str) -> str:
    for lines in _logical_lines(text):
        _group, name = _name_of(lines[0])
        if name == "VERSION":
            value = lines[0].split(":", 1)[-1].strip()
            return value if value in ("3.0", "4.0") else "3.0"
    return "3.0"


def new_card(record: ContactRecord, version: str = "3.0") -> str:
    """A whole card for a contact the server has not seen."""
    out = io.StringIO()
    write_vcards([record], out, version=version)
    return out.getvalue()


def compose(server_text: str, record: ContactRecord, names: Iterable[str]) -> str:
    """The server's card with the fields `names` written from `record` and nothing else
    touched: other lines (unknown properties, groups, labels, the version) stay as they are."""
    names = set(names)
    if not names:
        return server_text
    version = version_of(server_text)
    props = {p for n in names for p in FIELDS[n][1]}
    lines = _logical_lines(server_text)
    # Groups (Apple's item1.) whose modelled lines go: their labels go with them.
    dropped_groups = set()
    for physical in lines:
        group, name = _name_of(physical[0])
        if group and name in props:
            dropped_groups.add(group)
    kept_groups = {
        _name_of(p[0])[0]
        for p in lines
        if _name_of(p[0])[0] in dropped_groups
        and _name_of(p[0])[1] in _FIELD_OF_PROPERTY
        and _name_of(p[0])[1] not in props
    }
    written = _logical_lines(new_card(record, version))
    fresh = [physical for physical in written if _name_of(physical[0])[1] in props]
    # The labels (item1.X-ABLABEL) of the lines written again come with them.
    regrouped = {_name_of(p[0])[0] for p in fresh} - {""}
    fresh += [
        physical
        for physical in written
        if _name_of(physical[0])[0] in regrouped and _name_of(physical[0])[1] not in props
        and _name_of(physical[0])[1] not in _FIELD_OF_PROPERTY
    ]
    out: list[str] = []
    inserted = False
    for physical in lines:
        group, name = _name_of(physical[0])
        if name in props:
            continue
        if group in dropped_groups and group not in kept_groups:
            continue
        if name == "END" and not inserted:
            out.extend(line for p in fresh for line in p)
            inserted = True
        out.extend(physical)
    if not inserted:
        out.extend(line for p in fresh for line in p)
    text = "".join(out)
    return text if text.endswith("\n") else text + "\r\n"
