"""The HTML readability report: self-contained, accessible, and its charts render in a real
browser (Debian's chromium, headless)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_MD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def make_report(run_cli, tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "rapport.html"
    code, _, err = run_cli("report", str(SAMPLE_MD), "-o", str(out))
    assert code == 0, err
    return out, out.read_text(encoding="utf-8")


def test_report_is_self_contained_and_accessible(run_cli, tmp_path: Path) -> None:
    _, page = make_report(run_cli, tmp_path)
    assert '<html lang="nb">' in page
    assert not re.search(r"<script|https?://[^\"'<]*\.(js|css)|<link ", page)  # no scripts, no remote content
    assert "default-src 'none'" in page
    assert page.count('role="img"') == 2 and page.count("<title id=") == 2 and page.count("<desc id=") == 2
    assert len(re.findall(r'<rect class="bar"', page)) == 6  # one bar per section
    assert len(re.findall(r'<rect class="hist"', page)) == 10
    assert re.search(r"<h1>Lesbarhetsrapport</h1>", page) and "<h2>Sammendrag</h2>" in page
    assert '<span class="f f-hint" title="kanselli: «herunder»' in page
    assert '<mark class="hard">' in page
    assert "<code>lang-setning</code>: 7" in page


def _png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes) into rows of raw pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and color in (2, 6)
            channels = 4 if color == 6 else 3
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, channels, rows


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_charts_render_in_chromium(run_cli, tmp_path: Path) -> None:
    report, _ = make_report(run_cli, tmp_path)
    shots = Path(os.environ.get("KLARSYN_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / "report.png"
    profile = tmp_path / "chromium-profile"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1200,1600", f"--screenshot={shot}", report.as_uri()],
                   capture_output=True, timeout=90, check=True)
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", report.as_uri()],
                         capture_output=True, text=True, timeout=90, check=True).stdout
    assert dom.count('class="bar"') == 6 and dom.count('class="hist"') == 10
    width, channels, rows = _png_pixels(shot)
    bar = bytes((0x1F, 0x5F, 0x99))  # the bar colour (.bar)
    hist = bytes((0x6A, 0x3D, 0x9A))  # the histogram colour (.hist)

    def count(colour: bytes) -> int:
        return sum(1 for row in rows for x in range(0, len(row), channels) if row[x : x + 3] == colour)

    assert count(bar) > 5_000, "the LIX bars were not painted"
    assert count(hist) > 5_000, "the histogram was not painted"
    print(f"report screenshot: {shot}")
