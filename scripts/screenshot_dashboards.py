"""Headless Chromium screenshots of the dashboards, checked: every chart drew.

    .venv/bin/python scripts/screenshot_dashboards.py [--db datasets/demo.db] [--out docs/img]

Serves the database with the project's metadata and plugins on a free loopback port, loads
/-/dashboards/overview in headless Chromium (Debian package `chromium`; without it the script
says so in one line and exits 0), and checks (1) the rendered DOM: every chart container holds a
<canvas> or <svg> drawn by vega-embed, and (2) the screenshot: enough non-background pixels in
it. Writes docs/img/dashboard.png. Exit 1 when a check fails, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def png_ink(path: Path) -> float:
    """Fraction of pixels that are not near-white (8-bit RGB/RGBA PNG, pure Python decoder)."""
    data = path.read_bytes()
    pos, idat, width, height, channels = 8, b"", 0, 0, 4
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    prev = bytearray(stride)
    ink = 0
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if f == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        elif f == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b, c = prev[i], prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        ink += sum(1 for x in range(0, stride, channels) if min(line[x : x + 3]) < 200)
        prev = line
    return ink / (width * height)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=str(ROOT / "datasets" / "demo.db"))
    ap.add_argument("--out", default=str(ROOT / "docs" / "img"))
    ap.add_argument("--min-ink", type=float, default=0.02, help="least fraction of non-white pixels")
    opts = ap.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("skipped: no chromium (Debian: apt-get install -y chromium)")
        return 0
    if not Path(opts.db).exists():
        print(f"error: no database at {opts.db} (make run builds datasets/demo.db)", file=sys.stderr)
        return 2
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            opts.db,
            "--metadata",
            str(ROOT / "datasets" / "metadata.yml"),
            "--plugins-dir",
            str(ROOT / "plugins"),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/-/dashboards/overview"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with tempfile.TemporaryDirectory() as profile:
            flags = [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--user-data-dir={profile}",
                "--window-size=1400,1800",
                "--virtual-time-budget=15000",
                "--hide-scrollbars",
            ]
            dom = subprocess.run([*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
            out = Path(opts.out)
            out.mkdir(parents=True, exist_ok=True)
            shot = out / "dashboard.png"
            subprocess.run([*flags, f"--screenshot={shot}", url], capture_output=True, timeout=120)
    finally:
        server.terminate()
        server.wait()
    charts = re.findall(r'<div id="chart-([\w-]+)" class="dashboard-card-chart[^"]*">(.*?)</div>\s*</div>', dom, re.S)
    undrawn = [slug for slug, inner in charts if not re.search(r"<canvas|<svg|<table", inner)]
    problems = []
    if not charts:
        problems.append("no chart containers in the page")
    if undrawn:
        problems.append(f"charts that drew nothing: {', '.join(undrawn)}")
    ink = png_ink(shot) if shot.exists() else 0.0
    if ink < opts.min_ink:
        problems.append(f"screenshot nearly blank ({ink:.1%} ink)")
    for p in problems:
        print(f"not ok: {p}", file=sys.stderr)
    print(f"{len(charts) - len(undrawn)}/{len(charts)} charts drew; screenshot {shot} ({ink:.1%} ink)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
