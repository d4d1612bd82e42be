"""The one way in for every change to the store.

Every write runs inside `change()`: one transaction that keeps the derived facts (touch
summary, follow-ups, next due moment, search index) in step before it commits, and gives
back a `Changes` record of what it touched. Readers live in `netdesk.store.reader`."""

from __future__ import annotations

from netdesk.store.writer.changes import (
    Changes,
    change,
)
from netdesk.store.writer.contacts import (
    EDITABLE_FIELDS,
    RULE_FIELDS,
    add_tag,
    company_for_name,
    create_contact,
    delete_contacts,
    restore_contacts,
    set_archived,
    set_company_status,
    set_emails,
    set_phones,
    set_tie,
    snapshot_contacts,
    update_contact,
)
from netdesk.store.writer.follow_ups import (
    complete_follow_up,
    create_follow_up,
    dismiss_follow_up,
    mark_notified,
    snooze_all_due,
    snooze_follow_up,
    snooze_follow_ups,
)
from netdesk.store.writer.interactions import (
    delete_interaction,
    log_interaction,
    restore_interaction,
    update_interaction,
)
from netdesk.store.writer.settings import (
    reset_template,
    set_job_search,
    set_my_name,
    set_playbook_settings,
    set_setting,
    set_template,
)
from netdesk.store.writer.workflows import (
    HEADS_UP_LEAD_DAYS,
    ask_reference,
    log_status_update,
    mark_reference,
    mark_thanked,
    record_gift,
    set_above_and_beyond,
    start_wrap_up,
)

__all__ = [
    "EDITABLE_FIELDS",
    "HEADS_UP_LEAD_DAYS",
    "RULE_FIELDS",
    "Changes",
    "add_tag",
    "ask_reference",
    "change",
    "company_for_name",
    "complete_follow_up",
    "create_contact",
    "create_follow_up",
    "delete_contacts",
    "delete_interaction",
    "dismiss_follow_up",
    "log_interaction",
    "log_status_update",
    "mark_notified",
    "mark_reference",
    "mark_thanked",
    "record_gift",
    "reset_template",
    "restore_contacts",
    "restore_interaction",
    "set_above_and_beyond",
    "set_archived",
    "set_company_status",
    "set_emails",
    "set_job_search",
    "set_my_name",
    "set_phones",
    "set_playbook_settings",
    "set_setting",
    "set_template",
    "set_tie",
    "snapshot_contacts",
    "snooze_all_due",
    "snooze_follow_up",
    "snooze_follow_ups",
    "start_wrap_up",
    "update_contact",
    "update_interaction",
]
