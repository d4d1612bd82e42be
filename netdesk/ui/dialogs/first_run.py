"""The first run: what NetDesk needs from a new user before it can help (their name, to sign
every draft; whether and since when they are searching; their contacts, from a file). Every
question can be skipped, and each answer is changed later in Preferences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.domain import SearchState
from netdesk.services import settings as registry
from netdesk.services.actions import Actions
from netdesk.services.settings import Settings
from netdesk.store import reader
from netdesk.ui.widgets import bold_font, plain_label
from netdesk.ui.workflows.common import button, from_qdate, to_qdate


class FirstRunDialog(QDialog):
    """Done keeps what was filled in (and nothing that was left empty); Skip keeps nothing.
    Either way the first run is over and does not come back."""

    def __init__(
        self,
        now: dt.datetime,
        actions: Actions,
        settings: Settings,
        *,
        import_file: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle("Welcome to NetDesk")
        self._actions = actions
        self._settings = settings
        self._import_file = import_file
        layout = QVBoxLayout(self)
        heading = plain_label("Three things help NetDesk help you.", wrap=True)
        heading.setFont(bold_font(heading.font()))
        layout.addWidget(heading)
        layout.addWidget(
            plain_label(
                "Answer what you like and skip the rest: you can change each of them later "
                "in File > Preferences.",
                wrap=True,
            )
        )
        form = QFormLayout()
        self.name = QLineEdit(reader.my_name())
        self.name.setObjectName("firstRunName")
        self.name.setAccessibleName("Your name, signed at the end of every message")
        self.name.setPlaceholderText("e.g. Alex Kim")
        form.addRow("Your &name, to sign your messages:", self.name)

        search = reader.search_summary()
        searching_now = search.state is SearchState.SEARCHING
        self.searching = QCheckBox("I'm &looking for a job")
        self.searching.setObjectName("firstRunSearching")
        self.searching.setAccessibleName("I am looking for a job")
        self.searching.setChecked(searching_now)
        self.since = QDateEdit()
        self.since.setObjectName("firstRunSince")
        self.since.setAccessibleName("Looking since")
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("d MMMM yyyy")
        self.since.setMaximumDate(to_qdate(now.date()))
        self.since.setDate(to_qdate(search.started_on or now.date()))
        search_row = QHBoxLayout()
        search_row.addWidget(self.searching)
        search_row.addWidget(plain_label("since"))
        search_row.addWidget(self.since)
        search_row.addStretch(1)
        form.addRow("Your job search:", search_row)
        layout.addLayout(form)
        self.search_note = plain_label(
            "While you search, NetDesk reminds you to send short status updates to the people "
            "you have not written to for a while.",
            wrap=True,
        )
        layout.addWidget(self.search_note)

        import_row = QHBoxLayout()
        import_row.addWidget(
            plain_label(
                "Your contacts: a vCard (.vcf) or CSV file, such as LinkedIn's "
                "Connections.csv or an export of your address book.",
                wrap=True,
            ),
            1,
        )
        self.import_button = button(
            "&Import a file…", "Import your contacts from a file", "firstRunImport"
        )
        self.import_button.setEnabled(import_file is not None)
        import_row.addWidget(self.import_button)
        layout.addLayout(import_row)
        layout.addStretch(1)

        buttons = QDialogButtonBox()
        self.done_button = buttons.addButton("&Done", QDialogButtonBox.ButtonRole.AcceptRole)
        self.done_button.setObjectName("firstRunDone")
        self.skip_button = buttons.addButton(
            "S&kip for now", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.skip_button.setObjectName("firstRunSkip")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.searching.toggled.connect(self.since.setEnabled)
        self.since.setEnabled(self.searching.isChecked())
        self.import_button.clicked.connect(self._import)
        self.name.setFocus()
        self.setMinimumWidth(560)
        self.adjustSize()

    def _import(self) -> None:
        """Keep the answers so far, then open the import (its preview is a window of its own)."""
        self.accept()
        if self._import_file is not None:
            QTimer.singleShot(0, self._import_file)

    def accept(self) -> None:
        name = self.name.text().strip()
        if name and name != reader.my_name():
            self._actions.set_my_name(name)
        if self.searching.isChecked():
            started = from_qdate(self.since.date())
            search = reader.search_summary()
            if search.state is not SearchState.SEARCHING or search.started_on != started:
                self._actions.set_job_search(SearchState.SEARCHING, started_on=started)
        self._finish()
        super().accept()

    def reject(self) -> None:
        self._finish()
        super().reject()

    def _finish(self) -> None:
        self._settings.put(registry.FIRST_RUN_DONE, True)


def first_run_needed(settings: Settings) -> bool:
    """Whether to ask the first-run questions: never asked on this data folder, and the store
    lacks what they ask (the user's name, or any word on the search)."""
    if settings.get(registry.FIRST_RUN_DONE):
        return False
    return not reader.my_name().strip() or reader.search_summary().state is SearchState.NOT_STARTED


def offer_first_run(
    parent: QWidget,
    now: dt.datetime,
    actions: Actions,
    settings: Settings,
    *,
    import_file: Callable[[], None] | None = None,
) -> FirstRunDialog | None:
    """Open the first-run questions over `parent` when they are needed (app.run, once the
    window is up); None when they are not."""
    if not first_run_needed(settings):
        return None
    dialog = FirstRunDialog(now, actions, settings, import_file=import_file, parent=parent)
    dialog.open()
    return dialog
