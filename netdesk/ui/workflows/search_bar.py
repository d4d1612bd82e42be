"""The job search's state, always in view at the top of the window, and the one dialog that
changes it; the header also invites the user to sort unsorted contacts."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.domain import SearchState
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.ui import look
from netdesk.ui.widgets import bold_font, plain_label
from netdesk.ui.workflows.common import button, from_qdate, to_qdate

STATE_LABELS = {
    SearchState.SEARCHING: "Searching",
    SearchState.PAUSED: "Paused",
    SearchState.OFFER_RECEIVED: "Offer received",
    SearchState.OFFER_ACCEPTED: "Offer accepted",
    SearchState.NOT_STARTED: "Not searching",
}
OFFER_STATES = (SearchState.OFFER_RECEIVED, SearchState.OFFER_ACCEPTED)


class SearchHeader(QFrame):
    """'Searching since 3 September 2026  [Change…]   12 contacts to sort [Sort them…]'."""

    changeClicked = Signal()
    wrapUpClicked = Signal()
    sortClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchHeader")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.state_label = plain_label()
        self.state_label.setObjectName("searchState")
        self.state_label.setFont(bold_font(self.state_label.font()))
        layout.addWidget(self.state_label)
        self.change_button = button(
            "Change…", "Change the state of your job search", "searchChangeButton"
        )
        layout.addWidget(self.change_button)
        self.wrap_up_button = button(
            "Thank everyone…",
            "Start or continue the offer wrap-up: thank everyone who helped",
            "wrapUpButton",
        )
        layout.addWidget(self.wrap_up_button)
        layout.addStretch(1)
        self.sort_label = plain_label()
        self.sort_label.setObjectName("sortInvite")
        layout.addWidget(self.sort_label)
        self.sort_button = button(
            "Sort them…",
            "Sort unsorted contacts into advocates and work acquaintances",
            "sortInviteButton",
        )
        layout.addWidget(self.sort_button)
        self.change_button.clicked.connect(self.changeClicked)
        self.wrap_up_button.clicked.connect(self.wrapUpClicked)
        self.sort_button.clicked.connect(self.sortClicked)

    def refresh(self) -> None:
        summary = reader.search_summary()
        self.state_label.setText(summary.sentence)
        self.state_label.setAccessibleName(f"Job search: {summary.sentence}")
        self.wrap_up_button.setVisible(summary.state in OFFER_STATES)
        unsorted = reader.count_unsorted()
        self.sort_label.setText(
            f"{unsorted} contact{'s' if unsorted != 1 else ''} to sort" if unsorted else ""
        )
        self.sort_label.setVisible(unsorted > 0)
        self.sort_button.setVisible(unsorted > 0)


class SearchDialog(QDialog):
    """The one place the search's state changes: state, start date, the offering company."""

    def __init__(
        self, now: dt.datetime, actions: Actions, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._actions = actions
        self.setObjectName("searchDialog")
        self.setWindowTitle("Your job search")
        self._now = now
        summary = reader.search_summary()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.state = QComboBox()
        self.state.setAccessibleName("State of the search")
        for state, label in STATE_LABELS.items():
            self.state.addItem(label, state.value)
        self.state.setCurrentIndex(self.state.findData(summary.state.value))
        form.addRow("&State", self.state)
        self.started = QDateEdit()
        self.started.setCalendarPopup(True)
        self.started.setDisplayFormat("d MMMM yyyy")
        self.started.setAccessibleName("The day the search started")
        self.started.setDate(to_qdate(summary.started_on or now.date()))
        form.addRow("Searching &since", self.started)
        self.company = QLineEdit(summary.offer_company)
        self.company.setAccessibleName("The company that made the offer")
        self.company.setPlaceholderText("Company that made the offer")
        look.show_placeholder(self.company)
        form.addRow("Offer from / &at", self.company)
        layout.addLayout(form)
        self.note = plain_label(
            "While you are searching (or holding an offer), NetDesk reminds you to send "
            "no-ask status updates. When an offer comes, thank everyone who helped.",
            wrap=True,
        )
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.state.currentIndexChanged.connect(self._update)
        self.company.textChanged.connect(self._update)
        self._update()

    def chosen_state(self) -> SearchState:
        return SearchState(self.state.currentData())

    def _update(self, *_: object) -> None:
        offer = self.chosen_state() in OFFER_STATES
        self.company.setEnabled(offer)
        self.ok_button.setEnabled(not offer or bool(self.company.text().strip()))

    def accept(self) -> None:
        state = self.chosen_state()
        offer = state in OFFER_STATES
        self._actions.set_job_search(
            state,
            started_on=from_qdate(self.started.date()),
            offer_company=self.company.text().strip() if offer else None,
            joining=state is SearchState.OFFER_ACCEPTED,
        )
        super().accept()
