"""Scale-out (issue #15): a Redis frontier shared by worker processes, one writer into SQLite.

Each test starts its own ``redis-server`` on a free loopback port (no persistence) and its own
loopback site (demo/pages_site.py, which counts every GET). Everything is a real process: the
workers are `scrapy crawl`, the writer is `python -m crawler.ops.writer`."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from demo.pages_site import start_site
from tests.conftest import crawl_process

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="redis-server is not installed (.ci/run installs it)"
    ),
]
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "WARNING",
    "NEARDUP_ENABLED": "False",
    "HEALTH_ENABLED": "False",
    "SCALEOUT_HEARTBEAT_TTL": "3",
}
COLUMNS = "id, url, canonical_url, title, text, published_at, lang, outlet, source"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(10)


def env_for(url: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "OBSERVATORY_REDIS_URL": url}


def sflags(settings: dict) -> list[str]:
    return [x for k, v in settings.items() for x in ("-s", f"{k}={v}")]


def table(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def page_hits(server) -> dict[str, int]:
    return {k: v for k, v in server.hits.items() if k.startswith("/a/")}


def test_three_workers_and_a_writer_store_what_one_process_stores(tmp_path, redis_url):
    n = 2000
    single_site, single_base = start_site(n)
    one = tmp_path / "one.db"
    done = crawl_process(
        "urls", one, {"list_url": f"{single_base}/list.txt"}, FAST, timeout=240, env={"OBSERVATORY_REDIS_URL": ""}
    )
    single_site.shutdown()
    single_site.server_close()
    assert done.returncode == 0, done.stderr[-2000:]

    site, base = start_site(n, port=single_site.server_address[1])  # same port: same URLs, same ids
    many = tmp_path / "many.db"
    cmd = [
        sys.executable,
        "-m",
        "crawler.ops.scaleout",
        "--workers",
        "3",
        "--db",
        str(many),
        "--no-cluster",
        "--spider",
        "urls",
        "-a",
        f"list_url={base}/list.txt",
        *sflags(FAST),
    ]
    out = subprocess.run(cmd, cwd=ROOT, env=env_for(redis_url), capture_output=True, text=True, timeout=240)
    site.shutdown()
    assert out.returncode == 0, out.stderr[-3000:]

    rows_one = table(one, f"SELECT {COLUMNS} FROM articles ORDER BY id")
    rows_many = table(many, f"SELECT {COLUMNS} FROM articles ORDER BY id")
    assert len(rows_one) == n
    assert rows_many == rows_one
    assert table(many, "SELECT url, article_id FROM article_urls ORDER BY url") == table(
        one, "SELECT url, article_id FROM article_urls ORDER BY url"
    )
    hits = page_hits(site)
    assert len(hits) == n and set(hits.values()) == {1}  # every page fetched exactly once
    assert site.hits["/list.txt"] == 1
    assert 1 <= site.hits["/robots.txt"] <= 3  # each worker reads robots.txt itself
    runs = table(
        many,
        "SELECT status, items_new, stats->>'observatory/scaleout/workers', "
        "stats->>'observatory/scaleout/pushed' FROM runs",
    )
    assert runs == [("ok", n, 3, n)]  # one run for the whole crawl, every worker counted
    client = redis.Redis.from_url(redis_url)
    assert client.llen("observatory:items") == 0 and client.llen("observatory:items:processing") == 0
    assert client.zcard("observatory:urls:requests") == 0
    assert list(client.scan_iter("observatory:urls:inflight:*")) == []


def test_killed_worker_and_writer_lose_nothing(tmp_path, redis_url):
    n = 800
    rng = random.Random()
    seed = rng.randrange(10**6)
    rng.seed(seed)
    site, base = start_site(n)
    db = tmp_path / "kill.db"
    env = env_for(redis_url)
    settings = {**FAST, "OBSERVATORY_RUN_ID": "urls-kill-test", "CONCURRENT_REQUESTS_PER_DOMAIN": "4"}
    writer_cmd = [sys.executable, "-m", "crawler.ops.writer", "--db", str(db), "--batch", "50"]

    def worker(i: int) -> subprocess.Popen:
        cmd = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "urls",
            "-a",
            f"list_url={base}/list.txt",
            *sflags({**settings, "OBSERVATORY_DB": str(db), "SCALEOUT_WORKER_ID": f"w{i}"}),
        ]
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    writer = subprocess.Popen(writer_cmd, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    workers = {i: worker(i) for i in (1, 2, 3)}
    client = redis.Redis.from_url(redis_url)

    def items_pushed() -> int:
        return sum(int(v) for v in client.hgetall("observatory:stats").values())

    # kill w2 once it has pushed some items, at a random point of the crawl
    kill_worker_at = rng.randrange(50, n // 2)
    kill_writer_at = rng.randrange(kill_worker_at, n - 50)
    killed_worker = killed_writer = False
    for _ in range(3000):  # bounded: 0.02 s a turn
        pushed = items_pushed()
        if not killed_worker and pushed >= kill_worker_at:
            workers[2].send_signal(signal.SIGKILL)
            workers[2].wait()
            workers[2] = worker(2)  # restarted: it re-queues what it had in flight
            killed_worker = True
        if not killed_writer and pushed >= kill_writer_at:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
            writer = subprocess.Popen(writer_cmd, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
            killed_writer = True
        if killed_worker and killed_writer:
            break
        time.sleep(0.02)
    assert killed_worker and killed_writer, f"seed {seed}: the crawl ended before the kills"
    for i, proc in workers.items():
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, f"seed {seed}, w{i}: {err.decode()[-2000:]}"
    client.rpush("observatory:items", b'{"op": "stop"}')
    assert writer.wait(timeout=120) == 0
    site.shutdown()

    ids = table(db, "SELECT id FROM articles")
    assert len(ids) == n and len(set(ids)) == n, f"seed {seed}"
    assert table(db, "SELECT count(*) FROM article_urls") == [(n,)]
    assert table(db, "PRAGMA integrity_check") == [("ok",)]
    assert len(page_hits(site)) == n  # every page fetched (a killed worker's pages again, at most)
    assert table(db, "SELECT status, finish_reason FROM runs") == [("ok", "finished")]
    assert client.llen("observatory:items") == 0 and client.llen("observatory:items:processing") == 0
    assert list(client.scan_iter("observatory:urls:inflight:*")) == []


def test_redis_unreachable_is_one_error_and_a_failure(tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    db = tmp_path / "none.db"
    worker = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "urls",
            "-a",
            "list_url=http://127.0.0.1:9/x",
            *sflags({**FAST, "OBSERVATORY_DB": str(db)}),
        ],
        cwd=ROOT,
        env=env_for(url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert worker.returncode == 2
    errors = [line for line in worker.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "unreachable" in errors[0] and url in errors[0]
    writer = subprocess.run(
        [sys.executable, "-m", "crawler.ops.writer", "--db", str(db)],
        cwd=ROOT,
        env=env_for(url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert writer.returncode == 2 and writer.stderr.strip().count("\n") == 0 and "unreachable" in writer.stderr
    launcher = subprocess.run(
        [sys.executable, "-m", "crawler.ops.scaleout", "--workers", "2", "--db", str(db)],
        cwd=ROOT,
        env=env_for(url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert launcher.returncode == 2 and "unreachable" in launcher.stderr
    assert not db.exists() or table(db, "SELECT count(*) FROM articles") == [(0,)]
