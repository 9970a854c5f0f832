"""What a researcher sees in Datasette (#16, plugins/observatory_ui.py): the demo database gets the
project's metadata, readable table pages, dashboards with the topic's events, the methods page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import datasette_get, demo_crawl, rows


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_base):
    db = tmp_path_factory.mktemp("ui") / "demo.db"  # served as database "demo", as make run does
    for spider in ("feeds", "mastodon", "bluesky"):
        assert demo_crawl(spider, db, demo_base, args={"demo": "1"}).returncode == 0
    return db


def _headers(page: str) -> list[str]:
    return re.findall(r'<th [^>]*data-column="([^"]+)"', page)


def test_demo_database_searches_like_observatory(demo_db):
    everything = {r["id"] for r in rows(demo_db, "select id from posts")}
    wanted = {
        r["id"] for r in rows(demo_db, "select id from posts where text like '%小红书%' or title like '%小红书%'")
    }
    assert wanted and everything - wanted
    found = datasette_get(demo_db, "/demo/posts.json?_search=小紅書&_shape=array&_size=max&_col=platform").json()
    assert {r["id"] for r in found} <= everything and {r["id"] for r in found} & wanted
    assert not {r["id"] for r in found} - wanted  # search was applied, not ignored


def test_table_page_is_readable_and_every_column_one_click_away(demo_db):
    page = datasette_get(demo_db, "/demo/posts").text
    details = re.search(r'<details class="column-descriptions">(.*?)</details>', page, re.S)
    assert details, "column descriptions are folded into one <details>"
    assert page.count('<dl class="column-descriptions">') == 1
    described = re.findall(r"<dt>([^<]+)</dt>", details.group(1))
    columns = [r["name"] for r in rows(demo_db, "select name from pragma_table_info('posts')")]
    assert set(described) == set(columns)
    shown = _headers(page)
    assert shown[:4] == ["id", "created_at", "platform", "author"]
    assert "raw" not in shown and "text" in shown
    all_link = re.search(r'<summary>[^<]*<a href="([^"]+)">all columns</a>', details.group(1)).group(1)
    assert "_all=1" in all_link
    everything = _headers(datasette_get(demo_db, all_link.replace("&amp;", "&")).text)
    assert set(everything) == set(columns)
    chosen = _headers(datasette_get(demo_db, "/demo/posts?_col=raw").text)
    assert chosen == ["id", "raw"]
    assert "raw" in datasette_get(demo_db, "/demo/posts.json?_shape=array&_size=1").json()[0]  # JSON untouched


def test_dashboards_chart_every_query_with_the_topics_events(demo_db):
    page = datasette_get(demo_db, "/-/dashboards/overview")
    assert page.status_code == 200
    config = datasette_get(demo_db, "/-/metadata.json").json()["plugins"]["datasette-dashboards"]["overview"]
    assert {
        "posts-per-day",
        "articles-per-day",
        "language-mix",
        "hashtags-over-time",
        "syndicated-stories",
        "engagement",
    } <= set(config["charts"])
    events = config["charts"]["posts-per-day"]["display"]["layer"][1]["data"]["values"]
    assert {"date": "2025-01-17", "label": "Supreme Court upholds the law"} in events
    colours = config["charts"]["posts-per-day"]["display"]["layer"][0]["encoding"]["color"]["scale"]["range"]
    assert len(set(colours)) == len(colours)
    for slug, chart in config["charts"].items():
        reply = datasette_get(
            demo_db,
            "/demo.json?" + __import__("urllib.parse").parse.urlencode({"sql": chart["query"], "_shape": "array"}),
        )
        assert reply.status_code == 200, slug
        if slug != "syndicated-stories":
            assert reply.json(), slug
    for asset in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "dashboards.js"):
        assert datasette_get(demo_db, f"/-/static-plugins/datasette_dashboards/{asset}").status_code == 200
    assert "cdn." not in page.text and "https://unpkg" not in page.text


def test_methods_page(demo_db):
    page = datasette_get(demo_db, "/-/methods")
    assert page.status_code == 200
    run_ids = [r["run_id"] for r in rows(demo_db, "select run_id from runs")]
    assert all(r in page.text for r in run_ids)
    text = datasette_get(demo_db, "/-/methods?_format=md").text
    assert text.startswith("# Methods: demo") and "synthetic demo data" in text
