"""The import's read-ahead: records in file order, errors where they came, a stop midway."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pytest

from netdesk.store.importer import _ReadAhead


def test_records_come_in_file_order_across_chunks() -> None:
    items = list(range(3 * _ReadAhead._CHUNK + 5))
    ahead = _ReadAhead(iter(items))  # type: ignore[arg-type]
    got = []
    for n, item in enumerate(ahead):
        got.append(item)
        if n % 50 == 0:
            with ahead.meanwhile():
                pass
    ahead.close()
    assert got == items


def test_an_error_of_the_reading_comes_after_the_records_before_it() -> None:
    def records() -> Iterator[int]:
        yield from range(_ReadAhead._CHUNK + 3)
        raise OSError("the disk went away")

    ahead = _ReadAhead(records())  # type: ignore[arg-type]
    got = []
    with pytest.raises(OSError, match="the disk went away"):
        for item in ahead:
            got.append(item)
    ahead.close()
    assert got == list(range(_ReadAhead._CHUNK + 3))


def test_closing_midway_stops_the_reading_and_closes_the_source() -> None:
    closed = []

    def records() -> Iterator[int]:
        try:
            yield from range(100_000)
        finally:
            closed.append(True)

    before = sys.getswitchinterval()
    ahead = _ReadAhead(records())  # type: ignore[arg-type]
    first = next(iter(ahead))
    ahead.close()
    assert first == 0
    assert sys.getswitchinterval() == before
    assert closed == [True]
    assert not ahead._thread.is_alive()


def test_the_reading_stays_a_few_chunks_ahead() -> None:
    made = []

    def records() -> Iterator[int]:
        for n in range(100 * _ReadAhead._CHUNK):
            made.append(n)
            yield n

    ahead = _ReadAhead(records())  # type: ignore[arg-type]
    ahead.let_read()
    time.sleep(0.3)
    ahead.hold()
    ahead.close()
    assert (_ReadAhead._AHEAD + 1) * _ReadAhead._CHUNK + 1 >= len(made) > 0
