"""The contact editor shows the whole card (typed phones and emails, addresses, department,
role, anniversary, the rest of the card) and saving an edit never drops any of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from netdesk.store import importer, reader
from netdesk.store.models import Contact

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\n"
    "ORG:Navy;Compilers\r\nTITLE:Mathematician\r\nROLE:Mentor\r\n"
    "EMAIL;TYPE=WORK,PREF:grace@example.com\r\nTEL;TYPE=CELL:+1 212 555 0101\r\n"
    "TEL;TYPE=HOME,FAX:+1 212 555 0102\r\n"
    "ADR;TYPE=WORK:;;1 Navy Way;Arlington;VA;22201;USA\r\n"
    "X-ANNIVERSARY:1930-06-15\r\nIMPP:xmpp:grace@example.com\r\nEND:VCARD\r\n"
)


def test_the_editor_shows_the_whole_card_and_keeps_it_on_save(
    qtbot, main_window, now: dt.datetime, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    from netdesk.ui.dialogs.contact_editor import ContactEditor

    path = tmp_path / "grace.vcf"
    path.write_text(CARD)
    importer.stream_import([path], now)
    [contact] = Contact.select()
    before = reader.contact_details(contact.id)
    window = main_window()

    editor = ContactEditor(now, window.user_actions, window, contact_id=contact.id)
    qtbot.addWidget(editor)
    assert editor.department.text() == "Compilers"
    assert editor.role.text() == "Mentor"
    assert "+1 212 555 0101: cell" in editor.phone_types.text()
    assert "+1 212 555 0102: home, fax" in editor.phone_types.text()
    assert "grace@example.com: work, preferred" in editor.email_types.text()
    assert editor.addresses.toPlainText() == "Work: 1 Navy Way, 22201 Arlington, VA, USA"
    assert "Impp: xmpp:grace@example.com" in editor.card_extra.toPlainText()

    editor.title.setText("Rear Admiral")
    editor.anniversary.setText("1930-06-15")
    editor.phones.setPlainText("+1 212 555 0101\n+1 212 555 0102\n+1 212 555 0199")
    assert editor.save()

    after = reader.contact_details(contact.id)
    assert after.title == "Rear Admiral" and after.anniversary == "1930-06-15"
    assert after.addresses == before.addresses
    assert after.extra == before.extra
    assert after.email_attrs == before.email_attrs
    assert after.phone_attrs == before.phone_attrs  # the new number has none, the old keep theirs
    assert after.phones == ["+1 212 555 0101", "+1 212 555 0102", "+1 212 555 0199"]
    assert (after.org_units, after.role) == (("Compilers",), "Mentor")
