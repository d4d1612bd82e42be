"""The tests the suite skips for taking minutes still run: .ci/run's second step runs every
test marked `minutes` with NETDESK_SLOW_SYNC=1, and the 5,000-card sync tests are so marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync import test_many_cards

REPO = Path(__file__).resolve().parents[2]


def test_ci_runs_the_tests_that_take_minutes() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    steps = [line for line in ci.splitlines() if not line.lstrip().startswith("#")]
    assert "NETDESK_SLOW_SYNC=1 .venv/bin/python -m pytest -m minutes" in steps
    marks = {m.name for m in test_many_cards.pytestmark if isinstance(m, pytest.MarkDecorator)}
    assert "minutes" in marks
