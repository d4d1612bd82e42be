"""The command line's edges: where options go, typos, what goes to stderr, and folders it
must leave alone."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from netdesk import __main__ as cli

CARD = "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Lima\nEMAIL:ana@example.org\nEND:VCARD\n"


def run(*args: str, env_data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    if env_data_dir is not None:
        env["NETDESK_DATA_DIR"] = str(env_data_dir)
    result = subprocess.run(
        [sys.executable, "-m", "netdesk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_data_dir_before_the_command_chooses_the_store(tmp_path: Path) -> None:
    chosen, default = tmp_path / "chosen", tmp_path / "default"
    card = tmp_path / "ana.vcf"
    card.write_text(CARD)
    done = run("--data-dir", str(chosen), "import", str(card), env_data_dir=default)
    assert done.returncode == 0, done.stderr
    assert (chosen / "netdesk.sqlite3").is_file()
    assert not default.exists()
    # After the command, and in the `=` form, too.
    args = cli.command_parser().parse_args(["import", "--data-dir", "D", "x.vcf"])
    assert args.data_dir == "D"
    args = cli.command_parser().parse_args([f"--data-dir={chosen}", "due"])
    assert args.data_dir == str(chosen)
    args = cli.command_parser().parse_args(["due"])
    assert args.data_dir is None


def test_a_mistyped_command_is_a_usage_error_without_a_window(tmp_path: Path) -> None:
    done = run("exprot", env_data_dir=tmp_path / "data")
    assert done.returncode == 2
    assert "'exprot' is not a command" in done.stderr and "netdesk export" in done.stderr
    assert not (tmp_path / "data").exists()


def test_an_existing_file_still_opens_the_import_preview(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[object] = []
    import netdesk.app

    monkeypatch.setattr(netdesk.app, "run", lambda args: seen.append(args.files) or 0)
    card = tmp_path / "exprot"  # a file that happens to look like a word
    card.write_text(CARD)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["exprot"]) == 0
    assert cli.main([str(tmp_path / "missing.vcf")]) == 0  # a path: the preview names it
    assert seen == [["exprot"], [str(tmp_path / "missing.vcf")]]


def test_a_refused_file_is_reported_on_stderr(tmp_path: Path) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    done = run("import", "--data-dir", str(tmp_path / "data"), str(picture))
    assert done.returncode == 1
    assert "photo.png" in done.stderr and "not a contact file" in done.stderr
    assert "not a contact file" not in done.stdout


def test_backup_to_a_file_leaves_its_folder_mode_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    card = tmp_path / "ana.vcf"
    card.write_text(CARD)
    assert run("import", "--data-dir", str(data), str(card)).returncode == 0
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    done = run("backup", "--data-dir", str(data), "-o", str(shared / "copy.sqlite3"))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE((shared / "copy.sqlite3").stat().st_mode) == 0o600
    # A folder the command has to make is made private.
    done = run("backup", "--data-dir", str(data), "-o", str(tmp_path / "new" / "copy.sqlite3"))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700


def test_exit_after_launch_never_waits_on_a_refusal(tmp_path: Path) -> None:
    # The smoke test of every build uses --exit-after-launch: a store it cannot open must
    # end it with the reason on stderr, not leave it waiting on a dialog nobody sees.
    import sqlite3

    data = tmp_path / "data"
    made = subprocess.run(
        [sys.executable, "-m", "netdesk", "demo", "--contacts", "3", "--data-dir", str(data)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    conn = sqlite3.connect(data / "netdesk.sqlite3")
    conn.execute("INSERT INTO schema_version (version, changed_at) VALUES (999, '2026-01-01')")
    conn.commit()
    conn.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "netdesk", "--data-dir", str(data), "--exit-after-launch"],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "written by a newer NetDesk" in done.stderr and "left untouched" in done.stderr
