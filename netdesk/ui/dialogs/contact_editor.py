"""The contact editor: every field of a contact, checked before one store call saves it all."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from netdesk.core import playbook
from netdesk.core.domain import HOW_KNOWN_LABELS, TIE_DEFINITIONS, HowKnown, Tie
from netdesk.core.records import Attrs, join_tags, split_tags
from netdesk.core.templates import is_valid_email
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.ui import look
from netdesk.ui.widgets import OVERDUE_COLOR, plain_label

_BIRTHDAY = re.compile(r"^(\d{4}|--)-?(\d{2})-(\d{2})$")


def _address_line(types: tuple[str, ...], text: str) -> str:
    kinds = ", ".join(t for t in types if t not in ("pref", "postal", "parcel"))
    return f"{kinds.capitalize()}: {text}" if kinds else text


def _unescaped(value: str) -> str:
    """A card's value as a person reads it (vCard escapes undone, lines joined)."""
    out = []
    chars = iter(value)
    for c in chars:
        if c == "\\":
            nxt = next(chars, "")
            out.append(" " if nxt in "nN" else nxt)
        else:
            out.append(c)
    return " ".join("".join(out).split())


def _show_types(label: QLabel, values: list[str], attrs: Mapping[str, Attrs]) -> None:
    """Under emails or phones: each one's types (work, cell, preferred), when the card gave any."""
    parts = []
    for value in values:
        a = attrs.get(value)
        if a is None:
            continue
        words = [t for t in a.types if t not in ("internet", "voice")]
        if a.pref:
            words.append("preferred")
        if words:
            parts.append(f"{value}: {', '.join(words)}")
    label.setText("; ".join(parts))
    label.setVisible(bool(parts))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _valid_birthday(text: str) -> bool:
    match = _BIRTHDAY.match(text)
    if not match:
        return False
    year = 2000 if match.group(1) == "--" else int(match.group(1))
    try:
        dt.date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    return True


class ContactEditor(QDialog):
    """New contact (no id) or edit one; `saved_id` is set once the store has the change."""

    def __init__(
        self,
        now: dt.datetime,
        actions: Actions,
        parent: QWidget | None = None,
        *,
        contact_id: int = 0,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contactEditor")
        self._now = now
        self._actions = actions
        self.contact_id = contact_id
        self.saved_id = 0
        self._tie_chosen = False  # once the user picks a tie, how-you-know-them stops suggesting
        self.setWindowTitle("Edit contact" if contact_id else "New contact")

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.photo = QLabel()
        self.photo.setObjectName("contactPhoto")
        self.photo.setFixedSize(72, 72)
        self.photo.setAccessibleName("Photo")
        self.photo.hide()
        top.addWidget(self.photo)
        self.heading = plain_label(self.windowTitle())
        top.addWidget(self.heading, 1)
        layout.addLayout(top)

        tabs = QTabWidget()
        layout.addWidget(tabs, 1)
        # Each page scrolls on a screen too small for it (the window stays on the screen).
        tabs.addTab(look.scrolling(self._details_tab()), "&Details")
        tabs.addTab(look.scrolling(self._relationship_tab()), "&Relationship")
        tabs.addTab(look.scrolling(self._notes_tab()), "&Notes and tags")

        self.error = plain_label(wrap=True)
        self.error.setObjectName("editorError")
        palette = self.error.palette()
        palette.setColor(self.error.foregroundRole(), OVERDUE_COLOR)
        self.error.setPalette(palette)
        self.error.hide()
        layout.addWidget(self.error)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        look.size_to_content(self, QSize(620, 560))

        if contact_id:
            self._load(contact_id)
        else:
            self._set_tie(Tie.UNSORTED)
        self.display_name.setFocus()

    # --- the form --------------------------------------------------------------------------

    def _line(self, name: str, accessible: str, placeholder: str = "") -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setAccessibleName(accessible)
        field.setPlaceholderText(placeholder)
        return field

    def _lines_field(self, name: str, accessible: str, placeholder: str) -> QPlainTextEdit:
        field = QPlainTextEdit()
        field.setObjectName(name)
        field.setAccessibleName(accessible)
        field.setPlaceholderText(placeholder)
        field.setTabChangesFocus(True)
        field.setFixedHeight(field.fontMetrics().lineSpacing() * 3 + 14)
        return field

    def _details_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.display_name = self._line("displayName", "Name", "e.g. Dana Smith")
        form.addRow("&Name:", self.display_name)
        names = QHBoxLayout()
        self.prefix = self._line("prefix", "Prefix", "Prefix")
        self.given_name = self._line("givenName", "Given name", "Given")
        self.middle_name = self._line("middleName", "Middle name", "Middle")
        self.family_name = self._line("familyName", "Family name", "Family")
        self.suffix = self._line("suffix", "Suffix", "Suffix")
        for field, stretch in (
            (self.prefix, 1),
            (self.given_name, 2),
            (self.middle_name, 2),
            (self.family_name, 2),
            (self.suffix, 1),
        ):
            names.addWidget(field, stretch)
        form.addRow("Name parts:", names)
        self.nickname = self._line("nickname", "Nickname")
        form.addRow("Nic&kname:", self.nickname)
        self.emails = self._lines_field("emails", "Email addresses", "One address per line")
        form.addRow("&Emails:", self.emails)
        self.email_types = self._types_label("emailTypes")
        form.addRow("", self.email_types)
        self.phones = self._lines_field("phones", "Phone numbers", "One number per line")
        form.addRow("&Phones:", self.phones)
        self.phone_types = self._types_label("phoneTypes")
        form.addRow("", self.phone_types)
        self.company = self._line("company", "Company")
        form.addRow("&Company:", self.company)
        self.department = self._line("department", "Department", "e.g. Platform; Payments")
        form.addRow("De&partment:", self.department)
        self.title = self._line("jobTitle", "Job title")
        form.addRow("&Title:", self.title)
        self.role = self._line("role", "Role", "e.g. Hiring manager")
        form.addRow("R&ole:", self.role)
        self.addresses = QPlainTextEdit()
        self.addresses.setObjectName("addresses")
        self.addresses.setAccessibleName("Postal addresses, as the contact file gave them")
        self.addresses.setReadOnly(True)
        self.addresses.setTabChangesFocus(True)
        self.addresses.setFixedHeight(self.addresses.fontMetrics().lineSpacing() * 3 + 14)
        self.addresses.setPlaceholderText("No postal address")
        form.addRow("&Addresses:", self.addresses)
        self.linkedin_url = self._line(
            "linkedinUrl", "LinkedIn URL", "https://www.linkedin.com/in/…"
        )
        form.addRow("&LinkedIn:", self.linkedin_url)
        self.urls = self._lines_field("urls", "Web addresses", "One address per line")
        form.addRow("&Web:", self.urls)
        self.birthday = self._line("birthday", "Birthday", "YYYY-MM-DD, or --MM-DD without year")
        form.addRow("&Birthday:", self.birthday)
        self.anniversary = self._line(
            "anniversary", "Anniversary", "YYYY-MM-DD, or --MM-DD without year"
        )
        form.addRow("Anni&versary:", self.anniversary)
        return page

    def _types_label(self, name: str) -> QLabel:
        label = plain_label(wrap=True)
        label.setObjectName(name)
        label.hide()
        return label

    def _relationship_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.how_known = QComboBox()
        self.how_known.setObjectName("howKnown")
        self.how_known.setAccessibleName("How you know them")
        for value, label in HOW_KNOWN_LABELS.items():
            self.how_known.addItem(label, value.value)
        self.how_known.setCurrentIndex(self.how_known.findData(HowKnown.UNKNOWN.value))
        self.how_known.currentIndexChanged.connect(self._suggest_tie)
        form.addRow("&How you know them:", self.how_known)

        ties = QVBoxLayout()
        self.tie_group = QButtonGroup(self)
        self.tie_buttons: dict[Tie, QRadioButton] = {}
        for tie in Tie:
            button = QRadioButton(tie.label)
            button.setObjectName(f"tie_{tie.value}")
            button.setAccessibleName(tie.label)
            button.setAccessibleDescription(TIE_DEFINITIONS[tie])
            self.tie_group.addButton(button)
            self.tie_buttons[tie] = button
            ties.addWidget(button)
            definition = plain_label(TIE_DEFINITIONS[tie], wrap=True)
            definition.setObjectName(f"tieDefinition_{tie.value}")
            definition.setIndent(24)
            ties.addWidget(definition)
            button.clicked.connect(self._tie_clicked)
        self.tie_hint = plain_label(wrap=True)
        self.tie_hint.setObjectName("tieHint")
        ties.addWidget(self.tie_hint)
        form.addRow("Tie:", ties)

        self.cadence = QSpinBox()
        self.cadence.setObjectName("cadence")
        self.cadence.setRange(0, 3650)
        self.cadence.setSpecialValueText("As the tie says")
        self.cadence.setSuffix(" days")
        self.cadence.setAccessibleName("Keep in touch every (days); 0 follows the tie")
        form.addRow("Keep in touch &every:", self.cadence)

        reference = QHBoxLayout()
        self.reference_consent = QCheckBox("Agreed to be a &reference")
        self.reference_consent.setObjectName("referenceConsent")
        self.reference_agreed_on = QDateEdit()
        self.reference_agreed_on.setObjectName("referenceAgreedOn")
        self.reference_agreed_on.setAccessibleName("Date they agreed to be a reference")
        self.reference_agreed_on.setDisplayFormat("yyyy-MM-dd")
        self.reference_agreed_on.setCalendarPopup(True)
        self.reference_agreed_on.setDate(QDate(self._now.year, self._now.month, self._now.day))
        self.reference_agreed_on.setEnabled(False)
        self.reference_consent.toggled.connect(self.reference_agreed_on.setEnabled)
        reference.addWidget(self.reference_consent)
        reference.addWidget(plain_label("on"))
        reference.addWidget(self.reference_agreed_on)
        reference.addStretch(1)
        # A row of several widgets has no buddy: the shortcut letter lives on the check box.
        form.addRow("Reference:", reference)
        self.above_and_beyond = QCheckBox("Went above and beyond for me (thank with a gift)")
        self.above_and_beyond.setObjectName("aboveAndBeyond")
        form.addRow("", self.above_and_beyond)
        self.archived = QCheckBox("Archived (hidden from the list and follow-ups)")
        self.archived.setObjectName("archived")
        form.addRow("", self.archived)
        return page

    def _notes_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.tags = self._line("tags", "Tags", "Comma-separated, e.g. python, Berlin")
        form.addRow("&Tags:", self.tags)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setAccessibleName("Notes")
        self.notes.setTabChangesFocus(True)
        form.addRow("N&otes:", self.notes)
        self.card_extra = QPlainTextEdit()
        self.card_extra.setObjectName("cardExtra")
        self.card_extra.setAccessibleName("Other details of the contact file, kept as they are")
        self.card_extra.setReadOnly(True)
        self.card_extra.setTabChangesFocus(True)
        self.card_extra.setFixedHeight(self.card_extra.fontMetrics().lineSpacing() * 4 + 14)
        self.card_extra.setPlaceholderText("Nothing else")
        form.addRow("Also on the card:", self.card_extra)
        return page

    # --- tie: chosen by the user, or suggested by how you know them ------------------------

    def _set_tie(self, tie: Tie) -> None:
        self.tie_buttons[tie].setChecked(True)

    def tie(self) -> Tie:
        for tie, button in self.tie_buttons.items():
            if button.isChecked():
                return tie
        return Tie.UNSORTED

    def _tie_clicked(self) -> None:
        self._tie_chosen = True
        self.tie_hint.clear()

    def _suggest_tie(self) -> None:
        if self._tie_chosen:
            return
        suggested = playbook.suggest_tie(self.how_known.currentData())
        if suggested is None:
            self.tie_hint.clear()
            return
        self._set_tie(suggested)
        self.tie_hint.setText(
            f"Suggested: {suggested.label}, from how you know them. Pick another if it fits better."
        )

    # --- load and save ---------------------------------------------------------------------

    def _load(self, contact_id: int) -> None:
        contact = reader.contact_details(contact_id)
        self.heading.setText(contact.display_name)
        for name in (
            "display_name",
            "given_name",
            "family_name",
            "middle_name",
            "prefix",
            "suffix",
            "nickname",
            "title",
            "linkedin_url",
            "birthday",
            "tags",
        ):
            getattr(self, name).setText(getattr(contact, name))
        self.company.setText(contact.company)
        self.emails.setPlainText("\n".join(contact.emails))
        self.phones.setPlainText("\n".join(contact.phones))
        self.department.setText("; ".join(contact.org_units))
        self.role.setText(contact.role)
        self.anniversary.setText(contact.anniversary)
        _show_types(self.email_types, contact.emails, contact.email_attrs or {})
        _show_types(self.phone_types, contact.phones, contact.phone_attrs or {})
        self.addresses.setPlainText(
            "\n".join(_address_line(a.attrs.types, str(a)) for a in contact.addresses)
        )
        self.card_extra.setPlainText(
            "\n".join(f"{p.name.title()}: {_unescaped(p.value)}" for p in contact.extra)
        )
        self.urls.setPlainText(contact.urls)
        self.notes.setPlainText(contact.notes)
        index = self.how_known.findData(contact.how_known)
        self.how_known.blockSignals(True)
        self.how_known.setCurrentIndex(max(index, 0))
        self.how_known.blockSignals(False)
        tie = contact.tie
        self._set_tie(tie)
        # A sorted contact's tie was a choice; only an unsorted one takes suggestions.
        self._tie_chosen = tie is not Tie.UNSORTED
        self.cadence.setValue(contact.cadence_days or 0)
        self.reference_consent.setChecked(contact.reference_consent)
        agreed = contact.reference_agreed_on
        if agreed:
            self.reference_agreed_on.setDate(QDate(agreed.year, agreed.month, agreed.day))
        self.above_and_beyond.setChecked(contact.above_and_beyond)
        self.archived.setChecked(contact.archived)
        if contact.photo:
            pixmap = QPixmap()
            if pixmap.loadFromData(contact.photo):
                self.photo.setPixmap(
                    pixmap.scaled(
                        72,
                        72,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
                self.photo.show()

    def problems(self) -> list[tuple[str, QWidget]]:
        """What is wrong with the form, each with the field to fix; empty when it can be saved."""
        found: list[tuple[str, QWidget]] = []
        name = self.display_name.text().strip()
        parts = [self.given_name.text().strip(), self.family_name.text().strip()]
        if not name and not any(parts):
            found.append(("Give the contact a name.", self.display_name))
        for email in _lines(self.emails.toPlainText()):
            if not is_valid_email(email):
                found.append((f"“{email}” is not an email address.", self.emails))
        birthday = self.birthday.text().strip()
        if birthday and not _valid_birthday(birthday):
            found.append(
                (f"“{birthday}” is not a date: write YYYY-MM-DD, or --MM-DD.", self.birthday)
            )
        anniversary = self.anniversary.text().strip()
        if anniversary and not _valid_birthday(anniversary):
            found.append(
                (f"“{anniversary}” is not a date: write YYYY-MM-DD, or --MM-DD.", self.anniversary)
            )
        linkedin = self.linkedin_url.text().strip()
        if linkedin and " " in linkedin:
            found.append((f"“{linkedin}” is not a web address.", self.linkedin_url))
        for url in _lines(self.urls.toPlainText()):
            if " " in url or "." not in url:
                found.append((f"“{url}” is not a web address.", self.urls))
        return found

    def fields(self) -> dict[str, Any]:
        name = self.display_name.text().strip()
        if not name:
            name = " ".join(
                p
                for p in (
                    self.given_name.text().strip(),
                    self.middle_name.text().strip(),
                    self.family_name.text().strip(),
                )
                if p
            )
        consent = self.reference_consent.isChecked()
        agreed = self.reference_agreed_on.date()
        return {
            "display_name": name,
            "given_name": self.given_name.text().strip(),
            "family_name": self.family_name.text().strip(),
            "middle_name": self.middle_name.text().strip(),
            "prefix": self.prefix.text().strip(),
            "suffix": self.suffix.text().strip(),
            "nickname": self.nickname.text().strip(),
            "title": self.title.text().strip(),
            "how_known": self.how_known.currentData(),
            "tie": self.tie().value,
            "cadence_days": self.cadence.value() or None,
            "reference_consent": consent,
            "reference_agreed_on": (
                dt.date(agreed.year(), agreed.month(), agreed.day()) if consent else None
            ),
            "above_and_beyond": self.above_and_beyond.isChecked(),
            "notes": self.notes.toPlainText().strip(),
            "linkedin_url": self.linkedin_url.text().strip(),
            "urls": "\n".join(_lines(self.urls.toPlainText())),
            "birthday": self.birthday.text().strip(),
            "tags": join_tags(split_tags(self.tags.text())),
            "role": self.role.text().strip(),
            "org_units": "\n".join(
                u.strip() for u in self.department.text().split(";") if u.strip()
            ),
            "anniversary": self.anniversary.text().strip(),
            "archived": self.archived.isChecked(),
        }

    def save(self) -> bool:
        """Check the form, then write it in one store call; False (and a message) if not."""
        problems = self.problems()
        if problems:
            self.error.setText("\n".join(message for message, _ in problems))
            self.error.show()
            problems[0][1].setFocus()
            return False
        self.error.hide()
        emails = _lines(self.emails.toPlainText())
        phones = _lines(self.phones.toPlainText())
        company = self.company.text().strip()
        fields = self.fields()
        if self.contact_id:
            self._actions.edit_contact(
                self.contact_id,
                fields,
                emails=emails,
                phones=phones,
                company=company,
                name=str(fields.get("display_name", "")),
            )
            self.saved_id = self.contact_id
        else:
            self.saved_id = self._actions.create_contact(
                fields, emails=emails, phones=phones, company=company
            )
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()
