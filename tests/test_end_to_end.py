"""The whole pipeline over loopback HTTP: demo feeds and Mastodon -> real Scrapy engine ->
normalise, relevance, dedupe, store -> a real SQLite file -> a real Datasette."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import datasette_get, demo_crawl, rows, run_stats


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_base):
    db = tmp_path_factory.mktemp("e2e") / "observatory.db"
    first = {s: demo_crawl(s, db, demo_base) for s in ("feeds", "mastodon")}
    for proc in first.values():
        assert proc.returncode == 0, proc.stderr[-3000:]
    snapshot = {
        "articles": rows(db, "select id, first_seen_at, last_seen_at, run_id from articles order by id"),
        "posts": rows(db, "select id, first_seen_at, last_seen_at, like_count from posts order by id"),
        "observations": rows(db, "select count(*) n from observations")[0]["n"],
    }
    time.sleep(1.1)  # timestamps have 1 s resolution: the second run must be visibly later
    # a full second pass (cursors ignored) sees every document again
    second = {
        "feeds": demo_crawl("feeds", db, demo_base, args={"refetch": "1"}),
        "mastodon": demo_crawl("mastodon", db, demo_base, args={"full": "1"}),
    }
    # an incremental pass starts from the stored cursors and finds nothing new
    third = demo_crawl("mastodon", db, demo_base)
    assert third.returncode == 0, third.stderr[-3000:]
    return db, first, second, snapshot


def test_articles_stored_with_provenance(crawled):
    db, *_ = crawled
    arts = {a["canonical_url"].rsplit("/", 1)[-1]: a for a in rows(db, "select * from articles")}
    # relevant articles only: the weather and gadget stories are dropped by the topic filter
    assert set(arts) == {
        "scotus-hearing.html",
        "rednote-surge.html",
        "tiktok-goes-dark.html",
        "app-goes-offline.html",
        "lemon8-vs-rednote.html",
        "tiktok-refugees.html",
        "duizhang.html",
    }
    scotus = arts["scotus-hearing.html"]
    assert scotus["outlet"] == "The Harbor Ledger"
    assert json.loads(scotus["authors"]) == ["Maria Okafor", "Tom Reyes"]
    assert scotus["published_at"] == "2025-01-10T21:45:00Z"  # 16:45 -05:00 from JSON-LD, not the crawl time
    assert scotus["day"] == "2025-01-10"
    assert scotus["source"] == "feed" and scotus["source_url"].endswith("/news/harbor-ledger/rss.xml")
    assert "utm_" not in scotus["canonical_url"] and "#" not in scotus["canonical_url"]
    assert "Supreme Court + TikTok" in json.loads(scotus["matched_terms"])
    assert "nobody is talking about it" not in scotus["text"]  # reader comments are not article text
    # Chinese page served as GB18030 while the HTTP header claims UTF-8
    zh = arts["tiktok-refugees.html"]
    assert zh["title"] == "大批美国“TikTok难民”涌入小红书"
    assert zh["lang"] == "zh" and "猫税" in zh["text"]
    assert "\ufffd" not in zh["text"]
    assert arts["duizhang.html"]["outlet"] == "华南视点"


def test_posts_stored_and_boosts_resolved(crawled):
    db, *_ = crawled
    posts = rows(db, "select * from posts")
    assert {p["platform"] for p in posts} == {"mastodon"}
    by_uri = {p["platform_id"]: p for p in posts}
    # the same status boosted on two instances (different local ids) is one row keyed on its URI
    jun = by_uri["https://mstdn.demo/users/jun/statuses/113780000000000042"]
    assert jun["author"] == "jun@mstdn.demo"
    assert json.loads(jun["hashtags"]) == ["TikTokRefugee"]
    assert not any(p["platform_id"].endswith("/activity") for p in posts)
    court = next(p for p in posts if "Supreme Court upheld" in (p["text"] or ""))
    assert "example-court.demo/opinions/24…" in court["text"]  # link-shortening spans as shown on the web
    assert court["edited_at"] == "2025-01-17T15:31:02Z"
    assert json.loads(court["links"]) == ["https://example-court.demo/opinions/24-656"]
    li = next(p for p in posts if p["author"] == "linguist_li@social.demo" and "对账" in p["text"])
    assert li["lang"] == "zh" and "对账" in li["text"]
    kai = next(p for p in posts if "TikTok 下线了" in (p["text"] or ""))
    assert kai["lang"] == "zh"  # the platform said "ja"; the text has no kana
    # out-of-window (2023) and field-less statuses are not stored
    assert not any("back when it was just talk" in (p["text"] or "") for p in posts)
    assert "https://social.demo/users/ghost/statuses/110" not in by_uri


def test_bad_input_logged_and_counted(crawled):
    db, first, *_ = crawled
    feeds = run_stats(db, "feeds", 0)
    assert feeds["observatory/parse_error/feeds"] >= 1  # the broken feed (an HTML error page)
    assert feeds["observatory/parse_skipped/feeds"] == 1  # the entry without a link
    assert feeds["observatory/errors/feeds/http_404"] == 1
    assert feeds["observatory/errors/feeds/http_500"] == 1
    assert feeds["observatory/errors/feeds/http_429"] == 1
    assert feeds["observatory/errors/feeds/robots_forbidden"] == 1
    assert feeds["observatory/feeds/charset_mismatch"] == 1
    assert feeds["observatory/relevance/dropped"] == 2
    assert "could not parse" in first["feeds"].stderr and "HTTP 404" in first["feeds"].stderr
    masto = run_stats(db, "mastodon", 0)
    assert masto["observatory/parse_error/mastodon"] == 4  # broken.demo: one per hashtag
    assert masto["observatory/parse_skipped/mastodon"] >= 1
    assert masto["observatory/relevance/out_of_window"] >= 1
    runs = rows(db, "select * from runs where finished_at is not null")
    assert len(runs) == 5 and all(r["status"] == "ok" for r in runs)
    assert all(r["errors"] > 0 for r in runs if r["spider"] == "feeds")


def test_second_run_adds_nothing_and_updates_last_seen(crawled):
    db, first, second, snap = crawled
    arts = rows(db, "select id, first_seen_at, last_seen_at, run_id from articles order by id")
    posts = rows(db, "select id, first_seen_at, last_seen_at from posts order by id")
    assert [a["id"] for a in arts] == [a["id"] for a in snap["articles"]]
    assert [p["id"] for p in posts] == [p["id"] for p in snap["posts"]]
    for old, new in zip(snap["articles"] + snap["posts"], arts + posts, strict=True):
        assert new["first_seen_at"] == old["first_seen_at"]
        assert new["last_seen_at"] > old["last_seen_at"]
    assert all(a["run_id"] == o["run_id"] for a, o in zip(arts, snap["articles"], strict=True))
    feeds2 = run_stats(db, "feeds", 1)
    assert feeds2.get("observatory/store/new", 0) == 0
    assert feeds2["observatory/store/updated"] == len(arts)
    # each sighting of a post is an observation
    n_obs = rows(db, "select count(*) n from observations")[0]["n"]
    assert n_obs > snap["observations"]
    masto2 = run_stats(db, "mastodon", 1)
    assert masto2.get("observatory/store/new", 0) == 0 and masto2["observatory/store/updated"] == len(posts)


def test_incremental_run_uses_cursors(crawled):
    db, *_ = crawled
    cursors = rows(db, "select * from cursors where source = 'mastodon'")
    assert {c["query"].rsplit("#", 1)[1] for c in cursors} >= {"TikTokRefugee", "RedNote", "TikTokBan", "小红书"}
    first, third = run_stats(db, "mastodon", 0), run_stats(db, "mastodon", 2)
    assert third.get("observatory/store/new", 0) == 0
    assert third.get("item_scraped_count", 0) == 0
    assert third["downloader/request_count"] < first["downloader/request_count"]
    # robots.txt + one page per (instance, hashtag): the min_id page comes back empty, so no paging
    assert third["downloader/request_count"] == 1 + 3 * 4


def test_datasette_serves_rows_and_metadata(crawled):
    db, *_ = crawled
    r = datasette_get(db, "/observatory/articles.json?_shape=array&_size=max")
    assert r.status_code == 200
    assert len(r.json()) == 7
    r = datasette_get(db, "/observatory/posts.json?_shape=array&platform=mastodon&_size=max")
    assert r.status_code == 200 and len(r.json()) == len(rows(db, "select id from posts"))
    r = datasette_get(db, "/observatory/posts.json?_facet=platform")
    assert r.json()["facet_results"]["platform"]["results"][0]["value"] == "mastodon"
    for name in ("volume_per_day", "top_hashtags", "most_engaged_rednote", "run_history"):
        r = datasette_get(db, f"/observatory/{name}.json?_shape=array")
        assert r.status_code == 200, name
        assert r.json(), name
    top = datasette_get(db, "/observatory/top_hashtags.json?_shape=array").json()
    assert top[0]["hashtag"].casefold() in {"tiktokrefugee", "rednote"}


def _search(db, table, q):
    r = datasette_get(db, f"/observatory/{table}.json?_search={q}&_shape=array&_size=max")
    assert r.status_code == 200
    return r.json()


def test_search_english_and_chinese(crawled):
    db, *_ = crawled
    total = len(rows(db, "select id from articles"))
    hits = _search(db, "articles", "justices")
    assert [h["canonical_url"].rsplit("/", 1)[-1] for h in hits] == ["scotus-hearing.html"]
    hits = _search(db, "articles", "难民")  # a two-character word inside 大批美国“TikTok难民”涌入小红书
    assert 0 < len(hits) < total
    assert all("难民" in (h["title"] + (h["text"] or "")) for h in hits)
    hits = _search(db, "articles", "对账")
    assert [h["canonical_url"].rsplit("/", 1)[-1] for h in hits] == ["duizhang.html"]
    posts = _search(db, "posts", "TikTok难民")  # typed without a space: segmented by the plugin
    assert posts and all("难民" in p["text"] for p in posts)
    assert _search(db, "posts", "dumplings")[0]["author"] == "ohio_cook@social.demo"
    assert _search(db, "posts", "xyzzynothing") == []
