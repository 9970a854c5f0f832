"""Datasette keeps answering while a crawl writes to the same database (WAL), and one running
Datasette instance sees the rows the crawl commits (the database is not served as immutable)."""

from __future__ import annotations

import asyncio
import time

import pytest
import yaml
from datasette.app import Datasette

from tests.conftest import METADATA, ROOT, rows
from tests.test_resume import slow_feeds, start_crawl

pytestmark = pytest.mark.slow

PATHS = ("/observatory/runs.json?_shape=array", "/observatory/articles.json?_search=TikTok&_shape=array")


async def read_while_crawling(db, proc) -> tuple[list[int], int]:
    ds = Datasette([str(db)], metadata=yaml.safe_load(METADATA.read_text()), plugins_dir=str(ROOT / "plugins"))
    await ds.invoke_startup()
    counts, queries = [], 0
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        for path in PATHS:
            r = await ds.client.get(path)
            assert r.status_code == 200, (path, r.text[:300])
            queries += 1
        r = await ds.client.get("/observatory/articles.json?_shape=array&_size=max")
        assert r.status_code == 200, r.text[:300]
        counts.append(len(r.json()))
        await asyncio.sleep(0.05)
    r = await ds.client.get("/observatory/articles.json?_shape=array&_size=max")
    counts.append(len(r.json()))  # the same instance, after the crawl: sees every committed row
    return counts, queries


def test_datasette_serves_while_a_crawl_writes(tmp_path, demo_base):
    db = tmp_path / "observatory.db"
    # one item per transaction, pages 0.3 s apart: the articles are committed over a few seconds
    proc = start_crawl("feeds", db, slow_feeds(demo_base), settings={"STORE_BATCH_SIZE": "1", "DOWNLOAD_DELAY": "0.3"})
    try:
        deadline = time.monotonic() + 30
        while not db.exists():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        counts, queries = asyncio.run(read_while_crawling(db, proc))
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 0
    assert queries >= 10
    final = len(rows(db, "select id from articles"))
    assert counts[-1] == final == 7
    assert len(set(counts)) >= 3  # the reader saw the table grow while the crawl wrote
    assert counts == sorted(counts)
    assert rows(db, "select status from runs")[0]["status"] == "ok"
