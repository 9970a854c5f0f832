"""Zeeschuimer captures of X/Twitter, Threads and Instagram (issue #17, source 3)."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.items import Post
from crawler.parsers.zeeschuimer import iter_ndjson, parse_line_posts, parse_ndjson
from crawler.parsers.zeeschuimer_x import x_time

FIXTURES = Path(__file__).parent / "fixtures" / "zeeschuimer"
X = FIXTURES / "zeeschuimer-export-x-2025-01-14T131000.ndjson"
THREADS = FIXTURES / "zeeschuimer-export-threads-2025-01-14T120000.ndjson"
INSTAGRAM = FIXTURES / "zeeschuimer-export-instagram-2025-01-14T121000.ndjson"
DEMO = Path(__file__).parents[1] / "datasets" / "demo" / "zeeschuimer"


def page_of(path):
    return parse_ndjson(path.read_text(encoding="utf-8"), path.name)


def by_id(page, platform_id, index=0):
    return [p for p in page.items if p.platform_id == platform_id][index]


# --- X / Twitter ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def x():
    return page_of(X)


def test_x_every_line_in_order_retweets_become_the_original_quotes_add_the_quoted(x):
    assert [(p.platform, p.platform_id) for p in x.items] == [
        ("x", "1879234567812345678"),
        ("x", "1879001122334455667"),  # line 2 is a retweet: the original, not the wrapper
        ("x", "1879456789012345678"),  # line 3 quotes ...
        ("x", "1878912345678901234"),  # ... this post, a Post of its own
        ("x", "1879567890123456789"),
        ("x", "1879678901234567890"),
        ("x", "1879789012345678901"),
        ("x", "1879890123456789012"),
        ("x", "1879234567812345678"),  # captured again two hours later
    ]
    assert x.skipped == [
        "line 7: x item is not a readable post (tombstone, unavailable or no legacy)",
        "line 8: x item is not a readable post (tombstone, unavailable or no legacy)",
        "line 9: malformed JSON: Unterminated string starting at (column 191)",
    ]


def test_x_timeline_tweet(x):
    post = by_id(x, "1879234567812345678")
    assert post.url == "https://x.com/ledger_lena_synthetic/status/1879234567812345678"
    assert post.created_at == "2025-01-14T03:12:45Z"
    assert post.created_at_raw == "Tue Jan 14 03:12:45 +0000 2025"
    assert (post.author, post.author_id, post.author_name) == (
        "ledger_lena_synthetic",
        "1601234567890123456",
        "Lena (budgets, bills, 对账)",
    )
    assert post.author_followers == 18230
    assert post.text.startswith(
        "day 3 of being a #TikTokRefugee on RedNote: my grandma now sends me 早上好 stickers & I'm"
    )
    assert "https://t.co/" not in post.text and "https://example.org/rednote-diary" in post.text  # t.co expanded
    assert post.hashtags == ["TikTokRefugee"]
    assert post.mentions == ["chengdu_wei_teaches_en"]
    assert post.links == ["https://example.org/rednote-diary?utm_source=twitter"]
    assert (
        post.like_count,
        post.repost_count,
        post.reply_count,
        post.quote_count,
        post.collect_count,
        post.view_count,
    ) == (1204, 311, 97, 12, 54, 48213)
    assert post.lang == "en"
    assert post.observed_at == "2025-01-14T13:06:40Z"
    assert post.raw["source_platform"] == "twitter.com" and post.raw["item_id"] == post.platform_id


def test_x_same_tweet_twice_is_two_observations(x):
    first, second = by_id(x, "1879234567812345678", 0), by_id(x, "1879234567812345678", 1)
    assert (first.like_count, second.like_count) == (1204, 1893)
    assert (first.view_count, second.view_count) == (48213, 77010)
    assert first.observed_at < second.observed_at


def test_x_retweet_is_the_original_with_the_retweeter(x):
    post = by_id(x, "1879001122334455667")
    assert post.author == "bayou_birdie_not_real"
    assert post.reposted_by == ["cat_tax_collector_demo"]
    assert post.text.startswith("RedNote welcomed us TikTok refugees")  # not the truncated "RT @..." text
    assert post.hashtags == ["RedNote", "TikTokRefugee"]
    assert (post.like_count, post.repost_count, post.view_count) == (5120, 1440, 388120)
    assert post.created_at == "2025-01-13T22:40:10Z"
    assert "1879345678901234567" not in [p.platform_id for p in x.items]  # the wrapper is not a post


def test_x_quote_with_long_text_and_new_user_layout(x):
    post = by_id(x, "1879456789012345678")
    assert post.quote_of == "1878912345678901234"
    assert post.text.endswith("也欢迎来纠正我的英语发音。 #TikTokRefugee #小红书")  # note_tweet, not the cut full_text
    assert post.author == "chengdu_wei_teaches_en"  # core.screen_name (2025 layout)
    assert post.author_name == "魏老师教英语"
    assert post.author_followers == 40511
    assert post.hashtags == ["TikTokRefugee", "小红书"]
    assert post.lang == "zh"
    quoted = by_id(x, "1878912345678901234")
    assert quoted.author == "ledger_lena_synthetic"
    assert quoted.like_count == 2210
    assert quoted.observed_at == post.observed_at
    assert quoted.raw["rest_id"] == "1878912345678901234"  # its own item, not the line


def test_x_quote_of_a_tombstone_keeps_the_id(x):
    post = by_id(x, "1879567890123456789")
    assert post.quote_of == "1879000000000000001"
    assert len([p for p in x.items if p.platform_id == "1879000000000000001"]) == 0


def test_x_reply(x):
    post = by_id(x, "1879678901234567890")
    assert post.reply_to == "1878912345678901234"
    assert post.thread_root == "1878912345678901234"
    assert post.mentions == ["ledger_lena_synthetic"]
    assert post.hashtags == ["对账"]


def test_x_adaptive_form(x):
    post = by_id(x, "1879789012345678901")
    assert post.url == "https://x.com/cat_tax_collector_demo/status/1879789012345678901"
    assert post.author_id == "1588765432109876543"
    assert post.author_followers == 905
    assert post.hashtags == ["TikTokBan"]
    assert post.view_count is None


def test_x_wrong_types_are_dropped_not_fatal(x):
    post = by_id(x, "1879890123456789012")
    assert (post.like_count, post.repost_count, post.view_count) == (None, None, None)  # "many", null, "12x"
    assert post.reply_count == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue Jan 14 03:12:45 +0000 2025", "2025-01-14T03:12:45Z"),
        ("Tue Jan 14 11:12:45 +0800 2025", "2025-01-14T03:12:45Z"),
        ("2025-01-14", None),
        (1736824365, None),
        (None, None),
    ],
)
def test_x_time(value, expected):
    assert x_time(value) == expected


# --- Threads --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def threads():
    return page_of(THREADS)


def test_threads_posts(threads):
    ids = [p.platform_id for p in threads.items]
    assert ids == [
        "3541234567890123456_63512345678",
        "3540987654321098765_51234567890",  # line 2 is a repost: the original
        "3541456789012345678_51234567890",
        "3540876543210987654_47712345678",  # quoted by line 3
        "3541567890123456789_63512345678",
    ]
    assert threads.skipped == ["line 5: threads item without a shortcode (not a post)"]
    post = threads.items[0]
    assert post.platform == "threads"
    assert post.url == "https://www.threads.com/@noor..reads.demo/post/DEsYnTh01aB"
    assert post.created_at == "2025-01-14T06:10:00Z"
    assert (post.author, post.author_id, post.author_name) == ("noor..reads.demo", "63512345678", "Noor | 读书")
    assert post.hashtags == ["TikTokRefugee"]
    assert post.mentions == ["han..xiaomei"]  # in the caption and in the mention fragment: once
    assert post.links == ["https://example.org/rednote-guide?utm_medium=threads"]  # l.threads.com unwrapped
    assert (post.like_count, post.reply_count, post.repost_count, post.quote_count, post.share_count) == (
        412,
        37,
        12,
        4,
        9,
    )


def test_threads_repost_and_quote(threads):
    original = by_id(threads, "3540987654321098765_51234567890")
    assert original.reposted_by == ["jo..from.ohio"]
    assert original.author == "han..xiaomei"
    assert original.text == "欢迎TikTok难民来小红书！猫税请交到这里 🐱 #小红书"
    quoting = by_id(threads, "3541456789012345678_51234567890")
    assert quoting.quote_of == "3540876543210987654_47712345678"
    quoted = by_id(threads, "3540876543210987654_47712345678")
    assert quoted.author == "jo..from.ohio" and quoted.like_count == 980


# --- Instagram ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def instagram():
    return page_of(INSTAGRAM)


def test_instagram_items(instagram):
    assert [p.platform_id for p in instagram.items] == [
        "3541678901234567890_58765432109",
        "3541789012345678901_61234567890",
        "3541890123456789012",
        "3542012345678901234_61234567890",
        "3541678901234567890_58765432109",
    ]
    assert instagram.skipped == ["line 4: instagram ad, not a post"]
    post = instagram.items[0]
    assert post.platform == "instagram"
    assert post.url == "https://www.instagram.com/p/DEsYnTh07mN/"
    assert post.created_at == "2025-01-14T04:55:00Z"
    assert (post.author, post.author_id, post.author_name) == (
        "sam..the.refugee",
        "58765432109",
        "Sam (TikTok refugee)",
    )
    assert post.hashtags == ["tiktokrefugee", "rednote", "小红书"]
    assert post.mentions == ["mei..cooks.chengdu"]  # caption and usertags, once
    assert (post.like_count, post.reply_count) == (3021, 87)
    assert instagram.items[-1].like_count == 4410  # the later capture


def test_instagram_reel_graph_form_and_bad_counts(instagram):
    reel = by_id(instagram, "3541789012345678901_61234567890")
    assert reel.kind == "video" and reel.view_count == 240118
    graph = by_id(instagram, "3541890123456789012")
    assert graph.url == "https://www.instagram.com/p/DEsYnTh09qR/"
    assert graph.author == "sam..the.refugee" and graph.author_id == "58765432109"
    assert (graph.like_count, graph.reply_count) == (990, 41)
    assert graph.created_at == "2025-01-14T06:43:20Z"
    bare = by_id(instagram, "3542012345678901234_61234567890")
    assert bare.text is None and bare.hashtags == []
    assert (bare.like_count, bare.reply_count) == (None, None)  # "1.2万" and "n/a" are not Instagram counts


def test_demo_export_has_x_threads_and_instagram():
    platforms = set()
    for path in sorted(DEMO.glob("*.ndjson")):
        page = page_of(path)
        assert page.skipped == [], path.name
        platforms |= {p.platform for p in page.items}
    assert {"x", "threads", "instagram"} <= platforms


# --- property: any line is Posts or one counted skip ----------------------------------------------

LINES = [
    json.loads(line)
    for path in (X, THREADS, INSTAGRAM)
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.startswith("{") and line.endswith("}")
]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))


def mutate(value, draw, depth=0):
    """Replace, drop or retype one nested value of a real capture line."""
    if isinstance(value, dict) and value and depth < 8:
        key = draw(st.sampled_from(sorted(value)))
        action = draw(st.sampled_from(["drop", "replace", "descend", "descend"]))
        out = dict(value)
        if action == "drop":
            del out[key]
        elif action == "replace":
            out[key] = draw(SCALARS | st.just({}) | st.just([]))
        else:
            out[key] = mutate(value[key], draw, depth + 1)
        return out
    if isinstance(value, list) and value and depth < 8:
        i = draw(st.integers(0, len(value) - 1))
        return [*value[:i], mutate(value[i], draw, depth + 1), *value[i + 1 :]]
    return draw(SCALARS)


@st.composite
def mutated_lines(draw):
    line = draw(st.sampled_from(LINES))
    for _ in range(draw(st.integers(1, 4))):
        line = mutate(line, draw)
    return json.dumps(line, ensure_ascii=False)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(mutated_lines(), st.text(max_size=80)))
def test_any_line_gives_typed_posts_or_one_skip(line):
    results = list(iter_ndjson([line], "fuzz.ndjson"))
    assert len([r for r in results if r[1] is None]) <= 1
    for _n, post, reason in results:
        assert (post is None) != (reason is None)
        if post is not None:
            assert isinstance(post, Post) and isinstance(post.platform_id, str) and post.platform_id
            for name in ("like_count", "repost_count", "reply_count", "quote_count", "view_count", "author_followers"):
                value = getattr(post, name)
                assert value is None or (isinstance(value, int) and not isinstance(value, bool))
            assert all(isinstance(t, str) for t in post.hashtags + post.mentions + post.links + post.reposted_by)


def test_parse_line_posts_of_a_quote_line():
    line = X.read_text(encoding="utf-8").split("\n")[2]
    assert [p.platform_id for p in parse_line_posts(line, 3)] == ["1879456789012345678", "1878912345678901234"]


# --- end to end: the real engine into SQLite, read through Datasette -----------------------------


def test_import_x_threads_instagram_twice_adds_observations_not_rows(tmp_path):
    from tests.conftest import crawl, datasette_get, rows, run_stats

    db = tmp_path / "observatory.db"
    paths = f"{X},{THREADS},{INSTAGRAM}"
    proc = crawl("zeeschuimer", db, {"path": paths})
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = run_stats(db, "zeeschuimer")
    assert stats["observatory/parse_skipped/zeeschuimer"] == 5  # 3 X, 1 Threads, 1 Instagram
    assert stats["observatory/zeeschuimer/lines"] == 11 + 5 + 6
    assert stats["observatory/zeeschuimer/observations"] == 9 + 5 + 5
    posts = {(r["platform"], r["platform_id"]): r for r in rows(db, "select * from posts")}
    retweeted = posts[("x", "1879001122334455667")]
    assert json.loads(retweeted["reposted_by"]) == ["cat_tax_collector_demo"]
    assert posts[("x", "1879456789012345678")]["quote_of"] == "1878912345678901234"
    assert ("x", "1878912345678901234") in posts  # the quoted post has its row
    assert posts[("x", "1879234567812345678")]["like_count"] == 1893  # the latest sighting's counts
    assert posts[("instagram", "3541678901234567890_58765432109")]["url"] == "https://www.instagram.com/p/DEsYnTh07mN/"
    # canonical URL: the tracking parameter is gone from the stored link
    assert json.loads(posts[("x", "1879234567812345678")]["links"]) == ["https://example.org/rednote-diary"]
    assert ("instagram", "3542012345678901234_61234567890") not in posts  # no caption: off-topic, dropped
    first_rows = len(posts)
    first_obs = rows(db, "select count(*) n from observations")[0]["n"]
    assert (
        rows(db, "select count(*) n from observations where post_id = ?", [posts[("x", "1879234567812345678")]["id"]])[
            0
        ]["n"]
        == 2
    )

    # the same export again: nothing new (an observation is one capture, keyed on its time)
    proc = crawl("zeeschuimer", db, {"path": paths})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert rows(db, "select count(*) n from posts")[0]["n"] == first_rows
    assert rows(db, "select count(*) n from observations")[0]["n"] == first_obs
    # a later capture of a stored tweet: one more observation, no new row, the newer counts
    later = json.loads(X.read_text(encoding="utf-8").split("\n")[0])
    later["timestamp_collected"] = later["last_updated"] = 1736953200000
    later["data"]["legacy"]["favorite_count"] = 2450
    (tmp_path / "zeeschuimer-export-x-2025-01-15T150000.ndjson").write_text(json.dumps(later) + "\n", encoding="utf-8")
    proc = crawl("zeeschuimer", db, {"path": f"{paths},{tmp_path / 'zeeschuimer-export-x-2025-01-15T150000.ndjson'}"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert rows(db, "select count(*) n from posts")[0]["n"] == first_rows
    assert rows(db, "select count(*) n from observations")[0]["n"] == first_obs + 1
    assert (
        rows(db, "select like_count from posts where platform = 'x' and platform_id = '1879234567812345678'")[0][
            "like_count"
        ]
        == 2450
    )

    found = datasette_get(db, "/observatory/posts.json?_shape=array&platform=threads&_col=platform_id")
    assert found.status_code == 200
    assert {r["platform_id"] for r in found.json()} == {k[1] for k in posts if k[0] == "threads"}
    searched = datasette_get(db, "/observatory/posts.json?_shape=array&_search=对账&platform=x")
    assert searched.status_code == 200
    # the reply says only 对账 (a context term, not enough alone): dropped, so the quoted post is the one match
    assert ("x", "1879678901234567890") not in posts
    assert {r["platform_id"] for r in searched.json()} == {"1878912345678901234"}
