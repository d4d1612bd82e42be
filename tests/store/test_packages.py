"""The reader and writer packages load each name from its module on first use: the three
lists that say where a name lives (for type checkers, for loading, for `import *`) agree."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

STORE = Path(__file__).resolve().parents[2] / "netdesk" / "store"


def _lists(package: str) -> tuple[dict[str, str], dict[str, str], list[str]]:
    tree = ast.parse((STORE / package / "__init__.py").read_text(encoding="utf-8"))
    typed: dict[str, str] = {}
    where: dict[str, str] = {}
    exported: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.If):  # if TYPE_CHECKING:
            for item in node.body:
                assert isinstance(item, ast.ImportFrom) and item.module
                typed.update((a.name, item.module) for a in item.names)
        elif isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            assert isinstance(target, ast.Name) and node.value is not None
            if target.id == "_WHERE":
                where = ast.literal_eval(node.value)
            elif target.id == "__all__":
                exported = ast.literal_eval(node.value)
    return typed, where, exported


@pytest.mark.parametrize("package", ["reader", "writer"])
def test_the_three_lists_agree_and_every_name_loads(package: str) -> None:
    typed, where, exported = _lists(package)
    # A name shared with a module of the package would be hidden by that module once loaded.
    assert not set(where) & {p.stem for p in (STORE / package).glob("*.py")}
    assert typed == where
    assert exported == sorted(where)
    module = importlib.import_module(f"netdesk.store.{package}")
    for name, home in where.items():
        assert getattr(module, name) is getattr(importlib.import_module(home), name), name
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018
