"""Items read on a thread of their own: in order, errors after the items before them, and
(ungated) without being asked to read."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from netdesk.core.read_ahead import ReadAhead


def test_an_ungated_reader_reads_ahead_on_its_own_and_keeps_the_order() -> None:
    made: list[int] = []

    def items() -> Iterator[int]:
        for n in range(100):
            made.append(n)
            yield n

    reading = ReadAhead(items(), chunk=10, ahead=2, name="test-read-ahead")
    time.sleep(0.2)
    assert 0 < len(made) <= 3 * 10 + 1  # two chunks waiting, a third being read
    assert list(reading) == list(range(100))
    reading.close()


def test_an_error_comes_after_the_items_read_before_it() -> None:
    def items() -> Iterator[int]:
        yield from range(15)
        raise OSError("the server went away")

    reading = ReadAhead(items(), chunk=10, ahead=2, name="test-read-ahead")
    got: list[int] = []
    with pytest.raises(OSError, match="the server went away"):
        for item in reading:
            got.append(item)
    reading.close()
    assert got == list(range(15))
