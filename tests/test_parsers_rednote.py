"""RedNote note pages (window.__INITIAL_STATE__) -> Post items."""

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.rednote import (
    js_object_to_json,
    load_initial_state,
    note_id_from_url,
    parse_note_page,
)

FIXTURES = Path(__file__).parent / "fixtures" / "rednote"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "page.html").is_file())


def load(case: str) -> tuple[str, str]:
    folder = FIXTURES / case
    return (folder / "page.html").read_text(encoding="utf-8"), (folder / "url.txt").read_text().strip()


def parse(case: str):
    html, url = load(case)
    return parse_note_page(html, url)


@pytest.mark.parametrize("case", CASES)
def test_fixture_matches_expected(case):
    expected = json.loads((FIXTURES / case / "expected.json").read_text(encoding="utf-8"))
    page = parse(case)
    got = [{k: asdict(item)[k] for k in expected["items"][0]} for item in page.items] if expected["items"] else []
    assert got == expected["items"]
    assert page.items == [] or len(page.items) == len(expected["items"])
    assert page.skipped == expected["skipped"]


def test_every_case_has_expectations():
    assert set(CASES) == {
        "normal-note",
        "undefined-key",
        "counts-wan",
        "unrelated-note",
        "login-wall",
        "deleted-note",
        "captcha",
    }


def test_normal_note_fields():
    page = parse("normal-note")
    assert len(page.items) == 1
    post = page.items[0]
    assert post.platform == "xiaohongshu"
    assert post.kind == "note"
    assert post.platform_id == "678685cf000000001b02c5e9"
    # canonical: no xsec_token, no source parameters
    assert post.url == "https://www.xiaohongshu.com/explore/678685cf000000001b02c5e9"
    assert post.title == "Paying my cat tax as a new TikTok refugee 🐈"
    assert post.text.endswith("#TikTokRefugee #猫税 #catsofrednote")
    assert "[话题]" not in post.text
    assert post.hashtags == ["TikTokRefugee", "猫税", "catsofrednote"]
    assert post.created_at == "2025-01-14T15:42:07Z"  # UTC, not China time
    assert post.edited_at == "2025-01-14T16:05:44Z"
    assert post.author == "dana_and_pickles"
    assert post.author_name == "dana_and_pickles"
    assert post.author_id == "64a0c3f1000000001c03b7d2"
    assert (post.like_count, post.collect_count, post.reply_count, post.share_count) == (4821, 15000, 1093, 208)
    assert post.raw["ipLocation"] == "美国"
    assert post.raw["noteId"] == post.platform_id
    assert page.extra["note_id"] == post.platform_id


def test_bare_undefined_becomes_null_and_real_undefined_keys_survive():
    html, url = load("undefined-key")
    state = load_initial_state(html)
    detail_map = state["note"]["noteDetailMap"]
    assert set(detail_map) == {"undefined", "67870ce60000000012014f7a"}
    assert "null" not in detail_map
    assert state["feed"]["undefined"] == {"loaded": False}
    assert state["note"]["currentNoteId"] is None
    assert state["user"]["userPageData"] is None
    assert state["user"]["noteQueries"][0] is None
    post = parse_note_page(html, url).items[0]
    assert post.platform_id == "67870ce60000000012014f7a"  # found although "undefined" comes first
    assert "一直显示 undefined，太真实了" in post.text  # the word inside a string is untouched
    assert post.raw["video"] is None
    assert post.hashtags == ["对账", "TikTok难民", "中美生活差异"]
    assert (post.like_count, post.collect_count, post.reply_count, post.share_count) == (62000, 28000, 8733, 11000)


def test_rednote_com_host_gives_the_xiaohongshu_canonical_url():
    post = parse("undefined-key").items[0]
    assert post.url == "https://www.xiaohongshu.com/explore/67870ce60000000012014f7a"


def test_counts_with_chinese_units_and_nickname_spelling():
    post = parse("counts-wan").items[0]
    assert post.like_count == 97000
    assert post.collect_count == 12000
    assert post.reply_count == 100000  # "10万+"
    assert post.share_count == 3456
    assert post.author == post.author_name == "Teacher Mei 梅老师"  # only nickName on this user
    assert post.raw["type"] == "video"
    assert post.hashtags == ["英语学习", "中文课", "TikTokRefugee"]


@pytest.mark.parametrize(
    ("case", "reason"),
    [("login-wall", "login wall"), ("deleted-note", "note deleted or unavailable"), ("captcha", "captcha")],
)
def test_pages_without_a_note_are_skipped_with_a_reason(case, reason):
    html, url = load(case)
    page = parse_note_page(html, url)
    assert page.items == []
    assert page.skipped == [reason]


def test_not_html_raises():
    with pytest.raises(ParseError, match="not an HTML page"):
        parse_note_page('{"code": -1, "msg": "error"}', "https://www.xiaohongshu.com/explore/678685cf000000001b02c5e9")
    with pytest.raises(ParseError):
        parse_note_page("", "https://www.xiaohongshu.com/explore/678685cf000000001b02c5e9")


def test_unparseable_state_raises():
    html = '<!doctype html><html><body><script>window.__INITIAL_STATE__={"note":{"noteDetailMap":{,}}}</script></body></html>'
    with pytest.raises(ParseError, match="not parseable"):
        parse_note_page(html, "https://www.xiaohongshu.com/explore/678685cf000000001b02c5e9")
    unclosed = '<!doctype html><html><body><script>window.__INITIAL_STATE__={"note":{"a":"}"</script>'
    with pytest.raises(ParseError, match="not closed"):
        parse_note_page(unclosed, "https://www.xiaohongshu.com/explore/678685cf000000001b02c5e9")


def test_js_object_to_json():
    js = '{"a":undefined,"undefined":1,"s":"x undefined y","t":"q\\"undefined","l":[undefined,2],undefined:3,"u":undefinedX}'
    out = js_object_to_json(js)
    assert (
        out
        == '{"a":null,"undefined":1,"s":"x undefined y","t":"q\\"undefined","l":[null,2],"undefined":3,"u":undefinedX}'
    )
    assert json.loads(js_object_to_json('{"a":undefined, "b" : [ undefined ]}')) == {"a": None, "b": [None]}


def test_state_followed_by_more_script_is_cut_at_the_matching_brace():
    html = (
        '<html><body><script>window.__INITIAL_STATE__ = {"note":{"k":"} not the end {"}};'
        "window.__OTHER__=1</script></body></html>"
    )
    assert load_initial_state(html) == {"note": {"k": "} not the end {"}}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.xiaohongshu.com/explore/678685cf000000001b02c5e9", "678685cf000000001b02c5e9"),
        (
            "https://www.xiaohongshu.com/explore/678685cf000000001b02c5e9?xsec_token=AB12=&xsec_source=pc_feed",
            "678685cf000000001b02c5e9",
        ),
        ("https://www.xiaohongshu.com/discovery/item/6786c379000000000c0387d5", "6786c379000000000c0387d5"),
        ("http://xiaohongshu.com/explore/6786C379000000000C0387D5/", "6786c379000000000c0387d5"),
        ("https://www.rednote.com/explore/67870ce60000000012014f7a?xsec_token=x", "67870ce60000000012014f7a"),
        ("https://www.xiaohongshu.com/user/profile/64a0c3f1000000001c03b7d2", None),
        ("https://www.xiaohongshu.com/explore/678685cf", None),  # too short
        ("https://xhslink.com/a/AbCdEf123", None),
        ("https://evil.example/explore/678685cf000000001b02c5e9", None),
        ("not a url", None),
    ],
)
def test_note_id_from_url(url, expected):
    assert note_id_from_url(url) == expected


def test_demo_server_style_url_still_finds_the_note():
    html, _ = load("normal-note")
    page = parse_note_page(html, "http://127.0.0.1:8765/rednote/explore/678685cf000000001b02c5e9?xsec_token=AB")
    assert [p.platform_id for p in page.items] == ["678685cf000000001b02c5e9"]
    assert page.items[0].url == "https://www.xiaohongshu.com/explore/678685cf000000001b02c5e9"


# --- the spider: `scrapy crawl rednote -a urls=...` against the demo server ---------------------


def test_note_request_url_keeps_the_token_and_moves_the_host():
    from crawler.spiders.rednote import note_request_url

    url = "https://www.rednote.com/explore/67870ce60000000012014f7a?source=x&xsec_token=AB+c/d=&xsec_source=pc_feed"
    assert note_request_url("http://127.0.0.1:9/rednote/", url) == (
        "67870ce60000000012014f7a",
        "http://127.0.0.1:9/rednote/explore/67870ce60000000012014f7a?xsec_token=AB+c/d=&xsec_source=pc_feed",
    )
    assert note_request_url(
        "https://www.xiaohongshu.com", "https://www.xiaohongshu.com/discovery/item/6786c379000000000c0387d5"
    ) == (
        "6786c379000000000c0387d5",
        "https://www.xiaohongshu.com/explore/6786c379000000000c0387d5",
    )
    assert note_request_url("https://www.xiaohongshu.com", "https://www.xiaohongshu.com/user/profile/5e0a") is None


def test_read_note_urls_from_a_file_or_a_list(tmp_path):
    from crawler.spiders.rednote import read_note_urls

    listing = tmp_path / "urls.txt"
    listing.write_text("# comment\n\nhttps://www.xiaohongshu.com/explore/678685cf000000001b02c5e9\n")
    assert read_note_urls(str(listing)) == (
        ["https://www.xiaohongshu.com/explore/678685cf000000001b02c5e9"],
        str(listing),
    )
    assert read_note_urls("https://a/explore/1,https://b/explore/2") == (
        ["https://a/explore/1", "https://b/explore/2"],
        None,
    )
    assert read_note_urls(None) == ([], None)


def test_spider_fetches_demo_notes_and_counts_the_unavailable_ones(tmp_path, demo_base):
    from tests.conftest import crawl, rows, run_stats

    db = tmp_path / "observatory.db"
    urls = Path(__file__).parents[1] / "datasets" / "demo" / "rednote" / "note-urls.txt"
    proc = crawl("rednote", db, {"urls": str(urls), "base_url": f"{demo_base}/rednote"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = run_stats(db, "rednote")
    assert stats["observatory/rednote/notes"] == 4
    assert stats["observatory/parse_skipped/rednote"] == 2
    assert stats["observatory/rednote/no_note/login_wall"] == 1
    assert stats["observatory/rednote/no_note/note_deleted_or_unavailable"] == 1
    assert stats.get("robotstxt/request_count") == 1  # robots.txt asked for before any note
    stored = {r["platform_id"]: r for r in rows(db, "select platform_id, url, like_count, created_at from posts")}
    assert set(stored) == {"678685cf000000001b02c5e9", "67870ce60000000012014f7a", "6786c379000000000c0387d5"}
    assert stored["6786c379000000000c0387d5"]["like_count"] == 97000
    assert stored["678685cf000000001b02c5e9"]["url"] == "https://www.xiaohongshu.com/explore/678685cf000000001b02c5e9"
