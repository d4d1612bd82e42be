"""The main window driven through its real widgets: search, logging, follow-ups, bulk actions."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import Qt as QtGuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QLineEdit, QListView, QTableView, QTreeView

from netdesk.core.dates import full_date
from netdesk.core.domain import InteractionKind, Tie
from netdesk.store import reader, writer
from netdesk.ui.dialogs.log_interaction import LogInteractionDialog
from netdesk.ui.models.contacts_model import NAME, NEXT_FOLLOW_UP
from netdesk.ui.models.followups_model import CONTACT_ROLE, FOLLOW_UP_ROLE

MARKUP = '<b>x</b><img src="file:///etc/passwd">'


def _names(view: QTableView) -> list[str]:
    model = view.model()
    return [model.index(r, NAME).data() for r in range(model.rowCount())]


def _follow_up_contacts(view: QListView) -> list[int]:
    model = view.model()
    return [
        model.index(r, 0).data(CONTACT_ROLE)
        for r in range(model.rowCount())
        if model.index(r, 0).data(FOLLOW_UP_ROLE)
    ]


def _row_of(view: QTableView, contact_id: int) -> int:
    row = view.model().row_of(contact_id)
    assert row is not None
    return row


def _select(view: QTableView, *contact_ids: int) -> None:
    selection = view.selectionModel()
    selection.clearSelection()
    for cid in contact_ids:
        selection.select(
            view.model().index(_row_of(view, cid), 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    selection.setCurrentIndex(
        view.model().index(_row_of(view, contact_ids[0]), 0),
        QItemSelectionModel.SelectionFlag.NoUpdate,
    )


def _answer_log_dialog(
    monkeypatch: pytest.MonkeyPatch, summary: str, seen: list[str], helped: str = ""
) -> None:
    def fake_exec(dialog: LogInteractionDialog) -> int:
        seen.append(dialog.windowTitle())
        dialog.summary.setText(summary)
        dialog.helped.setText(helped)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(LogInteractionDialog, "exec", fake_exec)


def test_the_window_has_its_named_parts(main_window, add_contact, now) -> None:
    add_contact("Dana Smith", now)
    window = main_window()
    assert window.objectName() == "mainWindow"
    assert window.windowTitle() == "NetDesk"
    assert isinstance(window.findChild(QTableView, "contactList"), QTableView)
    assert isinstance(window.findChild(QLineEdit, "searchField"), QLineEdit)
    assert isinstance(window.findChild(QTreeView, "timeline"), QTreeView)
    assert isinstance(window.findChild(QListView, "followUps"), QListView)
    for key in (
        "import",
        "export",
        "undo_import",
        "preferences",
        "quit",
        "new_contact",
        "edit_contact",
        "log_interaction",
        "find",
        "delete",
        "archive",
        "add_tag",
        "undo",
        "redo",
        "about",
    ):
        assert key in window.actions
    assert set(window.menus) == {"file", "edit", "contact", "view", "help"}
    assert window.actions["log_interaction"].shortcut().toString() == "Ctrl+L"
    assert not window.actions["undo_import"].isEnabled()


def test_typing_in_the_search_field_filters_the_list(main_window, add_contact, qtbot, now) -> None:
    add_contact("Dana Smith", now, company="Acme")
    add_contact("Sam Jones", now, notes="met at PyCon")
    add_contact("Priya Raman", now, emails=("priya@example.org",))
    window = main_window()
    search = window.findChild(QLineEdit, "searchField")
    contacts = window.findChild(QTableView, "contactList")
    assert _names(contacts) == ["Dana Smith", "Priya Raman", "Sam Jones"]
    window.actions["find"].trigger()
    qtbot.keyClicks(search, "pyc")
    qtbot.waitUntil(lambda: _names(contacts) == ["Sam Jones"])
    search.clear()
    qtbot.keyClicks(search, "acme")
    qtbot.waitUntil(lambda: _names(contacts) == ["Dana Smith"])
    search.clear()
    qtbot.keyClicks(search, "priya@exa")
    qtbot.waitUntil(lambda: _names(contacts) == ["Priya Raman"])
    search.clear()
    qtbot.waitUntil(lambda: len(_names(contacts)) == 3)


def test_quick_filters(main_window, add_contact, now) -> None:
    add_contact("Dana Smith", now, tie=Tie.ADVOCATE, last_touch_days=45)
    add_contact("Sam Jones", now, tie=Tie.WORK_ACQUAINTANCE, last_touch_days=3)
    add_contact("Lee Unsorted", now, tie=Tie.UNSORTED)
    window = main_window()
    contacts = window.contacts
    contacts.filter_buttons["advocates"].click()
    assert _names(contacts.view) == ["Dana Smith"]
    contacts.filter_buttons["work_acquaintances"].click()
    assert _names(contacts.view) == ["Sam Jones"]
    contacts.filter_buttons["unsorted"].click()
    assert _names(contacts.view) == ["Lee Unsorted"]
    contacts.filter_buttons["overdue"].click()
    assert _names(contacts.view) == ["Dana Smith"]
    contacts.filter_buttons["all"].click()
    assert len(_names(contacts.view)) == 3


def test_logging_an_interaction_moves_the_next_follow_up(
    main_window, add_contact, qtbot, now, monkeypatch
) -> None:
    dana = add_contact("Dana Smith", now, last_touch_days=45)  # advocate: due 15 days ago
    window = main_window()
    contacts = window.findChild(QTableView, "contactList")
    follow_ups = window.findChild(QListView, "followUps")
    assert _follow_up_contacts(follow_ups) == [dana]
    row = _row_of(contacts, dana)
    before = contacts.model().index(row, NEXT_FOLLOW_UP).data()
    assert before == full_date((now - dt.timedelta(days=15)).date(), short=True)
    assert contacts.model().index(row, NEXT_FOLLOW_UP).data(Qt.ItemDataRole.ForegroundRole)

    contacts.selectRow(row)
    contacts.setFocus()
    seen: list[str] = []
    _answer_log_dialog(monkeypatch, "Coffee near the office", seen, "Introduced me to Ana")
    qtbot.keyClick(contacts, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["Log interaction"]

    # The cadence starts again from today; what Dana did asks for a thank-you (rule 4),
    # which is now the next thing due.
    after = contacts.model().index(_row_of(contacts, dana), NEXT_FOLLOW_UP).data()
    assert after == "today"
    [cadence] = reader.follow_ups(now, horizon=dt.timedelta(days=31), contact_id=dana)[1:]
    assert cadence.effective_at == now + dt.timedelta(days=30)

    def shown() -> list[str]:
        model = follow_ups.model()
        return [model.index(r, 0).data() for r in range(model.rowCount())]

    qtbot.waitUntil(lambda: any("Say thank you" in text for text in shown()))
    assert _follow_up_contacts(follow_ups) == [dana]
    # One calm line; the full sentence, naming what Dana did, shows for the selected one.
    [line] = [text for text in shown() if "Say thank you" in text]
    assert line == f"Dana Smith — Say thank you — today at {now:%H:%M}"
    fu = window.follow_ups.model.follow_up(1)
    assert window.follow_ups.select_follow_up(fu.follow_up_id, activate=False)
    assert "Introduced me to Ana" in window.follow_ups.sentence.text()
    assert window.follow_ups.suggestion.text() == fu.rule.suggested_action
    timeline = window.findChild(QTreeView, "timeline")
    assert (
        timeline.model().index(0, 3).data()
        == "Coffee near the office\nHelped: Introduced me to Ana"
    )


def test_done_and_snooze_change_the_follow_ups_pane(
    main_window, add_contact, qtbot, now, monkeypatch
) -> None:
    dana = add_contact("Dana Smith", now, last_touch_days=45)
    sam = add_contact("Sam Jones", now, last_touch_days=50)
    lee = add_contact("Lee Park", now, last_touch_days=40)
    window = main_window()
    pane = window.follow_ups
    assert sorted(_follow_up_contacts(pane.view)) == sorted([dana, sam, lee])

    def select(contact_id: int) -> None:
        model = pane.view.model()
        rows = [
            r for r in range(model.rowCount()) if model.index(r, 0).data(CONTACT_ROLE) == contact_id
        ]
        assert pane.select_follow_up(model.index(rows[0], 0).data(FOLLOW_UP_ROLE))

    seen: list[str] = []
    _answer_log_dialog(monkeypatch, "Called her back", seen)
    select(dana)
    pane.done_button.click()
    assert seen == ["Done"]
    qtbot.waitUntil(lambda: dana not in _follow_up_contacts(pane.view))
    assert reader.timeline(dana)[0].summary == "Called her back"

    select(sam)
    pane.snooze_tomorrow.trigger()
    qtbot.waitUntil(lambda: sam not in _follow_up_contacts(pane.view)[:1])
    # Snoozed to tomorrow: it moves from Overdue to Upcoming, after Lee's.
    assert _follow_up_contacts(pane.view) == [lee, sam]
    snoozed = reader.follow_ups(now, horizon=dt.timedelta(days=2), contact_id=sam)[0]
    assert snoozed.effective_at == dt.datetime.combine(now.date(), dt.time(9)) + dt.timedelta(
        days=1
    )

    select(lee)
    pane.pick_date = lambda: now + dt.timedelta(days=30)
    pane.snooze_pick.trigger()
    qtbot.waitUntil(lambda: _follow_up_contacts(pane.view) == [sam])

    select(sam)
    pane.dismiss_button.click()
    qtbot.waitUntil(lambda: _follow_up_contacts(pane.view) == [])
    assert pane.empty_label.isVisibleTo(window)


def test_activating_a_follow_up_selects_its_contact(main_window, add_contact, qtbot, now) -> None:
    add_contact("Dana Smith", now, last_touch_days=10)
    sam = add_contact("Sam Jones", now, last_touch_days=50)
    window = main_window()
    search = window.contacts.search_field
    qtbot.keyClicks(search, "dana")
    qtbot.waitUntil(lambda: _names(window.contacts.view) == ["Dana Smith"])
    follow_ups = window.follow_ups.view
    index = follow_ups.model().index(1, 0)
    assert index.data(CONTACT_ROLE) == sam
    follow_ups.setCurrentIndex(index)
    follow_ups.activated.emit(index)
    assert search.text() == ""  # the search hid Sam, so it was cleared
    assert window.contacts.selected_ids() == [sam]
    assert window.timeline.contact_id == sam

    # From a notification: the hub asks for the follow-up by id.
    window.contacts.view.clearSelection()
    fu_id = reader.follow_ups(now, contact_id=sam)[0].follow_up_id
    window.hub.followUpRequested.emit(fu_id)
    assert window.contacts.selected_ids() == [sam]


def _plain(html_or_text: str) -> str:
    doc = QTextDocument()
    if QtGuiQt.mightBeRichText(html_or_text):
        doc.setHtml(html_or_text)
    else:
        doc.setPlainText(html_or_text)
    return doc.toPlainText()


def test_markup_in_names_shows_literally_everywhere(main_window, add_contact, qtbot, now) -> None:
    cid = add_contact(MARKUP, now, last_touch_days=45)
    writer.update_contact(cid, {"title": "<i>CTO</i>"}, now)
    window = main_window()
    contacts = window.contacts.view
    row = _row_of(contacts, cid)
    assert contacts.model().index(row, NAME).data() == MARKUP
    assert _plain(contacts.model().index(row, NAME).data(Qt.ItemDataRole.ToolTipRole)) == (
        f"{MARKUP} — <i>CTO</i>"
    )
    follow_ups = window.follow_ups.view.model()
    texts = [follow_ups.index(r, 0).data() for r in range(follow_ups.rowCount())]
    assert any(t.startswith(MARKUP + " — ") for t in texts)
    tips = [follow_ups.index(r, 0).data(Qt.ItemDataRole.ToolTipRole) for r in range(2)]
    assert _plain(tips[1]).startswith(MARKUP + ":")

    window.contacts.select_contact(cid)
    assert window.timeline.title.textFormat() == Qt.TextFormat.PlainText
    assert window.timeline.title.text() == f"Timeline — {MARKUP}"
    window.show_recent()
    timeline = window.timeline.model
    assert timeline.index(0, 2).data() == MARKUP
    assert _plain(timeline.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)) == MARKUP
    assert window.windowTitle() == "NetDesk"

    from netdesk.ui.dialogs.contact_editor import ContactEditor

    editor = ContactEditor(now, window.user_actions, window, contact_id=cid)
    qtbot.addWidget(editor)
    assert editor.display_name.text() == MARKUP
    assert editor.heading.textFormat() == Qt.TextFormat.PlainText
    assert editor.heading.text() == MARKUP


def test_bulk_delete_and_undo(main_window, add_contact, qtbot, now) -> None:
    ids = [add_contact(n, now, last_touch_days=40) for n in ("Ann", "Bob", "Cid", "Dee")]
    writer.log_interaction(ids[1], InteractionKind.CALL, now, now, summary="call")
    window = main_window()
    contacts = window.contacts.view
    _select(contacts, ids[1], ids[2])
    assert window.actions["delete"].isEnabled()
    contacts.setFocus()
    qtbot.keyClick(contacts, Qt.Key.Key_Delete)
    assert _names(contacts) == ["Ann", "Dee"]
    qtbot.waitUntil(lambda: ids[2] not in _follow_up_contacts(window.follow_ups.view))
    assert "Undo" in window.statusBar().currentMessage()
    window.actions["undo"].trigger()
    assert _names(contacts) == ["Ann", "Bob", "Cid", "Dee"]
    assert reader.timeline(ids[1])[0].summary == "call"
    qtbot.waitUntil(lambda: ids[2] in _follow_up_contacts(window.follow_ups.view))
    window.actions["redo"].trigger()
    assert _names(contacts) == ["Ann", "Dee"]


def test_bulk_tie_tag_and_archive(main_window, add_contact, now) -> None:
    ids = [add_contact(n, now, tie=Tie.UNSORTED) for n in ("Ann", "Bob", "Cid")]
    window = main_window()
    contacts = window.contacts.view
    _select(contacts, ids[0], ids[1])
    window.tie_actions[Tie.WORK_ACQUAINTANCE].trigger()
    assert [contacts.model().index(r, 2).data() for r in range(3)] == [
        "Work acquaintance",
        "Work acquaintance",
        "Unsorted",
    ]
    assert window.contacts.selected_ids() == ids[:2]  # kept through the refresh
    window.add_tag("berlin")
    assert reader.search_contact_ids("berlin") and set(reader.search_contact_ids("berlin")) == set(
        ids[:2]
    )
    window.archive()
    assert _names(contacts) == ["Cid"]


def test_the_empty_state_tells_what_to_do_first(
    main_window, add_contact, qtbot, now, monkeypatch
) -> None:
    window = main_window()
    pane = window.contacts
    assert pane.stack.currentWidget() is pane.empty_state
    assert pane.empty_state.isVisibleTo(window)
    from netdesk.ui.dialogs.contact_editor import ContactEditor

    def fill(editor: ContactEditor) -> int:
        editor.display_name.setText("First Friend")
        editor.emails.setPlainText("first@example.org")
        return ContactEditor.DialogCode.Accepted if editor.save() else 0

    monkeypatch.setattr(ContactEditor, "exec", fill)
    pane.empty_state.add_button.click()
    assert pane.stack.currentWidget() is pane.view
    assert _names(pane.view) == ["First Friend"]
    assert window.contacts.selected_ids() == [reader.search_contact_ids("first")[0]]


def test_the_demo_button_starts_a_separate_process(main_window, add_contact, monkeypatch) -> None:
    from netdesk.ui import main_window as mw

    started = []
    monkeypatch.setattr(
        mw.QProcess,
        "startDetached",
        lambda program, args: started.append((program, args)) or (True, 1),
    )
    window = main_window()
    window.contacts.empty_state.demo_button.click()
    assert started and started[0][1][-1] == "--demo"
