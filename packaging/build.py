"""Build NetDesk's artifacts: icons, the frozen app, the .deb, the per-user tarball, and more.

    python packaging/build.py TARGET [TARGET ...] [--reuse-frozen]

Targets: icons, frozen, deb, tarball, all (icons + frozen + deb + tarball), and windows /
macos, which build there and print the exact commands anywhere else. Everything lands in
build/ (scratch) and dist/ (the artifacts), both ignored by git.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import iconset  # noqa: E402  (lives beside this script)

RESOURCES = REPO / "resources"
BUILD = REPO / "build"
DIST = REPO / "dist"
ICONS_OUT = BUILD / "icons"
FROZEN = DIST / "netdesk"
SPEC = HERE / "netdesk.spec"
DESKTOP_FILE = RESOURCES / "linux" / "netdesk.desktop"
METAINFO = RESOURCES / "linux" / "org.netdesk.NetDesk.metainfo.xml"
LINUX = HERE / "linux"
APP_ID = "org.netdesk.NetDesk"

# Libraries the frozen app needs from the system are found with ldd; these few it opens
# itself at run time (dlopen), so ldd cannot see them.
DLOPEN_DEPENDS = ("libegl1", "libgl1", "libfontconfig1", "libdbus-1-3")
# Libraries a plugin links that a build machine may lack (so ldd cannot name their package).
KNOWN_SONAMES = {"libwayland-egl.so.1": "libwayland-egl1", "libxcb-cursor.so.0": "libxcb-cursor0"}
# Tools the build runs, and the Debian package providing each.
TOOLS = {"objdump": "binutils", "ldd": "libc-bin", "dpkg-deb": "dpkg"}


def version() -> str:
    text = (REPO / "netdesk" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise SystemExit("build: no __version__ in netdesk/__init__.py")
    return match.group(1)


def say(message: str) -> None:
    print(f"build: {message}", flush=True)


def run(cmd: Sequence[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    say("$ " + " ".join(shlex.quote(str(c)) for c in cmd))
    return subprocess.run([str(c) for c in cmd], check=True, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


def need_tools(names: Iterable[str]) -> None:
    """Install missing build tools with apt-get when root; otherwise say what to install."""
    missing = sorted({TOOLS[n] for n in names if shutil.which(n) is None})
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        needed = " ".join(missing)
        raise SystemExit(f"build: missing tools; install them with: apt-get install {needed}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def dir_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


# --- icons -------------------------------------------------------------------------------


def build_icons() -> None:
    iconset.build_icons(RESOURCES, ICONS_OUT)
    say(f"icons: {len(iconset.PNG_SIZES)} PNG sizes, netdesk.ico, netdesk.icns in {ICONS_OUT}")


# --- frozen app --------------------------------------------------------------------------


def pyinstaller_command() -> list[str]:
    return [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(BUILD / "pyinstaller"),
        str(SPEC),
    ]


def build_frozen() -> None:
    build_icons()
    if sys.platform.startswith("linux"):
        need_tools(["objdump", "ldd"])
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("build: PyInstaller is missing: pip install -e '.[build]'") from None
    run(pyinstaller_command(), cwd=REPO)
    say(f"frozen: {FROZEN} ({mib(dir_size(FROZEN))} unpacked)")


def ensure_frozen(reuse: bool) -> None:
    if reuse and (FROZEN / "netdesk").is_file():
        say(f"reusing {FROZEN}")
        return
    build_frozen()


# --- Linux desktop integration -----------------------------------------------------------


def install_desktop_files(root: Path, share: str) -> None:
    """Desktop entry, hicolor icons and AppStream metainfo under root/share."""
    base = root / share
    apps = base / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    shutil.copy2(DESKTOP_FILE, apps / "netdesk.desktop")
    for size in iconset.PNG_SIZES:
        target = base / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ICONS_OUT / f"netdesk-{size}.png", target / "netdesk.png")
    scalable = base / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copy2(RESOURCES / "icons" / "netdesk.svg", scalable / "netdesk.svg")
    metainfo = base / "metainfo"
    metainfo.mkdir(parents=True, exist_ok=True)
    shutil.copy2(METAINFO, metainfo / f"{APP_ID}.metainfo.xml")


def install_doc_files(root: Path) -> None:
    """Debian policy: every package carries its copyright file in /usr/share/doc/PACKAGE."""
    doc = root / "usr" / "share" / "doc" / "netdesk"
    doc.mkdir(parents=True, exist_ok=True)
    shutil.copy2(LINUX / "copyright", doc / "copyright")


def copy_frozen(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(FROZEN, target, symlinks=True)


def _is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def system_libraries(bundle: Path) -> tuple[set[str], set[str]]:
    """The libraries outside the bundle its binaries load, and those ldd cannot find."""
    # The frozen app's launcher puts its _internal folder on the library path: so does ldd here.
    env = dict(os.environ, LD_LIBRARY_PATH=str(bundle / "_internal"))
    inside = bundle.resolve()
    found: set[str] = set()
    missing: set[str] = set()
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() or not path.is_file() or not _is_elf(path):
            continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            m = re.match(r"\s*(\S+) => (/.*?) \(0x", line)
            if m and not Path(m.group(2)).resolve().is_relative_to(inside):
                found.add(m.group(2))
            elif "=> not found" in line:
                missing.add(line.split()[0])
    return found, missing


def owning_packages(libraries: Iterable[str]) -> tuple[set[str], set[str]]:
    """The Debian packages holding these files, and the files no package holds."""
    wanted: dict[str, str] = {}
    for lib in libraries:
        for p in {lib, os.path.realpath(lib)}:
            wanted[p] = lib
            # /lib and /usr/lib are one folder on merged-/usr systems; dpkg knows one name.
            if p.startswith("/usr/lib/"):
                wanted[p[4:]] = lib
            elif p.startswith("/lib/"):
                wanted["/usr" + p] = lib
    out = subprocess.run(["dpkg-query", "-S", *sorted(wanted)], capture_output=True, text=True)
    packages: set[str] = set()
    owned: set[str] = set()
    for line in out.stdout.splitlines():
        pkgs, _, path = line.partition(": ")
        if path in wanted:
            owned.add(wanted[path])
            packages.update(p.strip().split(":")[0] for p in pkgs.split(","))
    return packages, set(libraries) - owned


_GLIBC_VERSION = re.compile(r"\bGLIBC_(\d+(?:\.\d+)+)\b")


def glibc_versions(objdump_output: str) -> set[tuple[int, ...]]:
    """The GNU libc symbol versions an `objdump -T` listing asks for (GLIBC_PRIVATE aside)."""
    return {tuple(int(n) for n in v.split(".")) for v in _GLIBC_VERSION.findall(objdump_output)}


def glibc_floor(bundle: Path) -> str | None:
    """The oldest GNU libc that can run every binary in the bundle: the newest symbol
    version any of them (bundled libraries such as libstdc++ included) asks for."""
    need_tools(["objdump"])
    wanted: set[tuple[int, ...]] = set()
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() or not path.is_file() or not _is_elf(path):
            continue
        out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
        wanted |= glibc_versions(out)
    return ".".join(map(str, max(wanted))) if wanted else None


def deb_depends(bundle: Path) -> list[str]:
    libraries, missing = system_libraries(bundle)
    packages, unowned = owning_packages(libraries)
    floor = glibc_floor(bundle)
    if floor and "libc6" in packages:
        # Without the version, apt installs the package where it cannot start.
        packages.discard("libc6")
        packages.add(f"libc6 (>= {floor})")
    for lib in sorted(unowned):
        say(f"warning: no Debian package owns {lib}; not listed in Depends")
    unknown = missing - set(KNOWN_SONAMES)
    if unknown:
        say(f"warning: the bundle needs libraries this machine lacks: {', '.join(sorted(unknown))}")
    packages.update(KNOWN_SONAMES[name] for name in missing & set(KNOWN_SONAMES))
    return sorted(packages | set(DLOPEN_DEPENDS))


def render(template: Path, **values: str) -> str:
    text = template.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("@" + key + "@", value)
    if leftover := re.findall(r"@[A-Z_]+@", text):
        raise SystemExit(f"build: {template}: no value for {', '.join(leftover)}")
    return text


def build_deb(reuse: bool) -> Path:
    if not sys.platform.startswith("linux"):
        raise SystemExit("build: the .deb is built on Linux")
    need_tools(["dpkg-deb", "ldd"])
    ensure_frozen(reuse)
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    ver = version()
    root = BUILD / "deb" / f"netdesk_{ver}_{arch}"
    if root.exists():
        shutil.rmtree(root)
    copy_frozen(root / "opt" / "netdesk")
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "netdesk").symlink_to("/opt/netdesk/netdesk")
    install_desktop_files(root, "usr/share")
    install_doc_files(root)
    control = root / "DEBIAN"
    control.mkdir()
    size_kib = (dir_size(root) + 1023) // 1024
    (control / "control").write_text(
        render(
            LINUX / "control",
            VERSION=ver,
            ARCH=arch,
            DEPENDS=", ".join(deb_depends(root / "opt" / "netdesk")),
            INSTALLED_SIZE=str(size_kib),
        ),
        encoding="utf-8",
    )
    for script in ("postinst", "postrm"):
        shutil.copy2(LINUX / script, control / script)
        (control / script).chmod(0o755)
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            # Files installed system-wide belong to root and are readable by everyone.
            mode = path.stat().st_mode
            path.chmod(0o755 if path.is_dir() or mode & 0o111 else 0o644)
    out = DIST / f"netdesk_{ver}_{arch}.deb"
    DIST.mkdir(exist_ok=True)
    run(["dpkg-deb", "--build", "--root-owner-group", "-Zxz", root, out])
    say(f"deb: {out} ({mib(out.stat().st_size)})")
    return out


def build_tarball(reuse: bool) -> Path:
    if not sys.platform.startswith("linux"):
        raise SystemExit("build: the per-user tarball is built on Linux")
    ensure_frozen(reuse)
    ver = version()
    name = f"netdesk-{ver}-linux-{platform.machine()}"
    stage = BUILD / "tarball" / name
    if stage.exists():
        shutil.rmtree(stage)
    copy_frozen(stage / "netdesk")
    install_desktop_files(stage, "share")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(LINUX / script, stage / script)
        (stage / script).chmod(0o755)
    floor = glibc_floor(stage / "netdesk")
    if floor:
        # install.sh refuses, with this version in its message, where the app cannot start.
        (stage / "requires-glibc").write_text(floor + "\n", encoding="utf-8")
        say(f"tarball: needs GNU libc {floor} or newer")
    out = DIST / f"{name}.tar.gz"
    DIST.mkdir(exist_ok=True)

    def owned_by_user(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(out, "w:gz") as tar:
        tar.add(stage, arcname=name, filter=owned_by_user)
    say(f"tarball: {out} ({mib(out.stat().st_size)})")
    return out


# --- Windows and macOS -------------------------------------------------------------------

WINDOWS_STEPS = [
    "py -3.11 -m venv .venv",
    ".venv\\Scripts\\pip install -e .[build]",
    ".venv\\Scripts\\python packaging\\build.py windows",
]
MACOS_STEPS = [
    "python3 -m venv .venv",
    ".venv/bin/pip install -e '.[build]'",
    ".venv/bin/python packaging/build.py macos",
]


def iscc() -> str | None:
    found = shutil.which("iscc")
    if found:
        return found
    # Windows environment variable names ignore case.
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").is_file():
            return str(Path(base) / "Inno Setup 6" / "ISCC.exe")
    return None


def build_windows() -> None:
    if sys.platform != "win32":
        say("the Windows installer is built on Windows (Python 3.11+, Inno Setup 6), with:")
        for step in WINDOWS_STEPS:
            print("    " + step)
        print("  which runs PyInstaller, then:")
        print(f'    iscc /DAppVersion={version()} /DRepo="%CD%" packaging\\windows\\netdesk.iss')
        print(f"  and writes dist\\NetDesk-{version()}-setup.exe")
        return
    build_frozen()
    compiler = iscc()
    if compiler is None:
        raise SystemExit("build: Inno Setup 6 not found (https://jrsoftware.org/isdl.php)")
    run([compiler, f"/DAppVersion={version()}", f"/DRepo={REPO}", HERE / "windows" / "netdesk.iss"])
    say(f"windows: {DIST / f'NetDesk-{version()}-setup.exe'}")


# Set to a "Developer ID Application: ..." identity to sign the app before the DMG is made.
CODESIGN_IDENTITY = "NETDESK_CODESIGN_IDENTITY"


def codesign_commands(app: Path, identity: str) -> list[list[str]]:
    """Sign from the inside out, each file once, with a secure timestamp and the hardened
    runtime (what notarization asks); --deep is for checking, never for signing."""
    sign = ["codesign", "--force", "--options", "runtime", "--timestamp", "--sign", identity]
    inner = sorted(
        (p for p in app.rglob("*") if p.is_file() and not p.is_symlink() and _is_macho(p)),
        key=lambda p: (-len(p.parts), str(p)),
    )
    verify = ["codesign", "--verify", "--strict", "--verbose=2", str(app)]
    return [*([*sign, str(p)] for p in inner), [*sign, str(app)], verify]


def _is_macho(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError:
        return False
    return magic in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")


def dmg_stage(app: Path, stage: Path) -> Path:
    """The DMG's contents: the app and a link to /Applications to drag it onto."""
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    shutil.copytree(app, stage / app.name, symlinks=True)
    (stage / "Applications").symlink_to("/Applications")
    return stage


def build_macos() -> None:
    dmg = DIST / f"NetDesk-{version()}.dmg"
    stage = BUILD / "dmg"
    hdiutil = [
        "hdiutil", "create", "-volname", "NetDesk", "-srcfolder", str(stage),
        "-ov", "-format", "UDZO", str(dmg),
    ]  # fmt: skip
    if sys.platform != "darwin":
        say("the macOS app is built on macOS 13 or newer (Python 3.11+), with:")
        for step in MACOS_STEPS:
            print("    " + step)
        print("  which runs PyInstaller (writing dist/NetDesk.app), signs it when")
        print(f"  {CODESIGN_IDENTITY} names a Developer ID, then stages it beside an")
        print("  /Applications link in build/dmg and runs:")
        print("    " + " ".join(hdiutil))
        return
    build_frozen()
    app = DIST / "NetDesk.app"
    identity = os.environ.get(CODESIGN_IDENTITY)
    if identity:
        for command in codesign_commands(app, identity):
            run(command)
    else:
        say(f"not signed ({CODESIGN_IDENTITY} is not set): the first open needs right-click > Open")
    dmg_stage(app, stage)
    run(hdiutil, cwd=REPO)
    say(f"macos: {app} and {dmg}")


# --- entry point -------------------------------------------------------------------------

TARGETS = ("icons", "frozen", "deb", "tarball", "all", "windows", "macos")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="packaging/build.py", description=__doc__.split("\n")[0] if __doc__ else None
    )
    parser.add_argument("targets", nargs="+", choices=TARGETS, metavar="TARGET",
                        help=", ".join(TARGETS))  # fmt: skip
    parser.add_argument(
        "--reuse-frozen",
        action="store_true",
        help="deb/tarball: package the existing dist/netdesk instead of freezing again",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    reuse = args.reuse_frozen
    for target in args.targets:
        if target == "icons":
            build_icons()
        elif target == "frozen":
            build_frozen()
        elif target == "deb":
            build_deb(reuse)
        elif target == "tarball":
            build_tarball(reuse)
        elif target == "all":
            build_frozen()
            build_deb(reuse=True)
            build_tarball(reuse=True)
        elif target == "windows":
            build_windows()
        elif target == "macos":
            build_macos()
        if target != "icons":
            reuse = True  # one freeze per invocation is enough
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
