"""Property-based tests (hypothesis) for the TikTok Research API and YouTube parsers: any JSON or
text gives well-typed Posts, counted skips or one ParseError, never another exception; good
records next to a broken one survive. Same strategies as tests/test_fuzz_parsers.py."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crawler.parsers import tiktok_research, youtube
from tests.test_fuzz_parsers import FAST, JSON_VALUES, dumps, fixture_json, mutated_json, mutated_text, posts_of, total

TIKTOK = fixture_json(
    "tiktok_research/video_query*.json",
    "tiktok_research/comment_list.json",
    "tiktok_research/error*.json",
    "tiktok_research/token*.json",
)
YOUTUBE = fixture_json(
    "youtube/search.json", "youtube/videos.json", "youtube/comment_threads.json", "youtube/error*.json"
)


def tiktok_pages(body: str):
    for page in (
        total(tiktok_research.parse_videos, body, "q"),
        total(tiktok_research.parse_comments, body, "7460000000000000201", "q"),
    ):
        posts_of(page)
    token = total(tiktok_research.parse_token, body)
    assert token is None or "error" in token.extra or isinstance(token.extra["access_token"], str)


def youtube_pages(body: str):
    search = total(youtube.parse_search, body)
    if search is not None:
        assert all(isinstance(i, str) and i for i in search.extra.get("video_ids", []))
    posts_of(total(youtube.parse_videos, body, "q"))
    posts_of(total(youtube.parse_comment_threads, body, "fixtVideo01", "q"))


@FAST
@given(st.one_of(mutated_json(TIKTOK), JSON_VALUES))
def test_tiktok_mutated_or_arbitrary(data):
    tiktok_pages(dumps(data))


@FAST
@given(st.one_of(mutated_json(YOUTUBE), JSON_VALUES))
def test_youtube_mutated_or_arbitrary(data):
    youtube_pages(dumps(data))


@FAST
@given(st.one_of(mutated_text([dumps(d) for d in TIKTOK + YOUTUBE]), st.text(max_size=200)))
def test_arbitrary_text(body):
    tiktok_pages(body)
    youtube_pages(body)


@FAST
@given(st.one_of(JSON_VALUES, mutated_json([v for d in TIKTOK for v in (d.get("data") or {}).get("videos", [])])))
def test_tiktok_neighbours_survive(broken):
    good = [{"id": 7460000000000000300 + n, "username": "demo-good", "create_time": 1736845920} for n in (1, 2)]
    body = {"data": {"videos": [good[0], broken, good[1]], "cursor": 3, "has_more": False}, "error": {"code": "ok"}}
    ids = {p.platform_id for p in posts_of(total(tiktok_research.parse_videos, dumps(body), "q"))}
    assert {"7460000000000000301", "7460000000000000302"} <= ids


@FAST
@given(st.one_of(JSON_VALUES, mutated_json([v for d in YOUTUBE for v in d.get("items", []) if "statistics" in v])))
def test_youtube_neighbours_survive(broken):
    good = [{"id": f"goodVideo0{n}", "snippet": {"title": "ok"}, "statistics": {"viewCount": "1"}} for n in (1, 2)]
    ids = {p.platform_id for p in posts_of(total(youtube.parse_videos, dumps({"items": [good[0], broken, good[1]]})))}
    assert {"goodVideo01", "goodVideo02"} <= ids
