"""The right pane: what is due (overdue, today, upcoming) and why, with Done, Snooze, Dismiss."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListView,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.domain import ANSWERING_KIND, Direction, FollowUpReason, InteractionKind
from netdesk.services.actions import Actions
from netdesk.services.signals import Hub
from netdesk.store import reader
from netdesk.ui.dialogs.log_interaction import LoggedInteraction, LogInteractionDialog
from netdesk.ui.models.followups_model import UPCOMING_DAYS, FollowUpsModel
from netdesk.ui.widgets import bold_font, plain_label


def tomorrow_morning(now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(9))


def next_week(now: dt.datetime) -> dt.datetime:
    """Next Monday at 09:00 (a week from today when today is Monday)."""
    days = 7 - now.weekday()
    return dt.datetime.combine(now.date() + dt.timedelta(days=days), dt.time(9))


class PickDateDialog(QDialog):
    def __init__(self, now: dt.datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Snooze until")
        layout = QVBoxLayout(self)
        self.calendar = QCalendarWidget()
        self.calendar.setAccessibleName("Snooze until this day")
        today = QDate(now.year, now.month, now.day)
        self.calendar.setMinimumDate(today.addDays(1))
        self.calendar.setSelectedDate(today.addDays(3))
        layout.addWidget(self.calendar)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.calendar.activated.connect(self.accept)
        layout.addWidget(buttons)

    def moment(self) -> dt.datetime:
        d = self.calendar.selectedDate()
        return dt.datetime(d.year(), d.month(), d.day(), 9)


class FollowUpsPane(QWidget):
    """Reloads when the hub says follow-ups changed; acts through the store, then tells the hub."""

    contactActivated = Signal(int)
    thankYouRequested = Signal(int)  # contact id: write them the thank-you (rule 4)

    def __init__(
        self,
        hub: Hub,
        now: Callable[[], dt.datetime],
        actions: Actions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._hub = hub
        self._now = now
        self._actions = actions
        self.model = FollowUpsModel(self)
        # Pick a date… replaced in tests; returns None when the user cancels.
        self.pick_date: Callable[[], dt.datetime | None] = self._ask_date

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = plain_label("Follow-ups")
        title.setFont(bold_font(title.font()))
        layout.addWidget(title)
        self.empty_label = plain_label(
            "Nothing due. NetDesk will tell you when someone is worth a note.", wrap=True
        )
        self.empty_label.setObjectName("followUpsEmpty")
        layout.addWidget(self.empty_label)

        self.view = QListView()
        self.view.setObjectName("followUps")
        self.view.setAccessibleName("Follow-ups")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(False)
        self.view.setSpacing(2)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.view, 1)

        buttons = QHBoxLayout()
        self.done_button = QPushButton("&Done…")
        self.done_button.setAccessibleName("Done: log what happened")
        self.snooze_button = QToolButton()
        self.snooze_button.setText("S&nooze")
        self.snooze_button.setAccessibleName("Snooze the follow-up")
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.dismiss_button = QPushButton("Dis&miss")
        self.dismiss_button.setAccessibleName("Dismiss the follow-up")
        for button in (self.done_button, self.snooze_button, self.dismiss_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # Its own row: the pane is narrow, and this one is for thank-you follow-ups only.
        self.thank_button = QPushButton("Write &thank-you…")
        self.thank_button.setObjectName("writeThankYou")
        self.thank_button.setAccessibleName("Write the thank-you this follow-up asks for")
        thank_row = QHBoxLayout()
        thank_row.addWidget(self.thank_button)
        thank_row.addStretch(1)
        layout.addLayout(buttons)
        layout.addLayout(thank_row)

        self.done_action = QAction("Done…", self)
        self.done_action.setShortcut(QKeySequence(Qt.Key.Key_D))
        self.done_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.done_action.triggered.connect(self.done)
        self.thank_action = QAction("Write thank-you…", self)
        self.thank_action.setShortcut(QKeySequence(Qt.Key.Key_T))
        self.thank_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.thank_action.triggered.connect(self.write_thank_you)
        self.snooze_menu = QMenu("Snooze", self)
        self.snooze_tomorrow = self.snooze_menu.addAction("Tomorrow 09:00")
        self.snooze_tomorrow.triggered.connect(lambda: self.snooze(tomorrow_morning(self._now())))
        self.snooze_next_week = self.snooze_menu.addAction("Next week")
        self.snooze_next_week.triggered.connect(lambda: self.snooze(next_week(self._now())))
        self.snooze_pick = self.snooze_menu.addAction("Pick a date…")
        self.snooze_pick.triggered.connect(self._snooze_pick)
        self.snooze_button.setMenu(self.snooze_menu)
        self.snooze_action = self.snooze_menu.menuAction()
        self.dismiss_action = QAction("Dismiss", self)
        self.dismiss_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.dismiss_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.dismiss_action.triggered.connect(self.dismiss)
        for action in (self.done_action, self.thank_action, self.snooze_action):
            self.view.addAction(action)
        self.view.addAction(self.dismiss_action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.done_button.clicked.connect(self.done)
        self.thank_button.clicked.connect(self.write_thank_you)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.view.activated.connect(self._activated)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

        # Several store changes in one turn of the event loop reload the list once.
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.reload)
        hub.followUpsChanged.connect(self._reload_timer.start)
        hub.followUpRequested.connect(self.select_follow_up)
        self._update_buttons()

    def reload(self) -> None:
        self._reload_timer.stop()
        current = self.selected().follow_up_id if self.selected() else 0
        now = self._now()
        self.model.set_follow_ups(
            reader.follow_ups(now, horizon=dt.timedelta(days=UPCOMING_DAYS)), now
        )
        self.empty_label.setVisible(self.model.rowCount() == 0)
        if current:
            self.select_follow_up(current, activate=False)

    def selected(self) -> reader.DueFollowUp | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isSelected(index):
            return None
        return self.model.follow_up(index.row())

    def select_follow_up(self, follow_up_id: int, activate: bool = True) -> bool:
        row = self.model.row_of(follow_up_id)
        if row is None and activate:
            self.reload()
            row = self.model.row_of(follow_up_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(index)
        if activate:
            fu = self.model.follow_up(row)
            if fu is not None:
                self.contactActivated.emit(fu.contact_id)
        return True

    def _update_buttons(self, *_: object) -> None:
        has = self.selected() is not None
        for widget in (self.done_button, self.snooze_button, self.dismiss_button):
            widget.setEnabled(has)
        for action in (self.done_action, self.snooze_action, self.dismiss_action):
            action.setEnabled(has)
        thanks = self.selected_is_thank_you()
        self.thank_button.setEnabled(thanks)
        self.thank_action.setEnabled(thanks)

    def selected_is_thank_you(self) -> bool:
        fu = self.selected()
        return fu is not None and fu.reason is FollowUpReason.THANK_YOU

    def _activated(self, index: object) -> None:
        fu = self.selected()
        if fu is not None:
            self.contactActivated.emit(fu.contact_id)

    # --- actions ---------------------------------------------------------------------------

    def done(self) -> bool:
        fu = self.selected()
        if fu is None:
            return False
        now = self._now()
        dialog = LogInteractionDialog(
            fu.contact_name,
            now,
            self.window(),
            title="Done",
            prompt=f"{fu.sentence}\nWhat happened with {fu.contact_name}?",
            initial=LoggedInteraction(
                ANSWERING_KIND.get(fu.reason, InteractionKind.MESSAGE),
                now,
                "",
                "",
                Direction.OUTGOING,
            ),
        )
        if dialog.exec() != LogInteractionDialog.DialogCode.Accepted:
            return False
        value = dialog.value()
        self._actions.complete_follow_up(
            fu.follow_up_id, kind=value.kind, summary=value.summary, helped=value.helped
        )
        return True

    def write_thank_you(self) -> None:
        fu = self.selected()
        if fu is not None and fu.reason is FollowUpReason.THANK_YOU:
            self.thankYouRequested.emit(fu.contact_id)

    def snooze(self, until: dt.datetime) -> None:
        fu = self.selected()
        if fu is None:
            return
        self._actions.snooze_follow_up(fu.follow_up_id, until)

    def _snooze_pick(self) -> None:
        moment = self.pick_date()
        if moment is not None:
            self.snooze(moment)

    def _ask_date(self) -> dt.datetime | None:
        dialog = PickDateDialog(self._now(), self.window())
        return dialog.moment() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def dismiss(self) -> None:
        fu = self.selected()
        if fu is None:
            return
        self._actions.dismiss_follow_up(fu.follow_up_id)
