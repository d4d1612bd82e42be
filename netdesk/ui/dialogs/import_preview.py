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

from netdesk.core.matching import ImportPlan, PlanEntry
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
}

MERGE, KEEP_BOTH, SKIP = "merge", "keep", "skip"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


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
        parts.append(_plural(plan.duplicates, "likely duplicate", "likely duplicates"))
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

        duplicates = [(i, e) for i, e in enumerate(plan.entries) if e.action == "duplicate"]
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
            item = QTreeWidgetItem([_person(rec.display_name, rec.organization), f"like {like}"])
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
            item = QTreeWidgetItem([rec.display_name, details or where])
        item.setToolTip(0, where)
        if rec.remarks:
            item.setToolTip(1, "\n".join(rec.remarks))
        return item

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
            label = QLabel(
                f"{_person(rec.display_name, rec.organization)} — {_where(rec.source, rec.line)}",
                inner,
            )
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            combo = QComboBox(inner)
            combo.setObjectName(f"duplicateChoice{index}")
            combo.setAccessibleName(f"What to do with {rec.display_name}")
            for cid in entry.candidates:
                name, company = candidates.get(cid, (f"contact {cid}", ""))
                combo.addItem(f"Merge into {_person(name, company)}", (MERGE, cid))
            combo.addItem("Keep both", (KEEP_BOTH, 0))
            combo.addItem("Skip", (SKIP, 0))
            label.setBuddy(combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            self._choices[index] = combo
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(len(duplicates), 1)
        scroll.setWidget(inner)
        scroll.setMaximumHeight(min(60 + 34 * len(duplicates), 220))
        outer.addWidget(scroll)
        return box

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
        """The user's choices for the likely duplicates, for store.importer.apply_plan."""
        decisions = Decisions()
        for index, combo in self._choices.items():
            kind, cid = combo.currentData()
            if kind == MERGE:
                decisions.merge_into[index] = cid
            elif kind == KEEP_BOTH:
                decisions.keep_both.add(index)
            else:
                decisions.skip.add(index)
        return decisions
