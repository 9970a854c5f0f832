"""MediaCrawler exports (issue #17, source 4): JSON, JSONL, CSV and SQLite, RedNote, Douyin,
Weibo and Bilibili notes/videos and comments; detection for `make import`."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.parsers import ParseError
from crawler.parsers.mediacrawler import (
    TABLES,
    guess_table,
    parse_csv_export,
    parse_json_export,
    parse_jsonl_export,
    parse_records,
    parse_table_rows,
    table_of,
)

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "mediacrawler" / "data"
XHS_JSON = FIX / "xhs" / "json" / "search_contents_2025-01-14.json"
XHS_JSONL = FIX / "xhs" / "jsonl" / "search_comments_2025-01-14.jsonl"
DY_CSV = FIX / "douyin" / "csv" / "search_contents_2025-01-14.csv"
WB_JSON = FIX / "weibo" / "json" / "search_contents_2025-01-14.json"
BL_JSONL = FIX / "bilibili" / "jsonl" / "search_contents_2025-01-14.jsonl"

# MediaCrawler's SQLite tables (schema/sqlite_tables.sql), the columns this importer reads and a few it ignores
DDL = {
    "xhs_note": "id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, nickname TEXT, avatar TEXT, ip_location TEXT,"
    " add_ts INTEGER NOT NULL, last_modify_ts INTEGER NOT NULL, note_id TEXT NOT NULL, type TEXT, title TEXT, desc TEXT,"
    " video_url TEXT, time INTEGER NOT NULL, last_update_time INTEGER NOT NULL, liked_count TEXT, collected_count TEXT,"
    " comment_count TEXT, share_count TEXT, image_list TEXT, tag_list TEXT, note_url TEXT, source_keyword TEXT DEFAULT '',"
    " xsec_token TEXT",
    "douyin_aweme": "id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT, sec_uid TEXT, short_user_id TEXT, user_unique_id TEXT,"
    " nickname TEXT, avatar TEXT, user_signature TEXT, ip_location TEXT, add_ts INTEGER NOT NULL, last_modify_ts INTEGER NOT NULL,"
    " aweme_id TEXT NOT NULL, aweme_type TEXT NOT NULL, title TEXT, desc TEXT, create_time INTEGER NOT NULL, liked_count TEXT,"
    " comment_count TEXT, share_count TEXT, collected_count TEXT, aweme_url TEXT, cover_url TEXT, video_download_url TEXT,"
    " source_keyword TEXT DEFAULT ''",
    "douyin_aweme_comment": "id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT, sec_uid TEXT, short_user_id TEXT,"
    " user_unique_id TEXT, nickname TEXT, avatar TEXT, user_signature TEXT, ip_location TEXT, add_ts INTEGER NOT NULL,"
    " last_modify_ts INTEGER NOT NULL, comment_id TEXT NOT NULL, aweme_id TEXT NOT NULL, content TEXT, create_time INTEGER NOT NULL,"
    " sub_comment_count TEXT NOT NULL, parent_comment_id TEXT, like_count TEXT NOT NULL DEFAULT '0', pictures TEXT NOT NULL DEFAULT ''",
    "weibo_note_comment": "id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT, nickname TEXT, avatar TEXT, gender TEXT,"
    " profile_url TEXT, ip_location TEXT DEFAULT '', add_ts INTEGER NOT NULL, last_modify_ts INTEGER NOT NULL, comment_id TEXT NOT NULL,"
    " note_id TEXT NOT NULL, content TEXT, create_time INTEGER NOT NULL, create_date_time TEXT NOT NULL, comment_like_count TEXT NOT NULL,"
    " sub_comment_count TEXT NOT NULL, parent_comment_id TEXT",
    "bilibili_video_comment": "id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT, nickname TEXT, sex TEXT, sign TEXT, avatar TEXT,"
    " add_ts INTEGER NOT NULL, last_modify_ts INTEGER NOT NULL, comment_id TEXT NOT NULL, video_id TEXT NOT NULL, content TEXT,"
    " create_time INTEGER NOT NULL, sub_comment_count TEXT NOT NULL, parent_comment_id TEXT, like_count TEXT NOT NULL DEFAULT '0'",
    "xhs_creator": "id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, nickname TEXT, fans TEXT",  # not posts: ignored
}
TS = 1736880000000


def make_sqlite(path: Path) -> Path:
    """A MediaCrawler `sqlite_tables.db` with a few synthetic rows (counts as text, as it stores them)."""
    conn = sqlite3.connect(path)
    for table, cols in DDL.items():
        conn.execute(f"CREATE TABLE {table} ({cols})")
    notes = json.loads(XHS_JSON.read_text(encoding="utf-8"))[:2]
    for n in notes:
        n = {k: v for k, v in n.items() if k in DDL["xhs_note"]}
        n["last_modify_ts"] = n["add_ts"] = TS
        conn.execute(f"INSERT INTO xhs_note ({','.join(n)}) VALUES ({','.join('?' * len(n))})", list(n.values()))
    conn.execute(
        "INSERT INTO douyin_aweme (user_id, sec_uid, short_user_id, user_unique_id, nickname, add_ts, last_modify_ts, aweme_id,"
        " aweme_type, title, desc, create_time, liked_count, comment_count, share_count, collected_count, aweme_url, source_keyword)"
        " VALUES ('93456789012', 'MS4wLjABAAAAsyntheticSecUid03', '345678901', 'tiktok..nanmin.demo', '抖音小助手不是真的', ?, ?,"
        " '7460345678901234567', '0', 'TikTok难民来了', 'TikTok难民来了 美国网友的第一条抖音 #TikTok难民', 1736857200, '3.3万',"
        " '1,024', '2001', '99', 'https://www.douyin.com/video/7460345678901234567', 'TikTok难民')",
        [TS, TS],
    )
    conn.execute(
        "INSERT INTO douyin_aweme_comment (user_id, nickname, add_ts, last_modify_ts, comment_id, aweme_id, content, create_time,"
        " sub_comment_count, parent_comment_id, like_count) VALUES ('94567890123', '评论区课代表', ?, ?, '7460456789012345678',"
        " '7460345678901234567', '欢迎TikTok难民！抖音也可以玩', 1736860800, '12', '0', '10万+')",
        [TS, TS],
    )
    conn.execute(
        "INSERT INTO weibo_note_comment (user_id, nickname, add_ts, last_modify_ts, comment_id, note_id, content, create_time,"
        " create_date_time, comment_like_count, sub_comment_count, parent_comment_id) VALUES ('7723456789', '围观群众甲', ?, ?,"
        " '5122334455669999', '5122334455667788', 'TikTok难民这个词太形象了 #对账#', 1736863200, '2025-01-14 22:00:00',"
        " '1.5万', '7', '')",
        [TS, TS],
    )
    conn.execute(
        "INSERT INTO bilibili_video_comment (user_id, nickname, add_ts, last_modify_ts, comment_id, video_id, content, create_time,"
        " sub_comment_count, parent_comment_id, like_count) VALUES ('3462345678901234', '弹幕护体', ?, ?, '250123456789',"
        " '113812345678901', '小红书上的TikTok难民比我还会用', 1736866800, '0', '0', '2,345')",
        [TS, TS],
    )
    conn.execute("INSERT INTO xhs_creator (user_id, nickname, fans) VALUES ('u', 'a creator', '1万')")
    conn.commit()
    conn.close()
    return path


def by_id(page, platform_id):
    return next(p for p in page.items if p.platform_id == platform_id)


# --- JSON (RedNote notes) -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xhs():
    return parse_json_export(XHS_JSON.read_text(encoding="utf-8"), str(XHS_JSON))


def test_xhs_notes_json(xhs):
    assert [p.platform_id for p in xhs.items] == [
        "6786a1f2000000001a03c4d5",
        "6786b3e4000000001b01d2e3",
        "6786c5d6000000001c02e3f4",
    ]
    assert xhs.skipped == ["record 3: xhs_note record without an id", "record 5: record is not an object"]
    post = xhs.items[0]
    assert (post.platform, post.kind) == ("xiaohongshu", "note")
    assert post.title == "美国网友问我小红书怎么用，我写了个攻略"
    assert post.text.endswith("3. 大胆用英语评论 #TikTok难民 #猫税")  # topic markers made plain tags
    assert post.hashtags == ["TikTok难民", "猫税", "小红书攻略"]  # desc markers, then tag_list
    assert post.created_at == "2025-01-14T07:00:00Z"  # `time` is ms
    assert post.edited_at == "2025-01-14T07:30:00Z"
    assert (post.author, post.author_id, post.author_name) == (
        "攻略小能手阿杰",
        "5f1e2d3c000000000101a2b3",
        "攻略小能手阿杰",
    )
    # counts stored as text: "1.2万", "3,456", "987", "10万+"
    assert (post.like_count, post.collect_count, post.reply_count, post.share_count) == (12000, 3456, 987, 100000)
    assert post.source_query == "TikTok难民"  # source_keyword
    assert post.observed_at == "2025-01-14T16:40:00Z"  # last_modify_ts: when MediaCrawler saw it
    assert post.url == "https://www.xiaohongshu.com/explore/6786a1f2000000001a03c4d5"  # no xsec_token
    assert post.raw["ip_location"] == "上海"


def test_xhs_pseudonymised_user_and_placeholder_counts(xhs):
    post = by_id(xhs, "6786b3e4000000001b01d2e3")
    assert post.author_id == "c0ffee5a1t3dh4sh0000000000000000"  # a creator hash kept as given
    assert post.reply_count == 0  # "赞": RedNote's label for no count
    assert post.kind == "note"


def test_xhs_wrong_types_are_dropped_not_fatal(xhs):
    post = by_id(xhs, "6786c5d6000000001c02e3f4")
    assert post.like_count is None  # a list
    assert post.collect_count is None  # null
    assert post.reply_count == 12  # 12.0
    assert post.share_count is None  # "很多"
    assert post.created_at == "2025-01-14T09:00:00Z"  # a digit string
    assert post.url == "https://www.xiaohongshu.com/explore/6786c5d6000000001c02e3f4"  # empty note_url: built


# --- JSONL (RedNote comments), CSV (Douyin), Weibo, Bilibili -------------------------------------


def test_xhs_comments_jsonl_with_a_malformed_line():
    page = parse_jsonl_export(XHS_JSONL.read_text(encoding="utf-8"), str(XHS_JSONL))
    assert page.skipped == ["line 2: malformed JSON: Unterminated string starting at (column 94)"]
    top, reply = page.items
    assert (top.kind, top.platform_id, top.reply_to, top.thread_root) == (
        "comment",
        "6786d7c8000000000b01a1b2",
        "6786a1f2000000001a03c4d5",
        "6786a1f2000000001a03c4d5",
    )
    assert top.like_count == 11000 and top.reply_count == 3
    assert top.created_at == "2025-01-14T09:13:20Z"  # comment create_time is ms on RedNote
    assert reply.reply_to == "6786d7c8000000000b01a1b2"  # parent_comment_id
    assert reply.source_query == "search_comments_2025-01-14.jsonl"  # no source_keyword: the file


def test_douyin_csv():
    page = parse_csv_export(DY_CSV.read_text(encoding="utf-8"), str(DY_CSV))
    assert page.skipped == ["row 3: douyin_aweme record without an id"]
    first, second = page.items
    assert (first.platform, first.kind, first.platform_id) == ("douyin", "video", "7460123456789012345")
    assert first.url == "https://www.douyin.com/video/7460123456789012345"
    assert first.created_at == "2025-01-14T10:20:00Z"  # seconds, as text
    assert first.title is None  # the start of desc
    assert first.author == "keji..laowu.demo" and first.author_id == "91234567890"
    assert (first.like_count, first.collect_count, first.reply_count, first.share_count) == (123000, 4521, 8803, 15000)
    assert first.hashtags == ["TikTok难民", "小红书"]
    assert second.author == "234567890"  # no unique id: the short id
    assert second.url == "https://www.douyin.com/video/7460234567890123456"


def test_weibo_and_bilibili():
    wb = parse_json_export(WB_JSON.read_text(encoding="utf-8"), str(WB_JSON)).items[0]
    assert (wb.platform, wb.kind, wb.platform_id) == ("weibo", "post", "5122334455667788")
    assert wb.hashtags == ["TikTok难民"]  # Weibo's #话题#
    assert (wb.like_count, wb.reply_count, wb.repost_count) == (23000, 4521, 1024)
    assert wb.created_at == "2025-01-14T12:00:00Z"
    bl = parse_jsonl_export(BL_JSONL.read_text(encoding="utf-8"), str(BL_JSONL)).items[0]
    assert (bl.platform, bl.kind, bl.platform_id) == ("bilibili", "video", "113812345678901")
    assert bl.title == "【科普】TikTok难民为什么选择了小红书？"
    assert (bl.like_count, bl.view_count, bl.reply_count, bl.collect_count) == (88000, 1200000, 3210, 11000)


# --- SQLite ---------------------------------------------------------------------------------------


def test_sqlite_export_tables(tmp_path):
    from crawler.readers.sqlite_export import table_rows, tables

    db = make_sqlite(tmp_path / "sqlite_tables.db")
    names = [t for t in tables(db) if t in TABLES]
    assert names == ["bilibili_video_comment", "douyin_aweme", "douyin_aweme_comment", "weibo_note_comment", "xhs_note"]
    pages = {t: parse_table_rows(t, table_rows(db, t), db.name) for t in names}
    assert all(p.skipped == [] for p in pages.values())
    aweme = pages["douyin_aweme"].items[0]
    assert (aweme.like_count, aweme.reply_count, aweme.share_count, aweme.collect_count) == (33000, 1024, 2001, 99)
    comment = pages["douyin_aweme_comment"].items[0]
    assert (comment.reply_to, comment.like_count, comment.reply_count) == ("7460345678901234567", 100000, 12)
    wbc = pages["weibo_note_comment"].items[0]
    assert (wbc.platform, wbc.reply_to, wbc.like_count, wbc.hashtags) == ("weibo", "5122334455667788", 15000, ["对账"])
    blc = pages["bilibili_video_comment"].items[0]
    assert (blc.url, blc.like_count) == ("https://www.bilibili.com/video/av113812345678901", 2345)
    assert pages["xhs_note"].items[0].observed_at == "2025-01-14T18:40:00Z"
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"  # opened read-only: still a plain SQLite file
    assert not (tmp_path / "sqlite_tables.db-wal").exists()
    with pytest.raises(ParseError):
        parse_table_rows("xhs_creator", [], db.name)


# --- detection of the table and of the importer ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "record", "table"),
    [
        ("data/xhs/json/search_contents_2025-01-14.json", None, "xhs_note"),
        ("data/xhs/csv/1_search_comments_2025-01-14.csv", None, "xhs_note_comment"),
        ("data/douyin/jsonl/creator_contents_2025-01-14.jsonl", None, "douyin_aweme"),
        ("export.json", {"note_id": "1", "comments_count": "2", "content": "x"}, "weibo_note"),
        ("export.json", {"note_id": "1", "desc": "x", "type": "normal"}, "xhs_note"),
        ("export.json", {"comment_id": "1", "note_id": "2", "comment_like_count": "3"}, "weibo_note_comment"),
        ("export.json", {"comment_id": "1", "video_id": "2"}, "bilibili_video_comment"),
        ("xhs_note.csv", None, "xhs_note"),
        ("notes.json", None, None),
    ],
)
def test_table_of(name, record, table):
    assert table_of(name, record) == table


def import_kind(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crawler.ops.import_kind", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_import_detects_the_format(tmp_path):
    from crawler.ops.import_kind import kind_of

    zee = ROOT / "tests" / "fixtures" / "zeeschuimer" / "zeeschuimer-export-x-2025-01-14T131000.ndjson"
    assert kind_of(str(zee)) == "zeeschuimer"
    for path in (XHS_JSON, XHS_JSONL, DY_CSV, WB_JSON, BL_JSONL, make_sqlite(tmp_path / "sqlite_tables.db")):
        assert kind_of(str(path)) == "mediacrawler", path
    assert kind_of(str(FIX)) == "mediacrawler"  # a folder
    renamed = tmp_path / "export.txt"  # the name says nothing: the content decides
    renamed.write_text(zee.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")
    assert kind_of(str(renamed)) == "zeeschuimer"


@pytest.mark.parametrize("case", ["missing", "binary", "not_an_export", "other_sqlite"])
def test_make_import_refuses_a_missing_or_unreadable_file_with_one_line(tmp_path, case):
    path = tmp_path / "export.json"
    if case == "binary":
        path.write_bytes(b"\xff\xfe\x00garbage\x81")
    elif case == "not_an_export":
        path.write_text('[{"hello": "world"}]', encoding="utf-8")
    elif case == "other_sqlite":
        path = tmp_path / "other.db"
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    proc = import_kind(path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("make import: ")


def test_make_import_target_runs_the_detected_spider(tmp_path):
    db = tmp_path / "observatory.db"
    proc = subprocess.run(
        ["make", "--no-print-directory", "import", f"FILE={WB_JSON}", f"DB={db}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    from tests.conftest import rows

    assert [r["platform"] for r in rows(db, "select platform from posts")] == ["weibo"]
    missing = subprocess.run(
        ["make", "--no-print-directory", "import", f"FILE={tmp_path / 'gone.json'}", f"DB={db}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode != 0
    assert f"cannot read {tmp_path / 'gone.json'}" in missing.stderr
    unknown = tmp_path / "notes.json"
    unknown.write_text('[{"hello": "world"}]', encoding="utf-8")
    refused = subprocess.run(
        ["make", "--no-print-directory", "import", f"FILE={unknown}", f"DB={db}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "make import: " in refused.stderr and "neither a Zeeschuimer export" in refused.stderr


# --- property: any record is a Post or one counted skip ------------------------------------------

RECORDS = (
    json.loads(XHS_JSON.read_text(encoding="utf-8"))[:2]
    + json.loads(WB_JSON.read_text(encoding="utf-8"))
    + [json.loads(line) for line in BL_JSONL.read_text(encoding="utf-8").splitlines()]
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["1.2万", "10万+", "1,234", "赞", "0", "None", "", "\ud83d", "1e400"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@st.composite
def records(draw):
    rec = dict(draw(st.sampled_from(RECORDS)))
    for key in draw(st.lists(st.sampled_from(sorted(rec)), max_size=6)):
        if draw(st.booleans()):
            rec[key] = draw(VALUES)
        else:
            rec.pop(key, None)
    return rec


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(records(), VALUES), min_size=1, max_size=4), st.sampled_from([None, *TABLES]))
def test_any_record_is_a_post_or_one_skip(recs, table):
    page = parse_records([(f"record {n}", r) for n, r in enumerate(recs)], table, "fuzz.json")
    assert len(page.items) + len(page.skipped) == len(recs)
    for post in page.items:
        assert post.platform_id and isinstance(post.platform_id, str)
        for name in ("like_count", "reply_count", "share_count", "collect_count", "view_count", "repost_count"):
            value = getattr(post, name)
            assert value is None or (isinstance(value, int) and not isinstance(value, bool))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=300))
def test_any_text_is_a_page_or_a_parse_error(text):
    for parse in (parse_json_export, parse_jsonl_export, parse_csv_export):
        try:
            page = parse(text, "data/xhs/json/search_contents_2025-01-14.json")
        except ParseError:
            continue
        assert all(p.platform_id for p in page.items)


def test_guess_table_needs_an_id_column():
    assert guess_table({"title": "x"}) is None
    page = parse_records([("record 1", {"title": "TikTok难民"})], None, "x.json")
    assert page.skipped == ["record 1: not a MediaCrawler note, video or comment (unknown columns)"]


# --- end to end: the real engine into SQLite, read through Datasette -----------------------------


def test_import_every_format_twice_adds_no_rows(tmp_path):
    from tests.conftest import crawl, datasette_get, rows, run_stats

    db = tmp_path / "observatory.db"
    export = make_sqlite(tmp_path / "sqlite_tables.db")
    paths = f"{FIX},{export},{tmp_path / 'missing.json'}"
    proc = crawl("mediacrawler", db, {"path": paths})
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = run_stats(db, "mediacrawler")
    assert stats["observatory/parse_skipped/mediacrawler"] == 4  # 2 xhs json, 1 jsonl line, 1 csv row
    assert stats["observatory/errors/mediacrawler/missing_file"] == 1
    assert stats["observatory/mediacrawler/files"] == 6
    assert stats["observatory/mediacrawler/observations"] == 3 + 2 + 2 + 1 + 1 + 6
    assert "line 2: malformed JSON" in proc.stderr
    posts = {(r["platform"], r["platform_id"]): r for r in rows(db, "select * from posts")}
    assert {p for p, _ in posts} == {"xiaohongshu", "douyin", "weibo", "bilibili"}
    note = posts[("xiaohongshu", "6786a1f2000000001a03c4d5")]
    assert note["url"] == "https://www.xiaohongshu.com/explore/6786a1f2000000001a03c4d5"  # xsec_token dropped
    assert note["like_count"] == 12000
    assert note["author_id"] == "5f1e2d3c000000000101a2b3"
    assert posts[("xiaohongshu", "6786b3e4000000001b01d2e3")]["author_id"] == "c0ffee5a1t3dh4sh0000000000000000"
    n_posts = len(posts)
    n_obs = rows(db, "select count(*) n from observations")[0]["n"]
    # the JSON and the SQLite export both hold the first two notes, seen at different times: two observations
    assert rows(db, "select count(*) n from observations where post_id = ?", [note["id"]])[0]["n"] == 2

    proc = crawl("mediacrawler", db, {"path": paths})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert rows(db, "select count(*) n from posts")[0]["n"] == n_posts
    assert rows(db, "select count(*) n from observations")[0]["n"] == n_obs

    found = datasette_get(db, "/observatory/posts.json?_shape=array&_search=对账&_col=platform_id")
    assert found.status_code == 200
    ids = {r["platform_id"] for r in found.json()}
    assert "6786b3e4000000001b01d2e3" in ids  # a note about 对账 (with #TikTokRefugee)
    assert "6786a1f2000000001a03c4d5" not in ids  # no 对账 in it: search is not ignored
    weibo = datasette_get(db, "/observatory/posts.json?_shape=array&platform=weibo")
    assert {r["platform_id"] for r in weibo.json()} == {"5122334455667788", "5122334455669999"}


def test_demo_export_imports_every_platform(tmp_path, demo_base):
    from tests.conftest import demo_crawl, rows, run_stats

    db = tmp_path / "demo.db"
    proc = demo_crawl("mediacrawler", db, demo_base)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "observatory/parse_skipped/mediacrawler" not in run_stats(db, "mediacrawler")
    assert {r["platform"] for r in rows(db, "select distinct platform from posts")} == {
        "xiaohongshu",
        "douyin",
        "weibo",
        "bilibili",
    }
