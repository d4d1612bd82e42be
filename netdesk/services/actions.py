"""The action layer: every user action is one writer call, one undoable command, one signal.

Panes, dialogs, the tray and the notifier ask for an action here; none of them writes the
store or announces a change itself. Each action runs inside `writer.change` while the undo
log records it, lands on the undo stack under the name the Edit menu shows ("Undo Log
call"), and is announced on the hub from what the writer says it changed. Undo and redo
replay the recorded rows exactly and announce the same change again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from netdesk.core import playbook
from netdesk.core.domain import CompanyStatus, Direction, InteractionKind, SearchState, Tie
from netdesk.services.clock import Clock
from netdesk.services.signals import Hub
from netdesk.store import reader, undo, writer
from netdesk.store.writer import Changes

if TYPE_CHECKING:
    # Import is wired after the first paint: its modules are not loaded before it.
    from netdesk.core.calendar import CalendarOptions
    from netdesk.core.duplicates import MergePlan
    from netdesk.core.linkedin_archive import ArchiveHistory
    from netdesk.core.mail_history import MailReading
    from netdesk.core.matching import ImportPlan
    from netdesk.store import importer
    from netdesk.store.reader.sync import SyncAccount
    from netdesk.sync.caldav import Calendar
    from netdesk.sync.dav import AddressBook
    from netdesk.sync.engine import Report as SyncReport

log = logging.getLogger("netdesk.services.actions")

T = TypeVar("T")

UNDO_LIMIT = 100  # steps kept: the log of each stays in memory until it falls off


@dataclass(frozen=True, slots=True)
class LinkedInImport:
    """A LinkedIn archive read and matched: its connections' plan (None without
    Connections.csv) and its history, with the files named as the archive names them."""

    plan: ImportPlan | None
    history: ArchiveHistory
    sources: list[str]


@dataclass(frozen=True, slots=True)
class LinkedInResult:
    contacts: importer.ImportResult | None
    history: writer.HistoryAdded


class BulkSend:
    """Messages the user sends in steps (a batch at a time, each logged when the user says
    it went): every step lands in one entry of the undo stack, so one Undo takes the whole
    send back. Steps merge while nothing else was done or undone in between."""

    def __init__(self, noun: str = "status update", plural: str = "status updates") -> None:
        self.noun = noun
        self.plural = plural

    def text(self, count: int) -> str:
        return f"Mark {count} {self.noun if count == 1 else self.plural} sent"


_BULK_SEND_ID = 1301  # the id QUndoStack merges a bulk send's steps by


class StoreCommand(QUndoCommand):
    """One recorded action: undo replays its inverse rows, redo replays them back."""

    def __init__(
        self,
        text: str,
        step: undo.Step,
        changes: Changes,
        actions: Actions,
        *,
        bulk: BulkSend | None = None,
        count: int = 0,
    ) -> None:
        super().__init__(text)
        self.step = step  # takes the action back
        self.redo_step: undo.Step | None = None
        self.changes = changes
        self._actions = actions
        self._done = True  # pushed after the action ran: the first redo() does nothing
        self.bulk = bulk
        self.count = count

    def id(self) -> int:
        return _BULK_SEND_ID if self.bulk is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """A later step of the same bulk send joins this one (one Undo for the whole send)."""
        if (
            not isinstance(other, StoreCommand)
            or self.bulk is None
            or other.bulk is not self.bulk
            or not (self._done and other._done)
        ):
            return False
        # Undo replays a step's statements last first: this one's after the other's.
        self.step = undo.Step(self.step.statements + other.step.statements)
        self.changes = _joined(self.changes, other.changes)
        self.count += other.count
        self.setText(self.bulk.text(self.count))
        return True

    def undo(self) -> None:
        self.redo_step = self._actions.replay(self.step, self.changes)
        self._done = False

    def redo(self) -> None:
        if self._done:
            return
        assert self.redo_step is not None
        self.step = self._actions.replay(self.redo_step, self.changes)
        self._done = True


class RestoreCommand(QUndoCommand):
    """A restore from a backup: undo puts back the store as it was (the backup taken just
    before), redo restores the chosen backup again. Each way the store is backed up first."""

    def __init__(
        self,
        text: str,
        chosen: Path,
        before: Path,
        restore: Callable[[Path], Path | None],
        actions: Actions,
    ) -> None:
        super().__init__(text)
        self._chosen = chosen
        self._before = before
        self._restore = restore
        self._actions = actions
        self._done = True

    def undo(self) -> None:
        self._restore(self._before)
        self._actions.reloaded()
        self._done = False

    def redo(self) -> None:
        if self._done:
            return
        self._restore(self._chosen)
        self._actions.reloaded()
        self._done = True


class Actions(QObject):
    """What the user can do to their network, each undoable (Edit > Undo / Redo)."""

    # Undo is no longer possible: the store was changed outside this window (text says why).
    historyLost = Signal(str)
    # An account to sync with was added, changed or removed.
    syncAccountsChanged = Signal()

    def __init__(self, hub: Hub, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.clock = clock
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        self._version: int | None = None

    # --- the mechanism ----------------------------------------------------------------

    def perform(self, text: str, write: Callable[[dt.datetime], T]) -> T:
        """Run `write(now)` as one undoable action named `text`, and announce what changed."""
        self._check_history()
        result, step, changes = record(self.clock.now(), write)
        self._push(text, step, changes)
        return result

    def recorded(self, text: str, step: undo.Step, changes: Changes) -> None:
        """An action recorded elsewhere (an import written by a worker on its own
        connection): put it on the stack and announce it."""
        self._check_history(step_from_elsewhere=True)
        self._push(text, step, changes)

    def _push(
        self,
        text: str,
        step: undo.Step,
        changes: Changes,
        *,
        bulk: BulkSend | None = None,
        count: int = 0,
    ) -> None:
        if len(step):
            self.undo_stack.push(StoreCommand(text, step, changes, self, bulk=bulk, count=count))
        self._version = undo.data_version()
        self.hub.publish(changes)

    def replay(self, step: undo.Step, changes: Changes) -> undo.Step:
        """Replay a step (undo or redo) and announce the same change again. When another
        program wrote the store since, nothing is replayed and the history goes (once the
        stack has finished the undo it is in the middle of)."""
        if self._history_moved():
            QTimer.singleShot(0, self._forget_history)
            return step
        inverse = undo.replay(step)
        self._version = undo.data_version()
        self.hub.publish(changes)
        return inverse

    def _history_moved(self) -> bool:
        """True when another connection wrote since our last step: the recorded statements
        would undo on top of rows they never saw."""
        return self._version is not None and undo.data_version() != self._version

    def _check_history(self, *, step_from_elsewhere: bool = False) -> None:
        if self._history_moved() and not step_from_elsewhere:
            self._forget_history()
        self._version = undo.data_version()

    def _forget_history(self) -> None:
        if self.undo_stack.count():
            log.info("undo history cleared: the store was written by another program")
            self.undo_stack.clear()
            self.historyLost.emit(
                "Undo history cleared: your network was changed outside this window."
            )
        self._version = undo.data_version()

    def restored(
        self, chosen: Path, before: Path, restore: Callable[[Path], Path | None]
    ) -> None:
        """The store was replaced by the backup `chosen` (`before` holds it as it was);
        `restore(path)` replaces it again, for undo and redo."""
        self.undo_stack.push(
            RestoreCommand(f"Restore {chosen.name}", chosen, before, restore, self)
        )
        self.reloaded()

    def reloaded(self) -> None:
        """The whole store changed under the window (a restore): every pane reloads."""
        self._version = undo.data_version()
        self.hub.publish(Changes(everyone=True, all_timelines=True, search=True))

    def changed_elsewhere(self) -> None:
        """Another program wrote the store and said so (a headless command, through the
        single-instance channel): the undo history goes if it moved, every pane reloads and
        the scheduler looks again."""
        self._check_history()
        self.hub.publish(Changes(everyone=True, all_timelines=True, search=True))

    def record_announced(self, follow_up_ids: Sequence[int]) -> None:
        """The scheduler told the user about these follow-ups. Bookkeeping, not something the
        user did: written at once, not put on the undo stack, nothing to announce."""
        if follow_up_ids:
            writer.mark_notified(follow_up_ids, self.clock.now())

    def calendar_store_id(self) -> str:
        """The key that makes this store's calendar UIDs its own, made the first time a
        calendar is written. Bookkeeping, like the above: not something to undo."""
        with writer.change(self.clock.now()):
            return writer.ensure_store_id()

    def set_calendar_options(self, options: CalendarOptions) -> None:
        self.perform("Change calendar settings", lambda now: writer.set_calendar_options(options))

    # --- contacts -----------------------------------------------------------------------

    def create_contact(
        self,
        fields: dict[str, Any],
        *,
        emails: Sequence[str] = (),
        phones: Sequence[str] = (),
        company: str = "",
    ) -> int:
        name = str(fields.get("display_name", "")).strip() or "contact"
        contact = self.perform(
            f"Add {name}",
            lambda now: writer.create_contact(
                fields, now, emails=emails, phones=phones, company=company
            ),
        )
        return int(contact.id)

    def edit_contact(
        self,
        contact_id: int,
        fields: dict[str, Any],
        *,
        emails: Sequence[str] | None = None,
        phones: Sequence[str] | None = None,
        company: str | None = None,
        name: str = "",
    ) -> None:
        self.perform(
            f"Edit {name}".strip(),
            lambda now: writer.update_contact(
                contact_id, fields, now, emails=emails, phones=phones, company=company
            ),
        )

    def delete_contacts(self, contact_ids: Sequence[int]) -> None:
        ids = list(contact_ids)
        self.perform(f"Delete {_contacts(ids)}", lambda now: writer.delete_contacts(ids))

    def set_tie(self, contact_ids: Sequence[int], tie: Tie, *, text: str = "") -> None:
        ids = list(contact_ids)
        label = tie.label.lower()
        if len(ids) > 1 and tie is not Tie.UNSORTED:
            label += "s"  # "Mark 3 contacts as advocates"
        self.perform(
            text or f"Mark {_contacts(ids)} as {label}",
            lambda now: writer.set_tie(ids, tie, now),
        )

    def add_tag(self, contact_ids: Sequence[int], tag: str) -> None:
        ids = list(contact_ids)
        self.perform(
            f"Tag {_contacts(ids)} “{tag.strip()}”", lambda now: writer.add_tag(ids, tag, now)
        )

    def set_archived(self, contact_ids: Sequence[int], archived: bool) -> None:
        ids = list(contact_ids)
        verb = "Archive" if archived else "Unarchive"
        self.perform(
            f"{verb} {_contacts(ids)}", lambda now: writer.set_archived(ids, archived, now)
        )

    def merge_contacts(self, plan: MergePlan, names: Sequence[str] = ()) -> int:
        """Make two contacts one (`plan.first` stays, with both timelines); returns its id."""
        shown = [n.strip() for n in names if n.strip()]
        text = f"Merge {' and '.join(shown)}" if len(shown) == 2 else "Merge 2 contacts"
        return self.perform(text, lambda now: writer.merge_contacts(plan, now))

    def mark_not_duplicate(self, first: int, second: int) -> None:
        """Two contacts the duplicate scan paired are two people: not offered again."""
        self.perform(
            "Mark as two people", lambda now: writer.mark_not_duplicate(first, second, now)
        )

    # --- the timeline -------------------------------------------------------------------

    def log_interaction(
        self,
        contact_id: int,
        kind: InteractionKind,
        at: dt.datetime,
        *,
        summary: str = "",
        helped: str = "",
        direction: Direction = Direction.OUTGOING,
    ) -> int:
        interaction = self.perform(
            f"Log {kind.label.lower()}",
            lambda now: writer.log_interaction(
                contact_id, kind, at, now, summary=summary, helped=helped, direction=direction
            ),
        )
        return int(interaction.id)

    def edit_interaction(self, interaction_id: int, **fields: Any) -> None:
        self.perform(
            "Edit interaction",
            lambda now: writer.update_interaction(interaction_id, now, **fields),
        )

    def delete_interaction(self, interaction_id: int) -> None:
        self.perform(
            "Delete interaction", lambda now: writer.delete_interaction(interaction_id, now)
        )

    # --- follow-ups ---------------------------------------------------------------------

    def complete_follow_up(
        self, follow_up_id: int, *, kind: InteractionKind, summary: str = "", helped: str = ""
    ) -> None:
        self.perform(
            "Mark follow-up done",
            lambda now: writer.complete_follow_up(
                follow_up_id, now, kind=kind, summary=summary, helped=helped
            ),
        )

    def snooze_follow_up(self, follow_up_id: int, until: dt.datetime) -> None:
        self.perform(
            "Snooze follow-up", lambda now: writer.snooze_follow_up(follow_up_id, until)
        )

    def snooze_all_due(self, until: dt.datetime) -> int:
        return self.perform(
            "Snooze all due follow-ups", lambda now: writer.snooze_all_due(now, until)
        )

    def dismiss_follow_up(self, follow_up_id: int) -> None:
        self.perform(
            "Dismiss follow-up", lambda now: writer.dismiss_follow_up(follow_up_id, now)
        )

    # --- the search and the playbook ----------------------------------------------------

    def set_job_search(
        self,
        state: SearchState,
        *,
        started_on: dt.date | None = None,
        offer_company: str | None = None,
        joining: bool = False,
    ) -> None:
        self.perform(
            "Change the job search",
            lambda now: writer.set_job_search(
                state, now, started_on=started_on, offer_company=offer_company, joining=joining
            ),
        )

    def set_playbook_settings(self, settings: playbook.PlaybookSettings) -> None:
        self.perform(
            "Change how often to keep in touch",
            lambda now: writer.set_playbook_settings(settings, now),
        )

    def set_company_status(self, company_id: int, status: CompanyStatus, name: str = "") -> None:
        self.perform(
            f"Set {name or 'the company'} to {status.label.lower()}",
            lambda now: writer.set_company_status(company_id, status, now),
        )

    def set_template(self, key: str, text: str) -> None:
        self.perform("Edit message template", lambda now: writer.set_template(key, text))

    def reset_template(self, key: str) -> None:
        self.perform("Reset message template", lambda now: writer.reset_template(key))

    def set_my_name(self, name: str) -> None:
        self.perform("Change your name", lambda now: writer.set_my_name(name))

    def set_phone_region(self, region: str) -> None:
        """The country of phone numbers written without a country code ("" : the locale's)."""
        chosen = region.strip().upper()
        self.perform(
            "Change the country of phone numbers",
            lambda now: writer.set_setting("phone_region", chosen),
        )

    # --- workflows ----------------------------------------------------------------------

    def mark_status_updates_sent(self, sent: Sequence[tuple[int, str]]) -> None:
        """Status updates the user sent (contact id, message): logged as one action."""
        items = list(sent)
        noun = "status update" if len(items) == 1 else "status updates"

        def write(now: dt.datetime) -> None:
            for contact_id, text in items:
                writer.log_status_update(contact_id, text, now)

        self.perform(f"Mark {len(items)} {noun} sent", write)

    def log_bulk_sent(self, bulk: BulkSend, sent: Sequence[tuple[int, str]]) -> None:
        """Status updates of a bulk send that the user confirmed went (contact id, message):
        logged now, and joined on the undo stack with the send's earlier steps, so that one
        Undo ("Undo Mark 18 status updates sent") takes the whole send back."""
        items = list(sent)
        if not items:
            return
        self._check_history()

        def write(now: dt.datetime) -> None:
            for contact_id, text in items:
                writer.log_status_update(contact_id, text, now)

        _, step, changes = record(self.clock.now(), write)
        self._push(bulk.text(len(items)), step, changes, bulk=bulk, count=len(items))

    def start_wrap_up(
        self, offer_company: str, *, joining: bool, declined: Sequence[str] = ()
    ) -> list[int]:
        return self.perform(
            f"Start the wrap-up for {offer_company.strip()}",
            lambda now: writer.start_wrap_up(
                offer_company, now, joining=joining, declined=declined
            ),
        )

    def mark_thanked(self, contact_id: int, channel: str, *, summary: str = "") -> None:
        self.perform(
            "Mark thanked",
            lambda now: writer.mark_thanked(contact_id, channel, now, summary=summary),
        )

    def record_gift(self, contact_id: int, gift: str) -> None:
        self.perform("Record gift", lambda now: writer.record_gift(contact_id, gift, now))

    def set_above_and_beyond(self, contact_id: int, value: bool) -> None:
        self.perform(
            "Mark above and beyond" if value else "Unmark above and beyond",
            lambda now: writer.set_above_and_beyond(contact_id, value, now),
        )

    def mark_reference(self, contact_id: int, agreed_on: dt.date | None) -> None:
        self.perform(
            "Mark as reference" if agreed_on is not None else "Unmark reference",
            lambda now: writer.mark_reference(contact_id, agreed_on, now),
        )

    def ask_reference(
        self,
        contact_id: int,
        company: str,
        asked_at: dt.datetime,
        *,
        check_at: dt.datetime | None = None,
        lead_days: int | None = None,
        notes: str = "",
    ) -> None:
        extra = {} if lead_days is None else {"lead_days": lead_days}
        self.perform(
            "Name a reference",
            lambda now: writer.ask_reference(
                contact_id, company, asked_at, now, check_at=check_at, notes=notes, **extra
            ),
        )


    # --- sync with the user's servers ---------------------------------------------------
    # Accounts and their address books are set-up, not edits of the network: written at
    # once, not put on the undo stack (the password goes to the keyring, never the store).

    def add_sync_account(
        self,
        url: str,
        username: str,
        password: str,
        books: Sequence[AddressBook],
        chosen: Sequence[str],
    ) -> int:
        from netdesk.sync import accounts

        account_id = accounts.add_account(
            url, username, password, books, chosen, self.clock.now()
        )
        self._version = undo.data_version()
        self.syncAccountsChanged.emit()
        return account_id

    def set_sync_books(self, account_id: int, books: Sequence[tuple[str, str, bool]]) -> None:
        writer.set_sync_books(account_id, books)
        self.syncAccountsChanged.emit()

    def set_sync_calendar(
        self, account_id: int, calendars: Sequence[Calendar], href: str | None
    ) -> None:
        """Keep the follow-ups on the account's calendar at `href` (None: on none)."""
        from netdesk.sync import caldav

        caldav.choose(account_id, calendars, href)
        self.syncAccountsChanged.emit()

    def remove_sync_account(self, account: SyncAccount) -> None:
        from netdesk.sync import accounts

        accounts.remove_account(account)
        self.syncAccountsChanged.emit()

    def synced(self, report: SyncReport | None) -> None:
        """A sync ended (None: it stopped early; what it did before stays done). Its writes,
        made on the sync's own connection, are announced here. Undo steps recorded before
        would replay over contacts the server just changed, so they go when it changed any."""
        changes = Changes()
        if report is not None:
            changes.contacts = set(report.contacts)
            changes.removed = set(report.removed)
            # Follow-ups completed on another device: done here, their panes refreshed.
            changes.follow_ups = set(report.follow_ups)
        if (changes.contacts or changes.removed) and self.undo_stack.count():
            log.info("undo history cleared: a sync changed contacts")
            self.undo_stack.clear()
            self.historyLost.emit("Undo history cleared: contacts changed on your server.")
        self._version = undo.data_version()
        self.hub.publish(changes)

    def resolve_sync_conflicts(
        self, contact_id: int, take_theirs: Sequence[str], keep_mine: Sequence[str], name: str
    ) -> None:
        """The user chose, field by field, between this contact and the server's card."""
        from netdesk.sync import cards

        fields = [*take_theirs, *keep_mine]
        record = None
        if take_theirs:
            link = reader.card_of(contact_id)
            theirs = cards.read_card(link.base) if link is not None and link.base else None
            mine = reader.contact_record_of(contact_id)
            if theirs is not None and mine is not None:
                record = cards.take(mine, theirs, take_theirs)
        self.perform(
            f"Resolve changes to {name or 'the contact'}",
            lambda now: writer.resolve_conflicts(contact_id, fields, record, now),
        )

def record(now: dt.datetime, write: Callable[[dt.datetime], T]) -> tuple[T, undo.Step, Changes]:
    """Run `write(now)` as one change and record it, on this thread's connection: for a
    worker thread, which hands the step to `Actions.recorded` on the UI thread."""
    with undo.recording() as recorded, writer.change(now) as changes:
        result = write(now)
    return result, recorded.step, changes


def record_import(
    plan: ImportPlan,
    sources: Sequence[str],
    decisions: importer.Decisions | None,
    now: dt.datetime,
    *,
    backup_dir: Path,
) -> tuple[importer.ImportResult, undo.Step, Changes]:
    """Apply an import the user accepted, recorded for undo (in the worker that writes it,
    after a backup of the store as it was)."""
    from netdesk.store import backup, db, importer

    database = db.open_database()
    if database is not None:
        backup.backup_database(database, backup_dir, reason="before-import", now=now)

    def write(when: dt.datetime) -> importer.ImportResult:
        with writer.change(when) as changes:
            result = importer.apply_plan(plan, list(sources), when, decisions)
            changes.import_batches.add(result.batch_id)
        return result

    return record(now, write)


def record_linkedin_import(
    archive: LinkedInImport,
    decisions: importer.Decisions | None,
    now: dt.datetime,
    *,
    backup_dir: Path,
) -> tuple[LinkedInResult, undo.Step, Changes]:
    """Apply a LinkedIn archive the user accepted, as one undoable import: its connections
    (as any LinkedIn CSV is imported), then its history matched to the people in the store
    now, both in one batch (in the worker that writes it, after a backup)."""
    from netdesk.store import backup, db, importer

    database = db.open_database()
    if database is not None:
        backup.backup_database(database, backup_dir, reason="before-import", now=now)

    def write(when: dt.datetime) -> LinkedInResult:
        with writer.change(when) as changes:
            contacts = None
            batch_id = None
            if archive.plan is not None:
                contacts = importer.apply_plan(archive.plan, archive.sources, when, decisions)
                batch_id = contacts.batch_id
                changes.import_batches.add(batch_id)
            history = writer.import_linkedin_history(
                archive.history, archive.sources, when, batch_id=batch_id
            )
        return LinkedInResult(contacts, history)

    return record(now, write)


def record_mail_import(
    reading: MailReading, sources: Sequence[str], now: dt.datetime, *, backup_dir: Path
) -> tuple[writer.HistoryAdded, undo.Step, Changes]:
    """Write a mailbox's emails with the network's people into their timelines, as one
    undoable import (in the worker that writes it, after a backup)."""
    from netdesk.store import backup, db

    database = db.open_database()
    if database is not None:
        backup.backup_database(database, backup_dir, reason="before-import", now=now)
    return record(now, lambda when: writer.import_mail_history(reading, sources, when))


def record_undo_import(
    batch_id: int, now: dt.datetime
) -> tuple[tuple[int, int], undo.Step, Changes]:
    """Take an import back from File > Undo import (counts removed and put back), recorded
    so that Edit > Redo can give it back."""
    from netdesk.store import importer

    def write(when: dt.datetime) -> tuple[int, int]:
        with writer.change(when) as changes:
            changes.imports_undone.add(batch_id)
            return importer.undo_import(batch_id, when)

    return record(now, write)


def _joined(first: Changes, then: Changes) -> Changes:
    """What two changes touched together (a bulk send's steps, announced again on undo)."""
    joined = Changes()
    for name in Changes.__dataclass_fields__:
        a, b = getattr(first, name), getattr(then, name)
        if isinstance(a, set):
            setattr(joined, name, a | b)
        elif isinstance(a, bool):
            setattr(joined, name, a or b)
        else:
            setattr(joined, name, b if b is not None else a)
    return joined


def _contacts(ids: Sequence[int]) -> str:
    """'1 contact', '3 contacts'."""
    return f"{len(ids)} {'contact' if len(ids) == 1 else 'contacts'}"


def run_sync(now: dt.datetime, *, confirm_deletions: bool = False) -> SyncReport:
    """Sync every account, on this thread's connection (a sync thread's): the caller hands
    the report to `Actions.synced` on the UI thread."""
    from netdesk.sync import accounts

    return accounts.sync_all(now, confirm_deletions=confirm_deletions)
