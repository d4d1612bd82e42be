"""Preferences builds its form from the settings registry and writes where each setting lives."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import peewee as pw
import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
)

from netdesk.services import settings as registry
from netdesk.services.actions import Actions
from netdesk.services.settings import Settings, StoredIn
from netdesk.store import reader
from netdesk.ui.dialogs.preferences import PreferencesDialog


@pytest.fixture
def settings(qapp: object, tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


def _rows(dialog: PreferencesDialog) -> list[tuple[str, str, str]]:
    """(group title, row label, editor's accessible name), in the order the form shows them."""
    rows = []
    for group in dialog.findChildren(QGroupBox):
        form = group.layout()
        assert isinstance(form, QFormLayout)
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            span_item = form.itemAt(row, QFormLayout.ItemRole.SpanningRole)
            editor = (field_item or span_item).widget()
            if isinstance(editor, QCheckBox):
                text = editor.text()
            else:
                label = label_item.widget()
                assert isinstance(label, QLabel)
                text = label.text()
            rows.append((group.title(), text, editor.accessibleName()))
    return rows


def test_the_form_is_the_registrys(
    settings: Settings,
    store: pw.SqliteDatabase,
    actions: Actions,
    now: dt.datetime,
    qtbot: object,
) -> None:
    dialog = PreferencesDialog(settings, actions)
    expected = [
        (title, s.label, s.description) for title, shown in registry.in_preferences() for s in shown
    ]
    assert len(expected) >= 6
    assert _rows(dialog) == expected
    assert list(dialog.editors) == [s for _, shown in registry.in_preferences() for s in shown]
    # A fresh store and settings file show the registry's defaults.
    for setting, editor in dialog.editors.items():
        if isinstance(editor, QSpinBox):
            assert editor.value() == setting.default
            assert (editor.minimum(), editor.maximum()) == (setting.minimum, setting.maximum)
        elif isinstance(editor, QTimeEdit):
            assert editor.time().toString("HH:mm") == setting.default
        elif isinstance(editor, QLineEdit):
            assert editor.text() == setting.default
        else:
            assert isinstance(editor, QCheckBox)
            assert editor.isChecked() is setting.default
    dialog.deleteLater()


def test_a_setting_taken_out_of_the_registry_leaves_the_form(
    settings: Settings,
    store: pw.SqliteDatabase,
    actions: Actions,
    now: dt.datetime,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: object,
) -> None:
    renamed = dataclasses.replace(registry.DIGEST_TIME, label="Summary &at")
    kept = tuple(
        renamed if s is registry.DIGEST_TIME else s
        for s in registry.REGISTRY
        if s is not registry.AUTOSTART
    )
    monkeypatch.setattr(registry, "REGISTRY", kept)
    dialog = PreferencesDialog(settings, actions)
    labels = [label for _, label, _ in _rows(dialog)]
    assert "Summary &at" in labels
    assert registry.DIGEST_TIME.label not in labels
    assert registry.AUTOSTART.label not in labels
    dialog.deleteLater()


def test_ok_writes_each_setting_where_the_registry_says(
    settings: Settings,
    store: pw.SqliteDatabase,
    actions: Actions,
    now: dt.datetime,
    qtbot: object,
) -> None:
    dialog = PreferencesDialog(settings, actions)
    for setting, editor in dialog.editors.items():
        if setting is registry.ADVOCATE_CADENCE:
            assert isinstance(editor, QSpinBox)
            editor.setValue(21)
        elif setting is registry.DIGEST_TIME:
            assert isinstance(editor, QTimeEdit)
            editor.setTime(QTime(7, 45))
        elif setting is registry.AUTOSTART:
            assert isinstance(editor, QCheckBox)
            editor.setChecked(True)
        elif setting is registry.MY_NAME:
            assert isinstance(editor, QLineEdit)
            editor.setText("  Alex Kim ")
    assert all(s.stored_in in (StoredIn.INI, StoredIn.DATABASE) for s in dialog.editors)
    dialog.accept()
    assert reader.playbook_settings().advocate_cadence_days == 21
    assert settings.digest_time == "07:45"
    assert settings.autostart is True
    assert reader.my_name() == "Alex Kim"
    dialog.deleteLater()
