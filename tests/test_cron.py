"""Scheduling: the crontab line, idempotent install, the lock that refuses overlapping crawls, logs."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SCRIPT = ROOT / "scripts" / "cron-crawl.sh"


def run_script(tmp_path, cmd, **env):
    full = {**os.environ, "LOG_DIR": str(tmp_path / "logs"), "CRAWL_CMD": cmd, **env}
    return subprocess.Popen([str(SCRIPT)], env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_second_crawl_refused_while_the_first_holds_the_lock(tmp_path):
    started = tmp_path / "started"
    first = run_script(tmp_path, f"touch {started}; sleep 5; echo done")
    deadline = time.monotonic() + 10
    while not started.exists():
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    second = run_script(tmp_path, "echo should-not-run")
    out, err = second.communicate(timeout=10)
    assert second.returncode == 75 and "refused" in err
    assert first.wait(timeout=15) == 0
    log = next((tmp_path / "logs").glob("crawl-*.log")).read_text()
    assert "refused: another crawl holds" in log and "should-not-run" not in log
    assert "done" in log and "crawl finished, exit 0" in log
    third = run_script(tmp_path, "echo again; exit 1")  # the lock is free again; failure propagates
    third.communicate(timeout=10)
    assert third.returncode == 1


def test_old_logs_are_deleted(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    old, recent, other = logs / "crawl-2020-01-01.log", logs / "crawl-2099-01-01.log", logs / "notes.txt"
    for p in (old, recent, other):
        p.write_text("x")
    os.utime(old, (time.time() - 40 * 86400,) * 2)
    os.utime(other, (time.time() - 40 * 86400,) * 2)
    proc = run_script(tmp_path, "true", LOG_KEEP_DAYS="30")
    proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert not old.exists() and recent.exists() and other.exists()


def test_make_cron_prints_and_installs_idempotently(tmp_path):
    line = subprocess.run(
        ["make", "-s", "cron", "DB=/data/o.db"], cwd=ROOT, capture_output=True, text=True, timeout=30
    ).stdout.strip()
    assert line.endswith("scripts/cron-crawl.sh  # observatory-crawl") and "DB=/data/o.db" in line
    assert len(line.split()[:5]) == 5
    # a stand-in `crontab` that keeps the table in a file
    fake = tmp_path / "bin"
    fake.mkdir()
    table = tmp_path / "crontab.txt"
    table.write_text("MAILTO=me@example.org\n0 1 * * * other-job\n")
    (fake / "crontab").write_text(
        f'#!/bin/sh\nif [ "$1" = "-l" ]; then cat {table}; else cat > {table}.new && mv {table}.new {table}; fi\n'
    )
    (fake / "crontab").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    for _ in range(2):
        proc = subprocess.run(
            ["make", "-s", "cron-install", "DB=/data/o.db"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.returncode == 0, proc.stderr
    lines = Path(table).read_text().splitlines()
    assert lines == ["MAILTO=me@example.org", "0 1 * * * other-job", line]
