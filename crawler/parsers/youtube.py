"""YouTube Data API v3: ``search.list``, ``videos.list`` and ``commentThreads.list`` responses.

- search.list: ``{kind, nextPageToken?, pageInfo{totalResults, resultsPerPage}, items: [{id{kind,
  videoId}, snippet{publishedAt, channelId, title, ...}}]}``. Only ``youtube#video`` results are
  kept (a search without ``type=video`` also returns channels and playlists); the spider then asks
  videos.list for the full records.
- videos.list: ``items: [{id, snippet{publishedAt, channelId, channelTitle, title, description,
  tags?, defaultAudioLanguage?}, statistics{viewCount, likeCount?, commentCount?}}]``. The
  statistics are **strings** (uint64 as text); ``likeCount`` is missing when likes are hidden and
  ``commentCount`` when comments are off.
- commentThreads.list: ``items: [{id, snippet{videoId, totalReplyCount, topLevelComment{id,
  snippet{textOriginal, textDisplay (HTML), authorDisplayName, authorChannelId{value},
  likeCount, publishedAt, updatedAt}}}, replies?{comments: [...]}}]``; replies carry
  ``snippet.parentId``.
- Errors: ``{"error": {"code", "message", "errors": [{"reason", "domain", "message"}]}}``, e.g.
  ``quotaExceeded`` (403), ``keyInvalid`` (400), ``commentsDisabled`` (403): returned in
  ``Page.extra["error"]``, never raised.
"""

from __future__ import annotations

from typing import Any

from crawler.items import Post
from crawler.parsers import RECORD_ERRORS, Page, ParseError, as_int, as_text, load_json, tidy_post
from crawler.textnorm import string_to_utc_iso

PLATFORM = "youtube"
WATCH = "https://www.youtube.com/watch?v={}"
COMMENT = "https://www.youtube.com/watch?v={}&lc={}"
AUTH_REASONS = {
    "keyInvalid",
    "keyExpired",
    "forbidden",
    "accessNotConfigured",
    "ipRefererBlocked",
    "unregisteredCallers",
    "authError",
    "API_KEY_INVALID",
    "API_KEY_SERVICE_BLOCKED",
}
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def count(value: Any) -> int | None:
    """A statistic: YouTube sends digit strings ("1234"); ints are accepted too."""
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip())
    number = as_int(value)
    return number if number is not None and number >= 0 else None


def api_error(data: Any) -> dict[str, Any] | None:
    """``{'status', 'reason', 'message'}`` for a Google error body, else None."""
    if not isinstance(data, dict) or "error" not in data:
        return None
    err = data["error"]
    if not isinstance(err, dict):
        return {"status": None, "reason": as_text(err) or "error", "message": ""}
    errors = err.get("errors") if isinstance(err.get("errors"), list) else []
    details = err.get("details") if isinstance(err.get("details"), list) else []
    reasons = [r for r in (as_text(_dict(e).get("reason")) for e in [*errors, *details]) if r]
    # newer bodies say "badRequest" in errors[] and API_KEY_INVALID in details[]: the telling one wins
    telling = AUTH_REASONS | QUOTA_REASONS | {"commentsDisabled"}
    reason = next((r for r in reasons if r in telling), None) or (reasons[0] if reasons else None)
    reason = reason or as_text(err.get("status")) or "error"
    return {"status": as_int(err.get("code")), "reason": reason, "message": as_text(err.get("message")) or ""}


def _load(data: Any, what: str) -> tuple[Page, list[Any]]:
    data = load_json(data)
    if not isinstance(data, dict):
        raise ParseError(f"youtube {what}: expected an object")
    page = Page()
    error = api_error(data)
    if error:
        page.extra["error"] = error
        return page, []
    items = data.get("items", [])
    if not isinstance(items, list):
        raise ParseError(f"youtube {what}: items is not a list")
    token = as_text(data.get("nextPageToken"))
    page.next = token if token and token.strip() and items else None  # an empty page with a token: stop
    total = as_int(_dict(data.get("pageInfo")).get("totalResults"))
    if total is not None:
        page.extra["total_results"] = total
    return page, items


def _video_id(value: Any) -> str | None:
    text = as_text(value)
    return text.strip() if text and text.strip() and text.isascii() and " " not in text else None


def parse_search(data: Any) -> Page:
    """search.list -> Page(next=nextPageToken, extra={'video_ids': [...], 'max_published': ...})."""
    page, items = _load(data, "search")
    ids: list[str] = []
    published: list[str] = []
    for n, item in enumerate(items):
        ident = _dict(_dict(item).get("id"))
        if ident.get("kind", "youtube#video") != "youtube#video":
            page.extra["not_videos"] = page.extra.get("not_videos", 0) + 1  # a channel or playlist: not an error
            continue
        video_id = _video_id(ident.get("videoId"))
        if not video_id:
            page.skipped.append(f"youtube search result #{n}: no videoId")
            continue
        if video_id not in ids:
            ids.append(video_id)
        when = string_to_utc_iso(_dict(_dict(item).get("snippet")).get("publishedAt"))
        if when:
            published.append(when)
    page.extra["video_ids"] = ids
    page.extra["max_published"] = max(published) if published else None
    page.extra["min_published"] = min(published) if published else None
    return page


def _lang(snippet: dict[str, Any]) -> str | None:
    value = as_text(snippet.get("defaultAudioLanguage")) or as_text(snippet.get("defaultLanguage"))
    code = (value or "").split("-")[0].lower()
    return code if code.isalpha() and code.isascii() and 2 <= len(code) <= 3 else None


def parse_video(item: dict[str, Any], query: str | None) -> Post:
    snippet = _dict(item.get("snippet"))
    stats = _dict(item.get("statistics"))
    video_id = _video_id(item.get("id")) or ""
    raw_time = snippet.get("publishedAt")
    post = Post(
        platform=PLATFORM,
        platform_id=video_id,
        url=WATCH.format(video_id) if video_id else None,
        kind="video",
        title=as_text(snippet.get("title")) or None,
        text=as_text(snippet.get("description")) or None,
        lang=_lang(snippet),
        created_at=string_to_utc_iso(raw_time),
        created_at_raw=as_text(raw_time),
        author=as_text(snippet.get("channelTitle")) or None,
        author_id=as_text(snippet.get("channelId")) or None,
        author_name=as_text(snippet.get("channelTitle")) or None,
        like_count=count(stats.get("likeCount")),
        reply_count=count(stats.get("commentCount")),
        view_count=count(stats.get("viewCount")),
        source_query=query,
        raw=item,
    )
    return tidy_post(post)


def parse_videos(data: Any, query: str | None = None) -> Page:
    """videos.list -> Page(items of kind 'video')."""
    page, items = _load(data, "videos")
    page.next = None  # videos.list by id has no further pages
    for n, item in enumerate(items):
        if not isinstance(item, dict) or not _video_id(item.get("id")):
            page.skipped.append(f"youtube video #{n}: no id")
            continue
        try:
            page.items.append(parse_video(item, query))
        except (ParseError, *RECORD_ERRORS) as exc:
            page.skipped.append(f"youtube video #{n}: unreadable ({type(exc).__name__}: {exc})"[:200])
    return page


def parse_comment(
    comment: dict[str, Any], video_id: str, parent: str | None, query: str | None, replies: int | None = None
) -> Post:
    snippet = _dict(comment.get("snippet"))
    comment_id = as_text(comment.get("id")) or ""
    own_video = _video_id(snippet.get("videoId")) or video_id
    published, updated = snippet.get("publishedAt"), snippet.get("updatedAt")
    text = snippet.get("textOriginal")
    if not isinstance(text, str):  # textOriginal is only for the comment's author in some responses
        text = snippet.get("textDisplay")
    post = Post(
        platform=PLATFORM,
        platform_id=comment_id,
        url=COMMENT.format(own_video, comment_id) if own_video and comment_id else None,
        kind="comment",
        text=as_text(text) or None,
        created_at=string_to_utc_iso(published),
        created_at_raw=as_text(published),
        edited_at=string_to_utc_iso(updated) if updated and updated != published else None,
        author=as_text(snippet.get("authorDisplayName")) or None,
        author_id=as_text(_dict(snippet.get("authorChannelId")).get("value")) or None,
        author_name=as_text(snippet.get("authorDisplayName")) or None,
        like_count=count(snippet.get("likeCount")),
        reply_count=replies,
        reply_to=as_text(snippet.get("parentId")) or parent or own_video,
        thread_root=own_video,
        source_query=query,
        raw=comment,
    )
    return tidy_post(post)


def parse_comment_threads(data: Any, video_id: str, query: str | None = None) -> Page:
    """commentThreads.list -> Page(top-level comments and the replies shipped with them, next=nextPageToken)."""
    page, items = _load(data, "commentThreads")
    for n, thread in enumerate(items):
        snippet = _dict(_dict(thread).get("snippet"))
        top = _dict(snippet.get("topLevelComment"))
        if not as_text(top.get("id")):
            page.skipped.append(f"youtube comment thread #{n} of {video_id}: no topLevelComment.id")
            continue
        try:
            first = parse_comment(top, video_id, None, query, count(snippet.get("totalReplyCount")))
        except (ParseError, *RECORD_ERRORS) as exc:
            page.skipped.append(f"youtube comment thread #{n} of {video_id}: unreadable ({type(exc).__name__})")
            continue
        page.items.append(first)
        replies = _dict(_dict(thread).get("replies")).get("comments")
        for m, reply in enumerate(replies if isinstance(replies, list) else []):
            if not isinstance(reply, dict) or not as_text(reply.get("id")):
                page.skipped.append(f"youtube reply #{m} of {first.platform_id}: no id")
                continue
            try:
                page.items.append(parse_comment(reply, video_id, first.platform_id, query))
            except (ParseError, *RECORD_ERRORS) as exc:
                page.skipped.append(f"youtube reply #{m} of {first.platform_id}: unreadable ({type(exc).__name__})")
    return page
