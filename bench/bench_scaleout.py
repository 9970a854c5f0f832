"""Scale-out throughput: pages/s of the single-process crawl and of 1, 2 and 4 workers + writer.

    python bench/bench_scaleout.py [--pages 1000] [--workers 1,2,4]

One loopback site (demo/pages_site.py), one redis-server of its own on a free port (no
persistence), the `urls` spider, DOWNLOAD_DELAY=0. Each figure is pages / wall time from the first
process start to the database holding every page (process start-up included, as in production).
On the 2-core build machine the CPU is the ceiling: workers, the writer and the site share 2 cores.
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo.pages_site import start_site  # noqa: E402

SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "ERROR",
    "NEARDUP_ENABLED": "False",
    "HEALTH_ENABLED": "False",
}


def flags(settings: dict) -> list[str]:
    return [x for k, v in settings.items() for x in ("-s", f"{k}={v}")]


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def single(base: str, db: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OBSERVATORY_REDIS_URL": ""}
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "urls",
            "-a",
            f"list_url={base}/list.txt",
            *flags({**SETTINGS, "OBSERVATORY_DB": str(db)}),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


def scaled(base: str, db: Path, workers: int, url: str, prefix: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OBSERVATORY_REDIS_URL": url, "OBSERVATORY_REDIS_PREFIX": prefix}
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.ops.scaleout",
            "--workers",
            str(workers),
            "--db",
            str(db),
            "--no-cluster",
            "--spider",
            "urls",
            "-a",
            f"list_url={base}/list.txt",
            *flags(SETTINGS),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--workers", default="1,2,4")
    opts = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    redis = subprocess.Popen(
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
            str(tmp),
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    url = f"redis://127.0.0.1:{port}/0"
    server, base = start_site(opts.pages)
    try:
        print(f"{opts.pages} pages on {base}, {os.cpu_count()} CPUs")
        secs = single(base, tmp / "single.db")
        assert count(tmp / "single.db") == opts.pages
        base_rate = opts.pages / secs
        print(f"{'single process':<16}{secs:8.1f} s{base_rate:9.1f} pages/s   ratio 1.00")
        for n in [int(w) for w in opts.workers.split(",")]:
            db = tmp / f"w{n}.db"
            secs = scaled(base, db, n, url, f"bench{n}")
            assert count(db) == opts.pages
            rate = opts.pages / secs
            print(f"{f'{n} worker(s)':<16}{secs:8.1f} s{rate:9.1f} pages/s   ratio {rate / base_rate:.2f}")
        print("on 2 cores the workers, the writer and the site share the CPU: expect a ceiling near 2 busy processes")
    finally:
        server.shutdown()
        redis.terminate()


if __name__ == "__main__":
    main()
