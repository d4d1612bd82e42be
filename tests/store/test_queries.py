"""The store's queries: follow-ups through their lifecycle, search, timeline, undoable deletes."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from netdesk.core.domain import FollowUpReason, FollowUpState, InteractionKind, SearchState, Tie
from netdesk.store import reader, undo, writer
from netdesk.store.models import Contact, FollowUp
from netdesk.store.sql import OPEN_STATES
from netdesk.store.writer import derived


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


def _dana(now: dt.datetime, **fields: object) -> int:
    values = {"display_name": "Dana Okafor", "tie": Tie.WORK_ACQUAINTANCE.value, **fields}
    contact = writer.create_contact(
        values, now - days(30), emails=["dana@acme.example"], company="Acme Robotics, Inc."
    )
    return int(contact.id)


def _open(contact_id: int) -> list[FollowUp]:
    return list(
        FollowUp.select().where(FollowUp.contact == contact_id, FollowUp.state.in_(OPEN_STATES))
    )


def test_met_and_never_followed_up_then_logging_moves_the_next_follow_up(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    cid = _dana(now)
    writer.log_interaction(
        cid, InteractionKind.NETWORKING_EVENT, now - days(9), now, summary="the PyData meetup"
    )
    due = reader.follow_ups(now)
    assert [(f.contact_id, f.reason) for f in due] == [(cid, FollowUpReason.MET_NO_FOLLOW_UP)]
    assert (
        due[0].sentence
        == "You met Dana on 17 November 2026 (“the PyData meetup”) and haven't followed up."
    )
    assert Contact.get_by_id(cid).next_due_at == now - days(2)

    writer.log_interaction(cid, InteractionKind.EMAIL, now, now, summary="Thanks for the chat")
    assert reader.follow_ups(now) == []
    assert Contact.get_by_id(cid).next_due_at == now + days(60)
    # The old follow-up was closed as done, not forgotten.
    states = {f.reason: f.state for f in FollowUp.select().where(FollowUp.contact == cid)}
    assert states[FollowUpReason.MET_NO_FOLLOW_UP.value] == FollowUpState.DONE.value
    assert states[FollowUpReason.CADENCE.value] == FollowUpState.DUE.value


def test_snooze_dismiss_and_done(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    cid = _dana(now, tie=Tie.ADVOCATE.value)
    writer.log_interaction(cid, InteractionKind.EMAIL, now - days(40), now)
    [item] = reader.follow_ups(now)
    assert item.reason is FollowUpReason.CADENCE

    writer.snooze_follow_up(item.follow_up_id, now + days(1))
    assert reader.follow_ups(now) == []
    [again] = reader.follow_ups(now + days(1))
    assert again.follow_up_id == item.follow_up_id and again.state is FollowUpState.SNOOZED
    # A recompute (another contact changing, a setting) keeps the snooze.
    derived.recompute_follow_ups(None, now)
    assert reader.follow_ups(now) == []

    writer.dismiss_follow_up(item.follow_up_id, now)
    assert reader.follow_ups(now + days(2)) == []
    assert Contact.get_by_id(cid).next_due_at == now + days(30)

    [later] = reader.follow_ups(now + days(31))
    writer.complete_follow_up(
        later.follow_up_id,
        now + days(31),
        kind=InteractionKind.CALL,
        summary="Caught up about the data team",
    )
    assert reader.timeline(cid)[0].summary == "Caught up about the data team"
    assert reader.follow_ups(now + days(31)) == []


def test_tie_and_search_state_change_the_rules(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    cid = _dana(now, tie=Tie.UNSORTED.value)
    writer.log_interaction(cid, InteractionKind.EMAIL, now - days(100), now)
    assert reader.follow_ups(now) == []
    writer.set_job_search(SearchState.SEARCHING, now)
    [item] = reader.follow_ups(now)
    assert item.reason is FollowUpReason.STATUS_UPDATE
    writer.set_tie([cid], Tie.ADVOCATE, now)
    [item] = reader.follow_ups(now)
    assert item.reason is FollowUpReason.CADENCE
    writer.set_archived([cid], True, now)
    assert reader.follow_ups(now) == []


def test_next_due_moment_is_the_schedulers_alarm(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    cid = _dana(now)
    writer.log_interaction(cid, InteractionKind.COFFEE, now - days(2), now)
    assert reader.next_due_moment(now) == now + days(5)
    assert reader.count_due(now) == 0
    assert reader.count_due(now + days(5)) == 1


def test_search_covers_names_company_title_emails_notes_tags(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    cid = _dana(now, title="Data Platform Lead", notes="Knows the Lisbon office", tags="python, ml")
    other = writer.create_contact({"display_name": "Zoë Martínez"}, now).id
    for text in ("dan", "okaf", "acme", "platform lead", "dana@acme", "lisbon", "python"):
        assert reader.search_contact_ids(text) == [cid], text
    assert reader.search_contact_ids("zoe martinez") == [other]
    assert reader.search_contact_ids("") == []
    assert reader.search_contact_ids('" OR *') == []
    # Kept in step: an edit changes what is found.
    writer.update_contact(cid, {"notes": "Moved to Porto"}, now, company="Globex")
    assert reader.search_contact_ids("lisbon") == []
    assert reader.search_contact_ids("porto globex") == [cid]
    writer.update_contact(cid, {}, now, emails=["dana@globex.example"])
    assert reader.search_contact_ids("dana@acme") == []


def test_one_company_however_it_is_spelled(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    a = writer.company_for_name("Acme Robotics, Inc.")
    b = writer.company_for_name("ACME Robotics")
    assert a is not None and b is not None and a.id == b.id


def test_delete_and_undo_restore_everything(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    cid = _dana(now, tie=Tie.ADVOCATE.value)
    writer.log_interaction(cid, InteractionKind.REFERRAL, now - days(3), now, helped="a referral")
    before = reader.follow_ups(now, horizon=days(60))
    with undo.recording() as deleted:
        writer.delete_contacts([cid])
    assert Contact.get_or_none(Contact.id == cid) is None
    assert reader.search_contact_ids("dana") == []
    undo.replay(deleted.step)
    assert Contact.get_by_id(cid).display_name == "Dana Okafor"
    assert reader.contact_emails(cid) == ["dana@acme.example"]
    assert [e.helped for e in reader.timeline(cid)] == ["a referral"]
    assert reader.search_contact_ids("dana") == [cid]
    assert [f.follow_up_id for f in reader.follow_ups(now, horizon=days(60))] == [
        f.follow_up_id for f in before
    ]


def test_bulk_tag_and_timeline_edits(store: pw.SqliteDatabase, now: dt.datetime) -> None:
    cid = _dana(now)
    writer.add_tag([cid], "fintech", now)
    writer.add_tag([cid], "fintech", now)
    assert Contact.get_by_id(cid).tag_list == ["fintech"]
    assert reader.search_contact_ids("fintech") == [cid]
    i = writer.log_interaction(cid, InteractionKind.CALL, now - days(1), now, summary="call")
    writer.update_interaction(i.id, now, summary="long call", kind=InteractionKind.MEETING)
    assert reader.timeline(cid)[0].summary == "long call"
    assert reader.timeline(cid)[0].kind is InteractionKind.MEETING
    with undo.recording() as deleted:
        writer.delete_interaction(i.id, now)
    assert reader.timeline(cid) == []
    undo.replay(deleted.step)
    assert [e.summary for e in reader.recent_activity()] == ["long call"]


def test_help_is_followed_by_a_thank_you_that_names_it(
    store: pw.SqliteDatabase, now: dt.datetime
) -> None:
    cid = _dana(now, tie=Tie.ADVOCATE.value)
    writer.log_interaction(cid, InteractionKind.COFFEE, now - days(3), now)
    writer.log_interaction(
        cid, InteractionKind.INTRODUCTION, now - days(1), now, helped="the introduction to Sam"
    )
    writer.log_interaction(cid, InteractionKind.CALL, now, now, helped="interview advice")
    [thanks] = [f for f in reader.follow_ups(now) if f.reason is FollowUpReason.THANK_YOU]
    assert thanks.sentence == (
        "Say thank you to Dana, and name what they did: “the introduction to Sam” and "
        "“interview advice”."
    )
    # Logging the thank-you, even dated earlier in the day, closes it.
    later = now + dt.timedelta(hours=2)
    writer.log_interaction(cid, InteractionKind.THANK_YOU, now - dt.timedelta(hours=1), later)
    assert [f for f in reader.follow_ups(later) if f.reason is FollowUpReason.THANK_YOU] == []
    assert FollowUp.get_by_id(thanks.follow_up_id).state == FollowUpState.DONE.value
    # New help after the thank-you asks again; old help (beyond the window) does not.
    writer.log_interaction(
        cid, InteractionKind.REFERRAL, later, later, helped="a referral to the data team"
    )
    [again] = [f for f in reader.follow_ups(later) if f.reason is FollowUpReason.THANK_YOU]
    assert "a referral to the data team" in again.sentence
    assert "interview advice" not in again.sentence
    other = _dana(now, display_name="Lee Chen")
    writer.log_interaction(
        other, InteractionKind.EMAIL, now - days(200), now, helped="a reference long ago"
    )
    assert not [
        f
        for f in reader.follow_ups(now)
        if f.contact_id == other and f.reason is FollowUpReason.THANK_YOU
    ]
