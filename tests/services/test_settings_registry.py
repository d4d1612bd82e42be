"""The settings registry: every setting declared once, with the only copy of its default."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from netdesk.core.playbook import PlaybookSettings
from netdesk.core.templates import DEFAULT_TEMPLATES
from netdesk.services import scheduler
from netdesk.services import settings as registry
from netdesk.services.settings import Kind, Settings, StoredIn

PACKAGE = Path(__file__).resolve().parents[2] / "netdesk"
REGISTRY_FILE = PACKAGE / "services" / "settings.py"


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def defaults_passed_to_value(source: str) -> list[int]:
    """Lines that read a setting with a default of their own: `x.value(key, default)`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "value"
            and (len(node.args) > 1 or any(k.arg == "default" for k in node.keywords))
        ):
            found.append(node.lineno)
    return found


def string_constants(source: str) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_keys_are_unique_and_every_setting_has_words() -> None:
    keys = [s.key for s in registry.REGISTRY]
    assert len(keys) == len(set(keys))
    for setting in registry.REGISTRY:
        assert setting.label.strip(), setting.key
        if setting.section:
            assert setting.section in registry.SECTIONS
            assert setting.description.strip(), setting.key


def test_the_playbook_defaults_are_the_playbooks_own() -> None:
    playbook = [s for s in registry.REGISTRY if s.key.startswith(registry.PLAYBOOK_PREFIX)]
    fields = {f.name for f in dataclasses.fields(PlaybookSettings)}
    assert {registry.playbook_field(s) for s in playbook} == fields
    for setting in playbook:
        assert setting.kind is Kind.DAYS
        assert setting.default == getattr(PlaybookSettings(), registry.playbook_field(setting))
        assert setting.minimum <= setting.default <= setting.maximum


def test_the_template_defaults_are_cores() -> None:
    named = {s.key.removeprefix(registry.TEMPLATES_PREFIX): s for s in registry.TEMPLATES}
    assert set(named) == set(DEFAULT_TEMPLATES)
    for name, setting in named.items():
        assert setting.default is DEFAULT_TEMPLATES[name]


def test_no_setting_default_is_written_outside_the_registry() -> None:
    defaults = {
        s.default
        for s in registry.REGISTRY
        if s.stored_in is StoredIn.INI and isinstance(s.default, str) and s.default
    }
    assert registry.DIGEST_TIME.default in defaults
    for path in _sources():
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(PACKAGE)
        if path == REGISTRY_FILE:
            continue
        assert not defaults_passed_to_value(source), f"{rel}: a default passed to .value()"
        repeated = defaults & string_constants(source)
        assert not repeated, f"{rel} repeats the registry's default {sorted(repeated)}"


def test_the_registry_takes_the_playbooks_numbers_from_core() -> None:
    numbers = {
        node.value
        for node in ast.walk(ast.parse(REGISTRY_FILE.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and type(node.value) is int
    }
    playbook = PlaybookSettings()
    written_here = numbers & {getattr(playbook, f.name) for f in dataclasses.fields(playbook)}
    assert not written_here, f"settings.py writes the playbook's defaults {sorted(written_here)}"


def test_the_checks_catch_a_default_written_twice() -> None:
    bad = 'at = settings.value("digest_time", "09:00")\nlater = settings.value(key, default=1)\n'
    assert defaults_passed_to_value(bad) == [1, 2]
    assert registry.DIGEST_TIME.default in string_constants(bad)


def test_settings_read_the_registrys_defaults(qapp: object, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.ini")
    for setting in registry.REGISTRY:
        if setting.stored_in is StoredIn.INI:
            assert settings.get(setting) == setting.default, setting.key
    assert settings.digest_time == registry.DIGEST_TIME.default
    assert registry.default_digest_time() == scheduler.DEFAULT_DIGEST_TIME
    assert scheduler.parse_digest_time("nonsense") == registry.default_digest_time()
    settings.set_value(registry.DIGEST_TIME.key, "")
    assert settings.digest_time == registry.DIGEST_TIME.default


def test_only_registered_keys_of_the_ini_file_are_read(qapp: object, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.ini")
    with pytest.raises(KeyError, match="not in the settings registry"):
        settings.value("window/nowhere")
    with pytest.raises(KeyError, match="not in the settings registry"):
        settings.set_value("window/nowhere", 1)
    with pytest.raises(KeyError, match="database"):
        settings.value(registry.MY_NAME.key)


def test_values_keep_their_kind_across_a_restart(qapp: object, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.ini")
    settings.put(registry.WINDOW_SPLITTER, (300, 200, 100))
    settings.put(registry.CONTACT_SORT_COLUMN, 2)
    settings.put(registry.NO_TRAY_KEEP_RUNNING, True)
    settings.put(registry.DIGEST_TIME, "07:30")
    settings.sync()
    again = Settings(tmp_path / "settings.ini")
    assert again.get(registry.WINDOW_SPLITTER) == (300, 200, 100)
    assert again.get(registry.CONTACT_SORT_COLUMN) == 2
    assert again.get(registry.NO_TRAY_KEEP_RUNNING) is True
    assert again.get(registry.DIGEST_TIME) == "07:30"
