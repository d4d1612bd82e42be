"""The layers' one rule: a module imports from its own layer and those to its left only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "netdesk"
# sync (the CardDAV engine) stands beside the store: it may use core and store, and only
# services and ui may use it.
LAYERS = ["core", "store", "sync", "services", "ui"]
# Top-level modules and the layer each stands in.
# commands.py runs `netdesk sync`, so it stands with the sync layer (still without Qt).
TOP_LEVEL = {"paths": "core", "logs": "core", "commands": "sync", "app": "ui", "__main__": "ui"}
QT_FREE = {"core", "store", "sync"}


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
    wrong = [f"line {line}: {name}" for line, name in _store_access(path, _module_name(path))]
    assert not wrong, f"{rel} reaches past the store's readers: " + "; ".join(wrong)


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


# --- No user-facing sentence and no rule constant in the store: the playbook's rules, their
# defaults and their words live in core (pure functions, `now` passed in); the store fetches
# the facts, asks core and keeps what it answers. -------------------------------------------

STORE = PACKAGE / "store"
# Text with one of these words is SQL, whatever else it looks like.
_SQL_WORD = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WHERE|FROM|JOIN|PRAGMA|VACUUM|ATTACH"
    r"|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|INDEXED)\b"
)
_TITLE_WORD = re.compile(r"\b[A-Z][a-z]+\b")  # "Sent", "Thank"; not "NetDesk" nor "SQL"
_ENDS_A_SENTENCE = re.compile(r"[A-Za-z0-9)'\"][.!?]$")  # not "c.tie = ?"
# Names that say a constant is a rule's setting (a delay, a window, a limit, a set of states
# a rule reads).
_RULE_NAME = re.compile(
    r"_(DAYS|HOURS|WEEKS|MONTHS|YEARS|WINDOW|LEAD|THRESHOLD|CADENCE|LIMIT|MAX|MIN|STATUSES)$"
)
# Numbers at module level in the store that are technical sizes, not rules, with the reason.
STORE_TECHNICAL_SIZES = {
    ("db.py", "FULL_CHECK_BYTES"): "files up to this size get a full integrity check on open",
    ("demo.py", "_BATCH"): "rows per insert when generating a demo network",
    ("importer.py", "KEEP_KEYS"): "identifier keys an import holds in memory at most",
    ("importer.py", "COMMIT_BLOCK"): "cards per transaction when an import commits by blocks",
    ("importer.py", "STREAM_BLOCK"): "cards per block when streaming a large import",
    ("importer.py", "WHOLE_FILE_BYTES"): "files up to this size are matched as one block",
    ("sql.py", "_CHUNK"): "ids per IN list, far below SQLite's limit on bound parameters",
}
# Sentences still waiting to move to core, each with the reason. The check fails on any
# sentence not listed here, and on a listed one that is gone (so the list only shrinks).
STORE_WORDS_PENDING = {
    ("importer.py", "Connected on LinkedIn"): "the importer is being reworked; belongs in core",
    (
        "recovery.py",
        "NetDesk couldn't read your database at {}. It was moved to {}; nothing was deleted.",
    ): "the recovery report's words: to core with its backup-reason phrases",
    ("recovery.py", " The newest usable backup is from {} ({})."): "as above",
    (
        "recovery.py",
        " No usable backup was found, so NetDesk can start with an empty store.",
    ): "as above",
}


def _text(node: ast.Constant | ast.JoinedStr) -> str:
    """A string literal's text; an f-string's with `{}` where its values go."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    return "".join(
        str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values
    )


def _looks_like_prose(text: str) -> bool:
    words = text.strip()
    if " " not in words or _SQL_WORD.search(words):
        return False
    return bool(_TITLE_WORD.search(words) or _ENDS_A_SENTENCE.search(words))


def _quiet_nodes(tree: ast.Module) -> set[int]:
    """Ids of the nodes whose strings are not the app's words: docstrings (and any bare
    string statement), exception messages (in a raise, or in an exception class), and the
    parts of an f-string (read whole)."""
    quiet: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            quiet.add(id(node.value))
        elif isinstance(node, ast.Raise) and node.exc is not None:
            quiet.update(id(n) for n in ast.walk(node.exc))
        elif isinstance(node, ast.ClassDef) and any(
            ast.unparse(base).endswith(("Error", "Exception")) for base in node.bases
        ):
            quiet.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.JoinedStr):
            quiet.update(id(n) for n in ast.walk(node) if n is not node)
    return quiet


def _numeric(value: ast.expr) -> bool:
    """A number, arithmetic on numbers, or a timedelta: what a rule's setting looks like."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, int | float) and not isinstance(value.value, bool)
    if isinstance(value, ast.BinOp):
        return _numeric(value.left) and _numeric(value.right)
    if isinstance(value, ast.UnaryOp):
        return _numeric(value.operand)
    return isinstance(value, ast.Call) and ast.unparse(value.func).endswith("timedelta")


def _store_words_and_rules(path: Path, rel: str) -> list[tuple[int, str]]:
    """Sentences and rule constants in one store module: (line, what) each."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    quiet = _quiet_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in quiet:
            continue
        if isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str)
        ):
            text = _text(node)
            if _looks_like_prose(text):
                found.append((node.lineno, f"sentence {text!r}"))
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        for target in targets:
            if not isinstance(target, ast.Name) or not target.id.lstrip("_").isupper():
                continue
            if _RULE_NAME.search(target.id):
                found.append((statement.lineno, f"rule constant {target.id}"))
            elif _numeric(value) and (rel, target.id) not in STORE_TECHNICAL_SIZES:
                found.append((statement.lineno, f"number {target.id}"))
    return found


def _store_modules() -> list[Path]:
    return [p for p in _modules() if p.is_relative_to(STORE)]


def _pending(rel: str, what: str) -> bool:
    return what.startswith("sentence ") and (rel, ast.literal_eval(what[9:])) in STORE_WORDS_PENDING


@pytest.mark.parametrize("path", _store_modules(), ids=lambda p: str(p.relative_to(STORE)))
def test_the_store_holds_no_sentence_and_no_rule_constant(path: Path) -> None:
    rel = path.relative_to(STORE).as_posix()
    wrong = [
        f"line {line}: {what}"
        for line, what in _store_words_and_rules(path, rel)
        if not _pending(rel, what)
    ]
    assert not wrong, (
        f"store/{rel} holds the playbook's words or rules (they belong in core): "
        + "; ".join(wrong)
    )


@pytest.mark.parametrize("pending", sorted(STORE_WORDS_PENDING), ids=lambda p: f"{p[0]}:{p[1]}")
def test_the_pending_store_words_list_is_current(pending: tuple[str, str]) -> None:
    rel, text = pending
    path = STORE / rel
    found = {w for _, w in _store_words_and_rules(path, rel)} if path.exists() else set()
    assert f"sentence {text!r}" in found, f"store/{rel} no longer says {text!r}: remove it"


def test_the_store_check_catches_sentences_and_rule_constants(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        '"""A module docstring. It is documentation."""\n'
        "import datetime as dt\n"
        "THANKS_WINDOW_DAYS = 90\n"
        "_HEADS_UP_LEAD = dt.timedelta(days=2)\n"
        "APPLIED_STATUSES = frozenset({'applied'})\n"
        "PAGE_ROWS = 20 * 10\n"
        "def f(name, gift):\n"
        '    """Say hello. Documentation too."""\n'
        "    note = 'Say thank you, and name what they did.'\n"
        "    sent = f'Sent {gift}'\n"
        "    plain = 'a lowercase phrase'\n"
        "    sql = 'SELECT id FROM contact WHERE name = ?'\n"
        "    where = ' AND c.tie = ?'\n"
        "    if not name:\n"
        "        raise ValueError('The name is needed.')\n"
        "    return f'Thank {name} for their help.'\n"
        "class NameError_(Exception):\n"
        "    def __init__(self) -> None:\n"
        "        super().__init__('This name is wrong.')\n"
    )
    assert _store_words_and_rules(bad, "bad.py") == [
        (9, "sentence 'Say thank you, and name what they did.'"),
        (10, "sentence 'Sent {}'"),
        (16, "sentence 'Thank {} for their help.'"),
        (3, "rule constant THANKS_WINDOW_DAYS"),
        (4, "rule constant _HEADS_UP_LEAD"),
        (5, "rule constant APPLIED_STATUSES"),
        (6, "number PAGE_ROWS"),
    ]
    # A technical size listed with its reason passes.
    sizes = tmp_path / "sql.py"
    sizes.write_text("_CHUNK = 500\n")
    assert _store_words_and_rules(sizes, "sql.py") == []


# --- One way in for every change: the ui and the services write the store only through the
# action layer (services/actions.py), and only it announces changes on the hub. -----------

ACTION_LAYER = "services/actions.py"
WRITER_MODULES = ("netdesk.store.writer", "netdesk.store.undo")
# What a change is and what undoes it, as types the ui may name (they write nothing).
WRITER_TYPES = frozenset({"netdesk.store.writer.Changes", "netdesk.store.undo.Step"})
WRITE_CALLS = frozenset(
    {"apply_plan", "undo_import", "stream_import", "load_network", "replay", "recording"}
)
CHANGE_SIGNALS = frozenset(
    {
        "changed",
        "contactsChanged",
        "timelineChanged",
        "followUpsChanged",
        "searchChanged",
        "importApplied",
        "importUndone",
    }
)
# The one place besides the action layer that may touch the store for a change, and why.
WRITES_ELSEWHERE = {
    ("ui/dialogs/recovery.py", "restore_backup()"): (
        "a restore replaces the database file itself; the action layer records it "
        "(Actions.restored) so that Undo puts the store back"
    ),
    ("ui/store_check.py", "restore_backup()"): "recovery of a damaged store, before any action",
}


def _name_of(node: ast.expr) -> str:
    """`self._hub` -> "_hub", `hub` -> "hub": whose signal is emitted."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _writes(path: Path, module: str) -> list[tuple[int, str]]:
    """Writer imports, write calls and change-signal emits in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = [
        (line, name)
        for line, name in _imported_names(tree, module)
        if any(name == m or name.startswith(m + ".") for m in WRITER_MODULES)
        and name not in WRITER_TYPES
    ]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        func = node.func
        owner = _name_of(func.value)
        if (func.attr in WRITE_CALLS and owner in ("importer", "undo", "store_demo")) or (
            func.attr == "restore_backup"
        ):
            found.append((node.lineno, f"{func.attr}()"))
        elif (func.attr == "publish" and "hub" in _name_of(func.value)) or (
            func.attr == "emit"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr in CHANGE_SIGNALS
            and "hub" in _name_of(func.value.value)
        ):
            target = func.value.attr if func.attr == "emit" else "hub"
            found.append((node.lineno, f"{target}.{func.attr}()"))
    return found


def _ui_and_services() -> list[Path]:
    return [
        p
        for p in _modules()
        if p.relative_to(PACKAGE).parts[0] in ("ui", "services")
        and str(p.relative_to(PACKAGE)) not in (ACTION_LAYER, "services/signals.py")
    ]


@pytest.mark.parametrize("path", _ui_and_services(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_ui_and_services_change_the_store_only_through_the_action_layer(path: Path) -> None:
    rel = str(path.relative_to(PACKAGE))
    wrong = [
        f"line {line}: {what}"
        for line, what in _writes(path, _module_name(path))
        if (rel, what) not in WRITES_ELSEWHERE
    ]
    assert not wrong, f"{rel} writes or announces outside the action layer: " + "; ".join(wrong)


@pytest.mark.parametrize("allowed", sorted(WRITES_ELSEWHERE), ids=lambda a: f"{a[0]}:{a[1]}")
def test_the_writes_elsewhere_list_is_current(allowed: tuple[str, str]) -> None:
    rel, what = allowed
    path = PACKAGE / rel
    assert what in [w for _, w in _writes(path, _module_name(path))], f"{rel} no longer {what}"


def test_the_action_layer_check_catches_writes_and_emits(tmp_path: Path) -> None:
    bad = tmp_path / "pane.py"
    bad.write_text(
        "from netdesk.store import writer\n"
        "from netdesk.store.writer.derived import recompute_follow_ups\n"
        "from netdesk.store.undo import Step\n"
        "def act(hub, importer):\n"
        "    writer.set_tie([1], None, None)\n"
        "    importer.apply_plan(None, [], None)\n"
        "    hub.contactsChanged.emit([])\n"
        "    hub.publish(None)\n"
    )
    found = {what for _, what in _writes(bad, "netdesk.ui.pane")}
    assert "netdesk.store.undo.Step" not in found
    assert {
        "netdesk.store.writer",
        "netdesk.store.writer.derived.recompute_follow_ups",
        "apply_plan()",
        "contactsChanged.emit()",
        "hub.publish()",
    } <= found
