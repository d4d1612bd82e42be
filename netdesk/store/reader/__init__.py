"""The store's readers: pages of rows, counts, search, due follow-ups, a timeline. They never
write; `netdesk.store.writer` is the one way in for a change.

Each name is loaded from its module the first time it is used (see `__getattr__`), so the
window's first paint does not wait for the modules it does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netdesk.store.reader.calendar import birthdays as birthdays
    from netdesk.store.reader.calendar import calendar_follow_ups as calendar_follow_ups
    from netdesk.store.reader.calendar import calendar_options as calendar_options
    from netdesk.store.reader.calendar import store_id as store_id
    from netdesk.store.reader.calendar_sync import SyncCalendar as SyncCalendar
    from netdesk.store.reader.calendar_sync import SyncEvent as SyncEvent
    from netdesk.store.reader.calendar_sync import calendar_event_at as calendar_event_at
    from netdesk.store.reader.calendar_sync import calendar_events as calendar_events
    from netdesk.store.reader.calendar_sync import calendar_item as calendar_item
    from netdesk.store.reader.calendar_sync import event_outbox as event_outbox
    from netdesk.store.reader.calendar_sync import follow_up_states as follow_up_states
    from netdesk.store.reader.calendar_sync import has_calendar_push as has_calendar_push
    from netdesk.store.reader.calendar_sync import pushable_follow_ups as pushable_follow_ups
    from netdesk.store.reader.calendar_sync import pushed_calendar as pushed_calendar
    from netdesk.store.reader.calendar_sync import sync_calendars as sync_calendars
    from netdesk.store.reader.contact_list import ListedContact as ListedContact
    from netdesk.store.reader.contact_list import ListFilter as ListFilter
    from netdesk.store.reader.contact_list import ListOrder as ListOrder
    from netdesk.store.reader.contact_list import contact_list_ids as contact_list_ids
    from netdesk.store.reader.contact_list import (
        count_archived_search_hits as count_archived_search_hits,
    )
    from netdesk.store.reader.contact_list import count_contact_list as count_contact_list
    from netdesk.store.reader.contact_list import count_search_hits as count_search_hits
    from netdesk.store.reader.contact_list import listed_contacts as listed_contacts
    from netdesk.store.reader.contact_list import search_hits as search_hits
    from netdesk.store.reader.contact_list import store_has_contacts as store_has_contacts
    from netdesk.store.reader.contacts import ContactDetails as ContactDetails
    from netdesk.store.reader.contacts import SortCandidate as SortCandidate
    from netdesk.store.reader.contacts import contact_details as contact_details
    from netdesk.store.reader.contacts import contact_emails as contact_emails
    from netdesk.store.reader.contacts import contact_name as contact_name
    from netdesk.store.reader.contacts import contact_phones as contact_phones
    from netdesk.store.reader.contacts import contact_record as contact_record
    from netdesk.store.reader.contacts import contact_tie as contact_tie
    from netdesk.store.reader.contacts import count_unsorted as count_unsorted
    from netdesk.store.reader.contacts import fts_query as fts_query
    from netdesk.store.reader.contacts import search_contact_ids as search_contact_ids
    from netdesk.store.reader.contacts import unsorted_contacts as unsorted_contacts
    from netdesk.store.reader.due import DueFollowUp as DueFollowUp
    from netdesk.store.reader.due import DueList as DueList
    from netdesk.store.reader.due import count_due as count_due
    from netdesk.store.reader.due import due_now as due_now
    from netdesk.store.reader.due import follow_ups as follow_ups
    from netdesk.store.reader.due import help_owed as help_owed
    from netdesk.store.reader.due import next_due_moment as next_due_moment
    from netdesk.store.reader.duplicates import DuplicateScan as DuplicateScan
    from netdesk.store.reader.duplicates import MergeField as MergeField
    from netdesk.store.reader.duplicates import MergeRows as MergeRows
    from netdesk.store.reader.duplicates import MergeSide as MergeSide
    from netdesk.store.reader.duplicates import MergeSides as MergeSides
    from netdesk.store.reader.duplicates import batch_contact_ids as batch_contact_ids
    from netdesk.store.reader.duplicates import chooseable_fields as chooseable_fields
    from netdesk.store.reader.duplicates import dismissed_pairs as dismissed_pairs
    from netdesk.store.reader.duplicates import duplicate_candidates as duplicate_candidates
    from netdesk.store.reader.duplicates import likely_duplicates as likely_duplicates
    from netdesk.store.reader.duplicates import merge_order as merge_order
    from netdesk.store.reader.duplicates import merge_sides as merge_sides
    from netdesk.store.reader.history import FilePlan as FilePlan
    from netdesk.store.reader.history import batch_entries as batch_entries
    from netdesk.store.reader.history import email_directory as email_directory
    from netdesk.store.reader.history import imported_keys as imported_keys
    from netdesk.store.reader.history import mail_rows as mail_rows
    from netdesk.store.reader.history import people_directory as people_directory
    from netdesk.store.reader.history import plan_linkedin as plan_linkedin
    from netdesk.store.reader.history import plan_mail as plan_mail
    from netdesk.store.reader.imports import ImportSummary as ImportSummary
    from netdesk.store.reader.imports import import_summary as import_summary
    from netdesk.store.reader.imports import last_import as last_import
    from netdesk.store.reader.settings import WrapUpPlan as WrapUpPlan
    from netdesk.store.reader.settings import get_setting as get_setting
    from netdesk.store.reader.settings import is_default_template as is_default_template
    from netdesk.store.reader.settings import job_search as job_search
    from netdesk.store.reader.settings import my_name as my_name
    from netdesk.store.reader.settings import playbook_settings as playbook_settings
    from netdesk.store.reader.settings import search_active as search_active
    from netdesk.store.reader.settings import search_started_on as search_started_on
    from netdesk.store.reader.settings import search_summary as search_summary
    from netdesk.store.reader.settings import template as template
    from netdesk.store.reader.settings import wrap_up_plan as wrap_up_plan
    from netdesk.store.reader.sync import OutboxRow as OutboxRow
    from netdesk.store.reader.sync import SyncAccount as SyncAccount
    from netdesk.store.reader.sync import SyncBook as SyncBook
    from netdesk.store.reader.sync import SyncCard as SyncCard
    from netdesk.store.reader.sync import SyncConflict as SyncConflict
    from netdesk.store.reader.sync import SyncRejection as SyncRejection
    from netdesk.store.reader.sync import card_at as card_at
    from netdesk.store.reader.sync import card_etags as card_etags
    from netdesk.store.reader.sync import card_of as card_of
    from netdesk.store.reader.sync import card_uids as card_uids
    from netdesk.store.reader.sync import conflicted_fields as conflicted_fields
    from netdesk.store.reader.sync import contact_record_of as contact_record_of
    from netdesk.store.reader.sync import contacts_by_uid as contacts_by_uid
    from netdesk.store.reader.sync import count_all_contacts as count_all_contacts
    from netdesk.store.reader.sync import count_sync_conflicts as count_sync_conflicts
    from netdesk.store.reader.sync import has_sync as has_sync
    from netdesk.store.reader.sync import linked_contacts as linked_contacts
    from netdesk.store.reader.sync import sync_account as sync_account
    from netdesk.store.reader.sync import sync_accounts as sync_accounts
    from netdesk.store.reader.sync import sync_conflicts as sync_conflicts
    from netdesk.store.reader.sync import sync_outbox as sync_outbox
    from netdesk.store.reader.sync import sync_outbox_entry as sync_outbox_entry
    from netdesk.store.reader.sync import sync_rejections as sync_rejections
    from netdesk.store.reader.sync import unconfirmed_cards as unconfirmed_cards
    from netdesk.store.reader.sync import unlinked_contacts as unlinked_contacts
    from netdesk.store.reader.timelines import TimelineEntry as TimelineEntry
    from netdesk.store.reader.timelines import recent_activity as recent_activity
    from netdesk.store.reader.timelines import timeline as timeline
    from netdesk.store.reader.workflows import CompanyInteraction as CompanyInteraction
    from netdesk.store.reader.workflows import CompanyRow as CompanyRow
    from netdesk.store.reader.workflows import Glance as Glance
    from netdesk.store.reader.workflows import Person as Person
    from netdesk.store.reader.workflows import Recipient as Recipient
    from netdesk.store.reader.workflows import ReferenceAsk as ReferenceAsk
    from netdesk.store.reader.workflows import ReferenceContact as ReferenceContact
    from netdesk.store.reader.workflows import ThankYouContact as ThankYouContact
    from netdesk.store.reader.workflows import WrapUpState as WrapUpState
    from netdesk.store.reader.workflows import companies as companies
    from netdesk.store.reader.workflows import company_interactions as company_interactions
    from netdesk.store.reader.workflows import company_people as company_people
    from netdesk.store.reader.workflows import glance as glance
    from netdesk.store.reader.workflows import help_to_thank as help_to_thank
    from netdesk.store.reader.workflows import networked_during_search as networked_during_search
    from netdesk.store.reader.workflows import reference_asks as reference_asks
    from netdesk.store.reader.workflows import reference_contacts as reference_contacts
    from netdesk.store.reader.workflows import reference_requests as reference_requests
    from netdesk.store.reader.workflows import reference_warning as reference_warning
    from netdesk.store.reader.workflows import status_update_candidates as status_update_candidates
    from netdesk.store.reader.workflows import thank_you_contact as thank_you_contact
    from netdesk.store.reader.workflows import wrap_up_contacts as wrap_up_contacts
    from netdesk.store.reader.workflows import wrap_up_states as wrap_up_states

# Where each name lives.
_WHERE = {
    "batch_entries": "netdesk.store.reader.history",
    "SyncCalendar": "netdesk.store.reader.calendar_sync",
    "SyncEvent": "netdesk.store.reader.calendar_sync",
    "sync_calendars": "netdesk.store.reader.calendar_sync",
    "pushed_calendar": "netdesk.store.reader.calendar_sync",
    "has_calendar_push": "netdesk.store.reader.calendar_sync",
    "calendar_events": "netdesk.store.reader.calendar_sync",
    "calendar_event_at": "netdesk.store.reader.calendar_sync",
    "event_outbox": "netdesk.store.reader.calendar_sync",
    "follow_up_states": "netdesk.store.reader.calendar_sync",
    "pushable_follow_ups": "netdesk.store.reader.calendar_sync",
    "calendar_item": "netdesk.store.reader.calendar_sync",
    "FilePlan": "netdesk.store.reader.history",
    "mail_rows": "netdesk.store.reader.history",
    "plan_linkedin": "netdesk.store.reader.history",
    "plan_mail": "netdesk.store.reader.history",
    "email_directory": "netdesk.store.reader.history",
    "imported_keys": "netdesk.store.reader.history",
    "people_directory": "netdesk.store.reader.history",
    "DuplicateScan": "netdesk.store.reader.duplicates",
    "MergeField": "netdesk.store.reader.duplicates",
    "MergeRows": "netdesk.store.reader.duplicates",
    "MergeSide": "netdesk.store.reader.duplicates",
    "MergeSides": "netdesk.store.reader.duplicates",
    "batch_contact_ids": "netdesk.store.reader.duplicates",
    "chooseable_fields": "netdesk.store.reader.duplicates",
    "dismissed_pairs": "netdesk.store.reader.duplicates",
    "duplicate_candidates": "netdesk.store.reader.duplicates",
    "likely_duplicates": "netdesk.store.reader.duplicates",
    "merge_order": "netdesk.store.reader.duplicates",
    "merge_sides": "netdesk.store.reader.duplicates",
    "OutboxRow": "netdesk.store.reader.sync",
    "contact_record_of": "netdesk.store.reader.sync",
    "SyncAccount": "netdesk.store.reader.sync",
    "SyncBook": "netdesk.store.reader.sync",
    "SyncCard": "netdesk.store.reader.sync",
    "SyncConflict": "netdesk.store.reader.sync",
    "SyncRejection": "netdesk.store.reader.sync",
    "card_at": "netdesk.store.reader.sync",
    "card_etags": "netdesk.store.reader.sync",
    "card_of": "netdesk.store.reader.sync",
    "card_uids": "netdesk.store.reader.sync",
    "conflicted_fields": "netdesk.store.reader.sync",
    "contacts_by_uid": "netdesk.store.reader.sync",
    "count_all_contacts": "netdesk.store.reader.sync",
    "count_sync_conflicts": "netdesk.store.reader.sync",
    "has_sync": "netdesk.store.reader.sync",
    "linked_contacts": "netdesk.store.reader.sync",
    "sync_account": "netdesk.store.reader.sync",
    "sync_accounts": "netdesk.store.reader.sync",
    "sync_conflicts": "netdesk.store.reader.sync",
    "sync_outbox": "netdesk.store.reader.sync",
    "sync_outbox_entry": "netdesk.store.reader.sync",
    "sync_rejections": "netdesk.store.reader.sync",
    "unconfirmed_cards": "netdesk.store.reader.sync",
    "unlinked_contacts": "netdesk.store.reader.sync",
    "birthdays": "netdesk.store.reader.calendar",
    "calendar_follow_ups": "netdesk.store.reader.calendar",
    "calendar_options": "netdesk.store.reader.calendar",
    "store_id": "netdesk.store.reader.calendar",
    "companies": "netdesk.store.reader.workflows",
    "company_interactions": "netdesk.store.reader.workflows",
    "company_people": "netdesk.store.reader.workflows",
    "CompanyInteraction": "netdesk.store.reader.workflows",
    "CompanyRow": "netdesk.store.reader.workflows",
    "contact_details": "netdesk.store.reader.contacts",
    "contact_emails": "netdesk.store.reader.contacts",
    "contact_list_ids": "netdesk.store.reader.contact_list",
    "contact_name": "netdesk.store.reader.contacts",
    "contact_phones": "netdesk.store.reader.contacts",
    "contact_record": "netdesk.store.reader.contacts",
    "contact_tie": "netdesk.store.reader.contacts",
    "ContactDetails": "netdesk.store.reader.contacts",
    "count_archived_search_hits": "netdesk.store.reader.contact_list",
    "count_contact_list": "netdesk.store.reader.contact_list",
    "count_due": "netdesk.store.reader.due",
    "due_now": "netdesk.store.reader.due",
    "count_search_hits": "netdesk.store.reader.contact_list",
    "count_unsorted": "netdesk.store.reader.contacts",
    "DueFollowUp": "netdesk.store.reader.due",
    "DueList": "netdesk.store.reader.due",
    "follow_ups": "netdesk.store.reader.due",
    "fts_query": "netdesk.store.reader.contacts",
    "get_setting": "netdesk.store.reader.settings",
    "Glance": "netdesk.store.reader.workflows",
    "glance": "netdesk.store.reader.workflows",
    "help_owed": "netdesk.store.reader.due",
    "help_to_thank": "netdesk.store.reader.workflows",
    "import_summary": "netdesk.store.reader.imports",
    "ImportSummary": "netdesk.store.reader.imports",
    "is_default_template": "netdesk.store.reader.settings",
    "job_search": "netdesk.store.reader.settings",
    "last_import": "netdesk.store.reader.imports",
    "listed_contacts": "netdesk.store.reader.contact_list",
    "ListedContact": "netdesk.store.reader.contact_list",
    "ListFilter": "netdesk.store.reader.contact_list",
    "ListOrder": "netdesk.store.reader.contact_list",
    "my_name": "netdesk.store.reader.settings",
    "networked_during_search": "netdesk.store.reader.workflows",
    "next_due_moment": "netdesk.store.reader.due",
    "Person": "netdesk.store.reader.workflows",
    "playbook_settings": "netdesk.store.reader.settings",
    "recent_activity": "netdesk.store.reader.timelines",
    "Recipient": "netdesk.store.reader.workflows",
    "reference_asks": "netdesk.store.reader.workflows",
    "reference_contacts": "netdesk.store.reader.workflows",
    "reference_requests": "netdesk.store.reader.workflows",
    "reference_warning": "netdesk.store.reader.workflows",
    "ReferenceAsk": "netdesk.store.reader.workflows",
    "ReferenceContact": "netdesk.store.reader.workflows",
    "search_active": "netdesk.store.reader.settings",
    "search_contact_ids": "netdesk.store.reader.contacts",
    "search_hits": "netdesk.store.reader.contact_list",
    "search_started_on": "netdesk.store.reader.settings",
    "search_summary": "netdesk.store.reader.settings",
    "SortCandidate": "netdesk.store.reader.contacts",
    "status_update_candidates": "netdesk.store.reader.workflows",
    "store_has_contacts": "netdesk.store.reader.contact_list",
    "template": "netdesk.store.reader.settings",
    "thank_you_contact": "netdesk.store.reader.workflows",
    "ThankYouContact": "netdesk.store.reader.workflows",
    "timeline": "netdesk.store.reader.timelines",
    "TimelineEntry": "netdesk.store.reader.timelines",
    "unsorted_contacts": "netdesk.store.reader.contacts",
    "wrap_up_contacts": "netdesk.store.reader.workflows",
    "wrap_up_plan": "netdesk.store.reader.settings",
    "wrap_up_states": "netdesk.store.reader.workflows",
    "WrapUpPlan": "netdesk.store.reader.settings",
    "WrapUpState": "netdesk.store.reader.workflows",
}

__all__ = [
    "CompanyInteraction",
    "CompanyRow",
    "ContactDetails",
    "DueFollowUp",
    "DueList",
    "DuplicateScan",
    "FilePlan",
    "Glance",
    "ImportSummary",
    "ListFilter",
    "ListOrder",
    "ListedContact",
    "MergeField",
    "MergeRows",
    "MergeSide",
    "MergeSides",
    "OutboxRow",
    "Person",
    "Recipient",
    "ReferenceAsk",
    "ReferenceContact",
    "SortCandidate",
    "SyncAccount",
    "SyncBook",
    "SyncCalendar",
    "SyncCard",
    "SyncConflict",
    "SyncEvent",
    "SyncRejection",
    "ThankYouContact",
    "TimelineEntry",
    "WrapUpPlan",
    "WrapUpState",
    "batch_contact_ids",
    "batch_entries",
    "birthdays",
    "calendar_event_at",
    "calendar_events",
    "calendar_follow_ups",
    "calendar_item",
    "calendar_options",
    "card_at",
    "card_etags",
    "card_of",
    "card_uids",
    "chooseable_fields",
    "companies",
    "company_interactions",
    "company_people",
    "conflicted_fields",
    "contact_details",
    "contact_emails",
    "contact_list_ids",
    "contact_name",
    "contact_phones",
    "contact_record",
    "contact_record_of",
    "contact_tie",
    "contacts_by_uid",
    "count_all_contacts",
    "count_archived_search_hits",
    "count_contact_list",
    "count_due",
    "count_search_hits",
    "count_sync_conflicts",
    "count_unsorted",
    "dismissed_pairs",
    "due_now",
    "duplicate_candidates",
    "email_directory",
    "event_outbox",
    "follow_up_states",
    "follow_ups",
    "fts_query",
    "get_setting",
    "glance",
    "has_calendar_push",
    "has_sync",
    "help_owed",
    "help_to_thank",
    "import_summary",
    "imported_keys",
    "is_default_template",
    "job_search",
    "last_import",
    "likely_duplicates",
    "linked_contacts",
    "listed_contacts",
    "mail_rows",
    "merge_order",
    "merge_sides",
    "my_name",
    "networked_during_search",
    "next_due_moment",
    "people_directory",
    "plan_linkedin",
    "plan_mail",
    "playbook_settings",
    "pushable_follow_ups",
    "pushed_calendar",
    "recent_activity",
    "reference_asks",
    "reference_contacts",
    "reference_requests",
    "reference_warning",
    "search_active",
    "search_contact_ids",
    "search_hits",
    "search_started_on",
    "search_summary",
    "status_update_candidates",
    "store_has_contacts",
    "store_id",
    "sync_account",
    "sync_accounts",
    "sync_calendars",
    "sync_conflicts",
    "sync_outbox",
    "sync_outbox_entry",
    "sync_rejections",
    "template",
    "thank_you_contact",
    "timeline",
    "unconfirmed_cards",
    "unlinked_contacts",
    "unsorted_contacts",
    "wrap_up_contacts",
    "wrap_up_plan",
    "wrap_up_states",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found once; later lookups are plain attribute reads
    return value
