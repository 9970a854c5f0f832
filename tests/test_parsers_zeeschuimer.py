"""Zeeschuimer NDJSON exports (RedNote, TikTok, Douyin) -> Post items, one per line."""

import json
from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.zeeschuimer import epoch_to_iso, parse_count, parse_line, parse_ndjson

FIXTURES = Path(__file__).parent / "fixtures" / "zeeschuimer"
MIXED = FIXTURES / "zeeschuimer-export-mixed-2025-01-14T120900.ndjson"
DEMO = Path(__file__).parents[1] / "datasets" / "demo" / "zeeschuimer"

N_SEARCH = "678597ee000000001d03a7f2"
N_FEED = "6785b8680000000009014c3e"
N_VIDEO = "6785d609000000001203b1d8"
N_EMBED = "678606df000000000b02e6a1"
N_UNDEF = "67861a2f00000000190127c4"
N_HTML = "6783dda0000000001e00d952"
N_TRAVEL = "678638400000000017035b0e"
C_NOTE = "6785cc280000000005018d2f"
T_API = "7459482711752391757"
T_EMBED = "7459616869165444412"
T_BREAD = "7458653521206002773"
T_COMMENT = "7459634102326045185"
D_SNAKE = "7459747449814212207"
D_CAMEL = "7459960135870460740"


@pytest.fixture(scope="module")
def page():
    return parse_ndjson(MIXED.read_text(encoding="utf-8"), MIXED.name)


def by_id(page, platform_id, index=0):
    return [p for p in page.items if p.platform_id == platform_id][index]


def test_every_good_line_is_one_observation_in_file_order(page):
    assert [(p.platform, p.platform_id, p.kind) for p in page.items] == [
        ("xiaohongshu", N_SEARCH, "note"),
        ("xiaohongshu", N_FEED, "note"),
        ("xiaohongshu", C_NOTE, "comment"),
        ("xiaohongshu", N_VIDEO, "note"),
        ("xiaohongshu", N_EMBED, "note"),
        ("xiaohongshu", N_UNDEF, "note"),
        ("xiaohongshu", N_HTML, "note"),
        ("xiaohongshu", N_TRAVEL, "note"),
        ("tiktok", T_API, "video"),
        ("tiktok", T_COMMENT, "comment"),
        ("tiktok", T_EMBED, "video"),
        ("tiktok", T_BREAD, "video"),
        ("douyin", D_SNAKE, "video"),
        ("douyin", D_CAMEL, "video"),
        ("xiaohongshu", N_FEED, "note"),  # the same item captured again later
    ]
    assert {p.source_query for p in page.items} == {MIXED.name}


def test_bad_lines_are_skipped_with_their_line_numbers(page):
    assert page.skipped == [
        "line 10: xiaohongshu item without note content (tile stub?)",
        "line 15: malformed JSON: Unterminated string starting at (column 168)",
        "line 18: missing data",
        "line 20: instagram item without a shortcode (not a post)",  # instagram.com is read since #17
    ]


def test_raw_is_the_whole_record(page):
    post = by_id(page, N_SEARCH)
    assert post.raw["item_id"] == N_SEARCH
    assert post.raw["nav_index"] == "1:1:0"
    assert post.raw["timestamp_collected"] == 1736856005000
    assert post.raw["source_platform"] == "xiaohongshu.com"
    assert post.raw["data"]["xsec_token"] == "ABsyntheticToken1xRk2v9QpL0aa="


def test_rednote_search_card_without_time(page):
    post = by_id(page, N_SEARCH)
    assert post.url == f"https://www.xiaohongshu.com/explore/{N_SEARCH}"  # no xsec_token
    assert post.title == "hi from a tiktok refugee 👋 cat tax included"
    assert post.text is None
    assert post.created_at is None  # never the capture time
    assert post.created_at_raw is None
    assert post.author == post.author_name == "maple & biscuit"
    assert post.author_id == "5e8f2c1a000000000100a3b7"
    assert post.like_count == 97000  # "9.7万"
    assert (post.collect_count, post.reply_count, post.share_count) == (None, None, None)


def test_rednote_feed_item_full(page):
    post = by_id(page, N_FEED)
    assert post.title == "致刚来的美国朋友们：小红书生存指南"
    assert post.text == (
        "欢迎各位TikTok难民来小红书做客🎉 这里规矩不多：发猫要交猫税，提问记得带图。"
        "有不懂的中文随时问，我们也想顺便练练英语～\n#TikTokRefugee #猫税 #小红书新用户"
    )
    assert post.hashtags == ["TikTokRefugee", "猫税", "小红书新用户"]  # markers and tag_list, once each
    assert post.created_at == "2025-01-14T01:05:44Z"
    assert post.created_at_raw == "1736816744000"
    assert post.edited_at == "2025-01-14T01:20:02Z"
    assert post.author == "川妹子阿蓉"
    assert post.author_id == "60b4d93e0000000001004e12"
    assert (post.like_count, post.collect_count, post.reply_count, post.share_count) == (11000, 2087, 3342, 419)


def test_same_item_twice_gives_two_observations_with_their_own_counts(page):
    first, second = by_id(page, N_FEED, 0), by_id(page, N_FEED, 1)
    assert (first.like_count, second.like_count) == (11000, 13000)
    assert (first.reply_count, second.reply_count) == (3342, 3710)
    assert first.raw["timestamp_collected"] < second.raw["timestamp_collected"]
    assert first.created_at == second.created_at == "2025-01-14T01:05:44Z"


def test_rednote_flat_video_item(page):
    post = by_id(page, N_VIDEO)
    assert post.title == "Day 2 on RedNote: learning 你好 and 谢谢 with my grandma"
    assert post.author == "okie_dokie_delia"  # only nick_name on this user
    assert post.author_id == "63f0a7c20000000026012f89"
    assert post.like_count == 12000
    assert post.created_at is None
    assert post.url == f"https://www.xiaohongshu.com/explore/{N_VIDEO}"


def test_rednote_embedded_page_item(page):
    post = by_id(page, N_EMBED)
    assert post.title == "对账：纽约一居室 vs 成都两居室"
    assert post.text.startswith("美国朋友说他在纽约一个月房租2800刀")
    assert "#对账 #TikTokRefugee welcome" in post.text
    assert post.hashtags == ["对账", "TikTokRefugee"]
    assert post.created_at == "2025-01-14T06:40:31Z"
    assert post.edited_at == "2025-01-14T07:02:13Z"
    assert (post.like_count, post.collect_count, post.reply_count, post.share_count) == (34000, 10000, 5621, 892)
    assert post.raw["data"]["note"]["ipLocation"] == "四川"


def test_item_id_undefined_falls_back_to_the_note_id(page):
    post = by_id(page, N_UNDEF)
    assert post.raw["item_id"] == "undefined"
    assert post.url == f"https://www.xiaohongshu.com/explore/{N_UNDEF}"
    assert post.author == "Ms. Rivera teaches"  # nickName spelling
    # a marker tag, then a plain "#tag" in English text
    assert post.hashtags == ["EnglishLesson", "学英语", "TikTokRefugee"]
    assert post.like_count == 21000


def test_rednote_html_card(page):
    post = by_id(page, N_HTML)
    assert post.url == f"https://www.xiaohongshu.com/explore/{N_HTML}"
    assert post.title == "is it just me or is RedNote way nicer than the TikTok comment section"
    assert post.author == post.author_name == "Lemon-lime Lou"
    assert post.author_id is None
    assert post.like_count == 23000
    assert post.created_at is None
    assert post.text is None


def test_rednote_comment(page):
    post = by_id(page, C_NOTE)
    assert post.kind == "comment"
    assert post.text == "thank you for the warm welcome!! here is my cat tax 🐱 [笑哭R] 他叫 Mochi"
    assert post.created_at == "2025-01-14T02:30:00Z"
    assert post.like_count == 56
    assert post.reply_count == 3
    assert post.reply_to == post.thread_root == N_FEED
    assert post.url == f"https://www.xiaohongshu.com/explore/{N_FEED}"
    assert post.author == "mochi's mom"
    assert post.author_id == "5c77f1d9000000001203aa41"


def test_tiktok_api_item(page):
    post = by_id(page, T_API)
    assert post.url == f"https://www.tiktok.com/@bayou.birdie/video/{T_API}"
    assert post.created_at == "2025-01-13T19:22:41Z"  # createTime is in seconds
    assert post.created_at_raw == "1736796161"
    assert post.author == "bayou.birdie"
    assert post.author_name == "Birdie from the Bayou"
    assert post.author_id == "6812345678901234567"
    assert post.author_followers == 48210
    assert post.hashtags == ["tiktokrefugee", "rednote", "xiaohongshu"]
    assert post.lang == "en"
    assert (post.like_count, post.reply_count, post.share_count, post.collect_count, post.view_count) == (
        183400,
        6120,
        9211,
        15022,
        2400000,
    )


def test_tiktok_embedded_item_with_string_author_and_string_counts(page):
    post = by_id(page, T_EMBED)
    assert post.author == "ledger.lena"
    assert post.author_name == "Lena | budgets & bills"
    assert post.author_id == "7023456789012345678"
    assert post.author_followers == 9105
    assert post.url == f"https://www.tiktok.com/@ledger.lena/video/{T_EMBED}"
    assert post.created_at == "2025-01-14T04:03:17Z"
    assert "\u2028" in post.text  # a raw U+2028 inside a JSON string does not split the line
    assert post.hashtags == ["TikTokRefugee", "对账"]  # textExtra and challenges, once each
    assert post.mentions == ["bayou.birdie"]
    assert (post.like_count, post.view_count) == (27100, 512000)


def test_tiktok_comment(page):
    post = by_id(page, T_COMMENT)
    assert post.platform == "tiktok"
    assert post.kind == "comment"
    assert post.text == "already made my xiaohongshu account, the cats there are elite"
    assert post.created_at == "2025-01-14T05:10:09Z"
    assert post.author == "catlady.in.ohio"
    assert post.like_count == 2210
    assert post.reply_count == 14
    assert post.reply_to == post.thread_root == T_API
    assert post.url == f"https://www.tiktok.com/@bayou.birdie/video/{T_API}"


def test_douyin_snake_case(page):
    post = by_id(page, D_SNAKE)
    assert post.url == f"https://www.douyin.com/video/{D_SNAKE}"
    assert post.created_at == "2025-01-14T12:30:00Z"
    assert post.author_name == "科技观察老吴"
    assert post.author_id == "98765432101"
    assert post.author == "3322114455"  # empty unique_id: the short id is the 抖音号
    assert post.author_followers == 356000
    assert post.hashtags == ["TikTok难民", "小红书", "中美网友对账"]
    assert (post.like_count, post.reply_count, post.share_count, post.collect_count) == (52311, 4120, 8803, 6127)
    assert post.view_count is None  # the web API hides plays as 0


def test_douyin_camel_case(page):
    post = by_id(page, D_CAMEL)
    assert post.url == f"https://www.douyin.com/video/{D_CAMEL}"
    assert post.created_at == "2025-01-15T02:15:20Z"
    assert post.author_name == "日常碎碎念的阿凯"
    assert post.author_id == "55443322110"
    assert post.author is None
    assert post.hashtags == ["TikTok难民", "对账"]
    assert (post.like_count, post.reply_count, post.share_count, post.collect_count) == (8840, 615, 1290, 977)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9.7万", 97000),
        ("1.2亿", 120000000),
        ("1万+", 10000),
        ("10万+", 100000),
        ("10w+", 100000),
        ("3.4k", 3400),
        ("1,024", 1024),
        (" 56 ", 56),
        ("0", 0),
        ("赞", 0),
        ("收藏", 0),
        (12, 12),
        (7.0, 7),
        ("", None),
        (None, None),
        ("$undefined", None),
        ("很多", None),
        (True, None),
        ({"n": 1}, None),
    ],
)
def test_parse_count(value, expected):
    assert parse_count(value) == expected


def test_epoch_to_iso_units():
    assert epoch_to_iso(1736816744000, "ms") == "2025-01-14T01:05:44Z"
    assert epoch_to_iso("1736816744000", "ms") == "2025-01-14T01:05:44Z"
    assert epoch_to_iso(1736816744, "s") == "2025-01-14T01:05:44Z"
    assert epoch_to_iso(1736816744, "ms") == "2025-01-14T01:05:44Z"  # 10 digits are seconds
    assert epoch_to_iso(1736816744000, "s") == "2025-01-14T01:05:44Z"  # 13 digits are ms
    assert epoch_to_iso(0, "s") is None
    assert epoch_to_iso("3天前", "ms") is None


def record(**overrides):
    base = {
        "id": 1,
        "nav_index": "1:1:0",
        "item_id": "7459482711752391757",
        "timestamp_collected": 1736856000000,
        "last_updated": 1736856000000,
        "source_platform": "tiktok.com",
        "source_platform_url": "https://www.tiktok.com/foryou",
        "source_url": "https://www.tiktok.com/api/recommend/item_list/",
        "user_agent": "test",
        "data": {"id": "7459482711752391757", "desc": "hi", "createTime": 1736796161, "author": {"uniqueId": "a"}},
    }
    base.update(overrides)
    return json.dumps(base)


def test_parse_line_errors():
    with pytest.raises(ParseError, match="malformed JSON"):
        parse_line('{"id": 1, "data": {', 1)
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_line("[" * 100_000 + "]" * 100_000, 1)
    with pytest.raises(ParseError, match="not a JSON object"):
        parse_line("[1, 2]", 1)
    with pytest.raises(ParseError, match="missing data"):
        parse_line(record(data=None), 1)
    with pytest.raises(ParseError, match="data is not an object"):
        parse_line(record(data="oops"), 1)
    with pytest.raises(ParseError, match="missing item_id"):
        parse_line(record(item_id=""), 1)
    with pytest.raises(ParseError, match="unknown source_platform"):
        parse_line(record(source_platform="myspace.com"), 1)
    with pytest.raises(ParseError, match="missing source_platform"):
        parse_line(record(source_platform=None), 1)


def test_parse_line_platform_names_and_comment_variants():
    assert parse_line(record(source_platform="www.tiktok.com"), 1).platform == "tiktok"
    comment = {
        "cid": "7459634102326045185",
        "aweme_id": "7459482711752391757",
        "text": "hey",
        "create_time": 1736831409,
    }
    post = parse_line(record(source_platform="douyin-comments", item_id="7459634102326045185", data=comment), 1)
    assert (post.platform, post.kind, post.url) == (
        "douyin",
        "comment",
        "https://www.douyin.com/video/7459482711752391757",
    )


def test_unexpected_shapes_become_parse_errors_not_crashes():
    text = "\n".join(
        [
            record(data={"id": "1", "author": {"uniqueId": "a"}, "stats": "broken", "textExtra": "x"}),
            record(source_platform="xiaohongshu.com", item_id="x", data={"note": {"user": "nobody"}}),
            "\x00" + record(),
        ]
    )
    page = parse_ndjson(text, "t.ndjson")
    assert len(page.items) == 3  # tolerant: odd field types are ignored, NUL bytes stripped
    assert page.skipped == []
    assert page.items[1].platform_id == "x"


def test_empty_and_blank_input():
    page = parse_ndjson("\n\n  \r\n", "empty.ndjson")
    assert page.items == [] and page.skipped == []


@pytest.mark.parametrize(
    ("name", "platforms", "count"),
    [
        ("zeeschuimer-export-xiaohongshu-2025-01-14T120000.ndjson", {"xiaohongshu"}, 8),
        ("zeeschuimer-export-xiaohongshu-comments-2025-01-14T120100.ndjson", {"xiaohongshu"}, 1),
        ("zeeschuimer-export-tiktok-2025-01-14T120500.ndjson", {"tiktok"}, 4),
        ("zeeschuimer-export-douyin-2025-01-14T120700.ndjson", {"douyin"}, 2),
    ],
)
def test_demo_exports_parse_cleanly(name, platforms, count):
    page = parse_ndjson((DEMO / name).read_text(encoding="utf-8"), name)
    assert page.skipped == []
    assert len(page.items) == count
    assert {p.platform for p in page.items} == platforms


def test_times_are_utc_whatever_the_local_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert epoch_to_iso(1736816744000, "ms") == "2025-01-14T01:05:44Z"
        assert parse_line(MIXED.read_text(encoding="utf-8").split("\n")[1], 2).created_at == "2025-01-14T01:05:44Z"
    finally:
        monkeypatch.undo()
        time.tzset()


# --- the spider: `scrapy crawl zeeschuimer -a path=...` as a subprocess ---------------------------


def test_export_files_accepts_files_and_folders(tmp_path):
    from crawler.spiders.zeeschuimer import export_files

    (tmp_path / "b.ndjson").write_text("")
    (tmp_path / "a.ndjson").write_text("")
    (tmp_path / "notes.txt").write_text("")
    files, missing = export_files([str(tmp_path), str(MIXED), str(tmp_path / "gone.ndjson")])
    assert [f.name for f in files] == ["a.ndjson", "b.ndjson", MIXED.name]
    assert missing == [str(tmp_path / "gone.ndjson")]


def test_spider_reads_every_line_and_counts_the_bad_ones(tmp_path):
    from tests.conftest import crawl, rows, run_stats

    db = tmp_path / "observatory.db"
    proc = crawl("zeeschuimer", db, {"path": f"{MIXED},{tmp_path / 'missing.ndjson'}"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = run_stats(db, "zeeschuimer")
    assert stats["observatory/parse_skipped/zeeschuimer"] == 4
    assert stats["observatory/zeeschuimer/observations"] == 15
    assert stats["observatory/zeeschuimer/lines"] == 19
    assert stats["observatory/errors/zeeschuimer/missing_file"] == 1
    assert "line 15: malformed JSON" in proc.stderr
    assert any("ERROR" in ln and "line 18: missing data" in ln for ln in proc.stderr.splitlines())
    stored = {r["platform_id"]: r for r in rows(db, "select platform, platform_id, kind, url, created_at from posts")}
    assert stored[N_EMBED]["url"] == f"https://www.xiaohongshu.com/explore/{N_EMBED}"
    assert stored[N_EMBED]["created_at"] == "2025-01-14T06:40:31Z"
    assert stored[D_CAMEL]["platform"] == "douyin"
    assert stored[T_API]["kind"] == "video"
    assert N_TRAVEL not in stored and T_BREAD not in stored  # off-topic: dropped by relevance


# -- issue #13: '#@user' is a mention, one tag folding rule -------------------------------------


def tiktok_line(desc, extras):
    return json.dumps(
        {
            "item_id": "7",
            "source_platform": "tiktok.com",
            "timestamp_collected": 1736856310000,
            "data": {
                "id": "7",
                "desc": desc,
                "createTime": 1736796161,
                "author": {"uniqueId": "u"},
                "textExtra": extras,
            },
        }
    )


def test_hash_at_user_is_no_hashtag_and_turkish_tags_fold_to_one():
    post = parse_line(
        tiktok_line(
            "hi #@maple and #SONDAKİKA #sondakika",
            [
                {"hashtagName": "@maple"},
                {"hashtagName": "SONDAKİKA"},
                {"hashtagName": "sondakika"},
                {"userUniqueId": "maple"},
            ],
        ),
        1,
    )
    assert post.hashtags == ["SONDAKİKA"]  # was ["@maple", "SONDAKİKA", "sondakika"]
    assert post.mentions == ["maple"]
    from crawler.textnorm import extract_hashtags

    assert extract_hashtags(post.text) == ["SONDAKİKA"]  # what normalise adds from the text: not "@maple"


def test_epoch_to_iso_is_the_one_epoch_rule():
    from crawler.textnorm import epoch_to_utc_iso

    for value in (1736856310000, 1736856310, "1736856310000", 0, -5, 1e400, 10**30, "x", True, None):
        assert epoch_to_iso(value, "ms") == epoch_to_utc_iso(value, "ms")
    assert epoch_to_iso(10**30) is None and epoch_to_iso(float("nan")) is None
