"""The checker of cut texts, the dark palettes, the one table style, dialogs that fit."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from netdesk.ui import fits, look

# --- the checker finds what it should ------------------------------------------------------------


def _window(qtbot, build) -> QWidget:  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)
    build(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_label_narrower_than_its_text_is_cut(qtbot) -> None:  # type: ignore[no-untyped-def]
    def build(window: QWidget) -> None:
        label = QLabel("Work acquaintance", window)
        label.setObjectName("tie")
        label.setGeometry(0, 0, label.fontMetrics().horizontalAdvance("Work acq"), 20)
        roomy = QLabel("Advocate", window)
        roomy.setGeometry(0, 30, 200, 20)

    cuts = fits.find_cuts(_window(qtbot, build))
    assert [(c.kind, c.text) for c in cuts] == [("label", "Work acquaintance")]
    assert cuts[0].needed > cuts[0].available
    assert "tie" in cuts[0].where


def test_a_wrapped_label_cut_short_and_a_squeezed_button(qtbot) -> None:  # type: ignore[no-untyped-def]
    def build(window: QWidget) -> None:
        label = QLabel("one two three four five six seven eight nine ten eleven", window)
        label.setWordWrap(True)
        label.setGeometry(0, 0, 80, label.fontMetrics().height())
        button = QPushButton("Send to 108 in mail program…", window)
        button.setGeometry(0, 40, 90, 28)
        fine = QPushButton("OK", window)
        fine.setGeometry(100, 40, 60, 28)

    kinds = sorted((c.kind, c.text) for c in fits.find_cuts(_window(qtbot, build)))
    assert kinds == [
        ("button", "Send to 108 in mail program…"),
        ("label", "one two three four five six seven eight nine ten eleven"),
    ]


def test_a_header_cut_by_its_section_or_the_view_edge(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = QStandardItemModel(3, 3)
    model.setHorizontalHeaderLabels(["Name", "Reference since", "Asked"])

    def build(window: QWidget) -> None:
        view = QTableView(window)
        view.setModel(model)
        view.setGeometry(0, 0, 200, 120)
        view.horizontalHeader().resizeSection(0, 120)
        view.horizontalHeader().resizeSection(1, 50)
        view.horizontalHeader().resizeSection(2, 200)  # runs past the view's edge

    texts = sorted(c.text for c in fits.find_cuts(_window(qtbot, build)) if c.kind == "header")
    assert texts == ["Asked", "Reference since"]


def test_a_tab_too_narrow_for_its_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    def build(window: QWidget) -> None:
        tabs = QTabWidget(window)
        for title in ("Details", "Relationship", "Notes and tags"):
            tabs.addTab(QWidget(), title)
        tabs.setGeometry(0, 0, 150, 100)

    cut = [c for c in fits.find_cuts(_window(qtbot, build)) if c.kind == "tab"]
    assert cut, "three tabs in 150 px cannot all show their text"


def test_a_form_caption_showing_its_ampersand(qtbot) -> None:  # type: ignore[no-untyped-def]
    def build(window: QWidget) -> None:
        form = QFormLayout(window)
        row = QHBoxLayout()
        row.addWidget(QCheckBox("Agreed to be a reference"))
        form.addRow("&Reference:", row)  # a row of widgets: no buddy, so "&" is drawn
        form.addRow("&Notes:", QLineEdit())  # a buddy: "&" marks the shortcut

    cuts = fits.find_cuts(_window(qtbot, build))
    assert [c.text for c in cuts] == ["&Reference: (a literal &)"]


def test_a_window_larger_than_the_screen(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = QDialog()
    qtbot.addWidget(dialog)
    QVBoxLayout(dialog).addWidget(QLabel("Hello"))
    area = dialog.screen().availableGeometry()
    dialog.resize(area.width() + 100, 200)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert [(c.kind, c.text) for c in fits.find_cuts(dialog)] == [("window", "width")]
    look.fit_to_screen(dialog)
    assert fits.find_cuts(dialog) == []


def test_a_dialog_sized_to_content_stays_on_the_screen(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel("x" * 10))
    area = dialog.screen().availableGeometry()
    look.size_to_content(dialog, area.size() * 2)
    assert dialog.width() <= area.width() and dialog.height() <= area.height()
    small = QDialog()
    qtbot.addWidget(small)
    QVBoxLayout(small).addWidget(QLabel("A sentence that needs some room to show"))
    look.size_to_content(small)
    assert small.width() >= small.minimumSizeHint().width()


def test_a_field_shows_its_whole_example(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = QLineEdit()
    qtbot.addWidget(field)
    field.setPlaceholderText("e.g. Coffee at the Initech open house, talked about Go")
    look.show_placeholder(field)
    field.resize(field.minimumWidth(), field.sizeHint().height())
    field.show()
    qtbot.waitExposed(field)
    assert [c for c in fits.find_cuts(field) if c.kind == "placeholder"] == []
    field.setMinimumWidth(0)
    field.resize(120, field.height())
    assert [c.kind for c in fits.find_cuts(field)] == ["placeholder"]


# --- dark palettes --------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", look.THEMES)
def test_text_and_the_overdue_accent_read_on_every_palette(qapp, theme: str) -> None:  # type: ignore[no-untyped-def]
    palette = look.palette(theme)
    role = palette.ColorRole
    for text, base in ((role.WindowText, role.Window), (role.Text, role.Base),
                       (role.ButtonText, role.Button), (role.PlaceholderText, role.Base)):
        ratio = look.contrast(palette.color(text), palette.color(base))
        assert ratio >= 4.5, f"{theme}: {text.name} on {base.name} is {ratio:.2f}:1"
    overdue = look.overdue_color(palette)
    for base in (role.Window, role.Base, role.AlternateBase):
        ratio = look.contrast(overdue, palette.color(base))
        assert ratio >= 4.5, f"{theme}: overdue on {base.name} is {ratio:.2f}:1"


def test_the_shared_overdue_colour_follows_the_palette(qapp) -> None:  # type: ignore[no-untyped-def]
    from netdesk.ui import widgets

    before = qapp.palette()
    try:
        look.apply_theme(qapp, "dark")
        assert widgets.OVERDUE_COLOR == look.OVERDUE_ON_DARK
        look.apply_theme(qapp, "light")
        assert widgets.OVERDUE_COLOR == look.OVERDUE_ON_LIGHT
    finally:
        qapp.setPalette(before)
        look.follow_palette(qapp)
    assert look.overdue_color(before) == widgets.OVERDUE_COLOR


def test_every_table_has_the_main_lists_look(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = QTableView()
    qtbot.addWidget(view)
    look.style_table(view)
    assert not view.showGrid() and view.alternatingRowColors()
    assert view.verticalHeader().isHidden()
    assert view.verticalHeader().defaultSectionSize() == view.fontMetrics().height() + 8
    assert view.selectionBehavior() == view.SelectionBehavior.SelectRows


def test_a_field_squeezed_below_its_line_of_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QSpinBox

    def build(window: QWidget) -> None:
        squeezed = QSpinBox(window)
        squeezed.setSuffix(" days")
        squeezed.setValue(30)
        squeezed.setGeometry(0, 0, 120, 12)
        roomy = QSpinBox(window)
        roomy.setGeometry(0, 40, 120, roomy.minimumSizeHint().height())

    cuts = fits.find_cuts(_window(qtbot, build))
    assert [(c.kind, c.text) for c in cuts] == [("field", "30 days")]



def test_a_wrapped_address_breaks_but_a_long_word_is_cut(qtbot) -> None:  # type: ignore[no-untyped-def]
    def build(window: QWidget) -> None:
        for top, text in ((0, "https://www.linkedin.com/in/ahmed-hussain-dc1ed2"),
                          (80, "Donaudampfschifffahrtsgesellschaftskapitän")):
            label = QLabel(text, window)
            label.setWordWrap(True)
            label.setGeometry(0, top, 120, label.heightForWidth(120))

    cuts = fits.find_cuts(_window(qtbot, build))
    assert [c.text for c in cuts] == ["Donaudampfschifffahrtsgesellschaftskapitän"]


def test_the_tie_badges_white_text_reads_on_each_tie_colour(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor

    from netdesk.ui.widgets import TIE_COLORS

    for tie, colour in TIE_COLORS.items():
        ratio = look.contrast(QColor("white"), colour)
        assert ratio >= 4.5, f"white on the {tie.label} badge is {ratio:.2f}:1"


def test_check_boxes_show_their_frames_on_dark_palettes(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QCheckBox

    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for theme in ("dark", "breeze-dark"):
        dark = look.palette(theme)
        fitted = look._check_box_palette(dark, "Fusion")
        assert fitted is not None
        # Fusion's frame of an unticked box: the window colour darker(140), then lighter(110).
        frame = fitted.color(role.Window).darker(140).lighter(110)
        for base in (dark.color(role.Window), dark.color(role.Base)):
            assert look.contrast(frame, base) >= 3, f"{theme}: frame {frame.name()}"
        assert look._check_box_palette(dark, "Breeze") is None  # other styles: untouched
        assert fitted.color(group.Active, role.WindowText) == dark.color(role.WindowText)
    before = qapp.palette()
    box = QCheckBox("x")
    try:
        look.apply_theme(qapp, "light")
        assert box.palette().color(role.Window) == qapp.palette().color(role.Window)
    finally:
        qapp.setPalette(before)
        look.follow_palette(qapp)
