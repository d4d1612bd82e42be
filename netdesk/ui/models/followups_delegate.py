"""How the follow-ups list paints a line: calm, one line each (made when the list first fills,
after the window's first paint)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from netdesk.ui.models.followups_model import (
    COUNT_ROLE,
    DUE_ROLE,
    FOLLOW_UP_ROLE,
    LABEL_ROLE,
    OVERDUE,
    SECTION_ROLE,
)
from netdesk.ui.widgets import OVERDUE_COLOR

Index = QModelIndex | QPersistentModelIndex


class FollowUpDelegate(QStyledItemDelegate):
    """One calm line: the name in bold, the rule's short label, when on the right (warm red
    when overdue); a heading in bold with its count."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        height = option.fontMetrics.height() + 10
        return QSize(option.rect.width() or 200, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        heading = not index.data(FOLLOW_UP_ROLE)
        palette = opt.palette
        painter.save()
        rect = opt.rect.adjusted(8, 0, -8, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        if heading:
            painter.fillRect(opt.rect, palette.color(QPalette.ColorRole.AlternateBase))
        else:
            # The style's own selection and focus: the same look as every list of the desktop.
            opt.text = ""
            style = opt.widget.style() if opt.widget is not None else None
            if style is not None:
                style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        bold = QFont(opt.font)
        bold.setBold(True)
        flags = Qt.AlignmentFlag.AlignVCenter
        if heading:
            title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            count = str(index.data(COUNT_ROLE) or 0)
            title = title[: -len(f" ({count})")] if title.endswith(f" ({count})") else title
            painter.setFont(bold)
            overdue = index.data(SECTION_ROLE) == OVERDUE
            painter.setPen(OVERDUE_COLOR if overdue else palette.color(text_role))
            painter.drawText(rect, flags | Qt.AlignmentFlag.AlignLeft, title)
            painter.setFont(opt.font)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, flags | Qt.AlignmentFlag.AlignRight, count)
            painter.restore()
            return
        due = str(index.data(DUE_ROLE) or "")
        label = str(index.data(LABEL_ROLE) or "")
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        name = text[: -len(f" — {label} — {due}")] if label else text
        plain = opt.fontMetrics
        due_width = plain.horizontalAdvance(due) + 12
        overdue = index.data(SECTION_ROLE) == OVERDUE
        painter.setFont(opt.font)
        painter.setPen(
            palette.color(text_role) if selected or not overdue else OVERDUE_COLOR
        )
        painter.drawText(rect, flags | Qt.AlignmentFlag.AlignRight, due)
        left = QRect(rect.left(), rect.top(), max(rect.width() - due_width, 0), rect.height())
        painter.setFont(bold)
        bold_metrics = painter.fontMetrics()
        name_text = bold_metrics.elidedText(name, Qt.TextElideMode.ElideRight, left.width())
        painter.setPen(palette.color(text_role))
        painter.drawText(left, flags | Qt.AlignmentFlag.AlignLeft, name_text)
        used = bold_metrics.horizontalAdvance(name_text)
        rest = QRect(left.left() + used, left.top(), max(left.width() - used, 0), left.height())
        painter.setFont(opt.font)
        roles = QPalette.ColorRole
        painter.setPen(palette.color(roles.HighlightedText if selected else roles.PlaceholderText))
        painter.drawText(
            rest,
            flags | Qt.AlignmentFlag.AlignLeft,
            plain.elidedText(f" · {label}", Qt.TextElideMode.ElideRight, rest.width()),
        )
        painter.restore()
