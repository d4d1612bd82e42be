"""Schema migrations, file modes, and stores that must be refused rather than touched."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import peewee as pw
import pytest

from netdesk.store import backup, db, migrations, reader, writer
from netdesk.store.models import Contact


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _schema_one_with_data(path: Path) -> None:
    """A database as the first release wrote it, with a contact, an email and an interaction."""
    database = pw.SqliteDatabase(str(path))
    database.connect()
    migrations.migrate(database, target=1)
    database.execute_sql(
        "INSERT INTO company (id, name, key, status, notes, created_at) "
        "VALUES (1, 'Acme Robotics', 'acme robotics', 'applied', '', '2025-01-02 10:00:00')"
    )
    columns = (
        "id, display_name, given_name, family_name, middle_name, prefix, suffix, nickname, "
        "company_id, title, how_known, tie, reference_consent, above_and_beyond, notes, "
        "photo_mime, "
        "linkedin_url, linkedin_key, urls, birthday, tags, uid, archived, created_at, updated_at, "
        "touch_count, first_touch_kind, first_touch_summary"
    )
    database.execute_sql(
        f"INSERT INTO contact ({columns}) VALUES (7, 'Zoë Martínez', 'Zoë', 'Martínez', "
        "'', '', '', '', 1, 'Staff Engineer', 'manager', 'advocate', 1, 0, "
        "'Ran the platform team', '', '', '', "
        "'', '', 'mentor', '', 0, '2025-01-02 10:00:00', '2025-01-02 10:00:00', 0, '', '')"
    )
    database.execute_sql(
        "INSERT INTO contact_email (contact_id, email, key, position) "
        "VALUES (7, 'Zoe@Acme.example', 'zoe@acme.example', 0)"
    )
    database.execute_sql(
        "INSERT INTO interaction (contact_id, kind, at, summary, helped, direction, created_at) "
        "VALUES (7, 'coffee', '2025-06-01 08:30:00', 'Coffee on Market St', 'interview advice', "
        "'outgoing', '2025-06-01 09:00:00')"
    )
    database.close()


def test_upgrading_a_first_schema_database_keeps_its_data(data_dir: Path) -> None:
    path = data_dir / db.DATABASE_NAME
    data_dir.mkdir(parents=True)
    _schema_one_with_data(path)
    database = db.open_store(path, backup_dir=data_dir / "backups")
    try:
        assert migrations.schema_version(database) == migrations.LATEST > 1
        contact = Contact.get_by_id(7)
        assert contact.display_name == "Zoë Martínez"
        assert contact.company.name == "Acme Robotics"
        assert reader.contact_emails(7) == ["Zoe@Acme.example"]
        assert [e.summary for e in reader.timeline(7)] == ["Coffee on Market St"]
        # The full-text index that schema 2 added covers rows written before it existed.
        assert reader.search_contact_ids("zoe") == [7]
        assert reader.search_contact_ids("acme robo") == [7]
        assert reader.search_contact_ids("mentor") == [7]
        # And a backup of the old file was taken before migrating.
        taken = backup.list_backups(data_dir / "backups")
        assert len(taken) == 1 and "before-migration-1" in taken[0].reason
        old = sqlite3.connect(taken[0].path)
        assert old.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 1
        old.close()
    finally:
        db.close_store(database)


def test_every_migration_step_is_atomic(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir.mkdir(parents=True)
    path = data_dir / db.DATABASE_NAME
    _schema_one_with_data(path)

    def broken(database: pw.SqliteDatabase) -> None:
        database.execute_sql("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut")

    monkeypatch.setitem(migrations.MIGRATIONS, 2, broken)
    with pytest.raises(RuntimeError):
        db.open_store(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 1
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "half_done" not in tables
        assert conn.execute("SELECT display_name FROM contact").fetchall() == [("Zoë Martínez",)]
    finally:
        conn.close()


def test_a_database_from_a_newer_netdesk_is_refused_and_untouched(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    path = data_dir / db.DATABASE_NAME
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version INT, changed_at)")
    conn.execute(
        "INSERT INTO schema_version (version, changed_at) VALUES (?, 'x')", (migrations.LATEST + 5,)
    )
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(db.NewerSchemaError, match="newer NetDesk"):
        db.open_store(path, backup_dir=data_dir / "backups")
    assert path.read_bytes() == before


def test_a_damaged_file_is_reported_not_overwritten(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    path = data_dir / db.DATABASE_NAME
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    before = path.read_bytes()
    with pytest.raises(db.DamagedStoreError):
        db.open_store(path)
    assert path.read_bytes() == before


def test_folder_is_0700_and_files_are_0600(store: pw.SqliteDatabase, data_dir: Path) -> None:
    writer.create_contact({"display_name": "Ana"}, db.local_now(), emails=["ana@x.example"])
    assert _mode(data_dir) == 0o700
    files = [p for p in data_dir.iterdir() if p.is_file()]
    assert {p.name for p in files} >= {db.DATABASE_NAME, db.DATABASE_NAME + "-wal"}
    for p in files:
        assert _mode(p) == 0o600, p
    made = backup.backup_database(store, data_dir / "backups", reason="test")
    assert _mode(made) == 0o600 and _mode(made.parent) == 0o700


def test_pragmas(store: pw.SqliteDatabase) -> None:
    assert store.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_importing_the_package_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "NETDESK_DATA_DIR": str(home / "data")}
    env.pop("XDG_DATA_HOME", None)
    modules = ", ".join(
        f"netdesk.{m}"
        for m in (
            "paths",
            "logs",
            "commands",
            "store.db",
            "store.reader",
            "store.writer",
            "store.importer",
            "store.backup",
            "core.playbook",
            "core.contact_files",
        )
    )
    subprocess.run([sys.executable, "-c", f"import {modules}"], env=env, check=True, cwd=home)
    assert list(home.iterdir()) == []


def test_schema_7_names_the_rule_of_every_follow_up_written_before(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    path = data_dir / db.DATABASE_NAME
    _schema_one_with_data(path)
    database = pw.SqliteDatabase(str(path))
    database.connect()
    migrations.migrate(database, target=6)
    ask = "Say thank you, and name what they did."
    wrap = "Thank Zoë for their help and tell them about the offer from Acme Robotics."
    rows = [  # id, reason, note
        (1, "cadence", ""),
        (2, "met_no_follow_up", ""),
        (3, "status_update", ""),
        (4, "reference_heads_up", "Zoë may get a reference call tomorrow."),
        (5, "thank_you", f"Zoë helped you with interview advice. {ask}"),
        (6, "thank_you", wrap),  # the wrap-up's, held by its step
        (7, "thank_you", f"Zoë helped you with a referral. {ask}"),  # taken over by the step
        (8, "thank_you", wrap),  # an earlier round of the wrap-up, no longer held
    ]
    for fid, reason, note in rows:
        database.execute_sql(
            "INSERT INTO follow_up (id, contact_id, reason, due_at, state, effective_at, note, "
            "created_at) VALUES (?, 7, ?, '2025-06-02 09:00:00', 'due', "
            "'2025-06-02 09:00:00', ?, '2025-06-01 09:00:00')",
            (fid, reason, note),
        )
    database.execute_sql(
        "INSERT INTO wrapup_step (contact_id, follow_up_id, channel, gift_note, created_at) "
        "VALUES (7, 6, '', '', '2025-06-01 09:00:00')"
    )
    database.execute_sql(
        "INSERT INTO contact (display_name, given_name, family_name, middle_name, prefix, "
        "suffix, nickname, title, how_known, tie, reference_consent, above_and_beyond, notes, "
        "photo_mime, linkedin_url, linkedin_key, urls, birthday, tags, uid, archived, "
        "created_at, updated_at, touch_count, first_touch_kind, first_touch_summary) "
        "VALUES ('Sam', '', '', '', '', '', '', '', '', 'unsorted', 0, 0, '', '', '', '', '', "
        "'', '', '', 0, '2025-01-02 10:00:00', '2025-01-02 10:00:00', 0, '', '')"
    )
    database.execute_sql(
        "INSERT INTO wrapup_step (contact_id, follow_up_id, channel, gift_note, created_at) "
        "SELECT id, 7, '', '', '2025-06-01 09:00:00' FROM contact WHERE display_name = 'Sam'"
    )
    database.close()

    store = db.open_store(path, backup_dir=data_dir / "backups")
    try:
        assert migrations.schema_version(store) == migrations.LATEST >= 7
        found = dict(store.execute_sql("SELECT id, rule FROM follow_up ORDER BY id").fetchall())
        assert found == {
            1: "cadence",
            2: "met_no_follow_up",
            3: "status_update",
            4: "reference_heads_up",
            5: "gratitude",
            6: "wrap_up",
            7: "wrap_up",
            8: "wrap_up",
        }
    finally:
        db.close_store(store)


def test_every_model_matches_the_migrated_schema(store: pw.SqliteDatabase) -> None:
    from netdesk.store.models import ALL_MODELS

    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {r[1]: r for r in store.execute_sql(f"PRAGMA table_info({table})").fetchall()}
        assert columns, f"no table {table}"
        for name, fld in model._meta.columns.items():
            assert name in columns, f"{table}.{name} is in the model but not the schema"
            assert bool(columns[name][3]) == (not fld.null), f"{table}.{name} nullability"


def test_every_index_a_model_declares_is_in_the_migrated_schema(
    store: pw.SqliteDatabase,
) -> None:
    from netdesk.store.models import ALL_MODELS

    for model in ALL_MODELS:
        table = model._meta.table_name
        indexed = {
            tuple(r[2] for r in store.execute_sql(f"PRAGMA index_info('{name}')").fetchall())
            for (name,) in store.execute_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", [table]
            ).fetchall()
        }
        declared = [(f.column_name,) for f in model._meta.sorted_fields if f.index or f.unique]
        declared += [
            tuple(model._meta.fields[n].column_name for n in names)
            for names, _ in model._meta.indexes
        ]
        for columns in declared:
            assert columns in indexed, f"{table}{columns} is declared but not indexed"


def test_a_contacts_card_rows_are_read_in_order_from_an_index(
    store: pw.SqliteDatabase,
) -> None:
    for table in migrations._CARD_TABLES:
        plan = " ".join(
            str(row[-1])
            for row in store.execute_sql(
                f"EXPLAIN QUERY PLAN SELECT * FROM {table} WHERE contact_id IN (1, 5, 9) "
                "ORDER BY contact_id, position"
            ).fetchall()
        )
        assert f"USING INDEX {table}_contact_position" in plan
        assert "TEMP B-TREE" not in plan, plan


def test_schema_8_keeps_emails_phones_and_web_addresses_written_before(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    path = data_dir / db.DATABASE_NAME
    _schema_one_with_data(path)
    database = pw.SqliteDatabase(str(path))
    database.connect()
    migrations.migrate(database, target=7)
    database.execute_sql(
        "UPDATE contact SET urls = ?, linkedin_url = ? WHERE id = 7",
        ("https://zoe.example\n\n  https://blog.zoe.example/  \n", "https://linkedin.com/in/zoe"),
    )
    database.execute_sql(
        "INSERT INTO contact_phone (contact_id, phone, key, position) "
        "VALUES (7, '+1 555 0100', '+15550100', 0)"
    )
    database.close()

    store = db.open_store(path, backup_dir=data_dir / "backups")
    try:
        assert migrations.schema_version(store) >= 8
        assert store.execute_sql(
            "SELECT url, types, pref, grp, params FROM contact_url WHERE contact_id = 7 "
            "ORDER BY position"
        ).fetchall() == [
            ("https://linkedin.com/in/zoe", "", 0, "", ""),
            ("https://zoe.example", "", 0, "", ""),
            ("https://blog.zoe.example/", "", 0, "", ""),
        ]
        assert store.execute_sql(
            "SELECT email, types, pref FROM contact_email WHERE contact_id = 7"
        ).fetchall() == [("Zoe@Acme.example", "", 0)]
        assert store.execute_sql(
            "SELECT phone, types, pref FROM contact_phone WHERE contact_id = 7"
        ).fetchall() == [("+1 555 0100", "", 0)]
        assert store.execute_sql(
            "SELECT role, org_units, anniversary FROM contact WHERE id = 7"
        ).fetchall() == [("", "", "")]
    finally:
        db.close_store(store)
