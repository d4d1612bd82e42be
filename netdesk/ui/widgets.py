"""Small widgets the panes share: plain-text labels, the first-launch empty state, colours."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtGui import Qt as QtGuiQt  # mightBeRichText lives in QtGui's Qt namespace
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.domain import Tie

# The one accent that is not a palette role: a warm red that reads on light and dark bases.
OVERDUE_COLOR = QColor("#d9480f")
# Each tie's colour (the card's tie badge, white text on it): dark enough that the white text
# reads at 4.5:1 or better, on light and dark palettes alike.
TIE_COLORS = {
    Tie.ADVOCATE: QColor("#237a36"),
    Tie.WORK_ACQUAINTANCE: QColor("#1971c2"),
    Tie.UNSORTED: QColor("#6b737b"),
}


def resource_path(*parts: str) -> Path:
    """A file under `resources/`: beside the package in a checkout, or inside a frozen bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle, "resources", *parts)
    return Path(__file__).resolve().parents[2].joinpath("resources", *parts)


def plain_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> QLabel:
    """A label that never interprets its text as HTML: user data shows as typed."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as typed.

    Qt guesses whether a tooltip is rich text; a name like "<b>x</b>" would be rendered as
    markup. Such text is escaped and marked as rich text, so the characters show literally.
    """
    if not QtGuiQt.mightBeRichText(text):
        return text
    import html  # here: no tooltip is asked for before the window's first paint

    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def header_width(header: QHeaderView, text: str) -> int:
    """What a header section needs to show `text` whole, with room for a sort arrow."""
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    return header.fontMetrics().horizontalAdvance(text) + 4 * margin + arrow + 4


def view_width(view: QAbstractScrollArea) -> int:
    """The width an item view has for its columns, room for a scroll bar kept. (Asking the
    view for its viewport before the first paint would wake parts of Qt it does not need
    until then.)"""
    extent = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, view)
    return view.contentsRect().width() - extent


def fit_columns(
    header: QHeaderView,
    width: int,
    stretch: int,
    stretch_min: int,
    optional: list[int],
    widths: dict[int, int],
) -> None:
    """Hide the `optional` columns (the first listed goes first) that would leave the
    stretching column less than `stretch_min` px of `width`; show them again when they fit.
    A narrow pane keeps its most useful columns whole rather than cutting every one.
    `widths` remembers each column's width while it is hidden (Qt says 0 for those)."""
    for column in range(header.count()):
        if not header.isSectionHidden(column):
            widths[column] = header.sectionSize(column)
    fixed = {
        column: widths.get(column, 0)
        for column in range(header.count())
        if column != stretch and (column in optional or not header.isSectionHidden(column))
    }
    hidden: set[int] = set()
    for column in optional:
        if sum(w for c, w in fixed.items() if c not in hidden) + stretch_min <= width:
            break
        hidden.add(column)
    for column in optional:
        if header.isSectionHidden(column) != (column in hidden):
            header.setSectionHidden(column, column in hidden)


def bold_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


class EmptyState(QFrame):
    """What the contact list shows when the store holds nobody yet: what to do first."""

    addContactClicked = Signal()
    demoClicked = Signal()
    importClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(1)
        title = plain_label("Your network starts here")
        title.setFont(bold_font(title.font()))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        drop = plain_label(
            "Drop a vCard or CSV file here — exported from your phone, Google Contacts, "
            "Outlook or LinkedIn — to bring your contacts in.",
            wrap=True,
        )
        drop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        drop.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(drop)
        layout.addSpacing(12)
        self.import_button = QPushButton("Import a file…")
        self.import_button.setAccessibleName("Import a contact file")
        self.add_button = QPushButton("Add a contact")
        self.add_button.setAccessibleName("Add a contact")
        self.add_button.setDefault(True)
        self.demo_button = QPushButton("Try the demo network")
        self.demo_button.setAccessibleName("Try the demo network in a separate window")
        self.demo_button.setToolTip(
            "Opens NetDesk on a generated network in a throwaway folder; your own data is "
            "not touched."
        )
        for button in (self.add_button, self.import_button, self.demo_button):
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(2)
        self.add_button.clicked.connect(self.addContactClicked)
        self.import_button.clicked.connect(self.importClicked)
        self.demo_button.clicked.connect(self.demoClicked)
