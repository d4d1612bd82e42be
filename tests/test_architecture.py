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


# --- No SQL and no Peewee in the ui: it asks the store's readers (and, for changes, the
# action layer) for plain rows and counts. ------------------------------------------------

UI_BANNED_MODULES = ("peewee", "playhouse", "netdesk.store.models")
UI_BANNED_CALLS = frozenset({"execute_sql", "run_sql", "raw_connection"})
# Uses still waiting for a home outside the ui, each with the reason. The check fails on any
# use not listed here, and on a listed one that is gone (so the list only shrinks).
UI_STORE_ACCESS_PENDING = {
    ("ui/import_flow.py", "netdesk.store.models.ImportBatch"): "undo of an import: actions",
    ("ui/import_flow.py", "netdesk.store.models.db"): "the backup before an import: actions",
    ("ui/store_check.py", "netdesk.store.models.db"): "closes the open store for recovery",
    ("ui/dialogs/recovery.py", "peewee"): "open_store's return type",
    ("ui/dialogs/recovery.py", "netdesk.store.models.db"): "the open store a restore replaces",
}


def _imported_names(tree: ast.Module, module: str) -> list[tuple[int, str]]:
    """Every name imported, as a dotted path: `from a import b` gives `a.b`; relative
    imports are resolved against `module` (the importing module's dotted name)."""
    package = module.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def _store_access(path: Path, module: str) -> list[tuple[int, str]]:
    """Imports of Peewee or the store's models, and calls that run SQL, in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = [
        (line, name)
        for line, name in _imported_names(tree, module)
        if any(name == banned or name.startswith(banned + ".") for banned in UI_BANNED_MODULES)
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            if called in UI_BANNED_CALLS:
                found.append((node.lineno, f"{called}()"))
    return found


def _ui_modules() -> list[Path]:
    return [p for p in _modules() if p.relative_to(PACKAGE).parts[0] == "ui"]


def _module_name(path: Path) -> str:
    return "netdesk." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


@pytest.mark.parametrize("path", _ui_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_ui_runs_no_sql_and_imports_no_peewee_or_store_models(path: Path) -> None:
    rel = path.relative_to(PACKAGE).as_posix()
    wrong = [
        f"line {line}: {name}"
        for line, name in _store_access(path, _module_name(path))
        if (rel, name) not in UI_STORE_ACCESS_PENDING
    ]
    assert not wrong, f"{rel} reaches past the store's readers: " + "; ".join(wrong)


@pytest.mark.parametrize("pending", sorted(UI_STORE_ACCESS_PENDING), ids=lambda p: f"{p[0]}:{p[1]}")
def test_the_pending_ui_store_access_list_is_current(pending: tuple[str, str]) -> None:
    rel, name = pending
    path = PACKAGE / rel
    found = {n for _, n in _store_access(path, _module_name(path))} if path.exists() else set()
    assert name in found, f"{rel} no longer uses {name}: remove it from the pending list"


def test_the_ui_check_catches_sql_and_peewee(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import peewee as pw\n"
        "from netdesk.store.models import Contact, db\n"
        "from ...store import models\n"
        "import netdesk.store.models.more\n"
        "from playhouse.sqlite_ext import FTS5Model\n"
        "db.execute_sql('SELECT 1')\n"
        "run_sql(db, 'SELECT 1')\n"
        "sql.raw_connection(db).execute('SELECT 1')\n"
    )
    found = _store_access(bad, "netdesk.ui.dialogs.bad")
    assert found == [
        (1, "peewee"),
        (2, "netdesk.store.models.Contact"),
        (2, "netdesk.store.models.db"),
        (3, "netdesk.store.models"),
        (4, "netdesk.store.models.more"),
        (5, "playhouse.sqlite_ext.FTS5Model"),
        (6, "execute_sql()"),
        (7, "run_sql()"),
        (8, "raw_connection()"),
    ]
    good = tmp_path / "good.py"
    good.write_text(
        "from netdesk.store import reader\n"
        "from netdesk.store.reader import ListFilter\n"
        "reader.count_contact_list(ListFilter())\n"
    )
    assert _store_access(good, "netdesk.ui.good") == []
