"""TikTok Research API end to end: the real engine (a `scrapy crawl` process, credentials in its
environment) against the loopback emulator (demo/tiktok_research.py) on a copy of its data, into
SQLite, read back through Datasette."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from demo.server import DEMO_ROOT, start
from demo.tiktok_research import DEMO_ARGS
from tests.conftest import crawl, datasette_get, rows, run_stats

SECRET = "tt-secret-9f3b7c1e"
KEY = "tt-clientkey-4d2a"
ENV = {"TIKTOK_CLIENT_KEY": KEY, "TIKTOK_CLIENT_SECRET": SECRET}


def serve(tmp_path: Path, **config):
    """The emulator on its own copy of the demo data (its quota and faults are this test's)."""
    root = tmp_path / "demo"
    shutil.copytree(DEMO_ROOT / "tiktok_research", root / "tiktok_research")
    shutil.copy(DEMO_ROOT / "robots.txt", root / "robots.txt")
    path = root / "tiktok_research" / "config.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "client_key": KEY, "client_secret": SECRET, **config}))
    server, base = start(0, root)
    return server, {**DEMO_ARGS, "api_url": f"{base}/tiktok_research"}


def cursor(db: Path, key: str | None = None) -> dict:
    found = {
        r["query"]: json.loads(r["value"])
        for r in rows(db, "select query, value from cursors where source = 'tiktok_research'")
    }
    return found["quota"] if key == "quota" else next(v for k, v in found.items() if k != "quota")


@pytest.fixture
def two_runs(tmp_path):
    server, args = serve(tmp_path)
    db = tmp_path / "observatory.db"
    first = crawl("tiktok_research", db, args, env=ENV)
    span1 = cursor(db)
    ids1 = {r["platform_id"] for r in rows(db, "select platform_id from posts")}
    second = crawl("tiktok_research", db, args, env=ENV)
    server.shutdown()
    return db, first, second, span1, ids1


def test_windows_paging_errors_and_rerun(two_runs):
    db, first, second, span1, ids1 = two_runs
    assert first.returncode == 0, first.stderr[-2000:]
    s1 = run_stats(db, "tiktok_research", 0)
    # 2024-11-01..2025-01-31 in windows of at most 30 days, walked back from `until`
    assert s1["observatory/tiktok_research/windows_planned"] == 4
    assert s1["observatory/retry_after/waited"] == 1  # the 429 with Retry-After was waited out and retried
    assert s1["observatory/errors/tiktok_research/api_internal_error"] == 1  # an error object with HTTP 200
    assert s1["observatory/parse_skipped/tiktok_research"] == 2  # a video and a comment without id
    assert "7460000000000000101" in ids1 and "7460000000000000108" not in ids1  # its window failed
    assert span1["oldest"] == "2024-12-03" and span1["newest"] == "2025-01-31"
    video = rows(db, "select * from posts where platform_id = '7460000000000000101'")[0]
    assert video["platform"] == "tiktok" and video["kind"] == "video"
    assert video["url"] == "https://www.tiktok.com/@demo-cat-tax/video/7460000000000000101"
    assert (video["view_count"], video["like_count"], video["reply_count"]) == (52000, 4100, 87)
    comment = rows(db, "select * from posts where platform_id = '7460000000000900002'")[0]
    assert comment["kind"] == "comment" and comment["reply_to"] == "7460000000000900001"
    assert comment["thread_root"] == "7460000000000000101"
    # the second run walks only what is new or still owed, and stores nothing twice
    assert second.returncode == 0, second.stderr[-2000:]
    s2 = run_stats(db, "tiktok_research", 1)
    assert s2["observatory/tiktok_research/windows_planned"] == 3
    assert s2["observatory/store/new"] == 1  # the video of the window that failed the first time
    assert s2.get("observatory/tiktok_research/comment_pages", 0) == 0  # comment counts unchanged
    assert cursor(db)["oldest"] == "2024-11-01"
    assert (
        cursor(db, "quota")["used"]
        == s1["observatory/tiktok_research/requests"] + s2["observatory/tiktok_research/requests"]
    )
    dupes = rows(db, "select platform_id, count(*) n from posts group by platform, platform_id having n > 1")
    assert dupes == []
    assert (
        rows(
            db,
            "select count(*) n from observations o join posts p on p.id = o.post_id "
            "where p.platform_id = '7460000000000000108'",
        )[0]["n"]
        == 1
    )  # seen by the second run only


def test_datasette_serves_the_videos(two_runs):
    db = two_runs[0]
    r = datasette_get(db, "/observatory/posts.json?_shape=array&platform=tiktok&kind=video&_size=max")
    assert r.status_code == 200
    got = {p["platform_id"]: p for p in r.json()}
    assert got["7460000000000000102"]["text"].startswith("欢迎TikTok难民")
    assert "7460000000000000107" not in got  # off topic: dropped by relevance
    found = datasette_get(db, "/observatory/posts.json?_shape=array&_search=小红书&platform=tiktok").json()
    assert "7460000000000000102" in {p["platform_id"] for p in found}
    assert "7460000000000000105" not in {p["platform_id"] for p in found}


def test_credentials_stay_out_of_the_database_and_logs(two_runs):
    db, first, second, _span, _ids = two_runs
    for proc in (first, second):
        assert SECRET not in proc.stderr and KEY not in proc.stderr
    assert SECRET.encode() not in db.read_bytes() and KEY.encode() not in db.read_bytes()
    assert all(SECRET not in r["args"] for r in rows(db, "select args from runs"))


def test_credentials_stay_out_of_the_archive(two_runs):
    import gzip

    db = two_runs[0]
    files = list((db.parent / "archive").glob("*.warc.gz"))
    assert files
    archived = b"".join(gzip.open(p).read() for p in files)
    assert b"/v2/research/video/query/" in archived  # the research exchanges are archived...
    assert SECRET.encode() not in archived and KEY.encode() not in archived  # ...the token exchange is not
    assert b"clt.demo-research-token" not in archived  # nor the bearer token in Authorization headers


def test_wrong_secret_is_one_error_and_a_stop(tmp_path):
    server, args = serve(tmp_path)
    db = tmp_path / "observatory.db"
    done = crawl("tiktok_research", db, args, env={**ENV, "TIKTOK_CLIENT_SECRET": "wrong"})
    server.shutdown()
    stats = run_stats(db, "tiktok_research")
    assert stats["observatory/errors/tiktok_research/auth"] == 1
    assert rows(db, "select finish_reason from runs")[0]["finish_reason"] == "auth_failed"
    assert stats.get("observatory/tiktok_research/requests", 0) == 0
    assert done.stderr.count("TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET") == 1
    assert rows(db, "select count(*) n from posts")[0]["n"] == 0


def test_no_credentials_makes_no_request(tmp_path):
    server, args = serve(tmp_path)
    db = tmp_path / "observatory.db"
    done = crawl("tiktok_research", db, args, env={"TIKTOK_CLIENT_KEY": "", "TIKTOK_CLIENT_SECRET": ""})
    server.shutdown()
    assert "needs credentials" in done.stderr
    assert run_stats(db, "tiktok_research")["observatory/errors/tiktok_research/no_credentials"] == 1


def test_daily_quota_is_respected_across_runs(tmp_path):
    server, args = serve(tmp_path, faults=[])
    db = tmp_path / "observatory.db"
    quota = {"TIKTOK_RESEARCH_DAILY_QUOTA": "2"}
    first = crawl("tiktok_research", db, args, settings=quota, env=ENV)
    again = crawl("tiktok_research", db, args, settings=quota, env=ENV)
    server.shutdown()
    assert first.returncode == 0 and again.returncode == 0
    s1, s2 = run_stats(db, "tiktok_research", 0), run_stats(db, "tiktok_research", 1)
    assert s1["observatory/tiktok_research/requests"] == 2 and s1["observatory/tiktok_research/quota_stop"] == 1
    assert s2.get("observatory/tiktok_research/requests", 0) == 0  # the day's quota was spent by the first run
    assert s2["observatory/tiktok_research/quota_stop"] == 1
    assert cursor(db, "quota")["used"] == 2


def test_a_malformed_page_then_the_quota_exhausted_on_the_server(tmp_path):
    faults = [
        {"endpoint": "query", "when": {"start_date": "20250102"}, "times": 1, "reply": "malformed"},
        {"endpoint": "query", "when": {"start_date": "20250102"}, "times": 5, "reply": "quota"},
    ]
    server, args = serve(tmp_path, faults=faults)
    db = tmp_path / "observatory.db"
    crawl("tiktok_research", db, args, env=ENV)
    crawl("tiktok_research", db, args, env=ENV)
    server.shutdown()
    malformed, quota = run_stats(db, "tiktok_research", 0), run_stats(db, "tiktok_research", 1)
    assert malformed["observatory/parse_error/tiktok_research"] == 1  # the first window's page
    assert malformed["observatory/tiktok_research/windows_failed"] == 1
    assert quota["observatory/tiktok_research/quota_stop"] == 1  # 429 rate_limit_exceeded, no Retry-After
    assert quota.get("observatory/tiktok_research/pages", 0) == 0
    assert [r["finish_reason"] for r in rows(db, "select finish_reason from runs")] == ["finished", "finished"]
    # no window was covered, so no span cursor: the next run walks them all again
    assert rows(db, "select count(*) n from cursors where source = 'tiktok_research' and query != 'quota'")[0]["n"] == 0
