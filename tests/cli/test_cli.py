"""The command line, run as a user runs it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import corpus_files


def netdesk(
    *args: str, data_dir: Path | None = None, check: bool = False, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    command = [sys.executable, "-m", "netdesk", *args]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{command} exited {result.returncode}: {result.stderr}")
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_help_lists_every_command() -> None:
    result = netdesk("--help", check=True)
    for word in (
        "import",
        "export",
        "due",
        "backup",
        "restore",
        "demo",
        "--data-dir",
        "--demo",
        "--exit-after-launch",
    ):
        assert word in result.stdout
    assert netdesk("due", "--help", check=True).stdout.count("--at") >= 1


def test_usage_errors_exit_2_and_failures_exit_1(tmp_path: Path) -> None:
    bad = netdesk("export", "--format", "pdf", data_dir=tmp_path)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    missing = netdesk("import", str(tmp_path / "nope.vcf"), data_dir=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "nope.vcf" in missing.stderr
    when = netdesk("due", "--at", "next tuesday", data_dir=tmp_path)
    assert when.returncode == 1 and "next tuesday" in when.stderr
    nothing = netdesk("import", data_dir=tmp_path)
    assert (nothing.returncode, nothing.stderr.strip()) == (
        2,
        "netdesk import: name a file to import (or a mailbox with --mail PATH)",
    )


def test_due_on_an_empty_folder_says_nothing_is_due(tmp_path: Path) -> None:
    result = netdesk("due", data_dir=tmp_path / "empty", check=True)
    assert "Nothing is due" in result.stdout
    as_json = json.loads(netdesk("due", "--json", data_dir=tmp_path / "empty", check=True).stdout)
    assert as_json["count"] == 0 and as_json["follow_ups"] == []


def test_data_dir_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vcf = tmp_path / "one.vcf"
    vcf.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ana Lima\nEMAIL:ana@x.example\nEND:VCARD\n")
    monkeypatch.setenv("NETDESK_DATA_DIR", str(tmp_path / "env-store"))
    netdesk("import", str(vcf), check=True)
    assert (tmp_path / "env-store" / "netdesk.sqlite3").exists()
    exported = json.loads(netdesk("export", "--format", "json", check=True).stdout)
    assert [c["display_name"] for c in exported["contacts"]] == ["Ana Lima"]


def test_demo_then_due_follows_the_playbook(tmp_path: Path) -> None:
    store = tmp_path / "demo"
    netdesk("demo", "--contacts", "2000", "--seed", "7", data_dir=store, check=True)
    result = json.loads(netdesk("due", "--json", data_dir=store, check=True).stdout)
    assert result["count"] > 0
    reasons = {f["reason"] for f in result["follow_ups"]}
    assert {"met_no_follow_up", "cadence"} <= reasons
    for item in result["follow_ups"]:
        sentence = item["sentence"]
        first = item["contact"].split()[0]
        assert first in sentence, item
        if item["reason"] == "met_no_follow_up":
            assert "haven't followed up" in sentence
        elif item["reason"] == "cadence":
            assert "every" in sentence and "days" in sentence
        elif item["reason"] == "status_update":
            assert "status update" in sentence
    again = netdesk("demo", "--contacts", "10", data_dir=store)
    assert again.returncode == 1 and "already holds 2000 contacts" in again.stderr


def test_export_import_round_trip_and_backup_restore(tmp_path: Path) -> None:
    store = tmp_path / "a"
    netdesk("demo", "--contacts", "60", "--seed", "3", data_dir=store, check=True)
    for fmt, name in (("vcard", "all.vcf"), ("csv", "all.csv"), ("json", "all.json")):
        netdesk("export", "--format", fmt, "-o", str(tmp_path / name), data_dir=store, check=True)
    fresh = tmp_path / "b"
    out = netdesk("import", "--json", str(tmp_path / "all.vcf"), data_dir=fresh, check=True)
    assert json.loads(out.stdout)["new"] == 60
    original = json.loads((tmp_path / "all.json").read_text())
    copied = json.loads(netdesk("export", "--format", "json", data_dir=fresh, check=True).stdout)

    def people(doc: dict[str, list[dict[str, object]]]) -> set[tuple[object, ...]]:
        return {
            (c["display_name"], tuple(c["emails"]), tuple(c["phones"]), c["title"])  # type: ignore[arg-type]
            for c in doc["contacts"]
        }

    assert people(copied) == people(original)

    saved = netdesk("backup", "-o", str(tmp_path / "saved.sqlite3"), data_dir=store, check=True)
    assert (tmp_path / "saved.sqlite3").exists() and "saved.sqlite3" in saved.stdout
    restored = netdesk("restore", str(tmp_path / "saved.sqlite3"), data_dir=fresh, check=True)
    assert "Restored 60 contacts" in restored.stdout
    not_a_backup = netdesk("restore", str(tmp_path / "all.csv"), data_dir=fresh)
    assert not_a_backup.returncode == 1 and "not a usable NetDesk backup" in not_a_backup.stderr


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_dry_run_json_on_every_corpus_file(path: Path, tmp_path: Path) -> None:
    result = netdesk("import", "--dry-run", "--json", str(path), data_dir=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    plan = json.loads(result.stdout)
    assert plan["dry_run"] is True
    assert plan["new"] + plan["errors"] + plan["duplicates"] == len(plan["entries"]) > 0
    assert not (tmp_path / "netdesk.sqlite3").exists() or plan["batch_id"] is None


def test_corpus_folder_present_or_skip() -> None:
    if not corpus_files():
        pytest.skip("corpus folder ../shared/corpus/public not found: per-file CLI tests skipped")
