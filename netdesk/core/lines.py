"""A contact file's physical lines, read in bounded memory: no line is held longer than
MAX_LINE_CHARS (a longer one is read past in pieces, skipped and reported with its number),
and NUL characters, which no contact field may hold, are dropped wherever they are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TextIO

from netdesk.core.records import ImportProblem

# The longest physical line a contact file may have: room for a photo of some 10 MB written as
# base64 on one line (larger than any photo kept). README's limits table states it.
MAX_LINE_CHARS = 16 * 1_000_000
_SKIP_CHUNK = 1 << 20
_LINE = re.compile(r"[^\n]*\n")
_BLOCK_CHARS = 1 << 16  # read at once by readlines (BoundedLines._block)


class BoundedLines:
    """What vCard and CSV readers take from a text file (`readline`, `readlines`, iteration),
    each line at most `max_chars` long; `problems` collects the lines skipped, for the caller
    to report in file order."""

    def __init__(
        self,
        f: TextIO,
        source: str,
        *,
        max_chars: int = MAX_LINE_CHARS,
        by_newline: bool = False,
    ) -> None:
        """`by_newline`: the file was opened with newline="\\n" (lines end at \\n only), so
        readlines may read a block of text at once and split it."""
        self._f = f
        self.source = source
        self.max_chars = max_chars
        self.lineno = 0
        self.problems: list[ImportProblem] = []
        self._by_newline = by_newline
        self._tail = ""  # the start of a line read by readlines, not given out yet

    def readline(self, size: int = -1) -> str:
        line = self._read(self.max_chars + 1)
        if not line:
            return ""
        self.lineno += 1
        if len(line) > self.max_chars and line[-1] not in "\r\n":
            # Read past the rest of it a piece at a time; only its number is kept.
            while True:
                rest = self._read(_SKIP_CHUNK)
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

    def _read(self, size: int) -> str:
        """The file's readline(size), taking first what readlines read ahead."""
        tail = self._tail
        if not tail:
            return self._f.readline(size)
        end = tail.find("\n", 0, size) + 1 or min(size, len(tail))
        if end == len(tail) and tail[-1] != "\n" and end < size:
            self._tail = ""
            return tail + self._f.readline(size - end)
        self._tail = tail[end:]
        return tail[:end]

    def readlines(self, hint: int = -1) -> list[str]:
        if self._by_newline and hint > 0:
            return self._block(hint)
        return self._one_by_one(hint)

    def _one_by_one(self, hint: int) -> list[str]:
        lines: list[str] = []
        total = 0
        while hint <= 0 or total < hint:
            line = self.readline()
            if not line:
                break
            lines.append(line)
            total += len(line)
        return lines

    def _block(self, hint: int) -> list[str]:
        """readlines for a file whose lines end at \\n: text read a block at a time and split
        (about `hint` characters in all). Near a line too long to keep, the lines are left
        to readline, which gives the same lines, line numbers and problems."""
        lines: list[str] = []
        total = 0
        while total < hint:
            text = self._f.read(min(hint, _BLOCK_CHARS))
            if not text:
                # The last line, without a newline, on the next call.
                return lines or self._one_by_one(hint)
            text = self._tail + text
            end = text.rfind("\n") + 1
            if end == 0 and len(text) <= self.max_chars:
                self._tail = text  # no line ends here yet: read on
                continue
            found = _LINE.findall(text, 0, end) if end else []
            if (
                not found
                or len(text) - end > self.max_chars
                or max(map(len, found)) > self.max_chars + 1
            ):
                self._tail = text
                return lines + self._one_by_one(max(hint - total, 1))
            self._tail = text[end:]
            self.lineno += len(found)
            if "\x00" in text:
                found = [line.replace("\x00", "") for line in found]
            del text
            lines += found
            total += end
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
