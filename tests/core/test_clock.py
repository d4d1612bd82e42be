"""One clock: naive local time, read in one place, with names that say what they return."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from netdesk.core import clock
from netdesk.services.clock import Clock
from netdesk.store import models

PACKAGE = Path(__file__).resolve().parents[2] / "netdesk"
CLOCK_FILE = PACKAGE / "core" / "clock.py"


def clock_reads(source: str) -> list[int]:
    """Lines that read the wall clock themselves: datetime.now(), date.today(), utcnow()..."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if node.func.attr in {"now", "today", "utcnow"} and owner_name in {"datetime", "date"}:
            found.append(node.lineno)
    return found


def test_local_now_is_naive_local_time_to_the_second() -> None:
    before = dt.datetime.now().replace(microsecond=0)
    moment = clock.local_now()
    assert moment.tzinfo is None and moment.microsecond == 0
    assert before <= moment <= dt.datetime.now()
    exact = clock.local_now_exact()
    assert exact.tzinfo is None
    assert abs(exact - dt.datetime.now()) < dt.timedelta(seconds=5)


def test_the_apps_clock_and_the_stores_bookkeeping_read_the_same_clock() -> None:
    assert Clock().now().microsecond == 0
    assert abs(Clock().now() - clock.local_now()) <= dt.timedelta(seconds=1)
    created = models.Contact._meta.fields["created_at"].default
    assert created is clock.local_now_exact
    assert not hasattr(models, "utcnow")


def test_nothing_else_reads_the_wall_clock() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts or path == CLOCK_FILE:
            continue
        lines = clock_reads(path.read_text(encoding="utf-8"))
        assert not lines, f"{path.relative_to(PACKAGE)} reads the clock at lines {lines}"


def test_the_check_catches_a_clock_read() -> None:
    bad = "import datetime as dt\na = dt.datetime.now()\nb = dt.date.today()\n"
    assert clock_reads(bad) == [2, 3]
