"""What a researcher sees (#16): the metadata as Datasette reads it, `make` alone, a busy demo port."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
METADATA_TEXT = (ROOT / "datasets" / "metadata.yml").read_text(encoding="utf-8")


def test_no_description_is_cut_by_a_yaml_comment():
    """A plain YAML scalar ends at ' #': every metadata line whose value holds a '#' must keep it."""
    cut = []
    for n, line in enumerate(METADATA_TEXT.splitlines(), 1):
        m = re.match(r"^\s*([A-Za-z_][\w-]*): (.*\S.*)$", line)
        if not m or "#" not in m.group(2) or m.group(2).startswith(("|", ">", "[", "{")):
            continue
        value = yaml.safe_load(f"{m.group(1)}: {m.group(2)}")[m.group(1)]
        if not isinstance(value, str) or value.count("#") != m.group(2).count("#"):
            cut.append(f"line {n}: {m.group(1)}")
    assert cut == []
    posts = yaml.safe_load(METADATA_TEXT)["databases"]["observatory"]["tables"]["posts"]["columns"]
    assert posts["hashtags"].endswith("(RedNote's #话题[话题]# becomes 话题).")


def test_make_alone_lists_every_target():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    out = subprocess.run(["make", "--no-print-directory"], cwd=ROOT, capture_output=True, text=True, check=True)
    listed = set(re.findall(r"^make ([a-z][a-z-]*):", out.stdout, re.M))
    assert len(targets) >= 15
    assert targets - listed == set()


def test_make_run_explains_the_errors_and_says_where_to_open():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert 'echo "open http://$(HOST):$(PORT)' in run
    source = (ROOT / "crawler" / "ops" / "runall.py").read_text()
    assert "ERROR lines below are expected" in source


def test_a_busy_demo_port_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "crawler.ops.runall",
                "--demo",
                "--demo-port",
                str(port),
                "--db",
                str(tmp_path / "demo.db"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        server = subprocess.run(
            [sys.executable, "-m", "demo.server", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "DEMO_PORT" in lines[0]
    assert "crawling" not in run.stdout
    assert server.returncode == 1 and "Traceback" not in server.stderr
    assert server.stderr.strip().count("\n") == 0 and str(port) in server.stderr
