"""Edit the message templates (status update, thank-you, the closing asks, the reference ask
and heads-up, the follow-up note) and your name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.templates import DEFAULT_TEMPLATES, PLACEHOLDERS, find_asks
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.ui.look import wrap_lines
from netdesk.ui.widgets import OVERDUE_COLOR, plain_label
from netdesk.ui.workflows.common import WorkflowDialog, button

TEMPLATE_LABELS = {
    "status_update": "No-ask status update",
    "thank_you": "Thank-you",
    "ask_joining": "Thanks, and a meeting for tips (joining their company)",
    "ask_elsewhere": "Thanks, and one tip for a new team (going elsewhere)",
    "reference_ask": "Asking someone to be your reference",
    "reference_heads_up": "A heads-up before a reference check",
    "follow_up": "A note to follow up or keep in touch",
}
KEY_ROLE = Qt.ItemDataRole.UserRole


class TemplatesDialog(WorkflowDialog):
    """Changes are saved as you switch templates or close; Reset puts the default back."""

    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__("Message templates", "templatesDialog", parent)
        self._actions = actions
        self.resize(980, 600)
        layout = QVBoxLayout(self)
        name_row = QHBoxLayout()
        name_row.addWidget(plain_label("Your name, to sign messages"))
        self.my_name = QLineEdit(reader.my_name())
        self.my_name.setObjectName("myName")
        self.my_name.setAccessibleName("Your name, used for {my_name}")
        name_row.addWidget(self.my_name, 1)
        layout.addLayout(name_row)
        body = QHBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.setAccessibleName("Templates")
        wrap_lines(self.list)
        for key in DEFAULT_TEMPLATES:
            item = QListWidgetItem(TEMPLATE_LABELS.get(key, key))
            item.setData(KEY_ROLE, key)
            self.list.addItem(item)
        self.list.setMaximumWidth(300)
        body.addWidget(self.list)
        right = QVBoxLayout()
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("templateText")
        self.editor.setAccessibleName("Template text")
        self.editor.setTabChangesFocus(True)
        right.addWidget(self.editor, 1)
        self.warning = plain_label(wrap=True)
        self.warning.setObjectName("templateWarning")
        palette = self.warning.palette()
        palette.setColor(self.warning.foregroundRole(), OVERDUE_COLOR)
        self.warning.setPalette(palette)
        right.addWidget(self.warning)
        help_text = "\n".join(f"{{{k}}}: {v}" for k, v in PLACEHOLDERS.items())
        placeholders = plain_label("Placeholders\n" + help_text, wrap=True)
        right.addWidget(placeholders)
        buttons = QHBoxLayout()
        self.reset_button = button(
            "&Reset to default", "Put this template back as NetDesk wrote it", "templateReset"
        )
        close = button("Close", "Save and close")
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        right.addLayout(buttons)
        body.addLayout(right, 1)
        layout.addLayout(body, 1)
        self._key = ""
        self.list.currentItemChanged.connect(self._switch)
        self.editor.textChanged.connect(self._check)
        self.reset_button.clicked.connect(self.reset_current)
        close.clicked.connect(self.accept)
        self.list.setCurrentRow(0)

    def current_key(self) -> str:
        return self._key

    def select(self, key: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(KEY_ROLE) == key:
                self.list.setCurrentRow(row)

    def save(self) -> None:
        if self._key and self.editor.toPlainText() != reader.template(self._key):
            self._actions.set_template(self._key, self.editor.toPlainText())
        if self.my_name.text().strip() != reader.my_name():
            self._actions.set_my_name(self.my_name.text())

    def _switch(self, current: QListWidgetItem | None, _previous: object = None) -> None:
        self.save()
        self._key = str(current.data(KEY_ROLE)) if current is not None else ""
        self.editor.setPlainText(reader.template(self._key) if self._key else "")
        self._check()

    def _check(self) -> None:
        asks = find_asks(self.editor.toPlainText()) if self._key == "status_update" else []
        self.warning.setText(
            "A status update asks for nothing. This one asks: " + ", ".join(asks) if asks else ""
        )
        self.warning.setVisible(bool(asks))
        self.reset_button.setEnabled(
            bool(self._key) and self.editor.toPlainText() != DEFAULT_TEMPLATES[self._key]
        )

    def reset_current(self) -> None:
        if self._key:
            self.editor.setPlainText(DEFAULT_TEMPLATES[self._key])
            self._actions.reset_template(self._key)

    def done(self, result: int) -> None:
        self.save()
        super().done(result)
