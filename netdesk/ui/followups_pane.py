"""The right pane: who is due (overdue, today, this week), one calm line each; the selected
one's full sentence and what to do, with Done, Snooze and Write…"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QListView,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.dates import describe_moment
from netdesk.core.domain import (
    ANSWERING_KIND,
    Direction,
    FollowUpReason,
    FollowUpRule,
    InteractionKind,
)
from netdesk.services.actions import Actions
from netdesk.services.signals import Hub
from netdesk.store import reader
from netdesk.ui.dialogs.log_interaction import LoggedInteraction, LogInteractionDialog
from netdesk.ui.icons import icon
from netdesk.ui.models.followups_model import (
    UPCOMING_DAYS,
    FollowUpsModel,
)
from netdesk.ui.widgets import bold_font, plain_label

if TYPE_CHECKING:
    from netdesk.ui.models.followups_delegate import FollowUpDelegate

# What Write… opens for each rule: a workflow's composer, or a message to the contact.
COMPOSERS = {
    FollowUpRule.GRATITUDE: "thank_you",
    FollowUpRule.WRAP_UP: "wrap_up",
    FollowUpRule.STATUS_UPDATE: "status_update",
}


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
    """Reloads when the hub says follow-ups changed; acts through the action layer."""

    contactActivated = Signal(int)
    thankYouRequested = Signal(int)  # contact id: write them the thank-you (rule 4)
    # Write… for anything else: (workflow key or "" for a message, contact id, follow-up id).
    writeRequested = Signal(str, int, int)

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
        self._delegate: FollowUpDelegate | None = None
        # Pick a date… replaced in tests; returns None when the user cancels.
        self.pick_date: Callable[[], dt.datetime | None] = self._ask_date

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = plain_label("Follow-ups")
        self.title.setObjectName("followUpsTitle")
        self.title.setFont(bold_font(self.title.font()))
        layout.addWidget(self.title)
        self.empty_label = plain_label(
            "Nothing due. NetDesk will tell you when someone is worth a note.", wrap=True
        )
        self.empty_label.setObjectName("followUpsEmpty")
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.empty_label)

        self.view = QListView()
        self.view.setObjectName("followUps")
        self.view.setAccessibleName("Follow-ups")
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(False)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.view, 1)

        # The selected one in full: its sentence, what to do, and the buttons.
        self.detail = QFrame()
        self.detail.setObjectName("followUpDetail")
        self.detail.setFrameShape(QFrame.Shape.StyledPanel)
        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(8, 6, 8, 6)
        self.detail_title = plain_label(wrap=True)
        self.detail_title.setObjectName("followUpDetailTitle")
        self.detail_title.setFont(bold_font(self.detail_title.font()))
        self.sentence = plain_label(wrap=True)
        self.sentence.setObjectName("followUpSentence")
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.suggestion = plain_label(wrap=True)
        self.suggestion.setObjectName("followUpSuggestion")
        self.suggestion.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for label in (self.detail_title, self.sentence, self.suggestion):
            detail.addWidget(label)

        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        self.done_button = self._button("&Done", "task-complete", "Done: log what happened")
        self.snooze_button = self._button("S&nooze", "snooze", "Snooze the follow-up")
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.write_button = self._button("&Write…", "mail-message-new", "Write to them")
        self.write_button.setObjectName("writeFollowUp")
        # Rule 4's composer opens from the same button (the name the thank-you tests use).
        self.thank_button = self.write_button
        self.dismiss_button = self._button("Dis&miss", "dismiss", "Dismiss the follow-up")
        self.dismiss_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for button in (self.done_button, self.snooze_button, self.write_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        detail.addLayout(buttons)
        layout.addWidget(self.detail)
        # As wide as its buttons need whether or not the detail shows: the splitter keeps
        # the pane's width as follow-ups come and go.
        self.setMinimumWidth(self.detail.minimumSizeHint().width())

        self.done_action = QAction(icon("task-complete"), "Done…", self)
        self.done_action.setShortcut(QKeySequence(Qt.Key.Key_D))
        self.done_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.done_action.triggered.connect(self.done)
        self.write_action = QAction(icon("mail-message-new"), "Write…", self)
        self.write_action.setShortcut(QKeySequence(Qt.Key.Key_W))
        self.write_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.write_action.triggered.connect(self.write)
        self.thank_action = self.write_action
        self.snooze_menu = QMenu("Snooze", self)
        self.snooze_menu.setIcon(icon("snooze"))
        self.snooze_tomorrow = self.snooze_menu.addAction("Tomorrow 09:00")
        self.snooze_tomorrow.setShortcut(QKeySequence(Qt.Key.Key_S))
        self.snooze_tomorrow.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.snooze_tomorrow.triggered.connect(lambda: self.snooze(tomorrow_morning(self._now())))
        self.snooze_next_week = self.snooze_menu.addAction("Next week")
        self.snooze_next_week.triggered.connect(lambda: self.snooze(next_week(self._now())))
        self.snooze_pick = self.snooze_menu.addAction("Pick a date…")
        self.snooze_pick.triggered.connect(self._snooze_pick)
        self.snooze_button.setMenu(self.snooze_menu)
        self.snooze_action = self.snooze_menu.menuAction()
        self.dismiss_action = QAction(icon("dismiss"), "Dismiss", self)
        self.dismiss_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.dismiss_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.dismiss_action.triggered.connect(self.dismiss)
        for action in (self.done_action, self.write_action, self.snooze_action):
            self.view.addAction(action)
        # The S shortcut works from the list, where the menu's own item cannot hear it.
        self.view.addAction(self.snooze_tomorrow)
        self.view.addAction(self.dismiss_action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.done_button.setToolTip("Done: log what happened (D)")
        self.snooze_button.setToolTip("Snooze: tomorrow at 09:00 (S), next week, or a day")
        self.write_button.setToolTip("Write to them (W)")
        self.dismiss_button.setToolTip("Dismiss: no follow-up this time (Delete)")

        self.done_button.clicked.connect(self.done)
        self.write_button.clicked.connect(self.write)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.view.activated.connect(self._activated)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

        # Several store changes in one turn of the event loop reload the list once.
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.reload)
        hub.followUpsChanged.connect(self._reload_timer.start)
        hub.followUpRequested.connect(self.select_follow_up)
        self._update_buttons()

    def _button(self, text: str, icon_name: str, accessible: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setIcon(icon(icon_name))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAccessibleName(accessible)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return button

    def reload(self) -> None:
        self._reload_timer.stop()
        if self._delegate is None:
            # Made with the first rows (after the window's first paint): it paints them.
            from netdesk.ui.models.followups_delegate import FollowUpDelegate

            self._delegate = FollowUpDelegate(self.view)
            self.view.setItemDelegate(self._delegate)
        current = self.selected().follow_up_id if self.selected() else 0
        now = self._now()
        self.model.set_follow_ups(
            reader.due_now(now, horizon=dt.timedelta(days=UPCOMING_DAYS)), now
        )
        due = self.model.due_now
        self.title.setText(f"Follow-ups · {due} due now" if due else "Follow-ups")
        self.empty_label.setVisible(self.model.rowCount() == 0)
        if current:
            self.select_follow_up(current, activate=False)

    def counts(self) -> dict[str, int]:
        """Each section's count, as its heading shows it."""
        return dict(self.model.counts)

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
        fu = self.selected()
        has = fu is not None
        for widget in (self.done_button, self.snooze_button, self.dismiss_button):
            widget.setEnabled(has)
        for action in (self.done_action, self.snooze_action, self.dismiss_action):
            action.setEnabled(has)
        self.snooze_tomorrow.setEnabled(has)
        self.write_button.setEnabled(has)
        self.write_action.setEnabled(has)
        self.detail.setVisible(self.model.rowCount() > 0)
        if fu is None:
            self.detail_title.setText("Choose a follow-up to see why it is due.")
            self.sentence.setText("")
            self.suggestion.setText("")
            self.sentence.hide()
            self.suggestion.hide()
            return
        now = self._now()
        when = describe_moment(fu.effective_at, now)
        due = "due " + when if fu.effective_at > now else f"due since {when}"
        if fu.effective_at.date() == now.date() and fu.effective_at <= now:
            due = "due today"
        self.detail_title.setText(f"{fu.contact_name} · {fu.rule.short_label}, {due}")
        sentence = fu.sentence
        if fu.also:
            others = "1 more follow-up" if fu.also == 1 else f"{fu.also} more follow-ups"
            sentence += f"\n(And {others} for {fu.contact_name} after this one.)"
        self.sentence.setText(sentence)
        self.suggestion.setText(fu.rule.suggested_action)
        self.sentence.show()
        self.suggestion.show()

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

    def write(self) -> None:
        """Write to them: rule 4's thank-you composer, the wrap-up or the status update for
        theirs, else a message to the contact."""
        fu = self.selected()
        if fu is None:
            return
        if fu.reason is FollowUpReason.THANK_YOU and fu.rule is FollowUpRule.GRATITUDE:
            self.thankYouRequested.emit(fu.contact_id)
            return
        self.writeRequested.emit(COMPOSERS.get(fu.rule, ""), fu.contact_id, fu.follow_up_id)

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
