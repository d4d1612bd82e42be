"""Rule 4, gratitude: write one contact a thank-you that names what they did, send it by
email, the clipboard or a handwritten note, and log it (which closes the thank-you follow-up)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.domain import InteractionKind
from netdesk.core.templates import find_asks, mailto_url, quoted_list, render
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.ui.widgets import OVERDUE_COLOR, bold_font, plain_label
from netdesk.ui.workflows.common import (
    MailHandOff,
    SignatureBar,
    WorkflowDialog,
    button,
    signed_draft,
)

DEFAULT_SUBJECT = "Thank you"

CHANNEL_EMAIL = "email"
CHANNEL_COPY = "copy"
CHANNEL_NOTE = "note"

# How each channel reads on the timeline, and on the Send button.
SUMMARIES = {
    CHANNEL_EMAIL: "Thank-you email",
    CHANNEL_COPY: "Thank-you message",
    CHANNEL_NOTE: "Handwritten thank-you note",
}
SEND_TEXTS = {
    CHANNEL_EMAIL: "&Send in mail program",
    CHANNEL_COPY: "&Copy and log as sent",
    CHANNEL_NOTE: "&Log the note as sent",
}


def thank_you_summary(channel: str, helped: tuple[str, ...] | list[str]) -> str:
    """'Thank-you email for “the introduction to Sam”' (no 'for …' when nothing is
    recorded): what they did is the user's words, quoted."""
    what = quoted_list(list(helped))
    return SUMMARIES[channel] + (f" for {what}" if what else "")


class ThankYouComposer(WorkflowDialog):
    """The draft is the thank-you template filled for the contact; the user edits and sends."""

    sent = Signal(int, str)  # contact id, what was done (for the status bar)

    def __init__(
        self,
        contact: reader.ThankYouContact,
        now: Callable[[], dt.datetime],
        mail: MailHandOff,
        actions: Actions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Thank {contact.name}", "thankYouComposer", parent)
        self._actions = actions
        self.contact = contact
        self._now = now
        self._mail = mail
        self.resize(600, 520)
        layout = QVBoxLayout(self)
        self.signature = SignatureBar(actions)
        layout.addWidget(self.signature)

        self.heading = plain_label(f"A thank-you to {contact.name}", wrap=True)
        self.heading.setObjectName("thankYouHeading")
        self.heading.setFont(bold_font(self.heading.font()))
        layout.addWidget(self.heading)
        if contact.helped:
            did = f"What they did: {quoted_list(list(contact.helped))}. Name it in your words."
        else:
            did = (
                "Nothing they did is waiting for thanks. The draft thanks them for their support; "
                "say what they did, specifically."
            )
        self.helped_label = plain_label(did, wrap=True)
        self.helped_label.setObjectName("thankYouHelped")
        layout.addWidget(self.helped_label)

        subject_label = plain_label("S&ubject")
        layout.addWidget(subject_label)
        self.subject = QLineEdit(DEFAULT_SUBJECT)
        self.subject.setObjectName("thankYouSubject")
        self.subject.setAccessibleName("Subject")
        subject_label.setBuddy(self.subject)
        layout.addWidget(self.subject)
        message_label = plain_label("&Message: thank them, say what helped, ask for nothing.")
        layout.addWidget(message_label)
        self.draft = QPlainTextEdit()
        self.draft.setObjectName("thankYouDraft")
        self.draft.setAccessibleName(f"Thank-you message to {contact.name}")
        self.draft.setTabChangesFocus(True)
        self._rendered = self._render()
        self.draft.setPlainText(self._rendered)
        message_label.setBuddy(self.draft)
        layout.addWidget(self.draft, 1)
        self.warning = plain_label(wrap=True)
        self.warning.setObjectName("thankYouAskWarning")
        palette = self.warning.palette()
        palette.setColor(self.warning.foregroundRole(), OVERDUE_COLOR)
        self.warning.setPalette(palette)
        layout.addWidget(self.warning)

        channels = QGroupBox("How you send it")
        channels.setAccessibleName("How you send the thank-you")
        channel_layout = QVBoxLayout(channels)
        self.channel_group = QButtonGroup(self)
        self.channel_buttons: dict[str, QRadioButton] = {}
        email_text = (
            # "&&": an address may hold "&", which a button would read as a mnemonic.
            f"&Email to {contact.email.replace('&', '&&')}, in my mail program"
            if contact.email
            else "&Email, in my mail program"
        )
        for key, text, accessible in (
            (CHANNEL_EMAIL, email_text, "Send by email in your mail program"),
            (
                CHANNEL_COPY,
                "Cop&y it, to send another way (a message, LinkedIn)",
                "Copy the message to the clipboard",
            ),
            (CHANNEL_NOTE, "I wrote a &handwritten note", "I wrote a handwritten note"),
        ):
            radio = QRadioButton(text)
            radio.setObjectName(f"thankYouChannel_{key}")
            radio.setAccessibleName(accessible)
            self.channel_group.addButton(radio)
            self.channel_buttons[key] = radio
            channel_layout.addWidget(radio)
        self.no_email = plain_label(
            f"{contact.name} has no valid email address: copy the message or write a note.",
            wrap=True,
        )
        self.no_email.setObjectName("thankYouNoEmail")
        channel_layout.addWidget(self.no_email)
        layout.addWidget(channels)

        self.outcome = plain_label(wrap=True)
        self.outcome.setObjectName("thankYouOutcome")
        layout.addWidget(self.outcome)
        buttons_row = QHBoxLayout()
        buttons_row.addStretch(1)
        self.send_button = button("", "Send the thank-you and log it", "thankYouSend")
        self.cancel_button = button("Cancel", "Close without sending", "thankYouCancel")
        buttons_row.addWidget(self.send_button)
        buttons_row.addWidget(self.cancel_button)
        layout.addLayout(buttons_row)

        email_ok = bool(contact.email)
        self.channel_buttons[CHANNEL_EMAIL].setEnabled(email_ok)
        self.no_email.setVisible(not email_ok)
        self.channel_buttons[CHANNEL_EMAIL if email_ok else CHANNEL_COPY].setChecked(True)

        self.draft.textChanged.connect(self._draft_changed)
        self.channel_group.buttonToggled.connect(self._channel_changed)
        self.send_button.clicked.connect(self.send)
        self.signature.signed.connect(self._signed)
        self.cancel_button.clicked.connect(self.reject)
        self._draft_changed()
        self._channel_changed()
        self.draft.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- state -----------------------------------------------------------------------------

    def channel(self) -> str:
        return next(key for key, radio in self.channel_buttons.items() if radio.isChecked())

    def set_channel(self, key: str) -> bool:
        """Choose a channel as a click would: a disabled one (email without an address) not."""
        radio = self.channel_buttons[key]
        if radio.isEnabled():
            radio.setChecked(True)
        return radio.isChecked()

    def message(self) -> str:
        return self.draft.toPlainText().strip()

    def _render(self) -> str:
        values = self.contact.values(reader.my_name())
        return render(reader.template("thank_you"), values).strip()

    def _signed(self, name: str) -> None:
        """The name came in after the draft was written: sign it (rewritten from the template
        when the user has not touched it)."""
        if self.draft.toPlainText().strip() == self._rendered:
            self._rendered = self._render()
            self.draft.setPlainText(signed_draft(self._rendered, name))
        else:
            self.draft.setPlainText(signed_draft(self.draft.toPlainText(), name))
        self._draft_changed()

    def _draft_changed(self) -> None:
        asks = find_asks(self.draft.toPlainText())
        if asks:
            phrases = ", ".join(f"“{a}”" for a in asks)
            self.warning.setText(
                f"This reads as a request: {phrases}. A thank-you with an ask is not a "
                "thank-you: ask another time."
            )
        else:
            self.warning.setText("")
        self.warning.setVisible(bool(asks))
        signed = not self.signature.needed()
        self.send_button.setEnabled(bool(self.message()) and signed)
        self.send_button.setToolTip("" if signed else "Enter your name above first.")

    def _channel_changed(self, *_: object) -> None:
        channel = self.channel()
        self.send_button.setText(SEND_TEXTS[channel])
        self.subject.setEnabled(channel == CHANNEL_EMAIL)

    # --- sending ---------------------------------------------------------------------------

    def send(self) -> bool:
        """Hand the message over by the chosen channel, then log the thank-you."""
        body = self.message()
        if not body or self.signature.needed():
            return False
        channel = self.channel()
        if channel == CHANNEL_EMAIL:
            if not self.contact.email:
                return False
            url = mailto_url(self.contact.email, self.subject.text(), body)
            if not self._mail.open_mail(url):
                self.outcome.setText(
                    "Your mail program did not open. Copy the message instead, and send it "
                    "yourself."
                )
                return False
        elif channel == CHANNEL_COPY:
            self._mail.copy(body)
        now = self._now()
        summary = thank_you_summary(channel, self.contact.helped)
        self._actions.log_interaction(
            self.contact.contact_id, InteractionKind.THANK_YOU, now, summary=summary
        )
        done = {
            CHANNEL_EMAIL: f"Handed the thank-you to {self.contact.name} to your mail program",
            CHANNEL_COPY: f"Copied the thank-you to {self.contact.name}",
            CHANNEL_NOTE: f"Noted your handwritten thank-you to {self.contact.name}",
        }[channel]
        self.sent.emit(self.contact.contact_id, f"{done} and logged it.")
        self.accept()
        return True
