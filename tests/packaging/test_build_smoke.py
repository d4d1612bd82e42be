"""Smoke test of the real build: frozen app, .deb and tarball (only with NETDESK_BUILD_SMOKE=1).

    NETDESK_BUILD_SMOKE=1 .venv/bin/python -m pytest tests/packaging -q

builds everything with `packaging/build.py all` (add NETDESK_BUILD_REUSE=1 to test the
artifacts already in dist/), then starts the frozen app under a private Xvfb, reads a
corpus file with it, and installs and removes the .deb (as root) and the tarball.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "dist"
FROZEN = DIST / "netdesk" / "netdesk"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("NETDESK_BUILD_SMOKE") != "1",
        reason="builds the packages (minutes): run with NETDESK_BUILD_SMOKE=1",
    ),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux build only"),
    pytest.mark.timeout(900),
]


def _version() -> str:
    text = (REPO / "netdesk" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    assert match
    return match.group(1)


@pytest.fixture(scope="module")
def built() -> dict[str, Path]:
    version = _version()
    debs = sorted(DIST.glob(f"netdesk_{version}_*.deb"))
    tarballs = sorted(DIST.glob(f"netdesk-{version}-linux-*.tar.gz"))
    reuse = os.environ.get("NETDESK_BUILD_REUSE") == "1" and FROZEN.is_file() and debs and tarballs
    if not reuse:
        subprocess.run([sys.executable, str(REPO / "packaging" / "build.py"), "all"], check=True)
        debs = sorted(DIST.glob(f"netdesk_{version}_*.deb"))
        tarballs = sorted(DIST.glob(f"netdesk-{version}-linux-*.tar.gz"))
    assert FROZEN.is_file() and debs and tarballs
    return {"deb": debs[-1], "tarball": tarballs[-1]}


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A private X server: the frozen app draws through the real xcb plugin."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (Debian package xvfb)")
    read, write = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not start"
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _gui_env(display: str) -> dict[str, str]:
    env = dict(os.environ, DISPLAY=display)
    env.pop("QT_QPA_PLATFORM", None)  # the test suite's offscreen default
    env.pop("WAYLAND_DISPLAY", None)
    return env


def _launch(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [*command, "--exit-after-launch"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Could not load the Qt platform plugin" not in done.stderr


def test_frozen_app_launches_under_xvfb(built: dict[str, Path], display: str) -> None:
    _launch([str(FROZEN)], _gui_env(display))


def test_frozen_app_launches_offscreen(built: dict[str, Path]) -> None:
    _launch([str(FROZEN)], dict(os.environ, QT_QPA_PLATFORM="offscreen"))


def test_frozen_app_reads_a_corpus_file(built: dict[str, Path]) -> None:
    from tests.conftest import require_corpus

    corpus = require_corpus()
    vcf = sorted(corpus.glob("*.vcf"))[0]
    done = subprocess.run(
        [str(FROZEN), "import", "--dry-run", "--json", str(vcf)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)


def _opens_a_vcard_through_xdg_open(env: dict[str, str], tmp_path: Path) -> None:
    """A double-click on a desktop xdg-utils does not recognise: the app starts (it takes
    its data folder's lock) with the file, instead of xdg-open failing with rc 4."""
    data = tmp_path / "xdg-open-data"
    card = tmp_path / "ada.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEND:VCARD\n")
    output = tmp_path / "xdg-open.out"
    with output.open("w") as out:
        opened = subprocess.Popen(
            ["xdg-open", str(card)],
            env=dict(env, XDG_CURRENT_DESKTOP="i3", NETDESK_DATA_DIR=str(data)),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        for _ in range(300):
            if (data / "netdesk.lock").exists() or opened.poll() is not None:
                break
            time.sleep(0.1)
        assert (data / "netdesk.lock").exists(), output.read_text()
    finally:
        if opened.poll() is None:
            os.killpg(opened.pid, signal.SIGTERM)
            opened.wait(timeout=20)


def test_deb_declares_its_glibc_and_copyright(built: dict[str, Path]) -> None:
    fields = subprocess.run(
        ["dpkg-deb", "-f", str(built["deb"]), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"\blibc6 \(>= 2\.\d+\)", fields), fields
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(built["deb"])], capture_output=True, text=True, check=True
    ).stdout
    assert "./usr/share/doc/netdesk/copyright" in listing


def test_installed_deb_launches_and_opens_vcards(built: dict[str, Path], display: str) -> None:
    if os.geteuid() != 0 or shutil.which("dpkg") is None:
        pytest.skip("installing the .deb needs root on a Debian system")
    if shutil.which("xdg-mime") is None:
        pytest.skip("xdg-mime is not installed (Debian package xdg-utils)")
    installed = subprocess.run(["dpkg", "-i", str(built["deb"])], capture_output=True, text=True)
    try:
        if installed.returncode != 0:
            # What `apt install ./netdesk.deb` does: fetch the missing dependencies (from
            # Debian) and finish configuring the package.
            assert "dependency problems" in installed.stderr, installed.stderr
            subprocess.run(
                ["apt-get", "install", "-f", "-y", "-qq", "--no-install-recommends"],
                env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
                check=True,
                capture_output=True,
            )
        assert Path("/usr/bin/netdesk").resolve() == Path("/opt/netdesk/netdesk")
        _launch(["netdesk"], _gui_env(display))
        default = subprocess.run(
            ["xdg-mime", "query", "default", "text/vcard"],
            capture_output=True,
            text=True,
            env=dict(os.environ, XDG_DATA_DIRS="/usr/local/share:/usr/share"),
        )
        assert default.stdout.strip() == "netdesk.desktop"
        assert Path("/usr/share/icons/hicolor/scalable/apps/netdesk.svg").is_file()
    finally:
        subprocess.run(["dpkg", "-r", "netdesk"], check=True, capture_output=True)
        subprocess.run(["dpkg", "--purge", "netdesk"], check=True, capture_output=True)
    assert not Path("/usr/bin/netdesk").exists() and not Path("/opt/netdesk").exists()


def test_tarball_installs_for_one_user(
    built: dict[str, Path], display: str, tmp_path: Path
) -> None:
    shutil.unpack_archive(built["tarball"], tmp_path)
    (folder,) = tmp_path.iterdir()
    home = Path(os.environ["HOME"])
    env = dict(_gui_env(display), HOME=str(home))
    subprocess.run(["sh", str(folder / "install.sh"), "--set-default"], env=env, check=True)
    command = home / ".local" / "bin" / "netdesk"
    _launch([str(command)], env)
    if shutil.which("xdg-mime"):
        default = subprocess.run(
            ["xdg-mime", "query", "default", "text/vcard"], env=env, capture_output=True, text=True
        )
        assert default.stdout.strip() == "netdesk.desktop"
        _opens_a_vcard_through_xdg_open(env, tmp_path)
    subprocess.run(["sh", str(home / ".local/opt/netdesk/uninstall.sh")], env=env, check=True)
    assert not command.exists()
