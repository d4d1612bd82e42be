"""References: who agreed, each application they were named on, heads-ups before a check, and a
warning before asking the same person too often."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QDateTime, QSize, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.dates import full_date
from netdesk.core.drafts import draft, reference_values
from netdesk.core.playbook import first_name
from netdesk.core.references import HEADS_UP_LEAD_DAYS
from netdesk.core.templates import is_valid_email
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.ui import look
from netdesk.ui.widgets import OVERDUE_COLOR, bold_font, plain_label
from netdesk.ui.workflows.common import (
    ID_ROLE,
    DraftDialog,
    MailHandOff,
    WorkflowDialog,
    button,
    current_row_id,
    from_qdate,
    select_row_id,
    to_qdate,
)

# What the day they agreed shows when none was recorded (its special text, never a date).
NOT_RECORDED = QDate(1900, 1, 1)


def _to_qdatetime(moment: dt.datetime) -> QDateTime:
    return QDateTime(to_qdate(moment.date()), QTime(moment.hour, moment.minute))


def _from_qdatetime(value: QDateTime) -> dt.datetime:
    time = value.time()
    return dt.datetime.combine(from_qdate(value.date()), dt.time(time.hour(), time.minute()))


class ReferencesDialog(WorkflowDialog):
    changed = Signal(list)

    def __init__(
        self,
        now: Callable[[], dt.datetime],
        actions: Actions,
        parent: QWidget | None = None,
        *,
        mail: MailHandOff | None = None,
    ) -> None:
        super().__init__("References", "referencesDialog", parent)
        self._now = now
        self._actions = actions
        self._mail = mail or MailHandOff()
        self.draft: DraftDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "Advocates give references. Mark who agreed, name them on each application, "
                "and NetDesk reminds you to give them a heads-up before the reference check.",
                wrap=True,
            )
        )
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter, 1)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("referenceList")
        self.table.setAccessibleName("Advocates and references")
        self.table.setHorizontalHeaderLabels(["Name", "Company", "Agreed", "Asked"])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        look.style_table(self.table, stretch_last=False)
        # Names and companies share the room; the day and the count take what they need.
        header = self.table.horizontalHeader()
        for column, mode in enumerate(
            (QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Stretch)
            + (QHeaderView.ResizeMode.ResizeToContents,) * 2
        ):
            header.setSectionResizeMode(column, mode)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setMinimumWidth(self.fontMetrics().averageCharWidth() * 56)
        splitter.addWidget(self.table)

        detail = QWidget()
        d = QVBoxLayout(detail)
        d.setContentsMargins(0, 0, 0, 0)
        self.who = plain_label(wrap=True)
        self.who.setFont(bold_font(self.who.font()))
        d.addWidget(self.who)
        consent_row = QHBoxLayout()
        self.consent = QCheckBox("Agreed to be a &reference on")
        self.consent.setObjectName("referenceConsent")
        self.consent.setAccessibleName("Agreed to be a reference")
        self.agreed_on = QDateEdit()
        self.agreed_on.setCalendarPopup(True)
        self.agreed_on.setDisplayFormat("d MMMM yyyy")
        self.agreed_on.setAccessibleName("The day they agreed")
        # A day nobody recorded reads as such, never as today: its first day stands for it.
        self.agreed_on.setMinimumDate(NOT_RECORDED)
        self.agreed_on.setSpecialValueText("day not recorded")
        consent_row.addWidget(self.consent)
        consent_row.addWidget(self.agreed_on)
        consent_row.addStretch(1)
        d.addLayout(consent_row)

        ask_box = QGroupBox("Name them on an application")
        form = QFormLayout(ask_box)
        self.company = QLineEdit()
        self.company.setObjectName("referenceCompany")
        self.company.setAccessibleName("The company you applied to")
        form.addRow("&Company", self.company)
        self.asked_at = QDateEdit()
        self.asked_at.setCalendarPopup(True)
        self.asked_at.setDisplayFormat("d MMMM yyyy")
        self.asked_at.setAccessibleName("The day you asked them")
        form.addRow("&Asked on", self.asked_at)
        check_row = QHBoxLayout()
        self.has_check = QCheckBox("Reference check expected")
        self.has_check.setObjectName("referenceHasCheck")
        self.check_at = QDateTimeEdit()
        self.check_at.setCalendarPopup(True)
        self.check_at.setDisplayFormat("d MMMM yyyy HH:mm")
        self.check_at.setObjectName("referenceCheckAt")
        self.check_at.setAccessibleName("When the employer will call them")
        check_row.addWidget(self.has_check)
        check_row.addWidget(self.check_at, 1)
        form.addRow(check_row)
        self.lead_days = QSpinBox()
        self.lead_days.setRange(0, 30)
        self.lead_days.setValue(HEADS_UP_LEAD_DAYS)
        self.lead_days.setSuffix(" days before")
        self.lead_days.setAccessibleName("Days before the check to give them a heads-up")
        form.addRow("&Heads-up", self.lead_days)
        self.notes = QLineEdit()
        self.notes.setAccessibleName("Notes on this ask")
        form.addRow("&Notes", self.notes)
        self.warning = plain_label(wrap=True)
        self.warning.setObjectName("referenceWarning")
        palette = self.warning.palette()
        palette.setColor(self.warning.foregroundRole(), OVERDUE_COLOR)
        self.warning.setPalette(palette)
        form.addRow(self.warning)
        self.ask_button = button(
            "&Log this ask", "Log that you named them on this application", "referenceAsk"
        )
        form.addRow(self.ask_button)
        drafts = QHBoxLayout()
        self.ask_draft_button = button(
            "Write the as&k…",
            "Draft a message asking them to be your reference",
            "referenceAskDraft",
        )
        self.heads_up_button = button(
            "Write a heads-&up…",
            "Draft a heads-up before the reference check",
            "referenceHeadsUp",
        )
        drafts.addWidget(self.ask_draft_button)
        drafts.addWidget(self.heads_up_button)
        drafts.addStretch(1)
        form.addRow(drafts)
        d.addWidget(ask_box)
        d.addWidget(plain_label("Each time you asked them"))
        self.asks = QListWidget()
        self.asks.setObjectName("referenceAsks")
        self.asks.setAccessibleName("Each time you asked them for a reference")
        d.addWidget(self.asks, 1)
        self.outcome = plain_label(wrap=True)
        self.outcome.setObjectName("referenceOutcome")
        d.addWidget(self.outcome)
        close = button("Close", "Close references")
        close.clicked.connect(self.accept)
        d.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        self.table.itemSelectionChanged.connect(self._show_current)
        self.consent.toggled.connect(self._consent_changed)
        self.agreed_on.dateChanged.connect(lambda _d: self._consent_changed(True, dated=True))
        self.has_check.toggled.connect(self.check_at.setEnabled)
        self.company.textChanged.connect(self._update_ask_button)
        self.ask_button.clicked.connect(self.log_ask)
        self.ask_draft_button.clicked.connect(lambda: self.write("reference_ask"))
        self.heads_up_button.clicked.connect(lambda: self.write("reference_heads_up"))
        self._loading = False
        self.reload()
        look.size_to_content(self, QSize(1000, 600))

    def reload(self, keep: int = 0) -> None:
        keep = keep or self.current_contact_id()
        rows = reader.reference_contacts()
        self.table.setRowCount(len(rows))
        for r, ref in enumerate(rows):
            # "Agreed": the day they agreed, or that they did (the day was not recorded).
            agreed = (
                full_date(ref.agreed_on)
                if ref.consent and ref.agreed_on
                else ("Yes" if ref.consent else "Not yet")
            )
            cells = (ref.name, ref.company, agreed, str(ref.asks))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, ref.contact_id)
                if column == 3:  # a count lines up on the right
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, column, item)
        target = next((i for i, ref in enumerate(rows) if ref.contact_id == keep), 0)
        if rows:
            self.table.selectRow(target)
        self._show_current()

    def current_contact_id(self) -> int:
        return current_row_id(self.table)

    def select_contact(self, contact_id: int) -> None:
        select_row_id(self.table, contact_id)

    def _current(self) -> reader.ReferenceContact | None:
        cid = self.current_contact_id()
        return next((r for r in reader.reference_contacts() if r.contact_id == cid), None)

    def _show_current(self) -> None:
        ref = self._current()
        now = self._now()
        self._loading = True
        for widget in (self.consent, self.agreed_on, self.company, self.asked_at, self.notes):
            widget.setEnabled(ref is not None)
        self.asked_at.setDate(to_qdate(now.date()))
        default_check = (now + dt.timedelta(days=7)).replace(hour=10, minute=0, second=0)
        self.check_at.setDateTime(_to_qdatetime(default_check))
        self.check_at.setEnabled(self.has_check.isChecked())
        self.asks.clear()
        if ref is None:
            self.who.setText("No advocates yet: sort your network to find them.")
            self.warning.setText("")
            self.ask_button.setEnabled(False)
            self._loading = False
            return
        self.who.setText(f"{ref.name}" + (f" — {ref.company}" if ref.company else ""))
        self.consent.setChecked(ref.consent)
        if ref.agreed_on is not None:
            self.agreed_on.setDate(to_qdate(ref.agreed_on))
        else:  # not recorded: say so; ticking the box now records today
            self.agreed_on.setDate(NOT_RECORDED if ref.consent else to_qdate(now.date()))
        self.agreed_on.setEnabled(ref.consent)
        for ask in reader.reference_requests(ref.contact_id):
            text = f"{full_date(ask.asked_at.date())}: {ask.company or 'no company named'}"
            if ask.check_at is not None:
                text += f", check on {full_date(ask.check_at.date())}"
            if ask.notes:
                text += f" — {ask.notes}"
            self.asks.addItem(text)
        warning = reader.reference_warning(ref.contact_id, now)
        self.warning.setText(warning or "")
        self.warning.setVisible(bool(warning))
        self._update_ask_button()
        self._loading = False

    def _update_ask_button(self, *_: object) -> None:
        ready = self.current_contact_id() != 0 and bool(self.company.text().strip())
        self.ask_button.setEnabled(ready)
        self.ask_draft_button.setEnabled(ready)
        self.heads_up_button.setEnabled(ready)

    def write(self, key: str) -> DraftDialog | None:
        """The ask or the heads-up to the selected advocate, for the company typed above,
        drafted from the user's template and signed."""
        cid = self.current_contact_id()
        company = self.company.text().strip()
        name = reader.contact_name(cid) if cid else None
        if name is None or not company:
            return None
        emails = [e for e in reader.contact_emails(cid) if is_valid_email(e.strip())]
        now = self._now()
        check = _from_qdatetime(self.check_at.dateTime()) if self.has_check.isChecked() else None

        def draft_for(my_name: str) -> str:
            values = reference_values(
                first_name(name), company, check_at=check, now=now, my_name=my_name
            )
            return draft(reader.template(key), values)

        heads_up = key == "reference_heads_up"
        self.draft = DraftDialog(
            "A heads-up" if heads_up else "Ask for a reference",
            name,
            emails[0].strip() if emails else "",
            "A reference call may come" if heads_up else "Would you be my reference?",
            draft_for,
            self._mail,
            self._actions,
            self,
        )
        self.draft.show()
        return self.draft

    def _consent_changed(self, on: bool, dated: bool = False) -> None:
        if self._loading:
            return
        cid = self.current_contact_id()
        if not cid:
            return
        if dated and not self.consent.isChecked():
            return
        day = self.agreed_on.date()
        if day == NOT_RECORDED:  # they agree as of now: the day is today
            day = to_qdate(self._now().date())
        agreed = from_qdate(day) if self.consent.isChecked() else None
        self._actions.mark_reference(cid, agreed)
        self.changed.emit([cid])
        self.reload(cid)

    def log_ask(self) -> None:
        cid = self.current_contact_id()
        company = self.company.text().strip()
        if not cid or not company:
            return
        now = self._now()
        asked = dt.datetime.combine(from_qdate(self.asked_at.date()), now.time())
        check = _from_qdatetime(self.check_at.dateTime()) if self.has_check.isChecked() else None
        self._actions.ask_reference(
            cid,
            company,
            asked,
            check_at=check,
            lead_days=self.lead_days.value(),
            notes=self.notes.text().strip(),
        )
        self.outcome.setText(
            f"Logged. NetDesk will remind you {self.lead_days.value()} days before the check."
            if check is not None
            else "Logged."
        )
        self.company.clear()
        self.notes.clear()
        self.changed.emit([cid])
        self.reload(cid)
