"""Numbered schema migrations: each step runs once, inside one transaction, in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from netdesk.store.sql import run_sql

if TYPE_CHECKING:  # LATEST is read before the window's first paint, without Peewee
    import peewee as pw


def _statements(script: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in script.split(";\n") if s.strip())


# Schema 1, frozen as SQL: later model changes must never change what step 1 creates.
_SCHEMA_1 = _statements(
    """
CREATE TABLE company (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    key VARCHAR(255) NOT NULL,
    status VARCHAR(255) NOT NULL,
    status_changed_at DATETIME,
    notes TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX company_key ON company (key);
CREATE TABLE import_batch (
    id INTEGER NOT NULL PRIMARY KEY,
    created_at DATETIME NOT NULL,
    sources TEXT NOT NULL,
    added INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    undo_data TEXT NOT NULL,
    undone_at DATETIME
);
CREATE TABLE contact (
    id INTEGER NOT NULL PRIMARY KEY,
    display_name VARCHAR(255) NOT NULL,
    given_name VARCHAR(255) NOT NULL,
    family_name VARCHAR(255) NOT NULL,
    middle_name VARCHAR(255) NOT NULL,
    prefix VARCHAR(255) NOT NULL,
    suffix VARCHAR(255) NOT NULL,
    nickname VARCHAR(255) NOT NULL,
    company_id INTEGER,
    title VARCHAR(255) NOT NULL,
    how_known VARCHAR(255) NOT NULL,
    tie VARCHAR(255) NOT NULL,
    cadence_days INTEGER,
    reference_consent INTEGER NOT NULL,
    reference_agreed_on DATE,
    above_and_beyond INTEGER NOT NULL,
    notes TEXT NOT NULL,
    photo BLOB,
    photo_mime VARCHAR(255) NOT NULL,
    linkedin_url VARCHAR(255) NOT NULL,
    linkedin_key VARCHAR(255) NOT NULL,
    urls TEXT NOT NULL,
    birthday VARCHAR(255) NOT NULL,
    tags TEXT NOT NULL,
    uid VARCHAR(255) NOT NULL,
    archived INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    import_batch_id INTEGER,
    touch_count INTEGER NOT NULL,
    first_touch_at DATETIME,
    first_touch_kind VARCHAR(255) NOT NULL,
    first_touch_summary VARCHAR(255) NOT NULL,
    last_touch_at DATETIME,
    next_due_at DATETIME,
    rules_reset_at DATETIME,
    FOREIGN KEY (company_id) REFERENCES company (id) ON DELETE SET NULL,
    FOREIGN KEY (import_batch_id) REFERENCES import_batch (id) ON DELETE SET NULL
);
CREATE INDEX contact_display_name ON contact (display_name);
CREATE INDEX contact_company_id ON contact (company_id);
CREATE INDEX contact_tie ON contact (tie);
CREATE INDEX contact_linkedin_key ON contact (linkedin_key);
CREATE INDEX contact_archived ON contact (archived);
CREATE INDEX contact_import_batch_id ON contact (import_batch_id);
CREATE INDEX contact_last_touch_at ON contact (last_touch_at);
CREATE INDEX contact_next_due_at ON contact (next_due_at);
CREATE TABLE contact_email (
    id INTEGER NOT NULL PRIMARY KEY,
    contact_id INTEGER NOT NULL,
    email VARCHAR(255) NOT NULL,
    key VARCHAR(255) NOT NULL,
    position INTEGER NOT NULL,
    FOREIGN KEY (contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX contact_email_contact_id ON contact_email (contact_id);
CREATE INDEX contact_email_key ON contact_email (key);
CREATE TABLE contact_phone (
    id INTEGER NOT NULL PRIMARY KEY,
    contact_id INTEGER NOT NULL,
    phone VARCHAR(255) NOT NULL,
    key VARCHAR(255) NOT NULL,
    position INTEGER NOT NULL,
    FOREIGN KEY (contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX contact_phone_contact_id ON contact_phone (contact_id);
CREATE INDEX contact_phone_key ON contact_phone (key);
CREATE TABLE follow_up (
    id INTEGER NOT NULL PRIMARY KEY,
    contact_id INTEGER NOT NULL,
    reason VARCHAR(255) NOT NULL,
    due_at DATETIME NOT NULL,
    state VARCHAR(255) NOT NULL,
    snoozed_until DATETIME,
    effective_at DATETIME NOT NULL,
    notified_at DATETIME,
    resolved_at DATETIME,
    note TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    FOREIGN KEY (contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX follow_up_contact_id ON follow_up (contact_id);
CREATE INDEX follow_up_effective_at ON follow_up (effective_at);
CREATE INDEX follow_up_state_effective_at ON follow_up (state, effective_at);
CREATE INDEX follow_up_contact_id_state ON follow_up (contact_id, state);
CREATE TABLE interaction (
    id INTEGER NOT NULL PRIMARY KEY,
    contact_id INTEGER NOT NULL,
    kind VARCHAR(255) NOT NULL,
    at DATETIME NOT NULL,
    summary TEXT NOT NULL,
    helped TEXT NOT NULL,
    direction VARCHAR(255) NOT NULL,
    created_at DATETIME NOT NULL,
    import_batch_id INTEGER,
    FOREIGN KEY (contact_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY (import_batch_id) REFERENCES import_batch (id) ON DELETE SET NULL
);
CREATE INDEX interaction_contact_id ON interaction (contact_id);
CREATE INDEX interaction_import_batch_id ON interaction (import_batch_id);
CREATE INDEX interaction_contact_id_at ON interaction (contact_id, at);
CREATE TABLE job_search (
    id INTEGER NOT NULL PRIMARY KEY,
    started_on DATE,
    state VARCHAR(255) NOT NULL,
    offer_company_id INTEGER,
    joining_offer_company INTEGER NOT NULL,
    updated_at DATETIME NOT NULL,
    FOREIGN KEY (offer_company_id) REFERENCES company (id) ON DELETE SET NULL
);
CREATE INDEX job_search_offer_company_id ON job_search (offer_company_id);
CREATE TABLE schema_version (
    id INTEGER NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL,
    changed_at DATETIME NOT NULL
);
CREATE TABLE setting (
    id INTEGER NOT NULL PRIMARY KEY,
    key VARCHAR(255) NOT NULL,
    value TEXT NOT NULL
);
CREATE UNIQUE INDEX setting_key ON setting (key);
"""
)

# Schema 2: full-text search over contacts, kept in step with the tables by triggers so
# that every write path (editor, import, undo, bulk actions) updates it.
# The row of the full-text index for contacts matching a WHERE clause: shared by the
# triggers, the first fill, and bulk loaders (store.writer.derived.bulk_insert).
FTS_INSERT = (
    "INSERT INTO contact_fts(rowid, name, company, title, emails, notes, tags) "
    "SELECT c.id, c.display_name || ' ' || c.nickname, coalesce(co.name, ''), c.title, "
    "coalesce((SELECT group_concat(e.email, ' ') FROM contact_email e "
    "WHERE e.contact_id = c.id), ''), c.notes, c.tags "
    "FROM contact c LEFT JOIN company co ON co.id = c.company_id"
)
# The full-text index's insert triggers, whose work a bulk load does in one statement at
# the end when it switches its connection's triggers off (store.writer.derived.bulk_insert).
FTS_INSERT_TRIGGERS = ("contact_fts_insert", "contact_fts_email_insert")
_SCHEMA_2 = (
    "CREATE VIRTUAL TABLE contact_fts USING fts5("
    "name, company, title, emails, notes, tags, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')",
    "CREATE TRIGGER contact_fts_insert AFTER INSERT ON contact BEGIN "
    f"{FTS_INSERT} WHERE c.id = NEW.id; END",
    "CREATE TRIGGER contact_fts_update AFTER UPDATE OF display_name, nickname, company_id, "
    "title, notes, tags ON contact BEGIN "
    f"DELETE FROM contact_fts WHERE rowid = OLD.id; {FTS_INSERT} WHERE c.id = NEW.id; END",
    "CREATE TRIGGER contact_fts_delete AFTER DELETE ON contact BEGIN "
    "DELETE FROM contact_fts WHERE rowid = OLD.id; END",
    "CREATE TRIGGER contact_fts_email_insert AFTER INSERT ON contact_email BEGIN "
    "DELETE FROM contact_fts WHERE rowid = NEW.contact_id; "
    f"{FTS_INSERT} WHERE c.id = NEW.contact_id; END",
    "CREATE TRIGGER contact_fts_email_delete AFTER DELETE ON contact_email BEGIN "
    "DELETE FROM contact_fts WHERE rowid = OLD.contact_id; "
    f"{FTS_INSERT} WHERE c.id = OLD.contact_id; END",
    "CREATE TRIGGER contact_fts_company_update AFTER UPDATE OF name ON company BEGIN "
    "UPDATE contact_fts SET company = NEW.name WHERE rowid IN "
    "(SELECT id FROM contact WHERE company_id = NEW.id); END",
    FTS_INSERT,
    # The contact list sorts by name without regard to case.
    "CREATE INDEX contact_archived_name ON contact (archived, display_name COLLATE NOCASE)",
)


# Schema 3: the follow-ups that are open, in the order they fall due, straight from an index
# (the due list, the tray's count and the scheduler's next alarm all read it).
_SCHEMA_3 = (
    "CREATE INDEX follow_up_open_effective_at ON follow_up (effective_at, contact_id) "
    "WHERE state IN ('due', 'snoozed')",
    # Superseded by the partial index, and it misled the planner into sorting.
    "DROP INDEX follow_up_state_effective_at",
)


# Schema 4: the playbook's workflows. References the user named on applications (each ask,
# with the date of the reference check and its heads-up follow-up), and the offer wrap-up's
# state per contact (thanked when, how, what gift was sent).
_SCHEMA_4 = _statements(
    """
CREATE TABLE reference_request (
    id INTEGER NOT NULL PRIMARY KEY,
    contact_id INTEGER NOT NULL,
    company_id INTEGER,
    asked_at DATETIME NOT NULL,
    check_at DATETIME,
    notes TEXT NOT NULL,
    follow_up_id INTEGER,
    created_at DATETIME NOT NULL,
    FOREIGN KEY (contact_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY (company_id) REFERENCES company (id) ON DELETE SET NULL,
    FOREIGN KEY (follow_up_id) REFERENCES follow_up (id) ON DELETE SET NULL
);
CREATE INDEX reference_request_contact_id ON reference_request (contact_id);
CREATE INDEX reference_request_company_id ON reference_request (company_id);
CREATE INDEX reference_request_follow_up_id ON reference_request (follow_up_id);
CREATE TABLE wrapup_step (
    id INTEGER NOT NULL PRIMARY KEY,
    contact_id INTEGER NOT NULL,
    follow_up_id INTEGER,
    thanked_at DATETIME,
    channel VARCHAR(255) NOT NULL,
    gift_note TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    FOREIGN KEY (contact_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY (follow_up_id) REFERENCES follow_up (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX wrapup_step_contact_id ON wrapup_step (contact_id);
CREATE INDEX wrapup_step_follow_up_id ON wrapup_step (follow_up_id);
"""
)


# Schema 5: the timeline across the whole network ("recent activity") reads interactions
# newest first without sorting half a million rows.
_SCHEMA_5 = ("CREATE INDEX interaction_at ON interaction (at)",)


# Schema 6: two indexes every insert paid for and no query reads: the list sorts and
# filters through (archived, display_name COLLATE NOCASE), which covers both.
_SCHEMA_6 = (
    "DROP INDEX contact_display_name",
    "DROP INDEX contact_archived",
)


# Schema 7: each follow-up names the playbook rule that asked for it, so that no rule has to
# recognize its own by the words of its note. Rows written before are filled from what they
# show: a rule computed from the timeline or a reference heads-up has a reason of the same
# name; a thank-you is rule 4's when no wrap-up step holds it and its note ends as rule 4's
# sentence then ended (the only way rule 4 told them apart until now), else the wrap-up's,
# the one other workflow that asked for thank-yous.
_SCHEMA_7 = (
    "ALTER TABLE follow_up ADD COLUMN rule VARCHAR(255) NOT NULL DEFAULT ''",
    "UPDATE follow_up SET rule = CASE "
    "WHEN reason IN ('cadence', 'met_no_follow_up', 'status_update', 'reference_heads_up') "
    "THEN reason "
    "WHEN reason = 'thank_you' AND id NOT IN "
    "(SELECT follow_up_id FROM wrapup_step WHERE follow_up_id IS NOT NULL) "
    "AND substr(note, -38) = 'Say thank you, and name what they did.' THEN 'gratitude' "
    "WHEN reason = 'thank_you' THEN 'wrap_up' "
    "ELSE '' END",
)


# Schema 8: the whole card. Emails and phones keep their types ("work,voice": lower case,
# comma-separated), their preference (vCard 4.0 PREF, 1 = most preferred, 0 = none), the
# group they were written in (`item1.TEL`, tying them to an `item1.X-ABLABEL`) and every
# other parameter as written (`;X-SERVICE-TYPE=Skype`, vCard 4.0 syntax). Web addresses,
# the LinkedIn profile first, get the same in contact_url (contact.urls and linkedin_url
# stay the plain lists the rest of NetDesk reads, kept in step). Postal addresses are
# stored by part. Every property NetDesk does not model (IMPP, GENDER, X-...) is kept
# verbatim, with its group and parameters, in contact_property and written back on export.
# A contact gains its role, its ORG units after the first (one per line) and an
# anniversary (as a birthday: YYYY-MM-DD or --MM-DD). Rows written before keep their
# values: their web addresses are copied into contact_url, without types.
_SCHEMA_8 = _statements(
    """
ALTER TABLE contact ADD COLUMN role VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE contact ADD COLUMN org_units TEXT NOT NULL DEFAULT '';
ALTER TABLE contact ADD COLUMN anniversary VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE contact_email ADD COLUMN types VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE contact_email ADD COLUMN pref INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contact_email ADD COLUMN grp VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE contact_email ADD COLUMN params TEXT NOT NULL DEFAULT '';
ALTER TABLE contact_phone ADD COLUMN types VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE contact_phone ADD COLUMN pref INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contact_phone ADD COLUMN grp VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE contact_phone ADD COLUMN params TEXT NOT NULL DEFAULT '';
CREATE TABLE contact_url (
    id INTEGER NOT NULL PRIMARY KEY,
    contact_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    types VARCHAR(255) NOT NULL,
    pref INTEGER NOT NULL,
    grp VARCHAR(255) NOT NULL,
    params TEXT NOT NULL,
    position INTEGER NOT NULL,
    FOREIGN KEY (contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX contact_url_contact_id ON contact_url (contact_id);
CREATE TABLE contact_address (
    id INTEGER NOT NULL PRIMARY KEY,
    contact_id INTEGER NOT NULL,
    po_box TEXT NOT NULL,
    extended TEXT NOT NULL,
    street TEXT NOT NULL,
    locality TEXT NOT NULL,
    region TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    country TEXT NOT NULL,
    label TEXT NOT NULL,
    types VARCHAR(255) NOT NULL,
    pref INTEGER NOT NULL,
    grp VARCHAR(255) NOT NULL,
    params TEXT NOT NULL,
    position INTEGER NOT NULL,
    FOREIGN KEY (contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX contact_address_contact_id ON contact_address (contact_id);
CREATE TABLE contact_property (
    id INTEGER NOT NULL PRIMARY KEY,
    contact_id INTEGER NOT NULL,
    grp VARCHAR(255) NOT NULL,
    name VARCHAR(255) NOT NULL,
    params TEXT NOT NULL,
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    FOREIGN KEY (contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX contact_property_contact_id ON contact_property (contact_id);
INSERT INTO contact_url (contact_id, url, types, pref, grp, params, position)
SELECT id, trim(linkedin_url), '', 0, '', '', -1 FROM contact WHERE trim(linkedin_url) != '';
WITH RECURSIVE split(contact_id, rest, url, pos) AS (
    SELECT id, urls || char(10), '', -1 FROM contact WHERE urls != ''
    UNION ALL
    SELECT contact_id, substr(rest, instr(rest, char(10)) + 1),
        substr(rest, 1, instr(rest, char(10)) - 1), pos + 1
    FROM split WHERE rest != ''
)
INSERT INTO contact_url (contact_id, url, types, pref, grp, params, position)
SELECT contact_id, trim(url, ' ' || char(9) || char(13)), '', 0, '', '', pos FROM split
WHERE pos >= 0 AND trim(url, ' ' || char(9) || char(13)) != ''
"""
)


# Schema 9: two-way sync with the CardDAV servers the user adds. Accounts (the password is in
# the system keyring, never here), their address books and which are synced with the token
# where the last sync left off; per card on a server, the contact it is, its ETag and the
# card's text as last synced (the base a later merge compares both sides against); the
# outbox of contacts changed here since they were last pushed (kept by triggers, so every
# write path fills it in the same transaction, and only while a synced address book exists;
# the sync's own writes set sync_quiet for their transaction); fields changed on both sides
# that wait for the user; and cards a server refused. No table has an `id` column: undo
# records rows by `id`, and this state mirrors the server, so undo leaves it alone.
_SYNC_ON = (
    "(SELECT quiet FROM sync_quiet) = 0 AND EXISTS (SELECT 1 FROM sync_book WHERE enabled = 1)"
)
# The contact's columns a card is written from (not its playbook data nor its bookkeeping).
_CARD_COLUMNS = (
    "display_name, given_name, family_name, middle_name, prefix, suffix, nickname, company_id, "
    "title, notes, photo, photo_mime, linkedin_url, urls, birthday, tags, role, org_units, "
    "anniversary"
)
_QUEUE = (
    "INSERT INTO sync_outbox (contact_id, op, version, queued_at) "
    "VALUES ({id}, 'put', 1, datetime('now')) ON CONFLICT (contact_id) DO UPDATE SET "
    "op = 'put', version = version + 1, queued_at = excluded.queued_at"
)
_SCHEMA_9 = (
    *_statements(
        """
CREATE TABLE sync_account (
    account_id INTEGER NOT NULL PRIMARY KEY,
    url TEXT NOT NULL,
    username TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    last_sync_at DATETIME,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE sync_book (
    book_id INTEGER NOT NULL PRIMARY KEY,
    account_id INTEGER NOT NULL,
    href TEXT NOT NULL,
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 0,
    sync_token TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (account_id) REFERENCES sync_account (account_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sync_book_account_href ON sync_book (account_id, href);
CREATE TABLE sync_card (
    book_id INTEGER NOT NULL,
    href TEXT NOT NULL,
    contact_id INTEGER,
    uid TEXT NOT NULL DEFAULT '',
    etag TEXT NOT NULL DEFAULT '',
    base TEXT,
    PRIMARY KEY (book_id, href),
    FOREIGN KEY (book_id) REFERENCES sync_book (book_id) ON DELETE CASCADE
);
CREATE INDEX sync_card_contact_id ON sync_card (contact_id);
CREATE INDEX sync_card_uid ON sync_card (uid);
CREATE TABLE sync_outbox (
    contact_id INTEGER NOT NULL PRIMARY KEY,
    op VARCHAR(16) NOT NULL,
    version INTEGER NOT NULL,
    queued_at DATETIME NOT NULL
);
CREATE TABLE sync_conflict (
    contact_id INTEGER NOT NULL,
    field VARCHAR(64) NOT NULL,
    mine TEXT NOT NULL,
    theirs TEXT NOT NULL,
    found_at DATETIME NOT NULL,
    PRIMARY KEY (contact_id, field),
    FOREIGN KEY (contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE TABLE sync_rejection (
    contact_id INTEGER NOT NULL PRIMARY KEY,
    book_id INTEGER NOT NULL,
    status INTEGER NOT NULL,
    reason TEXT NOT NULL,
    at DATETIME NOT NULL
);
CREATE TABLE sync_quiet (quiet INTEGER NOT NULL);
INSERT INTO sync_quiet (quiet) VALUES (0)
"""
    ),
    f"CREATE TRIGGER sync_outbox_contact_insert AFTER INSERT ON contact WHEN {_SYNC_ON} "
    f"BEGIN {_QUEUE.format(id='NEW.id')}; END",
    f"CREATE TRIGGER sync_outbox_contact_update AFTER UPDATE OF {_CARD_COLUMNS} ON contact "
    f"WHEN {_SYNC_ON} BEGIN {_QUEUE.format(id='NEW.id')}; END",
    # A contact deleted here: its card is deleted on the server (a tombstone), or, never
    # pushed, it simply leaves the outbox.
    f"CREATE TRIGGER sync_outbox_contact_delete AFTER DELETE ON contact WHEN {_SYNC_ON} BEGIN "
    "DELETE FROM sync_outbox WHERE contact_id = OLD.id AND NOT EXISTS "
    "(SELECT 1 FROM sync_card WHERE contact_id = OLD.id); "
    "INSERT INTO sync_outbox (contact_id, op, version, queued_at) "
    "SELECT OLD.id, 'delete', 1, datetime('now') WHERE EXISTS "
    "(SELECT 1 FROM sync_card WHERE contact_id = OLD.id) "
    "ON CONFLICT (contact_id) DO UPDATE SET op = 'delete', version = version + 1, "
    "queued_at = excluded.queued_at; END",
    *(
        f"CREATE TRIGGER sync_outbox_{table}_{event.lower()} AFTER {event} ON {table} "
        f"WHEN {_SYNC_ON} AND EXISTS (SELECT 1 FROM contact WHERE id = {row}.contact_id) "
        f"BEGIN {_QUEUE.format(id=row + '.contact_id')}; END"
        for table in (
            "contact_email",
            "contact_phone",
            "contact_url",
            "contact_address",
            "contact_property",
        )
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    ),
    # A company renamed: the ORG of everyone at it.
    "CREATE TRIGGER sync_outbox_company_update AFTER UPDATE OF name ON company "
    f"WHEN {_SYNC_ON} BEGIN "
    "INSERT INTO sync_outbox (contact_id, op, version, queued_at) "
    "SELECT id, 'put', 1, datetime('now') FROM contact WHERE company_id = NEW.id "
    "ON CONFLICT (contact_id) DO UPDATE SET op = 'put', version = version + 1, "
    "queued_at = excluded.queued_at; END",
)


# Schema 10: pairs of contacts the user said are two people, so that the duplicate scan does
# not offer them again (lower id first). A pair goes when either contact goes; a merge
# carries the pairs of the contact merged away to the one that stays.
_SCHEMA_10 = _statements(
    """
CREATE TABLE not_duplicate (
    id INTEGER NOT NULL PRIMARY KEY,
    first_id INTEGER NOT NULL,
    second_id INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    FOREIGN KEY (first_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY (second_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX not_duplicate_first_id_second_id ON not_duplicate (first_id, second_id);
CREATE INDEX not_duplicate_second_id ON not_duplicate (second_id)
"""
)

# Schema 11: where an interaction came from (an imported LinkedIn archive, a mailbox) and the
# key that names it there (a message, an invitation), so a re-import adds only what is new.
_SCHEMA_11 = _statements(
    """
ALTER TABLE interaction ADD COLUMN source VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE interaction ADD COLUMN source_key VARCHAR(255) NOT NULL DEFAULT '';
CREATE INDEX interaction_source_key ON interaction (source_key) WHERE source_key != ''
"""
)


# Schema 12: the follow-ups pushed to a CalDAV calendar of a sync account. The calendars
# found on the account's server and the one it pushes to, with where the last sync left
# off; per item on the server, the follow-up it is, its ETag, a digest of what was pushed
# (so that an unchanged item is not sent again), the day it is shown on, and whether it was
# closed there (completed) or removed on the server; and the outbox of follow-ups made or
# changed here (new, snoozed, done, reopened, renamed, the calendar's settings changed), kept
# by triggers like the contacts' outbox. A push also compares the open follow-ups with the
# items, so what the sync's own writes made is found too, and nothing is lost when a sync
# stops halfway.
_CALENDAR_ON = (
    "(SELECT quiet FROM sync_quiet) = 0 "
    "AND EXISTS (SELECT 1 FROM sync_calendar WHERE enabled = 1)"
)
_QUEUE_EVENT = (
    "INSERT INTO sync_event_outbox (follow_up_id, version, queued_at) "
    "{source} ON CONFLICT (follow_up_id) DO UPDATE SET "
    "version = version + 1, queued_at = excluded.queued_at"
)
_SCHEMA_12 = (
    *_statements(
        """
CREATE TABLE sync_calendar (
    calendar_id INTEGER NOT NULL PRIMARY KEY,
    account_id INTEGER NOT NULL,
    href TEXT NOT NULL,
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 0,
    sync_token TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (account_id) REFERENCES sync_account (account_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sync_calendar_account_href ON sync_calendar (account_id, href);
CREATE TABLE sync_event (
    calendar_id INTEGER NOT NULL,
    href TEXT NOT NULL,
    follow_up_id INTEGER NOT NULL,
    uid TEXT NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    digest TEXT NOT NULL DEFAULT '',
    shown_on DATE,
    closed INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (calendar_id, href),
    FOREIGN KEY (calendar_id) REFERENCES sync_calendar (calendar_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sync_event_follow_up ON sync_event (calendar_id, follow_up_id);
CREATE TABLE sync_event_outbox (
    follow_up_id INTEGER NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL,
    queued_at DATETIME NOT NULL
)
"""
    ),
    "CREATE TRIGGER sync_event_outbox_follow_up_insert AFTER INSERT ON follow_up "
    f"WHEN {_CALENDAR_ON} AND NEW.state IN ('due', 'snoozed') BEGIN "
    + _QUEUE_EVENT.format(source="VALUES (NEW.id, 1, datetime('now'))")
    + "; END",
    "CREATE TRIGGER sync_event_outbox_follow_up_update AFTER UPDATE OF "
    f"state, due_at, effective_at, snoozed_until ON follow_up WHEN {_CALENDAR_ON} BEGIN "
    + _QUEUE_EVENT.format(source="VALUES (NEW.id, 1, datetime('now'))")
    + "; END",
    # The summary names the person: their open follow-ups follow a new name.
    "CREATE TRIGGER sync_event_outbox_contact_name AFTER UPDATE OF display_name ON contact "
    f"WHEN {_CALENDAR_ON} BEGIN "
    + _QUEUE_EVENT.format(
        source="SELECT id, 1, datetime('now') FROM follow_up WHERE contact_id = NEW.id "
        "AND state IN ('due', 'snoozed')"
    )
    + "; END",
    # What the calendar may say, its form or its alarm changed: every open follow-up again.
    "CREATE TRIGGER sync_event_outbox_options_insert AFTER INSERT ON setting "
    f"WHEN NEW.key = 'calendar' AND {_CALENDAR_ON} BEGIN "
    + _QUEUE_EVENT.format(
        source="SELECT id, 1, datetime('now') FROM follow_up WHERE state IN ('due', 'snoozed')"
    )
    + "; END",
    "CREATE TRIGGER sync_event_outbox_options_update AFTER UPDATE OF value ON setting "
    f"WHEN NEW.key = 'calendar' AND {_CALENDAR_ON} BEGIN "
    + _QUEUE_EVENT.format(
        source="SELECT id, 1, datetime('now') FROM follow_up WHERE state IN ('due', 'snoozed')"
    )
    + "; END",
    # With no calendar left to push to, the outbox has nowhere to go.
    "CREATE TRIGGER sync_event_outbox_orphans AFTER DELETE ON sync_calendar "
    "WHEN NOT EXISTS (SELECT 1 FROM sync_calendar WHERE enabled = 1) BEGIN "
    "DELETE FROM sync_event_outbox; END",
)


# Schema 13: a contact's card rows are read in their order straight from an index (a
# re-import reads those of thousands of contacts at a time), not sorted after the read.
_CARD_TABLES = (
    "contact_email",
    "contact_phone",
    "contact_url",
    "contact_address",
    "contact_property",
)
_SCHEMA_13 = tuple(
    sql
    for table in _CARD_TABLES
    for sql in (
        f"CREATE INDEX {table}_contact_position ON {table} (contact_id, position)",
        f"DROP INDEX IF EXISTS {table}_contact_id",
    )
)


def _run(statements: tuple[str, ...]) -> Callable[[pw.SqliteDatabase], None]:
    def step(database: pw.SqliteDatabase) -> None:
        for sql in statements:
            run_sql(database, sql)

    return step


# Step N brings a database from schema N-1 to schema N. Append; never edit a released step.
MIGRATIONS: dict[int, Callable[[pw.SqliteDatabase], None]] = {
    1: _run(_SCHEMA_1),
    2: _run(_SCHEMA_2),
    3: _run(_SCHEMA_3),
    4: _run(_SCHEMA_4),
    5: _run(_SCHEMA_5),
    6: _run(_SCHEMA_6),
    7: _run(_SCHEMA_7),
    8: _run(_SCHEMA_8),
    9: _run(_SCHEMA_9),
    10: _run(_SCHEMA_10),
    11: _run(_SCHEMA_11),
    12: _run(_SCHEMA_12),
    13: _run(_SCHEMA_13),
}

LATEST = max(MIGRATIONS)


def schema_version(database: pw.SqliteDatabase) -> int:
    """The schema version a database is at; 0 for an empty one."""
    exists = run_sql(
        database, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        return 0
    row = run_sql(database, "SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(database: pw.SqliteDatabase, target: int = LATEST) -> list[int]:
    """Apply every step above the database's version up to `target`; returns those applied."""
    applied = []
    for version in range(schema_version(database) + 1, target + 1):
        with database.atomic():
            MIGRATIONS[version](database)
            run_sql(
                database,
                "INSERT INTO schema_version (version, changed_at) VALUES (?, datetime('now'))",
                (version,),
            )
        applied.append(version)
    return applied
