"""429 + Retry-After: the request waits the server's time, is retried, and nothing is lost."""

from datetime import UTC, datetime

from crawler.middlewares.retry_after import retry_after_seconds
from demo.server import start
from tests.conftest import demo_crawl, rows, run_stats


def test_retry_after_values():
    now = datetime(2025, 1, 14, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Tue, 14 Jan 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Tue, 14 Jan 2025 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_reddit_429_is_retried_after_waiting(tmp_path):
    server, base = start(0)  # a fresh server: its throttle_once path answers 429 exactly once
    try:
        db = tmp_path / "observatory.db"
        proc = demo_crawl("reddit", db, base)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-2000:]
    stats = run_stats(db, "reddit")
    assert stats["downloader/response_status_count/429"] == 1
    assert stats["observatory/retry_after/waited"] == 1
    assert stats["observatory/retry_after/seconds"] >= 1
    assert "observatory/errors/reddit/http_429" not in stats  # recovered, not an error
    # the throttled search (r/RedNote) still delivered its posts
    assert rows(db, "select count(*) n from posts where community = 'RedNote'")[0]["n"] > 0
