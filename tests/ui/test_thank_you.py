"""Rule 4 through the real window: help logged becomes a thank-you follow-up, and the
thank-you composer writes, sends and logs the thanks that closes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from PySide6.QtCore import Qt

from netdesk.core.domain import FollowUpReason, FollowUpState, InteractionKind, Tie
from netdesk.store import reader, writer
from netdesk.store.models import FollowUp
from netdesk.store.writer import Changes

HELP = ("the introduction to Sam & Jo", "interview advice")


class RecordingMail:
    """Stands in for the user's mail program and clipboard."""

    def __init__(self, opens: bool = True) -> None:
        self.urls: list[str] = []
        self.copied: list[str] = []
        self.opens = opens

    def open_mail(self, url: str) -> bool:
        self.urls.append(url)
        return self.opens

    def copy(self, text: str) -> None:
        self.copied.append(text)


@pytest.fixture
def window(main_window, data_dir: Path):  # type: ignore[no-untyped-def]
    """The main window as app.run builds it, with the workflows and a recording mail hand-off."""
    from netdesk.ui.workflows import install_workflows

    writer.set_my_name("Alex Kim")  # a test below starts without it
    built = main_window()
    workflows = install_workflows(built)
    workflows.mail = RecordingMail()
    yield built
    for dialog in workflows.open_dialogs.values():
        dialog.close()


def _help(cid: int, now: dt.datetime) -> None:
    writer.log_interaction(
        cid, InteractionKind.INTRODUCTION, now - dt.timedelta(days=2), now, helped=HELP[0]
    )
    writer.log_interaction(
        cid, InteractionKind.CALL, now - dt.timedelta(days=1), now, helped=HELP[1]
    )


def _thank_you_follow_ups(window, cid: int) -> list[reader.DueFollowUp]:  # type: ignore[no-untyped-def]
    model = window.follow_ups.model
    return [
        fu
        for row in range(model.rowCount())
        if (fu := model.follow_up(row)) is not None
        and fu.contact_id == cid
        and fu.reason is FollowUpReason.THANK_YOU
    ]


def _open_for(window, qtbot, cid: int, now: dt.datetime):  # type: ignore[no-untyped-def]
    """Log help for `cid`, then open the composer from its thank-you follow-up's button."""
    _help(cid, now)
    window.hub.publish(Changes(contacts={cid}))
    qtbot.waitUntil(lambda: bool(_thank_you_follow_ups(window, cid)))
    [fu] = _thank_you_follow_ups(window, cid)
    assert window.follow_ups.select_follow_up(fu.follow_up_id, activate=False)
    qtbot.mouseClick(window.follow_ups.thank_button, Qt.MouseButton.LeftButton)
    composer = window.workflows.open_dialogs["thank_you"]
    qtbot.waitExposed(composer)
    return composer, fu


def test_help_becomes_a_thank_you_that_is_written_sent_and_logged(
    window, qtbot, now: dt.datetime, add_contact: Callable[..., int]
) -> None:  # type: ignore[no-untyped-def]
    writer.set_my_name("Alex Kim")
    dana = add_contact("Dana Reyes", now, company="Acme", emails=("dana+jobs@example.com",))
    # Someone overdue for an ordinary touch: their follow-up is not a thank-you.
    lee = add_contact("Lee Chen", now, tie=Tie.WORK_ACQUAINTANCE, last_touch_days=120)
    window.hub.publish(Changes(contacts={dana, lee}))
    pane = window.follow_ups
    qtbot.waitUntil(lambda: pane.model.row_of(reader.follow_ups(now)[0].follow_up_id) is not None)
    [other] = [f for f in reader.follow_ups(now) if f.contact_id == lee]
    assert other.reason is not FollowUpReason.THANK_YOU
    assert pane.select_follow_up(other.follow_up_id, activate=False)
    assert not pane.selected_is_thank_you()
    assert not _thank_you_follow_ups(window, dana)

    # Logging help creates the follow-up, which names it; its button opens the composer.
    _help(dana, now)
    window.hub.publish(Changes(contacts={dana}))
    qtbot.waitUntil(lambda: bool(_thank_you_follow_ups(window, dana)))
    [fu] = _thank_you_follow_ups(window, dana)
    assert fu.sentence == (
        f"Say thank you to Dana, and name what they did: “{HELP[0]}” and “{HELP[1]}”."
    )
    assert reader.help_to_thank(dana, now) == list(HELP)
    assert pane.select_follow_up(fu.follow_up_id, activate=False)
    assert pane.thank_button.isEnabled() and pane.thank_action.isEnabled()
    assert pane.thank_action in pane.view.actions()  # its context menu
    # Write… on any other follow-up writes a message, not a thank-you.
    assert pane.select_follow_up(other.follow_up_id, activate=False)
    asked: list[tuple[str, int, int]] = []
    pane.writeRequested.connect(lambda *args: asked.append(args))
    thanked: list[int] = []
    pane.thankYouRequested.connect(thanked.append)
    pane.write()
    assert (asked, thanked) == ([("", lee, other.follow_up_id)], [])
    assert pane.select_follow_up(fu.follow_up_id, activate=False)
    qtbot.mouseClick(pane.thank_button, Qt.MouseButton.LeftButton)
    composer = window.workflows.open_dialogs["thank_you"]
    qtbot.waitExposed(composer)
    assert composer.objectName() == "thankYouComposer"
    assert composer.contact.contact_id == dana
    draft = composer.draft.toPlainText()
    assert draft.startswith("Hi Dana,")
    assert f"Thank you for {HELP[0]} and {HELP[1]}." in draft
    assert draft.endswith("Alex Kim")
    assert composer.warning.isHidden()
    assert composer.channel() == "email"
    assert composer.channel_buttons["email"].isEnabled()
    assert composer.no_email.isHidden()

    # The user makes it their own, then sends: one mailto, encoded, to Dana's address.
    composer.draft.setPlainText(draft.replace("Hi Dana,", "Dear Dana & co,"))
    mail = window.workflows.mail
    with (
        qtbot.waitSignal(window.hub.timelineChanged) as timeline_signal,
        qtbot.waitSignal(window.hub.followUpsChanged),
    ):
        qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    assert timeline_signal.args == [dana]
    assert mail.copied == []
    [url] = mail.urls
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and unquote(parts.path) == "dana+jobs@example.com"
    assert "&" not in parts.path and " " not in url and "\n" not in url
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query == {
        "subject": ["Thank you"],
        "body": [composer.message().replace("\n", "\r\n")],
    }
    assert query["body"][0].startswith("Dear Dana & co,\r\n")
    [entry, *_] = reader.timeline(dana)
    assert entry.kind is InteractionKind.THANK_YOU
    assert entry.summary == f"Thank-you email for “{HELP[0]}” and “{HELP[1]}”"
    assert FollowUp.get_by_id(fu.follow_up_id).state == FollowUpState.DONE.value
    assert reader.help_to_thank(dana, now) == []
    qtbot.waitUntil(lambda: not _thank_you_follow_ups(window, dana))
    assert composer.isHidden()
    assert "logged" in window.statusBar().currentMessage()


def test_an_ask_in_the_thank_you_is_named(
    window, qtbot, now: dt.datetime, add_contact: Callable[..., int]
) -> None:  # type: ignore[no-untyped-def]
    dana = add_contact("Dana Reyes", now, emails=("dana@example.com",))
    composer, _fu = _open_for(window, qtbot, dana, now)
    composer.draft.setPlainText("Thanks for the intro! Could you also keep me in mind?")
    assert not composer.warning.isHidden()
    text = composer.warning.text()
    assert "Could you" in text and "keep me in mind" in text and "not a thank-you" in text
    composer.draft.setPlainText("Thanks for the intro, it meant a lot.")
    assert composer.warning.isHidden()
    composer.draft.setPlainText("   ")
    assert not composer.send_button.isEnabled()


def test_a_contact_without_email_can_copy_or_note_but_not_send(
    window, qtbot, now: dt.datetime, add_contact: Callable[..., int]
) -> None:  # type: ignore[no-untyped-def]
    sam = add_contact("Sam <b>Ito</b>", now, emails=("not an address",))
    composer, fu = _open_for(window, qtbot, sam, now)
    assert not composer.channel_buttons["email"].isEnabled()
    assert composer.channel() == "copy"
    assert not composer.no_email.isHidden()
    assert composer.no_email.textFormat() == Qt.TextFormat.PlainText
    assert composer.heading.text() == "A thank-you to Sam <b>Ito</b>"
    mail = window.workflows.mail
    assert not composer.set_channel("email")  # a disabled choice cannot be made
    assert composer.channel() == "copy"
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    assert mail.urls == []
    assert mail.copied == [composer.message()]
    assert reader.timeline(sam)[0].summary == f"Thank-you message for “{HELP[0]}” and “{HELP[1]}”"
    assert FollowUp.get_by_id(fu.follow_up_id).state == FollowUpState.DONE.value


def test_contact_menu_writes_a_handwritten_note(
    window, qtbot, now: dt.datetime, add_contact: Callable[..., int]
) -> None:  # type: ignore[no-untyped-def]
    kim = add_contact("Kim Park", now, emails=("kim@example.com",))
    lee = add_contact("Lee Chen", now)
    window.hub.publish(Changes(contacts={kim, lee}))
    action = window.actions["thank_you"]
    assert action in window.menus["contact"].actions()
    assert action in window.contacts.view.actions()
    window.contacts.view.clearSelection()
    assert not action.isEnabled()
    window.contacts.view.selectAll()
    assert not action.isEnabled()  # one contact at a time
    window.contacts.select_contact(kim)
    assert action.isEnabled()
    action.trigger()
    composer = window.workflows.open_dialogs["thank_you"]
    # Nothing recorded as help: the draft still thanks warmly and says so.
    assert composer.contact.contact_id == kim and composer.contact.helped == ()
    assert "your support and encouragement" in composer.draft.toPlainText()
    assert "Nothing they did is waiting for thanks" in composer.helped_label.text()
    composer.set_channel("note")
    assert composer.send_button.text() == "&Log the note as sent"
    assert not composer.subject.isEnabled()
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    mail = window.workflows.mail
    assert mail.urls == [] and mail.copied == []
    entry = reader.timeline(kim)[0]
    assert (entry.kind, entry.summary) == (InteractionKind.THANK_YOU, "Handwritten thank-you note")


def test_a_mail_program_that_does_not_open_logs_nothing(
    window, qtbot, now: dt.datetime, add_contact: Callable[..., int]
) -> None:  # type: ignore[no-untyped-def]
    window.workflows.mail = RecordingMail(opens=False)
    dana = add_contact("Dana Reyes", now, emails=("dana@example.com",))
    composer, fu = _open_for(window, qtbot, dana, now)
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    assert len(window.workflows.mail.urls) == 1
    assert "did not open" in composer.outcome.text()
    assert not composer.isHidden()
    assert InteractionKind.THANK_YOU not in [e.kind for e in reader.timeline(dana)]
    assert FollowUp.get_by_id(fu.follow_up_id).state == FollowUpState.DUE.value


def test_without_a_name_the_composer_asks_for_it_and_signs_the_draft(
    window, qtbot, now: dt.datetime, add_contact: Callable[..., int]
) -> None:  # type: ignore[no-untyped-def]
    writer.set_my_name("")
    sam = add_contact("Sam Lee", now, emails=("sam@example.com",))
    composer, _ = _open_for(window, qtbot, sam, now)
    assert not composer.signature.isHidden()
    assert not composer.send_button.isEnabled()  # no silent unsigned draft
    assert not composer.draft.toPlainText().endswith("Kim")
    composer.signature.name.setText("Alex Kim")
    qtbot.mouseClick(composer.signature.save_button, Qt.MouseButton.LeftButton)
    assert reader.my_name() == "Alex Kim" and composer.signature.isHidden()
    assert composer.draft.toPlainText().endswith("\n\nAlex Kim")
    assert composer.send_button.isEnabled()
