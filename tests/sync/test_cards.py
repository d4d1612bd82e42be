"""A server's card read for sync keeps its tags as the store keeps them."""

from __future__ import annotations

from netdesk.core.records import join_tags, split_tags
from netdesk.sync.cards import read_card


def test_a_category_with_an_escaped_comma_stays_one_tag() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\n"
        "CATEGORIES:Research\\, Engines,Friends\r\nEND:VCARD\r\n"
    )
    record = read_card(card)
    assert record is not None
    assert record.tags == ["Research, Engines", "Friends"]
    # What the store writes and reads back is the same two tags.
    assert split_tags(join_tags(record.tags)) == record.tags
