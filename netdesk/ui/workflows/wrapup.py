"""The offer wrap-up: tell NetDesk about the offer, then thank everyone who helped, one by one,
with what they did named, the right closing ask, and a gift for those who went beyond."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.dates import day_phrase
from netdesk.core.domain import CompanyStatus
from netdesk.core.drafts import wrap_up_draft
from netdesk.core.templates import mailto_url, quoted_list
from netdesk.core.wrapup import (
    ASK_JOINING,
    CHANNEL_EMAIL,
    CHANNEL_NOTE,
    WrapUpStep,
    plan_wrap_up,
    progress_text,
    same_company,
    wrap_up_heading,
)
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.ui.look import wrap_lines
from netdesk.ui.widgets import bold_font, plain_label
from netdesk.ui.workflows.common import (
    ID_ROLE,
    MailHandOff,
    SignatureBar,
    WorkflowDialog,
    button,
    signed_draft,
)

CLOSING_LABELS = {
    ASK_JOINING: "Closing ask: a meeting for tips on succeeding there (you are joining them).",
    "ask_elsewhere": "Closing ask: one tip on joining a new team (you are going elsewhere).",
}


class OfferDialog(QDialog):
    """'I received / accepted an offer': the company, joining it or not, offers declined."""

    def __init__(
        self, now: dt.datetime, actions: Actions, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._actions = actions
        self.setObjectName("offerDialog")
        self.setWindowTitle("An offer")
        self._now = now
        self.started_ids: list[int] = []
        summary = reader.search_summary()
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "Congratulations. NetDesk will list everyone you networked with during the "
                "search, the offering company's people first, so you can thank each one.",
                wrap=True,
            )
        )
        form = QFormLayout()
        self.company = QComboBox()
        self.company.setEditable(True)
        self.company.setObjectName("offerCompany")
        self.company.setAccessibleName("The company that made the offer")
        rows = reader.companies()
        for row in sorted(rows, key=lambda r: (r.status is CompanyStatus.NONE, r.name.casefold())):
            self.company.addItem(row.name, row.company_id)
        self.company.setCurrentText(summary.offer_company)
        form.addRow("Offer &from", self.company)
        layout.addLayout(form)
        self.joining = QRadioButton("I accepted it: I'm &joining them")
        self.joining.setObjectName("offerJoining")
        self.elsewhere = QRadioButton("I'm going &elsewhere (or have not accepted it)")
        self.elsewhere.setObjectName("offerElsewhere")
        group = QButtonGroup(self)
        group.addButton(self.joining)
        group.addButton(self.elsewhere)
        (
            self.joining if summary.joining or not summary.offer_company else self.elsewhere
        ).setChecked(True)
        layout.addWidget(self.joining)
        layout.addWidget(self.elsewhere)
        declined_box = QGroupBox("Offers I declined (their people are thanked too)")
        declined_layout = QVBoxLayout(declined_box)
        self.declined = QListWidget()
        self.declined.setObjectName("declinedCompanies")
        self.declined.setAccessibleName("Companies whose offer you declined")
        for row in rows:
            if row.status is CompanyStatus.NONE:
                continue
            item = QListWidgetItem(f"{row.name} ({row.status.label.lower()})")
            item.setData(ID_ROLE, row.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            declined = row.status is CompanyStatus.DECLINED
            item.setCheckState(Qt.CheckState.Checked if declined else Qt.CheckState.Unchecked)
            self.declined.addItem(item)
        declined_layout.addWidget(self.declined)
        layout.addWidget(declined_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Start thanking")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.company.currentTextChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )
        self.ok_button.setEnabled(bool(self.company.currentText().strip()))
        self.resize(520, 480)

    def set_declined(self, names: set[str]) -> None:
        for row in range(self.declined.count()):
            item = self.declined.item(row)
            checked = any(same_company(item.data(ID_ROLE), n) for n in names)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def declined_names(self) -> list[str]:
        return [
            str(self.declined.item(r).data(ID_ROLE))
            for r in range(self.declined.count())
            if self.declined.item(r).checkState() == Qt.CheckState.Checked
        ]

    def accept(self) -> None:
        company = self.company.currentText().strip()
        if not company:
            return
        self.started_ids = self._actions.start_wrap_up(
            company,
            joining=self.joining.isChecked(),
            declined=[n for n in self.declined_names() if not same_company(n, company)],
        )
        super().accept()


class WrapUpDialog(WorkflowDialog):
    """Everyone to thank, in order; the selected one's draft, channel, gift and closing ask."""

    changed = Signal(list)  # contact ids whose timeline or follow-ups changed

    def __init__(
        self,
        now: Callable[[], dt.datetime],
        mail: MailHandOff,
        actions: Actions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Thank everyone who helped", "wrapUpDialog", parent)
        self._actions = actions
        self._now = now
        self._mail = mail
        self._steps: list[WrapUpStep] = []
        self._drafts: dict[int, str] = {}  # edits the user made, kept while the window is open
        self.resize(1160, 700)
        layout = QVBoxLayout(self)
        self.signature = SignatureBar(actions)
        layout.addWidget(self.signature)
        self.heading = plain_label(wrap=True)
        self.heading.setObjectName("wrapUpHeading")
        layout.addWidget(self.heading)
        self.progress = plain_label()
        self.progress.setObjectName("wrapUpProgress")
        self.progress.setFont(bold_font(self.progress.font()))
        layout.addWidget(self.progress)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter, 1)
        self.list = QListWidget()
        self.list.setObjectName("wrapUpList")
        self.list.setAccessibleName("People to thank, in order")
        wrap_lines(self.list)
        splitter.addWidget(self.list)

        detail = QWidget()
        d = QVBoxLayout(detail)
        d.setContentsMargins(0, 0, 0, 0)
        self.who = plain_label(wrap=True)
        self.who.setObjectName("wrapUpWho")
        self.who.setFont(bold_font(self.who.font()))
        d.addWidget(self.who)
        self.did = plain_label(wrap=True)
        self.did.setObjectName("wrapUpHelped")
        d.addWidget(self.did)
        self.closing = plain_label(wrap=True)
        self.closing.setObjectName("wrapUpClosing")
        d.addWidget(self.closing)
        row = QHBoxLayout()
        row.addWidget(plain_label("Channel"))
        self.channel = QComboBox()
        self.channel.setObjectName("wrapUpChannel")
        self.channel.setAccessibleName("How to send the thanks")
        self.channel.addItem("Email", CHANNEL_EMAIL)
        self.channel.addItem("Handwritten note", CHANNEL_NOTE)
        row.addWidget(self.channel)
        self.above = QCheckBox("Went &above and beyond")
        self.above.setObjectName("wrapUpAbove")
        self.above.setAccessibleName("This person went above and beyond")
        row.addWidget(self.above)
        row.addStretch(1)
        d.addLayout(row)
        self.draft = QPlainTextEdit()
        self.draft.setObjectName("wrapUpDraft")
        self.draft.setAccessibleName("Thank-you draft")
        self.draft.setTabChangesFocus(True)
        d.addWidget(self.draft, 1)
        self.gift_box = QGroupBox("A gift")
        g = QVBoxLayout(self.gift_box)
        self.gift_ideas = plain_label(wrap=True)
        self.gift_ideas.setObjectName("wrapUpGiftIdeas")
        g.addWidget(self.gift_ideas)
        gift_row = QHBoxLayout()
        self.gift = QLineEdit()
        self.gift.setObjectName("wrapUpGift")
        self.gift.setPlaceholderText("What you sent, e.g. flowers")
        self.gift.setAccessibleName("The gift you sent")
        self.gift_button = button("Record &gift", "Record the gift as sent", "wrapUpRecordGift")
        gift_row.addWidget(self.gift, 1)
        gift_row.addWidget(self.gift_button)
        g.addLayout(gift_row)
        self.gift_sent = plain_label(wrap=True)
        self.gift_sent.setObjectName("wrapUpGiftSent")
        g.addWidget(self.gift_sent)
        d.addWidget(self.gift_box)
        buttons_row = QHBoxLayout()
        self.mail_button = button(
            "Open in &mail program", "Open the thank-you in your mail program", "wrapUpMail"
        )
        self.copy_button = button("&Copy draft", "Copy the thank-you draft", "wrapUpCopy")
        self.thanked_button = button(
            "Mark &thanked", "Mark this person as thanked and go to the next", "wrapUpThanked"
        )
        self.close_button = button("Close", "Close the wrap-up; your progress is kept")
        buttons_row.addWidget(self.mail_button)
        buttons_row.addWidget(self.copy_button)
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.thanked_button)
        buttons_row.addWidget(self.close_button)
        d.addLayout(buttons_row)
        splitter.addWidget(detail)
        splitter.setSizes([380, 760])

        self.list.currentItemChanged.connect(self._show_current)
        self.draft.textChanged.connect(self._draft_edited)
        self.above.toggled.connect(self._above_toggled)
        self.gift_button.clicked.connect(self.record_gift)
        self.mail_button.clicked.connect(self.open_mail)
        self.copy_button.clicked.connect(self.copy_draft)
        self.thanked_button.clicked.connect(self.mark_thanked)
        self.close_button.clicked.connect(self.accept)
        self.signature.signed.connect(self._signed)
        self._loading = False
        self.reload()

    # --- the plan --------------------------------------------------------------------------

    @property
    def steps(self) -> list[WrapUpStep]:
        return list(self._steps)

    def reload(self, keep: int = 0) -> None:
        plan = reader.wrap_up_plan()
        contacts = reader.wrap_up_contacts()
        self._states = reader.wrap_up_states()
        if plan is None:
            self._steps = []
            self.heading.setText("No offer recorded yet: use “I have an offer…” first.")
        else:
            self._plan = plan
            self._steps = plan_wrap_up(
                contacts,
                offer_company=plan.offer_company,
                joining=plan.joining,
                declined_companies=set(plan.declined),
                my_name=reader.my_name(),
            )
            self.heading.setText(
                wrap_up_heading(
                    plan.offer_company,
                    joining=plan.joining,
                    since=plan.search_started_on,
                    declined=plan.declined,
                )
            )
        self.progress.setText(progress_text(self._steps))
        self.progress.setAccessibleName(progress_text(self._steps))
        current = keep or self.current_contact_id()
        self.list.blockSignals(True)
        self.list.clear()
        for step in self._steps:
            c = step.contact
            name = wf_name(c.contact_id, c.first_name)
            tags = []
            if step.at_offer_company:
                tags.append("offering company")
            if step.at_declined_company:
                tags.append("declined offer")
            if c.above_and_beyond:
                tags.append("above and beyond")
            mark = "✓ " if step.thanked else ""
            company = f" — {c.company}" if c.company else ""
            suffix = f" [{', '.join(tags)}]" if tags else ""
            item = QListWidgetItem(f"{mark}{name}{company}{suffix}")
            item.setData(ID_ROLE, c.contact_id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        row = next(
            (i for i, s in enumerate(self._steps) if s.contact.contact_id == current),
            next((i for i, s in enumerate(self._steps) if not s.thanked), 0),
        )
        if self._steps:
            self.list.setCurrentRow(row)
        self._show_current()

    def current_contact_id(self) -> int:
        item = self.list.currentItem()
        return int(item.data(ID_ROLE)) if item is not None else 0

    def current_step(self) -> WrapUpStep | None:
        cid = self.current_contact_id()
        return next((s for s in self._steps if s.contact.contact_id == cid), None)

    def select_contact(self, contact_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == contact_id:
                self.list.setCurrentRow(row)
                return

    def draft_for(self, step: WrapUpStep) -> str:
        cid = step.contact.contact_id
        if cid in self._drafts:
            return self._drafts[cid]
        return wrap_up_draft(
            step,
            reader.template(step.closing_ask),
            offer_company=self._plan.offer_company,
            joining=self._plan.joining,
            my_name=reader.my_name(),
        )

    def _show_current(self, *_: object) -> None:
        step = self.current_step()
        self._loading = True
        enabled = step is not None
        for widget in (self.draft, self.channel, self.above, self.copy_button, self.gift_box):
            widget.setEnabled(enabled)
        if step is None:
            self.who.setText("")
            self.did.setText("")
            self.closing.setText("")
            self.draft.setPlainText("")
            self.mail_button.setEnabled(False)
            self.thanked_button.setEnabled(False)
            self.gift_box.setVisible(False)
            self._loading = False
            return
        c = step.contact
        state = self._states.get(c.contact_id)
        thanked = ""
        if state is not None and state.thanked_at is not None:
            thanked = f" — thanked {day_phrase(state.thanked_at.date(), self._now().date())}"
        self.who.setText(f"{wf_name(c.contact_id, c.first_name)}{thanked}")
        self.did.setText(
            f"What they did: {quoted_list(c.helped)}."
            if c.helped
            else "Nothing specific recorded: the draft thanks them for their support."
        )
        self.closing.setText(CLOSING_LABELS[step.closing_ask])
        channel = state.channel if state is not None and state.channel else step.channel
        self.channel.setCurrentIndex(max(0, self.channel.findData(channel)))
        self.above.setChecked(c.above_and_beyond)
        self.draft.setPlainText(self.draft_for(step))
        self.gift_box.setVisible(c.above_and_beyond)
        self.gift_ideas.setText("Ideas: " + ", ".join(step.gifts) + "." if step.gifts else "")
        sent = state.gift_note if state is not None else ""
        self.gift_sent.setText(f"Sent: {sent}" if sent else "Nothing recorded yet.")
        signed = not self.signature.needed()
        self.mail_button.setEnabled(bool(c.email) and signed)
        self.copy_button.setEnabled(signed)
        tip = "" if c.email else "No valid email address: copy the draft."
        self.mail_button.setToolTip(tip if signed else "Enter your name above first.")
        self.thanked_button.setEnabled(not step.thanked)
        self._loading = False

    def _signed(self, name: str) -> None:
        """The name came in: drafts not yet touched are written again with it, the ones the
        user edited get it at their end."""
        self._drafts = {cid: signed_draft(text, name) for cid, text in self._drafts.items()}
        self.reload(self.current_contact_id())

    def _draft_edited(self) -> None:
        step = self.current_step()
        if step is not None and not self._loading:
            self._drafts[step.contact.contact_id] = self.draft.toPlainText()

    def _above_toggled(self, on: bool) -> None:
        step = self.current_step()
        if step is None or self._loading or on == step.contact.above_and_beyond:
            return
        self._actions.set_above_and_beyond(step.contact.contact_id, on)
        self.changed.emit([step.contact.contact_id])
        self.reload(step.contact.contact_id)

    # --- actions ---------------------------------------------------------------------------

    def open_mail(self) -> None:
        step = self.current_step()
        if self.signature.needed():
            return
        if step is not None and step.contact.email:
            self._mail.open_mail(
                mailto_url(step.contact.email, step.subject, self.draft.toPlainText())
            )

    def copy_draft(self) -> None:
        if not self.signature.needed():
            self._mail.copy(self.draft.toPlainText())

    def record_gift(self) -> None:
        step = self.current_step()
        if step is None or not self.gift.text().strip():
            return
        self._actions.record_gift(step.contact.contact_id, self.gift.text())
        self.gift.clear()
        self.changed.emit([step.contact.contact_id])
        self.reload(step.contact.contact_id)

    def mark_thanked(self) -> None:
        step = self.current_step()
        if step is None or step.thanked:
            return
        cid = step.contact.contact_id
        self._actions.mark_thanked(cid, str(self.channel.currentData()))
        self.changed.emit([cid])
        following = next(
            (
                s.contact.contact_id
                for s in self._steps[self._steps.index(step) + 1 :]
                if not s.thanked
            ),
            0,
        )
        self.reload(following or cid)


def wf_name(contact_id: int, fallback: str) -> str:
    """The contact's full name for the list (the plan keeps only the first name)."""
    name = reader.contact_name(contact_id)
    return name if name is not None else fallback
