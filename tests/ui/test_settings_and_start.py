"""What survives a restart (layout, sort), and the start-up smoke test in a real process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt

from netdesk.services.settings import Settings
from netdesk.ui.models.contacts_model import COMPANY, TIE


def test_layout_and_sort_survive_a_new_window(main_window, add_contact, now, qtbot) -> None:
    add_contact("Ann", now, company="Zeta")
    add_contact("Bob", now, company="Acme")
    first = main_window()
    first.resize(780, 560)
    first.splitter.setSizes([360, 200, 200])
    header = first.contacts.view.horizontalHeader()
    # The tie column: a narrow list drops Last contact and Company, never the tie.
    header.resizeSection(TIE, 211)
    header.setSortIndicator(COMPANY, Qt.SortOrder.DescendingOrder)
    assert first.contacts.model.index(0, 0).data() == "Ann"
    qtbot.wait(20)  # the window settles at its minimum width and the panes at theirs
    sizes = first.splitter.sizes()
    size = first.size()
    assert size.height() == 560
    first.close()

    second = main_window()
    assert second.size() == size
    assert second.splitter.sizes() == sizes
    header = second.contacts.view.horizontalHeader()
    assert header.sectionSize(TIE) == 211
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        COMPANY,
        Qt.SortOrder.DescendingOrder,
    )
    assert [second.contacts.model.index(r, 0).data() for r in range(2)] == ["Ann", "Bob"]


def test_settings_are_typed_and_say_what_changed(qtbot, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.ini")
    assert settings.autostart is False
    assert settings.digest_time == "09:00"
    with qtbot.waitSignal(settings.changed) as changed:
        settings.autostart = True
    assert changed.args == ["autostart"]
    settings.set_int_list("window/splitter", [1, 2, 3])
    settings.sync()
    again = Settings(tmp_path / "settings.ini")
    assert again.autostart is True
    assert again.get_int_list("window/splitter") == [1, 2, 3]


def _launch(*args: str, data_dir: Path) -> tuple[int, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NETDESK_DATA_DIR=str(data_dir))
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "netdesk", "--exit-after-launch", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.returncode, time.monotonic() - start


def test_exit_after_launch_on_an_empty_store(tmp_path: Path) -> None:
    data = tmp_path / "empty"
    _launch(data_dir=data)
    assert (data / "netdesk.sqlite3").is_file()
    assert (data / "settings.ini").is_file()  # the layout was saved on the way out


def test_exit_after_launch_on_the_demo_network(tmp_path: Path) -> None:
    data = tmp_path / "own"
    _launch("--demo", data_dir=data)
    assert not (data / "netdesk.sqlite3").exists()  # the demo never touches the user's store
