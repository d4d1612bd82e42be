"""Reading what an imported history needs: who the network's people are (LinkedIn profile,
name, email address) and which imported entries the timeline already holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from netdesk.core.linkedin_archive import SOURCE as LINKEDIN
from netdesk.core.linkedin_archive import ArchiveHistory, Directory, assign
from netdesk.core.mail_history import SOURCE as MAIL
from netdesk.core.mail_history import MailEntry, MailReading
from netdesk.core.matching import normalize_linkedin
from netdesk.core.records import ContactRecord
from netdesk.store.models import db
from netdesk.store.sql import chunks


def people_directory() -> Directory:
    """Every contact (archived ones too: their history is theirs) by profile and name."""
    directory = Directory()
    for cid, name, given, family, profile in db.execute_sql(
        "SELECT id, display_name, given_name, family_name, linkedin_key FROM contact ORDER BY id"
    ):
        directory.add(int(cid), str(name or ""), str(profile or ""))
        full = " ".join(p for p in (given, family) if p)
        if full and full != name:
            directory.add(int(cid), full, str(profile or ""))
    return directory


def email_directory() -> dict[str, list[int]]:
    """Each email address (lower case) and the contacts who have it."""
    out: dict[str, list[int]] = {}
    for key, cid in db.execute_sql(
        "SELECT key, contact_id FROM contact_email WHERE key != '' ORDER BY contact_id"
    ):
        ids = out.setdefault(str(key), [])
        if cid not in ids:
            ids.append(int(cid))
    return out


def imported_keys(contact_ids: Iterable[int], source: str) -> set[tuple[int, str]]:
    """The (contact, source key) of every entry from `source` the timeline holds for them."""
    found: set[tuple[int, str]] = set()
    ids: Sequence[int] = sorted(set(contact_ids))
    for chunk in chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        for cid, key in db.execute_sql(
            "SELECT contact_id, source_key FROM interaction "
            f"WHERE source = ? AND source_key != '' AND contact_id IN ({marks})",
            [source, *chunk],
        ):
            found.add((int(cid), str(key)))
    return found


@dataclass(slots=True)
class FilePlan:
    """What one file of a history would add: the preview's line for it."""

    name: str
    rows: int = 0  # messages, invitations, ... read
    new: int = 0  # timeline entries it would add
    already: int = 0  # entries the timeline holds from an earlier import
    outside: int = 0  # entries about people not in the network
    left_out: int = 0  # drafts, rows without a date or a person
    people: int = 0  # contacts whose timeline would grow
    not_yours: int = 0  # mail to contacts from an address not known as the user's


def plan_linkedin(
    history: ArchiveHistory, newcomers: Sequence[ContactRecord] = ()
) -> list[FilePlan]:
    """Per history file, what importing it would add, counting the connections the same
    import brings (`newcomers`, not in the store yet) as people of the network."""
    directory = people_directory()
    for n, record in enumerate(newcomers, 1):
        directory.add(-n, record.display_name, normalize_linkedin(record.linkedin_url))
    assigned = assign(history.entries, directory)
    have = imported_keys((cid for cid, _ in assigned.rows if cid > 0), LINKEDIN)
    by_label = {
        r.name: FilePlan(r.name, r.rows, left_out=r.drafts + r.skipped)
        for r in history.files.values()
    }
    people: dict[str, set[int]] = {}
    for cid, entry in assigned.rows:
        plan = by_label.setdefault(entry.file, FilePlan(entry.file))
        if (cid, entry.source_key) in have:
            plan.already += 1
        else:
            have.add((cid, entry.source_key))
            plan.new += 1
            people.setdefault(entry.file, set()).add(cid)
    for label, count in assigned.unmatched.items():
        by_label.setdefault(label, FilePlan(label)).outside += count
    for label, ids in people.items():
        by_label[label].people = len(ids)
    return list(by_label.values())


def mail_rows(reading: MailReading) -> list[tuple[int, MailEntry]]:
    """Each email entry with each contact its address belongs to."""
    directory = email_directory()
    return [(cid, e) for e in reading.entries for cid in directory.get(e.address, ())]


def plan_mail(reading: MailReading) -> FilePlan:
    """What importing the mail would add."""
    rows = mail_rows(reading)
    have = imported_keys((cid for cid, _ in rows), MAIL)
    plan = FilePlan(", ".join(reading.folders), reading.messages)
    people: set[int] = set()
    for cid, entry in rows:
        if (cid, entry.source_key) in have:
            plan.already += 1
        else:
            have.add((cid, entry.source_key))
            plan.new += 1
            people.add(cid)
    plan.people = len(people)
    plan.not_yours = reading.unknown_sender
    plan.left_out = reading.without_date
    return plan


def batch_entries(batch_id: int) -> int:
    """How many timeline entries an import batch wrote that are still there."""
    row = db.execute_sql(
        "SELECT count(*) FROM interaction WHERE import_batch_id = ? AND source != ''", [batch_id]
    ).fetchone()
    return int(row[0]) if row else 0
