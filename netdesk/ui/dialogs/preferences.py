"""Preferences: how often to keep in touch, when the daily digest comes, starting at log-in."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from netdesk.core import playbook
from netdesk.services.settings import Settings
from netdesk.store import queries
from netdesk.ui.widgets import plain_label


def _days(value: int, name: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, 3650)
    box.setSuffix(" days")
    box.setValue(value)
    box.setAccessibleName(name)
    return box


class PreferencesDialog(QDialog):
    """Writes the playbook's numbers to the store and the rest to Settings, on OK only."""

    def __init__(self, settings: Settings, now: dt.datetime, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self._settings = settings
        self._now = now
        current = queries.playbook_settings()
        layout = QVBoxLayout(self)

        rules = QGroupBox("Keeping in touch")
        form = QFormLayout(rules)
        self.advocate = _days(current.advocate_cadence_days, "Days between advocate touches")
        form.addRow("Write to an &advocate every", self.advocate)
        self.acquaintance = _days(
            current.work_acquaintance_cadence_days, "Days between work acquaintance touches"
        )
        form.addRow("Write to a &work acquaintance every", self.acquaintance)
        self.after_meeting = _days(
            current.follow_up_after_meeting_days, "Days to follow up after meeting someone"
        )
        form.addRow("&Follow up after meeting someone within", self.after_meeting)
        self.status_update = _days(
            current.status_update_after_days, "Days between job-search status updates"
        )
        form.addRow("Send a &status update every", self.status_update)
        layout.addWidget(rules)

        app_box = QGroupBox("NetDesk")
        form = QFormLayout(app_box)
        self.digest = QTimeEdit()
        self.digest.setDisplayFormat("HH:mm")
        self.digest.setAccessibleName("Time of the daily digest")
        parsed = QTime.fromString(settings.digest_time, "HH:mm")
        self.digest.setTime(parsed if parsed.isValid() else QTime(9, 0))
        form.addRow("Daily &digest at", self.digest)
        self.autostart = QCheckBox("Start NetDesk in the tray when I log in")
        self.autostart.setAccessibleName("Start NetDesk when I log in")
        self.autostart.setChecked(settings.autostart)
        form.addRow(self.autostart)
        layout.addWidget(app_box)
        layout.addWidget(
            plain_label("Changes to the rules apply to every contact at once.", wrap=True)
        )

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        chosen = playbook.PlaybookSettings(
            advocate_cadence_days=self.advocate.value(),
            work_acquaintance_cadence_days=self.acquaintance.value(),
            follow_up_after_meeting_days=self.after_meeting.value(),
            status_update_after_days=self.status_update.value(),
        )
        if chosen != queries.playbook_settings():
            queries.set_playbook_settings(chosen, self._now)
        self._settings.digest_time = self.digest.time().toString("HH:mm")
        self._settings.autostart = self.autostart.isChecked()
        super().accept()
