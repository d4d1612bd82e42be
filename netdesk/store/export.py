"""Writing the network out: vCard or CSV of chosen contacts, JSON of everything, whole files."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from netdesk.core.csv_export import write_csv
from netdesk.core.records import ContactRecord
from netdesk.core.vcard import write_vcards
from netdesk.store import reader
from netdesk.store.models import (
    Company,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    ContactProperty,
    ContactUrl,
    FollowUp,
    ImportBatch,
    Interaction,
    JobSearch,
    ReferenceRequest,
    Setting,
    WrapUpStep,
    db,
)
from netdesk.store.sql import chunks

# What `write_export` knows: vCard 4.0, vCard 3.0, CSV (of the contacts), JSON (of all).
FORMATS = ("vcard4", "vcard3", "csv", "json")


@contextlib.contextmanager
def atomic_text_file(path: Path) -> Iterator[TextIO]:
    """A file written whole or not at all: a private temporary beside it, renamed at the end."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def export_records(contact_ids: Sequence[int] | None) -> Iterator[ContactRecord]:
    """The chosen contacts (or every one not archived) as records, in name order."""
    if contact_ids is None:
        query = Contact.select().where(Contact.archived == False)  # noqa: E712
        for contact in query.order_by(Contact.display_name).iterator():
            yield reader.contact_record(contact)
        return
    for chunk in chunks(list(contact_ids)):
        for contact in Contact.select().where(Contact.id.in_(chunk)).order_by(Contact.id):
            yield reader.contact_record(contact)


def write_export(out: TextIO, fmt: str, contact_ids: Sequence[int] | None, now: dt.datetime) -> int:
    """Write one export to `out`; returns how many contacts went in. JSON is always all."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "json":
        write_json(out, now)
        return int(Contact.select().count())
    count = 0

    def counted(records: Iterator[ContactRecord]) -> Iterator[ContactRecord]:
        nonlocal count
        for record in records:
            count += 1
            yield record

    if fmt == "csv":
        write_csv(counted(export_records(contact_ids)), out)
    else:
        version = "3.0" if fmt == "vcard3" else "4.0"
        write_vcards(counted(export_records(contact_ids)), out, version=version)
    return count


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


# Every table a user's network lives in, by the name the JSON gives it.
_SECTIONS: tuple[tuple[str, Any], ...] = (
    ("search", JobSearch),
    ("settings", Setting),
    ("companies", Company),
    ("interactions", Interaction),
    ("follow_ups", FollowUp),
    ("reference_requests", ReferenceRequest),
    ("wrap_up", WrapUpStep),
    ("import_batches", ImportBatch),
    # The rest of each card: emails and phones with their types, web addresses, postal
    # addresses and the properties kept as written (by contact_id).
    ("contact_emails", ContactEmail),
    ("contact_phones", ContactPhone),
    ("contact_urls", ContactUrl),
    ("contact_addresses", ContactAddress),
    ("contact_properties", ContactProperty),
)


def write_json(out: TextIO, now: dt.datetime) -> None:
    """Everything in the store as one JSON document, streamed row by row."""

    def rows(model: Any) -> Iterator[str]:
        for row in model.select().order_by(model.id).dicts().iterator():
            yield json.dumps({k: _json_value(v) for k, v in row.items()}, ensure_ascii=False)

    def contacts() -> Iterator[str]:
        emails: dict[int, list[str]] = {}
        for cid, email in db.execute_sql(
            "SELECT contact_id, email FROM contact_email ORDER BY contact_id, position"
        ):
            emails.setdefault(cid, []).append(email)
        phones: dict[int, list[str]] = {}
        for cid, phone in db.execute_sql(
            "SELECT contact_id, phone FROM contact_phone ORDER BY contact_id, position"
        ):
            phones.setdefault(cid, []).append(phone)
        for row in Contact.select().order_by(Contact.id).dicts().iterator():
            item = {k: _json_value(v) for k, v in row.items()}
            item["emails"] = emails.get(row["id"], [])
            item["phones"] = phones.get(row["id"], [])
            yield json.dumps(item, ensure_ascii=False)

    def section(name: str, items: Iterator[str]) -> None:
        out.write(f',\n  "{name}": [')
        first = True
        for item in items:
            out.write("\n    " if first else ",\n    ")
            out.write(item)
            first = False
        out.write("]" if first else "\n  ]")

    out.write('{\n  "format": "netdesk-export", "version": 1, ')
    out.write(f'"exported_at": "{now.isoformat()}"')
    section("contacts", contacts())
    for name, model in _SECTIONS:
        section(name, rows(model))
    out.write("\n}\n")
