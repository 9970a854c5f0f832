"""Crash resume: crawls killed with SIGKILL at several points, then started again, end with the
same rows as an uninterrupted crawl; the database stays sound and nothing committed is lost.

The design relies on idempotent re-runs (not Scrapy's JOBDIR, see docs/operations.md): stable ids
and upserts, cursors and HTTP validators written only after a clean finish, stored articles skipped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from demo.sources import FAST, demo_args
from tests.conftest import ROOT, demo_crawl, rows

pytestmark = pytest.mark.slow

TABLES = ("articles", "article_urls", "articles_search", "posts", "posts_search", "post_hashtags", "authors")
NO_ARCHIVE = {"ARCHIVE_ENABLED": "False"}


def snapshot(db) -> dict:
    out = {t: rows(db, f"select count(*) n from {t}")[0]["n"] for t in TABLES}
    out["article_ids"] = [r["id"] for r in rows(db, "select id from articles order by id")]
    out["post_ids"] = [r["id"] for r in rows(db, "select id from posts order by id")]
    return out


def start_crawl(spider, db, args, settings=None, env=None):
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"OBSERVATORY_DB={db}"]
    for k, v in {**FAST, **NO_ARCHIVE, **(settings or {})}.items():
        cmd += ["-s", f"{k}={v}"]
    for k, v in args.items():
        cmd += ["-a", f"{k}={v}"]
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:  # the database may not exist yet
            pass
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def kill(proc):
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def check_sound(db):
    assert rows(db, "pragma integrity_check")[0]["integrity_check"] == "ok"
    assert (
        rows(db, "select count(*) n from articles")[0]["n"]
        == rows(db, "select count(distinct canonical_url) n from articles")[0]["n"]
    )
    assert (
        rows(db, "select count(*) n from posts")[0]["n"]
        == rows(db, "select count(distinct platform || platform_id) n from posts")[0]["n"]
    )


def slow_feeds(base):
    args = demo_args(base)["feeds"]
    # a slow "feed" keeps the crawl open for a few seconds after the fast ones are done
    return {**args, "feeds": args["feeds"] + f",{base}/faults/slow/4"}


@pytest.fixture(scope="module")
def reference(tmp_path_factory, demo_base):
    """Uninterrupted runs: the counts every resumed crawl must end with."""
    db = tmp_path_factory.mktemp("ref") / "o.db"
    assert demo_crawl("feeds", db, demo_base, args=slow_feeds(demo_base), settings=NO_ARCHIVE).returncode == 0
    assert demo_crawl("mastodon", db, demo_base, settings=NO_ARCHIVE).returncode == 0
    return snapshot(db)


def finish(db, base):
    for spider, args in (("feeds", slow_feeds(base)), ("mastodon", demo_args(base)["mastodon"])):
        proc = demo_crawl(spider, db, base, args=args, settings=NO_ARCHIVE)
        assert proc.returncode == 0, proc.stderr[-2000:]


def test_killed_during_the_first_requests(tmp_path, demo_base, reference):
    db = tmp_path / "o.db"
    proc = start_crawl("feeds", db, slow_feeds(demo_base))
    wait_for(lambda: rows(db, "select status from runs")[0]["status"] == "running")
    kill(proc)
    check_sound(db)
    assert rows(db, "select count(*) n from articles")[0]["n"] < len(reference["article_ids"])
    assert rows(db, "select * from http_validators") == []  # a killed run leaves no validator behind
    finish(db, demo_base)
    check_sound(db)
    assert snapshot(db) == reference
    runs = rows(db, "select spider, status, finish_reason from runs order by rowid")
    assert runs[0]["status"] == "interrupted" and runs[0]["finish_reason"] == "killed"
    assert [r["status"] for r in runs[1:]] == ["ok", "ok"]


def test_killed_mid_crawl_keeps_committed_rows(tmp_path, demo_base, reference):
    db = tmp_path / "o.db"
    # small batches commit as the crawl goes; the slow feed holds the crawl open: kill then
    proc = start_crawl(
        "feeds", db, slow_feeds(demo_base), settings={"STORE_BATCH_SIZE": "1", "RUN_STATS_INTERVAL": "0.2"}
    )
    wait_for(lambda: rows(db, "select count(*) n from articles")[0]["n"] >= 3)
    wait_for(lambda: rows(db, "select requests from runs")[0]["requests"])  # a checkpoint was written
    assert proc.poll() is None, "the crawl finished before it could be killed"
    kill(proc)
    check_sound(db)
    killed = rows(db, "select status, requests, stats from runs")[0]
    assert killed["status"] == "running" and killed["requests"] > 0  # a killed run keeps its counters
    assert json.loads(killed["stats"])["downloader/request_count"] == killed["requests"]
    committed = {r["id"]: r["first_seen_at"] for r in rows(db, "select id, first_seen_at from articles")}
    assert committed
    assert rows(db, "select * from http_validators") == []  # no clean finish, no validators
    finish(db, demo_base)
    check_sound(db)
    assert snapshot(db) == reference
    after = {r["id"]: r["first_seen_at"] for r in rows(db, "select id, first_seen_at from articles")}
    assert all(after[i] == t for i, t in committed.items())  # nothing committed lost or rewritten
    resumed = json.loads(rows(db, "select stats from runs where spider = 'feeds' and status = 'ok'")[0]["stats"])
    assert resumed["observatory/feeds/known_skipped"] == len(committed)  # stored pages not fetched again


def test_killed_inside_a_store_batch(tmp_path, demo_base, reference):
    db = tmp_path / "o.db"
    marker = tmp_path / "in-batch"
    pipelines = {
        "pipelines.normalise.NormalisePipeline": 100,
        "pipelines.relevance.RelevancePipeline": 200,
        "pipelines.dedupe.DedupePipeline": 300,
        "tests.slowstore.SlowStorePipeline": 900,
    }
    proc = start_crawl(
        "mastodon",
        db,
        demo_args(demo_base)["mastodon"],
        settings={"ITEM_PIPELINES": json.dumps(pipelines), "STORE_BATCH_SIZE": "5"},
        env={"SLOWSTORE_MARKER": str(marker), "SLOWSTORE_SECONDS": "30"},
    )
    wait_for(marker.exists)
    kill(proc)  # the batch's rows are written but the transaction never commits
    check_sound(db)
    assert rows(db, "select count(*) n from posts")[0]["n"] == 0
    assert rows(db, "select count(*) n from observations")[0]["n"] == 0
    assert rows(db, "select * from cursors") == []
    # once more, after some batches have committed
    marker.unlink()
    proc = start_crawl(
        "mastodon",
        db,
        demo_args(demo_base)["mastodon"],
        settings={"ITEM_PIPELINES": json.dumps(pipelines), "STORE_BATCH_SIZE": "5"},
        env={"SLOWSTORE_MARKER": str(marker), "SLOWSTORE_SECONDS": "0"},
    )
    wait_for(lambda: rows(db, "select count(*) n from posts")[0]["n"] >= 5)
    kill(proc) if proc.poll() is None else None
    check_sound(db)
    finish(db, demo_base)
    check_sound(db)
    assert snapshot(db) == reference
    assert rows(db, "select count(*) n from runs where status = 'running'")[0]["n"] == 0
