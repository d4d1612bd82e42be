"""Applying imports in one transaction, re-imports that change nothing, and undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee as pw
import pytest

from netdesk.core.domain import InteractionKind
from netdesk.store import importer, reader
from netdesk.store.models import Contact, ImportBatch
from netdesk.store.writer import derived
from tests.conftest import corpus_files

VCF = """BEGIN:VCARD
VERSION:3.0
FN:Dana Okafor
N:Okafor;Dana;;;
EMAIL;TYPE=WORK:dana@acme.example
ORG:Acme Robotics
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Lee Chen
EMAIL:lee@globex.example
TEL:+1 555 0100
END:VCARD
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_then_reimport_changes_nothing(
    store: pw.SqliteDatabase, now: dt.datetime, tmp_path: Path
) -> None:
    path = _write(tmp_path, "people.vcf", VCF)
    plan = importer.plan_files([path])
    assert (plan.new, plan.updated, plan.errors) == (2, 0, 0)
    result = importer.apply_plan(plan, [path.name], now)
    assert (result.added, result.updated) == (2, 0)
    again = importer.plan_files([path])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert Contact.select().count() == 2


def test_update_merges_and_undo_reverts(
    store: pw.SqliteDatabase, now: dt.datetime, tmp_path: Path
) -> None:
    first = importer.apply_plan(importer.plan_files([_write(tmp_path, "a.vcf", VCF)]), ["a"], now)
    more = (
        VCF.replace("TEL:+1 555 0100", "TEL:+1 555 0100\nTITLE:CTO").replace(
            "ORG:Acme Robotics", "ORG:Acme Robotics\nEMAIL:dana.o@acme.example"
        )
        + "BEGIN:VCARD\nVERSION:3.0\nFN:New Person\nEMAIL:new@x.example\nEND:VCARD\n"
    )
    plan = importer.plan_files([_write(tmp_path, "b.vcf", more)])
    assert (plan.new, plan.updated) == (1, 2)
    second = importer.apply_plan(plan, ["b"], now)
    dana = Contact.get(Contact.display_name == "Dana Okafor")
    assert reader.contact_emails(dana.id) == ["dana@acme.example", "dana.o@acme.example"]
    assert Contact.get(Contact.display_name == "Lee Chen").title == "CTO"

    assert importer.undo_import(second.batch_id, now) == (1, 2)
    assert Contact.select().count() == 2
    assert reader.contact_emails(dana.id) == ["dana@acme.example"]
    assert Contact.get(Contact.display_name == "Lee Chen").title == ""
    assert importer.last_batch().id == first.batch_id  # type: ignore[union-attr]
    assert importer.undo_import(first.batch_id, now) == (2, 0)
    assert Contact.select().count() == 0
    assert reader.search_contact_ids("dana") == []


def test_linkedin_connection_date_becomes_the_first_interaction(
    store: pw.SqliteDatabase, now: dt.datetime, tmp_path: Path
) -> None:
    csv = (
        'Notes:\n"When exporting your connection data, you may notice..."\n\n'
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ada,Lovelace,https://www.linkedin.com/in/ada,,Analytical Engines,Founder,12 Mar 2024\n"
    )
    path = _write(tmp_path, "Connections.csv", csv)
    importer.apply_plan(importer.plan_files([path]), [path.name], now)
    ada = Contact.get(Contact.display_name == "Ada Lovelace")
    [entry] = reader.timeline(ada.id)
    assert entry.kind is InteractionKind.CONNECTED and entry.at.date() == dt.date(2024, 3, 12)
    assert ada.company.name == "Analytical Engines"
    assert importer.plan_files([path]).unchanged == 1


def test_a_failed_import_leaves_the_store_as_it_was(
    store: pw.SqliteDatabase, now: dt.datetime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer.apply_plan(importer.plan_files([_write(tmp_path, "a.vcf", VCF)]), ["a"], now)
    plan = importer.plan_files(
        [_write(tmp_path, "b.vcf", "BEGIN:VCARD\nFN:Third\nEMAIL:t@x.example\nEND:VCARD\n")]
    )

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(derived, "recompute_follow_ups", boom)
    with pytest.raises(OSError, match="disk full"):
        importer.apply_plan(plan, ["b"], now)
    assert Contact.select().count() == 2
    assert ImportBatch.select().count() == 1


def test_every_corpus_file_imports_and_reimports_unchanged(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    files = corpus_files()
    if not files:
        pytest.skip("corpus folder ../shared/corpus/public not found")
    for path in files:
        importer.apply_plan(importer.plan_files([path]), [path.name], now)
        again = importer.plan_files([path])
        assert (again.new, again.updated) == (0, 0), path.name
