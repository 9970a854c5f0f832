"""App Store parsers over synthetic fixtures in Apple's documented shapes (tests/fixtures/appstore/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.items import ChartEntry, Post
from crawler.parsers import ParseError
from crawler.parsers.appstore import chart_from_url, parse_chart, parse_reviews

FIXTURES = Path(__file__).parent / "fixtures" / "appstore"
CHART_URL = "https://rss.applemarketingtools.com/api/v2/us/apps/top-free/10/apps.json"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def chart():
    return parse_chart((FIXTURES / "chart_us_top_free.json").read_bytes(), CHART_URL)


@pytest.fixture(scope="module")
def reviews():
    return parse_reviews(load("reviews_p1_old_layout.json"), "us", "904209370", "us:904209370")


def test_chart_snapshot_time_is_the_feeds_updated(chart):
    assert chart.extra["snapshot_at"] == "2025-01-13T17:50:12Z"
    assert (chart.extra["country"], chart.extra["chart"]) == ("us", "top-free")
    assert {e.snapshot_at for e in chart.items} == {"2025-01-13T17:50:12Z"}
    assert chart.items[0].snapshot_raw == "Mon, 13 Jan 2025 17:50:12 +0000"


def test_chart_ranks_are_positions_and_broken_results_keep_their_place(chart):
    assert [(e.rank, e.app_id) for e in chart.items] == [
        (1, "904209370"),
        (2, "1498607143"),
        (4, "1500855883"),
        (5, "835599320"),
        (7, "6400000001"),
    ]
    assert chart.skipped == [
        "chart us/top-free rank 3: no app id",
        "chart us/top-free rank 6: app 904209370 listed twice",
    ]


def test_chart_entry_fields(chart):
    lemon8 = chart.items[1]
    assert isinstance(lemon8, ChartEntry)
    assert lemon8.app_name == "Lemon8 - Lifestyle Community" and lemon8.developer == "Lemon Inc"
    assert lemon8.genres == ["Lifestyle", "Social Networking"]
    assert lemon8.url == "https://apps.apple.com/us/app/lemon8/id1498607143"
    assert lemon8.release_date == "2020-03-20" and lemon8.feed_url == CHART_URL
    assert chart.items[2].genres == ["Photo & Video"]  # plain-string genres (older feeds)
    assert chart.items[3].genres == []
    assert chart.items[4].raw["extraKey"] == {"unknown": True}  # unknown keys kept in raw, ignored


def test_chart_country_and_name_from_url_when_the_feed_lacks_them():
    data = load("chart_us_top_free.json")
    del data["feed"]["country"], data["feed"]["id"]
    page = parse_chart(data, "http://127.0.0.1:1/appstore/api/v2/cn/apps/top-paid/25/apps.json?date=2025-01-14")
    assert (page.extra["country"], page.extra["chart"]) == ("cn", "top-paid")
    assert chart_from_url("https://x/api/v2/us/apps/top-free/100/apps.json") == ("us", "top-free")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"feed": []}',
        b'{"feed": {"results": {}}}',
        b'{"feed": {"country": "us", "results": []}}',  # no snapshot time
        b'{"feed": {"country": "us", "updated": "yesterday-ish", "results": []}}',
    ],
)
def test_chart_bad_input_is_a_parse_error(body):
    with pytest.raises(ParseError):
        parse_chart(body, CHART_URL)


def test_reviews_old_layout_first_entry_is_the_app(reviews):
    assert reviews.extra["app_name"] == "RedNote"
    assert reviews.extra["ids"] == ["11984100003", "11984100002", "11984100001"]
    assert reviews.extra["entries"] == 5 and reviews.extra["last_page"] == 3
    assert reviews.skipped == [
        "review #3 of us:904209370: no id",
        "review 11984100000 of us:904209370: no title or content",
    ]


def test_review_post_fields(reviews):
    post = reviews.items[0]
    assert isinstance(post, Post)
    assert (post.platform, post.kind, post.platform_id) == ("appstore", "review", "us:904209370:11984100003")
    assert post.created_at == "2025-01-14T13:12:40Z" and post.created_at_raw == "2025-01-14T06:12:40-07:00"
    assert post.title == "Here from TikTok"
    assert (
        post.text == "Here from TikTok\n\nMoved over before the ban. The cat tax is real and people are so welcoming."
    )
    assert (post.rating, post.app_version, post.community) == (5, "8.68.1", "id904209370")
    assert post.author == "prairie_moth" and post.author_id == "https://itunes.apple.com/us/reviews/id700001"
    assert post.like_count == 3 and post.source_query == "us:904209370"
    assert reviews.items[1].text.startswith("欢迎TikTok难民")
    assert reviews.extra["newest"] == "2025-01-14T13:12:40Z"


def test_single_entry_page_is_an_object():
    page = parse_reviews(load("reviews_single_entry.json"), "us", "904209370")
    assert [p.platform_id for p in page.items] == ["us:904209370:11983000000"]
    assert page.items[0].text == "ok\n\nFine for recipes." and page.items[0].rating == 3


def test_page_past_the_last_has_no_entries():
    page = parse_reviews(load("reviews_past_last.json"), "us", "904209370")
    assert page.items == [] and page.extra["entries"] == 0 and page.skipped == []


@pytest.mark.parametrize("body", [b"{", b"[1]", b'{"feed": 3}', b'{"feed": {"entry": "x"}}'])
def test_reviews_bad_input_is_a_parse_error(body):
    with pytest.raises(ParseError):
        parse_reviews(body, "us", "904209370")


def test_reviews_bad_app_id_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_reviews(load("reviews_single_entry.json"), "us", "../etc")


def test_rating_out_of_range_is_none():
    data = load("reviews_single_entry.json")
    data["feed"]["entry"]["im:rating"] = {"label": "9"}
    assert parse_reviews(data, "us", "904209370").items[0].rating is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=5) | st.dictionaries(st.text(max_size=12), kids, max_size=5),
    max_leaves=40,
)
LABELS = st.sampled_from(["id", "title", "content", "author", "updated", "im:rating", "im:version", "im:name", "link"])


def _check(page, kind):
    for item in page.items:
        assert isinstance(item, kind)
        if kind is Post:
            assert item.platform_id and (item.rating is None or 1 <= item.rating <= 5)
            assert item.text is None or isinstance(item.text, str)
        else:
            assert item.rank >= 1 and item.app_id.isdigit()
    assert all(isinstance(s, str) for s in page.skipped)


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(feed=JSON, entries=st.lists(st.dictionaries(LABELS, JSON, max_size=8), max_size=6))
def test_any_json_gives_items_or_counted_skips(feed, entries):
    """Whatever the JSON, both parsers give typed items and skip reasons, or one ParseError."""
    for data in (
        feed,
        {"feed": feed},
        {"feed": {"entry": entries}},
        {"feed": {"entry": entries[0] if entries else {}}},
        {"feed": {"country": "us", "updated": "Mon, 13 Jan 2025 17:50:12 +0000", "results": entries}},
    ):
        for parse, kind in (
            (lambda d: parse_reviews(d, "us", "904209370"), Post),
            (lambda d: parse_chart(d, CHART_URL), ChartEntry),
        ):
            try:
                page = parse(data)
            except ParseError:
                continue
            _check(page, kind)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(n=st.integers(0, 5), junk=JSON)
def test_a_broken_review_does_not_take_its_neighbours(n, junk):
    data = load("reviews_p1_old_layout.json")
    data["feed"]["entry"].insert(n, junk)
    page = parse_reviews(data, "us", "904209370")
    assert {"us:904209370:11984100003", "us:904209370:11984100001"} <= {p.platform_id for p in page.items}
