"""The no-ask status update: pick recipients, fill a short template per person, hand each to
the mail program or the clipboard, and log each one the user says went.

Sending is deliberate: nobody is ticked until the user ticks; more than a few messages ask
once, with the count; the mail program gets them a small batch at a time, and only those the
user confirms are logged, all of one send as one undoable action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.templates import find_asks, mailto_url, render
from netdesk.services.actions import Actions, BulkSend
from netdesk.store import reader
from netdesk.ui.look import wrap_lines
from netdesk.ui.widgets import OVERDUE_COLOR, bold_font, plain_label
from netdesk.ui.workflows.common import (
    ID_ROLE,
    MailHandOff,
    SignatureBar,
    WorkflowDialog,
    button,
)

DEFAULT_SUBJECT = "A quick update"
# Handing more messages than this to the mail program asks first, with the count.
ASK_OVER = 3
# How many messages the mail program gets at once; the user confirms each batch.
BATCH = 3


class StatusUpdateComposer(WorkflowDialog):
    """Filters narrow the list (all ticked ones must match); tick boxes choose within it."""

    sent = Signal(list)  # contact ids logged as updated

    def __init__(
        self,
        now: Callable[[], dt.datetime],
        mail: MailHandOff,
        actions: Actions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Send a no-ask status update", "statusUpdateComposer", parent)
        self._now = now
        self._actions = actions
        self._mail = mail
        self._recipients: dict[int, reader.Recipient] = {}
        self._ticked: set[int] = set()  # kept across filter changes; nobody at first
        self.resize(1100, 680)
        layout = QVBoxLayout(self)
        self.signature = SignatureBar(actions)
        layout.addWidget(self.signature)
        self.inactive_note = plain_label(wrap=True)
        self.inactive_note.setObjectName("statusUpdateInactive")
        layout.addWidget(self.inactive_note)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filters = QGroupBox("Who")
        filters_layout = QVBoxLayout(filters)
        quiet_row = QHBoxLayout()
        self.quiet = QCheckBox("&Quiet for at least")
        self.quiet.setObjectName("filterQuiet")
        self.quiet.setAccessibleName("Only people quiet for at least this many days")
        self.quiet_days = QSpinBox()
        self.quiet_days.setRange(1, 3650)
        self.quiet_days.setValue(reader.playbook_settings().status_update_after_days)
        self.quiet_days.setSuffix(" days")
        self.quiet_days.setAccessibleName("Days without contact")
        quiet_row.addWidget(self.quiet)
        quiet_row.addWidget(self.quiet_days)
        quiet_row.addStretch(1)
        filters_layout.addLayout(quiet_row)
        self.advocates = QCheckBox("A&dvocates only")
        self.advocates.setObjectName("filterAdvocates")
        self.advocates.setAccessibleName("Only advocates")
        filters_layout.addWidget(self.advocates)
        self.applied = QCheckBox("At companies where I a&pplied")
        self.applied.setObjectName("filterApplied")
        self.applied.setAccessibleName("Only people at companies where I applied")
        filters_layout.addWidget(self.applied)
        left_layout.addWidget(filters)
        self.count = plain_label()
        self.count.setObjectName("recipientCount")
        left_layout.addWidget(self.count)
        self.list = QListWidget()
        self.list.setObjectName("recipientList")
        self.list.setAccessibleName("Recipients: tick the people to write to")
        wrap_lines(self.list)
        left_layout.addWidget(self.list, 1)
        ticks = QHBoxLayout()
        self.all_button = button("Tick all shown", "Tick every recipient the list shows")
        self.all_button.setObjectName("tickAllShown")
        self.none_button = button("Tick none", "Untick every recipient")
        ticks.addWidget(self.all_button)
        ticks.addWidget(self.none_button)
        ticks.addStretch(1)
        left_layout.addLayout(ticks)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(plain_label("Subject"))
        self.subject = QLineEdit(DEFAULT_SUBJECT)
        self.subject.setAccessibleName("Subject")
        right_layout.addWidget(self.subject)
        right_layout.addWidget(
            plain_label(
                "Message: one or two lines, no request. Placeholders: {first_name}, {company}, "
                "{status_with_company}, {my_name}.",
                wrap=True,
            )
        )
        self.template = QPlainTextEdit(reader.template("status_update"))
        self.template.setObjectName("statusTemplate")
        self.template.setAccessibleName("Status update template")
        self.template.setTabChangesFocus(True)
        right_layout.addWidget(self.template, 1)
        self.warning = plain_label(wrap=True)
        self.warning.setObjectName("askWarning")
        palette = self.warning.palette()
        palette.setColor(self.warning.foregroundRole(), OVERDUE_COLOR)
        self.warning.setPalette(palette)
        right_layout.addWidget(self.warning)
        self.preview_label = plain_label("Preview")
        right_layout.addWidget(self.preview_label)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("statusPreview")
        self.preview.setAccessibleName("Preview of the message for the selected person")
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        right_layout.addWidget(self.preview, 1)
        buttons_row = QHBoxLayout()
        self.copy_button = button(
            "&Copy this one", "Copy this person's message to send it another way", "copyStatus"
        )
        self.log_copied_button = button(
            "&Log it as sent", "Log the message you copied as sent", "logCopiedStatus"
        )
        self.log_copied_button.setVisible(False)
        self.send_button = button(
            "&Send ticked…",
            "Open the ticked people's messages in your mail program, a few at a time",
            "sendStatus",
        )
        self.close_button = button("Close", "Close the composer")
        buttons_row.addWidget(self.copy_button)
        buttons_row.addWidget(self.log_copied_button)
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.send_button)
        buttons_row.addWidget(self.close_button)
        right_layout.addLayout(buttons_row)
        self.outcome = plain_label(wrap=True)
        self.outcome.setObjectName("statusOutcome")
        right_layout.addWidget(self.outcome)
        splitter.addWidget(right)
        splitter.setSizes([420, 640])

        for box in (self.quiet, self.advocates, self.applied):
            box.toggled.connect(self.reload)
        self.quiet_days.valueChanged.connect(self._quiet_days_changed)
        self.list.currentItemChanged.connect(self._update_preview)
        self.list.itemChanged.connect(self._item_changed)
        self.template.textChanged.connect(self._template_changed)
        self.subject.textChanged.connect(self._update_preview)
        self.all_button.clicked.connect(lambda: self._tick_all(True))
        self.none_button.clicked.connect(lambda: self._tick_all(False))
        self.copy_button.clicked.connect(self.copy_current)
        self.log_copied_button.clicked.connect(self.log_copied)
        self.send_button.clicked.connect(self.send_ticked)
        self.close_button.clicked.connect(self.accept)
        self.signature.signed.connect(self._update_preview)
        self.steps: SendSteps | None = None
        self._copied: tuple[reader.Recipient, str] | None = None  # waiting for "it went"
        self.quiet.setChecked(True)  # rule 3: the quiet ones first (this also loads the list)
        self._template_changed()

    # --- recipients ------------------------------------------------------------------------

    def reload(self, *_: object) -> None:
        recipients = reader.status_update_candidates(
            self._now(),
            quiet_days=self.quiet_days.value() if self.quiet.isChecked() else None,
            advocates=self.advocates.isChecked(),
            applied=self.applied.isChecked(),
        )
        self._recipients = {r.contact_id: r for r in recipients}
        self.list.blockSignals(True)
        self.list.clear()
        for r in recipients:
            where = f" — {r.company}" if r.company else ""
            how = r.email or "no email address: copy only"
            item = QListWidgetItem(f"{r.name}{where} ({how})")
            item.setData(ID_ROLE, r.contact_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = r.contact_id in self._ticked
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update_preview()
        self._update_buttons()

    def _quiet_days_changed(self, _value: int) -> None:
        if self.quiet.isChecked():
            self.reload()

    def ticked_ids(self) -> list[int]:
        return [
            int(self.list.item(row).data(ID_ROLE))
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_ticked(self, contact_ids: set[int]) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            wanted = int(item.data(ID_ROLE)) in contact_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def _tick_all(self, on: bool) -> None:
        self.set_ticked(set(self._recipients) if on else set())

    def _item_changed(self, item: QListWidgetItem) -> None:
        cid = int(item.data(ID_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self._ticked.add(cid)
        else:
            self._ticked.discard(cid)
        self._update_buttons()

    def current_recipient(self) -> reader.Recipient | None:
        item = self.list.currentItem()
        return self._recipients.get(int(item.data(ID_ROLE))) if item is not None else None

    # --- the message -----------------------------------------------------------------------

    def message_for(self, recipient: reader.Recipient) -> str:
        return render(self.template.toPlainText(), recipient.values(reader.my_name())).strip()

    def _template_changed(self) -> None:
        asks = find_asks(self.template.toPlainText())
        if asks:
            phrases = ", ".join(f"“{a}”" for a in asks)
            self.warning.setText(
                f"This reads as a request: {phrases}. A status update asks for nothing; "
                "that is what makes it welcome."
            )
        else:
            self.warning.setText("")
        self.warning.setVisible(bool(asks))
        self._update_preview()

    def _update_preview(self, *_: object) -> None:
        recipient = self.current_recipient()
        if recipient is None:
            self.preview_label.setText("Preview")
            self.preview.setPlainText("")
        else:
            self.preview_label.setText(f"Preview for {recipient.name}")
            self.preview.setPlainText(self.message_for(recipient))
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        active = reader.search_active()
        self.inactive_note.setText(
            ""
            if active
            else "Your search is not active, so status updates are not due. Change the "
            "search's state at the top of the window to send them."
        )
        self.inactive_note.setVisible(not active)
        ticked = self.ticked_ids()
        with_email = [cid for cid in ticked if self._recipients[cid].email]
        self.count.setText(
            f"{len(self._recipients)} matching, {len(ticked)} ticked, "
            f"{len(with_email)} with an email address"
            if self._recipients
            else "Nobody matches these filters: loosen them, or add contacts first."
        )
        self.none_button.setEnabled(bool(ticked))
        self.all_button.setText(f"Tick all shown ({len(self._recipients)})")
        self.all_button.setEnabled(bool(self._recipients))
        self.send_button.setText(f"&Send to {len(with_email)} in mail program…")
        signed = not self.signature.needed()
        self.send_button.setEnabled(active and signed and bool(with_email))
        self.copy_button.setEnabled(active and signed and self.current_recipient() is not None)
        tip = "" if signed else "Enter your name above first: it signs every message."
        self.send_button.setToolTip(tip)
        self.copy_button.setToolTip(tip)

    # --- sending ---------------------------------------------------------------------------

    def _logged(self, ids: list[int]) -> None:
        if ids:
            self.sent.emit(ids)

    def copy_current(self) -> None:
        """Copy this person's message; it is logged when the user says it went."""
        recipient = self.current_recipient()
        if recipient is None or not reader.search_active() or self.signature.needed():
            return
        message = self.message_for(recipient)
        self._mail.copy(message)
        self._copied = (recipient, message)
        self.outcome.setText(
            f"Copied the message for {recipient.name}. Once you have sent it, log it as sent."
        )
        self.log_copied_button.setVisible(True)

    def log_copied(self) -> None:
        if self._copied is None:
            return
        recipient, message = self._copied
        self._copied = None
        self.log_copied_button.setVisible(False)
        self._actions.mark_status_updates_sent([(recipient.contact_id, message)])
        self.outcome.setText(f"Logged the message to {recipient.name} as sent.")
        self._logged([recipient.contact_id])
        self._ticked.discard(recipient.contact_id)
        self.reload()

    def ask_to_send(self, count: int) -> bool:
        """Asked once before more than ASK_OVER messages go to the mail program."""
        answer = QMessageBox.question(
            self,
            "Send status updates",
            f"Write to {count} people? Your mail program will get their messages {BATCH} at "
            "a time. After each batch, tick the ones you sent: only those are logged.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def send_ticked(self) -> SendSteps | None:
        """Step through the ticked people's messages, a batch at a time (asking first when
        there are more than a few)."""
        if not reader.search_active() or self.signature.needed():
            return None
        subject = self.subject.text()
        messages = [
            Message(r.contact_id, r.name, r.email, subject, self.message_for(r))
            for cid in self.ticked_ids()
            if (r := self._recipients[cid]).email
        ]
        if not messages:
            return None
        if len(messages) > ASK_OVER and not self.ask_to_send(len(messages)):
            self.outcome.setText("Nothing sent.")
            return None
        self.steps = SendSteps(messages, self._mail, self._actions, self)
        self.steps.finished.connect(self._steps_finished)
        self.steps.open()
        return self.steps

    def _steps_finished(self, _result: int) -> None:
        steps = self.steps
        if steps is None:
            return
        self.outcome.setText(steps.summary())
        self._logged(steps.logged)
        self._ticked -= set(steps.logged)
        self.reload()


class Message:
    """One status update ready to hand over."""

    __slots__ = ("body", "contact_id", "email", "name", "subject")

    def __init__(self, contact_id: int, name: str, email: str, subject: str, body: str) -> None:
        self.contact_id = contact_id
        self.name = name
        self.email = email
        self.subject = subject
        self.body = body


class SendSteps(QDialog):
    """Hands the messages to the mail program a batch at a time; the user ticks the ones that
    went, and only those are logged (all of one send as one undoable action)."""

    def __init__(
        self,
        messages: list[Message],
        mail: MailHandOff,
        actions: Actions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sendSteps")
        self.setWindowTitle("Sending status updates")
        self.setModal(True)
        self._messages = messages
        self._mail = mail
        self._actions = actions
        self._bulk = BulkSend()
        self.position = 0  # the first message of the current batch
        self.opened = False
        self.logged: list[int] = []
        self.failed: list[str] = []
        layout = QVBoxLayout(self)
        self.progress = plain_label(wrap=True)
        self.progress.setObjectName("sendProgress")
        self.progress.setFont(bold_font(self.progress.font()))
        layout.addWidget(self.progress)
        self.hint = plain_label(wrap=True)
        self.hint.setObjectName("sendHint")
        layout.addWidget(self.hint)
        self.batch = QListWidget()
        self.batch.setObjectName("sendBatch")
        self.batch.setAccessibleName("This batch: tick the messages you sent")
        layout.addWidget(self.batch, 1)
        row = QHBoxLayout()
        self.open_button = button("", "Open this batch in your mail program", "sendOpen")
        self.confirm_button = button(
            "&Log ticked as sent, go on", "Log the ticked messages as sent", "sendConfirm"
        )
        self.stop_button = button("S&top here", "Stop sending; nothing else is opened", "sendStop")
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.stop_button)
        layout.addLayout(row)
        self.open_button.clicked.connect(self.open_batch)
        self.confirm_button.clicked.connect(self.confirm_batch)
        self.stop_button.clicked.connect(self.accept)
        self.resize(560, 360)
        self._show_batch()

    def current(self) -> list[Message]:
        return self._messages[self.position : self.position + BATCH]

    def _show_batch(self) -> None:
        batch = self.current()
        total = len(self._messages)
        number = self.position // BATCH + 1
        batches = (total + BATCH - 1) // BATCH
        self.progress.setText(
            f"Batch {number} of {batches}: {len(self.logged)} of {total} logged as sent"
        )
        self.opened = False
        self.batch.clear()
        for message in batch:
            item = QListWidgetItem(f"{message.name} <{message.email}>")
            item.setData(ID_ROLE, message.contact_id)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.batch.addItem(item)
        noun = "message" if len(batch) == 1 else f"{len(batch)} messages"
        self.open_button.setText(f"&Open {'this ' + noun if len(batch) == 1 else noun}")
        self.hint.setText(
            "Open this batch in your mail program, send what you want to send there, then "
            "tick here the ones that went."
        )
        self.open_button.setEnabled(True)
        self.confirm_button.setEnabled(False)

    def open_batch(self) -> None:
        """Hand this batch to the mail program; its ticks become available."""
        for row, message in enumerate(self.current()):
            item = self.batch.item(row)
            if self._mail.open_mail(mailto_url(message.email, message.subject, message.body)):
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            else:
                self.failed.append(message.name)
                item.setText(f"{message.name} <{message.email}>: did not open")
        self.opened = True
        self.open_button.setEnabled(False)
        self.confirm_button.setEnabled(True)
        self.hint.setText("Tick the messages you sent, then go on. Unticked ones are not logged.")

    def set_sent(self, contact_ids: set[int]) -> None:
        """Tick the batch's messages that went, as the user would."""
        for row in range(self.batch.count()):
            item = self.batch.item(row)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                went = int(item.data(ID_ROLE)) in contact_ids
                item.setCheckState(Qt.CheckState.Checked if went else Qt.CheckState.Unchecked)

    def confirm_batch(self) -> None:
        """Log the ticked messages of this batch, then show the next batch (or finish)."""
        if not self.opened:
            return
        went = [
            (message.contact_id, message.body)
            for row, message in enumerate(self.current())
            if self.batch.item(row).checkState() == Qt.CheckState.Checked
        ]
        self._actions.log_bulk_sent(self._bulk, went)
        self.logged.extend(cid for cid, _ in went)
        self.position += BATCH
        if self.position >= len(self._messages):
            self.accept()
        else:
            self._show_batch()

    def summary(self) -> str:
        total = len(self._messages)
        text = f"Logged {len(self.logged)} of {total} status updates as sent."
        if self.logged:
            text += " Edit > Undo takes the whole send back."
        if self.failed:
            text += f" Your mail program did not open: {', '.join(self.failed)}."
        return text
