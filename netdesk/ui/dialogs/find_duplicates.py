"""Contact > Find duplicates: the likely pairs across the network, each to compare and merge or
to mark as two people. The scan runs off the UI thread, with progress."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.duplicates import Candidate, LikelyPair
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.ui import look
from netdesk.ui.dialogs.merge import MergeDialog
from netdesk.ui.widgets import bold_font, plain_label, plain_tooltip
from netdesk.ui.worker import Worker

log = logging.getLogger("netdesk.ui.duplicates")

_COLUMNS = ("Contact", "Maybe the same as", "Why")
Index = QModelIndex | QPersistentModelIndex


def phone_region() -> str | None:
    """Where numbers written without a country code are from: the region an import reads
    them in (the setting, else the locale's); None when neither says."""
    from netdesk.core import matching

    return matching.phone_region() or None


def _person(person: Candidate | None) -> str:
    if person is None:
        return "(gone)"
    name = person.name or " ".join(p for p in (person.given_name, person.family_name) if p)
    name = name or (person.emails[0] if person.emails else "(no name)")
    shown = f"{name} · {person.company}" if person.company else name
    return f"{shown} (archived)" if person.archived else shown


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


class PairsModel(QAbstractTableModel):
    """The likely pairs, one a row, sure ones first (as the scan ordered them)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pairs: list[LikelyPair] = []
        self.people: dict[int, Candidate] = {}
        self._bold = bold_font(QFont())

    def set_scan(self, pairs: list[LikelyPair], people: dict[int, Candidate]) -> None:
        self.beginResetModel()
        self.pairs, self.people = list(pairs), dict(people)
        self.endResetModel()

    def remove_naming(self, contact_ids: Collection[int]) -> None:
        """Drop the pairs naming any of these contacts (merged, or said to be two people)."""
        gone = set(contact_ids)
        self.beginResetModel()
        self.pairs = [p for p in self.pairs if not (set(p.key) & gone)]
        self.endResetModel()

    def remove_pair(self, pair: LikelyPair) -> None:
        if pair in self.pairs:
            row = self.pairs.index(pair)
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.pairs[row]
            self.endRemoveRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.pairs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self.pairs):
            return None
        pair = self.pairs[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return _person(self.people.get(pair.first))
            if column == 1:
                return _person(self.people.get(pair.second))
            return pair.describe()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 2:
                return plain_tooltip(pair.describe())
            return plain_tooltip(_person(self.people.get(pair.key[column])))
        if role == Qt.ItemDataRole.FontRole and pair.sure and column < 2:
            return self._bold
        return None


class FindDuplicatesDialog(QDialog):
    """Scans the network for likely duplicates and lists them; each pair can be compared and
    merged, or marked as two people (never offered again). `only`: the pairs naming one of
    these contacts (those an import just brought)."""

    scanned = Signal(int)  # pairs found
    merged = Signal(int, int)  # the contact kept, the one merged into it

    def __init__(
        self,
        actions: Actions,
        parent: QWidget | None = None,
        *,
        only: Collection[int] | None = None,
        region: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.actions = actions
        self.only = set(only) if only is not None else None
        self.region = region if region is not None else phone_region()
        self.worker: Worker | None = None
        self.merge_dialog: MergeDialog | None = None
        self.contacts = 0
        self.setObjectName("findDuplicates")
        self.setWindowTitle("Find duplicates")
        self.setAccessibleName("Find duplicates")

        layout = QVBoxLayout(self)
        self.status = plain_label("", wrap=True)
        self.status.setObjectName("duplicatesStatus")
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setObjectName("duplicatesProgress")
        self.progress.setTextVisible(False)
        layout.addWidget(self.progress)
        self.model = PairsModel(self)
        self.view = QTableView()
        self.view.setObjectName("duplicatePairs")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        look.style_table(self.view)  # the main list's look: no grid, one row height
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.view.setColumnWidth(0, 210)
        self.view.setColumnWidth(1, 210)
        self.view.doubleClicked.connect(lambda _index: self.compare())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        layout.addWidget(self.view, 1)

        row = QHBoxLayout()
        self.compare_button = QPushButton("Compare and merge…")
        self.compare_button.setObjectName("compareButton")
        self.compare_button.clicked.connect(self.compare)
        self.two_people_button = QPushButton("Not the same person")
        self.two_people_button.setObjectName("notDuplicateButton")
        self.two_people_button.setToolTip("Never offer this pair again")
        self.two_people_button.clicked.connect(self.not_duplicate)
        self.rescan_button = QPushButton("Scan again")
        self.rescan_button.setObjectName("rescanButton")
        self.rescan_button.clicked.connect(self.scan)
        row.addWidget(self.compare_button)
        row.addWidget(self.two_people_button)
        row.addStretch(1)
        row.addWidget(self.rescan_button)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 520)
        self._enable()

    # --- the scan ----------------------------------------------------------------------

    def scan(self) -> None:
        """Look for likely pairs in a worker; the list fills when it is done."""
        if self.worker is not None:
            return
        region, only = self.region, self.only

        def job(worker: Worker) -> reader.DuplicateScan:
            def report(done: int, total: int) -> None:
                worker.check()
                worker.report(done, total)

            return reader.likely_duplicates(region, report, only=only)

        self.status.setText("Looking for contacts that may be one person…")
        self.progress.setRange(0, 0)
        self.progress.show()
        worker = Worker(job, self)
        self.worker = worker
        worker.progressed.connect(self._progressed)
        worker.succeeded.connect(self._scanned)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(lambda: self.status.setText("The scan was stopped."))
        worker.finished.connect(lambda: self._finished(worker))
        worker.start()
        self._enable()

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _scanned(self, found: reader.DuplicateScan) -> None:
        self.contacts = found.contacts
        self.model.set_scan(found.pairs, found.people)
        self.progress.hide()
        self._say()
        if found.pairs:
            self.view.selectRow(0)
        self.scanned.emit(len(found.pairs))

    def _say(self) -> None:
        pairs = len(self.model.pairs)
        among = _count(self.contacts, "contact", "contacts")
        if pairs:
            sure = sum(1 for p in self.model.pairs if p.sure)
            text = f"{_count(pairs, 'likely duplicate', 'likely duplicates')} among {among}"
            if sure:
                text += f"; {sure:,} almost certainly one person, listed first"
            self.status.setText(text + ".")
        else:
            self.status.setText(f"No likely duplicates among {among}.")

    def _failed(self, reason: str) -> None:
        self.progress.hide()
        self.status.setText(f"The scan did not finish: {reason}")

    def _finished(self, worker: Worker) -> None:
        if self.worker is worker:
            self.worker = None
        worker.deleteLater()
        self._enable()

    def _enable(self) -> None:
        chosen = self.current_pair() is not None and self.worker is None
        self.compare_button.setEnabled(chosen)
        self.two_people_button.setEnabled(chosen)
        self.rescan_button.setEnabled(self.worker is None)

    def done(self, result: int) -> None:
        if self.worker is not None:
            self.worker.cancel_requested.set()
            self.worker.wait()
        super().done(result)

    # --- one pair ----------------------------------------------------------------------

    def current_pair(self) -> LikelyPair | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.model.pairs):
            return None
        return self.model.pairs[rows[0].row()]

    def compare(self) -> MergeDialog | None:
        """Open the two contacts side by side; merging them is one undoable action."""
        pair = self.current_pair()
        if pair is None:
            return None
        try:
            keep, drop = reader.merge_order(*pair.key)
            sides = reader.merge_sides(keep, drop)
        except LookupError:  # merged or deleted since the scan (an undo, another window)
            self.model.remove_pair(pair)
            self.status.setText("One of those two contacts is gone. Scan again to see the rest.")
            self._enable()
            return None
        dialog = MergeDialog(sides, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.merge_dialog = dialog
        dialog.accepted.connect(lambda: self._merge(dialog))
        dialog.finished.connect(lambda _r: self._merge_closed(dialog))
        dialog.open()
        return dialog

    def _merge_closed(self, dialog: MergeDialog) -> None:
        if self.merge_dialog is dialog:
            self.merge_dialog = None

    def _merge(self, dialog: MergeDialog) -> None:
        sides = dialog.sides
        plan = dialog.plan()
        self.actions.merge_contacts(
            plan, names=(sides.first.display_name, sides.second.display_name)
        )
        self.model.remove_naming([plan.second])
        self._say()
        self.merged.emit(plan.first, plan.second)

    def not_duplicate(self) -> None:
        pair = self.current_pair()
        if pair is None:
            return
        row = self.view.selectionModel().selectedRows()[0].row()
        self.actions.mark_not_duplicate(*pair.key)
        self.model.remove_pair(pair)
        self._say()
        if self.model.pairs:
            self.view.selectRow(min(row, len(self.model.pairs) - 1))
        self._enable()


def open_find_duplicates(
    actions: Actions,
    parent: QWidget | None,
    *,
    only: Collection[int] | None = None,
    on_merged: Callable[[int, int], None] | None = None,
) -> FindDuplicatesDialog:
    """Open the dialog and start its scan (Contact > Find duplicates…, or after an import)."""
    dialog = FindDuplicatesDialog(actions, parent, only=only)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_merged is not None:
        dialog.merged.connect(on_merged)
    dialog.open()
    dialog.scan()
    return dialog


def import_check_job(batch_id: int) -> Callable[[Worker], list[int]]:
    """A worker job for after an import: the contacts it added that may already be in the
    network (an empty list when there are none, or when the check could not run)."""
    region = phone_region()

    def job(worker: Worker) -> list[int]:
        def report(done: int, total: int) -> None:
            worker.check()

        try:
            added = set(reader.batch_contact_ids(batch_id))
            if not added:
                return []
            scan = reader.likely_duplicates(region, report, only=added)
        except Exception:  # a hint, not the import: never worth an error box
            if not worker.cancel_requested.is_set():
                log.exception("the duplicate check after import %s failed", batch_id)
            return []
        return sorted({cid for pair in scan.pairs for cid in pair.key if cid in added})

    return job


def import_offer_text(imported: str, count: int) -> str:
    """The import's own message, and how many of the contacts it added may be duplicates."""
    them = "1 of them" if count == 1 else f"{count:,} of them"
    return f"{imported} {them} may already be in your network (Edit > Undo takes the import back)."
