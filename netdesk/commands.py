"""The headless subcommands: import, export, due, backup, restore, demo. No Qt."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import peewee as pw

from netdesk import paths as paths_mod
from netdesk.core.matching import CONFLICT_LISTS, ImportPlan, PlanEntry
from netdesk.core.records import ImportProblem
from netdesk.core.templates import counted, quoted
from netdesk.logs import LOG_NAME, setup_logging
from netdesk.store import backup, db, export, importer, reader, recovery, running_app
from netdesk.store.models import Contact
from netdesk.store.sql import raw_connection

if TYPE_CHECKING:
    from netdesk.core.calendar import CalendarOptions

log = logging.getLogger("netdesk.commands")


class CommandError(Exception):
    """A failure to report as one line on stderr, exit status 1."""

    status = 1


class UsageError(CommandError):
    """A command line that asks for nothing it can do: one line on stderr, exit status 2,
    as for any other wrong use of the command line."""

    status = 2


def run(args: argparse.Namespace) -> int:
    where = paths_mod.resolve(args.data_dir)
    # The log is secondary: a log that cannot be written (a full disk) must not print
    # tracebacks over the one line that says what happened.
    logging.raiseExceptions = False
    try:
        db.check_access(where.database)  # a read-only folder is said as such, before the log
        setup_logging(where.log_dir)
        handler = _COMMANDS[args.command]
        return handler(args, where)
    except CommandError as exc:
        print(f"netdesk {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except db.DamagedStoreError as exc:
        log.error("store could not be read: %s", exc)
        print(
            f"netdesk {args.command}: {exc} Start NetDesk to move it aside and restore the "
            f"newest backup, or run `netdesk restore FILE` with a backup from {where.backups}.",
            file=sys.stderr,
        )
        return 1
    except db.StoreError as exc:
        log.error("store could not be opened: %s", exc)
        print(f"netdesk {args.command}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # BrokenPipeError and OSError too: see _unexpected
        full = db.disk_full_cause(exc)
        if full is None:
            return _unexpected(args, where, exc)
        log.error("netdesk %s: the disk is full: %s", args.command, full)
        print(
            f"netdesk {args.command}: the disk holding {where.data_dir} is full (or a file may "
            f"not grow any larger there): {full}. Nothing of this {args.command} was kept and "
            "your store is as it was; free some space and try again.",
            file=sys.stderr,
        )
        return 1


def _unexpected(args: argparse.Namespace, where: paths_mod.Paths, exc: Exception) -> int:
    if isinstance(exc, BrokenPipeError):
        # `netdesk export | head`: the reader left; not an error of ours.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stdout must stay writable
        return 0
    if isinstance(exc, OSError):
        name = exc.filename or ""
        log.error("netdesk %s: %s %s", args.command, type(exc).__name__, exc.strerror)
        print(
            f"netdesk {args.command}: {name}{': ' if name else ''}{exc.strerror}", file=sys.stderr
        )
        return 1
    # Not a failure we foresaw: the traceback goes to the log (the formatter hides what
    # the message quotes), and the user gets one line saying where to find it.
    log.exception("netdesk %s failed unexpectedly", args.command)
    print(
        f"netdesk {args.command}: an unexpected error ({type(exc).__name__}: {exc}). "
        f"Details are in {where.log_dir / LOG_NAME}.",
        file=sys.stderr,
    )
    return 1


def now() -> dt.datetime:
    return db.local_now()


@contextlib.contextmanager
def _store(where: paths_mod.Paths) -> Iterator[pw.SqliteDatabase]:
    database = db.open_store(where.database, backup_dir=where.backups)
    wrote = False
    try:
        yield database
    finally:
        with contextlib.suppress(Exception):
            wrote = raw_connection(database).total_changes > 0
        db.close_store(database)
    if wrote:
        # A NetDesk open on this store reloads and reschedules now, not at its next alarm.
        running_app.tell_store_changed(where.data_dir)


@contextlib.contextmanager
def _output(target: str | None) -> Iterator[TextIO]:
    """The file to write, whole or not at all; or stdout."""
    if not target or target == "-":
        yield sys.stdout
        return
    with export.atomic_text_file(Path(target).resolve()) as out:
        yield out


# --- import -----------------------------------------------------------------------------


def _import(args: argparse.Namespace, where: paths_mod.Paths) -> int:
    from netdesk.core.linkedin_archive import is_archive

    if args.mail:
        if args.files:
            raise UsageError("import a mailbox on its own: --mail PATH, without files")
        return _import_mail(args, where, Path(args.mail))
    if args.me:
        raise UsageError("--me goes with --mail")
    if not args.files:
        raise UsageError("name a file to import (or a mailbox with --mail PATH)")
    files = [Path(f) for f in args.files]
    archives = [f for f in files if f.exists() and is_archive(f)]
    if archives:
        if len(files) > 1:
            raise UsageError(f"{archives[0]}: import a LinkedIn data archive on its own")
        return _import_archive(args, where, archives[0])
    for f in files:
        if not f.exists():
            raise CommandError(f"{f}: no such file")
        if f.is_dir():
            raise CommandError(f"{f}: is a folder, not a contact file")
    # The file is read, matched and written a block at a time (importer.stream_import), so
    # a file of any size fits in memory; what the report needs of each entry waits in a
    # temporary file until the import is through, then is written out in file order.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spill, _store(where) as database:

        def keep(index: int, entry: PlanEntry) -> None:
            if args.json:
                item = ImportPlan([entry]).to_json()["entries"][0]
            else:  # the text report names errors and duplicates only: no changes to render
                record, problem = entry.record, entry.problem
                if not (
                    entry.action in ("error", "duplicate")
                    or entry.similar
                    or entry.conflicts
                    or (record is not None and record.remarks)
                ):
                    return  # a line of its own in no report: only counted
                item = {
                    "action": entry.action,
                    "name": record.display_name if record else "",
                    "source": record.source if record else (problem.source if problem else ""),
                    "line": record.line if record else (problem.line if problem else 0),
                    "reason": problem.reason if problem else "",
                    "conflicts": {k: [str(a), str(b)] for k, (a, b) in entry.conflicts.items()},
                    "similar": [i + 1 for i in entry.similar],
                }
            item["remarks"] = list(entry.record.remarks) if entry.record else []
            spill.write(json.dumps(item, ensure_ascii=False) + "\n")

        def backup_first() -> None:
            backup.backup_database(database, where.backups, reason="before-import")

        done = importer.stream_import(
            files,
            now(),
            duplicates=args.duplicates,
            dry_run=args.dry_run,
            before_write=backup_first,
            on_entry=keep,
        )
        if done.batch_id is not None:
            log.info(
                "import batch %s: %s added, %s updated", done.batch_id, done.added, done.updated
            )
        spill.seek(0)
        counts = done.counts
        if args.json:
            _write_import_json(spill, done.revised, counts, args.dry_run, done.batch_id)
        else:
            # Only entries with something to say were kept, and a revision (an entry found
            # to change after all) says nothing in the text report.
            _write_import_text(_spilled_entries(spill, {}), counts, args.dry_run)
    readable = counts["new"] + counts["update"] + counts["unchanged"] + counts["duplicate"]
    return 1 if counts["error"] and not readable else 0


def _import_archive(args: argparse.Namespace, where: paths_mod.Paths, path: Path) -> int:
    """A LinkedIn data archive: Connections.csv as any LinkedIn CSV, then the history
    (messages, invitations, recommendations, endorsements), in one batch."""
    from netdesk.core import linkedin_archive
    from netdesk.store import writer

    try:
        with linkedin_archive.open_archive(path) as archive, _store(where) as database:
            history = linkedin_archive.read_history(archive)
            sources = [archive.label]
            with archive.connections_file() as connections:
                plan = importer.plan_files([connections]) if connections else None
            newcomers = [
                e.record for e in (plan.entries if plan else []) if e.action == "new" and e.record
            ]
            files = reader.plan_linkedin(history, newcomers)
            report: dict[str, Any] = {
                "archive": archive.label,
                "owner": history.owner.name if history.owner is not None else None,
                "files": [dataclasses.asdict(f) for f in files],
                "problems": [str(p) for p in history.problems],
                "dry_run": bool(args.dry_run),
            }
            for problem in history.problems:
                print(f"error: {problem}", file=sys.stderr)
            lines = []
            if plan is not None:
                report["connections"] = {
                    "new": plan.new,
                    "updated": plan.updated,
                    "unchanged": plan.unchanged,
                    "duplicates": plan.duplicates,
                }
                lines.append(
                    f"{archive.display_name(linkedin_archive.CONNECTIONS)}: {plan.new} new, "
                    f"{plan.updated} updated, {plan.unchanged} unchanged, "
                    f"{plan.duplicates} likely duplicates"
                )
            lines += [f"{file.name}: {history_line(file)}" for file in files]
            if history.owner is None and linkedin_archive.MESSAGES in archive.names:
                lines.append(
                    "note: the archive does not say whose it is (no Profile.csv, and no one "
                    "is in every conversation): messages without a direction were left out"
                )
            writes = any(f.new for f in files) or (
                plan is not None and bool(plan.new or plan.updated or plan.duplicates)
            )
            if args.dry_run or not writes:
                lines.append(
                    "nothing was written (dry run)." if args.dry_run else "nothing new to import."
                )
            else:
                backup.backup_database(database, where.backups, reason="before-import")
                when = now()
                with writer.change(when):
                    batch_id = None
                    if plan is not None:
                        batch_id = importer.apply_plan(plan, sources, when).batch_id
                    added = writer.import_linkedin_history(
                        history, sources, when, batch_id=batch_id
                    )
                report["added"] = {"timeline_entries": added.added, "people": added.contacts}
                report["batch_id"] = added.batch_id
                lines.append(
                    f"import done: {added.added} timeline entries added for {added.contacts} "
                    f"people ({added.already} were there already)."
                )
            if args.json:
                print(json.dumps(report, ensure_ascii=False, indent=2))
            else:
                print("\n".join(lines))
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise CommandError(f"{path.name}: {exc}") from exc
    return 0


def history_line(file: reader.FilePlan) -> str:
    """'12 rows: 9 new timeline entries for 4 people, 2 already there, 1 about people not in
    your network, 1 left out (drafts or rows without a date)'."""
    from netdesk.core.mail_history import history_parts

    rows = f"{file.rows:,} {'row' if file.rows == 1 else 'rows'}: " if file.rows else ""
    return rows + ", ".join(history_parts(file, "see --me"))


def _import_mail(args: argparse.Namespace, where: paths_mod.Paths, path: Path) -> int:
    """A local mailbox, headers only: "email sent / received" entries with the contacts."""
    from netdesk.core import mail_history
    from netdesk.store import writer

    try:
        folders = mail_history.find_folders(path)
    except (OSError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    with _store(where) as database:
        known = reader.email_directory()
        try:
            reading = mail_history.read_mail(folders, known.__contains__, own=args.me)
        except OSError as exc:
            raise CommandError(f"{path.name}: {exc.strerror or exc}") from exc
        plan = reader.plan_mail(reading)
        mine = ", ".join(sorted(reading.own)) or "none found (give them with --me)"
        count = f"{len(folders)} {'folder' if len(folders) == 1 else 'folders'}"
        print(f"{reading.messages} messages in {count}; your addresses: {mine}")
        print(f"{plan.name}: {history_line(dataclasses.replace(plan, rows=0))}")
        if args.dry_run:
            print("nothing was written (dry run).")
            return 0
        backup.backup_database(database, where.backups, reason="before-import")
        added = writer.import_mail_history(reading, [path.name], now())
        emails = "email" if added.added == 1 else "emails"
        people = "person" if added.contacts == 1 else "people"
        print(
            f"import done: {added.added} {emails} added to the timelines of {added.contacts} "
            f"{people} ({added.already} were there already)."
        )
    return 0


def _spilled_entries(
    spill: TextIO, revised: dict[int, tuple[str, dict[str, Any]]]
) -> Iterator[dict[str, Any]]:
    """The report's entries back from the spill file, with their final action and changes."""
    for index, line in enumerate(spill):
        item = json.loads(line)
        if index in revised:
            action, changes = revised[index]
            final = ImportPlan([PlanEntry(action="update", changes=changes)]).to_json()
            item["action"] = action
            item["changes"] = final["entries"][0]["changes"]
        yield item


def _write_import_json(
    spill: TextIO,
    revised: dict[int, tuple[str, dict[str, Any]]],
    counts: dict[str, int],
    dry_run: bool,
    batch_id: int | None,
) -> None:
    """The report as one JSON object, written entry by entry (as json.dump would with indent 2).

    The spill file is read twice: for the entries, then for the remarks.
    """
    out = sys.stdout

    def items(key: str, values: Iterator[dict[str, Any]]) -> None:
        out.write(f"  {json.dumps(key)}: [")
        first = True
        for value in values:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            out.write(("\n    " if first else ",\n    ") + text)
            first = False
        out.write("]" if first else "\n  ]")

    def entries() -> Iterator[dict[str, Any]]:
        spill.seek(0)
        for item in _spilled_entries(spill, revised):
            del item["remarks"]
            yield item

    def remarks() -> Iterator[dict[str, Any]]:
        spill.seek(0)
        for item in _spilled_entries(spill, {}):
            for remark in item["remarks"]:
                yield {"name": item["name"], "line": item["line"], "remark": remark}

    out.write("{\n")
    for key, action in (
        ("new", "new"),
        ("updated", "update"),
        ("unchanged", "unchanged"),
        ("duplicates", "duplicate"),
        ("errors", "error"),
    ):
        out.write(f"  {json.dumps(key)}: {counts[action]},\n")
    items("entries", entries())
    out.write(f',\n  "dry_run": {json.dumps(bool(dry_run))},\n')
    out.write(f'  "batch_id": {json.dumps(batch_id)},\n')
    items("remarks", remarks())
    out.write("\n}\n")


def _write_import_text(
    entries: Iterator[dict[str, Any]], counts: dict[str, int], dry_run: bool
) -> None:
    total = sum(counts.values())  # the entries are only those with something to say
    for item in entries:
        name, source, line = item["name"], item["source"], item["line"]
        if item["action"] == "error":
            # A refused file or card is an error: stderr, where scripts look for them.
            print(f"error: {ImportProblem(source, line, item['reason'])}", file=sys.stderr)
        elif item["action"] == "duplicate" or item.get("similar"):
            print(f"likely duplicate: {name} ({source}, line {line})")
        for field, (stored, incoming) in item.get("conflicts", {}).items():
            # What a re-import left as the user has it (the preview lets them choose).
            label = field.replace("_", " ")
            kept = "both kept" if field in ("notes", *CONFLICT_LISTS) else "yours kept"
            print(
                f"differs: {name} ({source}, line {line}): {label}: “{stored}” here, "
                f"“{incoming}” in the file ({kept})"
            )
        for remark in item["remarks"]:
            print(f"note: {name} ({source}, line {line}): {remark}")
    readable = counts["new"] + counts["update"] + counts["unchanged"] + counts["duplicate"]
    verb = "would be" if dry_run else "were"
    outcome = (
        "nothing was written (dry run)"
        if dry_run
        else "import done"
        if readable
        else "nothing was imported"
    )
    print(
        f"{counts['new']} new, {counts['update']} updated, {counts['unchanged']} unchanged, "
        f"{counts['duplicate']} likely duplicates, {counts['error']} not readable: "
        f"{outcome}."
        if total
        else f"No contacts {verb} found."
    )


# --- export -----------------------------------------------------------------------------


def _export(args: argparse.Namespace, where: paths_mod.Paths) -> int:
    fmt = args.format
    if fmt == "vcard":
        fmt = "vcard3" if args.vcard_version == "3.0" else "vcard4"
    with _store(where), _output(args.output) as out:
        export.write_export(out, fmt, None, now())
    return 0


# --- due --------------------------------------------------------------------------------


def parse_when(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            f"--at {text!r} is not a date like 2026-03-01 or 2026-03-01T09:00"
        ) from exc
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    if len(text) <= 10:  # a bare date means the end of that day: everything due that day
        when = when.replace(hour=23, minute=59, second=59)
    return when


def _due(args: argparse.Namespace, where: paths_mod.Paths) -> int:
    at = parse_when(args.at) if args.at else now()
    horizon = dt.timedelta(days=max(0, args.upcoming))
    if not where.database.exists():
        items: list[reader.DueFollowUp] = []
    else:
        with _store(where):
            items = reader.follow_ups(at, horizon=horizon)
    if args.json:
        json.dump(
            {
                "at": at.isoformat(),
                "count": len(items),
                "follow_ups": [
                    {
                        "id": f.follow_up_id,
                        "contact_id": f.contact_id,
                        "contact": f.contact_name,
                        "reason": f.reason.value,
                        "reason_label": f.reason.label,
                        "due": f.effective_at.isoformat(),
                        "overdue": f.effective_at < at,
                        "state": f.state.value,
                        "sentence": f.sentence,
                    }
                    for f in items
                ],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    if not items:
        print("Nothing is due. Enjoy your day.")
        return 0
    for f in items:
        print(f"{f.effective_at:%Y-%m-%d}  {f.contact_name}: {f.sentence}")
    print(f"{len(items)} follow-up{'s' if len(items) != 1 else ''} due.")
    return 0


# --- calendar ---------------------------------------------------------------------------


def calendar_options_from(args: argparse.Namespace, stored: CalendarOptions) -> CalendarOptions:
    """The stored calendar options with what the command line says on top."""
    import dataclasses

    from netdesk.core.calendar import CalendarDetail, CalendarForm

    options = stored
    if args.form:
        options = dataclasses.replace(options, form=CalendarForm(args.form))
    if args.detail:
        options = dataclasses.replace(options, detail=CalendarDetail(args.detail))
    if args.alarm:
        try:
            alarm = dt.time.fromisoformat(args.alarm)
        except ValueError as exc:
            raise CommandError(f"--alarm {args.alarm!r} is not a time of day like 09:00") from exc
        options = dataclasses.replace(options, alarm_at=alarm.replace(second=0, microsecond=0))
    if args.birthdays is not None:
        options = dataclasses.replace(options, birthdays=args.birthdays)
    return options


def _calendar(args: argparse.Namespace, where: paths_mod.Paths) -> int:
    from netdesk.core.calendar import CalendarOptions, build_calendar
    from netdesk.store import writer

    if args.days is not None and args.days < 0:
        raise CommandError(f"--days {args.days}: give a number of days, 0 or more")
    calendar_options_from(args, CalendarOptions())  # a mistyped option first, store or not
    moment = now()
    if not where.database.exists():
        raise CommandError(f"there is no store at {where.database}")
    with _store(where):
        options = calendar_options_from(args, reader.calendar_options())
        with writer.change(moment):
            store = writer.ensure_store_id()
        items = reader.calendar_follow_ups(moment, args.days)
        people = reader.birthdays() if options.birthdays else []
    data = build_calendar(items, options, store, moment, people)
    if args.ics == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        target = Path(args.ics).resolve()
        with export.atomic_text_file(target) as out:
            # icalendar writes CRLF line ends already; keep them as they are.
            out.write(data.decode("utf-8"))
        what = "to-dos" if options.form.value == "todo" else "events"
        noun = "follow-up" if len(items) == 1 else "follow-ups"
        print(f"{len(items)} {noun} written to {target} as {what}.", file=sys.stderr)
    return 0


# --- backup and restore -----------------------------------------------------------------


def _backup(args: argparse.Namespace, where: paths_mod.Paths) -> int:
    if not where.database.exists():
        raise CommandError(f"there is no store at {where.database} to back up")
    with _store(where) as database:
        if args.output:
            path = backup.backup_to_file(
                database, Path(args.output).resolve(), private_folder=False
            )
        else:
            path = backup.backup_database(database, where.backups, reason="manual")
    print(path)
    return 0


def _restore(args: argparse.Namespace, where: paths_mod.Paths) -> int:
    source = Path(args.file)
    if not source.is_file():
        raise CommandError(f"{source}: no such backup file")
    detail = recovery.unusable_reason(source)
    if detail:
        raise CommandError(f"{source} is not a usable NetDesk backup ({detail})")
    db.check_access(where.database)
    moved = None
    if where.database.exists() and where.database.stat().st_size > 0:
        try:
            db.inspect_file(where.database, full=False)
        except db.DamagedStoreError as exc:
            # A store that cannot be read cannot be backed up: it is kept, moved aside.
            moved = recovery.set_aside(where, exc, now()).moved_to
    try:
        safety = recovery.restore_backup(source, where, now(), wait=args.wait)
    except recovery.RecoveryError as exc:
        raise CommandError(str(exc)) from exc
    with _store(where):
        count = Contact.select().count()
    # A NetDesk open on this store saw the restore as one commit: it reloads its panes now.
    running_app.tell_store_changed(where.data_dir)
    print(
        f"Restored {count} contacts from {source}."
        + (f" The store before was saved to {safety}." if safety else "")
        + (f" The damaged store was moved to {moved}." if moved else "")
    )
    return 0


# --- demo -------------------------------------------------------------------------------


def _demo(args: argparse.Namespace, where: paths_mod.Paths) -> int:
    from netdesk.core.demo import generate_network
    from netdesk.store.demo import load_network

    if args.contacts < 0:
        raise CommandError("--contacts must be 0 or more")
    with _store(where):
        existing = Contact.select().count()
        if existing:
            raise CommandError(
                f"the store at {where.database} already holds {existing} contacts; "
                "the demo fills an empty store (choose another --data-dir)"
            )
        moment = now()
        network = generate_network(
            args.contacts, seed=args.seed, now=moment, interactions_per_contact=args.interactions
        )
        added = load_network(network, moment)
    print(f"Demo network of {added} contacts written to {where.data_dir}.")
    return 0


# --- accounts and sync -------------------------------------------------------------------


def _read_password(args: argparse.Namespace) -> str:
    """From stdin (--password-stdin), NETDESK_PASSWORD, or a prompt; none without a user."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get("NETDESK_PASSWORD"):
        return os.environ["NETDESK_PASSWORD"]
    if not args.user or not sys.stdin.isatty():
        return ""
    import getpass

    return getpass.getpass(f"Password for {args.user} (or an app password): ")


def _account(args: argparse.Namespace, where: paths_mod.Paths) -> int:
    from netdesk.sync import accounts
    from netdesk.sync.http import SyncError

    try:
        if args.action == "add":
            url = accounts.normalized_url(args.url)
            password = _read_password(args)
            if args.calendar is not None:
                return _account_with_calendar(args, where, url, password)
            books = accounts.find_books(url, args.user or "", password)
            chosen = accounts.choose_books(books, args.address_book or [])
            with _store(where):
                account_id = accounts.add_account(
                    url, args.user or "", password, books, chosen, now()
                )
            names = ", ".join(b.name for b in books if b.href in chosen)
            print(f"Account {account_id} added: {url}; syncing {names}. Run `netdesk sync`.")
            return 0
        with _store(where):
            if args.action == "remove":
                account = accounts.find_account(args.account)
                accounts.remove_account(account)
                print(f"Account {account.account_id} removed; your contacts stay in NetDesk.")
                return 0
            listed = reader.sync_accounts()
            calendars = {
                a.account_id: c
                for a in listed
                if (c := reader.pushed_calendar(a.account_id)) is not None
            }
        if args.json:
            json.dump(
                [
                    {
                        **_account_json(a),
                        "calendar": (
                            {"href": calendars[a.account_id].href,
                             "name": calendars[a.account_id].name}
                            if a.account_id in calendars
                            else None
                        ),
                    }
                    for a in listed
                ],
                sys.stdout,
                indent=2,
            )
            sys.stdout.write("\n")
        elif not listed:
            print("No accounts. Add one with `netdesk account add URL --user NAME`.")
        for account in [] if args.json else listed:
            synced = ", ".join(b.name for b in account.books if b.enabled) or "no address book"
            last = account.last_sync_at.isoformat(sep=" ") if account.last_sync_at else "never"
            user = f" as {account.username}" if account.username else ""
            print(f"{account.account_id}  {account.url}{user}  syncs {synced}; last sync {last}")
            if (calendar := calendars.get(account.account_id)) is not None:
                print(f"   follow-ups on the calendar {quoted(calendar.name)}")
            if account.last_error:
                print(f"   last problem: {account.last_error}")
        return 0
    except SyncError as exc:
        raise CommandError(str(exc)) from exc


def _account_with_calendar(
    args: argparse.Namespace, where: paths_mod.Paths, url: str, password: str
) -> int:
    """`account add URL --calendar NAME`: the follow-ups go to that calendar of the account
    (made when the server has none by that name); its address books are synced too when it
    has any. An account already added for this server and user gets the calendar."""
    from netdesk.sync import accounts, caldav
    from netdesk.sync.http import SyncError

    user = args.user or ""
    try:
        books = accounts.find_books(url, user, password)
    except SyncError:
        if args.address_book:
            raise
        books = []  # a calendar-only server
    chosen = accounts.choose_books(books, args.address_book or []) if books else []
    with _store(where):
        existing = next(
            (a for a in reader.sync_accounts() if (a.url, a.username) == (url, user)), None
        )
        if existing is not None:
            account_id = existing.account_id
            accounts.save_password(url, user, password)
        else:
            account_id = accounts.add_account(url, user, password, books, chosen, now())
        calendar, made = caldav.use_calendar(account_id, url, user, password, args.calendar)
    names = ", ".join(b.name for b in books if b.href in chosen)
    head = f"Account {account_id} added: {url}" if existing is None else f"Account {account_id}"
    syncs = f"; syncing {names}" if names and existing is None else ""
    where_to = f"the {'new ' if made else ''}calendar {quoted(calendar.name)}"
    print(f"{head}{syncs}; follow-ups go to {where_to}. Run `netdesk sync`.")
    return 0


def _account_json(account: Any) -> dict[str, Any]:
    return {
        "id": account.account_id,
        "url": account.url,
        "user": account.username,
        "last_sync": account.last_sync_at.isoformat() if account.last_sync_at else None,
        "last_error": account.last_error,
        "address_books": [
            {"href": b.href, "name": b.name, "synced": b.enabled} for b in account.books
        ],
    }


def _sync(args: argparse.Namespace, where: paths_mod.Paths) -> int:
    from netdesk.sync import accounts, engine
    from netdesk.sync.http import SyncError

    with _store(where):
        if not reader.has_sync():
            raise CommandError("no account to sync with; add one with `netdesk account add URL`")
        try:
            report = accounts.sync_all(now(), confirm_deletions=args.confirm_deletions)
        except engine.NeedsConfirmation as exc:
            raise CommandError(f"{exc}; run again with --confirm-deletions to go on") from exc
        except SyncError as exc:
            raise CommandError(str(exc)) from exc
        conflicts = reader.count_sync_conflicts()
    if args.json:
        out = report.to_json()
        out["open_conflicts"] = conflicts
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(
        f"Synced: {report.added_here} added, {report.updated_here} updated, "
        f"{report.deleted_here} deleted here; {report.added_there} added, "
        f"{report.updated_there} updated, {report.deleted_there} deleted on the server."
    )
    if report.events_put or report.events_closed or report.done_here:
        print(_calendar_line(report))
    for rejected in report.rejected:
        who = rejected.name or "a contact"
        print(f"The server refused {who}: {rejected.reason}", file=sys.stderr)
    for refused in report.rejected_items:
        print(f"The calendar refused a follow-up: {refused}", file=sys.stderr)
    if conflicts:
        noun = "contact has" if conflicts == 1 else "contacts have"
        print(f"{conflicts} {noun} changes on both sides; open NetDesk to choose what to keep.")
    return 0


def _calendar_line(report: Any) -> str:
    parts = [
        counted(report.events_put, "follow-up", "follow-ups") + " put on the calendar",
        f"{report.events_closed:,} completed or taken off there",
    ]
    if report.done_here:
        parts.append(
            counted(report.done_here, "follow-up", "follow-ups") + " completed on another device "
            "and so done here"
        )
    return "Calendar: " + "; ".join(parts) + "."


_COMMANDS = {
    "import": _import,
    "export": _export,
    "due": _due,
    "calendar": _calendar,
    "backup": _backup,
    "restore": _restore,
    "demo": _demo,
    "account": _account,
    "sync": _sync,
}
