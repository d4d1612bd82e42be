"""The preview of an imported history (a LinkedIn data archive, a mailbox): what each file
adds to the network and to the timelines, before anything is written."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.mail_history import history_parts
from netdesk.store.reader import FilePlan


def describe_file(plan: FilePlan) -> str:
    """'9 new timeline entries for 4 people; 2 already there; 1 about people not in your
    network; 1 left out (drafts or rows without a date)'."""
    return "; ".join(history_parts(plan, "add yours below"))


def will_write(plans: Sequence[FilePlan], contacts_written: bool = False) -> bool:
    return contacts_written or any(p.new for p in plans)


class HistoryPreviewDialog(QDialog):
    """One line per file: what it holds and what importing it adds. A mail import also
    shows the user's own addresses (found in Sent folders), which the user may correct."""

    def __init__(
        self,
        title: str,
        intro: str,
        lines: Sequence[tuple[str, str, str]],
        parent: QWidget | None = None,
        *,
        notes: Sequence[str] = (),
        writes: bool = True,
        addresses: Sequence[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyPreview")
        self.setWindowTitle(title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        heading = QLabel(intro, self)
        heading.setObjectName("historyPreviewIntro")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        layout.addWidget(heading)

        self.files = QTreeWidget(self)
        self.files.setObjectName("historyPreviewFiles")
        self.files.setColumnCount(3)
        self.files.setHeaderLabels(["File", "In it", "What it adds"])
        self.files.setRootIsDecorated(False)
        self.files.setWordWrap(True)
        self.files.setAccessibleName("What each file adds")
        self.files.setUniformRowHeights(False)
        for name, holds, adds in lines:
            # One line per thing a file adds, so none is cut at the edge of the window.
            item = QTreeWidgetItem([name, holds, adds.replace("; ", "\n")])
            item.setToolTip(2, adds)
            for column in range(3):
                item.setTextAlignment(
                    column, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
                )
            self.files.addTopLevelItem(item)
        for column in range(2):
            self.files.resizeColumnToContents(column)
        layout.addWidget(self.files, 1)

        for note in notes:
            label = QLabel(note, self)
            label.setObjectName("historyPreviewNote")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            layout.addWidget(label)

        self.addresses: QLineEdit | None = None
        if addresses is not None:
            form = QFormLayout()
            self.addresses = QLineEdit(", ".join(addresses), self)
            self.addresses.setObjectName("ownAddresses")
            self.addresses.setPlaceholderText("you@example.org, you@work.example")
            self.addresses.setAccessibleName("Your own email addresses")
            form.addRow("Your addresses:", self.addresses)
            hint = QLabel(
                "Mail from these addresses counts as sent by you. NetDesk found them in your "
                "Sent folders; add any it missed, separated by commas, and the mailbox is read "
                "again.",
                self,
            )
            hint.setWordWrap(True)
            hint.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow("", hint)
            layout.addLayout(form)

        buttons = QDialogButtonBox(self)
        self.accept_button = buttons.addButton(
            "Import" if writes else "Close", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.accept_button.setObjectName("historyImportButton")
        if writes:
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def own_addresses(self) -> list[str]:
        """The addresses the user left in the field (lower case, each once)."""
        if self.addresses is None:
            return []
        words = self.addresses.text().replace(";", ",").replace(" ", ",").split(",")
        return list(dict.fromkeys(w.strip().lower() for w in words if "@" in w))
