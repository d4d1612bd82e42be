"""The contact card at the top of the middle pane: who the selected contact is, how to reach
them, and when NetDesk will next remind you of them; a clear empty state when nobody is."""

from __future__ import annotations

import datetime as dt
import html
import zlib
from collections.abc import Callable
from urllib.parse import quote

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core import playbook
from netdesk.core.dates import describe_day
from netdesk.core.domain import HowKnown, Tie
from netdesk.services.signals import Hub
from netdesk.store import reader
from netdesk.ui.icons import icon
from netdesk.ui.widgets import TIE_COLORS, bold_font, plain_label

AVATAR_SIZE = 48
# How far ahead the card looks for the next follow-up (a cadence is at most a few months).
NEXT_FOLLOW_UP_HORIZON = dt.timedelta(days=3650)
# Soft colours for initials avatars, picked by a stable hash of the name.
_AVATAR_COLORS = ("#5c7cfa", "#20c997", "#f59f00", "#e64980", "#7950f2", "#15aabf", "#82c91e")


def initials(name: str) -> str:
    """'Ada Lovelace' -> 'AL', 'cher' -> 'C', '' -> '?'."""
    words = [w for w in name.replace(",", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


def avatar_pixmap(name: str, photo: bytes | None, size: int, ratio: float = 1.0) -> QPixmap:
    """A round picture: the contact's photo when it reads as an image, else their initials."""
    pixels = round(size * ratio)
    out = QPixmap(pixels, pixels)
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    clip.addEllipse(QRectF(0, 0, pixels, pixels))
    painter.setClipPath(clip)
    picture = QPixmap()
    if photo and picture.loadFromData(photo):
        scaled = picture.scaled(
            pixels,
            pixels,
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        painter.drawPixmap((pixels - scaled.width()) // 2, (pixels - scaled.height()) // 2, scaled)
    else:
        color = _AVATAR_COLORS[zlib.crc32(name.encode()) % len(_AVATAR_COLORS)]
        painter.fillRect(0, 0, pixels, pixels, QColor(color))
        font = QFont()
        font.setBold(True)
        font.setPixelSize(round(pixels * 0.38))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(
            QRectF(0, 0, pixels, pixels), Qt.AlignmentFlag.AlignCenter, initials(name)
        )
    painter.end()
    out.setDevicePixelRatio(ratio)
    return out


# Where a long address or link may break across lines (after these characters).
_BREAK_AFTER = "@./-_"


def _breakable(text: str) -> str:
    """`text` escaped for rich text, with a zero-width space after each character a long
    address can break at: a narrow card wraps it rather than cutting it."""
    escaped = html.escape(text)
    for mark in _BREAK_AFTER:
        escaped = escaped.replace(mark, mark + "\u200b")
    return escaped


def _links(scheme: str, values: list[str]) -> str:
    """Rich text of links, one a line; the text shows as typed (escaped)."""
    lines = []
    for value in values:
        target = value if scheme == "" else scheme + quote(value.strip(), safe="@+")
        lines.append(f'<a href="{html.escape(target, quote=True)}">{_breakable(value)}</a>')
    return "<br>".join(lines)


def _tel(number: str) -> str:
    return "".join(c for c in number if c.isdigit() or c == "+")


class ContactCard(QFrame):
    """Follows the list's selection: one contact's card, or what to do when none is chosen."""

    editRequested = Signal(int)  # the contact id
    heightNeeded = Signal(int)  # the height its lines take at its width

    def __init__(
        self, hub: Hub, now: Callable[[], dt.datetime], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contactCard")
        self.setAccessibleName("Contact card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._now = now
        self.contact_id = 0
        self._selected = 0
        # One of the two shows: nobody chosen, or the card (plain widgets in one layout, so
        # the wrapped lines' heights reach the scroll area around the card).
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)

        # --- nobody selected
        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.setContentsMargins(0, 0, 0, 0)
        self.empty_title = plain_label("No contact selected")
        self.empty_title.setObjectName("contactCardEmpty")
        self.empty_title.setFont(bold_font(self.empty_title.font()))
        self.empty_hint = plain_label(
            "Choose someone in the list to see how to reach them and when to follow up. "
            "Below: what happened lately across your network.",
            wrap=True,
        )
        self.empty_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        empty_layout.addWidget(self.empty_title)
        empty_layout.addWidget(self.empty_hint)
        outer.addWidget(self.empty)

        # --- one contact
        self.card = QWidget()
        layout = QVBoxLayout(self.card)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(10)
        self.avatar = QLabel()
        self.avatar.setObjectName("contactAvatar")
        self.avatar.setFixedSize(QSize(AVATAR_SIZE, AVATAR_SIZE))
        top.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        who = QVBoxLayout()
        who.setSpacing(2)
        self.name = plain_label(wrap=True)
        self.name.setObjectName("contactCardName")
        name_font = bold_font(self.name.font())
        name_font.setPointSizeF(name_font.pointSizeF() * 1.25)
        self.name.setFont(name_font)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.role = plain_label(wrap=True)
        self.role.setObjectName("contactCardRole")
        tie_row = QHBoxLayout()
        self.tie = plain_label()
        self.tie.setObjectName("contactCardTie")
        self.tie.setContentsMargins(6, 1, 6, 1)
        tie_row.addWidget(self.tie)
        tie_row.addStretch(1)
        who.addWidget(self.name)
        who.addWidget(self.role)
        who.addLayout(tie_row)
        top.addLayout(who, 1)
        self.edit_button = QToolButton()
        self.edit_button.setObjectName("contactCardEdit")
        self.edit_button.setIcon(icon("document-edit"))
        self.edit_button.setText("Edit…")
        # An icon only: the card keeps its width for the contact's own words.
        self.edit_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.edit_button.setAccessibleName("Edit this contact")
        self.edit_button.setToolTip("Edit this contact (Ctrl+E)")
        self.edit_button.clicked.connect(lambda: self.editRequested.emit(self.contact_id))
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        self.form = QFormLayout()
        self.form.setContentsMargins(0, 2, 0, 0)
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(3)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        # A narrow pane puts a long row's value under its caption rather than squeezing it.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.how_known = self._row("How you know them", "contactCardHowKnown")
        self.follow_up = self._row("Follow-up", "contactCardFollowUp")
        self.emails = self._row("Email", "contactCardEmails", links=True)
        self.phones = self._row("Phone", "contactCardPhones", links=True)
        self.linkedin = self._row("LinkedIn", "contactCardLinkedIn", links=True)
        self.tags = self._row("Tags", "contactCardTags")
        self.notes = self._row("Notes", "contactCardNotes")
        layout.addLayout(self.form)
        outer.addWidget(self.card)
        self.card.hide()
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        hub.contactsChanged.connect(self._contacts_changed)
        hub.followUpsChanged.connect(self._refresh_if_shown)
        hub.timelineChanged.connect(lambda cid: self._refresh_if_shown() if cid else None)
        self.show_contact(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._hold_height()

    def _hold_height(self) -> None:
        """Ask for the height the wrapped lines take at this width, so that a low window
        scrolls the card (it sits in a scroll area) instead of squeezing its lines."""
        layout = self.layout()
        if layout is None:
            return
        # New text in a hidden row does not reach the layouts' cached heights: measure anew.
        self.form.invalidate()
        layout.invalidate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)
            self.heightNeeded.emit(needed)

    def _row(self, caption: str, name: str, *, links: bool = False) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setAccessibleName(caption)
        if links:
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setOpenExternalLinks(True)
            label.setTextInteractionFlags(
                Qt.TextInteractionFlag.LinksAccessibleByMouse
                | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
                | Qt.TextInteractionFlag.TextSelectableByMouse
            )
        else:
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption_label = plain_label(caption)
        caption_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        caption_label.setBuddy(label)
        self.form.addRow(caption_label, label)
        return label

    # --- what it shows ---------------------------------------------------------------------

    def show_selection(self, ids: list[int]) -> None:
        """The list's selection: one contact's card, or the empty state (with how many are
        selected when several are)."""
        if len(ids) == 1:
            self.show_contact(ids[0])
            return
        self.show_contact(0)
        if ids:
            self.empty_title.setText(f"{len(ids)} contacts selected")
            self.empty_hint.setText(
                "The Contact menu acts on all of them: set their tie, add a tag, archive."
            )

    def show_contact(self, contact_id: int) -> None:
        self.contact_id = contact_id
        details = None
        # A contact deleted since it was chosen shows as nobody.
        if contact_id and reader.contact_name(contact_id) is not None:
            details = reader.contact_details(contact_id)
        if details is None:
            self.contact_id = 0
            self.empty_title.setText("No contact selected")
            self.empty_hint.setText(
                "Choose someone in the list to see how to reach them and when to follow "
                "up. Below: what happened lately across your network."
            )
            self.card.hide()
            self.empty.show()
            self.setAccessibleDescription("No contact selected")
            self._hold_height()
            return
        self._fill(details)
        self.empty.hide()
        self.card.show()
        self._hold_height()

    def _fill(self, d: reader.ContactDetails) -> None:
        now = self._now()
        ratio = self.devicePixelRatioF()
        self.avatar.setPixmap(avatar_pixmap(d.display_name, d.photo, AVATAR_SIZE, ratio))
        self.avatar.setAccessibleName(
            f"Photo of {d.display_name}" if d.photo else f"Initials of {d.display_name}"
        )
        self.name.setText(d.display_name or "(no name)")
        role = " at ".join(part for part in (d.title, d.company) if part)
        self.role.setText(role)
        self.role.setVisible(bool(role))
        self.tie.setText(d.tie.label)
        color = TIE_COLORS[d.tie]
        self.tie.setStyleSheet(
            f"QLabel {{ background: {color.name()}; color: white; border-radius: 4px; }}"
        )
        self.tie.setAccessibleName(f"Tie: {d.tie.label}")
        try:
            how = HowKnown(d.how_known)
        except ValueError:
            how = HowKnown.OTHER
        self._set_row(self.how_known, "" if how is HowKnown.UNKNOWN else how.label)
        self._set_row(self.follow_up, self._follow_up_text(d, now))
        self._set_row(self.emails, _links("mailto:", d.emails))
        self._set_row(
            self.phones,
            "<br>".join(
                f'<a href="tel:{html.escape(_tel(p), quote=True)}">{html.escape(p)}</a>'
                for p in d.phones
            ),
        )
        self._set_row(self.linkedin, _links("", [d.linkedin_url]) if d.linkedin_url else "")
        self._set_row(self.tags, ", ".join(t.strip() for t in d.tags.split(",") if t.strip()))
        self._set_row(self.notes, d.notes.strip())
        self.setAccessibleDescription(f"{d.display_name}. {role}".strip())

    def _set_row(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))
        caption = self.form.labelForField(label)
        if caption is not None:
            caption.setVisible(bool(text))

    def _follow_up_text(self, d: reader.ContactDetails, now: dt.datetime) -> str:
        """'Every 30 days · next: Keep in touch, in 5 days'."""
        if d.archived:
            return "Archived: no follow-ups"
        cadence = playbook.cadence_days(d.tie, d.cadence_days, reader.playbook_settings())
        rhythm = f"Every {cadence} days" if cadence else ""
        if d.tie is Tie.UNSORTED and not d.cadence_days:
            rhythm = "No cadence until you sort them"
        upcoming = reader.follow_ups(
            now, horizon=NEXT_FOLLOW_UP_HORIZON, contact_id=d.contact_id, limit=1
        )
        nxt = ""
        if upcoming:
            fu = upcoming[0]
            when = describe_day(fu.effective_at.date(), now.date())
            nxt = f"next: {fu.rule.short_label}, {'due ' if fu.is_due(now) else ''}{when}"
        return " · ".join(part for part in (rhythm, nxt) if part)

    def _contacts_changed(self, ids: list[int]) -> None:
        if self.contact_id and (not ids or self.contact_id in ids):
            self.show_contact(self.contact_id)

    def _refresh_if_shown(self) -> None:
        if self.contact_id:
            self.show_contact(self.contact_id)
