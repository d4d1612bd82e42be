"""Answers remembered for the values seen lately: an import reads, matches and merges the
same numbers, addresses and dates many times."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Remembered(dict[K, V], Generic[K, V]):
    """`answers[key]` is `compute(key)`, computed once; after `limit` answers all are
    forgotten and remembering starts again (`clear()` forgets them when what they depend on
    changes). A dict underneath: a value seen before costs one look-up."""

    def __init__(self, compute: Callable[[K], V], limit: int = 65536) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._compute(key)
        return value
