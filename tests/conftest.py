"""Shared test fixtures: the demo sources on a loopback port, real Scrapy crawls into a temporary
SQLite file, and an in-process Datasette over that file. Nothing is mocked.

``crawl()`` sends the crawl to one long-lived crawl process (tests/crawlworker.py: the real engine
through CrawlerRunner, the same settings path as `scrapy crawl`), which saves the 2 s start-up of
a fresh process per crawl. ``crawl_process()`` runs `python -m scrapy crawl` itself, for tests
about the process (its exit code, the environment it reads, being killed)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from crawler.storage import db_setting
from demo.server import start
from demo.sources import FAST, demo_args

ROOT = Path(__file__).resolve().parents[1]
METADATA = ROOT / "datasets" / "metadata.yml"


@pytest.fixture(scope="session")
def demo_base():
    server, base = start(0)
    yield base
    server.shutdown()


class CrawlWorker:
    """The pytest session's crawl process (started on first use, restarted if it dies or hangs)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        return subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "crawlworker.py")],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )

    def run(self, spider: str, settings: dict[str, str], args: dict[str, str], timeout: float):
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        job = json.dumps({"spider": spider, "settings": settings, "args": args})
        self.proc.stdin.write(job + "\n")
        self.proc.stdin.flush()
        answer: list[str] = []
        reader = threading.Thread(target=lambda: answer.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not answer or not answer[0]:
            self.stop()
            raise subprocess.TimeoutExpired(f"crawl {spider}", timeout)
        found = json.loads(answer[0])
        return subprocess.CompletedProcess([spider], found["returncode"], "", found["stderr"])

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


WORKER = CrawlWorker()


@pytest.fixture(scope="session", autouse=True)
def _stop_crawl_worker():
    yield
    WORKER.stop()


def crawl(
    spider: str,
    db: Path,
    args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Crawl SPIDER into `db` with the real engine (in the session's crawl process; in a fresh
    `scrapy crawl` process when the crawl needs environment variables of its own)."""
    if env:
        return crawl_process(spider, db, args, settings, timeout, env)
    merged = {**db_setting(db), **FAST, **(settings or {})}
    return WORKER.run(
        spider, {k: str(v) for k, v in merged.items()}, {k: str(v) for k, v in (args or {}).items()}, timeout
    )


def crawl_process(
    spider: str,
    db: Path,
    args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run `python -m scrapy crawl SPIDER` against `db` like production does; returns the process."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
    for k, v in {**db_setting(db), **FAST, **(settings or {})}.items():
        cmd += ["-s", f"{k}={v}"]
    for k, v in (args or {}).items():
        cmd += ["-a", f"{k}={v}"]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout)


def demo_crawl(spider: str, db: Path, base: str, **kw) -> subprocess.CompletedProcess:
    return crawl(spider, db, {**demo_args(base)[spider], **kw.pop("args", {})}, **kw)


def run_stats(db: Path, spider: str, nth: int = -1) -> dict:
    """Scrapy stats of the spider's nth run in this database (0 = first, -1 = last)."""
    found = list(sqlite_utils.Database(db).query("select stats from runs where spider = ? order by rowid", [spider]))
    return json.loads(found[nth]["stats"])


def datasette_get(db: Path, path: str):
    """GET a path from a real Datasette app over `db` with the project's metadata and plugins."""
    from datasette.app import Datasette

    async def go():
        ds = Datasette([str(db)], metadata=yaml.safe_load(METADATA.read_text()), plugins_dir=str(ROOT / "plugins"))
        await ds.invoke_startup()
        return await ds.client.get(path)

    return asyncio.run(go())


def rows(db: Path, sql: str, params=()) -> list[dict]:
    return list(sqlite_utils.Database(db).query(sql, params))
