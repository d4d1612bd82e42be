"""A LinkedIn data archive dropped on the window, and a mailbox chosen from the File menu:
previewed, accepted, and found on the timelines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QTreeView, QTreeWidget

from netdesk.store import reader
from netdesk.store.models import Contact, Interaction
from netdesk.ui.dialogs.history_preview import HistoryPreviewDialog
from tests.history_fixtures import mbox_message, write_archive
from tests.ui.import_helpers import OFFSCREEN_NOISE, Desk, drop, file_mime, open_desk

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def desk(main_window, data_dir: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    with open_desk(main_window, data_dir) as opened:
        yield opened


def _preview(qtbot, desk: Desk) -> HistoryPreviewDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: desk.controller.preview is not None, timeout=10_000)
    preview = desk.controller.preview
    assert isinstance(preview, HistoryPreviewDialog)
    return preview


def _lines(preview: HistoryPreviewDialog) -> dict[str, str]:
    tree = preview.findChild(QTreeWidget, "historyPreviewFiles")
    return {
        tree.topLevelItem(i).text(0): tree.topLevelItem(i).text(2).replace("\n", "; ")
        for i in range(tree.topLevelItemCount())
    }


def _id(name: str) -> int:
    return int(Contact.get(Contact.display_name == name).id)


def test_an_archive_dropped_on_the_window_is_previewed_then_fills_the_timelines(
    qtbot, desk: Desk, tmp_path: Path
) -> None:
    archive = write_archive(tmp_path / "Basic_LinkedInDataExport_03-25-2026.zip", "2023")
    event = drop(desk.window, file_mime(archive))
    assert event.isAccepted()

    preview = _preview(qtbot, desk)
    assert preview.objectName() == "historyPreview"
    assert Contact.select().count() == 0  # nothing written before Import
    lines = _lines(preview)
    assert lines["Connections.csv"] == "4 contacts to add"
    assert lines["messages.csv"] == (
        "5 new timeline entries for 3 people; 1 about people not in your network; "
        "1 left out (drafts or rows without a date)"
    )
    assert lines["Invitations.csv"] == "2 new timeline entries for 2 people"
    assert lines["Endorsement_Received_Info.csv"] == "1 new timeline entry for 1 person"

    with qtbot.waitSignal(desk.controller.imported, timeout=10_000):
        qtbot.mouseClick(preview.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not desk.controller.busy, timeout=10_000)

    assert desk.stored_names() == ["Dana Lee", "Omar Haddad", "Priya Natarajan", "Zoë Martínez"]
    dana = reader.timeline(_id("Dana Lee"))
    assert [(e.kind.value, e.direction.value, e.summary) for e in dana[:3]] == [
        ("endorsement", "incoming", "Endorsed Python on LinkedIn"),
        ("message", "outgoing", "Thanks Dana!"),
        ("message", "incoming", 'Hi Sam, thanks for "the talk" at PyCon,'),
    ]
    assert desk.controller.notice.text() == (
        "Imported Basic_LinkedInDataExport_03-25-2026.zip: 4 contacts added, "
        "10 timeline entries for 4 people."
    )
    # The follow-ups pane says where the fact came from, and the timeline pane shows it:
    # Priya's invitation had a note, and nothing followed it (rule 2).
    pane = desk.window.follow_ups
    qtbot.waitUntil(lambda: pane.model.rowCount() > 0, timeout=10_000)
    rows = [pane.model.follow_up(r) for r in range(pane.model.rowCount())]
    (priya,) = [f for f in rows if f is not None and f.contact_name == "Priya Natarajan"]
    assert pane.select_follow_up(priya.follow_up_id, activate=False)
    assert pane.sentence.text().startswith(
        "You connected with Priya on LinkedIn on 1 March 2026 (“Great meeting you at the "
        "design meetup"
    )
    # With nobody selected, the timeline pane's recent activity shows the history.
    timeline = desk.window.findChild(QTreeView, "timeline")
    qtbot.waitUntil(lambda: timeline.model().rowCount() >= 10, timeout=10_000)
    shown = [
        [timeline.model().index(r, c).data() for c in (1, 3)]
        for r in range(timeline.model().rowCount())
    ]
    assert shown[0] == [
        "Endorsement",
        "Dana Lee: Endorsed Python on LinkedIn\nHelped: endorsed you for Python",
    ]
    assert ["Message", "Dana Lee: Thanks Dana!"] in shown
    assert [
        "Invitation",
        'Priya Natarajan: Great meeting you at the design meetup, "let\'s stay in touch"',
    ] in shown

    # One undoable action: Edit > Undo takes the contacts and their history back.
    assert desk.window.user_actions.undo_stack.undoText() == (
        "Import Basic_LinkedInDataExport_03-25-2026.zip"
    )
    desk.window.user_actions.undo_stack.undo()
    assert Contact.select().count() == 0 and Interaction.select().count() == 0


def test_a_mailbox_from_the_file_menu_dates_the_emails(
    qtbot, desk: Desk, tmp_path: Path, now: dt.datetime
) -> None:
    from tests.ui.conftest import add_contact

    ada = add_contact("Ada Lovelace", now, emails=("ada@example.org",), last_touch_days=30)
    sent = tmp_path / "Mail" / "Local Folders"
    sent.mkdir(parents=True)
    (sent / "Sent").write_bytes(
        mbox_message("Me <me@example.com>", "Ada <ada@example.org>", now - dt.timedelta(days=3),
                     "Lunch next week?", message_id="m1@example.com")
    )
    (sent / "Inbox").write_bytes(
        mbox_message("Ada <ada@example.org>", "me@example.com", now - dt.timedelta(days=2),
                     "Re: Lunch next week?", message_id="m2@example.com")
    )
    (sent / "Inbox.msf").write_bytes(b"// an index, not a mailbox")

    desk.controller.import_mail(str(tmp_path / "Mail"))
    preview = _preview(qtbot, desk)
    assert preview.own_addresses() == ["me@example.com"]
    assert _lines(preview) == {
        "Local Folders/Sent and Local Folders/Inbox": "2 new timeline entries for 1 person"
    }
    qtbot.mouseClick(preview.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not desk.controller.busy, timeout=10_000)

    entries = reader.timeline(ada)
    assert [(e.kind.value, e.direction.value, e.summary) for e in entries[:2]] == [
        ("email", "incoming", "Re: Lunch next week?"),
        ("email", "outgoing", "Lunch next week?"),
    ]
    assert Contact.get_by_id(ada).last_touch_at == now - dt.timedelta(days=2)
    assert desk.controller.notice.text() == "Imported 2 emails with 1 person from Mail."

    # File > Undo import names what it would take back: the timeline entries.
    assert desk.window.actions["undo_import"].text() == "Undo import of Mail (2 timeline entries)"
    box = desk.controller.confirm_undo()
    assert box is not None
    assert box.informativeText() == "The 2 timeline entries it added will be removed."
    undo = box.findChild(QPushButton, "undoImportButton")
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not desk.controller.busy, timeout=10_000)
    assert reader.timeline(ada)[0].kind.value == "email"  # the one logged by hand stays
    assert len(reader.timeline(ada)) == 1
    assert Contact.get_by_id(ada).last_touch_at == now - dt.timedelta(days=30)


def test_the_mail_menu_entry_asks_which_mailbox(qtbot, desk: Desk) -> None:
    desk.window.actions["import_mail"].trigger()
    box = desk.window.findChild(QMessageBox, "chooseMailbox")
    assert box is not None and box.isVisible()
    assert "never its text" in box.informativeText()
    box.reject()
