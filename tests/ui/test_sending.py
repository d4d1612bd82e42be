"""Sending is deliberate, in the real window: nobody is ticked until the user ticks; many
messages ask once; the mail program gets them a batch at a time; only the messages the user
confirms are logged; and one Undo takes the whole send back.

The mail program is stubbed where NetDesk hands it over: QDesktopServices.openUrl."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from urllib.parse import unquote, urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from netdesk.core.domain import InteractionKind, SearchState, Tie
from netdesk.store import reader, writer
from netdesk.store.models import Interaction
from netdesk.store.writer import Changes
from netdesk.ui.workflows import status_update


class MailProgram:
    """Stands in for the desktop's mail program behind QDesktopServices.openUrl."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def open_url(self, url) -> bool:  # type: ignore[no-untyped-def]
        self.urls.append(bytes(url.toEncoded()).decode("ascii"))
        return True

    def addresses(self) -> list[str]:
        return [unquote(urlsplit(url).path) for url in self.urls]


class Questions:
    """Counts the questions asked, and answers them."""

    def __init__(self, answer: QMessageBox.StandardButton) -> None:
        self.asked: list[str] = []
        self.answer = answer

    def question(self, _parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        self.asked.append(text)
        return self.answer


@pytest.fixture
def mail_program(monkeypatch: pytest.MonkeyPatch) -> MailProgram:
    program = MailProgram()
    monkeypatch.setattr(QDesktopServices, "openUrl", program.open_url)
    return program


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    asked = Questions(QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "question", asked.question)
    return asked


@pytest.fixture
def people(now: dt.datetime, add_contact: Callable[..., int]) -> list[int]:
    """25 advocates quiet for 120 days, each with an address; the search is on; the user
    has a name."""
    writer.set_job_search(SearchState.SEARCHING, now, started_on=dt.date(2026, 9, 1))
    writer.set_my_name("Alex Kim")
    return [
        add_contact(
            f"Person {i:02}",
            now,
            tie=Tie.ADVOCATE,
            last_touch_days=120,
            emails=(f"person{i:02}@example.com",),
        )
        for i in range(25)
    ]


@pytest.fixture
def window(main_window, people: list[int]) -> Iterator:  # type: ignore[no-untyped-def]
    from netdesk.ui.workflows import install_workflows

    built = main_window()
    workflows = install_workflows(built)  # its mail hand-off is the real one
    built.hub.publish(Changes(contacts=set(people)))
    yield built
    for dialog in workflows.open_dialogs.values():
        dialog.close()


def _status_updates() -> list[int]:
    return [
        i.contact_id
        for i in Interaction.select().where(Interaction.kind == InteractionKind.STATUS_UPDATE)
    ]


def _composer(window):  # type: ignore[no-untyped-def]
    window.actions["status_update"].trigger()
    return window.workflows.open_dialogs["status_update"]


def test_the_composer_starts_with_nobody_ticked(window, people, qtbot) -> None:  # type: ignore[no-untyped-def]
    composer = _composer(window)
    qtbot.waitExposed(composer)
    shown = composer.list.count()
    assert shown == len(people)
    assert composer.ticked_ids() == []
    assert composer.count.text() == f"{shown} matching, 0 ticked, 0 with an email address"
    assert not composer.send_button.isEnabled()
    assert composer.all_button.text() == f"Tick all shown ({shown})"
    qtbot.mouseClick(composer.all_button, Qt.MouseButton.LeftButton)
    assert len(composer.ticked_ids()) == shown
    assert composer.send_button.text() == f"&Send to {shown} in mail program…"
    # A narrower filter shows fewer, and its button counts what it shows.
    qtbot.mouseClick(composer.none_button, Qt.MouseButton.LeftButton)
    composer.quiet_days.setValue(200)
    assert composer.list.count() == 0 and composer.all_button.text() == "Tick all shown (0)"
    assert composer.count.text().startswith("Nobody matches these filters")


def test_sending_20_asks_once_logs_only_what_went_and_undoes_as_one(  # type: ignore[no-untyped-def]
    window, people, mail_program, questions, qtbot
) -> None:
    composer = _composer(window)
    chosen = people[:20]
    composer.set_ticked(set(chosen))
    assert composer.send_button.text() == "&Send to 20 in mail program…"
    undo_before = window.undo_stack.count()

    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    assert len(questions.asked) == 1 and "20 people" in questions.asked[0]
    steps = composer.steps
    assert steps is not None and steps.isVisible() and steps.isModal()
    assert mail_program.urls == []  # nothing opens before the user asks for a batch

    confirmed: list[int] = []
    batches = 0
    while steps.isVisible():
        batch = [m.contact_id for m in steps.current()]
        assert 1 <= len(batch) <= status_update.BATCH
        # Logging is possible only once the batch was handed over.
        assert not steps.confirm_button.isEnabled()
        qtbot.mouseClick(steps.open_button, Qt.MouseButton.LeftButton)
        assert mail_program.addresses()[-len(batch) :] == [
            f"person{people.index(cid):02}@example.com" for cid in batch
        ]
        # The user sent all but the last of each batch, and none of the third batch.
        went = set() if batches == 2 else set(batch[:-1])
        steps.set_sent(went)
        confirmed += [cid for cid in batch if cid in went]
        qtbot.mouseClick(steps.confirm_button, Qt.MouseButton.LeftButton)
        batches += 1
        assert sorted(_status_updates()) == sorted(confirmed)  # logged as each batch is
    assert batches == 7 and len(mail_program.urls) == 20
    assert len(questions.asked) == 1  # asked once, not per batch
    assert 0 < len(confirmed) < 20
    assert composer.outcome.text().startswith(f"Logged {len(confirmed)} of 20 status updates")

    # One action on the undo stack for the whole send, named with its count.
    assert window.undo_stack.count() == undo_before + 1
    assert window.undo_stack.undoText() == f"Mark {len(confirmed)} status updates sent"
    window.actions["undo"].trigger()
    assert _status_updates() == []
    window.actions["redo"].trigger()
    assert sorted(_status_updates()) == sorted(confirmed)


def test_declining_the_question_sends_nothing(  # type: ignore[no-untyped-def]
    window, people, mail_program, questions, qtbot
) -> None:
    questions.answer = QMessageBox.StandardButton.Cancel
    composer = _composer(window)
    composer.set_ticked(set(people[:5]))
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    assert len(questions.asked) == 1
    assert composer.steps is None
    assert mail_program.urls == [] and _status_updates() == []


def test_a_few_go_without_a_question_and_stopping_logs_nothing_more(  # type: ignore[no-untyped-def]
    window, people, mail_program, questions, qtbot
) -> None:
    composer = _composer(window)
    composer.set_ticked(set(people[:3]))
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    assert questions.asked == []
    steps = composer.steps
    qtbot.mouseClick(steps.open_button, Qt.MouseButton.LeftButton)
    assert len(mail_program.urls) == 3
    qtbot.mouseClick(steps.stop_button, Qt.MouseButton.LeftButton)
    assert not steps.isVisible()
    assert _status_updates() == []  # opened, but nobody said it went
    assert composer.outcome.text() == "Logged 0 of 3 status updates as sent."


def test_without_a_name_the_composer_asks_for_it_first(window, people, qtbot) -> None:  # type: ignore[no-untyped-def]
    writer.set_my_name("")
    composer = _composer(window)
    composer.set_ticked(set(people[:2]))
    assert not composer.signature.isHidden()
    assert not composer.send_button.isEnabled() and not composer.copy_button.isEnabled()
    assert not composer.preview.toPlainText().rstrip().endswith("Kim")
    composer.signature.name.setText("Alex Kim")
    qtbot.keyClick(composer.signature.name, Qt.Key.Key_Return)
    assert reader.my_name() == "Alex Kim" and composer.signature.isHidden()
    assert composer.send_button.isEnabled()
    assert composer.preview.toPlainText().endswith("Alex Kim")


def test_a_copied_message_is_logged_only_when_the_user_says_it_went(  # type: ignore[no-untyped-def]
    window, people, qtbot
) -> None:
    from PySide6.QtGui import QGuiApplication

    composer = _composer(window)
    composer.list.setCurrentRow(0)
    first = composer.current_recipient()
    assert first is not None and composer.log_copied_button.isHidden()
    qtbot.mouseClick(composer.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == composer.message_for(first)
    assert _status_updates() == []  # copied is not sent
    assert not composer.log_copied_button.isHidden()
    qtbot.mouseClick(composer.log_copied_button, Qt.MouseButton.LeftButton)
    assert _status_updates() == [first.contact_id]
    assert composer.log_copied_button.isHidden()
    assert window.undo_stack.undoText() == "Mark 1 status update sent"
