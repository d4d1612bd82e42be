"""File > Export follow-ups as calendar…: the open follow-ups as an .ics file a phone's
calendar imports (Thunderbird, GNOME Calendar, Google Calendar, Apple Calendar)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTime
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.calendar import (
    CalendarDetail,
    CalendarForm,
    CalendarOptions,
    build_calendar,
)

if TYPE_CHECKING:
    from netdesk.ui.main_window import MainWindow

DEFAULT_FILE_NAME = "NetDesk follow-ups.ics"


@dataclasses.dataclass(frozen=True)
class CalendarChoice:
    options: CalendarOptions
    days: int | None  # None: every open follow-up


class CalendarExportDialog(QDialog):
    """Choose how the follow-ups appear in a calendar; the choice is remembered."""

    def __init__(self, options: CalendarOptions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarExportDialog")
        self.setWindowTitle("Export follow-ups as calendar")
        intro = QLabel(
            "Save your open follow-ups as a calendar file, to import into the calendar on "
            "your phone or computer. Overdue follow-ups appear on today."
        )
        intro.setWordWrap(True)

        self.form = QComboBox()
        self.form.setAccessibleName("Show follow-ups as")
        for form in CalendarForm:
            self.form.addItem(form.label, form)
        self.form.setCurrentIndex(self.form.findData(options.form))
        self.form.setToolTip(
            "Tasks suit Thunderbird, GNOME Calendar and Apple Reminders; Google Calendar "
            "imports only events."
        )

        self.detail = QComboBox()
        self.detail.setAccessibleName("What the calendar may say")
        for detail in CalendarDetail:
            self.detail.addItem(detail.label, detail)
        self.detail.setCurrentIndex(self.detail.findData(options.detail))
        self.detail.setToolTip("Your notes about people are never put in a calendar.")

        self.alarm = QTimeEdit(QTime(options.alarm_at.hour, options.alarm_at.minute))
        self.alarm.setDisplayFormat("HH:mm")
        self.alarm.setAccessibleName("Remind me at")

        self.birthdays = QCheckBox("Add birthdays as yearly events")
        self.birthdays.setChecked(options.birthdays)

        self.limit = QCheckBox("Only those due in the next")
        self.days = QSpinBox()
        self.days.setRange(1, 365)
        self.days.setValue(30)
        self.days.setSuffix(" days")
        self.days.setAccessibleName("Number of days ahead")
        self.days.setEnabled(False)
        self.limit.toggled.connect(self.days.setEnabled)
        limit_row = QHBoxLayout()
        limit_row.addWidget(self.limit)
        limit_row.addWidget(self.days)
        limit_row.addStretch(1)

        fields = QFormLayout()
        fields.addRow("&Show as:", self.form)
        fields.addRow("&Say:", self.detail)
        fields.addRow("&Remind me at:", self.alarm)
        fields.addRow("", self.birthdays)
        fields.addRow("", limit_row)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(fields)
        layout.addWidget(buttons)

    def choice(self) -> CalendarChoice:
        alarm = self.alarm.time()
        options = CalendarOptions(
            form=CalendarForm(self.form.currentData()),
            detail=CalendarDetail(self.detail.currentData()),
            alarm_at=dt.time(alarm.hour(), alarm.minute()),
            birthdays=self.birthdays.isChecked(),
        )
        return CalendarChoice(options, self.days.value() if self.limit.isChecked() else None)


def write_calendar(window: MainWindow, path: Path, choice: CalendarChoice) -> int:
    """Write the calendar file whole (or not at all); returns how many follow-ups it holds."""
    from netdesk.store import reader
    from netdesk.store.export import atomic_text_file

    now = window.clock.now()
    store = window.user_actions.calendar_store_id()
    items = reader.calendar_follow_ups(now, choice.days)
    people = reader.birthdays() if choice.options.birthdays else []
    data = build_calendar(items, choice.options, store, now, people)
    with atomic_text_file(path) as out:
        out.write(data.decode("utf-8"))
    return len(items)


def export_calendar(window: MainWindow) -> None:
    from netdesk.store import reader

    stored = reader.calendar_options()
    dialog = CalendarExportDialog(stored, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    choice = dialog.choice()
    if choice.options != stored:
        window.user_actions.set_calendar_options(choice.options)
    path, _ = QFileDialog.getSaveFileName(
        window,
        "Save follow-ups as calendar",
        str(Path.home() / DEFAULT_FILE_NAME),
        "Calendar files (*.ics)",
    )
    if not path:
        return
    target = Path(path)
    if target.suffix.lower() != ".ics":
        target = target.with_name(target.name + ".ics")
    try:
        count = write_calendar(window, target, choice)
    except OSError as exc:
        QMessageBox.warning(
            window,
            "Export follow-ups as calendar",
            f"Could not save {target}: {exc.strerror or exc}. Nothing was written.",
        )
        return
    noun = "follow-up" if count == 1 else "follow-ups"
    window.statusBar().showMessage(
        f"Saved {count} {noun} to {target.name}. Import it into your calendar.", 10000
    )


def install_calendar_export(window: MainWindow) -> QAction:
    """File > Export follow-ups as calendar…, after Export…."""
    action = QAction("Export follow-ups as &calendar…", window)
    action.setObjectName("action_export_calendar")
    action.setStatusTip("Save your open follow-ups as a calendar file (.ics) for your phone")
    action.triggered.connect(lambda _=False: export_calendar(window))
    window.actions["export_calendar"] = action
    export = window.actions["export"]
    menu = window.menus["file"]
    following = menu.actions()
    index = following.index(export) if export in following else len(following) - 1
    if index + 1 < len(following):
        menu.insertAction(following[index + 1], action)
    else:
        menu.addAction(action)
    return action
