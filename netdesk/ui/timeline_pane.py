"""The middle pane: the selected contact's timeline, or recent activity across the network."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.domain import InteractionKind
from netdesk.services.actions import Actions
from netdesk.services.signals import Hub
from netdesk.store import reader
from netdesk.ui.dialogs.log_interaction import LoggedInteraction, LogInteractionDialog
from netdesk.ui.icons import icon
from netdesk.ui.models.timeline_model import CONTACT, HELPED, KIND, SUMMARY, WHEN, TimelineModel
from netdesk.ui.widgets import bold_font, fit_columns, header_width, plain_label, view_width

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

RECENT_LIMIT = 100


def contact_name(contact_id: int) -> str:
    return reader.contact_name(contact_id) or ""


class TimelinePane(QWidget):
    """Shows what happened; logs, edits and deletes interactions through the store."""

    contactActivated = Signal(int)  # an entry in recent activity was opened

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
        self.contact_id = 0
        self.model = TimelineModel(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = plain_label()
        self.title.setObjectName("timelineTitle")
        self.title.setFont(bold_font(self.title.font()))
        layout.addWidget(self.title)

        self.view = QTreeView()
        self.view.setObjectName("timeline")
        self.view.setAccessibleName("Timeline")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(False)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The day and kind columns fit their longest text: never cut. A narrow pane drops
        # the kind (it is in each entry's tooltip) before it cuts what happened.
        metrics = self.view.fontMetrics()
        when = max(metrics.horizontalAdvance("28 Sep 2026") + 16, header_width(header, "Date"))
        kind = max(metrics.horizontalAdvance(k.label) for k in InteractionKind) + 16
        for column, width in ((WHEN, when), (KIND, kind), (CONTACT, 110), (HELPED, 140)):
            header.resizeSection(column, width)
        self._column_widths: dict[int, int] = {}
        # What happened takes the room that is left, however wide the pane.
        header.setSectionResizeMode(SUMMARY, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        layout.addWidget(self.view, 1)

        buttons = QHBoxLayout()
        self.log_button = QToolButton()
        self.log_button.setText("&Log interaction…")
        self.log_button.setIcon(icon("log-interaction"))
        self.log_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.log_button.setAccessibleName("Log an interaction with the selected contact")
        self.log_button.setToolTip("Log what happened with this contact (Ctrl+L)")
        # Edit and Delete act on the selected entry: icons, named for screen readers.
        self.edit_button = QToolButton()
        self.edit_button.setText("Edit…")
        self.edit_button.setIcon(icon("document-edit"))
        self.edit_button.setAccessibleName("Edit the selected interaction")
        self.edit_button.setToolTip("Edit the selected interaction (Enter)")
        self.delete_button = QToolButton()
        self.delete_button.setText("Delete")
        self.delete_button.setIcon(icon("edit-delete"))
        self.delete_button.setAccessibleName("Delete the selected interaction")
        self.delete_button.setToolTip("Delete the selected interaction (Delete)")
        for button in (self.log_button, self.edit_button, self.delete_button):
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for button in (self.log_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.edit_action = QAction("Edit interaction…", self)
        self.edit_action.triggered.connect(self.edit_selected)
        self.delete_action = QAction("Delete interaction", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.view.addAction(self.edit_action)
        self.view.addAction(self.delete_action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.log_button.clicked.connect(lambda: self.log_interaction())
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.view.activated.connect(self._activated)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        hub.timelineChanged.connect(self._timeline_changed)
        hub.contactsChanged.connect(self._contacts_changed)
        self._update_buttons()

    # --- what is shown ---------------------------------------------------------------------

    def show_contact(self, contact_id: int) -> None:
        self.contact_id = contact_id
        self.reload()

    def reload(self) -> None:
        if self.contact_id:
            name = reader.contact_name(self.contact_id)
            if name is None:  # deleted since it was shown
                self.contact_id = 0
                return self.reload()
            self.title.setText(f"Timeline — {name}")
            self.model.set_entries(reader.timeline(self.contact_id), self._now().date())
        else:
            self.title.setText("Recent activity across your network")
            self.model.set_entries(reader.recent_activity(RECENT_LIMIT), self._now().date())
        # What they did to help shows under what happened (the column would leave no room).
        self.model.names_in_summary = not self.contact_id
        self.view.setColumnHidden(CONTACT, True)
        self.view.setColumnHidden(HELPED, True)
        self.fit_columns()
        return None

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The layout has placed the view by now: fit its columns to the width it got.
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        header = self.view.header()
        fit_columns(
            header,
            view_width(self.view),
            SUMMARY,
            header_width(header, "What happened"),
            [KIND],
            self._column_widths,
        )

    def _timeline_changed(self, contact_id: int) -> None:
        if not self.contact_id or contact_id == self.contact_id:
            self.reload()

    def _contacts_changed(self, ids: list[int]) -> None:
        # A rename shows in the title; a deleted contact leaves recent activity.
        if not ids or not self.contact_id or self.contact_id in ids:
            self.reload()

    def _update_buttons(self, *_: object) -> None:
        has = self._selected_entry() is not None
        self.log_button.setEnabled(bool(self.contact_id))
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.edit_action.setEnabled(has)
        self.delete_action.setEnabled(has)

    def _selected_entry(self) -> reader.TimelineEntry | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    # --- actions ---------------------------------------------------------------------------

    def log_interaction(self, contact_id: int = 0) -> bool:
        """Ask what happened and log it; True when something was logged."""
        contact_id = contact_id or self.contact_id
        if not contact_id:
            return False
        dialog = LogInteractionDialog(contact_name(contact_id), self._now(), self.window())
        if dialog.exec() != LogInteractionDialog.DialogCode.Accepted:
            return False
        value = dialog.value()
        self._actions.log_interaction(
            contact_id,
            value.kind,
            value.at,
            summary=value.summary,
            helped=value.helped,
            direction=value.direction,
        )
        return True

    def edit_selected(self) -> None:
        entry = self._selected_entry()
        if entry is None:
            return
        dialog = LogInteractionDialog(
            entry.contact_name,
            self._now(),
            self.window(),
            title="Edit interaction",
            initial=LoggedInteraction(
                entry.kind, entry.at, entry.summary, entry.helped, entry.direction
            ),
        )
        if dialog.exec() != LogInteractionDialog.DialogCode.Accepted:
            return
        value = dialog.value()
        at = value.at if value.at.date() != entry.at.date() else entry.at
        self._actions.edit_interaction(
            entry.interaction_id,
            kind=value.kind,
            at=at,
            summary=value.summary,
            helped=value.helped,
            direction=value.direction,
        )

    def delete_selected(self) -> None:
        entry = self._selected_entry()
        if entry is not None:
            self._actions.delete_interaction(entry.interaction_id)

    def _activated(self, index: Any) -> None:
        entry = self.model.entry(index.row())
        if entry is None:
            return
        if self.contact_id:
            self.edit_selected()
        else:
            self.contactActivated.emit(entry.contact_id)
