"""TikTok Research API parsers over fixtures written from the documented shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.parsers import ParseError
from crawler.parsers.tiktok_research import api_error, parse_comments, parse_token, parse_videos

FIX = Path(__file__).parent / "fixtures" / "tiktok_research"


def text(name: str) -> str:
    return (FIX / name).read_text(encoding="utf-8")


def test_video_page_items_paging_and_skips():
    page = parse_videos(text("video_query_page.json"), "q")
    ids = [p.platform_id for p in page.items]
    assert ids == ["7460000000000000201", "7460000000000000202", "7460000000000000203"]  # int64 kept exactly
    first = page.items[0]
    assert first.url == "https://www.tiktok.com/@demo-fixture-cat/video/7460000000000000201"
    assert first.kind == "video" and first.author == "demo-fixture-cat"
    assert first.created_at == "2025-01-14T09:12:00Z" and first.created_at_raw == "1736845920"
    assert (first.view_count, first.like_count, first.reply_count, first.share_count) == (1050, 88, 2, 3)
    assert first.hashtags == ["tiktokrefugee", "猫税"] and first.source_query == "q"
    assert page.items[1].text == "小红书欢迎TikTok难民"  # the `video_id` spelling of recorded responses
    assert page.items[2].like_count is None and page.items[2].url is None  # "12" is not a count; no username
    assert len(page.skipped) == 2  # the record without an id, the non-object
    assert page.next == "100" and page.extra["search_id"] == "7201388525814961198"
    assert page.extra["max_created_at"] == "2025-01-16T03:59:59Z"  # a digit-string create_time is read too


def test_last_page_and_empty_window():
    page = parse_videos(text("video_query_empty.json"))
    assert page.items == [] and page.next is None and page.extra["has_more"] is False


@pytest.mark.parametrize(
    "name,code",
    [
        ("error_http200.json", "internal_error"),
        ("error_token_invalid.json", "access_token_invalid"),
        ("error_quota.json", "rate_limit_exceeded"),
    ],
)
def test_error_objects_are_returned_not_raised(name, code):
    page = parse_videos(text(name))
    assert page.items == [] and page.extra["error"]["code"] == code and page.extra["error"]["log_id"]


def test_has_more_without_progress_stops():
    body = {"data": {"videos": [], "cursor": 100, "has_more": True, "search_id": "1"}, "error": {"code": "ok"}}
    assert parse_videos(json.dumps(body)).next is None


def test_malformed_page_is_one_parse_error():
    with pytest.raises(ParseError):
        parse_videos(text("malformed.json"))
    with pytest.raises(ParseError):
        parse_videos(json.dumps({"data": {"videos": {"id": 1}}, "error": {"code": "ok"}}))


def test_token_and_token_errors():
    assert parse_token(text("token.json")).extra["access_token"] == "clt.fixture-not-a-real-token"
    assert parse_token(text("token_invalid_client.json")).extra["error"]["code"] == "invalid_client"
    with pytest.raises(ParseError):
        parse_token("{}")
    assert api_error({"error": {"code": "ok"}}) is None


def test_comments_reply_to_and_thread_root():
    page = parse_comments(text("comment_list.json"), "7460000000000000201", "q")
    top, reply = page.items
    assert top.kind == "comment" and top.platform_id == "7460000000000900201"
    assert top.reply_to == "7460000000000000201" and top.thread_root == "7460000000000000201"
    assert reply.reply_to == "7460000000000900201" and reply.text == "thanks 谢谢"
    assert top.created_at == "2025-01-14T10:20:00Z" and top.like_count == 9
    assert len(page.skipped) == 1 and page.next is None
