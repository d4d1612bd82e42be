"""Two contacts side by side, a choice per field, before they become one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.domain import HowKnown, Tie
from netdesk.core.duplicates import (
    ALWAYS_BOTH,
    MULTI_FIELDS,
    MergePlan,
    Take,
    default_take,
    is_blank,
)
from netdesk.core.records import split_tags
from netdesk.store import reader
from netdesk.ui import look
from netdesk.ui.widgets import bold_font, plain_label, plain_tooltip

# Fields in the user's words; a field a later schema adds shows under its own name.
FIELD_LABELS = {
    "display_name": "Name",
    "given_name": "First name",
    "family_name": "Last name",
    "middle_name": "Middle name",
    "prefix": "Name prefix",
    "suffix": "Name suffix",
    "nickname": "Nickname",
    "company": "Company",
    "title": "Job title",
    "role": "Role",
    "org_units": "Department",
    "how_known": "How you know them",
    "tie": "Tie",
    "cadence_days": "Keep in touch every",
    "reference_consent": "Agreed to be a reference",
    "reference_agreed_on": "Reference since",
    "above_and_beyond": "Went above and beyond",
    "notes": "Notes",
    "photo": "Photo",
    "linkedin_url": "LinkedIn",
    "urls": "Web",
    "birthday": "Birthday",
    "anniversary": "Anniversary",
    "tags": "Tags",
    "archived": "Archived",
}
ROW_LABELS = {
    "contact_email": "Email",
    "contact_phone": "Phone",
    "contact_address": "Address",
    "contact_property": "Other card details",
}
_YES_NO = frozenset({"reference_consent", "above_and_beyond", "archived"})
_ADDRESS_PARTS = ("po_box", "extended", "street", "locality", "region", "postal_code", "country")
_LONGEST = 90  # characters of a value shown on its button; the whole value in its tooltip
_NONE = "—"


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or ROW_LABELS.get(name) or name.replace("_", " ").capitalize()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | bytes) and not value.strip())


def shown(name: str, value: Any) -> str:
    """A stored value as the user reads it."""
    if name in _YES_NO:
        return "Yes" if value else "No"
    if _blank(value):
        return _NONE
    if name == "tie":
        try:
            return Tie(value).label
        except ValueError:
            return str(value)
    if name == "how_known":
        try:
            return HowKnown(value).label or _NONE
        except ValueError:
            return str(value)
    if name == "cadence_days":
        return f"{value} day" if value == 1 else f"{value} days"
    if name == "photo":
        size = len(value) if isinstance(value, bytes) else 0
        return f"Photo ({max(1, round(size / 1024))} KB)"
    if name == "tags":
        return ", ".join(split_tags(str(value)))
    if name in MULTI_FIELDS - {"notes"}:
        return "\n".join(p.strip() for p in str(value).splitlines() if p.strip())
    return str(value)


def row_text(table: str, row: dict[str, Any]) -> str:
    """One card row (an email, a phone, an address…) on one line."""
    if table == "contact_address":
        parts = (str(row.get(p, "") or "").strip() for p in _ADDRESS_PARTS)
        text = ", ".join(p for p in parts if p) or str(row.get("label", "")).strip()
    elif table == "contact_property":
        text = f"{row.get('name', '')}: {row.get('value', '')}"
    else:
        column = {"contact_email": "email", "contact_phone": "phone"}.get(table)
        if column:
            text = str(row[column])
        else:
            text = ", ".join(
                str(v) for k, v in row.items() if k != "types" and isinstance(v, str) and v
            )
    types = str(row.get("types", "") or "")
    return f"{text} ({types.replace(',', ', ')})" if types else text


def _short(text: str) -> str:
    lines = text.splitlines() or [""]
    first = lines[0]
    if len(lines) > 4:
        return "\n".join([*lines[:4], f"…and {len(lines) - 4} more"])
    if len(text) > _LONGEST and len(lines) == 1:
        return first[: _LONGEST - 1] + "…"
    return text


def _side_summary(side: reader.MergeSide) -> str:
    interactions = f"{side.interactions} interaction{'s' if side.interactions != 1 else ''}"
    where = f" · {side.company}" if side.company else ""
    return f"{side.display_name or _NONE}{where}\n{interactions}"


class MergeDialog(QDialog):
    """Shows two contacts side by side; `plan()` says which value of each field to keep.

    The first contact stays (its id, its place in every list); the second is merged into it.
    Only fields whose values differ are asked about; card rows (emails, phones, addresses)
    can keep both sides; timelines, follow-ups and tags always join.
    """

    def __init__(self, sides: reader.MergeSides, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sides = sides
        self.setObjectName("mergeContacts")
        self.setWindowTitle("Merge contacts")
        self.setAccessibleName("Merge contacts")
        self._groups: dict[str, QButtonGroup] = {}
        self._buttons: dict[tuple[str, Take], QRadioButton] = {}
        outer = QVBoxLayout(self)
        intro = plain_label(
            "Choose what the merged contact keeps. Only what differs is shown.", wrap=True
        )
        outer.addWidget(intro)

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        first, second = sides.first, sides.second
        for column, side in ((1, first), (2, second)):
            head = plain_label(_side_summary(side))
            head.setFont(bold_font(head.font()))
            head.setObjectName(f"mergeSide{column}")
            grid.addWidget(head, 0, column)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        grid.addWidget(line, 1, 0, 1, 4)
        row = 2
        same: list[str] = []
        for f in sides.fields:
            a, b = f.first, f.second
            if f.name in ALWAYS_BOTH:
                if not _blank(a) or not _blank(b):
                    self._add_row(grid, row, f.name, shown(f.name, a), shown(f.name, b), both=True,
                                  only_both=True, photos=None)
                    row += 1
                continue
            unchanged = f.name in _YES_NO and bool(a) == bool(b)
            if a == b or (is_blank(a) and is_blank(b)) or unchanged:
                if not is_blank(a):
                    same.append(field_label(f.name))
                continue
            photos = (a, b) if f.name == "photo" else None
            self._add_row(
                grid, row, f.name, shown(f.name, a), shown(f.name, b),
                both=f.name in MULTI_FIELDS, photos=photos,
            )
            self._check(f.name, default_take(f.name, a, b))
            row += 1
        for rows in sides.rows:
            if not rows.first and not rows.second:
                continue
            a_text = "\n".join(row_text(rows.table, r) for r in rows.first) or _NONE
            b_text = "\n".join(row_text(rows.table, r) for r in rows.second) or _NONE
            if a_text == b_text:
                same.append(field_label(rows.table))
                continue
            self._add_row(grid, row, rows.table, a_text, b_text, both=True, photos=None)
            self._check(rows.table, Take.BOTH if rows.first and rows.second
                        else Take.FIRST if rows.first else Take.SECOND)
            row += 1
        grid.setRowStretch(row, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(grid_host)
        outer.addWidget(scroll, 1)

        if same:
            same_label = plain_label("The same in both: " + ", ".join(same) + ".", wrap=True)
            same_label.setObjectName("mergeSame")
            outer.addWidget(same_label)
        joined = plain_label(self._joined_text(), wrap=True)
        joined.setObjectName("mergeJoined")
        outer.addWidget(joined)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        # As wide as the two sides need (within the screen), so values show whole.
        wide = grid_host.sizeHint().width() + 60  # the grid, the margins, a scroll bar
        look.size_to_content(self, QSize(max(760, wide), min(640, 200 + 34 * row)))

    def _joined_text(self) -> str:
        a, b = self.sides.first, self.sides.second
        total = a.interactions + b.interactions
        timeline = (
            f"Both timelines join ({total} interaction{'s' if total != 1 else ''})"
            if total
            else "Neither has a timeline yet"
        )
        return (
            f"{timeline}; follow-ups, references, tags and everything else either holds "
            "come along. Edit > Undo takes the merge back."
        )

    def _add_row(
        self,
        grid: QGridLayout,
        row: int,
        name: str,
        first: str,
        second: str,
        *,
        both: bool,
        photos: tuple[Any, Any] | None,
        only_both: bool = False,
    ) -> None:
        label = plain_label(field_label(name))
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setContentsMargins(0, 3, 0, 0)  # level with the text of the buttons beside it
        grid.addWidget(label, row, 0)
        group = QButtonGroup(self)
        self._groups[name] = group
        for column, (take, text) in enumerate(((Take.FIRST, first), (Take.SECOND, second)), 1):
            button = QRadioButton(_short(text))
            button.setObjectName(f"take_{name}_{take.value}")
            button.setAccessibleName(f"{field_label(name)}: {text}")
            if text != _short(text):
                button.setToolTip(plain_tooltip(text))
            if photos is not None and isinstance(photos[column - 1], bytes):
                pixmap = QPixmap()
                if pixmap.loadFromData(photos[column - 1]):
                    button.setIcon(pixmap)
                    size = pixmap.size().scaled(48, 48, Qt.AspectRatioMode.KeepAspectRatio)
                    button.setIconSize(size)
            button.setEnabled(not only_both)
            group.addButton(button)
            self._buttons[(name, take)] = button
            grid.addWidget(button, row, column, Qt.AlignmentFlag.AlignTop)
        if both:
            button = QRadioButton("Both")
            button.setObjectName(f"take_{name}_both")
            button.setAccessibleName(f"{field_label(name)}: both")
            group.addButton(button)
            self._buttons[(name, Take.BOTH)] = button
            grid.addWidget(button, row, 3, Qt.AlignmentFlag.AlignTop)
            if only_both:
                button.setChecked(True)
                button.setEnabled(False)

    def _check(self, name: str, take: Take) -> None:
        button = self._buttons.get((name, take)) or self._buttons.get((name, Take.FIRST))
        if button is not None:
            button.setChecked(True)

    def choose(self, name: str, take: Take) -> None:
        """Pick one side (or both) of a field, as a click on its button does."""
        self._buttons[(name, take)].setChecked(True)

    def takes(self) -> dict[str, Take]:
        out = {}
        for (name, take), button in self._buttons.items():
            if button.isChecked() and name not in ALWAYS_BOTH:
                out[name] = take
        return out

    def plan(self) -> MergePlan:
        return MergePlan(self.sides.first.contact_id, self.sides.second.contact_id, self.takes())
