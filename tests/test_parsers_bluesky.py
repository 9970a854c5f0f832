"""Bluesky searchPosts parser over recorded-style fixtures (tests/fixtures/bluesky/)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.bluesky import facet_slice, parse_search, parse_session, utc_iso

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pages():
    return [parse_search(load(f"search_p{n}.json"), "RedNote") for n in (1, 2, 3)]


@pytest.fixture(scope="module")
def posts(pages):
    """The search hits (posts yielded only because a hit quotes them are tested apart)."""
    return [item for page in pages for item in page.items if item.platform_id not in page.extra["quoted"]]


def find(posts, fragment: str):
    hits = [p for p in posts if p.text and fragment in p.text]
    assert len(hits) == 1, f"{fragment!r}: {len(hits)} posts"
    return hits[0]


def test_cursor_chain_ends_without_cursor(pages):
    assert [p.next for p in pages] == ["8", "16", None]


def test_every_post_once_and_the_uri_less_one_skipped(pages, posts):
    assert len(posts) == 18
    assert len({p.platform_id for p in posts}) == 18
    assert pages[0].skipped == ["bluesky post #6: no uri"]
    assert all(p.platform == "bluesky" and p.platform_id.startswith("at://did:plc:") for p in posts)
    assert all(p.source_query == "RedNote" for p in posts)


def test_web_url_from_handle_and_rkey(posts):
    post = find(posts, "Day one on RedNote")
    rkey = post.platform_id.rsplit("/", 1)[1]
    assert post.url == f"https://bsky.app/profile/junebug-draws.bsky.social/post/{rkey}"
    assert post.author == "junebug-draws.bsky.social"
    assert post.author_id == post.platform_id.split("/")[2]
    assert post.author_name == "Jun Park 🎨"


def test_invalid_handle_uses_the_did_in_the_url(posts):
    post = find(posts, "my RedNote id is in the bio")
    did = post.platform_id.split("/")[2]
    assert post.url.startswith(f"https://bsky.app/profile/{did}/post/")
    assert post.author_name is None


@pytest.mark.parametrize(
    ("fragment", "raw", "normalised"),
    [
        ("Day one on RedNote", "2025-01-13T22:14:05.412Z", "2025-01-13T22:14:05Z"),  # ms
        ("欢迎美国朋友", "2025-01-14T02:03:11.538201Z", "2025-01-14T02:03:11Z"),  # µs
        ("排队交“猫税”", "2025-01-19T03:30:12.250+00:00", "2025-01-19T03:30:12Z"),  # +00:00
        ("So far I can say", "2025-01-14T03:30:09.9Z", "2025-01-14T03:30:09Z"),  # one digit
        ("成都两居室", "2025-01-16T08:00:01Z", "2025-01-16T08:00:01Z"),  # no fraction
    ],
)
def test_created_at_formats(posts, fragment, raw, normalised):
    post = find(posts, fragment)
    assert post.created_at_raw == raw
    assert post.created_at == normalised


def test_all_times_normalised(posts):
    assert all(ISO_Z.match(p.created_at) for p in posts)


def test_missing_created_at_falls_back_to_indexed_at(posts):
    post = find(posts, "my RedNote id is in the bio")
    assert "createdAt" not in post.raw["record"]
    assert post.created_at_raw == post.raw["indexedAt"]
    assert post.created_at == utc_iso(post.raw["indexedAt"])


def test_utc_iso_converts_offsets_and_rejects_junk():
    assert utc_iso("2025-01-19T11:30:12.5+08:00") == "2025-01-19T03:30:12Z"
    assert utc_iso("2025-01-19T03:30:12.123456789Z") == "2025-01-19T03:30:12Z"
    assert utc_iso("2025-01-19T03:30:12") == "2025-01-19T03:30:12Z"
    assert utc_iso("yesterday") is None
    assert utc_iso(None) is None


def test_facets_after_emoji_and_chinese_use_byte_offsets(posts):
    post = find(posts, "explained 对账 to me")
    assert post.text.startswith("🇺🇸➡️🇨🇳 @mei-lin")
    assert post.mentions == ["mei-lin.bsky.social"]
    assert post.hashtags == ["对账", "RedNote"]
    facet = post.raw["record"]["facets"][0]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert post.text[start:end] != "@mei-lin.bsky.social"  # string indices would be wrong
    assert facet_slice(post.text, start, end) == "@mei-lin.bsky.social"


def test_chinese_tag_after_emoji(posts):
    post = find(posts, "欢迎美国朋友")
    assert post.hashtags == ["TikTok难民"]
    assert post.lang == "zh"


def test_link_facet_keeps_the_full_uri(posts):
    post = find(posts, "qualified divestiture")
    assert "example.com/tiktok-jv" in post.text
    assert post.links == ["https://example.com/2025/09/25/tiktok-joint-venture-explainer"]


def test_link_card_embed_is_a_link(posts):
    post = find(posts, "Why Xiaohongshu shot to no. 1")
    assert post.links == ["https://example.com/2025/01/14/xiaohongshu-app-store-charts"]
    assert post.quote_of is None


def test_quote_embeds(posts):
    original = find(posts, "Day one on RedNote")
    quote = find(posts, "most wholesome thing")
    assert quote.quote_of == original.platform_id
    cat_compilation = find(posts, "Cat tax compilation")  # recordWithMedia#view
    assert cat_compilation.quote_of == find(posts, "排队交“猫税”").platform_id
    assert original.quote_of is None


def test_reply_parent_and_root(posts):
    reply = find(posts, "So far I can say")
    parent = find(posts, "欢迎美国朋友")
    assert reply.reply_to == parent.platform_id
    assert reply.thread_root == parent.platform_id
    assert parent.reply_to is None and parent.thread_root is None


def test_counts_and_raw(posts):
    post = find(posts, "Day one on RedNote")
    assert (post.like_count, post.repost_count, post.reply_count, post.quote_count) == (412, 88, 31, 6)
    assert post.raw["uri"] == post.platform_id
    assert "cid" in post.raw


def test_langs(posts):
    assert find(posts, "TikTok難民真的來了").lang == "zh"  # zh-Hant
    assert find(posts, "So far I can say").lang == "en"  # first of ["en", "zh"]
    assert find(posts, "成都两居室").lang is None  # no langs


def test_self_labelled_tags_and_out_of_range_facets(posts):
    assert find(posts, "Downloading RedNote tonight").hashtags == ["TikTokRefugee"]
    broken = find(posts, "TikTok is back so I'm back")
    assert broken.raw["record"]["facets"][0]["index"]["byteStart"] > len(broken.text.encode())
    assert broken.hashtags == []


def test_extra_newest_time(pages):
    assert pages[0].extra["max_created_at"] == "2025-09-25T21:10:00Z"


def test_off_topic_posts_are_in_the_search_results():
    page = parse_search(load("search_tiktok_ban.json"), "TikTok ban")
    texts = [p.text for p in page.items]
    assert any("leaf blowers" in t for t in texts)
    assert any("banana bread" in t for t in texts)
    assert page.next is None


def test_missing_record_and_author_do_not_crash():
    page = parse_search({"posts": [{"uri": "at://did:plc:abc/app.bsky.feed.post/3abc"}], "cursor": "1"}, "q")
    (post,) = page.items
    assert post.text is None and post.created_at is None and post.author is None
    assert post.url == "https://bsky.app/profile/did:plc:abc/post/3abc"
    assert page.next == "1"


def test_empty_page_with_cursor_stops():
    assert parse_search({"posts": [], "cursor": "25"}, "q").next is None


@pytest.mark.parametrize("body", ["<html>rate limited</html>", b"\xff\xfe", {"feed": []}, [], {"posts": "x"}])
def test_wrong_bodies_raise_parse_error(body):
    with pytest.raises(ParseError):
        parse_search(body, "q")


def test_json_text_is_accepted():
    page = parse_search((FIXTURES / "search_p3.json").read_text(encoding="utf-8"), "q")
    assert len(page.items) == 3


def test_session():
    assert parse_session(load("session.json")).startswith("demo-access-")
    with pytest.raises(ParseError):
        parse_session(load("session_401.json"))
    with pytest.raises(ParseError):
        parse_session("not json")


# -- issue #13: total parser, quoted posts as Posts ---------------------------------------------


def test_quoted_posts_are_posts_of_their_own(pages):
    page = pages[1]  # search_p2: a record#view quote and a recordWithMedia#view quote
    assert len(page.extra["quoted"]) == 2
    by_id = {p.platform_id: p for p in page.items}
    for uri in page.extra["quoted"]:
        quoted = by_id[uri]
        assert quoted.kind == "post" and quoted.text and quoted.created_at
        assert quoted.url.startswith("https://bsky.app/profile/") and quoted.author
        assert any(p.quote_of == uri for p in page.items)  # the quoting post points at it
    cat = by_id[next(u for u in page.extra["quoted"] if u.endswith("3lg2v3j3mgk2b"))]
    assert cat.created_at == "2025-01-19T03:30:12Z" and cat.like_count == 520 and cat.lang == "zh"
    assert page.extra["max_created_at"] == max(
        p.created_at for p in page.items if p.platform_id not in page.extra["quoted"]
    )


def test_unavailable_quote_is_no_post():
    view = {
        "uri": "at://did:plc:a/app.bsky.feed.post/1",
        "author": {"handle": "a.bsky.social"},
        "record": {
            "text": "q",
            "createdAt": "2025-01-14T00:00:00Z",
            "embed": {"$type": "app.bsky.embed.record", "record": {"uri": "at://did:plc:b/app.bsky.feed.post/2"}},
        },
        "embed": {
            "$type": "app.bsky.embed.record#view",
            "record": {"$type": "app.bsky.embed.record#viewNotFound", "uri": "at://did:plc:b/app.bsky.feed.post/2"},
        },
    }
    page = parse_search({"posts": [view]})
    assert [p.platform_id for p in page.items] == [view["uri"]] and page.extra["quoted"] == []
    assert page.items[0].quote_of == "at://did:plc:b/app.bsky.feed.post/2"


def test_lone_surrogate_before_a_facet():
    text = "\ud83d #RedNote"
    start = len("\ud83d ".encode("utf-8", "surrogatepass"))
    view = {
        "uri": "at://did:plc:a/app.bsky.feed.post/1",
        "author": {"handle": 5},
        "record": {
            "text": text,
            "createdAt": "2025-01-14T00:00:00Z",
            "facets": [
                {
                    "index": {"byteStart": start, "byteEnd": start + 8},
                    "features": [
                        {"$type": "app.bsky.richtext.facet#tag", "tag": "RedNote"},
                        {"$type": "app.bsky.richtext.facet#mention", "did": {"x": 1}},
                    ],
                }
            ],
        },
    }
    page = parse_search(json.dumps({"posts": [view, {"uri": "at://did:plc:a/app.bsky.feed.post/2"}]}))
    first, second = page.items  # was UnicodeEncodeError: the whole page lost
    assert first.hashtags == ["RedNote"] and first.mentions == [] and first.author is None
    assert "\ud83d" not in first.text and second.platform_id.endswith("/2")


def test_tags_are_folded_with_the_one_rule():
    view = {
        "uri": "at://did:plc:a/app.bsky.feed.post/1",
        "record": {"text": "x", "tags": ["SONDAKİKA", "sondakika", "#Sondakika"]},
    }
    assert parse_search({"posts": [view]}).items[0].hashtags == ["SONDAKİKA"]
