"""How every window looks whatever the palette: dark palettes, colours that stay readable on
them, one style for every table, and dialogs sized to their content and to the screen."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QTableView,
    QWidget,
)

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# --- palettes --------------------------------------------------------------------------------

# Two dark palettes people run Qt apps under: the "Fusion dark" many apps and distributions
# ship, and KDE Plasma's Breeze Dark. The gallery draws every window under both.
_FUSION_DARK = {  # Qt's own Fusion palette for a dark desktop (qt_fusionPalette)
    Role.Window: "#323232",
    Role.WindowText: "#f0f0f0",
    Role.Base: "#242424",
    Role.AlternateBase: "#2a2a2a",
    Role.ToolTipBase: "#323232",
    Role.ToolTipText: "#f0f0f0",
    Role.PlaceholderText: "#8c8c8c",
    Role.Text: "#f0f0f0",
    Role.Button: "#323232",
    Role.ButtonText: "#f0f0f0",
    Role.BrightText: "#ff4040",
    Role.Light: "#4b4b4b",
    Role.Midlight: "#2a2a2a",
    Role.Mid: "#262626",
    Role.Dark: "#212121",
    Role.Shadow: "#181818",
    Role.Highlight: "#308cc6",
    Role.HighlightedText: "#f0f0f0",
    Role.Link: "#5ea9ff",
    Role.LinkVisited: "#b58cff",
}
_FUSION_DARK_DISABLED = {
    Role.WindowText: "#828282",
    Role.Text: "#828282",
    Role.ButtonText: "#828282",
    Role.Base: "#323232",
    Role.Highlight: "#919191",
    Role.HighlightedText: "#f0f0f0",
}
_BREEZE_DARK = {
    Role.Window: "#202326",
    Role.WindowText: "#fcfcfc",
    Role.Base: "#141618",
    Role.AlternateBase: "#1d1f22",
    Role.ToolTipBase: "#292c30",
    Role.ToolTipText: "#fcfcfc",
    Role.PlaceholderText: "#a1a9b1",
    Role.Text: "#fcfcfc",
    Role.Button: "#292c30",
    Role.ButtonText: "#fcfcfc",
    Role.BrightText: "#ffffff",
    Role.Light: "#40464c",
    Role.Midlight: "#33373c",
    Role.Mid: "#5f666d",
    Role.Dark: "#101113",
    Role.Shadow: "#000000",
    Role.Highlight: "#3daee9",
    Role.HighlightedText: "#fcfcfc",
    Role.Link: "#1d99f3",
    Role.LinkVisited: "#9b59b6",
}
_BREEZE_DARK_DISABLED = {
    Role.WindowText: "#6e7175",
    Role.Text: "#65686a",
    Role.ButtonText: "#727679",
    Role.Highlight: "#2a2e32",
    Role.HighlightedText: "#a1a9b1",
}

THEMES = ("light", "dark", "breeze-dark")


def palette(theme: str) -> QPalette:
    """The palette of a theme: "light" (the style's own), "dark" (Fusion dark) or
    "breeze-dark" (KDE's Breeze Dark colours)."""
    if theme == "light":
        return QApplication.style().standardPalette()
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: choose from {', '.join(THEMES)}")
    colours, disabled = (
        (_FUSION_DARK, _FUSION_DARK_DISABLED)
        if theme == "dark"
        else (_BREEZE_DARK, _BREEZE_DARK_DISABLED)
    )
    result = QPalette()
    for role, name in colours.items():
        result.setColor(role, QColor(name))
    for role, name in disabled.items():
        result.setColor(Group.Disabled, role, QColor(name))
    return result


def is_dark(pal: QPalette | None = None) -> bool:
    pal = pal if pal is not None else QGuiApplication.palette()
    return pal.color(Role.Window).lightnessF() < 0.5


# --- colours that read on light and dark ------------------------------------------------------


def luminance(colour: QColor) -> float:
    """WCAG's relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG's contrast ratio of two colours (1 to 21; body text wants 4.5)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# Overdue: a warm red-orange, darker on light bases, lighter on dark ones.
OVERDUE_ON_LIGHT = QColor("#c2410c")
OVERDUE_ON_DARK = QColor("#ff8a5c")

def overdue_color(pal: QPalette | None = None) -> QColor:
    """The overdue accent that reads on this palette's bases."""
    return QColor(OVERDUE_ON_DARK if is_dark(pal) else OVERDUE_ON_LIGHT)


def _update_shared_colours(pal: QPalette) -> None:
    """The shared accents that modules import as constants follow the palette in place; on a
    dark palette, check boxes get frames that show (`_check_box_palette`)."""
    from netdesk.ui import widgets

    widgets.OVERDUE_COLOR.setRgba(overdue_color(pal).rgba())
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if is_dark(pal):
        fitted = _check_box_palette(pal, app.style().name())
        if fitted is not None:
            app.setPalette(fitted, _CHECK_BOX)
            app.setProperty("netdeskCheckBoxPalette", True)
    elif app.property("netdeskCheckBoxPalette"):  # turned light: check boxes as the rest
        app.setPalette(pal, _CHECK_BOX)
        app.setProperty("netdeskCheckBoxPalette", False)


# Fusion draws a check box's frame in the window colour darkened (by 140, then lightened by
# 110): on a dark window the frame of an unticked box vanishes into the window and the box's
# own dark base. A box shows its frame in a grey between the window and the text when its
# palette's window colour is that grey lightened as much: a check box paints no window of
# its own (it is drawn on its parent's), so only the frame changes.
_FUSION_OUTLINE = 140 / 110
# The class whose widgets take that palette (PySide's stubs say bytes; it takes a str).
_CHECK_BOX: Any = "QCheckBox"
_FRAME_MIX = {Group.Active: 0.45, Group.Inactive: 0.45, Group.Disabled: 0.25}


def _check_box_palette(pal: QPalette, style: str) -> QPalette | None:
    """The palette of check boxes on the dark palette `pal` under Fusion; None elsewhere (other
    styles draw their own frames)."""
    if style.lower() != "fusion":
        return None
    fitted = QPalette(pal)
    for group, share in _FRAME_MIX.items():
        window, text = pal.color(group, Role.Window), pal.color(group, Role.WindowText)
        frame = QColor.fromRgbF(
            window.redF() + share * (text.redF() - window.redF()),
            window.greenF() + share * (text.greenF() - window.greenF()),
            window.blueF() + share * (text.blueF() - window.blueF()),
        )
        fitted.setColor(group, Role.Window, frame.lighter(round(100 * _FUSION_OUTLINE)))
    return fitted


def follow_palette(app: QApplication) -> None:
    """Keep the accents readable on the desktop's palette, and when it turns light or dark."""
    _update_shared_colours(app.palette())
    if not app.property("netdeskFollowsPalette"):
        app.setProperty("netdeskFollowsPalette", True)
        # The palette the style derives from the new scheme is in place once the loop turns.
        app.styleHints().colorSchemeChanged.connect(
            lambda _scheme: QTimer.singleShot(0, lambda: _update_shared_colours(app.palette()))
        )


def apply_theme(app: QApplication, theme: str) -> None:
    """Use a theme's palette app-wide (the gallery draws every window under each)."""
    app.setPalette(palette(theme))
    _update_shared_colours(app.palette())


# --- tables ------------------------------------------------------------------------------------


def row_height(view: QWidget) -> int:
    """The one row height of every table: a line of text and some air (the main list's)."""
    return view.fontMetrics().height() + 8


def style_table(view: QTableView, *, stretch_last: bool = True) -> None:
    """The main list's look for any table: no grid, alternating rows, one compact row height,
    whole-row selection, no row numbers, headers that show their text."""
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setTabKeyNavigation(False)
    vertical = view.verticalHeader()
    vertical.hide()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(row_height(view))
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(stretch_last)


def fit_header(view: QTableView, minimum: int = 0) -> None:
    """Make every column at least as wide as its header text (and `minimum`)."""
    header = view.horizontalHeader()
    for column in range(header.count()):
        if not header.isSectionHidden(column):
            wanted = max(minimum, header.sectionSizeHint(column))
            if header.sectionSize(column) < wanted:
                header.resizeSection(column, wanted)


# --- dialogs -----------------------------------------------------------------------------------


def screen_room(widget: QWidget) -> QSize:
    """The room a window has on the screen it will show on (less a margin for the frame)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1280, 800)
    area = screen.availableGeometry()
    return QSize(max(320, area.width() - 40), max(240, area.height() - 60))


def size_to_content(dialog: QWidget, preferred: QSize | None = None) -> None:
    """Size a window to what it holds: its size hint (or `preferred`, when larger), never
    smaller than its content needs, never larger than the screen."""
    room = screen_room(dialog)
    layout = dialog.layout()
    if layout is not None:
        layout.activate()
    hint = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
    if preferred is not None:
        hint = hint.expandedTo(preferred)
    width = min(hint.width(), room.width())
    if layout is not None and layout.hasHeightForWidth():
        # Wrapped text takes more lines than the size hint counted: give it the height it
        # needs at the width it gets, or the rest of the window is squeezed.
        hint.setHeight(max(hint.height(), layout.totalHeightForWidth(width)))
    dialog.resize(QSize(width, hint.height()).boundedTo(room))


def fit_to_screen(window: QWidget) -> None:
    """Shrink a window that would not fit on its screen, and keep it on that screen."""
    room = screen_room(window)
    size = window.size()
    if size.width() > room.width() or size.height() > room.height():
        window.resize(size.boundedTo(room))
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None or not window.isWindow():
        return
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.left()), max(area.left(), area.right() - frame.width()))
    y = min(max(frame.y(), area.top()), max(area.top(), area.bottom() - frame.height()))
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)


def placeholder_width(field: QLineEdit) -> int:
    """How wide `field` must be to show its whole placeholder: the text, the frame and
    margins, and the room Qt keeps for the font's widest overhanging glyph."""
    metrics = field.fontMetrics()
    # A line edit's size hint is 17 "x" wide plus its frame and margins.
    padding = field.sizeHint().width() - 17 * metrics.horizontalAdvance("x")
    # QLineEdit starts its placeholder after the font's widest left overhang.
    overhang = max(0, -metrics.minLeftBearing())
    text = math.ceil(QFontMetricsF(field.font()).horizontalAdvance(field.placeholderText()))
    return text + padding + overhang


def show_placeholder(*fields: QLineEdit) -> None:
    """Make each empty field wide enough to show its whole example (its placeholder)."""
    for field in fields:
        field.setMinimumWidth(placeholder_width(field))


def wrap_lines(view: QListWidget) -> None:
    """A list whose long lines wrap inside the pane instead of running off to a scroll bar."""
    view.setWordWrap(True)
    view.setResizeMode(QListWidget.ResizeMode.Adjust)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


class _PageScroller(QScrollArea):
    """Asks for its whole page (a plain scroll area asks for a fixed, small size), so the
    window is as large as the page where the screen has room."""

    def sizeHint(self) -> QSize:
        page = self.widget()
        if page is None:
            return super().sizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return page.sizeHint() + QSize(bar + 2 * self.frameWidth(), 2 * self.frameWidth())


def scrolling(page: QWidget) -> QScrollArea:
    """`page` in a frameless scroll area: shown whole where the screen has room, scrolled
    (instead of pushing its window past the screen's edge) where it has not."""
    area = _PageScroller()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(page)
    return area
