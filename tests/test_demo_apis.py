"""The Bluesky, Reddit and HN Algolia emulators over real loopback HTTP (demo.server)."""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from crawler.parsers.bluesky import parse_search as parse_bluesky
from crawler.parsers.hackernews import parse_search as parse_hn
from crawler.parsers.reddit import parse_comments, parse_listing
from demo.server import DEMO_ROOT, start

SOURCES = ("bluesky", "reddit", "hackernews")


@pytest.fixture
def demo(tmp_path):
    """A private copy of the demo data (tests may edit its config) served on a free port."""
    for name in SOURCES:
        shutil.copytree(DEMO_ROOT / name, tmp_path / name)
    server, base = start(0, tmp_path)
    yield base, tmp_path
    server.shutdown()
    server.server_close()


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None):
    """(status, headers, decoded JSON) for any status."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, err.headers, json.loads(err.read())


def set_config(root: Path, source: str, **values) -> None:
    path = root / source / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**config, **values}), encoding="utf-8")


def corpus(source: str, name: str):
    return json.loads((DEMO_ROOT / source / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- Bluesky

SEARCH = "/bluesky/xrpc/app.bsky.feed.searchPosts"


def walk_bluesky(base: str, query: str, extra: str = "", headers=None) -> list[dict]:
    pages, cursor = [], None
    while True:
        url = f"{base}{SEARCH}?q={quote(query)}&limit=3{extra}" + (f"&cursor={cursor}" if cursor else "")
        status, _, body = fetch(url, headers=headers)
        assert status == 200, body
        pages.append(body)
        cursor = body.get("cursor")
        if cursor is None:
            return pages


def test_bluesky_pages_cover_every_match_once(demo):
    base, _ = demo
    pages = walk_bluesky(base, "RedNote")
    views = [v for page in pages for v in page["posts"]]
    expected = [
        v
        for v in corpus("bluesky", "posts.json")
        if "rednote" in (v["record"]["text"] + str(v["record"].get("tags"))).casefold()
    ]
    assert len(views) == len(expected) >= 8
    assert len({json.dumps(v, sort_keys=True) for v in views}) == len(views)
    assert all(len(p["posts"]) == 3 for p in pages[:-1]) and "cursor" not in pages[-1]
    times = [parse_bluesky({"posts": [v]}).items[0].created_at or "" for v in views if "uri" in v]
    assert times == sorted(times, reverse=True)


def test_bluesky_since_until_and_case(demo):
    base, _ = demo
    views = [
        v for p in walk_bluesky(base, "tiktok", "&since=2025-04-01T00:00:00Z&until=2025-09-26") for v in p["posts"]
    ]
    texts = sorted(v["record"]["text"][:20] for v in views)
    assert texts == sorted(["Another 75 days. The", "New order calls the "])


def test_bluesky_chinese_query_and_parser_round_trip(demo):
    base, _ = demo
    posts = [item for p in walk_bluesky(base, "小红书") for item in parse_bluesky(p, "小红书").items]
    assert posts and all("小红书" in (p.text or "") + " ".join(p.hashtags) for p in posts)


def test_bluesky_bad_requests(demo):
    base, _ = demo
    status, _, body = fetch(f"{base}{SEARCH}?limit=5")
    assert status == 400 and body["error"] == "InvalidRequest"
    status, _, body = fetch(f"{base}{SEARCH}?q=x&limit=500")
    assert status == 400 and body["error"] == "InvalidRequest"
    status, _, body = fetch(f"{base}/bluesky/xrpc/app.bsky.feed.getTimeline")
    assert status == 501 and body["error"] == "MethodNotImplemented"


def create_session(base: str, identifier: str, password: str):
    body = json.dumps({"identifier": identifier, "password": password}).encode()
    return fetch(f"{base}/bluesky/xrpc/com.atproto.server.createSession", body, {"Content-Type": "application/json"})


def test_bluesky_session_and_required_auth(demo):
    base, root = demo
    config = json.loads((root / "bluesky" / "config.json").read_text())
    status, _, body = create_session(base, config["identifier"], "wrong")
    assert (status, body["error"], body["message"]) == (401, "AuthenticationRequired", "Invalid identifier or password")
    status, _, session = create_session(base, config["identifier"], config["password"])
    assert status == 200 and session["did"] == config["did"] and session["accessJwt"]

    assert fetch(f"{base}{SEARCH}?q=RedNote")[0] == 200  # open by default
    set_config(root, "bluesky", require_auth=True)
    status, _, body = fetch(f"{base}{SEARCH}?q=RedNote")
    assert status == 401 and body["error"] == "AuthenticationRequired"
    status, _, body = fetch(f"{base}{SEARCH}?q=RedNote", headers={"Authorization": "Bearer nope"})
    assert status == 401 and body["error"] == "InvalidToken"
    pages = walk_bluesky(base, "RedNote", headers={"Authorization": f"Bearer {session['accessJwt']}"})
    assert sum(len(p["posts"]) for p in pages) >= 8


# ---------------------------------------------------------------- Reddit


def walk_reddit(base: str, path: str, query: str, extra: str = "") -> tuple[list[dict], list]:
    pages, headers, after = [], [], None
    while True:
        url = f"{base}/reddit{path}?q={quote(query)}&limit=4&sort=new{extra}" + (f"&after={after}" if after else "")
        status, hdrs, body = fetch(url)
        assert status == 200, body
        pages.append(body)
        headers.append(hdrs)
        after = body["data"]["after"]
        if after is None:
            return pages, headers


def test_reddit_after_paging(demo):
    base, _ = demo
    pages, _ = walk_reddit(base, "/search.json", "RedNote")
    things = [c["data"] for p in pages for c in p["data"]["children"]]
    expected = [p for p in corpus("reddit", "posts.json") if "rednote" in (p["title"] + p["selftext"]).casefold()]
    assert len(things) == len(expected) >= 8
    assert len({t["name"] for t in things}) == len(things)
    assert [t["created_utc"] for t in things] == sorted((t["created_utc"] for t in things), reverse=True)
    assert all(p["data"]["after"] == p["data"]["children"][-1]["data"]["name"] for p in pages[:-1])
    parsed = [item for p in pages for item in parse_listing(p, "RedNote").items]
    assert len(parsed) == len(things)


def test_reddit_rate_limit_headers(demo):
    base, _ = demo
    _, headers = walk_reddit(base, "/search.json", "RedNote")
    remaining = [float(h["x-ratelimit-remaining"]) for h in headers]
    assert remaining == sorted(remaining, reverse=True) and remaining[0] > remaining[-1]
    assert all(h["x-ratelimit-remaining"].endswith(".0") for h in headers)
    assert all(0 < int(h["x-ratelimit-reset"]) <= 600 for h in headers)


def test_reddit_restrict_sr(demo):
    base, _ = demo
    pages, _ = walk_reddit(base, "/r/TikTok/search.json", "TikTok", "&restrict_sr=1")
    subs = {c["data"]["subreddit"] for p in pages for c in p["data"]["children"]}
    assert subs == {"TikTok"}
    pages, _ = walk_reddit(base, "/r/TikTok/search.json", "TikTok")  # restrict_sr off: all of Reddit
    assert len({c["data"]["subreddit"] for p in pages for c in p["data"]["children"]}) > 1


def test_reddit_throttles_a_configured_path_once(demo):
    base, root = demo
    set_config(root, "reddit", throttle_once=["/r/RedNote/search.json"])
    url = f"{base}/reddit/r/RedNote/search.json?q=RedNote&restrict_sr=1"
    status, headers, body = fetch(url)
    assert (status, body["error"], headers["Retry-After"]) == (429, 429, "1")
    status, _, body = fetch(url)
    assert status == 200 and body["data"]["children"]
    assert fetch(f"{base}/reddit/search.json?q=RedNote")[0] == 200


def test_reddit_comments_and_404(demo):
    base, _ = demo
    posts = {p["id"]: p for p in corpus("reddit", "posts.json")}
    with_comments = sorted(p.stem for p in (DEMO_ROOT / "reddit" / "comments").glob("*.json"))
    assert with_comments and all(pid in posts for pid in with_comments)
    for pid in with_comments:
        status, _, body = fetch(f"{base}/reddit{posts[pid]['permalink']}.json")
        assert status == 200 and len(body) == 2
        page = parse_comments(body, "q")
        assert page.items[0].platform_id == f"t3_{pid}" and len(page.items) > 2
    bare = next(pid for pid in posts if pid not in with_comments)
    status, _, body = fetch(f"{base}/reddit/comments/{bare}.json")
    assert status == 200 and body[0]["data"]["children"][0]["data"]["id"] == bare and body[1]["data"]["children"] == []
    status, _, body = fetch(f"{base}/reddit/comments/zzzzzzz.json")
    assert status == 404 and body == {"message": "Not Found", "error": 404}


def test_reddit_requires_token_when_configured(demo):
    base, root = demo
    set_config(root, "reddit", require_auth=True, token="t0k")
    assert fetch(f"{base}/reddit/search.json?q=RedNote")[0] == 401
    status, _, _ = fetch(f"{base}/reddit/search.json?q=RedNote", headers={"Authorization": "Bearer t0k"})
    assert status == 200


# ---------------------------------------------------------------- Hacker News (Algolia)


def walk_hn(base: str, path: str, params: str) -> list[dict]:
    pages, page = [], 0
    while True:
        status, _, body = fetch(f"{base}/hackernews/api/v1/{path}?{params}&page={page}")
        assert status == 200, body
        pages.append(body)
        if page + 1 >= body["nbPages"]:
            return pages
        page += 1


def test_hn_search_by_date_pages(demo):
    base, _ = demo
    pages = walk_hn(base, "search_by_date", "query=TikTok&hitsPerPage=4")
    hits = [h for p in pages for h in p["hits"]]
    assert len(hits) == pages[0]["nbHits"] >= 12 and len(pages) == pages[0]["nbPages"] >= 3
    stamps = [h["created_at_i"] for h in hits]
    assert stamps == sorted(stamps, reverse=True)
    assert all(h["_highlightResult"] for h in hits)
    assert any("<em>TikTok</em>" in json.dumps(h["_highlightResult"], ensure_ascii=False) for h in hits)
    parsed = [parse_hn(p, "TikTok") for p in pages]
    assert [p.next for p in parsed] == [str(n) for n in range(1, len(pages))] + [None]


def test_hn_numeric_filters_and_tags(demo):
    base, _ = demo
    pages = walk_hn(
        base, "search_by_date", "query=TikTok&tags=story&numericFilters=created_at_i%3E1737200000,points%3E=300"
    )
    hits = [h for p in pages for h in p["hits"]]
    assert hits and all(h["created_at_i"] > 1737200000 and h["points"] >= 300 and "story" in h["_tags"] for h in hits)
    comments = walk_hn(base, "search_by_date", "query=TikTok&tags=comment")[0]["hits"]
    assert comments and all("comment" in h["_tags"] for h in comments)
    both = walk_hn(base, "search_by_date", "query=TikTok&tags=(story,comment)")[0]["nbHits"]
    assert both > len(comments)


def test_hn_search_orders_by_points_and_caps_hits(demo):
    base, root = demo
    hits = walk_hn(base, "search", "query=TikTok&tags=story&hitsPerPage=50")[0]["hits"]
    assert [h["points"] for h in hits] == sorted((h["points"] for h in hits), reverse=True)
    set_config(root, "hackernews", max_hits=5)
    pages = walk_hn(base, "search_by_date", "query=TikTok&hitsPerPage=2")
    assert pages[0]["nbHits"] > 5 and pages[0]["nbPages"] == 3
    assert sum(len(p["hits"]) for p in pages) == 5
    status, _, body = fetch(f"{base}/hackernews/api/v1/search_by_date?query=x&page=3&hitsPerPage=2")
    assert status == 200 and body["hits"] == []


def test_hn_bad_numeric_filter(demo):
    base, _ = demo
    status, _, body = fetch(f"{base}/hackernews/api/v1/search_by_date?numericFilters=created_at_i~~5")
    assert status == 400 and body["status"] == 400


# ---------------------------------------------------------------- the spiders over the emulators
# Real `scrapy crawl` subprocesses (tests.conftest.crawl) against a private copy of the demo data.

QUERIES = {
    "bluesky": "TikTok ban,TikTokRefugee,RedNote,小红书",
    "reddit": "TikTok ban,RedNote",
    "hackernews": "TikTok,RedNote",
}


def spider_crawl(spider: str, db: Path, base: str, args=None, settings=None):
    from tests.conftest import crawl

    urls = {"api_url": f"{base}/{spider}"} | ({"auth_url": f"{base}/bluesky"} if spider == "bluesky" else {})
    return crawl(spider, db, {**urls, "queries": QUERIES[spider], **(args or {})}, settings)


def stored(db: Path, platform: str) -> list[dict]:
    from tests.conftest import rows

    return rows(db, "select * from posts where platform = ?", [platform])


def error_lines(proc, needle: str) -> list[str]:
    return [line for line in proc.stderr.splitlines() if " ERROR: " in line and needle in line]


def test_bluesky_spider_pages_filters_and_resumes(demo, tmp_path):
    from tests.conftest import run_stats

    base, _ = demo
    db = tmp_path / "bsky.db"
    proc = spider_crawl("bluesky", db, base, {"limit": "4"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    posts = stored(db, "bluesky")
    assert len(posts) >= 12
    assert not any("leaf blowers" in (p["text"] or "") for p in posts)  # off topic: dropped
    first = run_stats(db, "bluesky")
    assert first["observatory/parse_skipped/bluesky"] == 1 and first["observatory/bluesky/pages"] >= 6
    proc = spider_crawl("bluesky", db, base, {"limit": "4"})
    again = run_stats(db, "bluesky")
    assert again["observatory/bluesky/pages"] < first["observatory/bluesky/pages"]  # since=<cursor>
    assert len(stored(db, "bluesky")) == len(posts)


def test_bluesky_spider_auth(demo, tmp_path):
    from tests.conftest import run_stats

    base, root = demo
    set_config(root, "bluesky", require_auth=True)
    db = tmp_path / "auth.db"
    proc = spider_crawl("bluesky", db, base)
    assert len(error_lines(proc, "BLUESKY_APP_PASSWORD")) == 1, proc.stderr[-3000:]
    stats = run_stats(db, "bluesky")
    assert stats["finish_reason"] == "auth_failed"
    assert stats["downloader/request_count"] <= 1 + len(QUERIES["bluesky"].split(","))  # robots + one per query
    assert stored(db, "bluesky") == []

    config = json.loads((root / "bluesky" / "config.json").read_text())
    creds = {"BLUESKY_HANDLE": config["identifier"], "BLUESKY_APP_PASSWORD": config["password"]}
    proc = spider_crawl("bluesky", db, base, settings=creds)
    assert not error_lines(proc, "BLUESKY"), proc.stderr[-3000:]
    assert len(stored(db, "bluesky")) >= 10

    proc = spider_crawl("bluesky", db, base, settings={**creds, "BLUESKY_APP_PASSWORD": "wrong"})
    assert len(error_lines(proc, "BLUESKY_APP_PASSWORD")) == 1
    assert run_stats(db, "bluesky")["finish_reason"] == "auth_failed"


def test_the_archive_holds_no_credential(demo, tmp_path):
    """Bluesky logs in (password in a request body, the session token in the answer and in every
    later Authorization header); Reddit sends a bearer token: none of it reaches the WARC."""
    import gzip

    base, root = demo
    set_config(root, "bluesky", require_auth=True)
    config = json.loads((root / "bluesky" / "config.json").read_text())
    warcs = tmp_path / "warc"
    creds = {
        "BLUESKY_HANDLE": config["identifier"],
        "BLUESKY_APP_PASSWORD": config["password"],
        "ARCHIVE_DIR": str(warcs),
    }
    proc = spider_crawl("bluesky", tmp_path / "a.db", base, settings=creds)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(stored(tmp_path / "a.db", "bluesky")) >= 10
    proc = spider_crawl(
        "reddit",
        tmp_path / "r.db",
        base,
        settings={"ARCHIVE_DIR": str(warcs), "REDDIT_TOKEN": "synthetic-reddit-token-123"},
    )
    archived = b"".join(gzip.decompress(p.read_bytes()) for p in sorted(warcs.glob("*.warc.gz")))
    assert b"searchPosts" in archived  # the archive was written
    for secret in (config["password"], config["accessJwt"], "synthetic-reddit-token-123"):
        assert secret.encode() not in archived, secret
    assert b"authorization:" not in archived.lower()
    targets = [line for line in archived.splitlines() if line.startswith(b"WARC-Target-URI:")]
    assert targets and not [t for t in targets if b"createSession" in t]  # the login exchange is not archived


def test_reddit_spider_posts_comments_and_one_429(demo, tmp_path):
    from tests.conftest import run_stats

    base, root = demo
    set_config(root, "reddit", throttle_once=["/r/RedNote/search.json"])
    db = tmp_path / "reddit.db"
    proc = spider_crawl("reddit", db, base, {"subreddits": "RedNote", "limit": "5"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    posts = stored(db, "reddit")
    assert {p["kind"] for p in posts} == {"post", "comment"}
    assert not any(p["title"] == "My HOA wants to ban TikTok dances at the pool" for p in posts)
    stats = run_stats(db, "reddit")
    assert stats["retry/reason_count/429 Retry-After"] == 1  # waited per Retry-After, then retried
    assert stats["observatory/retry_after/waited"] == 1
    assert stats["observatory/reddit/threads"] >= 3 and stats["observatory/reddit/ratelimit_remaining"] < 100
    assert not error_lines(proc, "http")


def test_reddit_spider_stops_on_401(demo, tmp_path):
    from tests.conftest import run_stats

    base, root = demo
    set_config(root, "reddit", require_auth=True, token="right")
    db = tmp_path / "r401.db"
    proc = spider_crawl("reddit", db, base)
    assert len(error_lines(proc, "REDDIT_TOKEN")) == 1, proc.stderr[-3000:]
    assert run_stats(db, "reddit")["finish_reason"] == "auth_failed"
    proc = spider_crawl("reddit", db, base, settings={"REDDIT_TOKEN": "right"})
    assert not error_lines(proc, "REDDIT_TOKEN") and stored(db, "reddit")


def test_hackernews_spider_walks_windows_past_the_hit_cap(demo, tmp_path):
    from tests.conftest import run_stats

    base, root = demo
    set_config(root, "hackernews", max_hits=4)
    db = tmp_path / "hn.db"
    proc = spider_crawl("hackernews", db, base, {"queries": "TikTok", "limit": "2"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    stats = run_stats(db, "hackernews")
    assert stats["observatory/hackernews/windows"] >= 3
    served = stats["observatory/normalise/post"] + stats.get("observatory/parse_skipped/hackernews", 0)
    word = re.compile(r"(?<![a-z0-9])tiktok(?![a-z0-9])")
    expected = sum(
        1 for h in corpus("hackernews", "hits.json") if word.search(json.dumps(h, ensure_ascii=False).casefold())
    )
    assert served == expected  # every hit reached although each window serves only 4
    assert stored(db, "hackernews") and not any(
        (p["title"] or "").startswith("Show HN: A ban list") for p in stored(db, "hackernews")
    )
