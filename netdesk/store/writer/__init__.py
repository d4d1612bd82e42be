"""The one way in for every change to the store.

Every write runs inside `change()`: one transaction that keeps the derived facts (touch
summary, follow-ups, next due moment, search index) in step before it commits, and gives
back a `Changes` record of what it touched. Readers live in `netdesk.store.reader`.

Each name is loaded from its module the first time it is used (see `__getattr__`), so the
window's first paint does not wait for the modules it does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netdesk.store.writer.calendar import ensure_store_id as ensure_store_id
    from netdesk.store.writer.calendar import set_calendar_options as set_calendar_options
    from netdesk.store.writer.calendar_sync import complete_elsewhere as complete_elsewhere
    from netdesk.store.writer.calendar_sync import drop_event as drop_event
    from netdesk.store.writer.calendar_sync import link_event as link_event
    from netdesk.store.writer.calendar_sync import mark_event_pushed as mark_event_pushed
    from netdesk.store.writer.calendar_sync import set_calendar_token as set_calendar_token
    from netdesk.store.writer.calendar_sync import set_sync_calendars as set_sync_calendars
    from netdesk.store.writer.changes import Changes as Changes
    from netdesk.store.writer.changes import change as change
    from netdesk.store.writer.contacts import add_tag as add_tag
    from netdesk.store.writer.contacts import company_for_name as company_for_name
    from netdesk.store.writer.contacts import create_contact as create_contact
    from netdesk.store.writer.contacts import delete_contacts as delete_contacts
    from netdesk.store.writer.contacts import set_archived as set_archived
    from netdesk.store.writer.contacts import set_company_status as set_company_status
    from netdesk.store.writer.contacts import set_emails as set_emails
    from netdesk.store.writer.contacts import set_phones as set_phones
    from netdesk.store.writer.contacts import set_tie as set_tie
    from netdesk.store.writer.contacts import update_contact as update_contact
    from netdesk.store.writer.follow_ups import complete_follow_up as complete_follow_up
    from netdesk.store.writer.follow_ups import create_follow_up as create_follow_up
    from netdesk.store.writer.follow_ups import dismiss_follow_up as dismiss_follow_up
    from netdesk.store.writer.follow_ups import mark_notified as mark_notified
    from netdesk.store.writer.follow_ups import snooze_all_due as snooze_all_due
    from netdesk.store.writer.follow_ups import snooze_follow_up as snooze_follow_up
    from netdesk.store.writer.follow_ups import snooze_follow_ups as snooze_follow_ups
    from netdesk.store.writer.history import HistoryAdded as HistoryAdded
    from netdesk.store.writer.history import HistoryRow as HistoryRow
    from netdesk.store.writer.history import add_history as add_history
    from netdesk.store.writer.history import import_linkedin_history as import_linkedin_history
    from netdesk.store.writer.history import import_mail_history as import_mail_history
    from netdesk.store.writer.interactions import delete_interaction as delete_interaction
    from netdesk.store.writer.interactions import log_interaction as log_interaction
    from netdesk.store.writer.interactions import update_interaction as update_interaction
    from netdesk.store.writer.merge import contact_links as contact_links
    from netdesk.store.writer.merge import mark_not_duplicate as mark_not_duplicate
    from netdesk.store.writer.merge import merge_contacts as merge_contacts
    from netdesk.store.writer.settings import reset_template as reset_template
    from netdesk.store.writer.settings import set_job_search as set_job_search
    from netdesk.store.writer.settings import set_my_name as set_my_name
    from netdesk.store.writer.settings import set_playbook_settings as set_playbook_settings
    from netdesk.store.writer.settings import set_setting as set_setting
    from netdesk.store.writer.settings import set_template as set_template
    from netdesk.store.writer.sync import add_sync_account as add_sync_account
    from netdesk.store.writer.sync import delete_synced_contacts as delete_synced_contacts
    from netdesk.store.writer.sync import drop_card as drop_card
    from netdesk.store.writer.sync import keep_conflicts as keep_conflicts
    from netdesk.store.writer.sync import link_card as link_card
    from netdesk.store.writer.sync import mark_pushed as mark_pushed
    from netdesk.store.writer.sync import note_sync as note_sync
    from netdesk.store.writer.sync import queue_for_sync as queue_for_sync
    from netdesk.store.writer.sync import quiet_sync as quiet_sync
    from netdesk.store.writer.sync import reject_card as reject_card
    from netdesk.store.writer.sync import remove_sync_account as remove_sync_account
    from netdesk.store.writer.sync import resolve_conflicts as resolve_conflicts
    from netdesk.store.writer.sync import save_synced_record as save_synced_record
    from netdesk.store.writer.sync import set_card_uid as set_card_uid
    from netdesk.store.writer.sync import set_sync_books as set_sync_books
    from netdesk.store.writer.sync import set_sync_token as set_sync_token
    from netdesk.store.writer.workflows import ask_reference as ask_reference
    from netdesk.store.writer.workflows import log_status_update as log_status_update
    from netdesk.store.writer.workflows import mark_reference as mark_reference
    from netdesk.store.writer.workflows import mark_thanked as mark_thanked
    from netdesk.store.writer.workflows import record_gift as record_gift
    from netdesk.store.writer.workflows import set_above_and_beyond as set_above_and_beyond
    from netdesk.store.writer.workflows import start_wrap_up as start_wrap_up

# Where each name lives.
_WHERE = {
    "set_sync_calendars": "netdesk.store.writer.calendar_sync",
    "set_calendar_token": "netdesk.store.writer.calendar_sync",
    "link_event": "netdesk.store.writer.calendar_sync",
    "drop_event": "netdesk.store.writer.calendar_sync",
    "mark_event_pushed": "netdesk.store.writer.calendar_sync",
    "complete_elsewhere": "netdesk.store.writer.calendar_sync",
    "import_linkedin_history": "netdesk.store.writer.history",
    "import_mail_history": "netdesk.store.writer.history",
    "HistoryAdded": "netdesk.store.writer.history",
    "HistoryRow": "netdesk.store.writer.history",
    "add_history": "netdesk.store.writer.history",
    "contact_links": "netdesk.store.writer.merge",
    "mark_not_duplicate": "netdesk.store.writer.merge",
    "merge_contacts": "netdesk.store.writer.merge",
    "add_sync_account": "netdesk.store.writer.sync",
    "delete_synced_contacts": "netdesk.store.writer.sync",
    "drop_card": "netdesk.store.writer.sync",
    "keep_conflicts": "netdesk.store.writer.sync",
    "link_card": "netdesk.store.writer.sync",
    "mark_pushed": "netdesk.store.writer.sync",
    "note_sync": "netdesk.store.writer.sync",
    "queue_for_sync": "netdesk.store.writer.sync",
    "quiet_sync": "netdesk.store.writer.sync",
    "reject_card": "netdesk.store.writer.sync",
    "remove_sync_account": "netdesk.store.writer.sync",
    "resolve_conflicts": "netdesk.store.writer.sync",
    "save_synced_record": "netdesk.store.writer.sync",
    "set_card_uid": "netdesk.store.writer.sync",
    "set_sync_books": "netdesk.store.writer.sync",
    "set_sync_token": "netdesk.store.writer.sync",
    "ensure_store_id": "netdesk.store.writer.calendar",
    "set_calendar_options": "netdesk.store.writer.calendar",
    "add_tag": "netdesk.store.writer.contacts",
    "ask_reference": "netdesk.store.writer.workflows",
    "change": "netdesk.store.writer.changes",
    "Changes": "netdesk.store.writer.changes",
    "company_for_name": "netdesk.store.writer.contacts",
    "complete_follow_up": "netdesk.store.writer.follow_ups",
    "create_contact": "netdesk.store.writer.contacts",
    "create_follow_up": "netdesk.store.writer.follow_ups",
    "delete_contacts": "netdesk.store.writer.contacts",
    "delete_interaction": "netdesk.store.writer.interactions",
    "dismiss_follow_up": "netdesk.store.writer.follow_ups",
    "log_interaction": "netdesk.store.writer.interactions",
    "log_status_update": "netdesk.store.writer.workflows",
    "mark_notified": "netdesk.store.writer.follow_ups",
    "mark_reference": "netdesk.store.writer.workflows",
    "mark_thanked": "netdesk.store.writer.workflows",
    "record_gift": "netdesk.store.writer.workflows",
    "reset_template": "netdesk.store.writer.settings",
    "set_above_and_beyond": "netdesk.store.writer.workflows",
    "set_archived": "netdesk.store.writer.contacts",
    "set_company_status": "netdesk.store.writer.contacts",
    "set_emails": "netdesk.store.writer.contacts",
    "set_job_search": "netdesk.store.writer.settings",
    "set_my_name": "netdesk.store.writer.settings",
    "set_phones": "netdesk.store.writer.contacts",
    "set_playbook_settings": "netdesk.store.writer.settings",
    "set_setting": "netdesk.store.writer.settings",
    "set_template": "netdesk.store.writer.settings",
    "set_tie": "netdesk.store.writer.contacts",
    "snooze_all_due": "netdesk.store.writer.follow_ups",
    "snooze_follow_up": "netdesk.store.writer.follow_ups",
    "snooze_follow_ups": "netdesk.store.writer.follow_ups",
    "start_wrap_up": "netdesk.store.writer.workflows",
    "update_contact": "netdesk.store.writer.contacts",
    "update_interaction": "netdesk.store.writer.interactions",
}

__all__ = [
    "Changes",
    "HistoryAdded",
    "HistoryRow",
    "add_history",
    "add_sync_account",
    "add_tag",
    "ask_reference",
    "change",
    "company_for_name",
    "complete_elsewhere",
    "complete_follow_up",
    "contact_links",
    "create_contact",
    "create_follow_up",
    "delete_contacts",
    "delete_interaction",
    "delete_synced_contacts",
    "dismiss_follow_up",
    "drop_card",
    "drop_event",
    "ensure_store_id",
    "import_linkedin_history",
    "import_mail_history",
    "keep_conflicts",
    "link_card",
    "link_event",
    "log_interaction",
    "log_status_update",
    "mark_event_pushed",
    "mark_not_duplicate",
    "mark_notified",
    "mark_pushed",
    "mark_reference",
    "mark_thanked",
    "merge_contacts",
    "note_sync",
    "queue_for_sync",
    "quiet_sync",
    "record_gift",
    "reject_card",
    "remove_sync_account",
    "reset_template",
    "resolve_conflicts",
    "save_synced_record",
    "set_above_and_beyond",
    "set_archived",
    "set_calendar_options",
    "set_calendar_token",
    "set_card_uid",
    "set_company_status",
    "set_emails",
    "set_job_search",
    "set_my_name",
    "set_phones",
    "set_playbook_settings",
    "set_setting",
    "set_sync_books",
    "set_sync_calendars",
    "set_sync_token",
    "set_template",
    "set_tie",
    "snooze_all_due",
    "snooze_follow_up",
    "snooze_follow_ups",
    "start_wrap_up",
    "update_contact",
    "update_interaction",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found once; later lookups are plain attribute reads
    return value
