"""The queries and writes the rest of the app calls: contacts, timeline, follow-ups, settings."""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from netdesk.core import playbook
from netdesk.core.domain import (
    NOT_A_TOUCH,
    RULE_REASONS,
    CompanyStatus,
    Direction,
    FollowUpReason,
    FollowUpState,
    InteractionKind,
    SearchState,
    Tie,
)
from netdesk.core.matching import company_key, normalize_email, normalize_linkedin, normalize_phone
from netdesk.core.records import ContactRecord
from netdesk.core.templates import helped_phrase
from netdesk.store.migrations import FTS_INSERT, FTS_INSERT_TRIGGERS
from netdesk.store.models import (
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    FollowUp,
    Interaction,
    JobSearch,
    Setting,
    db,
)
from netdesk.store.sql import dict_rows

OPEN_STATES = (FollowUpState.DUE.value, FollowUpState.SNOOZED.value)
# Spelled as in the partial index of schema 3, so that SQLite can use it.
_OPEN_SQL = "('due', 'snoozed')"
_CHUNK = 500  # SQLite's limit on bound parameters is far above this; keeps IN lists small


def chunks(ids: Sequence[int], size: int = _CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def parse_datetime(value: Any) -> dt.datetime | None:
    """A moment as the store returns it (a datetime, or its ISO text), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


# --- settings ---------------------------------------------------------------------------


def get_setting(key: str, default: Any = None) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None else json.loads(row.value)


def set_setting(key: str, value: Any) -> None:
    Setting.insert(key=key, value=json.dumps(value)).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}
    ).execute()


def playbook_settings() -> playbook.PlaybookSettings:
    defaults = playbook.PlaybookSettings()
    stored = get_setting("playbook", {}) or {}
    known = {k: int(v) for k, v in stored.items() if hasattr(defaults, k)}
    return playbook.PlaybookSettings(**known)


def set_playbook_settings(settings: playbook.PlaybookSettings, now: dt.datetime) -> None:
    with db.atomic():
        set_setting(
            "playbook",
            {
                "advocate_cadence_days": settings.advocate_cadence_days,
                "work_acquaintance_cadence_days": settings.work_acquaintance_cadence_days,
                "follow_up_after_meeting_days": settings.follow_up_after_meeting_days,
                "status_update_after_days": settings.status_update_after_days,
            },
        )
        recompute_follow_ups(None, now)


# --- the job search ---------------------------------------------------------------------


def job_search() -> JobSearch:
    """The user's search (one row, made on first use)."""
    search = JobSearch.select().order_by(JobSearch.id).get_or_none()
    if search is None:
        search = JobSearch.create(state=SearchState.NOT_STARTED.value)
    return search


def search_active() -> bool:
    return SearchState(job_search().state).active


def set_job_search(
    state: SearchState,
    now: dt.datetime,
    *,
    started_on: dt.date | None = None,
    offer_company: str | None = None,
    joining: bool = False,
) -> JobSearch:
    with db.atomic():
        search = job_search()
        was_active = SearchState(search.state).active
        search.state = state.value
        if started_on is not None:
            search.started_on = started_on
        elif state is SearchState.SEARCHING and search.started_on is None:
            search.started_on = now.date()
        if offer_company is not None:
            search.offer_company = company_for_name(offer_company) if offer_company else None
        search.joining_offer_company = joining
        search.updated_at = now
        search.save()
        if was_active != state.active:
            recompute_follow_ups(None, now)
    return search


# --- companies --------------------------------------------------------------------------


def company_for_name(name: str) -> Company | None:
    """The company of that name, however it is spelled ("Acme, Inc." is "ACME"); made if new."""
    name = name.strip()
    if not name:
        return None
    key = company_key(name) or name.casefold()
    company = Company.get_or_none(Company.key == key)
    if company is None:
        company = Company.create(name=name, key=key)
    return company


def set_company_status(company_id: int, status: CompanyStatus, now: dt.datetime) -> None:
    Company.update(status=status.value, status_changed_at=now).where(
        Company.id == company_id
    ).execute()


# --- contacts ---------------------------------------------------------------------------

# Contact columns a user edits directly (the editor, bulk actions, import).
EDITABLE_FIELDS = (
    "display_name",
    "given_name",
    "family_name",
    "middle_name",
    "prefix",
    "suffix",
    "nickname",
    "title",
    "how_known",
    "tie",
    "cadence_days",
    "reference_consent",
    "reference_agreed_on",
    "above_and_beyond",
    "notes",
    "photo",
    "photo_mime",
    "linkedin_url",
    "urls",
    "birthday",
    "tags",
    "archived",
)


def _linkedin_key(url: str) -> str:

    return normalize_linkedin(url) if url else ""


def _set_list(
    model: Any, column: str, contact_id: int, values: Sequence[str], key: Callable[[str], str]
) -> None:
    """Replace a contact's emails or phones: in order, each once, with its matching key."""
    model.delete().where(model.contact == contact_id).execute()
    rows = [
        {"contact": contact_id, column: v, "key": key(v), "position": i}
        for i, v in enumerate(dict.fromkeys(v.strip() for v in values if v.strip()))
    ]
    if rows:
        model.insert_many(rows).execute()


def set_emails(contact_id: int, emails: Sequence[str]) -> None:
    _set_list(ContactEmail, "email", contact_id, emails, normalize_email)


def set_phones(contact_id: int, phones: Sequence[str]) -> None:
    _set_list(ContactPhone, "phone", contact_id, phones, normalize_phone)


def create_contact(
    fields: dict[str, Any],
    now: dt.datetime,
    *,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    company: str = "",
    recompute: bool = True,
) -> Contact:
    """A new contact from editor fields; one transaction."""
    with db.atomic():
        values = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
        values.setdefault("display_name", "")
        values["linkedin_key"] = _linkedin_key(values.get("linkedin_url", "") or "")
        contact = Contact.create(
            company=company_for_name(company), created_at=now, updated_at=now, **values
        )
        set_emails(contact.id, emails)
        set_phones(contact.id, phones)
        if recompute:
            recompute_follow_ups([contact.id], now)
    return contact


def update_contact(
    contact_id: int,
    fields: dict[str, Any],
    now: dt.datetime,
    *,
    emails: Sequence[str] | None = None,
    phones: Sequence[str] | None = None,
    company: str | None = None,
) -> None:
    """Change a contact's fields (and, when given, its emails, phones, company) at once."""
    with db.atomic():
        values = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
        if "linkedin_url" in values:
            values["linkedin_key"] = _linkedin_key(values["linkedin_url"] or "")
        if company is not None:
            values["company"] = company_for_name(company)
        values["updated_at"] = now
        Contact.update(**values).where(Contact.id == contact_id).execute()
        if emails is not None:
            set_emails(contact_id, emails)
        if phones is not None:
            set_phones(contact_id, phones)
        if {"tie", "cadence_days", "archived"} & values.keys():
            recompute_follow_ups([contact_id], now)


def set_tie(contact_ids: Sequence[int], tie: Tie, now: dt.datetime) -> None:
    with db.atomic():
        for chunk in chunks(contact_ids):
            Contact.update(tie=tie.value, updated_at=now).where(Contact.id.in_(chunk)).execute()
        recompute_follow_ups(contact_ids, now)


def add_tag(contact_ids: Sequence[int], tag: str, now: dt.datetime) -> None:
    tag = tag.strip().replace(",", " ")
    if not tag:
        return
    with db.atomic():
        for chunk in chunks(contact_ids):
            for contact in Contact.select(Contact.id, Contact.tags).where(Contact.id.in_(chunk)):
                tags = contact.tag_list
                if tag not in tags:
                    Contact.update(tags=", ".join([*tags, tag]), updated_at=now).where(
                        Contact.id == contact.id
                    ).execute()


def set_archived(contact_ids: Sequence[int], archived: bool, now: dt.datetime) -> None:
    with db.atomic():
        for chunk in chunks(contact_ids):
            Contact.update(archived=archived, updated_at=now).where(Contact.id.in_(chunk)).execute()
        recompute_follow_ups(contact_ids, now)


def contact_emails(contact_id: int) -> list[str]:
    rows = ContactEmail.select(ContactEmail.email).where(ContactEmail.contact == contact_id)
    return [r.email for r in rows.order_by(ContactEmail.position)]


def contact_phones(contact_id: int) -> list[str]:
    rows = ContactPhone.select(ContactPhone.phone).where(ContactPhone.contact == contact_id)
    return [r.phone for r in rows.order_by(ContactPhone.position)]


def contact_record(contact: Contact) -> ContactRecord:
    """The contact as a plain record: what export writes and what matching compares."""
    return ContactRecord(
        display_name=contact.display_name,
        given_name=contact.given_name,
        family_name=contact.family_name,
        middle_name=contact.middle_name,
        prefix=contact.prefix,
        suffix=contact.suffix,
        nickname=contact.nickname,
        emails=contact_emails(contact.id),
        phones=contact_phones(contact.id),
        organization=contact.company.name if contact.company is not None else "",
        title=contact.title,
        notes=contact.notes,
        linkedin_url=contact.linkedin_url,
        urls=[u for u in contact.urls.splitlines() if u.strip()],
        birthday=contact.birthday,
        photo=bytes(contact.photo) if contact.photo else None,
        photo_mime=contact.photo_mime,
        tags=contact.tag_list,
        uid=contact.uid,
    )


# Snapshot and restore, so that a delete (or an import) can be undone exactly.


def snapshot_contacts(contact_ids: Sequence[int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for chunk in chunks(contact_ids):
        for row in dict_rows(Contact.select().where(Contact.id.in_(chunk))):
            cid = row["id"]
            if row.get("photo") is not None:
                row["photo"] = bytes(row["photo"]).hex()
            out.append(
                {
                    "contact": row,
                    "emails": contact_emails(cid),
                    "phones": contact_phones(cid),
                    "interactions": dict_rows(
                        Interaction.select().where(Interaction.contact == cid)
                    ),
                    "follow_ups": dict_rows(FollowUp.select().where(FollowUp.contact == cid)),
                }
            )
    return out


def restore_contacts(snapshot: list[dict[str, Any]], now: dt.datetime) -> None:
    """Put back contacts exactly as `snapshot_contacts` saw them (same ids, same timeline)."""
    with db.atomic():
        for item in snapshot:
            row = dict(item["contact"])
            if row.get("photo") is not None:
                row["photo"] = bytes.fromhex(row["photo"])
            Contact.insert(**row).on_conflict_replace().execute()
            set_emails(row["id"], item["emails"])
            set_phones(row["id"], item["phones"])
            for inter in item["interactions"]:
                Interaction.insert(**inter).on_conflict_replace().execute()
            for fu in item["follow_ups"]:
                FollowUp.insert(**fu).on_conflict_replace().execute()
        ids = [item["contact"]["id"] for item in snapshot]
        refresh_touch_summary(ids)
        recompute_follow_ups(ids, now)


def delete_contacts(contact_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Delete contacts with their timeline; returns the snapshot that undoes it."""
    with db.atomic():
        snapshot = snapshot_contacts(contact_ids)
        for chunk in chunks(contact_ids):
            Contact.delete().where(Contact.id.in_(chunk)).execute()
    return snapshot


# --- search -----------------------------------------------------------------------------


def fts_query(text: str) -> str:
    """Search-as-you-type text as an FTS5 query: every word, each as a prefix."""
    words = [w for w in "".join(c if c.isalnum() or c in "@._-'" else " " for c in text).split()]
    terms = []
    for word in words:
        # FTS5's unicode61 tokenizer splits on punctuation, so a quoted phrase of the
        # word's own tokens matches "dana@acme" or "o'brien" as typed.
        terms.append('"' + word.replace('"', '""') + '"*')
    return " AND ".join(terms)


def search_contact_ids(text: str, limit: int | None = None) -> list[int]:
    """Ids of contacts whose names, company, title, emails, notes or tags match `text`."""
    query = fts_query(text)
    if not query:
        return []
    sql = "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?"
    params: list[Any] = [query]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in db.execute_sql(sql, params)]


@contextlib.contextmanager
def paused_search_index(new_contact_ids: list[int]) -> Iterator[None]:
    """Bulk-insert contacts without a full-text trigger per row; index them once at the end.

    The insert triggers are lifted and put back inside one transaction, so no other
    connection ever sees them missing and a crash rolls everything back. Fill
    `new_contact_ids` with the ids inserted; existing contacts must not gain emails here.
    """
    names = list(FTS_INSERT_TRIGGERS)
    marks = ",".join("?" * len(names))
    with db.atomic():
        saved = db.execute_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
            names,
        ).fetchall()
        for name, _ in saved:
            db.execute_sql(f'DROP TRIGGER "{name}"')
        yield
        for _, definition in saved:
            db.execute_sql(definition)
        if not new_contact_ids:
            return
        low, high = min(new_contact_ids), max(new_contact_ids)
        if high - low + 1 == len(new_contact_ids):
            # The usual case, a run of new ids: one statement indexes them all.
            db.execute_sql("DELETE FROM contact_fts WHERE rowid BETWEEN ? AND ?", [low, high])
            db.execute_sql(f"{FTS_INSERT} WHERE c.id BETWEEN ? AND ?", [low, high])
            return
        for chunk in chunks(new_contact_ids):
            marks = ",".join("?" * len(chunk))
            db.execute_sql(f"DELETE FROM contact_fts WHERE rowid IN ({marks})", list(chunk))
            db.execute_sql(f"{FTS_INSERT} WHERE c.id IN ({marks})", list(chunk))


# --- the timeline -----------------------------------------------------------------------

_TOUCH_KINDS_SQL = ",".join(f"'{k.value}'" for k in InteractionKind if k not in NOT_A_TOUCH)


def refresh_touch_summary(contact_ids: Sequence[int] | None) -> None:
    """Recompute each contact's timeline summary (count, first and last touch)."""
    where = ""
    params: list[Any] = []
    batches: Iterable[Sequence[int] | None] = (
        [None] if contact_ids is None else chunks(list(contact_ids))
    )
    for chunk in batches:
        if chunk is not None:
            where = f"WHERE c.id IN ({','.join('?' * len(chunk))})"
            params = list(chunk)
        db.execute_sql(
            f"""
            UPDATE contact AS c SET
              touch_count = coalesce(s.n, 0),
              last_touch_at = s.last_at,
              first_touch_at = s.first_at,
              first_touch_kind = coalesce(f.kind, ''),
              first_touch_summary = coalesce(substr(f.summary, 1, 200), '')
            FROM contact AS c2
            LEFT JOIN (
              SELECT contact_id, count(*) AS n, min(at) AS first_at, max(at) AS last_at
              FROM interaction WHERE kind IN ({_TOUCH_KINDS_SQL}) GROUP BY contact_id
            ) AS s ON s.contact_id = c2.id
            LEFT JOIN interaction AS f ON f.id = (
              SELECT i.id FROM interaction i WHERE i.contact_id = c2.id
              AND i.kind IN ({_TOUCH_KINDS_SQL}) ORDER BY i.at, i.id LIMIT 1
            )
            WHERE c2.id = c.id {where.replace("WHERE", "AND")}
            """,
            params,
        )


def log_interaction(
    contact_id: int,
    kind: InteractionKind,
    at: dt.datetime,
    now: dt.datetime,
    *,
    summary: str = "",
    helped: str = "",
    direction: Direction = Direction.OUTGOING,
) -> Interaction:
    """Log something that happened; it resets the contact's follow-up (rule 1)."""
    with db.atomic():
        interaction = Interaction.create(
            contact=contact_id,
            kind=kind.value,
            at=at,
            summary=summary,
            helped=helped,
            direction=direction.value,
            created_at=now,
        )
        refresh_touch_summary([contact_id])
        recompute_follow_ups([contact_id], now)
    return interaction


def update_interaction(interaction_id: int, now: dt.datetime, **fields: Any) -> None:
    allowed = {"kind", "at", "summary", "helped", "direction"}
    values = {k: (v.value if hasattr(v, "value") else v) for k, v in fields.items() if k in allowed}
    with db.atomic():
        interaction = Interaction.get_by_id(interaction_id)
        Interaction.update(**values).where(Interaction.id == interaction_id).execute()
        refresh_touch_summary([interaction.contact_id])
        recompute_follow_ups([interaction.contact_id], now)


def delete_interaction(interaction_id: int, now: dt.datetime) -> dict[str, Any]:
    """Delete one interaction; returns its row so the caller can offer Undo."""
    with db.atomic():
        interaction = Interaction.get_by_id(interaction_id)
        [row] = dict_rows(Interaction.select().where(Interaction.id == interaction_id))
        interaction.delete_instance()
        refresh_touch_summary([row["contact"]])
        recompute_follow_ups([row["contact"]], now)
    return row


def restore_interaction(row: dict[str, Any], now: dt.datetime) -> None:
    with db.atomic():
        Interaction.insert(**row).execute()
        refresh_touch_summary([row["contact"]])
        recompute_follow_ups([row["contact"]], now)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    interaction_id: int
    contact_id: int
    contact_name: str
    kind: InteractionKind
    at: dt.datetime
    summary: str
    helped: str
    direction: Direction


_TIMELINE_SQL = (
    "SELECT i.id, i.contact_id, c.display_name, i.kind, i.at, i.summary, i.helped, i.direction "
    "FROM interaction i JOIN contact c ON c.id = i.contact_id "
)


def _timeline_rows(
    where: str, params: Sequence[Any], limit: int | None = None
) -> list[TimelineEntry]:
    query = _TIMELINE_SQL + where + " ORDER BY i.at DESC, i.id DESC"
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    out = []
    for iid, cid, name, kind, at, summary, helped, direction in db.execute_sql(query, params):
        out.append(
            TimelineEntry(
                iid,
                cid,
                name,
                InteractionKind(kind)
                if kind in InteractionKind._value2member_map_
                else InteractionKind.NOTE,
                parse_datetime(at) or dt.datetime.min,
                summary,
                helped,
                Direction(direction)
                if direction in Direction._value2member_map_
                else Direction.OUTGOING,
            )
        )
    return out


def timeline(contact_id: int) -> list[TimelineEntry]:
    """A contact's interactions, newest first."""
    return _timeline_rows("WHERE i.contact_id = ?", [contact_id])


def recent_activity(limit: int = 100) -> list[TimelineEntry]:
    """The latest interactions across the whole network, newest first."""
    return _timeline_rows("WHERE c.archived = 0", [], limit)


# --- follow-ups -------------------------------------------------------------------------


def _facts_from_row(row: Sequence[Any]) -> playbook.ContactFacts:
    (_, name, tie, cadence, added, count, first_at, first_kind, first_summary, last_at, reset) = row
    try:
        kind = InteractionKind(first_kind) if first_kind else None
    except ValueError:
        kind = None
    return playbook.ContactFacts(
        name=name,
        tie=Tie(tie) if tie in Tie._value2member_map_ else Tie.UNSORTED,
        cadence_override=cadence,
        added_at=parse_datetime(added) or dt.datetime.min,
        touch_count=count,
        first_touch_at=parse_datetime(first_at),
        first_touch_kind=kind,
        first_touch_summary=first_summary,
        last_touch_at=parse_datetime(last_at),
        reset_at=parse_datetime(reset),
    )


_FACTS_COLUMNS = (
    "c.id, c.display_name, c.tie, c.cadence_days, c.created_at, c.touch_count, "
    "c.first_touch_at, c.first_touch_kind, c.first_touch_summary, c.last_touch_at, "
    "c.rules_reset_at"
)


def iso(value: dt.datetime) -> str:
    # Peewee stores datetimes as "YYYY-MM-DD HH:MM:SS[.ffffff]"; comparisons in SQL rely
    # on every stored value using that one form.
    return value.isoformat(sep=" ")


def recompute_follow_ups(contact_ids: Sequence[int] | None, now: dt.datetime) -> None:
    """Bring the rules' follow-ups in step with the timeline, for some contacts or all.

    Each contact has at most one open rule follow-up. It is kept as it is (snooze and
    notification included) while the rules still give the same reason and due date;
    otherwise it is closed — done when a touch came after it, dropped when a setting
    moved it — and the new one is opened, unless the user already dismissed that one.
    """
    settings = playbook_settings()
    active = search_active()
    rule_reasons = [r.value for r in RULE_REASONS]
    reason_marks = ",".join("?" * len(rule_reasons))
    with db.atomic():
        batches: Iterable[Sequence[int] | None] = (
            [None] if contact_ids is None else chunks(list(dict.fromkeys(contact_ids)))
        )
        for chunk in batches:
            if chunk is None:
                where, params = "", []
            else:
                where, params = f" AND c.id IN ({','.join('?' * len(chunk))})", list(chunk)
            facts_rows = db.execute_sql(
                f"SELECT {_FACTS_COLUMNS} FROM contact c WHERE c.archived = 0{where}", params
            ).fetchall()
            open_rows = db.execute_sql(
                "SELECT f.id, f.contact_id, f.reason, f.due_at, f.created_at FROM follow_up f "
                f"JOIN contact c ON c.id = f.contact_id WHERE f.state IN (?, ?) "
                f"AND f.reason IN ({reason_marks}){where}",
                [*OPEN_STATES, *rule_reasons, *params],
            ).fetchall()
            open_by_contact = {r[1]: r for r in open_rows}
            closed_keys = {
                (r[0], r[1], r[2])
                for r in db.execute_sql(
                    "SELECT f.contact_id, f.reason, f.due_at FROM follow_up f "
                    f"JOIN contact c ON c.id = f.contact_id WHERE f.state IN (?, ?) "
                    f"AND f.reason IN ({reason_marks}){where}",
                    [
                        FollowUpState.DISMISSED.value,
                        FollowUpState.DONE.value,
                        *rule_reasons,
                        *params,
                    ],
                )
            }
            to_done: list[int] = []
            to_drop: list[int] = []
            to_create: list[dict[str, Any]] = []
            seen: set[int] = set()
            for row in facts_rows:
                contact_id = row[0]
                seen.add(contact_id)
                facts = _facts_from_row(row)
                rule = playbook.next_follow_up(facts, settings, search_active=active)
                current = open_by_contact.get(contact_id)
                key = (contact_id, rule.reason.value, iso(rule.due_at)) if rule else None
                if current is not None:
                    if (
                        key is not None
                        and (current[2], iso(parse_datetime(current[3]) or now)) == key[1:]
                    ):
                        continue
                    created = parse_datetime(current[4])
                    if (
                        facts.last_touch_at is not None
                        and created is not None
                        and facts.last_touch_at >= created
                    ):
                        to_done.append(current[0])
                    else:
                        to_drop.append(current[0])
                if rule is not None and key not in closed_keys:
                    to_create.append(
                        {
                            "contact": contact_id,
                            "reason": rule.reason.value,
                            "due_at": rule.due_at,
                            "effective_at": rule.due_at,
                            "state": FollowUpState.DUE.value,
                            "created_at": now,
                        }
                    )
            # Open rule follow-ups of contacts now archived are dropped with them.
            to_drop.extend(r[0] for cid, r in open_by_contact.items() if cid not in seen)
            for ids in chunks(to_done):
                FollowUp.update(state=FollowUpState.DONE.value, resolved_at=now).where(
                    FollowUp.id.in_(ids)
                ).execute()
            for ids in chunks(to_drop):
                FollowUp.delete().where(FollowUp.id.in_(ids)).execute()
            for start in range(0, len(to_create), 200):
                FollowUp.insert_many(to_create[start : start + 200]).execute()
            _refresh_thanks(chunk, now)
            _refresh_next_due(chunk)


# Rule 4 asks to thank people for help given within this many days; older help is left
# to the offer wrap-up, which thanks everyone at the end of the search.
THANKS_WINDOW_DAYS = 90


def help_owed(contact_ids: Sequence[int] | None, now: dt.datetime) -> dict[int, list[str]]:
    """What each contact did (an interaction's `helped`, within THANKS_WINDOW_DAYS) with no
    thank-you after it, oldest first and each once; contacts owed nothing are left out.
    "After" goes by when things were logged, then by their dates: a thank-you is often
    logged with an earlier date than the help it answers. None: every contact.
    """
    owed: dict[int, list[str]] = {}
    since = iso(now - dt.timedelta(days=THANKS_WINDOW_DAYS))
    batches: Iterable[Sequence[int] | None] = (
        [None] if contact_ids is None else chunks(list(dict.fromkeys(contact_ids)))
    )
    for chunk in batches:
        where, params = "", []
        if chunk is not None:
            where = f" AND i.contact_id IN ({','.join('?' * len(chunk))})"
            params = list(chunk)
        for cid, helped in db.execute_sql(
            "SELECT i.contact_id, i.helped FROM interaction i WHERE i.helped != '' "
            "AND i.kind != ? AND i.at >= ? AND NOT EXISTS (SELECT 1 FROM interaction t "
            "WHERE t.contact_id = i.contact_id AND t.kind = ? "
            "AND (t.created_at, t.at) >= (i.created_at, i.at))"
            f"{where} ORDER BY i.contact_id, i.at",
            [InteractionKind.THANK_YOU.value, since, InteractionKind.THANK_YOU.value, *params],
        ):
            items = owed.setdefault(cid, [])
            if helped.strip() not in items:
                items.append(helped.strip())
    return owed


def _refresh_thanks(contact_ids: Sequence[int] | None, now: dt.datetime) -> None:
    """Playbook rule 4, gratitude: a contact whose help (an interaction's `helped`) has no
    thank-you after it gets a thank-you follow-up naming what they did; the thank-you,
    once logged, closes it (see `help_owed` for what "after" means).
    """
    where, params = "", []
    if contact_ids is not None:
        where = f" AND i.contact_id IN ({','.join('?' * len(contact_ids))})"
        params = list(contact_ids)
    owed = help_owed(contact_ids, now)
    open_where = where.replace("i.contact_id", "f.contact_id")
    open_thanks: dict[int, tuple[int, str]] = {
        cid: (fid, note)
        for fid, cid, note in db.execute_sql(
            f"SELECT f.id, f.contact_id, f.note FROM follow_up f WHERE f.reason = ? "
            f"AND f.state IN {_OPEN_SQL}{open_where}",
            [FollowUpReason.THANK_YOU.value, *params],
        )
    }
    if not owed and not open_thanks:
        return  # the usual case for most contacts: no help on record, nothing asked
    thanked_since = {
        cid
        for (cid,) in db.execute_sql(
            "SELECT DISTINCT f.contact_id FROM follow_up f JOIN interaction t "
            "ON t.contact_id = f.contact_id AND t.kind = ? AND t.created_at >= f.created_at "
            f"WHERE f.reason = ? AND f.state IN {_OPEN_SQL}{open_where}",
            [InteractionKind.THANK_YOU.value, FollowUpReason.THANK_YOU.value, *params],
        )
    }
    # A thank-you logged after a thank-you follow-up was made closes it, whoever made it
    # (when it was logged, not the date it carries: a thank-you is often dated earlier).
    for cid in thanked_since:
        FollowUp.update(state=FollowUpState.DONE.value, resolved_at=now).where(
            FollowUp.id == open_thanks.pop(cid)[0]
        ).execute()
    names: dict[int, str] = {}
    for chunk in chunks(list(owed)):
        names.update(
            db.execute_sql(
                "SELECT id, display_name FROM contact WHERE archived = 0 "
                f"AND id IN ({','.join('?' * len(chunk))})",
                list(chunk),
            ).fetchall()
        )
    rows = []
    for cid, items in owed.items():
        if cid not in names:
            continue  # archived
        if cid in open_thanks:
            fid, note = open_thanks[cid]
            sentence = thanks_sentence(names[cid], items)
            # Rule 4's own follow-up grows with new help; the wrap-up's keeps its words.
            if note.endswith(_THANKS_ASK) and note != sentence:
                FollowUp.update(note=sentence).where(FollowUp.id == fid).execute()
            continue
        rows.append(
            {
                "contact": cid,
                "reason": FollowUpReason.THANK_YOU.value,
                "due_at": now,
                "effective_at": now,
                "state": FollowUpState.DUE.value,
                "note": thanks_sentence(names[cid], items),
                "created_at": now,
            }
        )
    for start in range(0, len(rows), 200):
        FollowUp.insert_many(rows[start : start + 200]).execute()


_THANKS_ASK = "Say thank you, and name what they did."


def thanks_sentence(name: str, helped: Sequence[str]) -> str:
    """'Dana helped you with the introduction to Sam. Say thank you, and name what they did.'"""
    return (
        f"{playbook.first_name(name)} helped you with {helped_phrase(list(helped))}. {_THANKS_ASK}"
    )


def _refresh_next_due(contact_ids: Sequence[int] | None) -> None:
    """Each contact's `next_due_at`: the soonest of its open follow-ups."""
    where, params = "", []
    if contact_ids is not None:
        where, params = (
            f"WHERE contact.id IN ({','.join('?' * len(contact_ids))})",
            list(contact_ids),
        )
    # INDEXED BY: left to itself, SQLite walks the (state, effective_at) index for every
    # contact, which turns a refresh of the whole network quadratic.
    db.execute_sql(
        "UPDATE contact SET next_due_at = (SELECT min(f.effective_at) FROM follow_up f "
        "INDEXED BY follow_up_contact_id_state "
        f"WHERE f.contact_id = contact.id AND f.state IN {_OPEN_SQL}) {where}",
        params,
    )


@dataclass(frozen=True, slots=True)
class _SentenceContext:
    now: dt.datetime
    settings: playbook.PlaybookSettings
    search_active: bool

    def facts(self, contact_id: int) -> playbook.ContactFacts:
        row = db.execute_sql(
            f"SELECT {_FACTS_COLUMNS} FROM contact c WHERE c.id = ?", [contact_id]
        ).fetchone()
        return _facts_from_row(row)


@dataclass(slots=True, eq=False)
class DueFollowUp:
    """A follow-up as the panes, the tray and `netdesk due` show it.

    Its sentence is written when first read: a pane shows a few dozen of the thousands a
    large network can have due, so the rest never pay for theirs.
    """

    follow_up_id: int
    contact_id: int
    contact_name: str
    reason: FollowUpReason
    due_at: dt.datetime
    effective_at: dt.datetime
    state: FollowUpState
    notified_at: dt.datetime | None
    _note: str = ""
    _context: _SentenceContext | None = None
    _sentence: str | None = None

    @property
    def sentence(self) -> str:
        if self._sentence is None:
            if self.reason in RULE_REASONS and self._context is not None:
                context = self._context
                self._sentence = playbook.describe(
                    playbook.DueRule(self.reason, self.due_at),
                    context.facts(self.contact_id),
                    context.now,
                    context.settings,
                    search_active=context.search_active,
                )
            else:
                self._sentence = self._note or self.reason.label
        return self._sentence

    def is_due(self, now: dt.datetime) -> bool:
        return self.effective_at <= now

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DueFollowUp):
            return NotImplemented
        return (self.follow_up_id, self.state, self.effective_at) == (
            other.follow_up_id,
            other.state,
            other.effective_at,
        )

    __hash__ = None  # type: ignore[assignment]


_REASONS = {r.value: r for r in FollowUpReason}
_STATES = {s.value: s for s in FollowUpState}


class DueList(Sequence[DueFollowUp]):
    """Open follow-ups in the order they fall due, read from the store a page at a time.

    Finding them is one pass over an index (ids and due moments); a follow-up's row is
    read when someone looks at it. A large network can have tens of thousands due, of
    which a pane shows a few hundred and the tray five.
    """

    PAGE = 200

    def __init__(self, ids: list[int], moments: list[str], context: _SentenceContext) -> None:
        self._ids = ids
        self._moments = moments  # effective_at as stored: ISO text, sorted
        self._context = context
        self._rows: dict[int, DueFollowUp] = {}

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> DueFollowUp: ...

    @overload
    def __getitem__(self, index: slice) -> list[DueFollowUp]: ...

    def __getitem__(self, index: int | slice) -> DueFollowUp | list[DueFollowUp]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._ids)))]
        if index < 0:
            index += len(self._ids)
        if not 0 <= index < len(self._ids):
            raise IndexError(index)
        fid = self._ids[index]
        if fid not in self._rows:
            start = index - index % self.PAGE
            self._load(self._ids[start : start + self.PAGE])
        return self._rows[fid]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<DueList of {len(self)} follow-ups>"

    def ids(self) -> list[int]:
        """The follow-up ids, in order, without reading any row."""
        return list(self._ids)

    def index_at(self, moment: dt.datetime) -> int:
        """How many of the follow-ups fall due before `moment` (they come first)."""
        return bisect.bisect_left(self._moments, iso(moment))

    def _load(self, ids: Sequence[int]) -> None:
        marks = ",".join("?" * len(ids))
        parse = dt.datetime.fromisoformat
        rows = db.execute_sql(
            "SELECT f.id, f.contact_id, c.display_name, f.reason, f.due_at, f.effective_at, "
            "f.state, f.notified_at, f.note FROM follow_up f "
            f"JOIN contact c ON c.id = f.contact_id WHERE f.id IN ({marks})",
            list(ids),
        )
        for fid, cid, name, reason, due_at, effective_at, state, notified_at, note in rows:
            due = parse(due_at)
            self._rows[fid] = DueFollowUp(
                fid,
                cid,
                name,
                _REASONS[reason],
                due,
                parse(effective_at) if effective_at != due_at else due,
                _STATES[state],
                parse(notified_at) if notified_at else None,
                note,
                self._context,
            )
        for fid in ids:
            if fid not in self._rows:
                # Gone since the list was made (its contact deleted): shown as set aside.
                moment = parse(self._moments[self._ids.index(fid)])
                self._rows[fid] = DueFollowUp(
                    fid,
                    0,
                    "",
                    FollowUpReason.CADENCE,
                    moment,
                    moment,
                    FollowUpState.DISMISSED,
                    None,
                    "",
                    self._context,
                )


def follow_ups(
    now: dt.datetime,
    *,
    horizon: dt.timedelta = dt.timedelta(0),
    contact_id: int | None = None,
    limit: int | None = None,
    unannounced: bool = False,
) -> DueList:
    """Open follow-ups due at `now` (or within `horizon` after it), soonest first.

    `unannounced` keeps those the user has not been notified of yet.
    """
    context = _SentenceContext(now, playbook_settings(), search_active())
    # The partial index of schema 3 gives them in order; archived contacts are left out.
    sql = (
        "SELECT f.id, f.effective_at FROM follow_up f INDEXED BY follow_up_open_effective_at "
        f"WHERE f.state IN {_OPEN_SQL} AND f.effective_at <= ? "
        "AND f.contact_id NOT IN (SELECT id FROM contact WHERE archived = 1)"
    )
    params: list[Any] = [iso(now + horizon)]
    if contact_id is not None:
        sql += " AND f.contact_id = ?"
        params.append(contact_id)
    if unannounced:
        sql += " AND f.notified_at IS NULL"
    sql += " ORDER BY f.effective_at, f.id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = db.execute_sql(sql, params).fetchall()
    return DueList([r[0] for r in rows], [r[1] for r in rows], context)


def next_due_moment(after: dt.datetime) -> dt.datetime | None:
    """The first moment after `after` when an open follow-up falls due: the scheduler's alarm."""
    row = db.execute_sql(
        "SELECT min(f.effective_at) FROM follow_up f JOIN contact c ON c.id = f.contact_id "
        f"WHERE f.state IN {_OPEN_SQL} AND f.effective_at > ? AND c.archived = 0",
        [iso(after)],
    ).fetchone()
    return parse_datetime(row[0]) if row else None


def count_due(now: dt.datetime) -> int:
    row = db.execute_sql(
        "SELECT count(*) FROM follow_up f JOIN contact c ON c.id = f.contact_id "
        f"WHERE f.state IN {_OPEN_SQL} AND f.effective_at <= ? AND c.archived = 0",
        [iso(now)],
    ).fetchone()
    return int(row[0])


def snooze_follow_up(follow_up_id: int, until: dt.datetime) -> None:
    with db.atomic():
        fu = FollowUp.get_by_id(follow_up_id)
        FollowUp.update(
            state=FollowUpState.SNOOZED.value,
            snoozed_until=until,
            effective_at=until,
            notified_at=None,
        ).where(FollowUp.id == follow_up_id).execute()
        _refresh_next_due([fu.contact_id])


def snooze_all_due(now: dt.datetime, until: dt.datetime) -> int:
    ids = follow_ups(now).ids()
    with db.atomic():
        for chunk in chunks(ids):
            FollowUp.update(
                state=FollowUpState.SNOOZED.value,
                snoozed_until=until,
                effective_at=until,
                notified_at=None,
            ).where(FollowUp.id.in_(chunk)).execute()
        _refresh_next_due(None)
    return len(ids)


def dismiss_follow_up(follow_up_id: int, now: dt.datetime) -> None:
    """Set a follow-up aside: a rule's next round then counts from today."""
    with db.atomic():
        fu = FollowUp.get_by_id(follow_up_id)
        FollowUp.update(state=FollowUpState.DISMISSED.value, resolved_at=now).where(
            FollowUp.id == follow_up_id
        ).execute()
        if fu.reason in {r.value for r in RULE_REASONS}:
            Contact.update(rules_reset_at=now).where(Contact.id == fu.contact_id).execute()
            recompute_follow_ups([fu.contact_id], now)
        else:
            _refresh_next_due([fu.contact_id])


def complete_follow_up(
    follow_up_id: int,
    now: dt.datetime,
    *,
    kind: InteractionKind,
    summary: str = "",
    helped: str = "",
) -> None:
    """Done: log what happened, which closes this follow-up and starts the next round."""
    with db.atomic():
        fu = FollowUp.get_by_id(follow_up_id)
        FollowUp.update(state=FollowUpState.DONE.value, resolved_at=now).where(
            FollowUp.id == follow_up_id
        ).execute()
        log_interaction(fu.contact_id, kind, now, now, summary=summary, helped=helped)


def create_follow_up(
    contact_id: int, reason: FollowUpReason, due_at: dt.datetime, note: str, now: dt.datetime
) -> FollowUp:
    """A follow-up a workflow asks for (a thank-you, a reference heads-up)."""
    with db.atomic():
        fu = FollowUp.create(
            contact=contact_id,
            reason=reason.value,
            due_at=due_at,
            effective_at=due_at,
            state=FollowUpState.DUE.value,
            note=note,
            created_at=now,
        )
        _refresh_next_due([contact_id])
    return fu


def mark_notified(follow_up_ids: Sequence[int], now: dt.datetime) -> None:
    with db.atomic():
        for chunk in chunks(follow_up_ids):
            FollowUp.update(notified_at=now).where(FollowUp.id.in_(chunk)).execute()
