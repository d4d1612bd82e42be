"""The app-wide signal hub: panes, tray and scheduler listen here instead of calling each other."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Hub(QObject):
    """One instance per app. Emit after the store has committed the change."""

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
    # A message for the in-window banner (the last notifier in the chain).
    bannerRequested = Signal(str, int)  # text, follow-up id (0 when none)

    def store_changed(self, contact_ids: list[int] | None = None) -> None:
        """The usual pair after a write: contacts changed, so follow-ups may have too."""
        self.contactsChanged.emit(list(contact_ids or []))
        self.followUpsChanged.emit()
