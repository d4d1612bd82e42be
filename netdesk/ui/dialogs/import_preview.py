"""The import preview: what an import would do, grouped, with a choice per likely duplicate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.matching import CONFLICT_LISTS, ImportPlan, PlanEntry
from netdesk.core.templates import counted
from netdesk.store.importer import Decisions

# Rows listed per group: beyond this a line says how many more there are, so that a
# 100,000-card file opens its preview at once; the counts in the header stay exact.
MAX_ROWS_PER_GROUP = 500
EXPAND_UPDATES_UP_TO = 20

# Field names in the user's words, for the "what changes" lines of updated contacts.
FIELD_LABELS = {
    "display_name": "Name",
    "given_name": "First name",
    "family_name": "Last name",
    "middle_name": "Middle name",
    "prefix": "Name prefix",
    "suffix": "Name suffix",
    "nickname": "Nickname",
    "emails": "Email",
    "phones": "Phone",
    "organization": "Company",
    "title": "Job title",
    "notes": "Notes",
    "linkedin_url": "LinkedIn",
    "urls": "Web",
    "birthday": "Birthday",
    "tags": "Tags",
    "uid": "vCard UID",
    "photo": "Photo",
    "connected_on": "Connected on",
    "org_units": "Department",
    "role": "Role",
    "anniversary": "Anniversary",
    "addresses": "Address",
    "extra": "Other card details",
    "email_types": "Email types",
    "phone_types": "Phone types",
    "url_types": "Web types",
}

MERGE, KEEP_BOTH, SKIP = "merge", "keep", "skip"
# A difference between a card and the stored contact: keep the stored value, take the card's,
# or (a list, the notes) keep both.
MINE, THEIRS, BOTH = "mine", "theirs", "both"
# Rows of the differences box: beyond this the rest keep their defaults (nothing is lost).
MAX_CONFLICT_ROWS = 200


def default_choice(field: str) -> str:
    """What happens to a difference the user leaves alone: nothing said is lost silently.

    A list keeps both sides' items and a note goes below the stored one; a single value
    (a job title) stays as the user has it, and the preview shows the card's beside it.
    """
    return BOTH if field in CONFLICT_LISTS or field == "notes" else MINE


def summary(plan: ImportPlan) -> str:
    """The header line: "312 new, 4 updated, 2 likely duplicates, 1 card could not be read"."""
    parts = []
    if plan.new:
        parts.append(f"{plan.new:,} new")
    if plan.updated:
        parts.append(f"{plan.updated:,} updated")
    if plan.unchanged:
        parts.append(f"{plan.unchanged:,} unchanged")
    if plan.duplicates:
        parts.append(counted(plan.duplicates, "likely duplicate", "likely duplicates"))
    if plan.errors:
        parts.append(
            "1 card could not be read"
            if plan.errors == 1
            else f"{plan.errors:,} cards could not be read"
        )
    return ", ".join(parts) if parts else "No contacts found in the file"


def will_write(plan: ImportPlan) -> bool:
    return bool(plan.new or plan.updated or plan.duplicates)


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return " ".join(str(value).split())  # notes on one line


def _where(source: str, line: int) -> str:
    return f"{source}, line {line}" if line else source


def _person(name: str, company: str) -> str:
    return f"{name} ({company})" if company else name


def _side(name: str, company: str, fields: Any, where: str) -> str:
    """One side of a likely duplicate, on a few lines: who, emails, phones, where."""
    get = fields.get if isinstance(fields, Mapping) else lambda k, d=None: getattr(fields, k, d)
    lines = [_person(name, company)]
    for key in ("emails", "phones"):
        values = [str(v) for v in get(key, []) or []]
        if values:
            lines.append(", ".join(values[:3]))
    addresses = [str(a) for a in get("addresses", []) or []]
    if addresses:
        lines.append(addresses[0])
    if where:
        lines.append(where)
    return "\n".join(lines)


class ImportPreviewDialog(QDialog):
    """Shows the plan before anything is written; `decisions()` returns the user's choices.

    `candidates` maps a contact id to its (name, company), for the duplicates' choices.
    """

    def __init__(
        self,
        plan: ImportPlan,
        candidates: Mapping[int, tuple[str, str]],
        sources: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.plan = plan
        self._choices: dict[int, QComboBox] = {}
        self.setObjectName("importPreview")
        self.setWindowTitle("Import contacts — " + ", ".join(sources))
        self.setAccessibleName("Import preview")
        self.resize(720, 560)
        layout = QVBoxLayout(self)

        self.header = QLabel(summary(plan), self)
        self.header.setObjectName("importSummary")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        layout.addWidget(self.header)
        note = QLabel(
            "Nothing is written until you choose Import. New contacts arrive as unsorted."
            if will_write(plan)
            else "There is nothing to import: nothing will be written.",
            self,
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        layout.addWidget(note)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("importPlan")
        self.tree.setAccessibleName("What the import will do")
        self.tree.setHeaderLabels(["Contact", "Details"])
        self.tree.setUniformRowHeights(True)
        self.tree.setColumnWidth(0, 300)
        layout.addWidget(self.tree, 1)
        self._fill_tree(candidates)

        self._conflict_choices: dict[tuple[int, str], QComboBox] = {}
        conflicts = [
            (i, e)
            for i, e in enumerate(plan.entries)
            if e.conflicts and e.action in ("update", "unchanged")
        ]
        if conflicts:
            layout.addWidget(self._conflicts_box(conflicts))
        duplicates = [
            (i, e)
            for i, e in enumerate(plan.entries)
            if e.action == "duplicate" or (e.action == "new" and e.similar)
        ]
        if duplicates:
            layout.addWidget(self._duplicates_box(duplicates, candidates))

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("importButton")
        self.import_button.setAccessibleName("Import")
        self.import_button.setDefault(True)
        self.import_button.setEnabled(will_write(plan))
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelImportButton")
        if not will_write(plan):
            cancel.setText("Close")
            cancel.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    # --- the plan, grouped ---------------------------------------------------------------

    def _group(self, title: str, count: int, expanded: bool) -> QTreeWidgetItem:
        item = QTreeWidgetItem([f"{title} ({count:,})"])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFirstColumnSpanned(True)
        self.tree.addTopLevelItem(item)
        item.setExpanded(expanded)
        return item

    def _fill_tree(self, candidates: Mapping[int, tuple[str, str]]) -> None:
        groups: dict[str, list[PlanEntry]] = {}
        for entry in self.plan.entries:
            groups.setdefault(entry.action, []).append(entry)
        titles = (
            ("error", "Could not be read"),
            ("duplicate", "Likely duplicates"),
            ("update", "Updated"),
            ("new", "New"),
            ("unchanged", "Unchanged"),
        )
        for action, title in titles:
            entries = groups.get(action, [])
            if not entries:
                continue
            group = self._group(title, len(entries), action != "unchanged")
            group.setData(0, Qt.ItemDataRole.UserRole, action)
            rows = [self._row(e, candidates) for e in entries[:MAX_ROWS_PER_GROUP]]
            if len(entries) > MAX_ROWS_PER_GROUP:
                rows.append(QTreeWidgetItem([f"… and {len(entries) - MAX_ROWS_PER_GROUP:,} more"]))
            group.addChildren(rows)
            if action == "update" and len(rows) <= EXPAND_UPDATES_UP_TO:
                # What changes is the point of the Updated group: show it without a click.
                for row in rows:
                    row.setExpanded(True)

    def _row(self, entry: PlanEntry, candidates: Mapping[int, tuple[str, str]]) -> QTreeWidgetItem:
        if entry.problem is not None:
            p = entry.problem
            return QTreeWidgetItem([_where(p.source, p.line), p.reason])
        rec = entry.record
        assert rec is not None
        where = _where(rec.source, rec.line)
        if entry.action == "duplicate":
            like = "; ".join(_person(*candidates.get(c, ("?", ""))) for c in entry.candidates)
            why = " (same phone)" if entry.why == "phone" else ""
            item = QTreeWidgetItem(
                [_person(rec.display_name, rec.organization), f"like {like}{why}"]
            )
        elif entry.action == "update":
            fields = ", ".join(FIELD_LABELS.get(k, k) for k in entry.changes)
            item = QTreeWidgetItem([rec.display_name, f"changes {fields} ({where})"])
            item.addChildren(
                [
                    QTreeWidgetItem([FIELD_LABELS.get(k, k), f"{_value(old)} → {_value(new)}"])
                    for k, (old, new) in entry.changes.items()
                ]
            )
        else:
            details = _person(rec.title, rec.organization) if rec.title else rec.organization
            if entry.similar:
                other = self._entry_record(entry.similar[0])
                shared = "same phone as" if entry.why == "phone" else "same name as"
                if other is not None:
                    details = f"{shared} {_where(other.source, other.line)}"
            item = QTreeWidgetItem([rec.display_name, details or where])
        if entry.conflicts:
            fields = ", ".join(FIELD_LABELS.get(k, k) for k in entry.conflicts)
            item.setText(1, f"{item.text(1)}; differs in {fields}")
        item.setToolTip(0, where)
        if rec.remarks:
            item.setToolTip(1, "\n".join(rec.remarks))
        return item

    def _entry_record(self, index: int) -> Any:
        if 0 <= index < len(self.plan.entries):
            return self.plan.entries[index].record
        return None

    # --- differences with stored contacts -------------------------------------------------

    def _conflicts_box(self, conflicts: list[tuple[int, PlanEntry]]) -> QGroupBox:
        box = QGroupBox("Differences with your contacts: what should be kept?", self)
        box.setObjectName("conflictChoices")
        outer = QVBoxLayout(box)
        scroll = QScrollArea(box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget(scroll)
        grid = QGridLayout(inner)
        for column, title in enumerate(("Contact", "Yours", "In the file", "Keep")):
            head = QLabel(title, inner)
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            grid.addWidget(head, 0, column)
        row = 1
        for index, entry in conflicts:
            rec = entry.record
            assert rec is not None
            for name, (mine, theirs) in entry.conflicts.items():
                if row > MAX_CONFLICT_ROWS:
                    break
                label = FIELD_LABELS.get(name, name)
                who = QLabel(f"{rec.display_name} — {label}", inner)
                mine_label = QLabel(_value(mine), inner)
                theirs_label = QLabel(_value(theirs), inner)
                for widget in (who, mine_label, theirs_label):
                    widget.setTextFormat(Qt.TextFormat.PlainText)
                    widget.setWordWrap(True)
                combo = QComboBox(inner)
                combo.setObjectName(f"conflictChoice{index}_{name}")
                combo.setAccessibleName(f"{label} of {rec.display_name}: what to keep")
                combo.addItem("Keep mine", MINE)
                combo.addItem("Take theirs", THEIRS)
                if name in CONFLICT_LISTS or name == "notes":
                    combo.addItem("Keep both", BOTH)
                combo.setCurrentIndex(combo.findData(default_choice(name)))
                who.setBuddy(combo)
                grid.addWidget(who, row, 0)
                grid.addWidget(mine_label, row, 1)
                grid.addWidget(theirs_label, row, 2)
                grid.addWidget(combo, row, 3)
                self._conflict_choices[(index, name)] = combo
                row += 1
        for column in (0, 1, 2):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(row, 1)
        scroll.setWidget(inner)
        scroll.setMaximumHeight(min(60 + 34 * row, 240))
        outer.addWidget(scroll)
        return box

    def choose_field(self, entry_index: int, field: str, choice: str) -> None:
        """Set what to keep of one difference, as the user would in its list."""
        combo = self._conflict_choices[(entry_index, field)]
        found = combo.findData(choice)
        if found < 0:
            raise ValueError(f"no choice {choice!r} for {field} of entry {entry_index}")
        combo.setCurrentIndex(found)

    # --- duplicates ----------------------------------------------------------------------

    def _duplicates_box(
        self,
        duplicates: list[tuple[int, PlanEntry]],
        candidates: Mapping[int, tuple[str, str]],
    ) -> QGroupBox:
        box = QGroupBox("Likely duplicates: what should happen to each?", self)
        box.setObjectName("duplicateChoices")
        outer = QVBoxLayout(box)
        scroll = QScrollArea(box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget(scroll)
        grid = QGridLayout(inner)
        for row, (index, entry) in enumerate(duplicates):
            rec = entry.record
            assert rec is not None
            label = QLabel(_side(rec.display_name, rec.organization, rec, rec.source), inner)
            label.setObjectName(f"duplicateCard{index}")
            match = QLabel(self._match_text(entry, candidates), inner)
            match.setObjectName(f"duplicateMatch{index}")
            for widget in (label, match):
                widget.setTextFormat(Qt.TextFormat.PlainText)
                widget.setWordWrap(True)
            combo = QComboBox(inner)
            combo.setObjectName(f"duplicateChoice{index}")
            combo.setAccessibleName(f"What to do with {rec.display_name}")
            for cid in entry.candidates if entry.action == "duplicate" else []:
                name, company = candidates.get(cid, (f"contact {cid}", ""))
                combo.addItem(f"Merge into {_person(name, company)}", (MERGE, cid))
            combo.addItem("Keep both", (KEEP_BOTH, 0))
            combo.addItem("Skip", (SKIP, 0))
            if entry.why == "phone" or entry.action == "new":
                # Two names on one number are two people until the user says otherwise.
                combo.setCurrentIndex(combo.count() - 2)  # "Keep both", before "Skip"
            label.setBuddy(combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(match, row, 1)
            grid.addWidget(combo, row, 2)
            self._choices[index] = combo
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(duplicates), 1)
        scroll.setWidget(inner)
        scroll.setMaximumHeight(min(60 + 34 * len(duplicates), 220))
        outer.addWidget(scroll)
        return box

    def _match_text(
        self, entry: PlanEntry, candidates: Mapping[int, tuple[str, str]]
    ) -> str:
        """The other side of a likely duplicate, beside the card: the stored contact's (or
        the earlier card's) name, company, emails and phones."""
        for other in entry.likely:
            if "entry" in other:
                earlier = self._entry_record(int(other["entry"]))
                if earlier is not None:
                    where = f"earlier in {earlier.source}"
                    return _side(earlier.display_name, earlier.organization, earlier, where)
            else:
                return _side(
                    other.get("name", ""),
                    other.get("organization", ""),
                    other,
                    "in your contacts",
                )
        like = "; ".join(_person(*candidates.get(c, ("?", ""))) for c in entry.candidates)
        return f"like {like}" if like else ""

    def choose(self, entry_index: int, choice: str, contact_id: int = 0) -> None:
        """Set one duplicate's choice, as the user would in its list (for keyboard and tests)."""
        combo = self._choices[entry_index]
        for i in range(combo.count()):
            kind, cid = combo.itemData(i)
            if kind == choice and (choice != MERGE or not contact_id or cid == contact_id):
                combo.setCurrentIndex(i)
                return
        raise ValueError(f"no choice {choice!r} for entry {entry_index}")

    def decisions(self) -> Decisions:
        """The user's choices for the likely duplicates and the differences, for
        store.importer.apply_plan."""
        decisions = Decisions()
        for (index, name), combo in self._conflict_choices.items():
            decisions.choices.setdefault(index, {})[name] = combo.currentData()
        for index, combo in self._choices.items():
            kind, cid = combo.currentData()
            if kind == MERGE:
                decisions.merge_into[index] = cid
            elif kind == KEEP_BOTH:
                decisions.keep_both.add(index)
            else:
                decisions.skip.add(index)
        return decisions
