"""Log an interaction in a few keystrokes: kind (type-ahead), date, what happened, what helped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.domain import Direction, InteractionKind
from netdesk.ui import look
from netdesk.ui.widgets import plain_label

_DIRECTION_LABELS = {
    Direction.OUTGOING: "I reached out",
    Direction.INCOMING: "They reached out",
    Direction.MUTUAL: "Both (met, a call)",
}


@dataclass(frozen=True, slots=True)
class LoggedInteraction:
    kind: InteractionKind
    at: dt.datetime
    summary: str
    helped: str
    direction: Direction


class LogInteractionDialog(QDialog):
    """Enter saves; the kind combo jumps as you type ("co" → Coffee chat)."""

    def __init__(
        self,
        contact_name: str,
        now: dt.datetime,
        parent: QWidget | None = None,
        *,
        title: str = "Log interaction",
        initial: LoggedInteraction | None = None,
        prompt: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("logInteractionDialog")
        self.setWindowTitle(title)
        self._now = now
        layout = QVBoxLayout(self)
        heading = plain_label(prompt or f"What happened with {contact_name}?", wrap=True)
        heading.setObjectName("logInteractionHeading")
        layout.addWidget(heading)
        form = QFormLayout()
        layout.addLayout(form)

        self.kind = QComboBox()
        self.kind.setObjectName("kindCombo")
        self.kind.setAccessibleName("Kind of interaction")
        for kind in InteractionKind:
            self.kind.addItem(kind.label, kind.value)
        form.addRow("&Kind:", self.kind)

        self.date = QDateEdit()
        self.date.setObjectName("dateEdit")
        self.date.setAccessibleName("Date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate(now.year, now.month, now.day).addYears(1))
        self.date.setDate(QDate(now.year, now.month, now.day))
        form.addRow("&Date:", self.date)

        self.summary = QLineEdit()
        self.summary.setObjectName("summaryField")
        self.summary.setAccessibleName("What happened")
        # Shown quoted wherever NetDesk repeats it, so any wording reads right.
        self.summary.setPlaceholderText("e.g. Coffee at the Initech open house, talked about Go")
        form.addRow("&What happened:", self.summary)

        self.helped = QLineEdit()
        self.helped.setObjectName("helpedField")
        self.helped.setAccessibleName("What they did to help")
        # A thank-you says "Thank you for …" with it: the example invites words that read so.
        self.helped.setPlaceholderText("e.g. the introduction to Sam, your interview advice")
        self.helped.setToolTip(
            "Write it to follow “Thank you for …”: the introduction to Sam, your interview "
            "advice, the reference you gave Acme. Other wording is quoted as you wrote it."
        )
        form.addRow("What they did to &help:", self.helped)
        look.show_placeholder(self.summary, self.helped)  # the examples show whole

        self.direction = QComboBox()
        self.direction.setObjectName("directionCombo")
        self.direction.setAccessibleName("Who reached out")
        for direction, label in _DIRECTION_LABELS.items():
            self.direction.addItem(label, direction.value)
        form.addRow("Di&rection:", self.direction)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        if initial is not None:
            self.set_value(initial)
        self.kind.setFocus()

    def set_value(self, value: LoggedInteraction) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(value.kind.value)))
        self.date.setDate(QDate(value.at.year, value.at.month, value.at.day))
        self.summary.setText(value.summary)
        self.helped.setText(value.helped)
        self.direction.setCurrentIndex(max(0, self.direction.findData(value.direction.value)))

    def value(self) -> LoggedInteraction:
        qdate = self.date.date()
        day = dt.date(qdate.year(), qdate.month(), qdate.day())
        # Today's entry keeps the time of day so it sorts after earlier ones; a past day
        # gets noon, which no time zone turns into another day.
        at = self._now if day == self._now.date() else dt.datetime.combine(day, dt.time(12))
        return LoggedInteraction(
            kind=InteractionKind(self.kind.currentData()),
            at=at,
            summary=self.summary.text().strip(),
            helped=self.helped.text().strip(),
            direction=Direction(self.direction.currentData()),
        )
