"""The network at a glance, drawn: ties as a stacked bar, the follow-up counts, and touches per
week over the last twelve weeks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QGridLayout, QGroupBox, QVBoxLayout, QWidget

from netdesk.core.glance import Share, WeekBar, axis_top, shares
from netdesk.store import reader
from netdesk.ui.widgets import OVERDUE_COLOR, bold_font, plain_label
from netdesk.ui.workflows.common import WorkflowDialog, button

# Mid-tone colours that read on light and dark bases alike.
TIE_COLORS = (QColor("#2f9e44"), QColor("#1c7ed6"), QColor("#868e96"))


class TieBar(QWidget):
    """Advocates, work acquaintances and unsorted as one stacked bar with a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tieChart")
        self.parts: list[Share] = []
        self.setMinimumHeight(70)

    def set_parts(self, parts: list[Share]) -> None:
        self.parts = parts
        self.setAccessibleName("Ties: " + ", ".join(f"{p.label} {p.count}" for p in parts))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, 80)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        bar = QRectF(0, 4, self.width() - 1, 28)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(bar, 4, 4)
        x = bar.left()
        painter.setPen(Qt.PenStyle.NoPen)
        for part, color in zip(self.parts, TIE_COLORS, strict=False):
            width = bar.width() * part.fraction
            if width > 0:
                painter.setBrush(color)
                painter.drawRect(QRectF(x, bar.top(), width, bar.height()))
            x += width
        metrics = painter.fontMetrics()
        lx = 0.0
        ly = bar.bottom() + 8
        for part, color in zip(self.parts, TIE_COLORS, strict=False):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRect(QRectF(lx, ly + 3, 12, 12))
            painter.setPen(text)
            label = f"{part.label}: {part.count} ({round(part.fraction * 100)}%)"
            painter.drawText(QRectF(lx + 18, ly, 400, metrics.height() + 4), label)
            lx += 18 + metrics.horizontalAdvance(label) + 24
        painter.end()


class WeeklyBars(QWidget):
    """Touches per week as bars, oldest on the left, with the week's start under each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weeklyChart")
        self.weeks: list[WeekBar] = []
        self.setMinimumHeight(220)

    def set_weeks(self, weeks: list[WeekBar]) -> None:
        self.weeks = weeks
        self.setAccessibleName(
            "Touches per week: " + ", ".join(f"week of {w.label}: {w.count}" for w in weeks)
        )
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(700, 260)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        grid = palette.color(QPalette.ColorRole.Mid)
        metrics = painter.fontMetrics()
        line = metrics.height()
        top_value = axis_top(max((w.count for w in self.weeks), default=0))
        # Whole touches only: the middle line when the top halves evenly (not 0.5 or 2.5).
        ticks = [(0.0, 0), (1.0, top_value)]
        if top_value % 2 == 0:
            ticks.insert(1, (0.5, top_value // 2))
        left = max(metrics.horizontalAdvance(str(value)) for _f, value in ticks) + 10
        area = QRectF(left, line, self.width() - left - 4, self.height() - 3 * line - 4)
        painter.setPen(grid)
        for fraction, value in ticks:
            y = area.bottom() - area.height() * fraction
            painter.drawLine(int(area.left()), int(y), int(area.right()), int(y))
            painter.setPen(text)
            shown = str(value)
            painter.drawText(
                QRectF(0, y - line / 2, left - 6, line), Qt.AlignmentFlag.AlignRight, shown
            )
            painter.setPen(grid)
        if not self.weeks:
            painter.end()
            return
        slot = area.width() / len(self.weeks)
        accent = palette.color(QPalette.ColorRole.Highlight)
        for i, week in enumerate(self.weeks):
            height = area.height() * week.count / top_value
            rect = QRectF(
                area.left() + i * slot + slot * 0.15, area.bottom() - height, slot * 0.7, height
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent)
            painter.drawRect(rect)
            painter.setPen(text)
            if week.count:
                painter.drawText(
                    QRectF(rect.left() - 10, rect.top() - line, rect.width() + 20, line),
                    Qt.AlignmentFlag.AlignHCenter,
                    str(week.count),
                )
            if i % 2 == len(self.weeks) % 2 or slot > metrics.horizontalAdvance("00 Mmm") + 6:
                painter.drawText(
                    QRectF(area.left() + i * slot - 10, area.bottom() + 4, slot + 20, line),
                    Qt.AlignmentFlag.AlignHCenter,
                    week.label,
                )
        painter.end()


def _number(value: int, caption: str, name: str, alert: bool = False) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    big = plain_label(str(value))
    big.setObjectName(name)
    font = bold_font(big.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    big.setFont(font)
    if alert and value:
        palette = big.palette()
        palette.setColor(big.foregroundRole(), OVERDUE_COLOR)
        big.setPalette(palette)
    big.setAccessibleName(f"{caption}: {value}")
    layout.addWidget(big)
    layout.addWidget(plain_label(caption, wrap=True))
    return box


class GlanceDialog(WorkflowDialog):
    def __init__(self, now: Callable[[], dt.datetime], parent: QWidget | None = None) -> None:
        super().__init__("Your network at a glance", "glanceDialog", parent)
        self._now = now
        self.resize(900, 640)
        self._layout = QVBoxLayout(self)
        self.ties = TieBar()
        ties_box = QGroupBox("Advocates, work acquaintances and unsorted")
        QVBoxLayout(ties_box).addWidget(self.ties)
        self._layout.addWidget(ties_box)
        self.numbers_box = QGroupBox("Follow-ups")
        self.numbers = QGridLayout(self.numbers_box)
        self._layout.addWidget(self.numbers_box)
        self.weeks = WeeklyBars()
        weeks_box = QGroupBox("Touches per week, last 12 weeks")
        QVBoxLayout(weeks_box).addWidget(self.weeks)
        self._layout.addWidget(weeks_box, 1)
        close = button("Close", "Close the glance view")
        close.clicked.connect(self.accept)
        self._layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.reload()

    def reload(self) -> None:
        self.glance = reader.glance(self._now())
        g = self.glance
        self.ties.set_parts(
            shares(
                [
                    ("Advocates", g.advocates),
                    ("Work acquaintances", g.work_acquaintances),
                    ("Unsorted", g.unsorted),
                ]
            )
        )
        while self.numbers.count():
            item = self.numbers.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for column, (value, caption, name, alert) in enumerate(
            (
                (g.overdue, "people due or overdue for a touch", "glanceOverdue", True),
                (g.met_never_followed_up, "met, never followed up", "glanceMet", True),
                (g.never_contacted, "never contacted", "glanceNever", False),
                (g.total, "people in your network", "glanceTotal", False),
            )
        ):
            self.numbers.addWidget(_number(value, caption, name, alert), 0, column)
        self.weeks.set_weeks(g.weeks)
