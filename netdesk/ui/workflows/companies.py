"""Companies as records: the user's status with each, the people there, what happened with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.dates import full_date
from netdesk.core.domain import CompanyStatus
from netdesk.services.actions import Actions
from netdesk.store import reader
from netdesk.ui import look
from netdesk.ui.widgets import bold_font, plain_label
from netdesk.ui.workflows.common import (
    ID_ROLE,
    WorkflowDialog,
    button,
    current_row_id,
    select_row_id,
)


class CompaniesDialog(WorkflowDialog):
    changed = Signal(list)
    contactRequested = Signal(int)

    def __init__(
        self, now: Callable[[], dt.datetime], actions: Actions, parent: QWidget | None = None
    ) -> None:
        super().__init__("Companies", "companiesDialog", parent)
        self._now = now
        self._actions = actions
        layout = QVBoxLayout(self)
        self.filter = QLineEdit()
        self.filter.setObjectName("companyFilter")
        self.filter.setPlaceholderText("Filter companies")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter companies by name")
        layout.addWidget(self.filter)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter, 1)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("companyList")
        self.table.setAccessibleName("Companies")
        self.table.setHorizontalHeaderLabels(["Company", "Your status", "People"])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        look.style_table(self.table, stretch_last=False)
        # The name takes the room left; the status and the count are as wide as they need.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)
        splitter.addWidget(self.table)
        detail = QWidget()
        d = QVBoxLayout(detail)
        d.setContentsMargins(0, 0, 0, 0)
        self.name = plain_label(wrap=True)
        self.name.setObjectName("companyName")
        self.name.setFont(bold_font(self.name.font()))
        d.addWidget(self.name)
        row = QHBoxLayout()
        row.addWidget(plain_label("Your status"))
        self.status = QComboBox()
        self.status.setObjectName("companyStatus")
        self.status.setAccessibleName("Your status with this company")
        for status in CompanyStatus:
            self.status.addItem(status.label, status.value)
        row.addWidget(self.status)
        row.addStretch(1)
        d.addLayout(row)
        d.addWidget(plain_label("People who work there (Enter opens one in the main window)"))
        self.people = QListWidget()
        self.people.setObjectName("companyPeople")
        self.people.setAccessibleName("People who work there")
        look.wrap_lines(self.people)
        d.addWidget(self.people, 1)
        d.addWidget(plain_label("What happened with them"))
        self.interactions = QListWidget()
        self.interactions.setObjectName("companyInteractions")
        self.interactions.setAccessibleName("Interactions with people at this company")
        look.wrap_lines(self.interactions)
        d.addWidget(self.interactions, 2)
        close = button("Close", "Close companies")
        close.clicked.connect(self.accept)
        d.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.empty = plain_label(
            "No companies yet. A contact's company becomes one here when you import or edit them.",
            wrap=True,
        )
        layout.addWidget(self.empty)

        self.filter.textChanged.connect(lambda _t: self.reload())
        self.table.itemSelectionChanged.connect(self._show_current)
        self.status.activated.connect(self._status_chosen)
        self.people.itemActivated.connect(
            lambda item: self.contactRequested.emit(int(item.data(ID_ROLE)))
        )
        self._loading = False
        self.reload()
        look.size_to_content(self, QSize(960, 600))

    def reload(self, keep: int = 0) -> None:
        keep = keep or self.current_company_id()
        needle = self.filter.text().strip().casefold()
        all_rows = reader.companies()
        rows = [r for r in all_rows if needle in r.name.casefold()]
        self.empty.setVisible(not all_rows)
        self.table.setRowCount(len(rows))
        for r, company in enumerate(rows):
            for column, text in enumerate(
                (company.name, company.status.label, str(company.people))
            ):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, company.company_id)
                if column == 2:  # a count lines up on the right
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, column, item)
        if rows:
            target = next((i for i, c in enumerate(rows) if c.company_id == keep), 0)
            self.table.selectRow(target)
        self._show_current()

    def current_company_id(self) -> int:
        return current_row_id(self.table)

    def select_company(self, company_id: int) -> None:
        select_row_id(self.table, company_id)

    def _show_current(self) -> None:
        cid = self.current_company_id()
        company = next((c for c in reader.companies() if c.company_id == cid), None)
        self._loading = True
        self.people.clear()
        self.interactions.clear()
        self.status.setEnabled(company is not None)
        if company is None:
            self.name.setText("")
            self._loading = False
            return
        self.name.setText(company.name)
        self.status.setCurrentIndex(self.status.findData(company.status.value))
        for person in reader.company_people(cid):
            title = f", {person.title}" if person.title else ""
            item = QListWidgetItem(f"{person.name}{title} ({person.tie.label})")
            item.setData(ID_ROLE, person.contact_id)
            self.people.addItem(item)
        for entry in reader.company_interactions(cid, limit=200):
            summary = f": {entry.summary}" if entry.summary else ""
            self.interactions.addItem(
                f"{full_date(entry.at.date())} · {entry.contact_name} · {entry.kind.label}{summary}"
            )
        if not self.interactions.count():
            self.interactions.addItem("Nothing logged with anyone there yet.")
        self._loading = False

    def _status_chosen(self, _index: int) -> None:
        cid = self.current_company_id()
        if not cid or self._loading:
            return
        status = CompanyStatus(self.status.currentData())
        name_cell = self.table.item(self.table.currentRow(), 0)
        self._actions.set_company_status(cid, status, name_cell.text() if name_cell else "")
        self.changed.emit([p.contact_id for p in reader.company_people(cid)])
        self.reload(cid)
