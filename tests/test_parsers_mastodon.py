import json
from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.html_text import html_to_text
from crawler.parsers.mastodon import next_link, parse_statuses

PAGE = json.loads((Path(__file__).parent / "fixtures" / "mastodon" / "tag_page.json").read_text())


def test_statuses_to_posts():
    page = parse_statuses(PAGE, "https://social.demo", "TikTokRefugee")
    by_id = {p.platform_id: p for p in page.items}
    zh = by_id["https://social.demo/users/linguist_li/statuses/113790000000000103"]
    assert zh.platform == "mastodon" and zh.lang == "zh"
    assert zh.text.startswith("给新来的朋友们：小红书上的“对账”")
    assert "\n\nFor newcomers" in zh.text  # <p> boundaries kept as paragraph breaks
    assert zh.hashtags == ["小红书"]
    assert zh.author == "linguist_li@social.demo" and zh.author_name == "李老师 Teacher Li"
    assert (zh.like_count, zh.repost_count, zh.reply_count) == (402, 150, 61)
    court = by_id["https://social.demo/users/netpolicy/statuses/113790000000000104"]
    assert "example-court.demo/opinions/24…" in court.text and "https://" not in court.text
    assert court.links == ["https://example-court.demo/opinions/24-656"]
    assert court.hashtags == ["TikTokBan"]  # the author's casing from the text, not the lower-cased tag
    reply = by_id["https://social.demo/users/ohio_cook/statuses/113790000000000106"]
    assert reply.kind == "comment" and reply.reply_to == "113790000000000101"
    assert reply.mentions == ["maple_reads"]
    quoting = by_id["https://social.demo/users/netpolicy/statuses/113790000000000108"]
    assert quoting.quote_of == "https://social.demo/users/netpolicy/statuses/113790000000000104"


def test_boost_becomes_its_original_once():
    page = parse_statuses(PAGE, "https://social.demo", "TikTokRefugee")
    boosted = [p for p in page.items if p.reposted_by]
    assert len(boosted) == 1
    original = boosted[0]
    assert original.platform_id == "https://mstdn.demo/users/jun/statuses/113780000000000042"
    assert original.author == "jun@mstdn.demo"
    assert original.reposted_by == ["maple_reads@social.demo"]
    assert not any(p.platform_id.endswith("/activity") for p in page.items)


def test_missing_fields_are_skipped_with_a_reason():
    page = parse_statuses(PAGE, "https://social.demo", "x")
    assert page.skipped == ["status 113790000000000110: missing created_at or content"]
    assert len(page.items) == len(PAGE) - 1
    assert page.extra["newest_id"] == "113790000000000110"
    bad = parse_statuses([{"content": "<p>no id</p>"}, "not an object"], "https://x", "x")
    assert bad.items == [] and len(bad.skipped) == 2


def test_wrong_shape_raises():
    with pytest.raises(ParseError):
        parse_statuses({"error": "Record not found"}, "https://x", "x")


def test_link_header():
    header = ('<https://m.example/api/v1/timelines/tag/x?max_id=5>; rel="next", '
              '<https://m.example/api/v1/timelines/tag/x?min_id=9>; rel="prev"')
    assert next_link(header) == "https://m.example/api/v1/timelines/tag/x?max_id=5"
    assert next_link(header, "prev").endswith("min_id=9")
    assert next_link(None) is None and next_link("", "prev") is None


def test_html_to_text_quirks():
    assert html_to_text("<p>a &amp; b<br>c</p><p>d") == "a & b\nc\n\nd"
    assert html_to_text("") == ""
