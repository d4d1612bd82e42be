"""Sort your network: a keyboard pass through unsorted contacts (A, W, S; Backspace goes back)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from netdesk.core.domain import TIE_DEFINITIONS, HowKnown, Tie
from netdesk.core.playbook import suggest_tie
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.ui.widgets import bold_font, plain_label
from netdesk.ui.workflows.common import WorkflowDialog, button


@dataclass(frozen=True, slots=True)
class _Decision:
    index: int
    contact_id: int
    before: Tie
    after: Tie | None  # None: skipped


class SortDialog(WorkflowDialog):
    """One contact at a time; each key decides and moves on, so a whole import sorts fast."""

    changed = Signal(list)  # contact ids whose tie changed

    def __init__(
        self, now: Callable[[], dt.datetime], actions: Actions, parent: QWidget | None = None
    ) -> None:
        super().__init__("Sort your network", "sortDialog", parent)
        self._now = now
        self._actions = actions
        self._queue = reader.unsorted_contacts()
        self._index = 0
        self._history: list[_Decision] = []
        self.resize(760, 460)
        layout = QVBoxLayout(self)
        self.progress = plain_label()
        self.progress.setObjectName("sortProgress")
        layout.addWidget(self.progress)
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card_layout = QVBoxLayout(card)
        self.name = plain_label(wrap=True)
        self.name.setObjectName("sortName")
        font = bold_font(self.name.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.name.setFont(font)
        card_layout.addWidget(self.name)
        self.detail = plain_label(wrap=True)
        self.detail.setObjectName("sortDetail")
        card_layout.addWidget(self.detail)
        self.hint = plain_label(wrap=True)
        self.hint.setObjectName("sortHint")
        card_layout.addWidget(self.hint)
        layout.addWidget(card)

        grid = QGridLayout()
        self.advocate_button = button(
            "&Advocate (A)", "Advocate: knows your work well", "sortAdvocate"
        )
        self.work_button = button(
            "&Work acquaintance (W)", "Work acquaintance: knows you, not well", "sortWork"
        )
        for column, (tie, widget) in enumerate(
            ((Tie.ADVOCATE, self.advocate_button), (Tie.WORK_ACQUAINTANCE, self.work_button))
        ):
            grid.addWidget(widget, 0, column)
            definition = plain_label(TIE_DEFINITIONS[tie], wrap=True)
            definition.setObjectName(f"definition_{tie.value}")
            definition.setAlignment(Qt.AlignmentFlag.AlignTop)
            grid.addWidget(definition, 1, column)
        layout.addLayout(grid)
        row = QHBoxLayout()
        self.back_button = button("Back (Backspace)", "Go back to the previous contact", "sortBack")
        self.skip_button = button("&Skip (S or Space)", "Skip this contact for now", "sortSkip")
        self.close_button = button("Done", "Close the sorting pass", "sortDone")
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.skip_button)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        layout.addWidget(
            plain_label(
                "Keys: A advocate, W work acquaintance, S or Space skip, Backspace or Ctrl+Z back.",
                wrap=True,
            )
        )
        self.advocate_button.clicked.connect(lambda: self.decide(Tie.ADVOCATE))
        self.work_button.clicked.connect(lambda: self.decide(Tie.WORK_ACQUAINTANCE))
        self.skip_button.clicked.connect(lambda: self.decide(None))
        self.back_button.clicked.connect(self.back)
        self.close_button.clicked.connect(self.accept)
        # The keys are read by the dialog itself (no button takes focus), so Space can never
        # press whichever button happens to have it.
        for widget in (
            self.advocate_button,
            self.work_button,
            self.skip_button,
            self.back_button,
            self.close_button,
        ):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._show()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = mods == Qt.KeyboardModifier.NoModifier or mods == Qt.KeyboardModifier.ShiftModifier
        if plain and key == Qt.Key.Key_A:
            self.decide(Tie.ADVOCATE)
        elif plain and key == Qt.Key.Key_W:
            self.decide(Tie.WORK_ACQUAINTANCE)
        elif plain and key in (Qt.Key.Key_S, Qt.Key.Key_Space):
            self.decide(None)
        elif key == Qt.Key.Key_Backspace or event.matches(QKeySequence.StandardKey.Undo):
            self.back()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    @property
    def total(self) -> int:
        return len(self._queue)

    def sorted_count(self) -> int:
        return sum(1 for d in self._history if d.after is not None)

    def current_contact_id(self) -> int:
        return self._queue[self._index].contact_id if self._index < self.total else 0

    def _show(self) -> None:
        self.progress.setText(f"{self.sorted_count()} of {self.total} sorted")
        self.back_button.setEnabled(bool(self._history))
        done = self._index >= self.total
        for widget in (self.advocate_button, self.work_button, self.skip_button):
            widget.setEnabled(not done)
        if done:
            self.name.setText("All done" if self.total else "Nobody to sort")
            if self.total:
                said = (
                    "Every contact in this pass has been seen. Skipped ones stay unsorted "
                    "for later."
                )
            elif reader.count_contact_list(reader.ListFilter()):
                said = "Every contact is already an advocate or a work acquaintance."
            else:  # an empty network: nobody is sorted either
                said = "Your network is empty: import a file or add a contact, then sort them here."
            self.detail.setText(said)
            self.hint.setText("")
            return
        candidate = self._queue[self._index]
        self.name.setText(candidate.name)
        self.name.setAccessibleName(f"Contact: {candidate.name}")
        parts = [p for p in (candidate.title, candidate.company) if p]
        if candidate.first_touch:
            parts.append(f"First: {candidate.first_touch}")
        self.detail.setText(" · ".join(parts) or "No company or title recorded")
        if candidate.how_known is HowKnown.UNKNOWN:
            self.hint.setText("How you know them: not recorded.")
        else:
            suggested = suggest_tie(candidate.how_known)
            tail = f", which suggests {suggested.label}." if suggested else "."
            self.hint.setText(f"How you know them: {candidate.how_known.label}{tail}")

    def decide(self, tie: Tie | None) -> None:
        if self._index >= self.total:
            return
        candidate = self._queue[self._index]
        before = reader.contact_tie(candidate.contact_id)
        if tie is not None:
            self._actions.set_tie(
                [candidate.contact_id], tie, text=f"Sort {candidate.name} as {tie.label}"
            )
            self.changed.emit([candidate.contact_id])
        self._history.append(_Decision(self._index, candidate.contact_id, before, tie))
        self._index += 1
        self._show()

    def back(self) -> None:
        if not self._history:
            return
        decision = self._history.pop()
        if decision.after is not None:
            self._actions.set_tie(
                [decision.contact_id], decision.before, text="Go back in Sort your network"
            )
            self.changed.emit([decision.contact_id])
        self._index = decision.index
        self._show()
