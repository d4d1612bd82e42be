"""Render the SVG icon to PNG sizes and pack them into Windows .ico and macOS .icns files."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path

# The sizes a Linux desktop looks for in hicolor (16 to 512).
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
# Windows picks from these (256 is the largest an .ico entry can declare).
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# macOS PNG entry types: ic07..ic10 are 128, 256, 512 and 1024 (512@2x);
# ic11..ic14 the @2x variants of 16, 32, 128 and 256.
ICNS_TYPES = {
    b"ic07": 128,
    b"ic08": 256,
    b"ic09": 512,
    b"ic10": 1024,
    b"ic11": 32,
    b"ic12": 64,
    b"ic13": 256,
    b"ic14": 512,
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def render_pngs(svg: Path, sizes: Iterable[int]) -> dict[int, bytes]:
    """Render `svg` at each size with Qt's SVG renderer (offscreen: no display needed)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG file")
    out: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            raise RuntimeError(f"could not encode {svg} at {size} px as PNG")
        buffer.close()
        out[size] = bytes(data.data())
    return out


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def write_ico(pngs: Mapping[int, bytes], path: Path) -> None:
    """An .ico whose entries are PNG images (Windows Vista and later read these)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    for size in sizes:
        if not 1 <= size <= 256:
            raise ValueError(f"an .ico entry cannot be {size} px")
        data = pngs[size]
        # A width or height of 256 is written as 0 (the field is one byte).
        dim = 0 if size == 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    path.write_bytes(header + entries + b"".join(pngs[s] for s in sizes))


def read_ico(data: bytes) -> list[tuple[int, bytes]]:
    """(size, PNG bytes) for each entry of an .ico written by `write_ico`."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    if reserved != 0 or kind != 1:
        raise ValueError("not an .ico file")
    out = []
    for i in range(count):
        width, height, _, _, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        if width != height or planes != 1 or bits != 32:
            raise ValueError(f"entry {i}: unexpected header")
        out.append((width or 256, data[offset : offset + length]))
    return out


def write_icns(pngs: Mapping[int, bytes], path: Path) -> None:
    """An .icns of PNG entries; `pngs` must hold every size ICNS_TYPES names."""
    body = b""
    for kind, size in ICNS_TYPES.items():
        data = pngs[size]
        body += kind + struct.pack(">I", 8 + len(data)) + data
    path.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)


def read_icns(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload) for each entry of an .icns file."""
    magic, total = struct.unpack_from(">4sI", data, 0)
    if magic != b"icns" or total != len(data):
        raise ValueError("not an .icns file (or a truncated one)")
    out = []
    pos = 8
    while pos < total:
        kind, length = struct.unpack_from(">4sI", data, pos)
        if length < 8 or pos + length > total:
            raise ValueError(f"entry {kind!r}: bad length {length}")
        out.append((kind, data[pos + 8 : pos + length]))
        pos += length
    return out


def build_icons(resources: Path, out: Path) -> dict[str, Path]:
    """Write netdesk-SIZE.png, netdesk-tray-SIZE.png, netdesk.ico and netdesk.icns into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    icons = resources / "icons"
    wanted = sorted(set(PNG_SIZES) | set(ICO_SIZES) | set(ICNS_TYPES.values()))
    pngs = render_pngs(icons / "netdesk.svg", wanted)
    for size in PNG_SIZES:
        (out / f"netdesk-{size}.png").write_bytes(pngs[size])
    for size, data in render_pngs(icons / "netdesk-tray.svg", (16, 22, 24, 32, 48)).items():
        (out / f"netdesk-tray-{size}.png").write_bytes(data)
    write_ico({s: pngs[s] for s in ICO_SIZES}, out / "netdesk.ico")
    write_icns(pngs, out / "netdesk.icns")
    return {"ico": out / "netdesk.ico", "icns": out / "netdesk.icns"}
