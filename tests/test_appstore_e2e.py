"""The appstore spider end to end: the real engine against the loopback App Store emulator into a
real SQLite file, read back through Datasette (the app_ranks query)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.conftest import datasette_get, demo_crawl, rows, run_stats

RN, L8, TT, CC = "904209370", "1498607143", "835599320", "1500855883"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_base):
    db = tmp_path_factory.mktemp("appstore") / "observatory.db"
    first = demo_crawl("appstore", db, demo_base)
    assert first.returncode == 0, first.stderr[-3000:]
    counts = {t: rows(db, f"select count(*) as n from {t}")[0]["n"] for t in ("posts", "app_chart_entries")}
    second = demo_crawl("appstore", db, demo_base)
    assert second.returncode == 0, second.stderr[-3000:]
    return db, counts


def test_every_rank_of_every_snapshot_is_stored(crawled):
    db, _ = crawled
    snapshots = rows(
        db,
        "select country, count(distinct snapshot_at) as n, count(*) as entries "
        "from app_chart_entries group by country order by country",
    )
    assert snapshots == [{"country": "cn", "n": 4, "entries": 60}, {"country": "us", "n": 16, "entries": 400}]
    ranks = rows(
        db,
        "select count(distinct rank) as n, min(rank) as lo, max(rank) as hi from app_chart_entries "
        "where country = 'us' and day = '2025-01-14'",
    )
    assert ranks == [{"n": 25, "lo": 1, "hi": 25}]


def test_rise_and_fall_of_january_2025(crawled):
    db, _ = crawled
    rank = {
        (r["app_id"], r["day"]): r["rank"]
        for r in rows(db, "select app_id, day, rank from app_chart_entries where country = 'us' and chart = 'top-free'")
    }
    assert (RN, "2025-01-10") not in rank and rank[(RN, "2025-01-12")] == 18
    assert rank[(RN, "2025-01-13")] == 4 and rank[(RN, "2025-01-14")] == 1 and rank[(L8, "2025-01-14")] == 2
    assert rank[(TT, "2025-01-18")] == 2
    assert (TT, "2025-01-19") not in rank and (CC, "2025-01-19") not in rank  # TikTok left the store
    row = rows(
        db,
        "select snapshot_at, snapshot_raw, genres from app_chart_entries "
        "where app_id = ? and day = '2025-01-14' and country = 'us'",
        [RN],
    )[0]
    assert row["snapshot_at"].endswith("Z") and row["snapshot_raw"].endswith("+0000")
    assert json.loads(row["genres"]) == ["Social Networking", "Lifestyle"]


def test_reviews_stored_as_posts_with_rating_app_and_reason(crawled):
    db, _ = crawled
    posts = {r["platform_id"]: r for r in rows(db, "select * from posts where platform = 'appstore'")}
    # us: RedNote 12, Lemon8 6, TikTok 5, CapCut 3 (after one 429); cn: RedNote 5
    assert len(posts) == 31
    post = posts[f"us:{RN}:12001000007"]
    assert (post["kind"], post["rating"], post["app_version"], post["community"]) == ("review", 5, "8.68.1", f"id{RN}")
    assert post["created_at"] == "2025-01-15T15:55:00Z" and post["lang"] == "en"
    assert json.loads(post["matched_in"])["app"] == ["Xiaohongshu (RedNote)"]
    chinese = posts[f"cn:{RN}:12002000002"]
    assert chinese["lang"] == "zh" and json.loads(chinese["matched_terms"]) == []  # kept without a term match
    assert json.loads(chinese["matched_in"]) == {"app": ["Xiaohongshu (RedNote)"]}
    assert f"us:{L8}:12003000001" in posts  # the single-entry last page
    stats = run_stats(db, "appstore", 0)
    assert stats["observatory/relevance/appstore_review"] == 31
    assert stats["observatory/relevance/appstore_chart"] == 460
    assert stats.get("observatory/relevance/dropped", 0) == 0


def test_rerun_adds_nothing_and_stops_at_the_first_stored_review(crawled):
    db, counts = crawled
    assert counts == {t: rows(db, f"select count(*) as n from {t}")[0]["n"] for t in ("posts", "app_chart_entries")}
    first, second = run_stats(db, "appstore", 0), run_stats(db, "appstore", 1)
    assert first["observatory/appstore/review_pages"] == 8  # RedNote us 3 pages, Lemon8 2, others 1
    assert second["observatory/appstore/review_pages"] == 5  # page 1 of each app, then stop
    assert second["observatory/appstore/stopped_at_known"] == 5
    assert second.get("observatory/store/new", 0) == 0 and second["observatory/store/updated"] == 460
    cursor = rows(db, "select value from cursors where source = 'appstore' and query = ?", [f"us:{RN}"])
    assert cursor == [{"value": "2025-01-21T16:15:00Z|12001000012"}]


def test_bad_input_counted(crawled):
    db, _ = crawled
    stats = run_stats(db, "appstore", 0)
    assert stats["observatory/errors/appstore/http_404"] == 2  # Lemon8 and TikTok are not sold in cn
    assert stats["observatory/parse_error/appstore"] == 1  # a truncated review page (CapCut cn)
    assert stats["observatory/retry_after/waited"] == 1  # CapCut us: 429 with Retry-After, then served
    assert stats["observatory/appstore/chart_snapshots"] == 20


def test_app_ranks_query_through_datasette(crawled):
    db, _ = crawled
    reply = datasette_get(db, f"/observatory/app_ranks.json?app={RN}&country=us&_shape=array")
    assert reply.status_code == 200, reply.text
    series = {r["day"]: r["rank"] for r in reply.json()}
    assert series["2025-01-12"] == 18 and series["2025-01-14"] == 1 and series["2025-01-24"] == 14
    assert "2025-01-10" not in series
    tiktok = datasette_get(db, f"/observatory/app_ranks.json?app={TT}&country=us&_shape=array").json()
    assert max(r["day"] for r in tiktok) == "2025-01-18"


def test_emulator_keeps_apples_page_limit(demo_base):
    url = f"{demo_base}/appstore/us/rss/customerreviews/page=11/id={RN}/sortby=mostrecent/json"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url)
    assert err.value.code == 400
    past = json.loads(urllib.request.urlopen(url.replace("page=11", "page=4")).read())
    assert "entry" not in past["feed"]


def test_bad_app_argument_is_one_line(tmp_path, demo_base):
    result = demo_crawl("appstore", tmp_path / "x.db", demo_base, args={"apps": "rednote"})
    assert "must be App Store ids" in result.stderr
