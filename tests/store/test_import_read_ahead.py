"""The import's read-ahead: records in file order, errors where they came, a stop midway,
and only for an import that writes."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import peewee as pw
import pytest

from netdesk.core.records import ContactRecord, ImportProblem
from netdesk.store import importer
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


def test_cards_are_read_ahead_only_from_the_first_block_that_writes(
    store: pw.SqliteDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ines Varga{i}\r\nEMAIL:ines{i}@example.org\r\n"
            "END:VCARD\r\n"
            for i in range(300)
        ),
        encoding="utf-8",
    )
    started: list[int] = []

    class Counted(_ReadAhead):
        def __init__(self, items: Iterator[ContactRecord | ImportProblem]) -> None:
            started.append(1)
            super().__init__(items)

    monkeypatch.setattr(importer, "_ReadAhead", Counted)
    now = dt.datetime(2026, 11, 30, 9, 0)
    first = importer.stream_import([path], now, block_size=100)
    assert (first.added, started) == (300, [1])
    # The same file again writes nothing: its cards are read by the importing thread.
    again = importer.stream_import([path], now, block_size=100)
    assert (again.added, again.counts.get("unchanged"), started) == (0, 300, [1])
