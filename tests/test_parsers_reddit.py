"""Reddit listing and comments parsers over recorded-style fixtures (tests/fixtures/reddit/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.reddit import parse_comments, parse_listing

FIXTURES = Path(__file__).parent / "fixtures" / "reddit"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pages():
    return [parse_listing(load(f"search_p{n}.json"), "RedNote") for n in (1, 2, 3)]


@pytest.fixture(scope="module")
def posts(pages):
    return [item for page in pages for item in page.items]


def by_title(items, fragment: str):
    hits = [p for p in items if p.title and fragment in p.title]
    assert len(hits) == 1, f"{fragment!r}: {len(hits)}"
    return hits[0]


def test_after_chain(pages):
    assert pages[0].next == pages[0].items[-1].platform_id
    assert pages[1].next == pages[1].items[-1].platform_id
    assert pages[2].next is None


def test_posts_once_each(posts):
    assert len(posts) == 16
    assert len({p.platform_id for p in posts}) == 16
    assert all(p.platform == "reddit" and p.kind == "post" and p.platform_id.startswith("t3_") for p in posts)
    assert all(p.url.startswith("https://www.reddit.com/r/") and p.url.endswith("/") for p in posts)


def test_entities_unescaped_in_text_and_title(posts):
    post = by_title(posts, "Anyone else moving to RedNote")
    assert post.raw["selftext"].startswith("&gt; not a drill")
    assert post.text.startswith("> not a drill\n\nMy FYP")
    assert "goodbye & linking" in post.text and post.text.endswith("Q&A welcome <3")
    assert (
        by_title(posts, "PAFACA explained").title
        == "PAFACA explained: what the TikTok law says & doesn't say (RedNote included?)"
    )


def test_created_utc_float_and_int_and_edited(posts):
    crosspost = by_title([p for p in posts if p.community == "news"], "Supreme Court upholds")
    assert crosspost.created_at_raw == "1737131111.25"
    assert crosspost.created_at == "2025-01-17T16:25:11Z"
    edited = by_title(posts, "Anyone else moving to RedNote")
    assert edited.created_at == "2025-01-14T16:10:22Z"
    assert edited.edited_at == "2025-01-14T17:05:11Z"
    assert crosspost.edited_at is None  # edited: false


def test_fields(posts):
    post = by_title(posts, "Anyone else moving to RedNote")
    assert (post.like_count, post.reply_count, post.community) == (2212, 944, "TikTok")
    assert post.author == "sunflower_sesh" and post.author_id.startswith("t2_")
    assert post.platform_id == post.raw["name"]
    assert post.url == "https://www.reddit.com" + post.raw["permalink"]


def test_link_post_keeps_the_external_url_self_post_none(posts):
    link = by_title([p for p in posts if p.community == "technology"], "Supreme Court upholds")
    assert link.links == ["https://news.example.com/2025/01/17/supreme-court-tiktok-ruling"]
    assert link.text is None
    assert by_title(posts, "Anyone else moving to RedNote").links == []


def test_crosspost_points_at_its_parent(posts):
    original = by_title([p for p in posts if p.community == "technology"], "Supreme Court upholds")
    crosspost = by_title([p for p in posts if p.community == "news"], "Supreme Court upholds")
    assert crosspost.quote_of == original.platform_id
    assert original.quote_of is None


def test_deleted_post_keeps_row_and_counts(posts):
    post = by_title(posts, "my account got flagged")
    assert post.author is None and post.author_id is None and post.text is None
    assert (post.like_count, post.reply_count) == (57, 33)
    assert post.raw["removed_by_category"] == "deleted"


def test_removed_post(posts):
    post = by_title(posts, "privacy policy megathread")
    assert post.text is None and post.author == "grumpy_sysadmin"
    assert post.raw["removed_by_category"] == "moderator"


def test_chinese_post(posts):
    post = by_title(posts, "美国网友涌入小红书")
    assert post.text.endswith("也有人担心审核会变严。") and "<3" in post.text


@pytest.fixture(scope="module")
def thread():
    return parse_comments(load("comments_1i3x8hn.json"), "RedNote")


def test_comments_page_post_then_tree(thread):
    post, *comments = thread.items
    assert post.kind == "post" and post.platform_id == "t3_1i3x8hn"
    assert len(comments) == 7 and all(c.kind == "comment" for c in comments)
    assert all(c.thread_root == "t3_1i3x8hn" and c.platform_id.startswith("t1_") for c in comments)
    assert all(c.title is None and c.reply_count is None for c in comments)
    assert thread.next is None


def test_nested_replies_point_at_parents(thread):
    by_id = {c.platform_id: c for c in thread.items}
    nested = [c for c in thread.items if c.reply_to and c.reply_to.startswith("t1_")]
    assert len(nested) == 4
    assert all(c.reply_to in by_id for c in nested)
    deep = next(c for c in thread.items if c.text and c.text.startswith("Sure, but"))
    assert by_id[deep.reply_to].text.startswith("It's a Chinese app too")
    assert deep.edited_at == "2025-01-14T16:43:20Z"
    assert deep.url == "https://www.reddit.com" + deep.raw["permalink"]


def test_deleted_comment_kept_with_its_replies(thread):
    deleted = next(c for c in thread.items if c.kind == "comment" and c.author is None)
    assert deleted.text is None and deleted.like_count == 7
    assert any(c.reply_to == deleted.platform_id for c in thread.items)


def test_more_stubs_collected(thread):
    assert len(thread.extra["more"]) == 5
    assert thread.extra["more_count"] == 4 + 312
    assert not any(c.platform_id.endswith(tuple(thread.extra["more"])) for c in thread.items)


def test_comment_entities_unescaped(thread):
    assert any(c.text == '> Is it safe\n\nNo app is "safe". Read the permissions.' for c in thread.items)
    assert any(c.text == "Cat tax paid, can confirm <3" for c in thread.items)


def test_continue_thread_stub_counts_nothing():
    page = parse_comments(load("comments_1i68afs.json"), "q")
    assert page.extra == {"more": [], "more_count": 0}
    assert len(page.items) == 5
    assert any(c.text == "我就是那个成都朋友 😂 你们的鸡蛋太贵了" for c in page.items)


def test_off_topic_results_come_back_too():
    page = parse_listing(load("search_tiktok_ban.json"), "TikTok ban")
    titles = [p.title for p in page.items]
    assert "My HOA wants to ban TikTok dances at the pool" in titles
    assert page.next is None


def test_child_without_id_is_skipped_unknown_kind_too():
    listing = {
        "kind": "Listing",
        "data": {
            "after": "t3_zz",
            "children": [
                {"kind": "t3", "data": {"title": "no id"}},
                {"kind": "t5", "data": {"name": "t5_abc"}},
                {"kind": "t3", "data": {"id": "abc", "title": "ok", "edited": False, "replies": ""}},
            ],
        },
    }
    page = parse_listing(listing, "q")
    assert [p.platform_id for p in page.items] == ["t3_abc"]
    assert len(page.skipped) == 2 and "no id" in page.skipped[0]
    assert page.next == "t3_zz"


@pytest.mark.parametrize(
    ("func", "body"),
    [
        (parse_listing, "<html>Too Many Requests</html>"),
        (parse_listing, []),
        (parse_listing, {"kind": "t3", "data": {}}),
        (parse_listing, {"kind": "Listing", "data": {}}),
        (parse_comments, {"kind": "Listing", "data": {"children": []}}),
        (parse_comments, [{"kind": "Listing", "data": {"children": []}}]),
        (parse_comments, "not json"),
    ],
)
def test_wrong_bodies_raise(func, body):
    with pytest.raises(ParseError):
        func(body, "q")


# -- issue #13: total parser, URLs of comments without permalink --------------------------------


def listing(*children):
    return {"kind": "Listing", "data": {"after": None, "children": list(children)}}


def test_comment_without_permalink_gets_its_url_built():
    post = {
        "kind": "t3",
        "data": {
            "id": "1i68afs",
            "name": "t3_1i68afs",
            "subreddit": "TikTokCringe",
            "title": "t",
            "created_utc": 1736850600,
        },
    }
    comment = {
        "kind": "t1",
        "data": {
            "id": "m8a1b2c",
            "name": "t1_m8a1b2c",
            "subreddit": "TikTokCringe",
            "link_id": "t3_1i68afs",
            "parent_id": "t3_1i68afs",
            "body": "hi",
            "created_utc": 1736850700.0,
            "replies": "",
        },
    }
    page = parse_comments([listing(post), listing(comment)])
    p, c = page.items
    assert c.url == "https://www.reddit.com/r/TikTokCringe/comments/1i68afs/comment/m8a1b2c/"  # was None
    assert p.url == "https://www.reddit.com/r/TikTokCringe/comments/1i68afs/"
    odd = {"kind": "t1", "data": {"id": "x", "subreddit": "a/../b", "link_id": "t3_y"}}
    assert parse_listing(listing(odd)).items[0].url is None  # never a URL from unsafe parts


def test_wrong_types_are_skips_or_typed_fields_and_neighbours_are_kept():
    children = [
        {"kind": {"t1": 1}, "data": {"id": "a"}},  # was TypeError: unhashable type: 'dict'
        {
            "kind": "t3",
            "data": {
                "id": "b",
                "title": ["x"],
                "subreddit": 1e308,
                "score": "9",
                "created_utc": 10**30,
                "replies": {"kind": "Listing", "data": {"children": "nope"}},
            },
        },
        {"kind": "t3", "data": {"id": "c", "title": "fine", "created_utc": 1736850600}},
    ]
    page = parse_listing(json.dumps(listing(*children)))
    assert [p.platform_id for p in page.items] == ["t3_b", "t3_c"]
    b = page.items[0]
    assert (b.title, b.community, b.like_count, b.created_at) == (None, None, None, None)
    assert len(page.skipped) == 2  # the dict kind, and b's replies that are not a Listing


def test_body_nested_too_deeply_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_listing("[" * 100000 + "]" * 100000)  # was RecursionError
