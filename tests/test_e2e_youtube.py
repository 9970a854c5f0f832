"""YouTube Data API v3 end to end: the real engine (a `scrapy crawl` process, the key in its
environment) against the loopback emulator (demo/youtube.py) on a copy of its data, into SQLite,
read back through Datasette."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from demo.server import DEMO_ROOT, start
from demo.youtube import DEMO_ARGS
from tests.conftest import crawl, datasette_get, rows, run_stats

KEY = "yt-key-c81f0a2d77"
ENV = {"YOUTUBE_API_KEY": KEY}


def serve(tmp_path: Path, **config):
    root = tmp_path / "demo"
    shutil.copytree(DEMO_ROOT / "youtube", root / "youtube")
    shutil.copy(DEMO_ROOT / "robots.txt", root / "robots.txt")
    path = root / "youtube" / "config.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "api_key": KEY, **config}))
    server, base = start(0, root)
    return server, {**DEMO_ARGS, "api_url": f"{base}/youtube/v3"}


@pytest.fixture
def two_runs(tmp_path):
    server, args = serve(tmp_path, comments_disabled=["demo_yt_005"])
    db = tmp_path / "observatory.db"
    first = crawl("youtube", db, args, env=ENV)
    second = crawl("youtube", db, args, env=ENV)
    server.shutdown()
    return db, first, second


def test_videos_statistics_comments_and_rerun(two_runs):
    db, first, second = two_runs
    assert first.returncode == 0, first.stderr[-2000:]
    s1 = run_stats(db, "youtube", 0)
    searches, videos, threads = (
        s1.get(f"observatory/youtube/calls/{m}", 0) for m in ("search", "videos", "commentThreads")
    )
    assert s1["observatory/youtube/quota_units"] == 100 * searches + videos + threads
    assert s1["observatory/retry_after/waited"] == 1  # the 429 on page CAIQAA, waited out
    assert s1["observatory/youtube/comments_disabled"] == 1
    assert s1["observatory/parse_skipped/youtube"] == 1  # the thread without a top-level comment id
    video = rows(db, "select * from posts where platform = 'youtube' and platform_id = 'demo_yt_001'")[0]
    assert video["kind"] == "video" and video["url"] == "https://www.youtube.com/watch?v=demo_yt_001"
    assert (video["view_count"], video["like_count"], video["reply_count"]) == (184203, 9120, 3)
    reply = rows(db, "select * from posts where platform_id = 'UgzDemoThread0001.AAAAreply01'")[0]
    assert reply["kind"] == "comment" and reply["reply_to"] == "UgzDemoThread0001"
    assert reply["thread_root"] == "demo_yt_001"
    assert not rows(db, "select 1 from posts where platform_id = 'demo_yt_004'")  # off topic
    assert not rows(db, "select 1 from posts where platform_id = 'demo_yt_006'")  # before `since`
    cursors = {r["query"]: r["value"] for r in rows(db, "select query, value from cursors where source = 'youtube'")}
    assert cursors["RedNote"] == "2025-01-20T18:00:00Z"  # the newest publishedAt the query found
    # the re-run asks from the cursors on, fetches no unchanged comment thread, stores nothing twice
    assert second.returncode == 0, second.stderr[-2000:]
    s2 = run_stats(db, "youtube", 1)
    assert s2["observatory/store/new"] == 0
    assert s2.get("observatory/youtube/calls/commentThreads", 0) == 0
    assert s2["observatory/youtube/calls/search"] < searches
    spent = json.loads(rows(db, "select value from cursors where source = 'youtube' and query = 'quota'")[0]["value"])
    assert spent["units"] == s1["observatory/youtube/quota_units"] + s2["observatory/youtube/quota_units"]  # per day
    assert rows(db, "select platform_id, count(*) n from posts group by platform, platform_id having n > 1") == []
    r = datasette_get(db, "/observatory/posts.json?_shape=array&platform=youtube&_search=小红书")
    assert r.status_code == 200
    found = {p["platform_id"] for p in r.json()}
    assert "demo_yt_002" in found and "demo_yt_003" not in found


def test_the_key_stays_out_of_urls_logs_database_and_archive(two_runs):
    db, first, second = two_runs
    assert KEY not in first.stderr + second.stderr
    assert KEY.encode() not in db.read_bytes()
    archived = b"".join(gzip.open(p).read() for p in (db.parent / "archive").glob("*.warc.gz"))
    assert b"/youtube/v3/search" in archived and KEY.encode() not in archived


def test_bad_key_is_one_error_and_a_stop(tmp_path):
    server, args = serve(tmp_path)
    db = tmp_path / "observatory.db"
    done = crawl("youtube", db, args, env={"YOUTUBE_API_KEY": "not-the-key"})
    server.shutdown()
    stats = run_stats(db, "youtube")
    assert stats["observatory/errors/youtube/auth"] == 1
    assert done.stderr.count("set YOUTUBE_API_KEY") == 1
    assert rows(db, "select finish_reason from runs")[0]["finish_reason"] == "auth_failed"
    assert rows(db, "select count(*) n from posts")[0]["n"] == 0


def test_the_run_stops_before_the_daily_budget(tmp_path):
    server, args = serve(tmp_path)
    db = tmp_path / "observatory.db"
    crawl("youtube", db, args, settings={"YOUTUBE_DAILY_QUOTA": "250"}, env=ENV)
    again = crawl("youtube", db, args, settings={"YOUTUBE_DAILY_QUOTA": "250"}, env=ENV)
    server.shutdown()
    s1, s2 = run_stats(db, "youtube", 0), run_stats(db, "youtube", 1)
    assert s1["observatory/youtube/calls/search"] == 2 and s1["observatory/youtube/quota_units"] <= 250
    assert s1["observatory/youtube/quota_stop"] == 1
    assert again.returncode == 0 and s2.get("observatory/youtube/calls/search", 0) == 0  # the day's budget is spent
    assert [r["finish_reason"] for r in rows(db, "select finish_reason from runs")] == ["finished", "finished"]


def test_quota_exceeded_on_the_server_and_a_malformed_page(tmp_path):
    faults = [{"endpoint": "search", "when": {"q": "TikTok ban"}, "times": 1, "reply": "malformed"}]
    server, args = serve(tmp_path, daily_quota=150, faults=faults)
    db = tmp_path / "observatory.db"
    crawl("youtube", db, args, env=ENV)
    server.shutdown()
    stats = run_stats(db, "youtube")
    assert stats["observatory/parse_error/youtube"] == 1
    assert stats["observatory/youtube/quota_stop"] == 1  # 403 quotaExceeded: a clean stop, not an auth error
    assert "observatory/errors/youtube/auth" not in stats
    assert rows(db, "select finish_reason from runs")[0]["finish_reason"] == "finished"
