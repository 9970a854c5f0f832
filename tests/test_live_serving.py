"""Datasette keeps answering while a crawl writes to the same database (WAL)."""

from __future__ import annotations

import time

from tests.conftest import datasette_get, rows
from tests.test_resume import slow_feeds, start_crawl


def test_datasette_serves_while_a_crawl_writes(tmp_path, demo_base):
    db = tmp_path / "observatory.db"
    proc = start_crawl("feeds", db, slow_feeds(demo_base), settings={"STORE_BATCH_SIZE": "1"})
    try:
        deadline = time.monotonic() + 30
        while not db.exists():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        seen, queries = set(), 0
        while proc.poll() is None and time.monotonic() < deadline:
            for path in ("/observatory/articles.json?_shape=array&_size=max", "/observatory/runs.json?_shape=array",
                         "/observatory/articles.json?_search=TikTok&_shape=array"):
                r = datasette_get(db, path)
                assert r.status_code == 200, (path, r.text[:300])
                queries += 1
            seen.add(len(datasette_get(db, "/observatory/articles.json?_shape=array&_size=max").json()))
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 0
    assert queries >= 10
    assert len(seen) >= 2  # the reader saw the table grow while the crawl wrote
    assert rows(db, "select status from runs")[0]["status"] == "ok"
