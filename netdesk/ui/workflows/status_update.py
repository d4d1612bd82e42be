"""The no-ask status update: pick recipients, fill a short template per person, hand each to
the mail program or the clipboard, and log each one sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.templates import find_asks, mailto_url, render
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.ui.widgets import OVERDUE_COLOR, plain_label
from netdesk.ui.workflows.common import ID_ROLE, MailHandOff, WorkflowDialog, button

DEFAULT_SUBJECT = "A quick update"


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
        self._unticked: set[int] = set()  # kept across filter changes
        self.resize(1100, 680)
        layout = QVBoxLayout(self)
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
        left_layout.addWidget(self.list, 1)
        ticks = QHBoxLayout()
        self.all_button = button("Tick all", "Tick every recipient in the list")
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
        actions = QHBoxLayout()
        self.copy_button = button(
            "&Copy this one", "Copy this person's message and log it as sent", "copyStatus"
        )
        self.send_button = button(
            "&Send ticked…",
            "Open a message in your mail program for each ticked person",
            "sendStatus",
        )
        self.close_button = button("Close", "Close the composer")
        actions.addWidget(self.copy_button)
        actions.addStretch(1)
        actions.addWidget(self.send_button)
        actions.addWidget(self.close_button)
        right_layout.addLayout(actions)
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
        self.send_button.clicked.connect(self.send_ticked)
        self.close_button.clicked.connect(self.accept)
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
            keep = r.contact_id not in self._unticked
            item.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
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
            self._unticked.discard(cid)
        else:
            self._unticked.add(cid)
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
        )
        self.send_button.setText(f"&Send to {len(with_email)} in mail program…")
        self.send_button.setEnabled(active and bool(with_email))
        self.copy_button.setEnabled(active and self.current_recipient() is not None)

    # --- sending ---------------------------------------------------------------------------

    def _logged(self, ids: list[int]) -> None:
        if ids:
            self.sent.emit(ids)

    def copy_current(self) -> None:
        recipient = self.current_recipient()
        if recipient is None or not reader.search_active():
            return
        self._mail.copy(self.message_for(recipient))
        self._actions.mark_status_updates_sent(
            [(recipient.contact_id, self.message_for(recipient))]
        )
        self.outcome.setText(f"Copied the message for {recipient.name} and logged it as sent.")
        self._logged([recipient.contact_id])
        self.reload()

    def send_ticked(self) -> None:
        if not reader.search_active():
            return
        subject = self.subject.text()
        done: list[int] = []
        sent: list[tuple[int, str]] = []
        failed: list[str] = []
        for cid in self.ticked_ids():
            recipient = self._recipients[cid]
            if not recipient.email:
                continue
            body = self.message_for(recipient)
            if self._mail.open_mail(mailto_url(recipient.email, subject, body)):
                sent.append((cid, body))
                done.append(cid)
            else:
                failed.append(recipient.name)
        if sent:
            self._actions.mark_status_updates_sent(sent)
        text = f"Handed {len(done)} message{'s' if len(done) != 1 else ''} to your mail program"
        text += " and logged them as sent."
        if failed:
            text += f" Could not open a message for: {', '.join(failed)}."
        self.outcome.setText(text)
        self._logged(done)
        self.reload()
