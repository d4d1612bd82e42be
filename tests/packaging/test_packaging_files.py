"""Fast checks of what packaging ships: desktop entry, metainfo, icons, .ico/.icns, install.sh."""

from __future__ import annotations

import configparser
import importlib.util
import os
import plistlib
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"


def _load(name: str, path: Path) -> ModuleType:
    # By path, under a name of our own: PyPA's `build` package could shadow packaging/build.py.
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build = _load("netdesk_packaging_build", PACKAGING / "build.py")
iconset = _load("iconset", PACKAGING / "iconset.py")

DESKTOP = REPO / "resources" / "linux" / "netdesk.desktop"
METAINFO = REPO / "resources" / "linux" / "org.netdesk.NetDesk.metainfo.xml"
SVG = REPO / "resources" / "icons" / "netdesk.svg"
TRAY_SVG = REPO / "resources" / "icons" / "netdesk-tray.svg"


@pytest.fixture(autouse=True)
def _widgets_app(qapp: object) -> None:
    """Rendering needs a Qt application; pytest-qt's QApplication, so that the rest of the
    suite does not inherit a bare QGuiApplication from iconset."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package desktop-file-utils / appstream)")
    return path


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_validates() -> None:
    out = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True
    )
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_desktop_entry_opens_vcards_and_matches_the_app() -> None:
    entry = _entry(DESKTOP)
    assert entry["Name"] == "NetDesk"
    assert entry["Exec"] == "netdesk %F"
    assert entry["MimeType"] == "text/vcard;text/x-vcard;"
    assert entry["Categories"] == "Office;ContactManagement;"
    assert entry["Icon"] == "netdesk"
    assert "vcard" in entry["Keywords"]
    # The window manager matches windows to the entry by WM_CLASS (Qt: the application
    # name) and, on Wayland, by the desktop file name the app declares.
    app_py = (REPO / "netdesk" / "app.py").read_text(encoding="utf-8")
    assert f'setApplicationName("{entry["StartupWMClass"]}")' in app_py
    assert f'setDesktopFileName("{DESKTOP.stem}")' in app_py


def test_metainfo_validates_offline() -> None:
    out = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    text = METAINFO.read_text(encoding="utf-8")
    assert "<id>org.netdesk.NetDesk</id>" in text
    assert '<launchable type="desktop-id">netdesk.desktop</launchable>' in text
    shot = re.search(r"<image>(.+?)</image>", text)
    assert shot and shot.group(1).startswith("https://")
    assert shot.group(1).endswith("/resources/screenshots/main-window.png")


@pytest.mark.parametrize("svg", [SVG, TRAY_SVG], ids=["app", "tray"])
def test_icons_render_at_small_sizes(svg: Path) -> None:
    from PySide6.QtGui import QImage

    for size, png in iconset.render_pngs(svg, (16, 22, 48)).items():
        assert iconset.png_size(png) == (size, size)
        image = QImage.fromData(png)
        # Drawn edge to edge: the centre and most of the square are opaque.
        opaque = sum(image.pixelColor(x, y).alpha() > 200 for x in range(size) for y in range(size))
        assert opaque > 0.7 * size * size
        assert image.pixelColor(0, 0).alpha() < 255  # rounded corners


def _fake_pngs(sizes: list[int]) -> dict[int, bytes]:
    # A PNG header is all the writers look at; the payload stays opaque to them.
    return {
        s: iconset.PNG_SIGNATURE + b"\x00\x00\x00\rIHDR" + s.to_bytes(4, "big") * 2 + bytes(s)
        for s in sizes
    }


def test_ico_writer_round_trips(tmp_path: Path) -> None:
    pngs = _fake_pngs(list(iconset.ICO_SIZES))
    iconset.write_ico(pngs, tmp_path / "a.ico")
    entries = iconset.read_ico((tmp_path / "a.ico").read_bytes())
    assert [size for size, _ in entries] == sorted(iconset.ICO_SIZES)
    for size, data in entries:
        assert data == pngs[size]
        assert iconset.png_size(data) == (size, size)


def test_ico_rejects_sizes_it_cannot_declare(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="512"):
        iconset.write_ico(_fake_pngs([16, 512]), tmp_path / "a.ico")


def test_icns_writer_round_trips(tmp_path: Path) -> None:
    pngs = _fake_pngs(sorted(set(iconset.ICNS_TYPES.values())))
    iconset.write_icns(pngs, tmp_path / "a.icns")
    data = (tmp_path / "a.icns").read_bytes()
    entries = iconset.read_icns(data)
    assert [kind for kind, _ in entries] == list(iconset.ICNS_TYPES)
    for kind, payload in entries:
        assert payload == pngs[iconset.ICNS_TYPES[kind]]
    with pytest.raises(ValueError, match="truncated"):
        iconset.read_icns(data[:-1])


def test_build_icons_writes_every_size(tmp_path: Path) -> None:
    made = iconset.build_icons(REPO / "resources", tmp_path)
    for size in iconset.PNG_SIZES:
        assert iconset.png_size((tmp_path / f"netdesk-{size}.png").read_bytes()) == (size, size)
    ico = iconset.read_ico(made["ico"].read_bytes())
    assert all(iconset.png_size(png) == (size, size) for size, png in ico)
    icns = iconset.read_icns(made["icns"].read_bytes())
    assert {iconset.png_size(png)[0] for _, png in icns} == {32, 64, 128, 256, 512, 1024}


def test_windows_and_macos_targets_print_their_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    if sys.platform in ("win32", "darwin"):
        pytest.skip("on Windows and macOS these targets build for real")
    assert build.main(["windows", "macos"]) == 0
    out = capsys.readouterr().out
    assert "packaging\\windows\\netdesk.iss" in out and "iscc" in out
    assert "packaging/build.py macos" in out and "hdiutil create" in out
    iss = (PACKAGING / "windows" / "netdesk.iss").read_text(encoding="utf-8")
    for needed in (".vcf\\OpenWithProgids", "CurrentVersion\\Run", "{autoprograms}\\NetDesk"):
        assert needed in iss


def test_macos_plist_declares_vcard_documents() -> None:
    plist = plistlib.loads((PACKAGING / "macos" / "Info.plist").read_bytes())
    assert plist["CFBundleIdentifier"] == "org.netdesk.NetDesk"
    # Qt 6.11 needs macOS 13: an older system must be told so by Finder, not crash.
    assert plist["LSMinimumSystemVersion"] == "13.0"
    (doc,) = plist["CFBundleDocumentTypes"]
    assert doc["LSItemContentTypes"] == ["public.vcard"]
    assert doc["CFBundleTypeIconFile"] == "netdesk.icns"


def test_macos_bundle_carries_its_build_number() -> None:
    spec = (PACKAGING / "netdesk.spec").read_text()
    assert '"CFBundleVersion": __version__' in spec
    assert '"CFBundleShortVersionString": __version__' in spec


def test_macos_signing_is_inside_out_with_a_timestamp_and_never_deep(tmp_path: Path) -> None:
    app = tmp_path / "NetDesk.app"
    (app / "Contents" / "Frameworks" / "QtCore.framework").mkdir(parents=True)
    (app / "Contents" / "MacOS").mkdir()
    (app / "Contents" / "MacOS" / "netdesk").write_bytes(b"\xcf\xfa\xed\xfe" + b"\0" * 12)
    lib = app / "Contents" / "Frameworks" / "QtCore.framework" / "QtCore"
    lib.write_bytes(b"\xcf\xfa\xed\xfe" + b"\0" * 12)
    (app / "Contents" / "Info.plist").write_bytes(b"<plist/>")
    commands = build.codesign_commands(app, "Developer ID Application: X")
    signed = [c[-1] for c in commands if "--sign" in c]
    assert signed == [str(lib), str(app / "Contents" / "MacOS" / "netdesk"), str(app)]
    for command in commands:
        assert "--deep" not in command
        if "--sign" in command:
            assert "--timestamp" in command and "runtime" in command
    assert commands[-1][:3] == ["codesign", "--verify", "--strict"]


def test_macos_dmg_holds_an_applications_link(tmp_path: Path) -> None:
    app = tmp_path / "dist" / "NetDesk.app"
    (app / "Contents").mkdir(parents=True)
    stage = build.dmg_stage(app, tmp_path / "dmg")
    assert (stage / "NetDesk.app" / "Contents").is_dir()
    assert os.readlink(stage / "Applications") == "/Applications"


def test_windows_installer_states_its_minimums_and_cleans_sign_in() -> None:
    iss = (PACKAGING / "windows" / "netdesk.iss").read_text()
    assert re.search(r"^MinVersion=10\.0\.17763$", iss, re.MULTILINE)  # Windows 10 1809
    # x64compatible exists from Inno Setup 6.3 on: an older compiler must stop, not guess.
    assert "#if Ver < EncodeVer(6, 3, 0)" in iss and "#error" in iss
    # The Run value Preferences may have written goes with the app.
    assert re.search(r"RegDeleteValue\(HKEY_CURRENT_USER, '[^']*\\Run', 'NetDesk'\)", iss)


def test_glibc_floor_reads_symbol_versions() -> None:
    listing = (
        "0000 DF *UND* 0000 (GLIBC_2.2.5) free\n"
        "0000 DF *UND* 0000 (GLIBC_2.34) __libc_start_main\n"
        "0000 DF *UND* 0000 (GLIBC_2.36) arc4random\n"
        "0000 DF *UND* 0000 (GLIBC_PRIVATE) _dl_x\n"
        "0000 DF *UND* 0000 (GLIBCXX_3.4.30) std\n"
    )
    assert max(build.glibc_versions(listing)) == (2, 36)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="GNU libc is a Linux matter")
def test_deb_depends_names_the_glibc_the_bundle_needs(tmp_path: Path) -> None:
    if not (shutil.which("objdump") and shutil.which("dpkg-query") and shutil.which("ldd")):
        pytest.skip("needs objdump, ldd and dpkg-query (Debian packages binutils, libc-bin, dpkg)")
    libstdcxx = next(Path("/usr/lib").rglob("libstdc++.so.6"), None)
    if libstdcxx is None:
        pytest.skip("no libstdc++.so.6 on this machine to stand in for a bundled library")
    bundle = tmp_path / "netdesk"
    (bundle / "_internal").mkdir(parents=True)
    shutil.copy2(libstdcxx.resolve(), bundle / "_internal" / "libstdc++.so.6")
    floor = build.glibc_floor(bundle)
    assert floor and re.fullmatch(r"2\.\d+(\.\d+)?", floor)
    depends = build.deb_depends(bundle)
    assert f"libc6 (>= {floor})" in depends
    assert "libc6" not in depends  # never the bare name: apt would install it where it cannot run


def test_deb_carries_a_machine_readable_copyright(tmp_path: Path) -> None:
    build.install_doc_files(tmp_path)
    text = (tmp_path / "usr" / "share" / "doc" / "netdesk" / "copyright").read_text()
    assert text.startswith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/")
    paragraphs = [p.splitlines() for p in text.split("\n\n") if p.strip()]

    def licence(lines: list[str]) -> str:
        return next(ln for ln in lines if ln.startswith("License: ")).split(": ", 1)[1]

    spelled_out = {licence(p) for p in paragraphs if p[0].startswith("License: ")}
    files = [p for p in paragraphs if p[0].startswith("Files:")]
    assert files and licence(files[0]) == "Expat" and "Expat" in spelled_out
    # Every licence a Files paragraph names is spelled out or points at its full text.
    for p in files:
        after = p[p.index(next(ln for ln in p if ln.startswith("License: "))) + 1 :]
        assert licence(p) in spelled_out or any(ln.startswith(" ") for ln in after), p[0]


def test_deb_control_template_fills_every_field() -> None:
    text = build.render(
        PACKAGING / "linux" / "control",
        VERSION="1.2.3",
        ARCH="amd64",
        DEPENDS="libc6",
        INSTALLED_SIZE="10",
    )
    fields = dict(line.split(": ", 1) for line in text.splitlines() if not line.startswith(" "))
    assert fields["Package"] == "netdesk" and fields["Version"] == "1.2.3"
    assert fields["Depends"] == "libc6"
    with pytest.raises(SystemExit, match="@ARCH@"):
        build.render(PACKAGING / "linux" / "control", VERSION="1")


def _stage_tarball(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_script: str = 'echo frozen netdesk "$@"'
) -> Path:
    """An unpacked tarball whose 'frozen app' is a two-line script."""
    monkeypatch.setattr(build, "ICONS_OUT", tmp_path / "icons")
    iconset.build_icons(REPO / "resources", build.ICONS_OUT)
    stage = tmp_path / "netdesk-0-linux"
    (stage / "netdesk").mkdir(parents=True)
    app = stage / "netdesk" / "netdesk"
    app.write_text(f"#!/bin/sh\n{app_script}\n")
    app.chmod(0o755)
    build.install_desktop_files(stage, "share")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(PACKAGING / "linux" / script, stage / script)
    return stage


@pytest.mark.skipif(sys.platform != "linux", reason="the per-user install is for Linux")
def test_per_user_install_and_uninstall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stage = _stage_tarball(tmp_path, monkeypatch)
    home = tmp_path / "home with space"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), PATH="/usr/bin:/bin")
    install = ["sh", str(stage / "install.sh")]
    done = subprocess.run(install, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "not on your PATH" in done.stdout

    local = home / ".local"
    command = local / "bin" / "netdesk"
    assert subprocess.run([command, "x.vcf"], capture_output=True, text=True).stdout == (
        "frozen netdesk x.vcf\n"
    )
    desktop = local / "share" / "applications" / "netdesk.desktop"
    entry = _entry(desktop)
    assert entry["Exec"] == f'"{command}" %F'
    assert entry["TryExec"] == str(command)
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True)
        assert check.returncode == 0, check.stdout
    assert (local / "share" / "icons" / "hicolor" / "48x48" / "apps" / "netdesk.png").is_file()
    assert (local / "share" / "icons" / "hicolor" / "scalable" / "apps" / "netdesk.svg").is_file()

    gone = subprocess.run(
        ["sh", str(local / "opt" / "netdesk" / "uninstall.sh")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert gone.returncode == 0, gone.stderr
    assert not command.exists() and not desktop.exists()
    assert not (local / "opt" / "netdesk").exists()
    assert not list((local / "share" / "icons").rglob("netdesk.*"))


@pytest.mark.skipif(sys.platform != "linux", reason="the per-user install is for Linux")
def test_plain_home_gets_an_unquoted_exec_that_xdg_open_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Debian 12's xdg-utils, on a desktop it does not recognise (i3, sway...), keeps the quotes
    # of Exec="/path" %F as part of the command's name: quote only a path that needs it.
    opened = tmp_path / "opened.txt"
    stage = _stage_tarball(tmp_path, monkeypatch, f'echo "$@" > "{opened}"')
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), PATH="/usr/bin:/bin")
    done = subprocess.run(["sh", str(stage / "install.sh"), "--set-default"], env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    command = home / ".local" / "bin" / "netdesk"
    entry = _entry(home / ".local" / "share" / "applications" / "netdesk.desktop")
    assert entry["Exec"] == f"{command} %F"
    if not (shutil.which("xdg-open") and shutil.which("xdg-mime")):
        pytest.skip("xdg-utils is not installed")
    card = tmp_path / "ada.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD\n")
    env.pop("WAYLAND_DISPLAY", None)
    # xdg-open only looks at desktop entries when a display is named; the "app" never opens it.
    env.update(DISPLAY=":97", XDG_CURRENT_DESKTOP="i3")
    xdg = subprocess.run(["xdg-open", str(card)], env=env, capture_output=True, text=True,
                         timeout=30)  # fmt: skip
    assert xdg.returncode == 0, xdg.stdout + xdg.stderr
    for _ in range(50):
        if opened.exists():
            break
        time.sleep(0.1)
    assert opened.read_text().strip() == str(card)


@pytest.mark.skipif(sys.platform != "linux", reason="the per-user install is for Linux")
def test_install_refuses_a_glibc_older_than_the_build_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = _stage_tarball(tmp_path, monkeypatch)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), PATH="/usr/bin:/bin")
    (stage / "requires-glibc").write_text("99.0\n")
    install = ["sh", str(stage / "install.sh")]
    refused = subprocess.run(install, env=env, capture_output=True, text=True)
    assert refused.returncode == 1
    assert "needs GNU libc 99.0 or newer; this system has 2." in refused.stderr
    assert not (home / ".local" / "bin" / "netdesk").exists()
    (stage / "requires-glibc").write_text("2.17\n")
    done = subprocess.run(install, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="the per-user install is for Linux")
def test_uninstall_removes_the_log_in_entry_it_owns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = _stage_tarball(tmp_path, monkeypatch)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), PATH="/usr/bin:/bin")
    assert subprocess.run(["sh", str(stage / "install.sh")], env=env).returncode == 0
    autostart_dir = home / ".config" / "autostart"
    autostart_dir.mkdir(parents=True)
    ours = autostart_dir / "netdesk.desktop"
    ours.write_text(
        f"[Desktop Entry]\nType=Application\nName=NetDesk\n"
        f"Exec={home}/.local/opt/netdesk/netdesk --background\n"
        f"TryExec={home}/.local/opt/netdesk/netdesk\n"
    )
    uninstall = home / ".local" / "opt" / "netdesk" / "uninstall.sh"
    assert subprocess.run(["sh", str(uninstall)], env=env).returncode == 0
    assert not ours.exists()


def test_install_script_refuses_unknown_options(tmp_path: Path) -> None:
    done = subprocess.run(
        ["sh", str(PACKAGING / "linux" / "install.sh"), "--bogus"], capture_output=True, text=True
    )
    assert done.returncode == 2 and "--bogus" in done.stderr
