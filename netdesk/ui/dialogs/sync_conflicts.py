"""Changes made on both sides: for each field a contact and the server's card both changed,
the two values side by side and a choice (keep mine / take theirs), as in the import
preview. Nothing is lost while the user has not chosen: NetDesk keeps its value, the server
keeps its own."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.store.reader.sync import SyncConflict
from netdesk.ui.widgets import plain_label

# What each field is called on screen.
FIELD_LABELS = {
    "display_name": "Name",
    "name_parts": "Name parts",
    "nickname": "Nickname",
    "organization": "Company",
    "title": "Job title",
    "role": "Role",
    "addresses": "Addresses",
    "anniversary": "Anniversary",
    "emails": "Emails",
    "phones": "Phones",
    "web": "Web addresses",
    "birthday": "Birthday",
    "tags": "Tags",
    "notes": "Notes",
    "photo": "Photo",
}
KEEP_MINE = "Keep mine"
TAKE_THEIRS = "Take the server's"


def shown(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v) or "(none)"
    return str(value) if value not in ("", None) else "(none)"


class SyncConflictsDialog(QDialog):
    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncConflicts")
        self.setWindowTitle("Changes on both sides")
        self._actions = actions
        self.conflicts: list[SyncConflict] = reader.sync_conflicts()
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "These fields were changed both here and on your server since the last sync. "
                "Choose which value each contact keeps; the other side takes it at the next "
                "sync.",
                wrap=True,
            )
        )
        self.table = QTableWidget(len(self.conflicts), 5)
        self.table.setObjectName("conflictTable")
        self.table.setHorizontalHeaderLabels(
            ["Contact", "Field", "In NetDesk", "On the server", "Keep"]
        )
        self.choices: list[QComboBox] = []
        for row, conflict in enumerate(self.conflicts):
            self.table.setItem(row, 0, QTableWidgetItem(conflict.name))
            label = FIELD_LABELS.get(conflict.field, conflict.field)
            self.table.setItem(row, 1, QTableWidgetItem(label))
            self.table.setItem(row, 2, QTableWidgetItem(shown(conflict.mine)))
            self.table.setItem(row, 3, QTableWidgetItem(shown(conflict.theirs)))
            combo = QComboBox()
            combo.addItems([KEEP_MINE, TAKE_THEIRS])
            combo.setAccessibleName(f"Keep for {conflict.name}, {label}")
            self.table.setCellWidget(row, 4, combo)
            self.choices.append(combo)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (2, 3):  # the two values share what room there is
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        if self.choices:  # room for the longer choice, whichever is shown
            header.setSectionResizeMode(4, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(4, max(c.sizeHint().width() for c in self.choices))
        self.table.resizeRowsToContents()
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 360)

    def choose(self, row: int, theirs: bool) -> None:
        self.choices[row].setCurrentText(TAKE_THEIRS if theirs else KEEP_MINE)

    def accept(self) -> None:
        by_contact: dict[int, tuple[str, list[str], list[str]]] = {}
        for conflict, combo in zip(self.conflicts, self.choices, strict=True):
            name, theirs, mine = by_contact.setdefault(conflict.contact_id, (conflict.name, [], []))
            (theirs if combo.currentText() == TAKE_THEIRS else mine).append(conflict.field)
        for contact_id, (name, theirs, mine) in by_contact.items():
            self._actions.resolve_sync_conflicts(contact_id, theirs, mine, name)
        super().accept()
