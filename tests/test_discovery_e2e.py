"""Discovery spiders (sitemaps, gdelt, urls) through the real engine against the demo server, into
a real SQLite file: rows, `source`/`sources`, GDELT fields, window splitting, filters, bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import crawl, datasette_get, demo_crawl, rows, run_stats

TAIL = "canonical_url"


def by_tail(db: Path) -> dict[str, dict]:
    return {a[TAIL].rsplit("/", 1)[-1]: a for a in rows(db, "select * from articles")}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_base):
    db = tmp_path_factory.mktemp("discovery") / "observatory.db"
    procs = {"feeds": demo_crawl("feeds", db, demo_base)}
    # pages another source already stored are not fetched again, but each source that lists an
    # article is still recorded in its `sources` (a sighting, written after a clean finish)
    for spider in ("sitemaps", "gdelt", "urls"):
        procs[spider] = demo_crawl(spider, db, demo_base)
    for name, proc in procs.items():
        assert proc.returncode == 0, (name, proc.stderr[-3000:])
    return db, procs


def test_discovered_articles_stored_once_with_every_source(crawled):
    db, _ = crawled
    arts = by_tail(db)
    expected = {
        # feed-only articles from the demo feeds
        "app-goes-offline.html": ["feed"],
        "lemon8-vs-rednote.html": ["feed"],
        "duizhang.html": ["feed"],
        "tiktok-refugees.html": ["feed"],
        # the same canonical URL from two sources is one row listing both
        "scotus-hearing.html": ["feed", "gdelt"],
        "rednote-surge.html": ["feed", "sitemap"],
        "tiktok-goes-dark.html": ["feed", "urls"],
        "rednote-welcome.html": ["sitemap", "gdelt"],  # GDELT listed it as .amp.html too: canonicalised
        "court-upholds-law.html": ["sitemap", "gdelt"],
        "lemon8-climbs.html": ["sitemap", "urls"],
        "xiaohongshu-translate.html": ["gdelt", "urls"],
        "tiktok-huifu.html": ["gdelt", "urls"],
        "maoshui.html": ["urls"],
    }
    assert {k: json.loads(v["sources"]) for k, v in arts.items()} == expected
    assert len(rows(db, "select id from articles")) == len(expected)
    for tail, srcs in expected.items():
        assert arts[tail]["source"] == srcs[0], tail  # `source`: the first method that found it
    assert not any("amp" in a[TAIL] or "utm_" in a[TAIL] for a in arts.values())
    welcome = arts["rednote-welcome.html"]
    assert welcome["outlet"] == "The Meridian Wire" and welcome["published_at"] == "2025-01-14T15:20:00Z"
    zh = arts["xiaohongshu-translate.html"]
    assert zh["lang"] == "zh" and zh["outlet"] == "东方快报" and "翻译" in zh["text"]
    assert "热点排行" not in zh["text"] and "版权所有" not in zh["text"]  # sidebar and footer are not text


def test_gdelt_fields_and_provenance(crawled):
    db, _ = crawled
    scotus = by_tail(db)["scotus-hearing.html"]
    assert json.loads(scotus["extra"]) == {
        "seendate": "2025-01-10T22:15:00Z",
        "domain": "harbor-ledger.demo",
        "sourcecountry": "United States",
        "language": "English",
    }
    # found first by the feed (source_url stays the feed), then seen in GDELT without a refetch:
    # GDELT's own fields were merged into `extra` by the sighting
    assert scotus["source_url"].endswith("/news/harbor-ledger/rss.xml")
    first_by_gdelt = by_tail(db)["xiaohongshu-translate.html"]
    assert "/gdelt/api/v2/doc/doc?" in first_by_gdelt["source_url"] and "mode=artlist" in first_by_gdelt["source_url"]
    assert json.loads(first_by_gdelt["extra"])["language"] == "Chinese"
    # the 2024 record lies outside -a start=2025-01-10 and is never asked for
    assert not any("2024-divestiture" in a[TAIL] for a in rows(db, "select canonical_url from articles"))


def test_gdelt_full_windows_are_split(crawled):
    db, procs = crawled
    st = run_stats(db, "gdelt")
    assert st["observatory/gdelt/windows_split"] >= 3
    assert st["observatory/gdelt/windows"] == 2 + 2 * st["observatory/gdelt/windows_split"]  # 2 weekly windows
    # two records seen in the same second cannot be separated by any window: counted, warned
    assert st["observatory/gdelt/window_capped"] == 1
    assert "still returns the 2-record cap" in procs["gdelt"].stderr
    assert st["observatory/parse_skipped/gdelt"] == 1  # the record without a url, counted once
    assert "observatory/parse_error/gdelt" not in st  # invalid \' escapes were read leniently


def test_sitemaps_filters_and_bad_sitemaps_counted(crawled):
    db, procs = crawled
    st = run_stats(db, "sitemaps")
    assert st["observatory/sitemaps/indexes"] == 3  # robots.txt -> index -> archive index -> nested index
    assert st["observatory/sitemaps/urlsets"] == 3  # news (gn: prefix), gzip, harbor news (n: prefix)
    assert st["observatory/sitemaps/filtered_date"] == 2  # a 2023 news entry, a 2024 lastmod
    assert st["observatory/sitemaps/filtered_terms"] == 2  # port deal, winter storm: never fetched
    assert st["observatory/sitemaps/filtered_sitemaps"] == 1  # an index child last modified in 2023
    assert st["observatory/sitemaps/depth_limited"] == 2  # max_depth=2
    assert st["observatory/parse_error/sitemaps"] == 1  # the HTML error page served as sitemap.xml
    assert st["observatory/parse_skipped/sitemaps"] == 2  # a <sitemap> without <loc>, a mailto: loc
    assert "downloader/response_status_count/404" not in st  # filtered entries were not requested
    assert "not a sitemap: the root element is <html>" in procs["sitemaps"].stderr


def test_urls_counts(crawled):
    db, _ = crawled
    st = run_stats(db, "urls")
    assert st["observatory/urls/entries"] == 5
    assert st["observatory/parse_skipped/urls"] == 1  # the ftp: line


def test_runs_ok_and_datasette_filters_by_source(crawled):
    db, _ = crawled
    runs = {r["spider"]: r for r in rows(db, "select * from runs")}
    assert {s: runs[s]["status"] for s in ("sitemaps", "gdelt", "urls")} == {
        "sitemaps": "ok",
        "gdelt": "ok",
        "urls": "ok",
    }
    r = datasette_get(db, "/observatory/articles.json?_shape=array&source=urls")
    assert r.status_code == 200 and [a[TAIL].rsplit("/", 1)[-1] for a in r.json()] == ["maoshui.html"]


def test_gdelt_text_error_logged_and_counted(tmp_path, demo_base):
    db = tmp_path / "observatory.db"
    proc = demo_crawl("gdelt", db, demo_base, args={"query": '(TikTok OR "RedNote" OR ab)'})
    assert proc.returncode == 1, proc.stderr[-3000:]  # every window failed: the run failed its health check
    st = run_stats(db, "gdelt")
    assert st["observatory/parse_error/gdelt"] == 2  # one per weekly window, each a plain-text HTTP 200
    assert "keywords were too short" in proc.stderr
    assert rows(db, "select count(*) n from articles")[0]["n"] == 0


def test_sitemaps_since_and_terms_setting(tmp_path, demo_base):
    db = tmp_path / "observatory.db"
    proc = demo_crawl(
        "sitemaps", db, demo_base, args={"since": "2025-01-15"}, settings={"SITEMAPS_REQUIRE_TERMS": "False"}
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    st = run_stats(db, "sitemaps")
    assert "observatory/sitemaps/filtered_terms" not in st
    assert st["observatory/errors/sitemaps/http_404"] == 1  # the port-deal entry is fetched now (no page)
    assert st["observatory/sitemaps/filtered_date"] >= 5  # the Jan 12-14 entries are out of window too
    assert set(by_tail(db)) == {"court-upholds-law.html", "lemon8-climbs.html"}


def test_urls_from_a_local_file(tmp_path, demo_base):
    db = tmp_path / "observatory.db"
    listing = tmp_path / "my list.txt"
    listing.write_text(
        f"# mine\n{demo_base}/news/meridian-wire/articles/lemon8-climbs.html?utm_source=x\n\n"
        f"{demo_base}/news/meridian-wire/articles/lemon8-climbs.html\n",
        encoding="utf-8",
    )
    missing = tmp_path / "missing.txt"
    proc = crawl("urls", db, {"path": f"{listing},{missing}"})
    assert proc.returncode == 1, proc.stderr[-3000:]  # one of the two lists could not be read: the run failed
    assert rows(db, "select status from runs")[0]["status"] == "failed"
    st = run_stats(db, "urls")
    assert st["observatory/errors/urls/file"] == 1 and "cannot read the URL list" in proc.stderr
    assert st["observatory/urls/duplicate_links"] == 1  # the same page twice in one list
    (art,) = rows(db, "select * from articles")
    assert art["source"] == "urls" and art["source_url"] == str(listing.resolve())
