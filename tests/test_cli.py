"""Commands a user types: one clear line and a non-zero exit when they did not do their job."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_make_import_of_a_missing_file_is_one_line_and_exit_2(tmp_path):
    proc = run(["make", "-s", "import", f"FILE={tmp_path / 'missing.ndjson'}", f"DB={tmp_path / 'o.db'}"])
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[0] == f"error: cannot read {tmp_path / 'missing.ndjson'}"
    assert not (tmp_path / "o.db").exists()


def test_forget_that_matches_nothing_records_nothing_and_exits_1(tmp_path):
    from crawler.storage import Store

    db = tmp_path / "o.db"
    Store.open(db).close()
    proc = run([sys.executable, "-m", "crawler.ops.forget", "--db", str(db), "--url", "https://nowhere.example/a"])
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"error: nothing in {db} matched 'https://nowhere.example/a'; no takedown recorded"
    ]
    with Store.open(db) as store:
        assert store.takedowns() == []


def test_cluster_without_a_database_is_one_line_and_exit_2(tmp_path):
    proc = run([sys.executable, "-m", "crawler.ops.cluster", "--db", str(tmp_path / "none.db")])
    assert proc.returncode == 2 and proc.stderr.strip() == f"error: no database at {tmp_path / 'none.db'}"


@pytest.mark.slow
def test_a_killed_runall_stops_its_crawl_child(tmp_path):
    import os
    import signal
    import time

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crawler.ops.runall",
            "--demo",
            "--db",
            str(tmp_path / "d.db"),
            "--only",
            "reddit",
            "-s",
            "DOWNLOAD_DELAY=2",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    child = None
    deadline = time.monotonic() + 60
    while child is None and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.strip().startswith("(pid "):
            child = int(line.strip()[5:-1])
    assert child, "runall never started a crawl"
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # the crawl went with its parent (and was reaped)
