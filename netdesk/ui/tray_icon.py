"""The tray icon's picture: NetDesk's mark with the number of due follow-ups in a red badge."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPixmap

# The sizes trays ask for: 16 and 22 on X11 and Windows, 24-64 on HiDPI and macOS.
SIZES = (16, 22, 24, 32, 48, 64)
BADGE_COLOR = QColor("#d9480f")


def _icons_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle, "resources", "icons")
    return Path(__file__).resolve().parents[2] / "resources" / "icons"


def base_icon() -> QIcon:
    """The tray variant of the app icon, or one drawn here when the file is missing."""
    for name in ("netdesk-tray.svg", "netdesk.svg"):
        path = _icons_dir() / name
        if path.is_file():
            icon = QIcon(str(path))
            if not icon.pixmap(16, 16).isNull():
                return icon
    return _drawn_icon()


def _drawn_icon() -> QIcon:
    icon = QIcon()
    for size in SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor("#1f6feb"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), size * 0.2, size * 0.2)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(8, int(size * 0.7)))
        p.setFont(font)
        p.setPen(QColor("white"))
        p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "N")
        p.end()
        icon.addPixmap(pixmap)
    return icon


def badge_text(count: int, size: int) -> str:
    """What fits: two digits from 22 px up, one below; more than that becomes '+'."""
    if count <= 9:
        return str(count)
    if size < 22:
        return "9+"
    return str(count) if count <= 99 else "99+"


def badge_pixmap(base: QIcon, count: int, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    base.paint(p, 0, 0, size, size)
    if count > 0:
        text = badge_text(count, size)
        # The badge covers the lower right, big enough for the digits at 16 px (about 10 px).
        height = max(10.0, size * 0.62)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(8, int(height * 0.8)))
        p.setFont(font)
        width = max(height, p.fontMetrics().horizontalAdvance(text) + height * 0.35)
        width = min(width, float(size))
        rect = QRectF(size - width, size - height, width, height)
        path = QPainterPath()
        path.addRoundedRect(rect, height / 2, height / 2)
        p.fillPath(path, BADGE_COLOR)
        p.setPen(QColor("white"))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    p.end()
    return pixmap


def badge_icon(base: QIcon, count: int) -> QIcon:
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(badge_pixmap(base, count, size))
    return icon
