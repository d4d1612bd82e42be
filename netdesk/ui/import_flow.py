"""Import and export from the window: drops, menus and requests -> worker -> preview -> store."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from netdesk.core import linkedin_archive, mail_history
from netdesk.core.linkedin_archive import is_archive
from netdesk.core.mail_history import MailReading
from netdesk.core.matching import ImportPlan, plan_import
from netdesk.core.records import ContactRecord, ImportProblem
from netdesk.core.templates import counted
from netdesk.services.actions import (
    Actions,
    LinkedInImport,
    LinkedInResult,
    record_import,
    record_linkedin_import,
    record_mail_import,
    record_undo_import,
)
from netdesk.services.clock import Clock
from netdesk.services.signals import Hub
from netdesk.store import export, importer, reader

# belong to the import and undo actions; they leave the ui with them.
from netdesk.store.undo import Step
from netdesk.store.writer import Changes
from netdesk.ui.dialogs.export_dialog import FORMATS, ExportChoice, ExportDialog
from netdesk.ui.dialogs.history_preview import HistoryPreviewDialog, describe_file
from netdesk.ui.dialogs.import_preview import ImportPreviewDialog, will_write
from netdesk.ui.drop import FileDropTarget, Notice
from netdesk.ui.message_bar import Message, MessageBar
from netdesk.ui.worker import Worker

if TYPE_CHECKING:  # the window may one day import this module itself
    from netdesk.ui.main_window import MainWindow

log = logging.getLogger("netdesk.ui.import")

FILE_FILTERS = "Contact files (*.vcf *.vcard *.csv);;All files (*)"
# How often (in records) the reading worker reports progress: often enough for a smooth bar,
# rarely enough that the signals cost nothing next to the reading.
REPORT_EVERY = 250


def estimate_records(paths: Sequence[str | Path]) -> int:
    """About how many cards or rows the files hold (0 when unknown): the progress bar's end."""
    marker8 = b"begin:vcard"
    # Matches UTF-16 in either byte order: the letters with a zero byte between them.
    marker16 = "begin:vcard".encode("utf-16-le")[:-1]
    total = 0
    for path in paths:
        try:
            if os.path.getsize(path) > 256 * 1024 * 1024:
                return 0
            data = Path(path).read_bytes().lower()
        except OSError:
            continue
        cards = data.count(marker8) or data.count(marker16)
        total += cards or data.count(b"\n")
    return total


@dataclass(frozen=True, slots=True)
class PlannedImport:
    paths: list[str]
    plan: ImportPlan
    candidates: dict[int, tuple[str, str]]  # contact id -> (name, company)


def plan_job(paths: list[str]) -> Callable[[Worker], PlannedImport]:
    """The reading and matching of an import, as a worker job."""

    def job(worker: Worker) -> PlannedImport:
        total = estimate_records(paths)
        worker.report(0, total)

        def items() -> Iterator[ContactRecord | ImportProblem]:
            for n, item in enumerate(importer.read_files([Path(p) for p in paths]), 1):
                worker.check()
                if n % REPORT_EVERY == 0:
                    worker.report(n, max(total, n))
                    # Hand the interpreter to the UI thread now and then, even on a busy
                    # machine, so that the window keeps painting while a big file is read.
                    time.sleep(0)
                yield item

        known = importer.known_contacts()
        worker.check()
        plan = plan_import(items(), known)
        candidates = {}
        for entry in plan.entries:
            for cid in entry.candidates:
                rec = known.records.get(cid)
                if rec is not None:
                    candidates[cid] = (rec.display_name, rec.organization)
        return PlannedImport(paths, plan, candidates)

    return job


def source_names(paths: Sequence[str]) -> list[str]:
    return [Path(p).name for p in paths]


def describe_sources(sources: Sequence[str]) -> str:
    """ "contacts.vcf", "a.vcf and b.csv", "a.vcf and 3 more files"."""
    if not sources:
        return "files"
    if len(sources) == 1:
        return sources[0]
    if len(sources) == 2:
        return f"{sources[0]} and {sources[1]}"
    return f"{sources[0]} and {len(sources) - 1} more files"


def _contacts(n: int) -> str:
    return counted(n, "contact", "contacts")


def _entries(n: int) -> str:
    return counted(n, "timeline entry", "timeline entries")


def undo_text(batch: reader.ImportSummary | None, entries: int = 0) -> str:
    """'Undo import of people.vcf (3 contacts)'; an imported history that added nobody
    counts its timeline entries instead."""
    if batch is None:
        return "Undo import"
    contacts = batch.added + batch.updated
    count = _entries(entries) if entries and not contacts else _contacts(contacts)
    return f"Undo import of {describe_sources(batch.sources)} ({count})"


def write_export(path: Path, fmt: str, contact_ids: Sequence[int] | None, now: dt.datetime) -> int:
    """Write the export file whole (0600); returns how many contacts went in."""
    with export.atomic_text_file(path) as out:
        return export.write_export(out, fmt, contact_ids, now)


# What a worker recorded: the step that undoes its change, and what the change touched.
Recorded = tuple[Step, Changes]


class ImportController(QObject):
    """Everything import and export do in the window; one per main window.

    Ways in: `import_files(paths)` (drops, File > Import, hub.importRequested), each read
    and matched by a worker, then previewed; applied by a worker after a backup.
    """

    # A message shown to the user (also handy for tests and for other notifiers).
    message = Signal(str)
    # The preview is open: the dialog, for whoever wants to look at it.
    previewShown = Signal(object)
    # An import was applied: (batch id, contacts added).
    imported = Signal(int, int)
    # Contacts that arrived unsorted, and the invitation to sort them (for the sorting pass).
    unsortedInvitation = Signal(int, str)
    # Nothing in flight any more (import done, cancelled or failed; undo; export).
    idle = Signal()

    def __init__(
        self,
        hub: Hub,
        clock: Clock,
        backup_dir: Path,
        window: QWidget,
        parent: QObject | None = None,
        *,
        actions: Actions,
    ) -> None:
        super().__init__(parent or window)
        self.hub = hub
        self.actions = actions
        self.clock = clock
        self.backup_dir = backup_dir
        self.window = window
        # In the window's message bar when it has one (the main window), else over the window.
        bar: MessageBar | None = getattr(window, "message_bar", None)
        self.notice: Notice | Message = (
            bar.channel("importNotice") if bar is not None else Notice(window)
        )
        self.notice.setObjectName("importNotice")
        self.notice.actionTriggered.connect(self._notice_action)
        self._notice_does: Callable[[], None] | None = None
        self.drop_target = FileDropTarget(self)
        self.drop_target.filesDropped.connect(self.import_files)
        self.drop_target.refused.connect(self.show_message)
        self.worker: Worker | None = None
        self.progress: QProgressDialog | None = None
        self.preview: ImportPreviewDialog | None = None
        self._queue: list[list[str]] = []
        self.undo_action: QAction | None = None
        hub.importRequested.connect(self.import_files)
        hub.importApplied.connect(self.refresh_undo_action)
        hub.importUndone.connect(self.refresh_undo_action)

    # --- wiring ------------------------------------------------------------------------

    def install_drop_target(self, *widgets: QWidget) -> None:
        """Take file drops on these widgets (the window; an item view's viewport)."""
        for widget in widgets:
            self.drop_target.watch(widget)

    def connect_actions(
        self,
        import_action: QAction | None = None,
        export_action: QAction | None = None,
        undo_action: QAction | None = None,
    ) -> None:
        if import_action is not None:
            import_action.triggered.connect(self.choose_files)
        if export_action is not None:
            export_action.triggered.connect(self.choose_export)
        if undo_action is not None:
            self.undo_action = undo_action
            undo_action.triggered.connect(lambda: self.confirm_undo())
            self.refresh_undo_action()

    @property
    def busy(self) -> bool:
        return self.worker is not None or self.preview is not None

    def show_message(
        self, text: str, action: str = "", does: Callable[[], None] | None = None
    ) -> None:
        self._notice_does = does
        self.notice.show_message(text, action, timeout_ms=15000 if action else 8000)
        self.message.emit(text)

    def _notice_action(self) -> None:
        does, self._notice_does = self._notice_does, None
        if does is not None:
            does()

    def shutdown(self) -> None:
        """Stop a running worker and wait for it (the app is quitting)."""
        worker = self.worker
        if worker is not None:
            worker.cancel_requested.set()
            worker.wait()

    # --- import: read and match ----------------------------------------------------------

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, "Import contacts", str(Path.home()), FILE_FILTERS
        )
        if paths:
            self.import_files(paths)

    def import_files(self, paths: Sequence[str]) -> None:
        """Read, match and preview these files (queued when another import is under way)."""
        paths = [str(p) for p in paths]
        if not paths:
            return
        archives = [p for p in paths if is_archive(Path(p))]
        if archives and len(paths) > 1:
            # Each LinkedIn archive is an import of its own; the other files one together.
            rest = [p for p in paths if p not in archives]
            for group in [*([a] for a in archives), *([rest] if rest else [])]:
                self.import_files(group)
            return
        if self.busy:
            self._queue.append(paths)
            return
        if archives:
            self.import_archive(archives[0])
            return
        names = describe_sources(source_names(paths))
        self.progress = self._progress_dialog(f"Reading {names}…", cancellable=True)
        worker = self._start(plan_job(paths), self._show_preview)
        worker.progressed.connect(self._on_progress)

    def _progress_dialog(self, text: str, *, cancellable: bool) -> QProgressDialog:
        dialog = QProgressDialog(text, "Cancel" if cancellable else "", 0, 0, self.window)
        dialog.setObjectName("importProgress")
        dialog.setWindowTitle("NetDesk")
        dialog.setAccessibleName(text)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(400)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self.cancel)
        dialog.setValue(0)
        return dialog

    def _on_progress(self, done: int, total: int) -> None:
        dialog = self.progress
        if dialog is None:
            return
        if total > 0:
            # The total is an estimate: stop just short of the end until reading is done.
            dialog.setMaximum(total)
            dialog.setValue(min(done, total - 1))
        if done:
            dialog.setLabelText(
                f"{dialog.labelText().split('…')[0]}… {done:,} of about {total:,} cards"
                if total
                else f"{dialog.labelText().split('…')[0]}… {done:,} cards"
            )

    def cancel(self) -> None:
        """Cancel the reading under way (applying is one transaction and runs to its end)."""
        if self.worker is not None:
            self.worker.cancel_requested.set()

    def _start(self, job: Callable[[Worker], Any], done: Callable[[Any], None]) -> Worker:
        worker = Worker(job, self)
        self.worker = worker
        worker.succeeded.connect(done)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        worker.finished.connect(lambda: self._worker_finished(worker))
        worker.start()
        return worker

    def _worker_finished(self, worker: Worker) -> None:
        if self.worker is worker:
            self.worker = None
        worker.deleteLater()
        self.refresh_undo_action()
        self._next()

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _on_failed(self, reason: str) -> None:
        self._close_progress()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "NetDesk",
            f"That did not work, and nothing in your network was changed.\n\n{reason}",
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setObjectName("importFailed")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.message.emit(reason)

    def _on_cancelled(self) -> None:
        self._close_progress()
        self.show_message("Import cancelled: nothing was written.")

    def _next(self) -> None:
        if self.busy:
            return
        if self._queue:
            self.import_files(self._queue.pop(0))
        else:
            self.idle.emit()

    # --- import: preview and apply -------------------------------------------------------

    def _show_preview(self, planned: PlannedImport) -> None:
        self._close_progress()
        dialog = ImportPreviewDialog(
            planned.plan, planned.candidates, source_names(planned.paths), self.window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview = dialog
        # finished comes before accepted: one handler, so that applying starts before a
        # queued import could.
        dialog.finished.connect(lambda result: self._preview_closed(planned, dialog, result))
        dialog.open()
        self.previewShown.emit(dialog)

    def _preview_closed(
        self, planned: PlannedImport, dialog: ImportPreviewDialog, result: int
    ) -> None:
        if self.preview is dialog:
            self.preview = None
        if result == ImportPreviewDialog.DialogCode.Accepted.value and will_write(planned.plan):
            self._apply(planned, dialog)
        elif will_write(planned.plan):
            self.message.emit("Import cancelled: nothing was written.")
        self._next()

    def _apply(self, planned: PlannedImport, dialog: ImportPreviewDialog) -> None:
        decisions = dialog.decisions()
        sources = source_names(planned.paths)
        now = self.clock.now()
        backup_dir = self.backup_dir

        def job(worker: Worker) -> tuple[importer.ImportResult, list[str], Recorded]:
            result, step, changes = record_import(
                planned.plan, sources, decisions, now, backup_dir=backup_dir
            )
            return result, sources, (step, changes)

        count = planned.plan.new + planned.plan.updated + planned.plan.duplicates
        self.progress = self._progress_dialog(f"Importing {_contacts(count)}…", cancellable=False)
        self._start(job, self._applied)

    def _applied(self, outcome: tuple[importer.ImportResult, list[str], Recorded]) -> None:
        result, sources, (step, changes) = outcome
        self._close_progress()
        self.actions.recorded(f"Import {describe_sources(sources)}", step, changes)
        parts = [f"Imported {_contacts(result.added)} from {describe_sources(sources)}"]
        if result.updated:
            parts.append(f"updated {_contacts(result.updated)}")
        text = ", ".join(parts) + "."
        if result.added:
            invitation = (
                f"{result.added:,} new contact{' is' if result.added == 1 else 's are'} "
                "unsorted — sort them so NetDesk knows how often to remind you."
            )
            text += " " + invitation
            self.unsortedInvitation.emit(result.added, invitation)
        batch_id = result.batch_id
        self.show_message(text, "Undo", lambda: self.confirm_undo(batch_id))
        self.imported.emit(batch_id, result.added)
        if result.added:
            self._offer_duplicates(batch_id, text)

    def _offer_duplicates(self, batch_id: int, text: str) -> None:
        """After an import that added contacts: those that may already be in the network are
        offered side by side (Find duplicates, limited to them), checked by a worker."""
        from netdesk.ui.dialogs import find_duplicates as found

        def offer(ids: list[int]) -> None:
            if ids:
                self.show_message(
                    found.import_offer_text(text, len(ids)),
                    "Compare…",
                    lambda: found.open_find_duplicates(self.actions, self.window, only=ids),
                )

        self._start(found.import_check_job(batch_id), offer)

    # --- history: a LinkedIn data archive, a mailbox ----------------------------------------

    def import_archive(self, path: str) -> None:
        """Read a LinkedIn data archive (ZIP or folder) in a worker, then preview it."""
        self.progress = self._progress_dialog(f"Reading {Path(path).name}…", cancellable=True)
        self._start(archive_job(path), self._show_archive_preview)

    def _show_archive_preview(self, planned: PlannedArchive) -> None:
        self._close_progress()
        dialog = HistoryPreviewDialog(
            "Import a LinkedIn archive",
            planned.intro(),
            planned.lines(),
            self.window,
            notes=planned.notes(),
            writes=planned.writes(),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview = dialog
        dialog.finished.connect(lambda result: self._archive_closed(planned, dialog, result))
        dialog.open()
        self.previewShown.emit(dialog)

    def _archive_closed(self, planned: PlannedArchive, dialog: QDialog, result: int) -> None:
        if self.preview is dialog:
            self.preview = None
        if result == QDialog.DialogCode.Accepted.value and planned.writes():
            now = self.clock.now()
            backup_dir = self.backup_dir
            archive = planned.archive

            def job(worker: Worker) -> tuple[LinkedInResult, Recorded]:
                outcome, step, changes = record_linkedin_import(
                    archive, None, now, backup_dir=backup_dir
                )
                return outcome, (step, changes)

            self.progress = self._progress_dialog(
                f"Importing {planned.label}…", cancellable=False
            )
            self._start(job, lambda outcome: self._archive_applied(planned, outcome))
        elif planned.writes():
            self.message.emit("Import cancelled: nothing was written.")
        self._next()

    def _archive_applied(
        self, planned: PlannedArchive, outcome: tuple[LinkedInResult, Recorded]
    ) -> None:
        result, (step, changes) = outcome
        self._close_progress()
        self.actions.recorded(f"Import {planned.label}", step, changes)
        added = result.contacts.added if result.contacts is not None else 0
        updated = result.contacts.updated if result.contacts is not None else 0
        parts = [f"Imported {planned.label}: {_contacts(added)} added"]
        if updated:
            parts.append(f"{_contacts(updated)} updated")
        entries = result.history.added
        parts.append(
            f"{entries:,} timeline {'entry' if entries == 1 else 'entries'} for "
            f"{result.history.contacts:,} {'person' if result.history.contacts == 1 else 'people'}"
        )
        text = ", ".join(parts) + "."
        batch_id = result.history.batch_id
        self.show_message(text, "Undo", lambda: self.confirm_undo(batch_id))
        self.imported.emit(batch_id, added)
        if added:
            self._offer_duplicates(batch_id, text)

    def choose_mail(self) -> None:
        """File > Import mail history…: a mailbox file (mbox) or a folder (a Maildir, a
        Thunderbird profile's mail folder), read only."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Import mail history",
            "Which mailbox should NetDesk read?",
            parent=self.window,
        )
        box.setObjectName("chooseMailbox")
        box.setInformativeText(
            "NetDesk reads the date, the addresses and the subject of each message (never "
            "its text) to find when you last wrote to each contact. Nothing is sent anywhere."
        )
        file_button = box.addButton("A mailbox file…", QMessageBox.ButtonRole.AcceptRole)
        folder_button = box.addButton("A mail folder…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen(_: int) -> None:
            clicked = box.clickedButton()
            if clicked is file_button:
                path, _f = QFileDialog.getOpenFileName(
                    self.window, "Import mail history", str(Path.home()), "Mailboxes (*)"
                )
            elif clicked is folder_button:
                path = QFileDialog.getExistingDirectory(
                    self.window, "Import mail history", str(Path.home())
                )
            else:
                return
            if path:
                self.import_mail(path)

        box.finished.connect(chosen)
        box.open()

    def import_mail(self, path: str, own: Sequence[str] = ()) -> None:
        """Read a mailbox's headers in a worker (progress, Cancel), then preview."""
        if self.busy:
            self.show_message("Wait for the import under way to finish, then import mail.")
            return
        self.progress = self._progress_dialog(f"Reading {Path(path).name}…", cancellable=True)
        worker = self._start(mail_job(path, list(own)), self._show_mail_preview)
        worker.progressed.connect(self._on_mail_progress)

    def _on_mail_progress(self, done_kb: int, total_kb: int) -> None:
        dialog = self.progress
        if dialog is None or total_kb <= 0:
            return
        dialog.setMaximum(total_kb)
        dialog.setValue(min(done_kb, total_kb - 1))
        head = dialog.labelText().split("…")[0]
        dialog.setLabelText(f"{head}… {done_kb / 1024:,.0f} of {total_kb / 1024:,.0f} MB")

    def _show_mail_preview(self, planned: PlannedMail) -> None:
        self._close_progress()
        reading, plan = planned.reading, planned.plan
        folders = describe_sources(reading.folders)
        lines = [(folders, f"{reading.messages:,} messages", describe_file(plan))]
        notes = []
        if not reading.own:
            notes.append(
                "NetDesk found no Sent folder, so it does not know your own addresses yet: "
                "type them below to count the mail you sent."
            )
        dialog = HistoryPreviewDialog(
            "Import mail history",
            f"From {Path(planned.path).name}: emails with the people in your network, by "
            "date and subject, never their text.",
            lines,
            self.window,
            notes=notes,
            writes=True,
            addresses=sorted(reading.own),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview = dialog
        dialog.finished.connect(lambda result: self._mail_closed(planned, dialog, result))
        dialog.open()
        self.previewShown.emit(dialog)

    def _mail_closed(
        self, planned: PlannedMail, dialog: HistoryPreviewDialog, result: int
    ) -> None:
        if self.preview is dialog:
            self.preview = None
        if result != QDialog.DialogCode.Accepted.value:
            self.message.emit("Import cancelled: nothing was written.")
            self._next()
            return
        own = dialog.own_addresses()
        if set(own) != planned.reading.own:
            # Addresses the user added or took away: read the mailbox again with them.
            self.import_mail(planned.path, own)
            return
        if not planned.plan.new:
            self.show_message("Nothing new in that mailbox: your timelines already have it.")
            self._next()
            return
        now = self.clock.now()
        backup_dir = self.backup_dir
        sources = [Path(planned.path).name]

        def job(worker: Worker) -> tuple[Any, Recorded]:
            added, step, changes = record_mail_import(
                planned.reading, sources, now, backup_dir=backup_dir
            )
            return added, (step, changes)

        def done(outcome: tuple[Any, Recorded]) -> None:
            added, (step, changes) = outcome
            self._close_progress()
            self.actions.recorded(f"Import mail from {sources[0]}", step, changes)
            self.show_message(
                f"Imported {added.added:,} {'email' if added.added == 1 else 'emails'} with "
                f"{added.contacts:,} {'person' if added.contacts == 1 else 'people'} from "
                f"{sources[0]}.",
                "Undo",
                lambda: self.confirm_undo(added.batch_id),
            )

        self.progress = self._progress_dialog(
            "Adding the emails to the timelines…", cancellable=False
        )
        self._start(job, done)

    # --- undo ----------------------------------------------------------------------------

    def refresh_undo_action(self, *_: Any) -> None:
        if self.undo_action is None:
            return
        batch = reader.last_import()
        entries = reader.batch_entries(batch.batch_id) if batch is not None else 0
        self.undo_action.setText(undo_text(batch, entries))
        self.undo_action.setEnabled(batch is not None and self.worker is None)

    def confirm_undo(self, batch_id: int | None = None) -> QMessageBox | None:
        """Ask before undoing the newest import (or `batch_id`); the answer arrives later."""
        batch = reader.last_import() if batch_id is None else reader.import_summary(batch_id)
        if batch is None or batch.undone or self.worker is not None:
            self.show_message("There is no import to undo.")
            return None
        text = f"Undo the import of {describe_sources(batch.sources)}?"
        detail = []
        if batch.added:
            detail.append(f"The {_contacts(batch.added)} it added will be removed")
        if batch.updated:
            detail.append(
                f"the {_contacts(batch.updated)} it changed will be put back as they were"
            )
        entries = reader.batch_entries(batch.batch_id)
        if entries:
            taken = f"the {_entries(entries)} it added will be removed"
            detail.append(taken if detail else taken[0].upper() + taken[1:])
        box = QMessageBox(QMessageBox.Icon.Question, "Undo import", text, parent=self.window)
        box.setObjectName("confirmUndoImport")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(("; ".join(detail) or "Nothing it wrote is left") + ".")
        undo = box.addButton("Undo import", QMessageBox.ButtonRole.AcceptRole)
        undo.setObjectName("undoImportButton")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(undo)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chosen = batch.batch_id
        box.finished.connect(
            lambda _r: self.undo_import(chosen) if box.clickedButton() is undo else None
        )
        box.open()
        return box

    def undo_import(self, batch_id: int) -> None:
        """Undo a batch without asking (the confirmation has been given)."""
        if self.worker is not None:
            return
        now = self.clock.now()
        batch = reader.import_summary(batch_id)
        sources = list(batch.sources) if batch is not None else []

        def job(worker: Worker) -> tuple[tuple[int, int], Step, Changes]:
            return record_undo_import(batch_id, now)

        def done(outcome: tuple[tuple[int, int], Step, Changes]) -> None:
            self._close_progress()
            (removed, reverted), step, changes = outcome
            self.actions.recorded(f"Undo the import of {describe_sources(sources)}", step, changes)
            text = f"Import of {describe_sources(sources)} undone: {_contacts(removed)} removed"
            if reverted:
                text += f", {_contacts(reverted)} put back as they were"
            self.show_message(text + ".")

        self.progress = self._progress_dialog("Undoing the import…", cancellable=False)
        self._start(job, done)
        self.refresh_undo_action()

    # --- export --------------------------------------------------------------------------

    def selected_contact_ids(self) -> list[int]:
        pick = getattr(self.window, "selected_contact_ids", None)
        return list(pick()) if callable(pick) else []

    def choose_export(self) -> None:
        """File > Export…: what and which format, then where; written by a worker."""
        dialog = ExportDialog(
            len(self.selected_contact_ids()),
            reader.count_contact_list(reader.ListFilter()),
            self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._choose_export_file(dialog.choice()))
        dialog.open()

    def _choose_export_file(self, choice: ExportChoice) -> None:
        fmt = FORMATS[choice.format]
        suggested = str(Path.home() / f"netdesk-contacts.{fmt.extension}")
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export contacts", suggested, f"{fmt.label} (*.{fmt.extension})"
        )
        if path:
            ids = self.selected_contact_ids() if choice.selection_only else None
            self.export_to(Path(path), choice.format, ids)

    def export_to(self, path: Path, fmt: str, contact_ids: Sequence[int] | None) -> None:
        """Write the export in a worker; `contact_ids` None means everyone (not archived)."""
        if self.worker is not None:
            self.show_message("Wait for the import to finish, then export.")
            return
        ids = list(contact_ids) if contact_ids is not None else None
        now = self.clock.now()

        def job(worker: Worker) -> int:
            return write_export(path, fmt, ids, now)

        def done(count: int) -> None:
            self._close_progress()
            self.show_message(f"Exported {_contacts(count)} to {path.name}.")

        self.progress = self._progress_dialog(f"Exporting to {path.name}…", cancellable=False)
        self._start(job, done)


@dataclass(frozen=True, slots=True)
class PlannedArchive:
    """A LinkedIn archive read and matched, for its preview."""

    path: str
    label: str
    archive: LinkedInImport
    files: list[reader.FilePlan]

    def writes(self) -> bool:
        plan = self.archive.plan
        return will_write(plan) if plan is not None else any(f.new for f in self.files)

    def intro(self) -> str:
        owner = self.archive.history.owner
        whose = f"{owner.name}'s LinkedIn data" if owner is not None else "LinkedIn data"
        return (
            f"{self.label} holds {whose}. Its connections are imported as contacts, and its "
            "messages, invitations, recommendations and endorsements join the timelines of "
            "the people they are with."
        )

    def lines(self) -> list[tuple[str, str, str]]:
        out = []
        plan = self.archive.plan
        if plan is not None:
            parts = [f"{_contacts(plan.new)} to add"]
            if plan.updated:
                parts.append(f"{_contacts(plan.updated)} to update")
            if plan.unchanged:
                parts.append(f"{_contacts(plan.unchanged)} already there")
            if plan.duplicates:
                parts.append(f"{plan.duplicates:,} likely duplicates, merged")
            rows = plan.new + plan.updated + plan.unchanged + plan.duplicates
            out.append(("Connections.csv", f"{rows:,} connections", "; ".join(parts)))
        for f in self.files:
            out.append((f.name, f"{f.rows:,} {'row' if f.rows == 1 else 'rows'}", describe_file(f)))
        return out

    def notes(self) -> list[str]:
        history = self.archive.history
        notes = [str(p) for p in history.problems]
        if history.owner is None and any(f.name.lower() == "messages.csv" for f in self.files):
            notes.append(
                "The archive does not say whose it is (no Profile.csv, and no one is in every "
                "conversation), so messages without a direction are left out."
            )
        return notes


def archive_job(path: str) -> Callable[[Worker], PlannedArchive]:
    """Reading a LinkedIn archive and matching it against the store, as a worker job."""

    def job(worker: Worker) -> PlannedArchive:
        with linkedin_archive.open_archive(Path(path)) as archive:
            history = linkedin_archive.read_history(archive)
            worker.check()
            plan = None
            with archive.connections_file() as connections:
                if connections is not None:
                    records = importer.read_files([connections])
                    plan = plan_import(records, importer.known_contacts())
            worker.check()
            newcomers = [
                e.record for e in (plan.entries if plan else []) if e.action == "new" and e.record
            ]
            files = reader.plan_linkedin(history, newcomers)
            label = archive.label
        return PlannedArchive(path, label, LinkedInImport(plan, history, [label]), files)

    return job


@dataclass(frozen=True, slots=True)
class PlannedMail:
    path: str
    reading: MailReading
    plan: reader.FilePlan


def mail_job(path: str, own: list[str]) -> Callable[[Worker], PlannedMail]:
    """Reading a mailbox's headers, as a worker job: progress in KB read, Cancel between
    messages; memory holds the mail with contacts only."""

    def job(worker: Worker) -> PlannedMail:
        folders = mail_history.find_folders(Path(path))
        total_kb = max(1, sum(f.size() for f in folders) // 1024)
        worker.report(0, total_kb)
        known = reader.email_directory()
        reading = mail_history.read_mail(
            folders,
            known.__contains__,
            own=own,
            progress=lambda done: worker.report(done // 1024, total_kb),
            check=worker.check,
        )
        return PlannedMail(path, reading, reader.plan_mail(reading))

    return job


def install_import(window: MainWindow, backup_dir: Path) -> ImportController:
    """Wire import and export into the main window, as the app does: drops (on the window and
    over the contact list), File > Import / Export / Undo import, and hub.importRequested."""
    controller = ImportController(
        window.hub, window.clock, backup_dir, window, actions=window.user_actions
    )
    controller.install_drop_target(window, window.contacts.view.viewport())
    controller.connect_actions(
        window.actions["import"], window.actions["export"], window.actions["undo_import"]
    )
    mail = window.actions.get("import_mail")
    if mail is not None:
        mail.triggered.connect(controller.choose_mail)
    app = QApplication.instance()
    if app is not None:
        # A worker still reading must stop before its thread object goes with the window.
        app.aboutToQuit.connect(controller.shutdown)
    return controller
