"""The layers' one rule: a module imports from its own layer and those to its left only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "netdesk"
LAYERS = ["core", "store", "services", "ui"]
# Top-level modules and the layer each stands in.
TOP_LEVEL = {"paths": "core", "logs": "core", "commands": "store", "app": "ui", "__main__": "ui"}
QT_FREE = {"core", "store"}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "netdesk" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else TOP_LEVEL.get(parts[1])


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{a.name}") for a in node.names)
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_left_only(path: Path) -> None:
    rel = path.relative_to(PACKAGE).with_suffix("")
    own = _layer("netdesk." + ".".join(rel.parts))
    if own is None:
        return  # netdesk/__init__.py
    allowed = set(LAYERS[: LAYERS.index(own) + 1])
    wrong = []
    for line, name in _imports(path):
        if own in QT_FREE and name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}:
            wrong.append(f"line {line}: {name} (Qt below the services layer)")
        target = _layer(name)
        if target is not None and target not in allowed:
            wrong.append(f"line {line}: {name} (layer {target!r} is right of {own!r})")
    assert not wrong, f"{rel}: " + "; ".join(wrong)


def test_the_check_catches_a_wrong_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from netdesk.ui.main_window import MainWindow\nimport PySide6.QtCore\n")
    names = [n for _, n in _imports(bad)]
    assert "netdesk.ui.main_window" in names and "PySide6.QtCore" in names
    assert _layer("netdesk.ui.main_window") == "ui"
    assert _layer("netdesk.store.reader") == "store"
