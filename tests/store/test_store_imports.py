"""The store's modules import each other without a cycle, even inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "netdesk" / "store"


def _module(path: Path) -> str:
    rel = path.relative_to(STORE.parent.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _store_imports(path: Path, known: set[str]) -> set[str]:
    """The store modules `path` imports, at the top or in a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        found.update(n for n in names if n in known)
    return found


def _graph() -> dict[str, set[str]]:
    paths = [p for p in STORE.rglob("*.py") if "__pycache__" not in p.parts]
    known = {_module(p) for p in paths}
    graph = {_module(p): _store_imports(p, known) for p in paths}
    # A package's __init__ imported for one of its modules is not an edge back.
    return {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in graph.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_db_and_backup_do_not_import_each_other() -> None:
    graph = _graph()
    assert "netdesk.store.backup" in graph["netdesk.store.db"]
    assert "netdesk.store.db" not in graph["netdesk.store.backup"]


def test_no_store_module_imports_itself_through_others() -> None:
    assert _cycle(_graph()) == []


def test_the_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
