"""The item models under Qt's model tester, on a demo network, and their lazy loading."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from netdesk.core.demo import generate_network
from netdesk.core.domain import Tie
from netdesk.store import reader, writer
from netdesk.store.demo import load_network
from netdesk.ui.models import contacts_model as cm
from netdesk.ui.models.contacts_model import ContactsModel, QuickFilter
from netdesk.ui.models.followups_model import FollowUpsModel
from netdesk.ui.models.timeline_model import TimelineModel
from netdesk.ui.widgets import OVERDUE_COLOR


@pytest.fixture
def demo(store, now: dt.datetime) -> int:  # type: ignore[no-untyped-def]
    return load_network(generate_network(120, seed=3, now=now), now)


def test_contacts_model_passes_the_model_tester(qtmodeltester, demo: int, now) -> None:
    model = ContactsModel(lambda: now)
    model.reload()
    qtmodeltester.check(model, force_py=True)
    model.sort(cm.COMPANY, Qt.SortOrder.DescendingOrder)
    model.set_search("a")
    model.set_quick_filter(QuickFilter.OVERDUE)
    model.refresh([model.contact_id(0) or 0])
    model.refresh([])
    qtmodeltester.check(model, force_py=True)


def test_contacts_model_sorts_in_sql_and_loads_rows_lazily(demo: int, now, monkeypatch) -> None:
    model = ContactsModel(lambda: now)
    model.reload()
    assert model.rowCount() == demo
    names = [model.index(r, cm.NAME).data(cm.SORT_ROLE) for r in range(model.rowCount())]
    assert names == sorted(names)
    for column in (cm.COMPANY, cm.TIE, cm.LAST_CONTACT, cm.NEXT_FOLLOW_UP):
        model.sort(column, Qt.SortOrder.DescendingOrder)
        values = [model.index(r, column).data(cm.SORT_ROLE) for r in range(model.rowCount())]
        filled = [v for v in values if v]
        assert filled == sorted(filled, reverse=True), column

    fetched: list[int] = []
    real = model._fetch_page
    monkeypatch.setattr(model, "_fetch_page", lambda row: (fetched.append(row), real(row)))
    monkeypatch.setattr(cm, "PAGE", 50)
    model.reload()
    model._cache.clear()
    model.index(0, cm.NAME).data()
    model.index(10, cm.NAME).data()
    assert fetched == [0]  # one page of 50 covers both
    model.index(demo - 1, cm.NAME).data()
    assert fetched == [0, demo - 1]
    assert len(model._cache) <= 100


def test_contacts_model_reads_the_first_rows_first_then_the_rest(
    qtbot, qtmodeltester, demo: int, now, monkeypatch
) -> None:
    monkeypatch.setattr(cm, "FIRST_ROWS", 10)
    full = ContactsModel(lambda: now)
    full.reload()
    expected = full.contact_ids()
    model = ContactsModel(lambda: now)
    model.sort(cm.NAME)  # before the first load: remembered, nothing read
    assert model.rowCount() == 0
    model.load_first()
    assert model.rowCount() == demo
    assert len(model._ids) == 10  # only the first rows' ids, and the count
    assert [model.contact_id(r) for r in range(10)] == expected[:10]
    with qtbot.assertNotEmitted(model.modelReset):
        model.fetch_rest()
    assert model.contact_ids() == expected
    # A row past the first ones, asked for before the rest was read, reads it.
    again = ContactsModel(lambda: now)
    again.load_first()
    assert again.index(demo - 1, cm.NAME).data() == full.index(demo - 1, cm.NAME).data()
    qtmodeltester.check(again, force_py=True)


def test_contacts_model_search_keeps_the_order_and_finds_rows(demo: int, now) -> None:
    model = ContactsModel(lambda: now)
    model.reload()
    order = {cid: i for i, cid in enumerate(model.contact_ids())}
    for text in ("a", "an", "ann", "zzzz", "e a"):  # many hits, few, none, two words
        model.set_search(text)
        found = set(reader.search_contact_ids(text))
        shown = model.contact_ids()
        assert set(shown) == found & set(order)
        assert shown == sorted(shown, key=order.__getitem__)
        for row, cid in enumerate(shown):
            assert model.row_of(cid) == row
        hidden = next(iter(set(order) - set(shown)), None)
        if hidden is not None:
            assert model.row_of(hidden) is None
    assert model.row_of(10**6) is None


def test_a_big_search_shows_its_first_rows_then_the_rest_when_needed(
    qtbot, qtmodeltester, demo: int, now, monkeypatch
) -> None:
    full = ContactsModel(lambda: now)
    full.set_search("a")
    expected = full.contact_ids()
    assert len(expected) > 20
    writer.set_archived([expected[3]], True, now)  # an archived hit is not counted
    full.refresh([expected[3]])
    expected = full.contact_ids()
    monkeypatch.setattr(cm, "BIG_SEARCH", 5)
    monkeypatch.setattr(cm, "FIRST_ROWS", 10)
    model = ContactsModel(lambda: now)
    model.reload()
    model.set_search("a")
    assert model.rowCount() == len(expected)  # the exact count at once
    assert len(model._ids) == 10  # but only the first rows' ids
    assert [model.contact_id(r) for r in range(10)] == expected[:10]
    assert model.row_of(expected[4]) == 4  # found on the first page, the rest not read
    assert len(model._ids) == 10
    # A row past the first ones reads the rest, with no reset of the view.
    with qtbot.assertNotEmitted(model.modelReset):
        assert (
            model.index(len(expected) - 1, cm.NAME).data()
            == full.index(len(expected) - 1, cm.NAME).data()
        )
    assert model.contact_ids() == expected
    model.set_search("an")
    hits = set(reader.search_contact_ids("an"))
    shown = [c for c in expected if c in hits]
    assert len(shown) > 10 and len(model._ids) == 10
    assert model.row_of(shown[-1]) == len(shown) - 1  # past the first page: reads the rest
    assert model.contact_ids() == shown
    # Other orders and filters order every hit at once.
    model.sort(cm.COMPANY)
    assert len(model._ids) == model.rowCount()
    model.sort(cm.NAME, Qt.SortOrder.DescendingOrder)
    model.set_search("a")
    assert model.contact_ids() == expected[::-1]
    qtmodeltester.check(model, force_py=True)


def test_contacts_model_answers_a_cells_roles_in_one_call(qtbot, demo: int, now) -> None:
    model = ContactsModel(lambda: now)
    model.set_quick_filter(QuickFilter.OVERDUE)
    assert model.rowCount() > 0
    delegate = QStyledItemDelegate()
    for column in range(model.columnCount()):
        index = model.index(0, column)
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, index)  # reads the roles through multiData
        assert option.text == index.data()
        overdue = column == cm.NEXT_FOLLOW_UP
        assert option.font.bold() == overdue
        assert (option.palette.color(QPalette.ColorRole.Text) == OVERDUE_COLOR) == overdue
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_contacts_model_refreshes_only_changed_rows(qtbot, store, now) -> None:
    ids = [writer.create_contact({"display_name": n}, now).id for n in ("Ann", "Bob", "Cid")]
    model = ContactsModel(lambda: now)
    model.reload()
    assert model.index(1, cm.TIE).data() == "Unsorted"
    writer.set_tie([ids[1]], Tie.ADVOCATE, now)
    with qtbot.waitSignal(model.dataChanged) as changed, qtbot.assertNotEmitted(model.modelReset):
        model.refresh([ids[1]])
    assert changed.args[0].row() == 1
    assert model.index(1, cm.TIE).data() == "Advocate"
    writer.update_contact(ids[0], {"display_name": "Zed"}, now)
    with qtbot.waitSignal(model.modelReset):
        model.refresh([ids[0]])
    assert [model.index(r, cm.NAME).data() for r in range(3)] == ["Bob", "Cid", "Zed"]


def test_follow_ups_and_timeline_models_pass_the_model_tester(
    qtmodeltester, demo: int, now
) -> None:
    follow_ups = FollowUpsModel()
    follow_ups.set_follow_ups(reader.follow_ups(now, horizon=dt.timedelta(days=14)), now)
    assert follow_ups.rowCount() > 3
    qtmodeltester.check(follow_ups, force_py=True)
    timeline = TimelineModel()
    timeline.set_entries(reader.recent_activity(50))
    qtmodeltester.check(timeline, force_py=True)
    assert timeline.index(0, 0).data() >= timeline.index(49, 0).data()  # newest first
