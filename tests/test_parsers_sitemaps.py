"""Sitemap and robots.txt parsers over recorded-style fixtures (tests/fixtures/sitemaps/)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.sitemaps import SitemapEntry, parse_robots_sitemaps, parse_sitemap
from crawler.spiders.sitemaps import robots_url, url_slug

FIXTURES = Path(__file__).parent / "fixtures" / "sitemaps"
SITE = "https://www.example-news.test"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_robots_sitemap_lines_any_case_relative_deduplicated():
    found = parse_robots_sitemaps(load("robots.txt").decode(), f"{SITE}/robots.txt")
    assert found == [
        f"{SITE}/sitemaps/index.xml",
        f"{SITE}/sitemaps/news.xml",
        f"{SITE}/sitemaps/video.xml",  # relative: resolved against robots.txt
    ]  # commented-out and ftp: lines are not sitemaps; the repeated index once


def test_robots_without_sitemaps():
    assert parse_robots_sitemaps("User-agent: *\nDisallow: /\n", f"{SITE}/robots.txt") == []


def test_robots_url_of_a_site_root():
    assert robots_url("https://technode.com/") == "https://technode.com/robots.txt"
    assert (
        robots_url("http://127.0.0.1:8765/sitemaps/meridian-wire")
        == "http://127.0.0.1:8765/sitemaps/meridian-wire/robots.txt"
    )


def test_index_blank_lines_cdata_and_date_only_lastmod():
    page = parse_sitemap(load("index.xml"), f"{SITE}/sitemaps/index.xml")
    assert page.extra["kind"] == "index" and page.items == []
    assert page.extra["sitemaps"] == [
        f"{SITE}/sitemaps/news.xml",  # CDATA; listed twice, kept once
        f"{SITE}/sitemaps/2025-01.xml.gz",  # whitespace and newlines around the URL
        f"{SITE}/sitemaps/2024-12.xml",  # relative
        f"{SITE}/sitemaps/tags.xml?page=2&lang=zh",  # &amp; decoded
    ]
    lastmod = page.extra["sitemap_lastmod"]
    assert lastmod[f"{SITE}/sitemaps/news.xml"] == "2025-01-20T00:00:00Z"  # date only
    assert lastmod[f"{SITE}/sitemaps/2025-01.xml.gz"] == "2025-01-31T15:59:59Z"  # +08:00 -> UTC
    assert lastmod[f"{SITE}/sitemaps/2024-12.xml"] == "2024-12-01T00:00:00Z"  # W3C YYYY-MM
    assert page.skipped == ["sitemap #3: no <loc>"]
    assert page.extra["xml_errors"] == []


def test_news_matched_by_namespace_not_prefix():
    page = parse_sitemap(load("news_prefix.xml"), f"{SITE}/news.xml")
    first, decoy, zh = page.items
    assert first == SitemapEntry(
        loc=f"{SITE}/2025/01/14/tiktok-refugees-rednote.html?utm_source=gn",
        lastmod="2025-01-14T00:00:00Z",
        lastmod_raw="2025-01-14",
        news_title="TikTok refugees find a new home on RedNote",  # CDATA, whitespace collapsed
        news_keywords=["RedNote", "Xiaohongshu", "TikTok ban"],
        publication_date="2025-01-14T15:20:00Z",
        publication_date_raw="2025-01-14T10:20:00-05:00",
        publication_name="Example & News",
        publication_language="en",
    )
    assert first.date == "2025-01-14T15:20:00Z" and first.has_news
    # <news:news> under another namespace URI is not Google News, whatever its prefix says
    assert decoy.news_title is None and not decoy.has_news and decoy.date is None
    assert zh.news_keywords == ["小红书", "TikTok难民"]  # full-width comma
    assert zh.publication_date == "2025-01-17T00:00:00Z" and zh.publication_language == "zh-cn"
    assert page.extra["news_entries"] == 2
    assert page.skipped == ["url #3: no <loc>", "url #4: not an http(s) URL: 'javascript:void(0)'"]


def test_gzip_body_without_content_encoding():
    raw = load("news_prefix.xml")
    page = parse_sitemap(gzip.compress(raw), f"{SITE}/news.xml.gz")
    assert [e.loc for e in page.items] == [e.loc for e in parse_sitemap(raw, f"{SITE}/news.xml").items]


def test_corrupt_gzip_is_a_parse_error():
    with pytest.raises(ParseError, match="gzip"):
        parse_sitemap(b"\x1f\x8b\x08\x00garbage", f"{SITE}/x.xml.gz")


def test_truncated_gzip_keeps_what_it_holds():
    raw = load("news_prefix.xml")
    page = parse_sitemap(gzip.compress(raw)[: len(gzip.compress(raw)) - 40], f"{SITE}/news.xml.gz")
    assert page.items and page.items[0].news_title == "TikTok refugees find a new home on RedNote"
    assert page.extra["xml_errors"]


def test_legacy_namespace_and_odd_lastmods():
    page = parse_sitemap(load("legacy.xml"), "http://old.example-news.test/sitemap.xml")
    assert [e.lastmod for e in page.items] == ["2024-11-01T00:00:00Z", None, None]
    assert page.items[1].lastmod_raw == "not a date"


def test_truncated_sitemap_recovered_and_flagged():
    page = parse_sitemap(load("truncated.xml"), f"{SITE}/sitemap.xml")
    assert page.items[0].loc == f"{SITE}/a.html" and page.items[0].lastmod == "2025-01-10T08:00:00Z"
    assert page.extra["xml_errors"]


@pytest.mark.parametrize(
    "body,message",
    [
        (load("error_page.html"), "root element is <html>"),
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b'{"sitemaps": []}', "not XML"),
    ],
)
def test_not_a_sitemap(body, message):
    with pytest.raises(ParseError, match=message):
        parse_sitemap(body, f"{SITE}/sitemap.xml")


def test_url_slug_words():
    assert url_slug(f"{SITE}/2025/01/14/tiktok-refugees-rednote.html?x=1") == "tiktok refugees rednote"
    assert url_slug(f"{SITE}/story/1001") == "story"  # numeric ids are not words
    assert url_slug(f"{SITE}/tech/amp/") == "tech"


# -- issue #13: total parser -------------------------------------------------------------------


def test_unreadable_loc_is_a_skip_and_its_neighbours_are_kept():
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://[x/a</loc></url><url><loc>https://n.example/ok</loc></url>"
        b"<url><loc>https://n.example:99x/port</loc></url><url><loc>http://[]/</loc></url></urlset>"
    )
    page = parse_sitemap(body, "https://n.example/sitemap.xml")
    assert [e.loc for e in page.items] == ["https://n.example/ok"]  # was ValueError: Invalid IPv6 URL
    assert len(page.skipped) == 3


def test_overflowing_dates_and_odd_namespaces():
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.goo&#xD800;gle.com/x">'
        b"<url><loc>https://n.example/1</loc><lastmod>Wed, 15 Jan 99999999999992025 08:00:00 GMT</lastmod></url>"
        b"<url><loc>https://n.example/2</loc><lastmod>9999-12-31T23:59:59-05:00</lastmod></url></urlset>"
    )
    page = parse_sitemap(body, "https://n.example/sitemap.xml")
    assert [(e.loc, e.lastmod) for e in page.items] == [("https://n.example/1", None), ("https://n.example/2", None)]


def test_index_child_with_broken_url_is_skipped():
    body = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://[x/a</loc></sitemap>'
        b"<sitemap><loc>/s2.xml</loc></sitemap></sitemapindex>"
    )
    page = parse_sitemap(body, "https://n.example/index.xml")
    assert page.extra["sitemaps"] == ["https://n.example/s2.xml"] and len(page.skipped) == 1
    assert parse_robots_sitemaps("Sitemap: http://[x/a\nSitemap: /s.xml", "https://n.example/robots.txt") == [
        "https://n.example/s.xml"
    ]
