"""Does every text fit? Finds labels, buttons, headers, tabs and other texts that their
widget cuts or elides (by the font's metrics), and windows larger than their screen.

The gallery runs it on every picture it takes; the tests run it on every window."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QGuiApplication, QTextDocument, QTextOption
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui's Qt namespace
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionHeader,
    QTabBar,
    QToolButton,
    QWidget,
)

from netdesk.ui.look import placeholder_width

PM = QStyle.PixelMetric

# What the tests hold to: a cut here is a bug ("field": an entry field squeezed below the
# height its text needs). "cell" (an item view's cell text), "scroll"
# (a scroll bar where the content should fit) and "placeholder" (an empty field's example)
# are reported by the gallery as things to look at.
STRICT_KINDS = frozenset(
    {"label", "button", "header", "tab", "group", "combo", "field", "window"}
)


@dataclass(frozen=True)
class Cut:
    """One text that does not fit: where, what kind of widget, the text, and the widths."""

    where: str
    kind: str
    text: str
    needed: int
    available: int

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.kind} {self.text!r} needs {self.needed} px, "
            f"has {self.available} px"
        )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _mnemonic_free(text: str) -> str:
    """A button's text as drawn: "&" marks the shortcut letter, "&&" is a literal "&"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _name(widget: QWidget) -> str:
    name = widget.objectName() or type(widget).__name__
    return name


def _path(widget: QWidget, root: QWidget) -> str:
    """root › nearest named ancestor › widget, short enough to read in a report."""
    parts = [_name(widget)]
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if parent.objectName() and not parent.objectName().startswith("qt_"):
            parts.append(parent.objectName())
            break
        parent = parent.parentWidget()
    parts.append(_name(root))
    return " › ".join(reversed(parts))


def _shown(widget: QWidget, root: QWidget) -> bool:
    """Shown on screen: visible, with some area, and not wholly clipped away by an ancestor
    (a scroll area scrolled past it, a splitter pane squeezed to nothing)."""
    if not widget.isVisibleTo(root) or widget.width() <= 0 or widget.height() <= 0:
        return False
    rect = widget.rect()
    current = widget
    parent = current.parentWidget()
    while current is not root and parent is not None:
        rect = rect.translated(current.pos()).intersected(parent.rect())
        if rect.isEmpty():
            return False
        current, parent = parent, parent.parentWidget()
    return True


def _label(label: QLabel, root: QWidget) -> list[Cut]:
    text = label.text()
    if not text.strip() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return []
    rect = label.contentsRect()
    margin = label.margin()
    width = rect.width() - 2 * margin
    shown = text if label.textFormat() == Qt.TextFormat.PlainText else label.text()
    where = _path(label, root)
    if label.buddy() is None and text.rstrip().endswith(":") and re.search(r"&(?=[^&\s])",
            text.replace("&&", "")):
        # A form's caption with a shortcut letter but nothing to focus: Qt draws the "&".
        metrics = label.fontMetrics()
        return [Cut(where, "label", shown + " (a literal &)", metrics.horizontalAdvance(text), 0)]
    if label.wordWrap():
        needed_height = label.heightForWidth(label.width())
        if needed_height > label.height() + 1:
            return [Cut(where, "label", shown, needed_height, label.height())]
        # A run with no place to break (a long word; an address breaks at "/" or "-")
        # overflows the label's edge: lay the text out as the label does, at its width.
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(label.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)  # as QLabel wraps: never mid-word
        document.setDefaultTextOption(option)
        rich = label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
        )
        if not rich:
            document.setPlainText(text)
        else:
            document.setHtml(text)
        document.setTextWidth(width)
        widest = math.ceil(document.idealWidth())
        if widest > width + 1:
            return [Cut(where, "label", shown, widest, width)]
        return []
    hint = label.sizeHint()
    needed = hint.width() - label.contentsMargins().left() - label.contentsMargins().right()
    needed -= 2 * margin
    if needed > width + 1:
        return [Cut(where, "label", shown, needed, width)]
    if hint.height() > label.height() + 1 and label.height() < label.fontMetrics().height():
        return [Cut(where, "label", shown, hint.height(), label.height())]
    return []


def _button(button: QAbstractButton, root: QWidget) -> list[Cut]:
    text = _mnemonic_free(button.text())
    if not text.strip():
        return []
    style = button.style()
    metrics = button.fontMetrics()
    text_width = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    icon = button.iconSize().width() + 4 if not button.icon().isNull() else 0
    where = _path(button, root)
    if isinstance(button, QPushButton):
        option = QStyleOptionButton()
        option.initFrom(button)
        margin = style.pixelMetric(PM.PM_ButtonMargin, option, button)
        frame = style.pixelMetric(PM.PM_DefaultFrameWidth, option, button)
        needed = text_width + icon + margin + 2 * frame
        if button.menu() is not None:
            needed += style.pixelMetric(PM.PM_MenuButtonIndicator, option, button)
        available = button.width()
    elif isinstance(button, QCheckBox | QRadioButton):
        indicator = PM.PM_IndicatorWidth if isinstance(button, QCheckBox) else (
            PM.PM_ExclusiveIndicatorWidth
        )
        spacing = PM.PM_CheckBoxLabelSpacing if isinstance(button, QCheckBox) else (
            PM.PM_RadioButtonLabelSpacing
        )
        needed = style.pixelMetric(indicator, None, button) + style.pixelMetric(
            spacing, None, button
        ) + text_width + icon
        available = button.width()
    elif isinstance(button, QToolButton):
        if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly and (
            not button.icon().isNull()
        ):
            return []
        if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextUnderIcon:
            icon = 0
        frame = style.pixelMetric(PM.PM_DefaultFrameWidth, None, button)
        needed = text_width + icon + 2 * frame
        popup = button.popupMode()
        if button.menu() is not None and popup != QToolButton.ToolButtonPopupMode.DelayedPopup:
            # The menu's arrow takes its room from the text (beside it, or drawn over it).
            needed += style.pixelMetric(PM.PM_MenuButtonIndicator, None, button)
        available = button.width()
    else:
        needed, available = text_width + icon, button.width()
    if needed > available + 1:
        return [Cut(where, "button", text, needed, available)]
    return []


def _group(box: QGroupBox, root: QWidget) -> list[Cut]:
    title = _mnemonic_free(box.title())
    if not title.strip():
        return []
    needed = box.fontMetrics().horizontalAdvance(title) + 12
    if box.isCheckable():
        needed += box.style().pixelMetric(PM.PM_IndicatorWidth, None, box) + 4
    if needed > box.width():
        return [Cut(_path(box, root), "group", title, needed, box.width())]
    return []


def _combo(combo: QComboBox, root: QWidget) -> list[Cut]:
    if combo.isEditable():
        return []
    text = combo.currentText()
    if not text.strip():
        return []
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.currentText = text
    metrics = combo.fontMetrics()
    icon = combo.iconSize().width() + 4 if not combo.itemIcon(combo.currentIndex()).isNull() else 0
    content = QSize(metrics.horizontalAdvance(text) + icon, metrics.height())
    needed = combo.style().sizeFromContents(
        QStyle.ContentsType.CT_ComboBox, option, content, combo
    ).width()
    if needed > combo.width() + 1:
        return [Cut(_path(combo, root), "combo", text, needed, combo.width())]
    return []


def _placeholder(field: QLineEdit, root: QWidget) -> list[Cut]:
    """An empty field's example text, cut by the field's edge."""
    text = field.placeholderText()
    if field.text() or not text.strip():
        return []
    needed = placeholder_width(field)
    if field.isClearButtonEnabled():
        needed += field.height()
    if needed > field.width() + 1:
        return [Cut(_path(field, root), "placeholder", text, needed, field.width())]
    return []


def _squeezed(widget: QWidget, root: QWidget) -> list[Cut]:
    """An entry field or a button given less height than a line of its text needs."""
    if not isinstance(widget, QLineEdit | QAbstractSpinBox | QComboBox | QPushButton):
        return []
    if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(), QAbstractSpinBox
                                                     | QComboBox):
        return []  # the spin box's or combo box's own editor: its parent is measured
    if isinstance(widget, QPushButton):
        needed = widget.fontMetrics().height() + 4  # a line of text and its frame
    else:
        needed = widget.minimumSizeHint().height()
    if widget.height() + 1 >= needed:
        return []
    text = widget.text() if isinstance(widget, QLineEdit | QPushButton) else (
        widget.currentText() if isinstance(widget, QComboBox) else widget.text()
    )
    return [Cut(_path(widget, root), "field", _mnemonic_free(text), needed, widget.height())]


def _tabs(bar: QTabBar, root: QWidget) -> list[Cut]:
    cuts: list[Cut] = []
    metrics = bar.fontMetrics()
    space = bar.style().pixelMetric(PM.PM_TabBarTabHSpace, None, bar)
    for index in range(bar.count()):
        if not bar.isTabVisible(index):
            continue
        text = _mnemonic_free(bar.tabText(index))
        rect = bar.tabRect(index)
        icon = bar.iconSize().width() + 4 if not bar.tabIcon(index).isNull() else 0
        needed = metrics.horizontalAdvance(text) + icon + space
        available = rect.width()
        if rect.right() > bar.width() or rect.left() < 0:
            available = max(0, min(rect.right(), bar.width()) - max(rect.left(), 0))
        if needed > available + 1:
            cuts.append(Cut(_path(bar, root), "tab", text, needed, available))
    return cuts


def _header(header: QHeaderView, root: QWidget) -> list[Cut]:
    if header.orientation() != Qt.Orientation.Horizontal or header.model() is None:
        return []
    model = header.model()
    style = header.style()
    viewport = header.viewport().width()
    cuts: list[Cut] = []
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        text = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not text:
            continue
        text = str(text)
        left = header.sectionViewportPosition(logical)
        size = header.sectionSize(logical)
        if left >= viewport or left + size <= 0:
            continue  # wholly scrolled out of sight (the view's scroll bar is reported)
        # A section the view's edge cuts shows only what is left of it.
        shown = min(left + size, viewport) - max(left, 0)
        option = QStyleOptionHeader()
        option.initFrom(header)
        option.text = text
        option.section = logical
        option.orientation = Qt.Orientation.Horizontal
        option.textAlignment = header.defaultAlignment()
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == logical:
            option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
        font = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.FontRole)
        if font is not None:
            option.fontMetrics = QFontMetrics(font)
        needed = style.sizeFromContents(
            QStyle.ContentsType.CT_HeaderSection, option, QSize(), header
        ).width()
        if needed > shown + 1:
            cuts.append(Cut(_path(header, root), "header", text, needed, shown))
    return cuts


def _cells(view: QAbstractItemView, root: QWidget, rows: int = 40) -> list[Cut]:
    model = view.model()
    if model is None or isinstance(view, QHeaderView):
        return []
    viewport = view.viewport().rect()
    style = view.style()
    margin = style.pixelMetric(PM.PM_FocusFrameHMargin, None, view) + 1
    cuts: list[Cut] = []
    seen: set[tuple[str, int]] = set()
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list model keeps its one column private
        columns = 1
    for row in range(min(rows, model.rowCount(QModelIndex()))):
        for column in range(columns):
            index = model.index(row, column, QModelIndex())
            rect: QRect = view.visualRect(index)
            if rect.isEmpty() or not viewport.contains(rect):
                continue
            text = model.data(index, Qt.ItemDataRole.DisplayRole)
            if not isinstance(text, str) or not text.strip():
                continue
            font = model.data(index, Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font) if font is not None else view.fontMetrics()
            lines = text.split("\n")
            needed = max(metrics.horizontalAdvance(line) for line in lines) + 2 * margin
            if model.data(index, Qt.ItemDataRole.DecorationRole) is not None:
                needed += view.iconSize().width() or style.pixelMetric(PM.PM_SmallIconSize)
                needed += 4
            available = rect.width()
            if needed <= available + 1:
                continue
            wraps = bool(getattr(view, "wordWrap", lambda: False)())
            if wraps and rect.height() >= 2 * metrics.lineSpacing():
                continue  # wraps onto the lines the row gives it
            key = (text, column)
            if key not in seen:
                seen.add(key)
                cuts.append(Cut(_path(view, root), "cell", text, needed, available))
    return cuts


def find_cuts(root: QWidget, *, cells: bool = True) -> list[Cut]:
    """Every text inside `root` (a shown window) that its widget cuts or elides, and the
    window itself when it is larger than its screen."""
    cuts: list[Cut] = []
    screen = root.screen() or QGuiApplication.primaryScreen()
    if root.isWindow() and screen is not None:
        area = screen.availableGeometry()
        frame = root.frameGeometry()
        if frame.width() > area.width():
            cuts.append(Cut(_name(root), "window", "width", frame.width(), area.width()))
        if frame.height() > area.height():
            cuts.append(Cut(_name(root), "window", "height", frame.height(), area.height()))
    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget, root):
            continue
        cuts += _squeezed(widget, root)
        if isinstance(widget, QLabel):
            cuts += _label(widget, root)
        elif isinstance(widget, QAbstractButton):
            cuts += _button(widget, root)
        elif isinstance(widget, QGroupBox):
            cuts += _group(widget, root)
        elif isinstance(widget, QComboBox):
            cuts += _combo(widget, root)
        elif isinstance(widget, QLineEdit):
            cuts += _placeholder(widget, root)
        elif isinstance(widget, QTabBar):
            cuts += _tabs(widget, root)
        elif isinstance(widget, QHeaderView):
            cuts += _header(widget, root)
        elif isinstance(widget, QAbstractItemView):
            if cells:
                cuts += _cells(widget, root)
            bar = widget.horizontalScrollBar()
            if bar.isVisible() and isinstance(widget, QAbstractScrollArea):
                cuts.append(
                    Cut(_path(widget, root), "scroll", "horizontal scroll bar",
                        widget.horizontalScrollBar().maximum() + widget.viewport().width(),
                        widget.viewport().width())
                )
    return cuts
