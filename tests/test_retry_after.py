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


def test_retry_after_holds_the_whole_host(tmp_path):
    """After a 429 with Retry-After: 2, no request to that host leaves before the 2 s are up
    (not only the refused one), and the refused page is still fetched."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[tuple[float, str, int]] = []
    refused = {"done": False}
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>TikTok ban</title><link>http://127.0.0.1:9/x</link></item></channel></rss>"
    )

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            status = 200
            if self.path == "/a.xml" and not refused["done"]:
                refused["done"] = True
                status = 429
            seen.append((time.monotonic(), self.path, status))
            body = b"" if status == 429 else (rss.encode() if self.path.endswith(".xml") else b"User-agent: *\n")
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "2")
            self.send_header("Content-Type", "application/rss+xml" if self.path.endswith(".xml") else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        feeds = ",".join(f"{base}/{name}.xml" for name in ("a", "b", "c", "d"))
        proc = demo_crawl_settings(tmp_path / "o.db", feeds)
    finally:
        server.shutdown()
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    (refused_at,) = [t for t, path, status in seen if status == 429]
    after = [(t - refused_at, path) for t, path, status in seen if t > refused_at]
    assert {path for _, path in after} >= {"/a.xml"}  # the refused feed was fetched again
    assert after and min(gap for gap, _ in after) >= 1.9, after  # nothing left the host earlier
    assert run_stats(tmp_path / "o.db", "feeds")["observatory/retry_after/waited"] == 1


def demo_crawl_settings(db, feeds):
    from tests.conftest import crawl

    # a small delay: with DOWNLOAD_DELAY=0, Scrapy 2.19 hands a slot's whole queue out at once
    return crawl(
        "feeds",
        db,
        {"feeds": feeds},
        {
            "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
            "RETRY_TIMES": "2",
            "DOWNLOAD_DELAY": "0.05",
            "DOWNLOAD_DELAY_JITTER": "0",
        },
    )
