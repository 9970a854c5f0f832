"""GDELT DOC 2.0 artlist parser and query builder over recorded-style fixtures (tests/fixtures/gdelt/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.gdelt import GdeltArticle, build_query, parse_artlist
from crawler.topic import load_topic

FIXTURES = Path(__file__).parent / "fixtures" / "gdelt"
ROOT = Path(__file__).resolve().parents[1]


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_artlist_records():
    page = parse_artlist(load("artlist.json"))
    assert page.extra["count"] == 6  # what the API returned, skipped records included (for the cap)
    first, zh, undated = page.items
    assert first == GdeltArticle(
        url="https://www.example-news.test/2025/01/14/rednote-surge",
        title="TikTok users flock to RedNote as ban looms",
        seendate="2025-01-14T08:30:00Z",
        seendate_raw="20250114T083000Z",
        domain="example-news.test",
        language="English",
        sourcecountry="United States",
        socialimage="https://img.example-news.test/rednote.jpg",
        url_mobile=None,  # "" -> None
    )
    assert zh.title == "美国网友涌入小红书 & 交“猫税”"  # entities in titles decoded
    assert zh.language == "Chinese" and zh.sourcecountry == "China" and zh.socialimage is None
    assert undated.seendate is None and undated.title is None
    assert len(page.skipped) == 3
    assert "no http(s) url" in page.skipped[0] and "no http(s) url" in page.skipped[1]
    assert page.skipped[2] == "record #5: not an object"


def test_empty_result_has_no_articles_key():
    page = parse_artlist(load("empty.json"))
    assert page.items == [] and page.extra["count"] == 0
    assert parse_artlist(b"").extra["count"] == 0


@pytest.mark.parametrize(
    "name,message",
    [
        ("too_short.txt", "keywords were too short"),
        ("rate_limited.txt", "limit requests to one every 5 seconds"),
    ],
)
def test_plain_text_errors(name, message):
    with pytest.raises(ParseError, match=message):
        parse_artlist(load(name))


def test_invalid_escapes_read_leniently():
    page = parse_artlist(load("bad_escapes.json"))
    assert [a.title for a in page.items] == [
        "Court's ruling leaves TikTok's fate to the next president",
        "A backslash\\ in the title, a real escape é and \\ an escaped one",
    ]


def test_unreadable_json_is_a_parse_error():
    with pytest.raises(ParseError, match="unreadable JSON"):
        parse_artlist(load("truncated.json"))
    with pytest.raises(ParseError, match="not an object"):
        parse_artlist(b"[1, 2]")
    with pytest.raises(ParseError, match="not a list"):
        parse_artlist(b'{"articles": {"url": "x"}}')


def test_query_from_the_topic_anchor_terms():
    q = build_query(load_topic(ROOT / "datasets" / "topics" / "tiktok-ban.toml"))
    assert q.startswith('("TikTok ban" OR "TikTok refugee" OR RedNote OR Xiaohongshu OR 小红书 OR ')
    assert (
        '"TikTok v. Garland"' in q and '"Protecting Americans from Foreign Adversary Controlled Applications Act"' in q
    )
    assert q.endswith(")") and q.count("(") == 1


def test_query_skips_short_words_and_single_term_needs_no_parentheses(tmp_path):
    topic = tmp_path / "t.toml"
    topic.write_text('[terms]\nanchors = ["TT", "RedNote", "rednote", "#TikTokBan", "ab cd"]\n', encoding="utf-8")
    assert build_query(load_topic(topic)) == '(RedNote OR "#TikTokBan" OR "ab cd")'
    topic.write_text('[terms]\nanchors = ["TT", "Xiaohongshu"]\n', encoding="utf-8")
    assert build_query(load_topic(topic)) == "Xiaohongshu"
    topic.write_text('[terms]\nanchors = ["TT"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="shorter than 3"):
        build_query(load_topic(topic))


# -- issue #13: total parser -------------------------------------------------------------------


def test_impossible_seendate_is_none_and_raw_is_kept():
    body = (
        '{"articles": [{"url": "https://a.example/1", "seendate": "20250115T029500Z"},'
        ' {"url": "https://a.example/2", "seendate": "20250115T023000Z"}]}'
    )
    page = parse_artlist(body)
    assert [(a.seendate, a.seendate_raw) for a in page.items] == [
        (None, "20250115T029500Z"),
        ("2025-01-15T02:30:00Z", "20250115T023000Z"),
    ]  # was ValueError


def test_json_nested_too_deeply_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_artlist("[" * 100000 + "]" * 100000)  # was RecursionError
    with pytest.raises(ParseError):
        parse_artlist('{"articles": ' + "[" * 100000 + "]" * 100000 + ', "x": "\\q"}')  # the lenient retry too


def test_wrong_types_and_broken_urls_are_skips():
    body = (
        '{"articles": [{"url": 5}, {"url": "http://[x/a"}, {"url": "https://a.example:x/"},'
        ' {"url": "https://a.example/ok", "title": 3, "domain": ["x"], "language": {"a": 1}}]}'
    )
    page = parse_artlist(body)
    (a,) = page.items
    assert (a.url, a.title, a.domain, a.language) == ("https://a.example/ok", "3", None, None)
    assert len(page.skipped) == 3 and page.extra["count"] == 4
