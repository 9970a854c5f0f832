from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.feeds import parse_feed

FIX = Path(__file__).parent / "fixtures" / "feeds"


def test_rss_relative_links_html_summaries_and_bad_dates():
    page = parse_feed((FIX / "mixed.rss").read_bytes(), "https://ledger.example/feeds/rss.xml")
    assert [e.link for e in page.items] == [
        "https://ledger.example/tech/rednote-charts?utm_source=rss",
        "https://ledger.example/tech/undated",
    ]
    first, undated = page.items
    assert first.published_at == "2025-01-14T00:30:00Z"  # +08:00 converted to UTC
    assert first.authors == ["Ana Ruiz"]
    assert first.summary == "A lifestyle app & its new users."
    assert first.feed_title == "Eastern Ledger (synthetic)"
    assert undated.published_at is None and undated.published_at_raw == "sometime last week"
    assert len(page.skipped) == 1 and "no link" in page.skipped[0]


def test_atom_in_chinese():
    page = parse_feed((FIX / "entries.atom").read_bytes(), "https://huadong.example/atom.xml")
    (e,) = page.items
    assert e.title == "“TikTok难民”在小红书上交“猫税”"
    assert e.published_at == "2025-01-15T01:00:00Z"
    assert e.authors == ["周敏"]


def test_json_feed():
    page = parse_feed((FIX / "feed.json").read_bytes(), "https://pocket.example/feed.json", "application/feed+json")
    (e,) = page.items
    assert e.link == "https://pocket.example/2025/01/19/dark"
    assert e.published_at == "2025-01-19T04:10:00Z"


def test_not_a_feed_raises():
    with pytest.raises(ParseError):
        parse_feed(b"<html><body><h1>502 Bad Gateway</h1>", "https://x.example/feed")
