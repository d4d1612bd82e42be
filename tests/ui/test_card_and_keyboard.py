"""The main window as a user meets it: the contact card follows the selection, the keyboard
reaches everything from the search, notices take their place in the layout, and every count
of what is due says the same number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QTableView, QWidget

from netdesk.core.domain import InteractionKind, Tie
from netdesk.store import reader, writer
from netdesk.store.writer import derived


def _names(view: QTableView) -> list[str]:
    model = view.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _empty(card: QWidget) -> bool:
    """Whether the card shows its empty state (and not a contact)."""
    return card.empty.isVisibleTo(card) and not card.card.isVisibleTo(card)


def _in_window(widget: QWidget) -> QRect:
    window = widget.window()
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


@pytest.fixture
def people(now: dt.datetime) -> dict[str, int]:
    ana = writer.create_contact(
        {
            "display_name": "Ana Lima",
            "tie": Tie.ADVOCATE.value,
            "title": "Engineering manager",
            "how_known": "manager",
            "notes": "Ran the payments team.",
            "linkedin_url": "https://www.linkedin.com/in/ana-lima",
        },
        now - dt.timedelta(days=200),
        emails=("ana@example.com", "ana.lima@work.example"),
        phones=("+1 512 555 0100",),
        company="Initech",
    )
    writer.log_interaction(
        ana.id, InteractionKind.EMAIL, now - dt.timedelta(days=40), now, summary="Caught up"
    )
    bo = writer.create_contact({"display_name": "Bo Chen"}, now - dt.timedelta(days=200))
    derived.recompute_follow_ups([ana.id, bo.id], now)
    return {"ana": int(ana.id), "bo": int(bo.id)}


def test_the_card_shows_the_selected_contact_and_clears_with_the_selection(
    main_window, people, qtbot, now
) -> None:
    window = main_window()
    card = window.findChild(QFrame, "contactCard")
    assert card is window.card
    # Nothing selected: the empty state, and the contact actions are off.
    assert _empty(card)
    assert not window.actions["log_interaction"].isEnabled()
    assert not window.actions["edit_contact"].isEnabled()

    window.contacts.select_contact(people["ana"])
    assert not _empty(card)
    assert card.name.text() == "Ana Lima"
    assert card.role.text() == "Engineering manager at Initech"
    assert card.tie.text() == "Advocate"
    assert card.how_known.text() == "Manager"
    emails = card.findChild(QLabel, "contactCardEmails")
    assert emails.isVisibleTo(card)
    for address in ("ana@example.com", "ana.lima@work.example"):
        assert f'href="mailto:{address}"' in emails.text()
        assert f">{address}</a>" in emails.text().replace("\u200b", "")
    phones = card.findChild(QLabel, "contactCardPhones")
    assert 'href="tel:+15125550100"' in phones.text()
    assert "+1 512 555 0100" in phones.text()
    assert 'href="https://www.linkedin.com/in/ana-lima"' in card.linkedin.text()
    assert card.notes.text() == "Ran the payments team."
    # An advocate last touched 40 days ago: every 30 days, overdue since 10 days.
    assert card.follow_up.text().startswith("Every 30 days · next: Keep in touch, due ")
    assert window.actions["log_interaction"].isEnabled()
    assert window.timeline.contact_id == people["ana"]

    # A search that hides her clears the selection: the card, the timeline and the actions
    # follow; clearing the search leaves nobody selected and nothing stale.
    search = window.contacts.search_field
    qtbot.keyClicks(search, "bo")
    qtbot.waitUntil(lambda: _names(window.contacts.view) == ["Bo Chen"])
    assert _empty(card)
    assert window.timeline.contact_id == 0
    assert window.timeline.title.text() == "Recent activity across your network"
    assert not window.timeline.log_button.isEnabled()
    search.clear()
    qtbot.waitUntil(lambda: len(_names(window.contacts.view)) == 2)
    assert window.contacts.selected_ids() == []
    assert _empty(card)
    assert not window.actions["log_interaction"].isEnabled()
    assert not window.timeline.log_button.isEnabled()

    # Two selected: the card says so; one again: their card.
    window.contacts.view.selectAll()
    assert _empty(card)
    assert card.empty_title.text() == "2 contacts selected"
    window.contacts.select_contact(people["bo"])
    assert card.name.text() == "Bo Chen"
    assert not card.findChild(QLabel, "contactCardEmails").isVisibleTo(card)

    # An edit elsewhere shows at once; a deletion empties the card.
    window.user_actions.delete_contacts([people["bo"]])
    assert _empty(card)


def test_the_card_opens_the_editor_in_one_click(
    main_window, people, qtbot, now, monkeypatch
) -> None:
    window = main_window()
    opened: list[int] = []
    monkeypatch.setattr(window, "edit_contact", lambda cid=0: opened.append(cid))
    window.card.editRequested.disconnect()
    window.card.editRequested.connect(window.edit_contact)
    window.contacts.select_contact(people["ana"])
    qtbot.mouseClick(window.card.edit_button, Qt.MouseButton.LeftButton)
    assert opened == [people["ana"]]


def test_down_enter_and_escape_in_the_search_field(
    main_window, people, qtbot, monkeypatch
) -> None:
    window = main_window()
    opened: list[int] = []
    monkeypatch.setattr(window, "edit_contact", lambda cid=0: opened.append(cid))
    window.contacts.contactActivated.disconnect()
    window.contacts.contactActivated.connect(window.edit_contact)
    search = window.findChild(QLineEdit, "searchField")
    view = window.findChild(QTableView, "contactList")
    window.focus_search()
    qtbot.keyClicks(search, "ana")
    qtbot.waitUntil(lambda: _names(view) == ["Ana Lima"])

    # Down reaches the results, with the first one selected: its card shows.
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert view.hasFocus()
    assert window.contacts.selected_ids() == [people["ana"]]
    assert window.card.name.text() == "Ana Lima"
    # Enter in the list opens the selected contact.
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened == [people["ana"]]

    # Enter in the search opens the selected result too.
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert opened == [people["ana"], people["ana"]]

    # Escape clears the search; the whole list comes back.
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == ""
    qtbot.waitUntil(lambda: len(_names(view)) == 2)


def test_every_action_in_the_menus_has_a_shortcut_and_controls_have_names(
    main_window,
) -> None:
    window = main_window()
    for key in ("file", "edit", "contact", "view"):
        for action in window.menus[key].actions():
            if action.isSeparator() or action.menu() is not None:
                continue
            assert not action.shortcut().isEmpty(), action.text()
    for action in window.tie_menu.actions():
        assert not action.shortcut().isEmpty(), action.text()
    toolbar = window.toolbar
    assert [a.text() for a in toolbar.actions() if a.text()][:4] == [
        "&New contact…",
        "&Import…",
        "&Log interaction…",
        "&Find…",
    ]
    assert all(not a.icon().isNull() for a in toolbar.actions() if a.text())
    assert window.playbook_button.accessibleName() == "Playbook"
    pane = window.follow_ups
    for button in (pane.done_button, pane.snooze_button, pane.write_button, pane.dismiss_button):
        assert button.accessibleName(), button.text()
        assert not button.icon().isNull(), button.text()


def test_the_import_notice_lies_inside_the_layout(
    main_window, people, qtbot, data_dir: Path
) -> None:
    from netdesk.ui.import_flow import install_import
    from netdesk.ui.workflows import install_workflows

    window = main_window()
    window.resize(1024, 640)
    install_workflows(window)
    controller = install_import(window, data_dir / "backups")
    search = window.findChild(QLineEdit, "searchField")
    header = window.workflows.header
    qtbot.waitUntil(lambda: _in_window(header).bottom() < _in_window(search).top())
    before = _in_window(search)
    controller.show_message(
        "Imported 3 contacts from people.vcf. 3 new contacts are unsorted — sort them",
        "Undo",
        lambda: None,
    )
    notice = window.findChild(QWidget, "importNotice")
    bar = window.findChild(QWidget, "messageBar")
    assert notice is controller.notice
    qtbot.waitUntil(lambda: notice.isVisible() and bar.isVisible())
    qtbot.waitUntil(lambda: _in_window(search) != before)  # the panes made room for it
    assert notice.parentWidget() is bar
    assert not _in_window(notice).intersects(_in_window(search))
    assert not _in_window(notice).intersects(_in_window(header))
    assert _in_window(bar).bottom() < _in_window(window.splitter).top()
    # The notice closes itself; the room comes back.
    notice.hide()
    qtbot.waitUntil(lambda: not bar.isVisible())
    qtbot.waitUntil(lambda: _in_window(search) == before)


def test_notices_stack_by_source_and_replace_their_own(main_window, qtbot) -> None:
    window = main_window()
    bar = window.message_bar
    imports = bar.channel("importNotice")
    imports.show_message("Imported 3 contacts.", timeout_ms=8000)
    window.show_banner("Follow up with Ana", 0)
    assert [m.text() for m in bar.messages()] == ["Follow up with Ana", "Imported 3 contacts."]
    imports.show_message("Import undone.", timeout_ms=50)
    assert [m.text() for m in bar.messages()] == ["Import undone.", "Follow up with Ana"]
    qtbot.waitUntil(lambda: [m.text() for m in bar.messages()] == ["Follow up with Ana"])


def test_the_demo_says_its_changes_are_thrown_away(qtbot, store, clock, data_dir) -> None:
    from netdesk.services.settings import Settings
    from netdesk.services.signals import Hub
    from netdesk.ui.main_window import AppContext, build_main_window

    context = AppContext(
        hub=Hub(), clock=clock, settings=Settings(data_dir / "s.ini"), demo=True
    )
    window = build_main_window(context)
    window.close_policy = lambda event: event.accept()
    qtbot.addWidget(window)
    window.show()
    assert "Demo network — changes are thrown away" in window.windowTitle()
    demo = window.message_bar.channel("demo")
    assert demo.isVisible()
    assert demo.text().startswith("Demo network — changes are thrown away")


def test_every_count_of_what_is_due_is_one_number_on_the_demo_network(
    main_window, qtbot, now, data_dir: Path, qapp
) -> None:
    from netdesk.app import DEMO_CONTACTS
    from netdesk.core.demo import generate_network
    from netdesk.services.clock import FixedClock
    from netdesk.services.notifier import digest_notice
    from netdesk.services.scheduler import DIGEST_TIME_KEY, LAST_DIGEST_KEY, Scheduler
    from netdesk.services.settings import Settings
    from netdesk.services.signals import Hub
    from netdesk.store.demo import load_network
    from netdesk.ui.models.contacts_model import QuickFilter
    from netdesk.ui.tray import Tray
    from netdesk.ui.workflows import install_workflows

    load_network(generate_network(DEMO_CONTACTS, seed=1, now=now), now)
    expected = reader.count_due(now)
    # Some people have two follow-ups open: the counts are of people, everywhere.
    assert len(reader.follow_ups(now)) > expected > 0

    window = main_window()
    # The follow-ups pane: its headings (Overdue and Today hold who is due now) and its title.
    pane = window.follow_ups
    counts = pane.counts()
    assert counts["Overdue"] + counts["Today"] == expected
    assert pane.title.text() == f"Follow-ups · {expected} due now"
    # The list's Due now filter.
    window.contacts.set_quick_filter(QuickFilter.OVERDUE)
    assert window.contacts.model.rowCount() == expected
    # The glance.
    workflows = install_workflows(window)
    glance = workflows.glance()
    qtbot.waitExposed(glance)
    assert glance.findChild(QLabel, "glanceOverdue").text() == str(expected)
    glance.close()
    # The tray and the banner of the daily digest, from the scheduler.
    settings = Settings(data_dir / "count-settings.ini")
    settings.set_value(DIGEST_TIME_KEY, "00:00")
    settings.set_value(LAST_DIGEST_KEY, (now - dt.timedelta(days=1)).isoformat())
    hub = Hub()
    scheduler = Scheduler(hub, FixedClock(now), settings)
    clock = FixedClock(now)
    tray = Tray(hub, clock, settings, scheduler, lambda: None, actions=window.user_actions)
    with qtbot.waitSignal(scheduler.digestDue) as digest:
        scheduler.start()
    scheduler.stop()
    assert tray.count == expected
    assert str(expected) in tray.icon.toolTip()
    assert digest_notice(*digest.args).title == f"Today: {expected} follow-ups are due"


def test_references_never_show_today_as_the_day_someone_agreed(
    main_window, qtbot, now
) -> None:
    from netdesk.ui.workflows import install_workflows

    # Consent with no day on record (an older store, an import): the day reads as unknown.
    writer.create_contact(
        {"display_name": "Ana Lima", "tie": Tie.ADVOCATE.value, "reference_consent": True},
        now - dt.timedelta(days=100),
    )
    window = main_window()
    dialog = install_workflows(window).references()
    qtbot.waitExposed(dialog)
    assert dialog.consent.isChecked()
    assert dialog.agreed_on.text() == "day not recorded"
    assert dialog.table.item(0, 2).text() == "Yes"
    dialog.close()
