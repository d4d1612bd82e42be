"""The app-wide signal hub: panes, tray and scheduler listen here instead of calling each other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from netdesk.store.writer import Changes


class Hub(QObject):
    """One instance per app. The action layer announces every change to the store here,
    once it has committed (`publish`); the panes, the tray and the scheduler listen."""

    # Everything one change touched (a `store.writer.Changes`); the signals below say the
    # same thing for listeners that care about one kind.
    changed = Signal(object)

    # Contacts added, changed or removed; an empty list means "any, refresh everything".
    contactsChanged = Signal(list)
    # A contact's timeline changed (interaction logged, edited, deleted).
    timelineChanged = Signal(int)
    # Follow-ups may have changed (states, due dates): panes, tray and scheduler refresh.
    followUpsChanged = Signal()
    # The job search's state or the playbook settings changed.
    searchChanged = Signal()
    # An import batch was applied (batch id) or undone.
    importApplied = Signal(int)
    importUndone = Signal(int)
    # Requests that any part may make: show the window, select a contact, open a
    # follow-up (from a notification or the tray), import files (from a second launch).
    showWindowRequested = Signal()
    contactRequested = Signal(int)
    followUpRequested = Signal(int)
    importRequested = Signal(list)
    # A message for the in-window banner (a restore, a notice about the store).
    bannerRequested = Signal(str, int)  # text, follow-up id (0 when none)

    def publish(self, changes: Changes) -> None:
        """Announce one committed change: `changed`, then each kind of signal it calls for."""
        if changes.empty:
            return
        self.changed.emit(changes)
        everyone = (
            changes.everyone
            or changes.all_timelines
            or bool(changes.import_batches)
            or bool(changes.imports_undone)
        )
        touched = changes.contacts | changes.removed | changes.timelines | changes.rules
        if everyone or touched:
            # An empty list means "any contact": the panes reload instead of patching rows.
            self.contactsChanged.emit([] if everyone else sorted(touched))
        for contact_id in sorted(changes.timelines | changes.removed):
            self.timelineChanged.emit(contact_id)
        if everyone or touched or changes.follow_ups:
            self.followUpsChanged.emit()
        if changes.search or changes.companies or changes.settings:
            self.searchChanged.emit()
        for batch_id in sorted(changes.import_batches):
            self.importApplied.emit(batch_id)
        for batch_id in sorted(changes.imports_undone):
            self.importUndone.emit(batch_id)
