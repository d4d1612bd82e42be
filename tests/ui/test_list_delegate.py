"""The contact list's delegate: each cell painted as typed, elided, selected, overdue."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QTableView

from netdesk.ui.list_delegate import CachedTextDelegate
from netdesk.ui.models import contacts_model as cm
from netdesk.ui.models.contacts_model import ContactsModel
from netdesk.ui.widgets import OVERDUE_COLOR
from tests.ui.conftest import add_contact


def _view(qtbot, model: ContactsModel) -> QTableView:  # type: ignore[no-untyped-def]
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(CachedTextDelegate(view, model.cell))
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def _colours(image: QImage, rect: QRect) -> set[int]:
    return {
        image.pixel(x, y)
        for x in range(max(rect.left(), 0), min(rect.right(), image.width() - 1))
        for y in range(max(rect.top(), 0), min(rect.bottom(), image.height() - 1))
    }


def _near(colours: set[int], wanted: QColor, slack: int = 24) -> bool:
    for rgb in colours:
        c = QColor.fromRgb(rgb)
        gaps = (c.red() - wanted.red(), c.green() - wanted.green(), c.blue() - wanted.blue())
        if max(abs(g) for g in gaps) <= slack:
            return True
    return False


def test_cells_show_their_text_selection_and_overdue_accent(qtbot, store, now) -> None:
    overdue = add_contact("Olga Overdue", now, last_touch_days=400)
    add_contact("<b>Tag</b> Markup", now, last_touch_days=1)
    model = ContactsModel(lambda: now)
    model.reload()
    view = _view(qtbot, model)
    row = model.row_of(overdue)
    assert row is not None
    text, accent, bold = model.cell(row, cm.NEXT_FOLLOW_UP)
    assert text and accent is OVERDUE_COLOR and bold  # overdue: the accent, in bold
    assert model.cell(row, cm.NAME) == ("Olga Overdue", None, False)
    assert model.cell(999, cm.NAME) == ("", None, False)

    image = view.viewport().grab().toImage()
    cell = view.visualRect(model.index(row, cm.NEXT_FOLLOW_UP))
    assert _near(_colours(image, cell), OVERDUE_COLOR)

    view.selectRow(row)
    qtbot.wait(10)
    image = view.viewport().grab().toImage()
    name_cell = view.visualRect(model.index(row, cm.NAME))
    highlight = view.palette().color(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight)
    active = view.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    colours = _colours(image, name_cell)
    assert _near(colours, highlight, 4) or _near(colours, active, 4)


def test_text_is_laid_out_once_plain_and_elided_to_the_cell(qtbot, store, now) -> None:
    long_name = "Bartholomew " * 12 + "Longname"
    add_contact(long_name, now, last_touch_days=3)
    add_contact("<b>Tag</b> Markup", now, last_touch_days=1)
    model = ContactsModel(lambda: now)
    model.reload()
    view = _view(qtbot, model)
    view.horizontalHeader().resizeSection(cm.NAME, 160)
    view.viewport().grab()
    delegate = view.itemDelegate()
    assert isinstance(delegate, CachedTextDelegate)
    kept = {key[0]: value for key, value in delegate._kept.items()}
    static, width, _height = kept[long_name]
    assert static.text().endswith("…") and width <= 160  # elided inside its column
    assert kept["<b>Tag</b> Markup"][0].textFormat() == Qt.TextFormat.PlainText
    before = dict(delegate._kept)
    view.viewport().grab()
    assert all(delegate._kept[k] is v for k, v in before.items())  # the same layouts reused

    bigger = view.font()
    bigger.setPointSize(bigger.pointSize() + 4)
    view.setFont(bigger)
    view.viewport().grab()
    assert all(delegate._kept.get(k) is not v for k, v in before.items())  # laid out again

