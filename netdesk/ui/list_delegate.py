"""The contact list's cells painted from text laid out once: a keystroke repaints the list
twice or more, and Qt's own delegate lays out and elides every cell's text at each paint."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionFocusRect,
    QStyleOptionViewItem,
)

# Laid-out texts kept (a few screens of cells, at each width they were drawn); past this
# the lot is dropped and laid out again as the view asks.
KEPT_TEXTS = 4_096

# A cell's display text, its accent colour (None: the palette's) and whether it is bold.
Cell = tuple[str, QColor | None, bool]

_GROUPS = (QPalette.ColorGroup.Normal, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled)
_ROLES = (QPalette.ColorRole.Text, QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight)
# What makes the kept texts and colours stale.
_RESET_ON = frozenset(
    {
        QEvent.Type.FontChange,
        QEvent.Type.PaletteChange,
        QEvent.Type.StyleChange,
        QEvent.Type.LayoutDirectionChange,
        QEvent.Type.EnabledChange,
    }
)


class CachedTextDelegate(QStyledItemDelegate):
    """Paints one line of plain text per cell as the view's style does (the selection, the
    focus frame, the text elided at the right, right-to-left layouts), keeping each elided
    text's layout between paints. `cells(row, column)` gives what a cell shows in one call.
    """

    def __init__(self, view: QAbstractItemView, cells: Callable[[int, int], Cell]) -> None:
        super().__init__(view)
        self._view = view
        self._cells = cells
        self._kept: dict[tuple[str, int, bool], tuple[QStaticText, int, int]] = {}
        self._ready = False
        self._font = QFont()
        self._bold = QFont()
        self._metrics = (QFontMetrics(self._font), QFontMetrics(self._bold))
        self._margin = 0
        self._rtl = False
        # Per colour group (active, inactive, disabled): text, selected text, selection.
        self._colours: list[tuple[QColor, QColor, QColor]] = []
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _RESET_ON:
            self._ready = False
        return False

    def _prepare(self) -> None:
        view = self._view
        self._font = QFont(view.font())
        self._bold = QFont(self._font)
        self._bold.setBold(True)
        self._metrics = (QFontMetrics(self._font), QFontMetrics(self._bold))
        style = view.style()
        self._margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        self._rtl = view.layoutDirection() == Qt.LayoutDirection.RightToLeft
        palette = view.palette()
        self._colours = [
            (palette.color(g, _ROLES[0]), palette.color(g, _ROLES[1]), palette.color(g, _ROLES[2]))
            for g in _GROUPS
        ]
        self._kept.clear()
        self._ready = True

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if not self._ready:
            self._prepare()
        text, accent, bold = self._cells(index.row(), index.column())
        state = option.state.value  # type: ignore[attr-defined]
        rect = option.rect  # type: ignore[attr-defined]
        group = (0 if state & _ACTIVE else 1) if state & _ENABLED else 2
        colours = self._colours[group]
        selected = state & _SELECTED
        if selected:
            painter.fillRect(rect, colours[2])
        if text:
            x, y, width, height = rect.getRect()
            margin = self._margin
            key = (text, width, bold)
            laid_out = self._kept.get(key)
            if laid_out is None:
                laid_out = self._lay_out(text, width - 2 * margin, bold)
                if len(self._kept) >= KEPT_TEXTS:
                    self._kept.clear()
                self._kept[key] = laid_out
            static, text_width, text_height = laid_out
            painter.setPen(colours[1] if selected else colours[0] if accent is None else accent)
            x = x + width - margin - text_width if self._rtl else x + margin
            y += (height - text_height) // 2
            if bold:
                painter.setFont(self._bold)
                painter.drawStaticText(x, y, static)
                painter.setFont(self._font)
            else:
                painter.drawStaticText(x, y, static)
        if state & _HAS_FOCUS:
            self._focus_frame(painter, option, bool(selected))

    def _lay_out(self, text: str, width: int, bold: bool) -> tuple[QStaticText, int, int]:
        line = text.replace("\n", " ") if "\n" in text else text
        static = QStaticText(
            self._metrics[bold].elidedText(line, Qt.TextElideMode.ElideRight, max(width, 0))
        )
        static.setTextFormat(Qt.TextFormat.PlainText)  # user data shows as typed
        static.prepare(font=self._bold if bold else self._font)
        size = static.size()
        return static, round(size.width()), round(size.height())

    def _focus_frame(self, painter: QPainter, option: QStyleOptionViewItem, selected: bool) -> None:
        view = self._view
        state = option.state  # type: ignore[attr-defined]
        frame = QStyleOptionFocusRect()
        frame.rect = option.rect  # type: ignore[attr-defined]
        frame.palette = option.palette  # type: ignore[attr-defined]
        frame.state = state | QStyle.StateFlag.State_KeyboardFocusChange
        frame.state |= QStyle.StateFlag.State_Item
        group = QPalette.ColorGroup.Normal
        if not state & QStyle.StateFlag.State_Enabled:
            group = QPalette.ColorGroup.Disabled
        elif not state & QStyle.StateFlag.State_Active:
            group = QPalette.ColorGroup.Inactive
        role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Window
        frame.backgroundColor = frame.palette.color(group, role)
        view.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, frame, painter, view)


# The state flags as plain integers: Python's enum operators cost more than the paint.
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_SELECTED = QStyle.StateFlag.State_Selected.value
_HAS_FOCUS = QStyle.StateFlag.State_HasFocus.value
