"""File > Export…: which contacts, and in which format; the file is chosen afterwards."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True, slots=True)
class ExportFormat:
    label: str
    extension: str
    everything_only: bool = False  # JSON is the whole store: settings, timeline, follow-ups


FORMATS: dict[str, ExportFormat] = {
    "vcard4": ExportFormat("vCard 4.0", "vcf"),
    "vcard3": ExportFormat("vCard 3.0 (older phones and programs)", "vcf"),
    "csv": ExportFormat("CSV (spreadsheets)", "csv"),
    "json": ExportFormat("JSON of everything (contacts, timeline, follow-ups)", "json", True),
}


@dataclass(frozen=True, slots=True)
class ExportChoice:
    format: str  # a key of FORMATS
    selection_only: bool


class ExportDialog(QDialog):
    """Asks what to export; `choice()` holds the answer once accepted."""

    def __init__(self, selected: int, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export contacts")
        self.setAccessibleName("Export contacts")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        self.selection = QRadioButton(
            f"The {selected:,} selected contact{'s' if selected != 1 else ''}", self
        )
        self.selection.setObjectName("exportSelection")
        self.everything = QRadioButton(f"Everyone ({total:,} contacts)", self)
        self.everything.setObjectName("exportEverything")
        group = QButtonGroup(self)
        group.addButton(self.selection)
        group.addButton(self.everything)
        self.selection.setEnabled(selected > 0)
        (self.selection if selected else self.everything).setChecked(True)
        what = QVBoxLayout()
        what.addWidget(self.selection)
        what.addWidget(self.everything)
        what_label = QLabel("&What:", self)
        what_label.setBuddy(self.selection if selected else self.everything)
        form.addRow(what_label, what)

        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        self.format.setAccessibleName("Format")
        for key, fmt in FORMATS.items():
            self.format.addItem(fmt.label, key)
        self.format.currentIndexChanged.connect(self._format_changed)
        format_label = QLabel("&Format:", self)
        format_label.setBuddy(self.format)
        form.addRow(format_label, self.format)

        self.hint = QLabel(self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)

        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._selected = selected
        self._format_changed()

    def _format_changed(self) -> None:
        fmt = FORMATS[self.format.currentData()]
        if fmt.everything_only:
            self.everything.setChecked(True)
            self.hint.setText("JSON holds everything in NetDesk, so it is always everyone.")
        else:
            self.hint.setText("The file is written only once it is complete.")
        self.selection.setEnabled(self._selected > 0 and not fmt.everything_only)

    def set_format(self, key: str) -> None:
        self.format.setCurrentIndex(self.format.findData(key))

    def choice(self) -> ExportChoice:
        key = self.format.currentData()
        return ExportChoice(key, self.selection.isChecked() and not FORMATS[key].everything_only)
