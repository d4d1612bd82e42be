"""The README's set-up commands stay true: CI runs exactly the test command it gives."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_ci_runs_the_readme_test_command() -> None:
    run, tests = _commands()[:2]
    assert "netdesk --demo" in run
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert f'test_command="{tests}"' in ci
    assert "pytest" in tests and "[test]" in tests
