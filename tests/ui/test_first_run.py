"""The first run in the real window: it asks the name and the search on a new store, both
land where the rest of the app reads them (a new draft is signed, the header says the
search), it can be skipped, it does not come back, and Preferences shows the name after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit

from netdesk.core.domain import InteractionKind, SearchState
from netdesk.services import settings as registry
from netdesk.store import reader, writer
from netdesk.store.writer import Changes
from netdesk.ui.dialogs.first_run import first_run_needed, offer_first_run


@pytest.fixture
def window(main_window) -> Iterator:  # type: ignore[no-untyped-def]
    from netdesk.ui.workflows import install_workflows

    built = main_window()
    workflows = install_workflows(built)
    yield built
    for dialog in workflows.open_dialogs.values():
        dialog.close()


def _offer(window, imported: list[bool] | None = None):  # type: ignore[no-untyped-def]
    return offer_first_run(
        window,
        window.clock.now(),
        window.user_actions,
        window.settings,
        import_file=(lambda: imported.append(True)) if imported is not None else None,
    )


def test_the_first_run_sets_the_name_and_the_search_and_drafts_are_signed(  # type: ignore[no-untyped-def]
    window, qtbot, now: dt.datetime, add_contact: Callable[..., int]
) -> None:
    assert reader.my_name() == ""
    assert reader.search_summary().state is SearchState.NOT_STARTED
    assert window.workflows.header.state_label.text() == "Not searching"
    dialog = _offer(window)
    assert dialog is not None and dialog.objectName() == "firstRunDialog"
    qtbot.waitExposed(dialog)
    assert not dialog.searching.isChecked() and not dialog.since.isEnabled()

    qtbot.keyClicks(dialog.name, "  Alex Kim ")
    qtbot.mouseClick(dialog.searching, Qt.MouseButton.LeftButton)
    assert dialog.since.isEnabled()
    dialog.since.setDate(QDate(2026, 9, 14))
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    assert reader.my_name() == "Alex Kim"
    summary = reader.search_summary()
    assert summary.state is SearchState.SEARCHING
    assert summary.started_on == dt.date(2026, 9, 14)
    assert window.workflows.header.state_label.text() == "Searching since 14 September 2026"
    assert window.settings.get(registry.FIRST_RUN_DONE) is True
    assert not first_run_needed(window.settings) and _offer(window) is None
    # Both are one undoable action each, like any other change.
    assert window.undo_stack.undoText() == "Change the job search"

    # A new draft is signed with the name: a thank-you for help just logged.
    dana = add_contact("Dana Reyes", now, emails=("dana@example.com",))
    writer.log_interaction(
        dana, InteractionKind.INTRODUCTION, now, now, helped="the introduction to Sam"
    )
    window.hub.publish(Changes(contacts={dana}))
    composer = window.workflows.thank_you(dana)
    assert composer is not None
    assert composer.signature.isHidden()
    assert composer.draft.toPlainText().endswith("\n\nAlex Kim")
    assert composer.send_button.isEnabled()
    # And the status-update composer signs its messages with it too.
    status = window.workflows.status_update()
    assert status.signature.isHidden()
    status.quiet.setChecked(False)  # Dana was just in touch: everyone, then
    assert status.list.count() == 1
    status.list.setCurrentRow(0)
    assert status.preview.toPlainText().endswith("\n\nAlex Kim")

    # Preferences shows the name, where it can be changed later.
    from netdesk.ui.dialogs.preferences import PreferencesDialog

    preferences = PreferencesDialog(window.settings, window.user_actions, window)
    editor = preferences.editors[registry.MY_NAME]
    assert isinstance(editor, QLineEdit) and editor.text() == "Alex Kim"
    assert "Searching since 14 September 2026" in preferences.search_state.text()
    preferences.reject()


def test_skipping_keeps_nothing_and_does_not_ask_again(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _offer(window)
    assert dialog is not None
    dialog.name.setText("Someone")
    dialog.searching.setChecked(True)
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert reader.my_name() == ""
    assert reader.search_summary().state is SearchState.NOT_STARTED
    assert window.settings.get(registry.FIRST_RUN_DONE) is True
    assert _offer(window) is None


def test_an_empty_answer_is_no_answer_and_the_import_opens(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    imported: list[bool] = []
    dialog = _offer(window, imported)
    assert dialog is not None and dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: imported == [True])
    assert not dialog.isVisible()
    assert reader.my_name() == "" and window.undo_stack.count() == 0
    assert window.settings.get(registry.FIRST_RUN_DONE) is True


def test_a_store_that_has_both_answers_is_not_asked(window, now: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    writer.set_my_name("Alex Kim")
    writer.set_job_search(SearchState.PAUSED, now)
    assert not first_run_needed(window.settings)
    assert _offer(window) is None
