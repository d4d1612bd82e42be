"""The gallery draws every window and dialog; at 1024x640 every text in them fits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netdesk.ui import fits

REPO = Path(__file__).resolve().parents[2]

# What the gallery must find on the demo store; a window that goes missing fails here, so
# the check below cannot pass by drawing nothing.
EXPECTED = {
    "main",
    "main-contact",
    "main-search",
    "main-search-nothing",
    "new-contact",
    "edit-contact",
    "edit-contact-relationship",
    "log-interaction",
    "preferences",
    "export",
    "restore-backup",
    "import-preview",
    "recovery",
    "about",
    "search-state",
    "sort-network",
    "status-update",
    "offer",
    "references",
    "companies",
    "glance",
    "templates",
    "wrap-up-under-way",
    "first-run",
    "find-duplicates",
    "merge",
    "accounts",
    "export-calendar",
    "import-mail-preview",
    "send-status-updates",
}


@pytest.mark.slow
def test_every_window_and_dialog_fits_at_1024x640(tmp_path: Path) -> None:
    """The gallery, on the demo network and on an empty store, on a 1024x640 screen: no label,
    button, header or tab text is cut or elided, and no window is larger than the screen."""
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the gallery gives each size its own offscreen screen
    done = subprocess.run(
        [sys.executable, "-m", "netdesk.ui.gallery", str(tmp_path), "--sizes", "1024x640",
         "--themes", "light", "--no-pictures"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (report,) = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    names = {Path(p).stem for p in report["pictures"] if p.startswith("demo-")}
    assert names >= EXPECTED, f"not drawn: {sorted(EXPECTED - names)}; {report['skipped']}"
    cut = [
        f"{c['store']}/{c['picture']}: {c['where']}: {c['kind']} {c['text']!r} needs "
        f"{c['needed']} px, has {c['available']}"
        for c in report["cuts"]
        if c["kind"] in fits.STRICT_KINDS
    ]
    assert not cut, "texts that do not fit at 1024x640:\n" + "\n".join(cut)


@pytest.mark.slow
@pytest.mark.parametrize("size", ["1920x1080", "1280x800"])
def test_the_main_window_fits_on_larger_screens(tmp_path: Path, size: str) -> None:
    """Every state of the main window on a larger screen: a contact card shown after another
    (its rows' heights measured anew, not kept from the last card) and the panes' headers."""
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-m", "netdesk.ui.gallery", str(tmp_path), "--sizes", size,
         "--themes", "light", "--only", "main", "--no-pictures"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=110, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    (report,) = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert any(Path(p).stem == "main-search-selected" for p in report["pictures"])
    cut = [
        f"{c['store']}/{c['picture']}: {c['where']}: {c['text']!r}"
        for c in report["cuts"]
        if c["kind"] in fits.STRICT_KINDS
    ]
    assert not cut, f"texts that do not fit at {size}:\n" + "\n".join(cut)
