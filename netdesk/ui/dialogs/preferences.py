"""Preferences: how often to keep in touch, when the daily digest comes, starting at log-in.

The form is the settings registry's (services.settings): one group per section, one row per
setting, its words and its default taken from there.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from netdesk.core import playbook
from netdesk.services import settings as registry
from netdesk.services.actions import Actions
from netdesk.services.settings import Kind, Setting, Settings, StoredIn
from netdesk.store import reader
from netdesk.ui import look
from netdesk.ui.widgets import plain_label

TIME_FORMAT = "HH:mm"


def _days(setting: Setting[Any], value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(setting.minimum, setting.maximum)
    box.setSuffix(" days")
    box.setValue(value)
    box.setAccessibleName(setting.description)
    return box


def _time(setting: Setting[Any], value: str) -> QTimeEdit:
    edit = QTimeEdit()
    edit.setDisplayFormat(TIME_FORMAT)
    edit.setAccessibleName(setting.description)
    parsed = QTime.fromString(value, TIME_FORMAT)
    edit.setTime(parsed if parsed.isValid() else QTime.fromString(setting.default, TIME_FORMAT))
    return edit


def _switch(setting: Setting[Any], value: bool) -> QCheckBox:
    box = QCheckBox(setting.label)
    box.setAccessibleName(setting.description)
    box.setChecked(value)
    return box


class PreferencesDialog(QDialog):
    """Writes the playbook's numbers to the store and the rest to Settings, on OK only."""

    def __init__(self, settings: Settings, actions: Actions, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self._settings = settings
        self._actions = actions
        current = reader.playbook_settings()
        # Each shown setting's editor, in the order the form shows them.
        self.editors: dict[Setting[Any], QWidget] = {}
        layout = QVBoxLayout(self)
        for title, shown in registry.in_preferences():
            group = QGroupBox(title)
            form = QFormLayout(group)
            for setting in shown:
                value = self._current(setting, current)
                editor = self._editor(setting, value)
                self.editors[setting] = editor
                if isinstance(editor, QCheckBox):
                    form.addRow(editor)  # a switch carries its own words
                else:
                    form.addRow(setting.label, editor)
            layout.addWidget(group)
        layout.addWidget(
            plain_label("Changes to the rules apply to every contact at once.", wrap=True)
        )
        # The rest of what the first run asked: the search and a file to import.
        search_row = QHBoxLayout()
        self.search_state = plain_label(wrap=True)
        self.search_state.setObjectName("preferencesSearch")
        search_row.addWidget(self.search_state, 1)
        change_search = QPushButton("Change the &search…")
        change_search.setObjectName("preferencesChangeSearch")
        change_search.clicked.connect(self.change_search)
        search_row.addWidget(change_search)
        layout.addLayout(search_row)
        layout.addWidget(plain_label("Import contacts any time from File > Import.", wrap=True))
        self._show_search()

        # Accounts live in a dialog of their own: the groups above are the settings registry's.
        row = QHBoxLayout()
        row.addWidget(
            plain_label(
                "Accounts: sync your contacts with a CardDAV server you already use. NetDesk "
                "connects to no other server.",
                wrap=True,
            ),
            1,
        )
        open_accounts = QPushButton("&Accounts…")
        open_accounts.setObjectName("openAccounts")
        open_accounts.clicked.connect(self.open_accounts)
        row.addWidget(open_accounts)
        layout.addLayout(row)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Tall enough for what its wrapped sentences take, so no field is squeezed.
        look.size_to_content(self)

    def open_accounts(self) -> None:
        from netdesk.ui.dialogs.accounts import AccountsDialog

        AccountsDialog(self._actions, self).exec()

    def _show_search(self) -> None:
        self.search_state.setText(f"Your job search: {reader.search_summary().sentence}.")

    def change_search(self) -> None:
        from netdesk.ui.workflows.search_bar import SearchDialog

        dialog = SearchDialog(self._actions.clock.now(), self._actions, self)
        dialog.accepted.connect(self._show_search)
        dialog.open()

    def _current(self, setting: Setting[Any], stored: playbook.PlaybookSettings) -> Any:
        if setting.stored_in is StoredIn.INI:
            return self._settings.get(setting)
        if setting is registry.MY_NAME:
            return reader.my_name()
        if setting is registry.PHONE_REGION:
            return reader.get_setting(setting.key, setting.default) or ""
        return getattr(stored, registry.playbook_field(setting))

    @staticmethod
    def _editor(setting: Setting[Any], value: Any) -> QWidget:
        if setting.kind is Kind.DAYS:
            return _days(setting, int(value))
        if setting.kind is Kind.TIME_OF_DAY:
            return _time(setting, str(value))
        if setting.kind is Kind.SWITCH:
            return _switch(setting, bool(value))
        if setting.kind is Kind.TEXT:
            edit = QLineEdit(str(value))
            edit.setAccessibleName(setting.description)
            return edit
        raise ValueError(f"Preferences has no editor for {setting.kind} ({setting.key})")

    @staticmethod
    def _chosen(editor: QWidget) -> Any:
        if isinstance(editor, QSpinBox):
            return editor.value()
        if isinstance(editor, QTimeEdit):
            return editor.time().toString(TIME_FORMAT)
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QLineEdit):
            return editor.text().strip()
        raise TypeError(f"no value to read from {type(editor).__name__}")

    def accept(self) -> None:
        stored = reader.playbook_settings()
        numbers = {
            registry.playbook_field(setting): self._chosen(editor)
            for setting, editor in self.editors.items()
            if setting.stored_in is StoredIn.DATABASE
            and setting not in (registry.MY_NAME, registry.PHONE_REGION)
        }
        chosen = dataclasses.replace(stored, **numbers)
        if chosen != stored:
            self._actions.set_playbook_settings(chosen)
        region_editor = self.editors.get(registry.PHONE_REGION)
        if region_editor is not None:
            region = str(self._chosen(region_editor)).upper()
            if region != (reader.get_setting(registry.PHONE_REGION.key) or ""):
                self._actions.set_phone_region(region)
        name_editor = self.editors.get(registry.MY_NAME)
        if name_editor is not None and self._chosen(name_editor) != reader.my_name():
            self._actions.set_my_name(self._chosen(name_editor))
        for setting, editor in self.editors.items():
            if setting.stored_in is StoredIn.INI:
                self._settings.put(setting, self._chosen(editor))
        super().accept()
