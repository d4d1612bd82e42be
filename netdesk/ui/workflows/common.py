"""What the workflow windows share: the mail hand-off, date conversions, small builders."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QPushButton, QTableWidget, QWidget

# Where a row of a workflow's table or list keeps the id of what it shows.
ID_ROLE = Qt.ItemDataRole.UserRole


class MailHandOff:
    """Hands a message to the user's mail program or the clipboard; tests put a recorder here."""

    def open_mail(self, url: str) -> bool:
        # The URL is already percent-encoded (core.templates.mailto_url): keep it byte for byte.
        return bool(QDesktopServices.openUrl(QUrl.fromEncoded(url.encode("ascii"))))

    def copy(self, text: str) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def current_row_id(table: QTableWidget) -> int:
    """The id kept in the current row's first cell; 0 when no row is current."""
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return int(item.data(ID_ROLE)) if item is not None else 0


def select_row_id(table: QTableWidget, item_id: int) -> None:
    """Make current the row whose first cell keeps `item_id`."""
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item.data(ID_ROLE) == item_id:
            table.selectRow(row)
            return


def button(text: str, accessible: str, name: str = "", tip: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(accessible)
    if name:
        widget.setObjectName(name)
    if tip:
        widget.setToolTip(tip)
    return widget


class WorkflowDialog(QDialog):
    """A non-modal workflow window over the main window, sized for a 1280x800 screen."""

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
