"""The calendar part of Preferences > Accounts (Follow-ups on a calendar…): which calendar
of an account keeps the follow-ups (one found on its server, or a new "NetDesk follow-ups"),
and what that calendar may say about them. Nothing touches the network until Find calendars
or Use this calendar is pressed."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.calendar import CalendarDetail
from netdesk.core.templates import quoted
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.sync.caldav import DEFAULT_CALENDAR, Calendar
from netdesk.ui.widgets import plain_label

if TYPE_CHECKING:
    from netdesk.sync.http import Client

_NEW = "new"  # the choice that makes a calendar


class CalendarPushBox(QGroupBox):
    """Follow-ups on the phone: the calendar they go to, and what it may say."""

    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__("Follow-ups on your calendar", parent)
        self.setObjectName("calendarPush")
        self._actions = actions
        self._found: list[Calendar] = []
        form = QFormLayout(self)
        form.addRow(
            plain_label(
                "NetDesk can keep your open follow-ups as tasks on a calendar of one of your "
                "accounts, so your phone reminds you away from your desk. A task you tick there "
                "is done here at the next sync. Your notes never leave this computer.",
                wrap=True,
            )
        )
        self.account = QComboBox()
        self.account.setObjectName("calendarAccount")
        self.account.currentIndexChanged.connect(self._account_chosen)
        form.addRow("A&ccount:", self.account)
        row = QHBoxLayout()
        self.calendar = QComboBox()
        self.calendar.setObjectName("calendarChoice")
        self.find_button = QPushButton("&Find calendars")
        self.find_button.setObjectName("findCalendars")
        self.find_button.clicked.connect(self.find_calendars)
        row.addWidget(self.calendar, 1)
        row.addWidget(self.find_button)
        label = QLabel("&Calendar:")
        label.setBuddy(self.calendar)
        form.addRow(label, row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.stop_button = QPushButton("&Stop")
        self.stop_button.setObjectName("stopCalendar")
        self.stop_button.clicked.connect(self.stop)
        self.use_button = QPushButton("&Use this calendar")
        self.use_button.setObjectName("useCalendar")
        self.use_button.clicked.connect(self.use_calendar)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.use_button)
        form.addRow(buttons)
        self.detail = QComboBox()
        self.detail.setObjectName("calendarDetail")
        for detail in CalendarDetail:
            self.detail.addItem(detail.label, detail.value)
        self.detail.setToolTip(
            "Anyone who can see your calendar sees this. Your notes are never sent."
        )
        self.detail.currentIndexChanged.connect(self._detail_chosen)
        form.addRow("The calendar &says:", self.detail)
        self.message = QLabel()
        self.message.setObjectName("calendarMessage")
        self.message.setWordWrap(True)
        form.addRow(self.message)
        self.refresh()

    def refresh(self) -> None:
        """The accounts as they are now, and the options as stored."""
        chosen = self.account.currentData()
        self.account.blockSignals(True)
        self.account.clear()
        for account in reader.sync_accounts():
            user = f"{account.username} at " if account.username else ""
            self.account.addItem(f"{user}{account.url}", account.account_id)
        index = self.account.findData(chosen)
        self.account.setCurrentIndex(max(index, 0))
        self.account.blockSignals(False)
        self.detail.blockSignals(True)
        self.detail.setCurrentIndex(
            max(self.detail.findData(reader.calendar_options().detail.value), 0)
        )
        self.detail.blockSignals(False)
        self._account_chosen()

    def choose_account(self, account_id: int) -> None:
        """Show this account's calendar (the one just added, say)."""
        index = self.account.findData(account_id)
        if index >= 0:
            self.account.setCurrentIndex(index)

    def _account_id(self) -> int | None:
        data = self.account.currentData()
        return int(data) if data is not None else None

    def _account_chosen(self) -> None:
        account_id = self._account_id()
        has_account = account_id is not None
        self.find_button.setEnabled(has_account)
        self._found = []
        self.calendar.clear()
        pushed = reader.pushed_calendar(account_id) if account_id is not None else None
        if pushed is not None:
            self.calendar.addItem(pushed.name, pushed.href)
            self.message.setText(f"Your follow-ups go to the calendar {quoted(pushed.name)}.")
        elif has_account:
            self.calendar.addItem(f"A new calendar, {quoted(DEFAULT_CALENDAR)}", _NEW)
            self.message.setText(
                "Your follow-ups go to no calendar yet. Find the account's calendars, or "
                "let NetDesk make one."
            )
        else:
            self.message.setText(
                "Add an account in Preferences > Accounts first: your follow-ups go on one "
                "of its calendars."
            )
        self.use_button.setEnabled(has_account and pushed is None)
        self.stop_button.setEnabled(pushed is not None)

    @contextlib.contextmanager
    def _server(self, account_id: int) -> Iterator[tuple[Client, str]]:
        """A connection to the account's server (and its address), the wait cursor shown
        while it is open."""
        from netdesk.sync import accounts
        from netdesk.sync.http import Client

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            account = reader.sync_account(account_id)
            url, user = (account.url, account.username) if account else ("", "")
            client = Client(url, user, accounts.load_password(url, user) if account else "")
            try:
                yield client, url
            finally:
                client.close()
        finally:
            QGuiApplication.restoreOverrideCursor()

    def find_calendars(self) -> bool:
        """Ask the account's server for its calendars (a request to it)."""
        from netdesk.sync import caldav
        from netdesk.sync.http import SyncError

        account_id = self._account_id()
        if account_id is None:
            return False
        try:
            with self._server(account_id) as (client, url):
                self._found = caldav.find_calendars(client, url)
        except SyncError as exc:
            self.message.setText(f"Could not find calendars: {exc}.")
            return False
        pushed = reader.pushed_calendar(account_id)
        self.calendar.clear()
        for found in self._found:
            self.calendar.addItem(found.name, found.href)
        if caldav.choose_calendar(self._found, DEFAULT_CALENDAR) is None:
            self.calendar.addItem(f"A new calendar, {quoted(DEFAULT_CALENDAR)}", _NEW)
        if pushed is not None:
            self.calendar.setCurrentIndex(max(self.calendar.findData(pushed.href), 0))
        count = len(self._found)
        self.message.setText(
            f"Found {count} {'calendar' if count == 1 else 'calendars'}: choose where your "
            "follow-ups go."
            if count
            else "The account has no calendar yet: NetDesk can make one."
        )
        self.use_button.setEnabled(True)
        return True

    def use_calendar(self) -> bool:
        """Keep the follow-ups on the chosen calendar (made first when it is a new one)."""
        from netdesk.sync import caldav
        from netdesk.sync.http import SyncError

        account_id = self._account_id()
        if account_id is None:
            return False
        href = self.calendar.currentData()
        try:
            with self._server(account_id) as (client, url):
                if not self._found:
                    self._found = caldav.find_calendars(client, url)
                if href == _NEW:
                    made = caldav.choose_calendar(self._found, DEFAULT_CALENDAR)
                    if made is None:
                        made = caldav.make_calendar(client, url, DEFAULT_CALENDAR)
                        self._found.append(made)
                    href = made.href
        except SyncError as exc:
            self.message.setText(f"The calendar was not set: {exc}.")
            return False
        self._actions.set_sync_calendar(account_id, self._found, href)
        self._account_chosen()
        return True

    def stop(self) -> None:
        """No calendar for this account: the items already there stay as they are."""
        account_id = self._account_id()
        if account_id is None:
            return
        calendars = [
            Calendar(c.href, c.name, ()) for c in reader.sync_calendars(account_id)
        ]
        self._actions.set_sync_calendar(account_id, calendars, None)
        self._account_chosen()
        self.message.setText(
            "Your follow-ups no longer go to a calendar; what is there already stays."
        )

    def _detail_chosen(self) -> None:
        value = self.detail.currentData()
        if value is None:
            return
        options = reader.calendar_options()
        chosen = CalendarDetail(value)
        if options.detail is not chosen:
            self._actions.set_calendar_options(dataclasses.replace(options, detail=chosen))


class CalendarPushDialog(QDialog):
    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarPushDialog")
        self.setWindowTitle("Follow-ups on a calendar")
        layout = QVBoxLayout(self)
        self.box = CalendarPushBox(actions)
        actions.syncAccountsChanged.connect(self.box.refresh)
        layout.addWidget(self.box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
