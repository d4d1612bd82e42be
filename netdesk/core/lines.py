"""A contact file's physical lines, read in bounded memory: no line is held longer than
MAX_LINE_CHARS (a longer one is read past in pieces, skipped and reported with its number),
and NUL characters, which no contact field may hold, are dropped wherever they are."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from netdesk.core.records import ImportProblem

# The longest physical line a contact file may have: room for a photo of some 10 MB written as
# base64 on one line (larger than any photo kept). README's limits table states it.
MAX_LINE_CHARS = 16 * 1_000_000
_SKIP_CHUNK = 1 << 20


class BoundedLines:
    """What vCard and CSV readers take from a text file (`readline`, `readlines`, iteration),
    each line at most `max_chars` long; `problems` collects the lines skipped, for the caller
    to report in file order."""

    def __init__(self, f: TextIO, source: str, *, max_chars: int = MAX_LINE_CHARS) -> None:
        self._f = f
        self.source = source
        self.max_chars = max_chars
        self.lineno = 0
        self.problems: list[ImportProblem] = []

    def readline(self, size: int = -1) -> str:
        line = self._f.readline(self.max_chars + 1)
        if not line:
            return ""
        self.lineno += 1
        if len(line) > self.max_chars and line[-1] not in "\r\n":
            # Read past the rest of it a piece at a time; only its number is kept.
            while True:
                rest = self._f.readline(_SKIP_CHUNK)
                if not rest or rest[-1] in "\r\n":
                    break
            self.problems.append(
                ImportProblem(
                    self.source,
                    self.lineno,
                    f"this line is longer than {self.max_chars // 1_000_000} million "
                    "characters; it was skipped",
                )
            )
            return "\n"
        if "\x00" in line:
            line = line.replace("\x00", "")
        return line

    def readlines(self, hint: int = -1) -> list[str]:
        lines: list[str] = []
        total = 0
        while hint <= 0 or total < hint:
            line = self.readline()
            if not line:
                break
            lines.append(line)
            total += len(line)
        return lines

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def take_problems(self) -> list[ImportProblem]:
        found, self.problems = self.problems, []
        return found
