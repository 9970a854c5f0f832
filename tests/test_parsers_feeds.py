import json
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


# -- issue #13: total parser, real feeds -------------------------------------------------------


def rss(*items: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>' + "".join(items) + "</channel></rss>"
    ).encode()


def item(link: str, date: str | None = None, extra: str = "") -> str:
    return (
        f"<item><title>x</title><link>{link}</link>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + extra
        + "</item>"
    )


def test_overflowing_pubdate_is_no_date_and_the_entry_is_kept():
    page = parse_feed(
        rss(item("https://a.example/1", "9999999914 Jan 25 0:00"), item("https://a.example/2")), "https://a.example/rss"
    )
    assert [e.link for e in page.items] == ["https://a.example/1", "https://a.example/2"]  # was OverflowError
    assert page.items[0].published_at is None and page.items[0].published_at_raw == "9999999914 Jan 25 0:00"


def test_control_character_in_a_description():
    page = parse_feed(
        rss(item("https://a.example/1", extra="<description>&lt;p&gt;a\x01b&lt;br&gt;c&lt;/p&gt;</description>")),
        "https://a.example/rss",
    )
    assert page.items[0].summary == "ab\nc"  # was ValueError from lxml (html_text.py)


def test_broken_link_is_a_skip_and_the_neighbour_is_kept():
    page = parse_feed(rss(item("http://[x/a"), item("https://a.example/ok")), "https://a.example/rss")
    assert [e.link for e in page.items] == ["https://a.example/ok"]  # was ValueError in the spider
    assert len(page.skipped) == 1


def test_atom_entry_with_only_a_self_link_is_skipped_not_its_urn_id():
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
    <entry><id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id><title>self only</title>
      <link rel="self" href="https://ex.example/entries/1.atom"/><updated>2025-01-14T10:00:00Z</updated></entry>
    <entry><id>urn:uuid:2</id><title>good</title><link rel="self" href="https://ex.example/entries/2.atom"/>
      <link rel="alternate" href="/2025/01/good"/><updated>2025-01-15T10:00:00Z</updated></entry>
    </feed>"""
    page = parse_feed(atom, "https://ex.example/atom.xml")
    assert [e.link for e in page.items] == ["https://ex.example/2025/01/good"]
    assert len(page.skipped) == 1 and "self only" in page.skipped[0]


def test_gmt_plus_9_is_read_not_taken_as_utc():
    page = parse_feed(
        rss(
            item("https://a.example/1", "Thu,28 Jul 2022 4:35:5 GMT+9"),
            item("https://a.example/2", "Thu, 28 Jul 2022 04:35:05 XYZ"),
        ),
        "https://a.example/rss",
    )
    assert page.items[0].published_at == "2022-07-27T19:35:05Z"  # was 2022-07-28T04:35:05Z, 9 hours late
    assert page.items[1].published_at is None  # a zone nobody can read is not UTC
    assert page.items[1].published_at_raw == "Thu, 28 Jul 2022 04:35:05 XYZ"


def test_a_date_every_entry_shares_is_the_feeds_not_theirs():
    build = "Mon, 20 Jan 2025 06:00:00 GMT"
    page = parse_feed(rss(*(item(f"https://a.example/{n}", build) for n in range(3))), "https://a.example/rss")
    assert [e.published_at for e in page.items] == [None, None, None]
    assert [e.published_at_raw for e in page.items] == [None, None, None]  # normalise would re-read the raw
    assert page.extra["shared_date"] == "2025-01-20T06:00:00Z"
    mixed = parse_feed(
        rss(item("https://a.example/1", build), item("https://a.example/2", "Sun, 19 Jan 2025 06:00:00 GMT")),
        "https://a.example/rss",
    )
    assert [e.published_at for e in mixed.items] == ["2025-01-20T06:00:00Z", "2025-01-19T06:00:00Z"]
    one = parse_feed(rss(item("https://a.example/1", build)), "https://a.example/rss")
    assert one.items[0].published_at == "2025-01-20T06:00:00Z"


def test_json_feed_nested_too_deeply_or_with_wrong_types():
    with pytest.raises(ParseError):
        parse_feed(b'{"a":' * 100000 + b"1" + b"}" * 100000, "https://a.example/feed.json")
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [
                {"url": 5},
                {
                    "url": "https://a.example/1",
                    "title": ["x"],
                    "summary": {"a": 1},
                    "date_published": 7,
                    "authors": [{"name": 3}, "x"],
                },
            ],
        }
    ).encode()
    page = parse_feed(body, "https://a.example/feed.json")
    (e,) = page.items
    assert (e.link, e.title, e.summary, e.published_at, e.authors) == ("https://a.example/1", None, None, None, [])
    assert len(page.skipped) == 1
