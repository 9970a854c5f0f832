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
    header = (
        '<https://m.example/api/v1/timelines/tag/x?max_id=5>; rel="next", '
        '<https://m.example/api/v1/timelines/tag/x?min_id=9>; rel="prev"'
    )
    assert next_link(header) == "https://m.example/api/v1/timelines/tag/x?max_id=5"
    assert next_link(header, "prev").endswith("min_id=9")
    assert next_link(None) is None and next_link("", "prev") is None


def test_html_to_text_quirks():
    assert html_to_text("<p>a &amp; b<br>c</p><p>d") == "a & b\nc\n\nd"
    assert html_to_text("") == ""


# -- issue #13: total parser, quotes ------------------------------------------------------------

GOOD = {
    "id": "9",
    "uri": "https://social.demo/users/a/statuses/9",
    "url": "https://social.demo/@a/9",
    "created_at": "2025-01-14T09:45:00.000Z",
    "content": "<p>fine #RedNote</p>",
    "account": {"acct": "a"},
}


def test_quote_that_is_not_an_object_is_no_crash():
    page = parse_statuses(
        [{"id": "8", "created_at": "2", "url": "h", "content": "", "quote": "@"}, GOOD], "https://social.demo", "x"
    )
    assert [p.platform_id for p in page.items] == ["h", GOOD["uri"]]  # was AttributeError: the page lost
    assert page.items[0].quote_of is None and page.items[0].created_at is None  # "2" is no time


def test_content_that_is_not_text_is_a_skip_and_its_neighbour_is_kept():
    page = parse_statuses([{"id": "0", "created_at": "0", "url": "p", "content": 5}, GOOD], "https://social.demo", "x")
    assert [p.platform_id for p in page.items] == [GOOD["uri"]]  # was TypeError
    assert page.skipped == ["status 0: missing created_at or content"]


def test_wrong_types_anywhere_give_typed_fields():
    status = dict(
        GOOD,
        in_reply_to_id=1.5,
        language=["en"],
        favourites_count="12",
        account={"acct": {"x": 1}, "display_name": 3, "followers_count": 1e20},
        tags=[{"name": 7}, "x"],
    )
    (post,) = parse_statuses([status], "https://social.demo", "x").items
    assert post.reply_to is None and post.lang is None and post.like_count is None
    assert post.author is None and post.author_name == "3" and post.author_followers == 10**20
    assert post.hashtags == ["RedNote"]


def test_text_body_nested_too_deeply_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_statuses("[" * 100000 + "]" * 100000, "https://social.demo", "x")  # was RecursionError
    assert len(parse_statuses(json.dumps([GOOD]), "https://social.demo", "x").items) == 1  # text is accepted


def test_mastodon_45_quote_is_a_post_of_its_own():
    quoted = dict(
        GOOD,
        id="5",
        uri="https://mstdn.demo/users/b/statuses/5",
        url="https://mstdn.demo/@b/5",
        content="<p>the quoted one</p>",
        account={"acct": "b@mstdn.demo"},
    )
    quoting = dict(
        GOOD,
        id="10",
        uri="https://social.demo/users/a/statuses/10",
        content="<p>look RE: x</p>",
        quote={"state": "accepted", "quoted_status": quoted},
    )
    pending = dict(
        GOOD, id="11", uri="https://social.demo/users/a/statuses/11", quote={"state": "pending", "quoted_status": None}
    )
    page = parse_statuses([quoting, pending], "https://social.demo", "x")
    by_id = {p.platform_id: p for p in page.items}
    assert list(by_id) == [quoting["uri"], quoted["uri"], pending["uri"]]
    assert by_id[quoting["uri"]].quote_of == quoted["uri"]
    assert by_id[quoted["uri"]].kind == "post" and by_id[quoted["uri"]].text == "the quoted one"
    assert by_id[quoted["uri"]].author == "b@mstdn.demo"
    assert by_id[pending["uri"]].quote_of is None
    assert page.extra["quoted"] == [quoted["uri"]]
    # the quoted status later in the same page as a hit of its own: one Post, the hit's copy
    again = parse_statuses([quoting, quoted], "https://social.demo", "x")
    assert [p.platform_id for p in again.items] == [quoting["uri"], quoted["uri"]] and again.extra["quoted"] == []
