"""The items of an iterator read by a thread of their own, a few chunks ahead of the
caller: reading a file or a server overlaps with storing what was read before."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ReadAhead(Generic[T]):
    """`items` read by a thread of their own, `chunk` at a time, at most `ahead` chunks
    before the caller takes them. Items come in order; an error of the reading comes where
    it came, after the items read before it, in the caller's thread. `close` stops the
    thread (and closes `items`) wherever it is.

    `gated`: the thread reads only while the caller lets it (`let_read` until `hold`,
    `meanwhile`) or waits for items. Beside the caller's own Python work it would only
    contend for the interpreter; while the caller waits on I/O or on SQLite, it reads.
    """

    def __init__(
        self, items: Iterator[T], *, chunk: int, ahead: int, name: str, gated: bool = False
    ) -> None:
        self._items = items
        self._chunk = chunk
        self._gated = gated
        self._ready: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._go = threading.Event()
        if not gated:
            self._go.set()
        self._room = threading.Semaphore(ahead)
        self._stop = False
        self._thread = threading.Thread(target=self._read, name=name, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        wait, may, put = self._go.wait, self._go.is_set, self._ready.put
        items, size, chunk, end = iter(self._items), self._chunk, [], object()
        room = self._room.acquire
        try:
            while True:
                if not may():
                    wait()
                if self._stop:
                    return
                item = next(items, end)
                if item is end:
                    break
                chunk.append(item)
                if len(chunk) >= size:
                    room()  # at most `ahead` chunks waiting: memory holds a few
                    if self._stop:
                        return
                    put(chunk)
                    chunk = []
            put(chunk)
            put(None)
        except BaseException as exc:  # handed to the caller's thread, in order
            put(chunk)
            put(exc)
        finally:
            close = getattr(self._items, "close", None)
            if close is not None:
                close()

    def __iter__(self) -> Iterator[T]:
        get, ready, go, gated = self._ready.get, self._ready, self._go, self._gated
        while True:
            if gated and ready.empty():
                go.set()
                got = get()
                go.clear()
            else:
                got = get()
            if got is None:
                return
            if isinstance(got, BaseException):
                raise got
            self._room.release()
            yield from got

    def let_read(self) -> None:
        """Let a gated thread read (until `hold`)."""
        self._go.set()

    def hold(self) -> None:
        if self._gated:
            self._go.clear()

    @contextlib.contextmanager
    def meanwhile(self) -> Iterator[None]:
        """Let a gated thread read while the caller waits on something else."""
        self.let_read()
        try:
            yield
        finally:
            self.hold()

    def close(self) -> None:
        self._stop = True
        self._go.set()
        self._room.release()
        self._thread.join()
