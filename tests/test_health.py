"""Health check: pure rules, then through a real crawl (status failed, health column, ERROR log)."""

from __future__ import annotations

import json

from crawler.health import check
from tests.conftest import crawl, crawl_process, demo_crawl, rows, run_stats

SETTINGS = {"HEALTH_MAX_ERROR_RATE": 0.5, "HEALTH_HISTORY": 3, "HEALTH_USUAL_YIELD": 2}


def run(new=0, updated=0, status="ok", **stats):
    return {
        "status": status,
        "items_new": new,
        "items_updated": updated,
        "stats": json.dumps({"observatory/store/new": new, "observatory/store/updated": updated, **stats}),
    }


def test_silent_source_flagged_only_when_it_usually_yields():
    quiet = {"downloader/response_count": 5}
    assert (
        check([run(5), run(3), run(0)], quiet, SETTINGS)
        and "silent source" in check([run(5), run(3)], quiet, SETTINGS)[0]
    )
    assert check([run(5), run(0), run(0)], quiet, SETTINGS) == []  # yielded in only 1 of the last 3
    assert check([run(0), run(0), run(0), run(9), run(9)], quiet, SETTINGS) == []  # only the last 3 count
    assert check([run(5, status="failed"), run(5, status="interrupted"), run(5)], quiet, SETTINGS) == []
    assert check([run(5), run(5)], {**quiet, "observatory/store/updated": 1}, SETTINGS) == []
    # content already held is not silence: a feed answering 304, stored articles skipped
    assert check([run(5), run(5)], {**quiet, "observatory/conditional/not_modified": 2}, SETTINGS) == []
    assert check([run(5), run(5)], {**quiet, "observatory/feeds/known_skipped": 4}, SETTINGS) == []
    # history rows without stats JSON fall back to the item columns
    assert check([{"status": "ok", "items_new": 2}, {"status": "ok", "items_updated": 1}], quiet, SETTINGS)


def test_error_rate():
    ok = {"observatory/store/new": 1}
    assert check([], {**ok, "log_count/ERROR": 5, "downloader/response_count": 10}, SETTINGS) == []
    problems = check([], {**ok, "log_count/ERROR": 6, "downloader/response_count": 10}, SETTINGS)
    assert len(problems) == 1 and "error rate 0.60" in problems[0]
    assert check([], {**ok, "log_count/ERROR": 1}, SETTINGS)  # no responses at all
    # a request that gave up after retries is logged twice and counts once
    assert (
        check([], {**ok, "log_count/ERROR": 8, "retry/max_reached": 3, "downloader/response_count": 10}, SETTINGS) == []
    )
    assert check([], {**ok, "log_count/ERROR": 2, "downloader/response_count": 10}, {"HEALTH_MAX_ERROR_RATE": 0.1})


def test_silent_source_fails_the_run(tmp_path, demo_base):
    db = tmp_path / "o.db"
    args = {"hashtags": "NoSuchTagAnywhere"}
    first = demo_crawl("mastodon", db, demo_base, args=args)
    assert first.returncode == 0
    assert rows(db, "select status from runs")[0]["status"] == "ok"  # no history: nothing to compare
    # the same source and arguments yielded items in its earlier runs
    with_args = rows(db, "select args from runs")[0]["args"]
    import sqlite_utils

    sdb = sqlite_utils.Database(db)
    for i in range(3):
        sdb["runs"].insert(
            {
                "run_id": f"mastodon-old-{i}",
                "spider": "mastodon",
                "status": "ok",
                "args": with_args,
                "started_at": f"2025-01-0{i + 1}T00:00:00Z",
                "finished_at": f"2025-01-0{i + 1}T00:01:00Z",
                "items_new": 10,
                "stats": json.dumps({"observatory/store/new": 10}),
            }
        )
    second = demo_crawl("mastodon", db, demo_base, args=args)
    assert second.returncode == 1  # a run that fails its health check exits non-zero
    last = rows(db, "select status, health from runs order by rowid desc limit 1")[0]
    assert last["status"] == "failed"
    assert "silent source" in json.loads(last["health"])[0]
    assert "ERROR: health check failed for mastodon: silent source" in second.stderr


def test_error_rate_fails_the_run(tmp_path, demo_base):
    db = tmp_path / "o.db"
    proc = crawl("feeds", db, {"feeds": ",".join(f"{demo_base}/faults/status/{c}" for c in (403, 404, 410))})
    assert proc.returncode == 1
    run = rows(db, "select status, health, errors, responses from runs")[0]
    assert run["status"] == "failed", run
    assert "error rate" in run["health"]


def test_runall_exits_non_zero_and_shows_the_problem(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    db = tmp_path / "o.db"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.ops.runall",
            "--demo",
            "--db",
            str(db),
            "--only",
            "feeds",
            "-s",
            "HEALTH_MAX_ERROR_RATE=0.01",
            "-s",
            "ARCHIVE_ENABLED=False",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "failed" in proc.stdout and "feeds: error rate" in proc.stdout


def test_scrapy_crawl_exit_codes_say_whether_the_run_did_its_job(tmp_path, demo_base):
    """The real `scrapy crawl` process (crawler/commands/crawl.py): 2 and one line for a usage
    error before any engine starts, 1 for a failed run, 0 for a healthy one."""
    db = tmp_path / "o.db"
    bad_arg = crawl_process("mastodon", db, {"max_pages": "abc"})
    assert bad_arg.returncode == 2
    assert bad_arg.stderr.strip().splitlines()[-1] == "error: -a max_pages= must be a whole number, got 'abc'"
    assert not db.exists()  # nothing started, nothing written
    bad_topic = crawl_process("mastodon", db, settings={"OBSERVATORY_TOPIC": str(tmp_path / "missing.toml")})
    assert bad_topic.returncode == 2 and "topic file" in bad_topic.stderr.strip().splitlines()[-1]
    failed = crawl_process("feeds", db, {"feeds": ",".join(f"{demo_base}/faults/status/{c}" for c in (403, 404, 410))})
    assert failed.returncode == 1
    ok = crawl_process("feeds", tmp_path / "ok.db", {"feeds": f"{demo_base}/news/harbor-ledger/rss.xml"})
    assert ok.returncode == 0, ok.stderr[-2000:]


def test_demo_and_live_data_never_share_a_database(tmp_path, demo_base):
    db = tmp_path / "o.db"
    demo = crawl("feeds", db, {"feeds": f"{demo_base}/news/harbor-ledger/rss.xml", "demo": "1"})
    assert demo.returncode == 0, demo.stderr[-2000:]
    before = rows(db, "select run_id, status from runs")
    live = crawl("feeds", db, {"feeds": f"{demo_base}/news/harbor-ledger/rss.xml"})
    assert live.returncode == 1
    assert "refused" in live.stderr and "holds demo data" in live.stderr
    assert rows(db, "select run_id, status from runs") == before  # the refused run left no trace


def test_counting_retries_redirect_loops_and_offhost_redirects(tmp_path, demo_base):
    # a feed that answers 500 every time fails the run, retries do not dilute the error rate
    db = tmp_path / "o.db"
    proc = crawl("feeds", db, {"feeds": f"{demo_base}/faults/status/500"}, {"RETRY_TIMES": "2"})
    run = rows(db, "select status, errors from runs")[0]
    assert proc.returncode == 1 and run["status"] == "failed" and run["errors"] == 1, run
    # a redirect loop is one counted error
    db2 = tmp_path / "loop.db"
    crawl("feeds", db2, {"feeds": f"{demo_base}/faults/loop"}, {"REDIRECT_MAX_TIMES": "3"})
    assert run_stats(db2, "feeds").get("observatory/errors/feeds/redirect_loop") == 1
    # an API spider refuses a redirect to another host, counts it, and never fetches the target
    db3 = tmp_path / "api.db"
    crawl("mastodon", db3, {"instances": f"{demo_base}/faults/offhost", "hashtags": "RedNote"})
    stats = run_stats(db3, "mastodon")
    assert stats.get("observatory/errors/mastodon/offhost_redirect") == 1, stats
    assert stats.get("downloader/response_status_count/200", 0) <= 1  # robots.txt at most, not the target


def test_an_unreachable_source_is_stopped_early(tmp_path):
    db = tmp_path / "o.db"
    dead = ",".join(f"http://127.0.0.1:9/i{n}" for n in range(40))  # nothing listens on port 9
    # a small delay as in production (with DOWNLOAD_DELAY=0 every request leaves at once)
    proc = crawl(
        "mastodon", db, {"instances": dead, "hashtags": "RedNote"}, {"RETRY_TIMES": "0", "DOWNLOAD_DELAY": "0.05"}
    )
    stats = run_stats(db, "mastodon")
    assert stats["observatory/mastodon/source_unavailable"] == 1
    assert stats["observatory/errors/mastodon/connection_refused"] < 30  # stopped before asking every instance
    assert stats["finish_reason"] == "source_unavailable" and proc.returncode == 1
    assert "is unreachable" in proc.stderr
