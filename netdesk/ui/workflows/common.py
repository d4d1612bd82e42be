"""What the workflow windows share: the mail hand-off, date conversions, small builders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from netdesk.store import reader
from netdesk.ui.look import fit_to_screen

if TYPE_CHECKING:
    from netdesk.services.actions import Actions

# Where a row of a workflow's table or list keeps the id of what it shows.
ID_ROLE = Qt.ItemDataRole.UserRole


class MailHandOff:
    """Hands a message to the user's mail program or the clipboard; tests put a recorder here."""

    def open_mail(self, url: str) -> bool:
        # The URL is already percent-encoded (core.templates.mailto_url): keep it byte for byte.
        return bool(QDesktopServices.openUrl(QUrl.fromEncoded(url.encode("ascii"))))

    def copy(self, text: str) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def current_row_id(table: QTableWidget) -> int:
    """The id kept in the current row's first cell; 0 when no row is current."""
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return int(item.data(ID_ROLE)) if item is not None else 0


def select_row_id(table: QTableWidget, item_id: int) -> None:
    """Make current the row whose first cell keeps `item_id`."""
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item.data(ID_ROLE) == item_id:
            table.selectRow(row)
            return


def button(text: str, accessible: str, name: str = "", tip: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(accessible)
    if name:
        widget.setObjectName(name)
    if tip:
        widget.setToolTip(tip)
    return widget


class SignatureBar(QFrame):
    """Asks for the user's name where a draft would otherwise go out unsigned: every draft is
    signed with it ({my_name}), and nothing is sent until it is known."""

    signed = Signal(str)

    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signatureBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._actions = actions
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        label = QLabel("Your messages are signed with your &name. What is it?")
        label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(label)
        self.name = QLineEdit()
        self.name.setObjectName("signatureName")
        self.name.setAccessibleName("Your name, to sign your messages")
        self.name.setPlaceholderText("e.g. Alex Kim")
        label.setBuddy(self.name)
        layout.addWidget(self.name, 1)
        self.save_button = button("Sign with it", "Save your name and sign the drafts with it")
        self.save_button.setObjectName("signatureSave")
        layout.addWidget(self.save_button)
        self.save_button.clicked.connect(self.save)
        self.name.returnPressed.connect(self.save)
        self.name.textChanged.connect(
            lambda text: self.save_button.setEnabled(bool(text.strip()))
        )
        self.save_button.setEnabled(False)
        self.refresh()

    def needed(self) -> bool:
        return not reader.my_name().strip()

    def refresh(self) -> None:
        self.setVisible(self.needed())

    def save(self) -> None:
        name = self.name.text().strip()
        if not name:
            return
        self._actions.set_my_name(name)
        self.refresh()
        self.signed.emit(name)


def signed_draft(draft: str, name: str) -> str:
    """`draft` signed with `name`: as it is when it already ends with it, else with the name
    on a line of its own at the end."""
    text = draft.rstrip()
    name = name.strip()
    if not name or text.endswith(name):
        return text
    return f"{text}\n\n{name}" if text else name


class DraftDialog(QDialog):
    """One message to one person, drafted from a template and signed with the user's name
    (asked for first when NetDesk does not know it), to edit, then open in the mail program or
    copy. It logs nothing: the window that opened it logs what happened."""

    def __init__(
        self,
        title: str,
        recipient: str,
        email: str,
        subject: str,
        draft_for: Callable[[str], str],
        mail: MailHandOff,
        actions: Actions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("draftDialog")
        self.setWindowTitle(title)
        self._draft_for = draft_for
        self._mail = mail
        self._email = email
        layout = QVBoxLayout(self)
        self.signature = SignatureBar(actions)
        layout.addWidget(self.signature)
        to = f"To {recipient} <{email}>" if email else f"To {recipient} (no email address: copy it)"
        layout.addWidget(QLabel(to))
        self.subject = QLineEdit(subject)
        self.subject.setObjectName("draftSubject")
        self.subject.setAccessibleName("Subject")
        layout.addWidget(self.subject)
        self.text = QPlainTextEdit()
        self.text.setObjectName("draftText")
        self.text.setAccessibleName(f"Message to {recipient}")
        self.text.setTabChangesFocus(True)
        self._rendered = draft_for(reader.my_name())
        self.text.setPlainText(self._rendered)
        layout.addWidget(self.text, 1)
        self.outcome = QLabel()
        self.outcome.setObjectName("draftOutcome")
        layout.addWidget(self.outcome)
        row = QHBoxLayout()
        self.mail_button = button("Open in &mail program", "Open it in your mail program")
        self.mail_button.setObjectName("draftMail")
        self.copy_button = button("&Copy", "Copy the message")
        self.copy_button.setObjectName("draftCopy")
        close = button("Close", "Close the draft")
        row.addWidget(self.mail_button)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.mail_button.clicked.connect(self.open_mail)
        self.copy_button.clicked.connect(self.copy)
        close.clicked.connect(self.accept)
        self.signature.signed.connect(self._signed)
        self.text.textChanged.connect(self._update)
        self._update()
        self.resize(560, 380)

    def message(self) -> str:
        return self.text.toPlainText().strip()

    def _signed(self, name: str) -> None:
        if self.message() == self._rendered.strip():
            self._rendered = self._draft_for(name)
            self.text.setPlainText(signed_draft(self._rendered, name))
        else:
            self.text.setPlainText(signed_draft(self.text.toPlainText(), name))
        self._update()

    def _update(self) -> None:
        ready = bool(self.message()) and not self.signature.needed()
        self.mail_button.setEnabled(ready and bool(self._email))
        self.copy_button.setEnabled(ready)

    def open_mail(self) -> None:
        if not self.mail_button.isEnabled():
            return
        from netdesk.core.templates import mailto_url

        if self._mail.open_mail(mailto_url(self._email, self.subject.text(), self.message())):
            self.outcome.setText("Handed to your mail program.")
        else:
            self.outcome.setText("Your mail program did not open: copy the message instead.")

    def copy(self) -> None:
        if self.copy_button.isEnabled():
            self._mail.copy(self.message())
            self.outcome.setText("Copied.")


class WorkflowDialog(QDialog):
    """A non-modal workflow window over the main window, never larger than the screen."""

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAccessibleName(title)

    def showEvent(self, event: QShowEvent) -> None:
        # Sized for its content on a roomy screen; a smaller screen gets a smaller window.
        fit_to_screen(self)
        super().showEvent(event)
