"""Hacker News (Algolia) parser over recorded-style fixtures (tests/fixtures/hackernews/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.hackernews import html_links, parse_search
from crawler.parsers.html_text import html_to_text

FIXTURES = Path(__file__).parent / "fixtures" / "hackernews"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pages():
    return [parse_search(load(f"search_by_date_p{n}.json"), "TikTok") for n in (1, 2, 3)]


@pytest.fixture(scope="module")
def items(pages):
    return {item.platform_id: item for page in pages for item in page.items}


def test_page_numbers_chain(pages):
    assert [p.next for p in pages] == ["1", "2", None]
    assert len(pages[0].items) == 6


def test_newest_created_at_i(pages):
    assert pages[0].extra["max_created_at_i"] == 1758833000
    assert pages[2].extra["max_created_at_i"] == 1736901000


def test_hit_without_object_id_skipped(pages, items):
    assert pages[1].skipped == ["hackernews hit #0: no objectID"]
    assert len(items) == 16


def test_story_fields(items):
    story = items["42689001"]
    assert story.kind == "story" and story.platform == "hackernews"
    assert story.url == "https://news.ycombinator.com/item?id=42689001"
    assert story.title == "RedNote hits #1 on the App Store as TikTok ban looms"
    assert story.links == ["https://news.example.com/2025/01/13/rednote-app-store"]
    assert (story.like_count, story.reply_count) == (612, 540)
    assert story.created_at == "2025-01-13T17:40:00Z" and story.created_at_raw == "1736790000"
    assert story.text is None and story.author == "orbitalfox"


def test_comment_hit_with_null_title_old_layout(items):
    comment = items["42725120"]
    assert comment.raw["title"] is None and "relevancy_score" in comment.raw
    assert comment.kind == "comment" and comment.title is None
    assert comment.reply_to == "42725000" and comment.thread_root == "42725000"
    assert comment.links == [] and comment.like_count is None


def test_comment_new_layout_nested(items):
    comment = items["42702399"]
    assert "title" not in comment.raw and "children" in comment.raw
    assert comment.reply_to == "42702310" and comment.thread_root == "42702222"


def test_comment_html_to_paragraphs(items):
    assert items["42689120"].text == (
        "Interesting that the users moving are doing it on purpose. It's a protest, not a migration."
        "\n\nMost will be back within a month, I'd guess."
    )


def test_comment_links_and_entities(items):
    comment = items["42689233"]
    assert comment.text.startswith('The "TikTok refugee" framing')
    assert "See https://example.org/pafaca-text section 2(g)." in comment.text
    assert comment.links == ["https://example.org/pafaca-text"]


def test_pre_block_keeps_lines(items):
    text = items["42702399"].text
    assert "tiktok-export --all --out ./backup\nls backup | wc -l" in text
    assert text.endswith("Works as long as the ban hasn't kicked in.")


def test_ask_hn_story_text(items):
    story = items["42702222"]
    assert story.kind == "story" and story.links == []
    assert story.text.startswith("Half my family installed RedNote (小红书) this week.")
    assert "\n\nIs anyone working" in story.text and "out there & what isn't" in story.text


def test_highlight_result_never_stored(pages, items):
    assert all("_highlightResult" in hit for hit in load("search_by_date_p1.json")["hits"])
    for item in items.values():
        assert "_highlightResult" not in item.raw
        assert "<em>" not in (item.text or "") + (item.title or "")


def test_off_topic_hits_present(items):
    assert items["42711111"].title.startswith("Show HN: A ban list")


def test_single_page_search():
    page = parse_search(load("search_rednote.json"), "RedNote")
    assert page.next is None and page.items
    assert all(i.kind == "story" for i in page.items)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("one<p>two<p>three", "one\n\ntwo\n\nthree"),
        ("a &amp; b &lt;c&gt; &#x2F; &#x27;d&#x27;", "a & b <c> / 'd'"),
        ("line<br>next", "line\nnext"),
        ("<p>  spaced \n  out  </p>", "spaced out"),
        ("", ""),
        (None, ""),
        ("<p></p>", ""),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


def test_html_links_only_absolute():
    html = '<a href="https://a.example/x">x</a> <a href="item?id=1">rel</a> <a href="https://a.example/x">again</a>'
    assert html_links(html) == ["https://a.example/x"]


def test_tolerates_missing_fields_and_old_text_key():
    page = parse_search(
        {"hits": [{"objectID": 7, "text": "old <i>layout</i>", "created_at": "2025-01-14T00:00:00.000Z"}]}, "q"
    )
    (item,) = page.items
    assert item.platform_id == "7" and item.text == "old layout"
    assert item.created_at == "2025-01-14T00:00:00Z"
    assert page.next is None and page.extra["max_created_at_i"] is None


@pytest.mark.parametrize("body", ["upstream error", {"message": "invalid"}, [], {"hits": {}}])
def test_wrong_bodies_raise(body):
    with pytest.raises(ParseError):
        parse_search(body, "q")


# -- issue #13: total parser -------------------------------------------------------------------


def test_control_character_in_comment_text_and_wrong_types():
    hits = [
        {"objectID": "1", "_tags": ["comment"], "comment_text": "a\x0bb<p>c &amp; d", "created_at_i": 1736850600},
        {
            "objectID": "2",
            "_tags": ["story"],
            "title": {"x": 1},
            "author": ["x"],
            "points": "3",
            "story_text": 5,
            "created_at_i": 10**30,
        },
    ]
    page = parse_search({"hits": hits, "page": 0, "nbPages": 1})
    one, two = page.items
    assert one.text == "ab\n\nc & d" and one.created_at == "2025-01-14T10:30:00Z"  # was ValueError (lxml)
    assert (two.title, two.author, two.like_count, two.text, two.created_at) == (None, None, None, None, None)


def test_body_nested_too_deeply_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_search("[" * 100000 + "]" * 100000)
