"""YouTube Data API v3 parsers over fixtures written from the documented shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.youtube import api_error, parse_comment_threads, parse_search, parse_videos

FIX = Path(__file__).parent / "fixtures" / "youtube"


def text(name: str) -> str:
    return (FIX / name).read_text(encoding="utf-8")


def test_search_gives_video_ids_and_the_next_token():
    page = parse_search(text("search.json"))
    assert page.extra["video_ids"] == ["fixtVideo01", "fixtVideo02"]  # the channel result is not a video
    assert page.extra["not_videos"] == 1 and len(page.skipped) == 1  # a video result without videoId
    assert page.next == "CAUQAA" and page.extra["total_results"] == 7
    assert page.extra["max_published"] == "2025-01-16T02:30:00Z"


def test_videos_statistics_are_strings_made_counts():
    page = parse_videos(text("videos.json"), "RedNote")
    first, second = page.items
    assert first.platform == "youtube" and first.kind == "video"
    assert first.url == "https://www.youtube.com/watch?v=fixtVideo01"
    assert (first.view_count, first.like_count, first.reply_count) == (184203, 9120, 3)
    assert first.title == "TikTok refugees on RedNote" and "小红书" in first.text and first.lang == "en"
    assert first.author_id == "UCfixture~channel0000001" and first.author_name == "Fixture ~ Channel"
    assert second.like_count is None and second.reply_count is None  # hidden likes, comments off
    assert second.created_at == "2025-01-16T02:30:00Z" and second.lang == "zh"
    assert len(page.skipped) == 1


def test_comment_threads_with_replies():
    page = parse_comment_threads(text("comment_threads.json"), "fixtVideo01", "RedNote")
    top, reply = page.items
    assert top.kind == "comment" and top.platform_id == "UgzFixture01"
    assert top.text == "Paid my cat tax & joined RedNote"  # textOriginal, not the HTML textDisplay
    assert top.author == "@fixture~one" and top.like_count == 14 and top.reply_count == 1
    assert top.reply_to == "fixtVideo01" and top.thread_root == "fixtVideo01"
    assert top.edited_at == "2025-01-15T15:05:00Z"
    assert top.url == "https://www.youtube.com/watch?v=fixtVideo01&lc=UgzFixture01"
    assert reply.reply_to == "UgzFixture01" and reply.text == "欢迎！" and reply.edited_at is None
    assert len(page.skipped) == 2 and page.next == "CAIQAA"


@pytest.mark.parametrize(
    "name,reason,status",
    [
        ("error_quota.json", "quotaExceeded", 403),
        ("error_key_invalid.json", "API_KEY_INVALID", 400),
        ("error_comments_disabled.json", "commentsDisabled", 403),
    ],
)
def test_error_bodies(name, reason, status):
    for parse in (parse_search, lambda t: parse_videos(t), lambda t: parse_comment_threads(t, "v")):
        page = parse(text(name))
        assert page.items == [] and page.extra["error"]["reason"] == reason
        assert page.extra["error"]["status"] == status
    assert api_error({"items": []}) is None


def test_malformed_is_one_parse_error():
    with pytest.raises(ParseError):
        parse_search(text("malformed.json"))
    with pytest.raises(ParseError):
        parse_videos('{"items": {"id": "x"}}')
