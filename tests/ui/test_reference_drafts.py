"""References write the ask and the heads-up from the user's templates, signed with their
name (asked for first), and hand them to the mail program only when the user says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices

from netdesk.store import reader, writer


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []

    def open_url(url) -> bool:  # type: ignore[no-untyped-def]
        urls.append(bytes(url.toEncoded()).decode("ascii"))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return urls


@pytest.fixture
def window(main_window) -> Iterator:  # type: ignore[no-untyped-def]
    from netdesk.ui.workflows import install_workflows

    built = main_window()
    workflows = install_workflows(built)
    yield built
    for dialog in workflows.open_dialogs.values():
        dialog.close()


def test_the_ask_and_the_heads_up_are_drafted_and_signed(  # type: ignore[no-untyped-def]
    window, qtbot, opened: list[str], now: dt.datetime, add_contact: Callable[..., int]
) -> None:
    dana = add_contact("Dana Reyes", now, emails=("dana@example.com",))
    dialog = window.workflows.references()
    dialog.select_contact(dana)
    assert not dialog.ask_draft_button.isEnabled()  # which application? not typed yet
    dialog.company.setText("Umbrella Bio")

    qtbot.mouseClick(dialog.ask_draft_button, Qt.MouseButton.LeftButton)
    ask = dialog.draft
    assert ask is not None and ask.isVisible()
    assert ask.text.toPlainText().startswith("Hi Dana,")
    assert "a role at Umbrella Bio" in ask.text.toPlainText()
    # No name yet: nothing can leave unsigned.
    assert not ask.signature.isHidden()
    assert not ask.mail_button.isEnabled() and not ask.copy_button.isEnabled()
    ask.signature.name.setText("Alex Kim")
    qtbot.mouseClick(ask.signature.save_button, Qt.MouseButton.LeftButton)
    assert reader.my_name() == "Alex Kim"
    assert ask.text.toPlainText().endswith("Thank you,\nAlex Kim")
    assert opened == []
    qtbot.mouseClick(ask.mail_button, Qt.MouseButton.LeftButton)
    [url] = opened
    parts = urlsplit(url)
    assert unquote(parts.path) == "dana@example.com"
    assert parse_qs(parts.query)["body"][0].endswith("\r\nAlex Kim")
    ask.close()

    # The heads-up names the day of the check as every sentence does.
    dialog.has_check.setChecked(True)
    qtbot.mouseClick(dialog.heads_up_button, Qt.MouseButton.LeftButton)
    heads_up = dialog.draft
    assert heads_up is not None and heads_up.signature.isHidden()
    text = heads_up.text.toPlainText()
    check = (now + dt.timedelta(days=7)).date()
    assert f"Umbrella Bio may call you for a reference on {check.day} December 2026." in text
    assert text.endswith("\n\nAlex Kim")
    # Drafting logs nothing: the ask is logged with "Log this ask".
    assert reader.reference_requests(dana) == []


def test_a_template_the_user_changed_is_the_one_drafted(  # type: ignore[no-untyped-def]
    window, now: dt.datetime, add_contact: Callable[..., int]
) -> None:
    writer.set_my_name("Alex Kim")
    writer.set_template("reference_ask", "Dear {first_name}, {application_company}?\n{my_name}")
    sam = add_contact("Sam Lee", now)
    dialog = window.workflows.references()
    dialog.select_contact(sam)
    dialog.company.setText("Hooli")
    draft = dialog.write("reference_ask")
    assert draft is not None
    assert draft.text.toPlainText() == "Dear Sam, Hooli?\nAlex Kim"
    assert not draft.mail_button.isEnabled()  # Sam has no address: copy it
    assert draft.copy_button.isEnabled()


def test_write_on_a_follow_up_drafts_a_signed_note(  # type: ignore[no-untyped-def]
    window, qtbot, opened: list[str], now: dt.datetime, add_contact: Callable[..., int]
) -> None:
    from netdesk.store.writer import Changes

    writer.set_my_name("Alex Kim")
    lee = add_contact("Lee Chen", now, last_touch_days=45, emails=("lee@example.com",))
    window.hub.publish(Changes(contacts={lee}))
    pane = window.follow_ups
    [due] = [f for f in reader.follow_ups(now) if f.contact_id == lee]
    qtbot.waitUntil(lambda: pane.model.row_of(due.follow_up_id) is not None)
    assert pane.select_follow_up(due.follow_up_id, activate=False)
    qtbot.mouseClick(pane.write_button, Qt.MouseButton.LeftButton)
    note = window.workflows.open_dialogs["write_note"]
    text = note.text.toPlainText()
    assert text.startswith("Hi Lee,") and text.endswith("\n\nAlex Kim")
    assert opened == []  # nothing opens until the user asks
    qtbot.mouseClick(note.mail_button, Qt.MouseButton.LeftButton)
    assert [unquote(urlsplit(url).path) for url in opened] == ["lee@example.com"]
