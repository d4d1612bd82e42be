"""The contact editor and the log-interaction dialog: validation, suggestions, one save."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from netdesk.core.domain import TIE_DEFINITIONS, HowKnown, InteractionKind, Tie
from netdesk.store import reader, writer
from netdesk.store.models import Contact
from netdesk.ui.dialogs.contact_editor import ContactEditor
from netdesk.ui.dialogs.log_interaction import LogInteractionDialog
from netdesk.ui.widgets import plain_label


def test_an_invalid_email_is_named_and_nothing_is_saved(qtbot, store, now, actions) -> None:
    editor = ContactEditor(now, actions)
    qtbot.addWidget(editor)
    editor.display_name.setText("Dana Smith")
    editor.emails.setPlainText("dana@example.org\ndana@")
    editor.birthday.setText("1990-02-30")
    assert not editor.save()
    assert "“dana@” is not an email address." in editor.error.text()
    assert "“1990-02-30” is not a date" in editor.error.text()
    assert editor.error.textFormat() == Qt.TextFormat.PlainText
    assert Contact.select().count() == 0

    editor.emails.setPlainText("dana@example.org")
    editor.birthday.setText("--02-28")
    assert editor.save()
    assert Contact.select().count() == 1
    assert reader.contact_emails(editor.saved_id) == ["dana@example.org"]


def test_the_tie_chooser_explains_and_how_known_suggests(qtbot, store, now, actions) -> None:
    editor = ContactEditor(now, actions)
    qtbot.addWidget(editor)
    shown = [label.text() for label in editor.findChildren(type(plain_label()))]
    assert TIE_DEFINITIONS[Tie.ADVOCATE] in shown
    assert TIE_DEFINITIONS[Tie.WORK_ACQUAINTANCE] in shown
    assert editor.tie() is Tie.UNSORTED
    editor.how_known.setCurrentIndex(editor.how_known.findData(HowKnown.MANAGER.value))
    assert editor.tie() is Tie.ADVOCATE
    assert "Suggested" in editor.tie_hint.text()
    editor.how_known.setCurrentIndex(editor.how_known.findData(HowKnown.NETWORKING_EVENT.value))
    assert editor.tie() is Tie.WORK_ACQUAINTANCE
    editor.tie_buttons[Tie.ADVOCATE].click()  # the user's choice wins from now on
    editor.how_known.setCurrentIndex(editor.how_known.findData(HowKnown.MANAGER.value))
    editor.how_known.setCurrentIndex(editor.how_known.findData(HowKnown.NETWORKING_EVENT.value))
    assert editor.tie() is Tie.ADVOCATE


def test_editing_every_field_round_trips(qtbot, store, now, actions) -> None:
    contact = writer.create_contact({"display_name": "Sam"}, now, company="Acme")
    editor = ContactEditor(now, actions, contact_id=contact.id)
    qtbot.addWidget(editor)
    assert editor.company.text() == "Acme"
    editor.title.setText("Staff engineer")
    editor.phones.setPlainText("+1 555 0100")
    editor.cadence.setValue(21)
    editor.reference_consent.setChecked(True)
    editor.above_and_beyond.setChecked(True)
    editor.tags.setText("python,  berlin ,")
    editor.notes.setPlainText("Met at PyCon")
    editor.urls.setPlainText("https://sam.example.org")
    assert editor.save()
    saved = Contact.get_by_id(contact.id)
    assert (saved.title, saved.cadence_days, saved.tags) == ("Staff engineer", 21, "python, berlin")
    assert saved.reference_consent and saved.above_and_beyond
    assert str(saved.reference_agreed_on) == now.date().isoformat()
    assert reader.contact_phones(contact.id) == ["+1 555 0100"]
    again = ContactEditor(now, actions, contact_id=contact.id)
    qtbot.addWidget(again)
    assert again.fields() == editor.fields()


def test_log_interaction_defaults_to_today_and_types_ahead(qtbot, now) -> None:
    dialog = LogInteractionDialog("Dana", now)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.value().at == now
    qtbot.keyClicks(dialog.kind, "Cof")
    assert dialog.value().kind is InteractionKind.COFFEE
    dialog.date.setDate(dialog.date.date().addDays(-3))
    assert dialog.value().at == dt.datetime.combine(now.date() - dt.timedelta(days=3), dt.time(12))
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return)
