"""Tests for crawler.parsers.article: fixtures per case, decoding, dates, authors, titles, text rules.

The quality gate over real and synthetic pages is tests/test_extraction_gate.py.

Each ``tests/fixtures/article/<case>/`` holds ``page.html`` (UTF-8) or ``page.bin`` (raw bytes, for
pages whose charset matters) and ``meta.json``: the fetched ``url``, the ``content_type`` header,
``expected`` field values (compared exactly), ``must_contain``/``must_not_contain`` snippets of the
main text, and optionally ``expected_encoding``/``expected_header_lied`` for ``decode_html``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from crawler.parsers import ParseError
from crawler.parsers.article import (
    DATE_SOURCES,
    FIELDS,
    clean_authors,
    decode_html,
    extract_article,
    normalise_lang,
    parse_date,
    to_utc,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "article"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "meta.json").exists())
UTC_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def load_case(case: str) -> tuple[bytes, dict[str, Any]]:
    folder = FIXTURES / case
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    page = folder / "page.bin"
    if not page.exists():
        page = folder / "page.html"
    return page.read_bytes(), meta


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str) -> None:
    body, meta = load_case(case)
    html, encoding, lied = decode_html(body, meta.get("content_type"))
    if "expected_encoding" in meta:
        assert encoding == meta["expected_encoding"]
    if "expected_header_lied" in meta:
        assert lied is meta["expected_header_lied"]
    result = extract_article(html, meta["url"])
    assert set(result) == set(FIELDS)
    for key, want in meta["expected"].items():
        assert result[key] == want, f"{case}: {key}"
    text = result["text"] or ""
    assert text, f"{case}: no text"
    for snippet in meta["must_contain"]:
        assert snippet in text, f"{case}: missing {snippet!r}"
    for snippet in meta["must_not_contain"]:
        assert snippet not in text, f"{case}: boilerplate {snippet!r} leaked"
    for key in ("published_at", "modified_at"):
        assert result[key] is None or UTC_RE.match(result[key])
    assert (result["published_at"] is None) == (result["published_local"] is None) == (result["date_source"] is None)
    assert result["date_source"] in (None, *DATE_SOURCES)
    assert "\n\n\n" not in text and "  " not in text
    assert result["method"] in {"trafilatura", "jsonld", "paragraphs"}


# --- decode_html ---------------------------------------------------------------------------

ZH = "<html><head><title>小红书</title></head><body><p>美国网友涌入小红书，“TikTok难民”一词迅速走红。</p></body></html>"


def test_decode_gbk_bytes_behind_utf8_header() -> None:
    text, encoding, lied = decode_html(ZH.encode("gb18030"), "text/html; charset=UTF-8")
    assert (text, encoding, lied) == (ZH, "gb18030", True)


def test_decode_meta_gb2312_that_is_really_gb18030() -> None:
    # 𠮷 and € are outside GB2312/GBK: only a gb18030 decoder reads them
    page = '<html><head><meta charset="gb2312"></head><body><p>小红书 𠮷 € 对账</p></body></html>'
    text, encoding, lied = decode_html(page.encode("gb18030"), "text/html")
    assert (text, encoding, lied) == (page, "gb18030", False)


def test_decode_no_charset_anywhere_falls_back_to_gb18030() -> None:
    text, encoding, lied = decode_html(ZH.encode("gb18030"), None)
    assert (text, encoding, lied) == (ZH, "gb18030", False)


def test_decode_no_charset_utf8() -> None:
    assert decode_html(ZH.encode("utf-8"), "text/html") == (ZH, "utf-8", False)


def test_decode_bom_wins_over_header() -> None:
    assert decode_html(b"\xef\xbb\xbf" + ZH.encode(), "text/html; charset=gbk") == (ZH, "utf-8", True)


def test_decode_honest_gbk_header() -> None:
    assert decode_html(ZH.encode("gbk"), "text/html; charset=GBK") == (ZH, "gb18030", False)


def test_decode_latin1_header_on_utf8_body_is_not_mojibake() -> None:
    page = "<p>Café owners in São Paulo — and RedNote</p>"
    assert decode_html(page.encode(), "text/html; charset=iso-8859-1") == (page, "utf-8", True)


def test_decode_real_latin1() -> None:
    page = "<p>Café</p>"
    text, encoding, lied = decode_html(page.encode("latin-1"), "text/html; charset=iso-8859-1")
    assert text == page and encoding == "cp1252" and lied is False


def test_decode_empty() -> None:
    assert decode_html(b"", None) == ("", "utf-8", False)


# --- errors and ugly pages -----------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "   \n", "just some words, no markup at all"])
def test_not_html_raises_parse_error(bad: str) -> None:
    with pytest.raises(ParseError):
        extract_article(bad, "https://example.com/a")


def test_empty_page_gives_nones_not_now() -> None:
    result = extract_article("<html><body><div></div></body></html>", "https://example.com/x")
    assert result["published_at"] is None and result["modified_at"] is None
    assert result["title"] is None and result["text"] is None and result["authors"] == []
    assert result["canonical_url"] is None
    assert result["outlet"] == "example.com"


def test_garbage_jsonld_is_ignored() -> None:
    page = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        "<title>A headline that stands alone</title></head><body><p>"
        + "RedNote welcomed new users from the United States this week. " * 5
        + "</p></body></html>"
    )
    result = extract_article(page, "https://example.com/x")
    assert result["title"] == "A headline that stands alone"
    assert "RedNote welcomed" in result["text"]


# --- dates, authors, languages -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "zone_hours", "want"),
    [
        ("2025-01-14T10:30:00+08:00", None, "2025-01-14T02:30:00Z"),
        ("2025-01-14T10:30:00+0800", None, "2025-01-14T02:30:00Z"),
        ("2025-01-19T03:30:00Z", None, "2025-01-19T03:30:00Z"),
        ("20250926T061500Z", None, "2025-09-26T06:15:00Z"),
        ("2025年1月14日 10:30", 8, "2025-01-14T02:30:00Z"),
        ("2025年01月14日10:30", 8, "2025-01-14T02:30:00Z"),
        ("2025-01-14 10:30", 8, "2025-01-14T02:30:00Z"),
        ("2025-01-14 10:30", None, "2025-01-14T10:30:00Z"),
        ("2025年1月14日", 8, "2025-01-14T00:00:00Z"),
        ("Sat, 18 Jan 2025 22:45:00 -0500", None, "2025-01-19T03:45:00Z"),
        ("January 18, 2025 10:45 PM EST", None, "2025-01-19T03:45:00Z"),
        ("Updated 18 Jan 2025 22:45 GMT", None, "2025-01-18T22:45:00Z"),
    ],
)
def test_parse_date(raw: str, zone_hours: int | None, want: str) -> None:
    from datetime import timedelta, timezone

    zone = timezone(timedelta(hours=zone_hours)) if zone_hours is not None else None
    parsed = parse_date(raw, zone)
    assert parsed is not None
    assert to_utc(*parsed) == want


@pytest.mark.parametrize("raw", ["", "yesterday-ish", "2025-13-45", "0000-00-00", "Copyright"])
def test_parse_date_rejects(raw: str) -> None:
    assert parse_date(raw) is None


def test_naive_time_takes_zone_stated_elsewhere() -> None:
    page = (
        '<html lang="en"><head><meta property="article:published_time" content="2025-01-18 22:00">'
        '<meta property="article:modified_time" content="2025-01-18T23:30:00-05:00"></head>'
        "<body><p>" + "TikTok went dark for users in the United States on Saturday night. " * 4 + "</p></body></html>"
    )
    result = extract_article(page, "https://example.com/dark")
    assert result["published_at"] == "2025-01-19T03:00:00Z"
    assert result["modified_at"] == "2025-01-19T04:30:00Z"


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        (["By Jane Roe and John Poe"], ["Jane Roe", "John Poe"]),
        (["Jane Roe, Staff Writer", "jane roe"], ["Jane Roe"]),
        (["by Ana Li & Bo Chen, Reuters Staff"], ["Ana Li", "Bo Chen"]),
        (["记者 张伟 李娜"], ["张伟", "李娜"]),
        (["作者：王芳、刘洋"], ["王芳", "刘洋"]),
        (["https://example.com/people/jane"], []),
    ],
)
def test_clean_authors(raw: list[str], want: list[str]) -> None:
    assert clean_authors(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [("zh-CN", "zh"), ("zh-Hans", "zh"), ("zh_TW", "zh"), ("en-US", "en"), ("EN", "en"), ("", None), ("x", None)],
)
def test_normalise_lang(raw: str, want: str | None) -> None:
    assert normalise_lang(raw) == want


def test_undeclared_language_is_detected() -> None:
    zh = "<html><body><p>" + "大量美国网友下载小红书，中国网友热情欢迎新朋友。" * 4 + "</p></body></html>"
    en = (
        "<html><body><p>"
        + "Many American users downloaded RedNote and were welcomed warmly. " * 4
        + "</p></body></html>"
    )
    assert extract_article(zh, "https://example.com/zh")["lang"] == "zh"
    assert extract_article(en, "https://example.com/en")["lang"] == "en"


def test_short_chinese_paragraphs_survive() -> None:
    paragraphs = ["小红书登顶美区榜单。", "网友晒猫交“猫税”。", "中美网友开始对账。", "翻译功能随后上线。"]
    page = (
        '<html lang="zh-CN"><head><title>短讯</title></head><body><div class="nav"><a href="/">首页</a></div>'
        '<div class="content">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></body></html>"
    )
    text = extract_article(page, "https://example.cn/a")["text"] or ""
    for paragraph in paragraphs:
        assert paragraph in text


# --- page-local dates and their source ------------------------------------------------------


def _page(head: str = "", body: str = "", lang: str = "en") -> str:
    text = "RedNote welcomed a wave of new users from the United States during the week of the ban. " * 4
    return f'<html lang="{lang}"><head>{head}</head><body>{body}<p>{text}</p></body></html>'


def test_published_local_keeps_the_page_day() -> None:
    page = _page('<meta property="article:published_time" content="2025-01-15T00:30:00+02:00">')
    result = extract_article(page, "https://example.com/a")
    assert result["published_at"] == "2025-01-14T22:30:00Z"  # the UTC instant is the day before
    assert result["published_local"] == "2025-01-15T00:30:00+02:00"
    assert result["date_source"] == "meta"


def test_jsonld_date_only_is_a_bare_day() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-01-15"}</script>'
    result = extract_article(_page(head), "https://example.com/a")
    assert (result["published_at"], result["published_local"], result["date_source"]) == (
        "2025-01-15T00:00:00Z",
        "2025-01-15",
        "jsonld",
    )


def test_chinese_dateline_outside_any_class_is_china_time() -> None:
    page = _page(body="<table><tr><td>2025年1月14日 10:30 来源：本站</td></tr></table>", lang="zh-CN")
    result = extract_article(page, "https://example.cn/a")
    assert result["published_local"] == "2025-01-14T10:30:00+08:00"
    assert result["published_at"] == "2025-01-14T02:30:00Z"
    assert result["date_source"] == "text"


def test_german_dateline_via_dateparser() -> None:
    page = _page(body='<div class="article-date">Veröffentlicht am 15. Januar 2025</div>', lang="de")
    result = extract_article(page, "https://example.de/a")
    assert (result["published_local"], result["date_source"]) == ("2025-01-15", "text")


def test_dotted_european_date() -> None:
    page = _page(body='<span class="date">15.01.2025</span>', lang="de")
    assert extract_article(page, "https://example.de/a")["published_local"] == "2025-01-15"


def test_relative_date_is_not_the_crawl_time() -> None:
    page = _page(body='<span class="date">vor 3 Stunden</span><span class="time">3小时前</span>', lang="de")
    result = extract_article(page, "https://example.de/guide")
    assert result["published_at"] is None and result["published_local"] is None and result["date_source"] is None


def test_date_from_url_path() -> None:
    result = extract_article(_page(), "https://example.com/news/2025/01/15/rednote-story")
    assert (result["published_local"], result["date_source"]) == ("2025-01-15", "url")


def test_copyright_year_is_not_a_date() -> None:
    result = extract_article(_page(body="<footer>© 2019 Example Media</footer>"), "https://example.com/guide")
    assert result["published_at"] is None


# --- authors and titles ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "want"),
    [
        ('<div class="story-author-box"><a href="/p/jane">Jane Roe</a></div>', ["Jane Roe"]),
        ("<p><b>Von Anna Schmidt und Max Weber</b></p>", ["Anna Schmidt", "Max Weber"]),
        ('<div class="c-byline">By Dan Goodin - Apr 16, 2015 8:02 pm UTC</div>', ["Dan Goodin"]),
        ("<table><tr><td>作者：王芳</td></tr></table>", ["王芳"]),
        ("<p>本报记者 张伟 李娜</p>", ["张伟", "李娜"]),
        ("<p>编辑：刘洋</p>", ["刘洋"]),
        ('<div class="comments"><span class="comment-author">troll99 fan</span></div>', []),
        ('<div class="author">Follow @someone</div>', []),
    ],
)
def test_page_bylines(body: str, want: list[str]) -> None:
    assert extract_article(_page(body=body), "https://example.com/a")["authors"] == want


def test_writer_beats_editor_in_chinese_bylines() -> None:
    body = "<p>编辑：刘洋</p><p>记者 赵一鸣</p>"
    assert extract_article(_page(body=body), "https://example.cn/a")["authors"] == ["赵一鸣"]


def test_visible_h1_beats_rewritten_og_title() -> None:
    head = (
        "<title>Supreme Court upholds TikTok law - Harbor Courier</title>"
        '<meta property="og:title" content="You will not believe what the court just did to TikTok">'
    )
    page = _page(head, "<h1>Supreme Court upholds TikTok law</h1>")
    assert extract_article(page, "https://example.com/a")["title"] == "Supreme Court upholds TikTok law"


def test_og_title_kept_when_the_title_element_agrees() -> None:
    head = (
        "<title>Apple’s Vision Pro hands-on: the Retina moment - The Verge</title>"
        '<meta property="og:title" content="Apple’s Vision Pro hands-on: the Retina moment">'
    )
    page = _page(head, "<h1>Apple’s Vision Pro is the Retina moment</h1>")
    assert extract_article(page, "https://example.com/a")["title"] == "Apple’s Vision Pro hands-on: the Retina moment"


def test_hidden_h1_is_ignored() -> None:
    head = "<title>TikTok returns to US app stores - Example</title>"
    page = _page(head, '<h1 style="display:none">TikTok returns to US app stores today</h1>')
    assert extract_article(page, "https://example.com/a")["title"] == "TikTok returns to US app stores"


# --- main text rules -----------------------------------------------------------------------------


def test_body_class_tokens_never_remove_the_page() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i}: American users kept posting cat photos on RedNote as the TikTok deadline neared.</p>"
        for i in range(6)
    )
    page = (
        '<html><body class="has-cookie-banner subscribe-modal related-open comments-on">'
        f'<div class="article-body">{paragraphs}</div>'
        '<div class="newsletter-signup"><p>Sign up for our newsletter to get the daily briefing in your inbox now.</p></div>'
        "</body></html>"
    )
    result = extract_article(page, "https://example.com/a")
    assert result["method"] == "trafilatura"
    assert "Paragraph 0" in result["text"] and "Paragraph 5" in result["text"]
    assert "newsletter" not in result["text"]


def test_jsonld_body_only_when_primary_fails_and_overlaps(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.parsers.article import text as text_module
    from crawler.parsers.article.metadata import parse_tree

    short = "TikTok users moved to RedNote in January, posting cat photos and Mandarin lessons."
    longer = short + " " + "Chinese users welcomed them with memes, recipes and jokes about the cat tax. " * 8
    unrelated = "A completely different story about football transfers and league tables. " * 10
    tree = parse_tree(f"<html><body><p>{short}</p></body></html>")
    monkeypatch.setattr(text_module, "trafilatura_text", lambda tree, url: short)
    assert text_module.primary_failed(short, None)  # too short
    assert text_module.pick_text(tree, {"articleBody": longer}, "https://e.com/a") == (longer.strip(), "jsonld")
    assert text_module.pick_text(tree, {"articleBody": unrelated}, "https://e.com/a") == (short, "trafilatura")
    paywalled = {"articleBody": longer, "isAccessibleForFree": False}
    assert text_module.pick_text(tree, paywalled, "https://e.com/a")[1] != "jsonld"
    long_enough = short * 6
    assert not text_module.primary_failed(long_enough, None)
    monkeypatch.setattr(text_module, "trafilatura_text", lambda tree, url: long_enough)
    assert text_module.pick_text(tree, {"articleBody": long_enough + " more"}, "https://e.com/a")[1] == "trafilatura"
