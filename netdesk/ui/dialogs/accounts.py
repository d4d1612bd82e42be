"""Preferences > Accounts: the CardDAV servers NetDesk syncs with. Add one (its address
books are found from the address typed), choose which address books to sync, remove one.
A server with no address book can still be added, for its calendars: the follow-ups go to
one of them. Nothing touches the network until Find address books is pressed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.templates import quoted
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.store.reader.sync import SyncAccount
from netdesk.sync.dav import AddressBook
from netdesk.ui.widgets import plain_label

_ACCOUNT = Qt.ItemDataRole.UserRole
_BOOK = Qt.ItemDataRole.UserRole + 1


def describe(account: SyncAccount) -> str:
    user = f"{account.username} at " if account.username else ""
    synced = ", ".join(b.name for b in account.books if b.enabled) or "no address book"
    calendar = reader.pushed_calendar(account.account_id)
    if calendar is not None:
        synced += f"; keeps your follow-ups on {quoted(calendar.name)}"
    when = (
        f"last synced {account.last_sync_at:%d %b %Y %H:%M}"
        if account.last_sync_at
        else "not synced yet"
    )
    line = f"{user}{account.url}\nSyncs {synced}; {when}"
    if account.last_error:
        line += f"\nLast problem: {account.last_error}"
    return line


class AccountsDialog(QDialog):
    """The accounts, each with its address books to tick; and a form to add one."""

    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle("Accounts")
        self._actions = actions
        self._found: list[AddressBook] = []
        self.calendar_dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "NetDesk syncs your contacts with the CardDAV servers you add here (Nextcloud, "
                "Fastmail, iCloud, Radicale…), can keep your follow-ups on one of their "
                "calendars, and connects to nothing else. Your password stays in the system "
                "keyring.",
                wrap=True,
            )
        )

        existing = QGroupBox("Your accounts")
        box = QVBoxLayout(existing)
        self.accounts = QListWidget()
        self.accounts.setObjectName("accountList")
        self.accounts.setWordWrap(True)
        self.accounts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.accounts.itemChanged.connect(self._ticked)
        box.addWidget(self.accounts)
        self.remove_button = QPushButton("&Remove account")
        self.remove_button.setObjectName("removeAccount")
        self.remove_button.clicked.connect(self._remove)
        row = QHBoxLayout()
        # Which calendar of an account keeps the follow-ups, and what it may say.
        self.calendar_button = QPushButton("Follow-ups on a ca&lendar…")
        self.calendar_button.setObjectName("calendarPushButton")
        self.calendar_button.clicked.connect(lambda _=False: self.open_calendar())
        row.addWidget(self.calendar_button)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        box.addLayout(row)
        layout.addWidget(existing)

        adding = QGroupBox("Add an account")
        form = QFormLayout(adding)
        self.url = QLineEdit()
        self.url.setObjectName("accountUrl")
        self.url.setPlaceholderText("https://dav.example.com")
        self.user = QLineEdit()
        self.user.setObjectName("accountUser")
        self.password = QLineEdit()
        self.password.setObjectName("accountPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("or an app password")
        form.addRow("&Server:", self.url)
        form.addRow("&User name:", self.user)
        form.addRow("&Password:", self.password)
        self.find_button = QPushButton("&Find address books")
        self.find_button.setObjectName("findBooks")
        self.find_button.clicked.connect(self.find_books)
        form.addRow("", self.find_button)
        self.books = QListWidget()
        self.books.setObjectName("foundBooks")
        form.addRow("Address books:", self.books)
        self.add_button = QPushButton("&Add account")
        self.add_button.setObjectName("addAccount")
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(self.add_account)
        form.addRow("", self.add_button)
        self.message = QLabel()
        self.message.setObjectName("accountMessage")
        self.message.setWordWrap(True)
        form.addRow(self.message)
        layout.addWidget(adding)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.accounts.blockSignals(True)
        self.accounts.clear()
        for account in reader.sync_accounts():
            head = QListWidgetItem(describe(account))
            head.setData(_ACCOUNT, account.account_id)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.accounts.addItem(head)
            for book in account.books:
                item = QListWidgetItem(f"    {book.name}")
                item.setData(_ACCOUNT, account.account_id)
                item.setData(_BOOK, book.href)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if book.enabled else Qt.CheckState.Unchecked
                )
                self.accounts.addItem(item)
        self.accounts.blockSignals(False)
        self.remove_button.setEnabled(self.accounts.count() > 0)
        self.calendar_button.setEnabled(self.accounts.count() > 0)

    def open_calendar(self, account_id: int | None = None) -> QDialog:
        from netdesk.ui.dialogs.calendar_push import CalendarPushDialog

        dialog = CalendarPushDialog(self._actions, self)
        if account_id is not None:
            dialog.box.choose_account(account_id)
        dialog.finished.connect(lambda _result: self.refresh())  # the calendar, in the list
        dialog.open()
        return dialog

    def _ticked(self, item: QListWidgetItem) -> None:
        account_id = item.data(_ACCOUNT)
        account = reader.sync_account(int(account_id)) if account_id is not None else None
        if account is None or item.data(_BOOK) is None:
            return
        books = []
        for i in range(self.accounts.count()):
            row = self.accounts.item(i)
            if row.data(_ACCOUNT) == account_id and row.data(_BOOK) is not None:
                name = next(b.name for b in account.books if b.href == row.data(_BOOK))
                books.append((row.data(_BOOK), name, row.checkState() == Qt.CheckState.Checked))
        self._actions.set_sync_books(account.account_id, books)

    def _remove(self) -> None:
        item = self.accounts.currentItem() or self.accounts.item(0)
        if item is None:
            return
        account = reader.sync_account(int(item.data(_ACCOUNT)))
        if account is not None:
            self._actions.remove_sync_account(account)
            self.message.setText(f"Removed {account.url}. Your contacts stay in NetDesk.")
        self.refresh()

    def find_books(self) -> bool:
        """Ask the server for its address books (the first request to it)."""
        from netdesk.sync import accounts
        from netdesk.sync.http import SyncError

        self.books.clear()
        self._found = []
        self.add_button.setEnabled(False)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            url = accounts.normalized_url(self.url.text())
            self._found = accounts.discover_books(
                url, self.user.text().strip(), self.password.text()
            )
        except SyncError as exc:
            self.message.setText(f"Could not find address books: {exc}.")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.url.setText(url)
        self.add_button.setEnabled(True)
        if not self._found:
            self.message.setText(
                "This server has no address book. Add the account anyway to keep your "
                "follow-ups on one of its calendars."
            )
            return True
        for book in self._found:
            item = QListWidgetItem(book.name)
            item.setData(_BOOK, book.href)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.books.addItem(item)
        count = len(self._found)
        self.message.setText(
            f"Found {count} address {'book' if count == 1 else 'books'}: tick those to sync."
        )
        return True

    def add_account(self) -> int | None:
        from netdesk.sync.http import SyncError

        chosen = [
            self.books.item(i).data(_BOOK)
            for i in range(self.books.count())
            if self.books.item(i).checkState() == Qt.CheckState.Checked
        ]
        if self._found and not chosen:
            self.message.setText("Tick at least one address book to sync.")
            return None
        try:
            account_id = self._actions.add_sync_account(
                self.url.text(),
                self.user.text().strip(),
                self.password.text(),
                self._found,
                chosen,
            )
        except SyncError as exc:
            self.message.setText(f"The account was not added: {exc}.")
            return None
        self.password.clear()
        self.books.clear()
        self.add_button.setEnabled(False)
        self.refresh()
        if not chosen:  # calendars only: choose the one the follow-ups go to
            self.message.setText("Account added. Choose the calendar for your follow-ups.")
            self.calendar_dialog = self.open_calendar(account_id)
            return account_id
        self.message.setText("Account added. NetDesk syncs with it now and every few minutes.")
        return account_id
