"""BoundedLines reads a file whose lines end at \\n a block at a time: the same lines, line
numbers and problems as reading it line by line."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from netdesk.core.lines import BoundedLines

_TEXT = st.lists(
    st.one_of(
        st.text(alphabet="ab\r\x00;:", max_size=30),
        st.just("x" * 25),  # over the limit of 20 below
        st.just("y" * 21),  # one over it, with its newline just fitting
    ),
    max_size=40,
).map(lambda parts: "\n".join(parts))


def _read(text: str, by_newline: bool, hint: int) -> tuple[list[str], int, list[tuple[int, str]]]:
    f = BoundedLines(
        io.StringIO(text, newline="\n"), "t.vcf", max_chars=20, by_newline=by_newline
    )
    lines: list[str] = []
    while batch := f.readlines(hint):
        lines += batch
    return lines, f.lineno, [(p.line, p.reason) for p in f.problems]


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, hint=st.integers(min_value=1, max_value=64))
def test_a_block_at_a_time_gives_what_line_by_line_gives(text: str, hint: int) -> None:
    assert _read(text, True, hint) == _read(text, False, hint)


def test_lines_after_a_block_can_be_read_one_by_one() -> None:
    text = io.StringIO("BEGIN\nNOTE:a\nNOTE:bb\nEND", newline="\n")
    f = BoundedLines(text, "t", by_newline=True)
    assert f.readlines(8) == ["BEGIN\n", "NOTE:a\n"]  # "NOT" read ahead, given next
    assert [*f] == ["NOTE:bb\n", "END"]
    assert f.lineno == 4
