"""Shared test fixtures: the demo sources on a loopback port, real `scrapy crawl` subprocesses
into a temporary SQLite file, and an in-process Datasette over that file. Nothing is mocked."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from crawler.demo.server import start
from crawler.demo.sources import FAST, demo_args

ROOT = Path(__file__).resolve().parents[1]
METADATA = ROOT / "datasets" / "metadata.yml"


@pytest.fixture(scope="session")
def demo_base():
    server, base = start(0)
    yield base
    server.shutdown()


def crawl(spider: str, db: Path, args: dict[str, str] | None = None, settings: dict[str, str] | None = None,
          timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m scrapy crawl SPIDER` against `db` like production does; returns the process."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"OBSERVATORY_DB={db}"]
    for k, v in {**FAST, **(settings or {})}.items():
        cmd += ["-s", f"{k}={v}"]
    for k, v in (args or {}).items():
        cmd += ["-a", f"{k}={v}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def demo_crawl(spider: str, db: Path, base: str, **kw) -> subprocess.CompletedProcess:
    return crawl(spider, db, {**demo_args(base)[spider], **kw.pop("args", {})}, **kw)


def run_stats(db: Path, spider: str, nth: int = -1) -> dict:
    """Scrapy stats of the spider's nth run in this database (0 = first, -1 = last)."""
    found = list(sqlite_utils.Database(db).query(
        "select stats from runs where spider = ? order by started_at, rowid", [spider]))
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
