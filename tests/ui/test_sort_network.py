"""Sorting says why there is nobody to sort: all sorted, or no network yet."""

from __future__ import annotations

from netdesk.core.domain import Tie
from netdesk.ui.workflows.sort_network import SortDialog


def test_nobody_to_sort_in_an_empty_network(qtbot, store, clock, actions) -> None:  # type: ignore[no-untyped-def]
    dialog = SortDialog(clock.now, actions)
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "Nobody to sort"
    assert dialog.detail.text().startswith("Your network is empty")


def test_nobody_to_sort_when_everyone_is_sorted(qtbot, store, clock, actions, add_contact) -> None:  # type: ignore[no-untyped-def]
    add_contact("Dana Sorted", clock.now(), tie=Tie.ADVOCATE)
    dialog = SortDialog(clock.now, actions)
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "Nobody to sort"
    assert dialog.detail.text() == "Every contact is already an advocate or a work acquaintance."
