"""The playbook's workflows walked through the real window on a demo network."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import peewee as pw
import pytest
from PySide6.QtCore import QDateTime, Qt, QTime
from PySide6.QtWidgets import QLabel

from netdesk.core.demo import generate_network
from netdesk.core.domain import (
    CompanyStatus,
    FollowUpReason,
    FollowUpState,
    InteractionKind,
    SearchState,
    Tie,
)
from netdesk.core.templates import helped_phrase
from netdesk.core.wrapup import ASK_ELSEWHERE, ASK_JOINING, same_company
from netdesk.services.clock import FixedClock
from netdesk.store import reader
from netdesk.store.demo import load_network
from netdesk.store.models import Company, Contact, FollowUp, Interaction, WrapUpStep
from netdesk.store.sql import OPEN_STATES

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise)\(\)"
)

DEMO_SIZE = 80


class RecordingMail:
    """Stands in for the user's mail program and clipboard."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.copied: list[str] = []

    def open_mail(self, url: str) -> bool:
        self.urls.append(url)
        return True

    def copy(self, text: str) -> None:
        self.copied.append(text)


@pytest.fixture
def demo(store: pw.SqliteDatabase, now: dt.datetime) -> dict[str, str]:
    network = generate_network(DEMO_SIZE, seed=5, now=now)
    load_network(network, now)
    return {"offer_company": network.offer_company}


@pytest.fixture
def window(qtbot, demo: dict[str, str], now: dt.datetime, data_dir: Path) -> Iterator:  # type: ignore[no-untyped-def]
    """The main window as app.run builds it on the demo network, with the workflows installed."""
    from netdesk.services.settings import Settings
    from netdesk.services.signals import Hub
    from netdesk.ui.main_window import AppContext, build_main_window
    from netdesk.ui.workflows import install_workflows

    data_dir.mkdir(parents=True, exist_ok=True)
    context = AppContext(hub=Hub(), clock=FixedClock(now), settings=Settings(data_dir / "s.ini"))
    built = build_main_window(context)
    built.close_policy = lambda event: event.accept()
    qtbot.addWidget(built)
    workflows = install_workflows(built)
    workflows.mail = RecordingMail()
    built.show()
    built.load_deferred()
    yield built
    for dialog in workflows.open_dialogs.values():
        dialog.close()


def _tie_in_list(window, contact_id: int) -> str:  # type: ignore[no-untyped-def]
    from netdesk.ui.models.contacts_model import TIE

    model = window.contacts.model
    row = model.row_of(contact_id)
    assert row is not None
    return str(model.index(row, TIE).data())


def test_header_shows_the_search_and_invites_sorting(window, demo, qtbot) -> None:  # type: ignore[no-untyped-def]
    header = window.workflows.header
    assert header.state_label.text().startswith("Searching since ")
    unsorted = reader.count_unsorted()
    assert unsorted > 0 and header.sort_label.text() == f"{unsorted} contacts to sort"
    assert not header.sort_button.isHidden()
    assert window.menus["playbook"].title() == "&Playbook"
    dialog = window.workflows.change_search()
    dialog.state.setCurrentIndex(dialog.state.findData(SearchState.PAUSED.value))
    dialog.accept()
    assert header.state_label.text().startswith("Search paused (started ")
    # Status updates follow the search: nothing to send while it is paused.
    composer = window.workflows.status_update()
    assert not composer.send_button.isEnabled() and not composer.inactive_note.isHidden()


def test_sorting_three_contacts_by_keyboard(window, demo, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.actions["sort_network"].trigger()
    dialog = window.workflows.open_dialogs["sort"]
    qtbot.waitExposed(dialog)
    total = dialog.total
    assert total == reader.count_unsorted() >= 3
    assert dialog.progress.text() == f"0 of {total} sorted"
    assert (
        "Knows your work well"
        in dialog.findChild(type(dialog.progress), "definition_advocate").text()
    )
    first, second, third = (c.contact_id for c in reader.unsorted_contacts()[:3])
    assert dialog.name.text() == Contact.get_by_id(first).display_name
    assert dialog.hint.text().startswith("How you know them")
    qtbot.keyClick(dialog, Qt.Key.Key_A)
    qtbot.keyClick(dialog, Qt.Key.Key_W)
    qtbot.keyClick(dialog, Qt.Key.Key_S)
    assert dialog.progress.text() == f"2 of {total} sorted"
    assert reader.contact_tie(first) is Tie.ADVOCATE
    assert reader.contact_tie(second) is Tie.WORK_ACQUAINTANCE
    assert reader.contact_tie(third) is Tie.UNSORTED
    assert _tie_in_list(window, first) == "Advocate"
    assert _tie_in_list(window, second) == "Work acquaintance"
    assert window.workflows.header.sort_label.text() == f"{total - 2} contacts to sort"
    # Backspace goes back over the skip, then undoes the work-acquaintance choice.
    qtbot.keyClick(dialog, Qt.Key.Key_Backspace)
    qtbot.keyClick(dialog, Qt.Key.Key_Backspace)
    assert reader.contact_tie(second) is Tie.UNSORTED
    assert _tie_in_list(window, second) == "Unsorted"
    assert dialog.current_contact_id() == second
    assert dialog.progress.text() == f"1 of {total} sorted"


def test_status_update_to_a_filtered_group(window, demo, now, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    mail = window.workflows.mail
    window.actions["status_update"].trigger()
    composer = window.workflows.open_dialogs["status_update"]
    assert composer.quiet.isChecked()
    composer.advocates.setChecked(True)
    expected = reader.status_update_candidates(now, quiet_days=90, advocates=True)
    assert expected and composer.list.count() == len(expected)
    # One person is left unticked and is left alone.
    left_out = expected[0].contact_id
    composer.set_ticked({r.contact_id for r in expected} - {left_out})
    sendable = [r for r in expected if r.email and r.contact_id != left_out]
    assert sendable
    before = {r.contact_id: Contact.get_by_id(r.contact_id).next_due_at for r in sendable}
    # A question in the text is an ask: the composer names it.
    composer.template.setPlainText("Hi {first_name}, could you refer me?")
    assert "could you" in composer.warning.text() and "?" in composer.warning.text()
    composer.template.setPlainText(
        "Hi {first_name}, an update: {status_with_company} Thanks!\n{my_name}"
    )
    assert composer.warning.isHidden()
    # Nothing goes out unsigned: the composer asks for the name first.
    assert not composer.signature.isHidden() and not composer.send_button.isEnabled()
    composer.signature.name.setText("Alex Kim")
    qtbot.mouseClick(composer.signature.save_button, Qt.MouseButton.LeftButton)
    assert composer.signature.isHidden() and reader.my_name() == "Alex Kim"
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes
    )
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    steps = composer.steps
    while steps.isVisible():
        steps.open_batch()
        steps.set_sent({m.contact_id for m in steps.current()})
        steps.confirm_batch()
    assert len(mail.urls) == len(sendable)
    for url, recipient in zip(mail.urls, sendable, strict=True):
        parts = urlsplit(url)
        assert parts.scheme == "mailto" and unquote(parts.path) == recipient.email
        query = parse_qs(parts.query)
        assert set(query) == {"subject", "body"}
        assert query["body"][0].startswith(f"Hi {recipient.first_name}, an update:")
        assert query["body"][0].endswith("\r\nAlex Kim")
        assert query["subject"] == ["A quick update"]
        kinds = [e.kind for e in reader.timeline(recipient.contact_id)]
        assert kinds[0] is InteractionKind.STATUS_UPDATE
        assert Contact.get_by_id(recipient.contact_id).last_touch_at == now
        assert Contact.get_by_id(recipient.contact_id).next_due_at != before[recipient.contact_id]
        assert (
            FollowUp.get_or_none(
                (FollowUp.contact == recipient.contact_id)
                & FollowUp.state.in_(["due", "snoozed"])
                & (FollowUp.effective_at <= now)
            )
            is None
        )
    assert all(e.at != now for e in reader.timeline(left_out))
    # Those now updated are no longer quiet: the list follows.
    assert composer.list.count() == len(expected) - len(sendable)


@pytest.mark.parametrize("joining", [True, False], ids=["joining", "elsewhere"])
def test_the_offer_wrap_up(window, demo, now, qtbot, joining: bool) -> None:  # type: ignore[no-untyped-def]
    offer_company = demo["offer_company"]
    since = reader.search_started_on(now)
    networked = set(reader.networked_during_search(since))
    # A company the user applied to, with someone networked there: its offer is declined.
    declined = next(
        c
        for c in reader.companies()
        if c.status is CompanyStatus.APPLIED
        and any(p.contact_id in networked for p in reader.company_people(c.company_id))
    )
    window.actions["offer"].trigger()
    offer = window.workflows.open_dialogs["offer"]
    offer.company.setCurrentText(offer_company)
    (offer.joining if joining else offer.elsewhere).setChecked(True)
    offer.set_declined({declined.name})
    offer.accept()
    dialog = window.workflows.open_dialogs["wrap_up"]
    steps = dialog.steps
    assert {s.contact.contact_id for s in steps} == networked
    assert window.workflows.header.state_label.text() == (
        f"Offer accepted at {offer_company}" if joining else f"Offer received from {offer_company}"
    )
    # Order: the offering company's people first.
    at_offer = [s.at_offer_company for s in steps]
    assert at_offer[0] and at_offer == sorted(at_offer, reverse=True)
    # One open thank-you follow-up per contact (a rule-4 one for recent help is reused).
    thank = FollowUp.select().where(
        FollowUp.reason == FollowUpReason.THANK_YOU.value,
        FollowUp.state.in_(OPEN_STATES),
        FollowUp.contact.in_(sorted(networked)),
    )
    assert sorted(f.contact_id for f in thank) == sorted(networked)
    assert dialog.progress.text() == f"0 of {len(steps)} thanked"
    for step in steps:
        dialog.select_contact(step.contact.contact_id)
        draft = dialog.draft.toPlainText()
        if step.contact.helped:
            assert helped_phrase(step.contact.helped) in draft
        if step.at_offer_company and joining:
            assert step.closing_ask == ASK_JOINING and "tips on how to be successful" in draft
        else:
            assert step.closing_ask == ASK_ELSEWHERE and "one tip" in draft
    # A gift for someone who went above and beyond.
    generous = next(s for s in steps if s.contact.above_and_beyond)
    dialog.select_contact(generous.contact.contact_id)
    assert not dialog.gift_box.isHidden() and "a nice candle" in dialog.gift_ideas.text()
    dialog.gift.setText("flowers")
    qtbot.mouseClick(dialog.gift_button, Qt.MouseButton.LeftButton)
    assert reader.wrap_up_states()[generous.contact.contact_id].gift_note == "flowers"
    assert (
        Interaction.get(
            (Interaction.contact == generous.contact.contact_id) & (Interaction.kind == "gift")
        ).summary
        == "Sent flowers"
    )
    assert dialog.gift_sent.text() == "Sent: flowers"
    # Thank the first, then someone at the company whose offer was declined.
    dialog.list.setCurrentRow(0)
    first = dialog.current_contact_id()
    qtbot.mouseClick(dialog.thanked_button, Qt.MouseButton.LeftButton)
    turned_down = next(s for s in dialog.steps if same_company(s.contact.company, declined.name))
    assert turned_down.at_declined_company
    dialog.select_contact(turned_down.contact.contact_id)
    assert f"turn down the offer from {declined.name}" in dialog.draft.toPlainText()
    qtbot.mouseClick(dialog.thanked_button, Qt.MouseButton.LeftButton)
    assert dialog.progress.text() == f"2 of {len(steps)} thanked"
    for cid in (first, turned_down.contact.contact_id):
        step = WrapUpStep.get(WrapUpStep.contact == cid)
        assert FollowUp.get_by_id(step.follow_up_id).state == FollowUpState.DONE.value
        assert reader.timeline(cid)[0].kind is InteractionKind.THANK_YOU
    assert thank.count() == len(steps) - 2
    assert Company.get(Company.id == declined.company_id).status == CompanyStatus.DECLINED.value


def test_references_heads_up_and_too_often(window, demo, now, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.actions["references"].trigger()
    dialog = window.workflows.open_dialogs["references"]
    advocate = next(r for r in reader.reference_contacts() if r.tie is Tie.ADVOCATE)
    dialog.select_contact(advocate.contact_id)
    dialog.consent.setChecked(True)
    assert Contact.get_by_id(advocate.contact_id).reference_consent
    assert dialog.warning.isHidden()
    check = (now + dt.timedelta(days=6)).replace(hour=14, minute=0)
    for company in ("Acme Robotics", "Hooli"):
        dialog.select_contact(advocate.contact_id)
        dialog.company.setText(company)
        dialog.has_check.setChecked(True)
        dialog.check_at.setDateTime(
            QDateTime(
                dialog.check_at.date().fromString(check.date().isoformat(), "yyyy-MM-dd"),
                QTime(14, 0),
            )
        )
        qtbot.mouseClick(dialog.ask_button, Qt.MouseButton.LeftButton)
    heads_up = FollowUp.select().where(
        (FollowUp.contact == advocate.contact_id)
        & (FollowUp.reason == FollowUpReason.REFERENCE_HEADS_UP.value)
    )
    assert heads_up.count() == 2
    assert {f.due_at for f in heads_up} == {check - dt.timedelta(days=2)}
    assert dialog.asks.count() == 2
    assert not dialog.warning.isHidden()
    assert "for a reference twice in the last 90 days" in dialog.warning.text()


def test_glance_numbers_match_the_store(window, demo, now) -> None:  # type: ignore[no-untyped-def]
    window.actions["glance"].trigger()
    dialog = window.workflows.open_dialogs["glance"]
    live = Contact.select().where(Contact.archived == False)  # noqa: E712
    ties = [p.count for p in dialog.ties.parts]
    assert ties == [
        live.where(Contact.tie == Tie.ADVOCATE.value).count(),
        live.where(Contact.tie == Tie.WORK_ACQUAINTANCE.value).count(),
        live.where(Contact.tie == Tie.UNSORTED.value).count(),
    ]
    overdue = {f.contact_id for f in reader.follow_ups(now)}
    assert dialog.findChild(QLabel, "glanceOverdue").text() == str(len(overdue))
    assert dialog.findChild(QLabel, "glanceTotal").text() == str(DEMO_SIZE)
    touches = (
        Interaction.select()
        .where((Interaction.kind != "note") & (Interaction.at >= now - dt.timedelta(days=7)))
        .count()
    )
    week = dialog.weeks.weeks[-1]
    assert week.last_day == now.date()
    assert (
        week.count
        == touches
        - Interaction.select()
        .where(
            (Interaction.kind != "note")
            & (Interaction.at >= now - dt.timedelta(days=7))
            & (Interaction.at < dt.datetime.combine(week.first_day, dt.time()))
        )
        .count()
    )
    assert sum(w.count for w in dialog.weeks.weeks) > 0
    assert dialog.weeks.grab().width() > 0


def test_a_company_status_is_undone_by_name(window, demo, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = window.workflows.companies()
    company = next(c for c in reader.companies() if c.status is not CompanyStatus.INTERVIEWING)
    dialog.select_company(company.company_id)
    dialog.status.setCurrentIndex(dialog.status.findData(CompanyStatus.INTERVIEWING.value))
    dialog.status.activated.emit(dialog.status.currentIndex())
    assert window.undo_stack.undoText() == f"Set {company.name} to interviewing"
    window.actions["undo"].trigger()
    assert next(
        c.status for c in reader.companies() if c.company_id == company.company_id
    ) is company.status
