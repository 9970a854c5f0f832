"""URL-list parser (plain text and CSV) over fixtures in tests/fixtures/urls/."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.urllist import UrlEntry, parse_url_list

FIXTURES = Path(__file__).parent / "fixtures" / "urls"
NEWS = "https://www.example-news.test"


def load(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_plain_text_list():
    page = parse_url_list(load("list.txt"), "list.txt")
    assert page.extra["format"] == "text"
    assert [(e.url, e.line) for e in page.items] == [
        (f"{NEWS}/2025/01/14/rednote-surge?utm_source=newsletter", 3),  # canonicalised later, by the spider
        ("https://www.example-zh.test/a/2025-01-15/doc-123.shtml", 4),  # surrounding spaces
        (f"{NEWS}/2025/01/17/court#comments", 5),  # a fragment is not a comment
        (f"{NEWS}/2025/01/18/late", 6),  # trailing "# comment"
    ]
    assert page.skipped == [
        "list.txt line 7: not an http(s) URL: 'not a url'",
        "list.txt line 8: not an http(s) URL: 'ftp://files.example.test/report.pdf'",
        "list.txt line 9: no host or spaces in URL: 'http:///no-host'",
        "list.txt line 10: not an http(s) URL: 'www.example-news.test/missing-scheme'",
    ]


def test_csv_with_bom_comment_any_case_columns():
    page = parse_url_list(load("list.csv"), "list.csv")
    assert page.extra["format"] == "csv"
    assert page.items == [
        UrlEntry(
            url=f"{NEWS}/2025/01/14/rednote-surge",
            line=3,
            title="Users flock to RedNote, again",
            published_at="2025-01-14T08:30:00Z",
            published_at_raw="2025-01-14T08:30:00Z",
        ),
        UrlEntry(
            url="https://www.example-zh.test/a/2025-01-15/doc-123.shtml",
            line=4,
            title="美国网友涌入小红书",
            published_at="2025-01-15T00:00:00Z",
            published_at_raw="2025-01-15",
        ),
        UrlEntry(url=f"{NEWS}/2025/01/16/no-date", line=7, title="No date"),
    ]
    assert page.skipped == ["list.csv line 5: not an http(s) URL: 'mailto:tips@example-news.test'"]


def test_semicolon_csv_and_rfc2822_date():
    (entry,) = parse_url_list(load("semicolon.csv"), "s.csv").items
    assert entry.title == "Semicolons" and entry.published_at == "2025-01-15T08:00:00Z"


def test_empty_and_comment_only_lists():
    assert parse_url_list("", "empty").items == []
    page = parse_url_list("# nothing yet\n\n   \n", "c.txt")
    assert page.items == [] and page.skipped == []


def test_csv_without_url_column_is_an_error():
    with pytest.raises(ParseError, match="without a 'url' column"):
        parse_url_list("link,title\nhttps://a.test/x,A\n", "nourl.csv")


def test_commas_inside_a_plain_url_are_kept():
    (entry,) = parse_url_list("https://a.test/x,y?q=1,2\n", "commas.txt").items
    assert entry.url == "https://a.test/x,y?q=1,2"


# -- issue #13: total parser -------------------------------------------------------------------


def test_unclosed_quote_in_the_header_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_url_list('",URL\nhttps://a.example/1\n', "list.csv")  # was KeyError: 'url'


def test_unreadable_urls_and_dates_are_skips_and_neighbours_are_kept():
    text = "http://[x/a\nhttps://a.example/ok\nhttps://a.example:99x/\nhttp://[]/\n"
    page = parse_url_list(text, "list.txt")
    assert [e.url for e in page.items] == ["https://a.example/ok"] and len(page.skipped) == 3
    csv_text = "url;date\nhttps://a.example/a;Wed, 15 Jan 99999999999999999999992025 08:00:00 GMT\nhttps://a.example/b;2025-01-15\n"
    page = parse_url_list(csv_text, "list.csv")
    assert [(e.url, e.published_at) for e in page.items] == [
        ("https://a.example/a", None),
        ("https://a.example/b", "2025-01-15T00:00:00Z"),
    ]  # was OverflowError
