"""TikTok Research API: the client token, ``/v2/research/video/query/`` and
``/v2/research/video/comment/list/`` responses.

Every research response is ``{"data": {...}, "error": {"code", "message", "log_id"}}``; ``code`` is
``"ok"`` on success, and an error object can arrive with HTTP 200 as well as with a 4xx/5xx. The
parsers never raise for an API error: it is returned in ``Page.extra["error"]`` (``code``,
``message``, ``log_id``) and the spider decides (stop, retry next run, count).

Videos: ``id`` is an int64 JSON number (some recorded responses call it ``video_id``), also
accepted as a string; ``create_time`` is epoch seconds; ``username`` builds the web URL
``https://www.tiktok.com/@<username>/video/<id>`` (the same platform id and URL the Zeeschuimer
importer gives a TikTok video, so both sources upsert one row). Paging: ``data.cursor`` (an
offset), ``data.has_more`` and ``data.search_id`` (to be sent back with the next page).
Comments: ``id``, ``video_id``, ``text``, ``like_count``, ``reply_count``, ``parent_comment_id``
(the video id for a top-level comment), ``create_time``.
"""

from __future__ import annotations

from typing import Any

from crawler.items import Post
from crawler.parsers import RECORD_ERRORS, Page, ParseError, as_int, as_text, load_json, text_list, tidy_post
from crawler.textnorm import epoch_to_utc_iso

PLATFORM = "tiktok"
VIDEO_URL = "https://www.tiktok.com/@{}/video/{}"
VIDEO_FIELDS = (
    "id,video_description,create_time,region_code,share_count,view_count,like_count,comment_count,"
    "music_id,hashtag_names,username,voice_to_text"
)
COMMENT_FIELDS = "id,video_id,text,like_count,reply_count,parent_comment_id,create_time"
AUTH_ERRORS = {
    "access_token_invalid",
    "access_token_expired",
    "scope_not_authorized",
    "scope_permission_missed",
    "invalid_client",
    "unauthorized_client",
    "permission_denied",
}
QUOTA_ERRORS = {"rate_limit_exceeded", "daily_quota_limit_exceeded"}


def _id(value: Any) -> str | None:
    """An id as TikTok sends it (an int64 number, sometimes a digit string) -> its digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return value.strip()
    return None


def api_error(data: Any) -> dict[str, str] | None:
    """The response's error object when its code is not ``ok`` (None on success)."""
    if not isinstance(data, dict):
        return None
    err = data.get("error")
    if isinstance(err, str):  # the OAuth endpoint: {"error": "invalid_client", "error_description": ...}
        return {
            "code": as_text(err) or "error",
            "message": as_text(data.get("error_description")) or "",
            "log_id": as_text(data.get("log_id")) or "",
        }
    if not isinstance(err, dict):
        return None
    code = as_text(err.get("code")) or ""
    if code.lower() == "ok":
        return None
    return {
        "code": code or "unknown",
        "message": as_text(err.get("message")) or "",
        "log_id": as_text(err.get("log_id")) or "",
    }


def parse_token(data: Any) -> Page:
    """``/v2/oauth/token/`` -> Page(extra={'access_token', 'expires_in'} or {'error'})."""
    data = load_json(data)
    if not isinstance(data, dict):
        raise ParseError("tiktok token: expected an object")
    error = api_error(data)
    if error:
        return Page(extra={"error": error})
    token = as_text(data.get("access_token"))
    if not token or not token.strip():
        raise ParseError("tiktok token: no access_token in the response")
    return Page(extra={"access_token": token, "expires_in": as_int(data.get("expires_in"))})


def _envelope(data: Any, key: str, what: str) -> tuple[Page, dict[str, Any], list[Any]]:
    data = load_json(data)
    if not isinstance(data, dict):
        raise ParseError(f"tiktok {what}: expected an object")
    page = Page()
    error = api_error(data)
    if error:
        page.extra["error"] = error
        return page, {}, []
    body = data.get("data")
    if not isinstance(body, dict):
        raise ParseError(f"tiktok {what}: no data object")
    records = body.get(key)
    if records is None:
        records = []  # an empty window may come without the list
    if not isinstance(records, list):
        raise ParseError(f"tiktok {what}: data.{key} is not a list")
    has_more = body.get("has_more") is True
    cursor = as_int(body.get("cursor"))
    page.extra["has_more"] = has_more and cursor is not None and bool(records)  # no progress: stop
    page.extra["cursor"] = cursor
    page.next = str(cursor) if page.extra["has_more"] else None
    return page, body, records


def parse_video(video: dict[str, Any], query: str | None) -> Post:
    video_id = _id(video.get("id")) or _id(video.get("video_id"))
    username = as_text(video.get("username"))
    username = username.strip().lstrip("@") if username else None
    created = video.get("create_time")
    post = Post(
        platform=PLATFORM,
        platform_id=video_id or "",
        url=VIDEO_URL.format(username, video_id) if username and video_id else None,
        kind="video",
        text=as_text(video.get("video_description")) or None,
        created_at=epoch_to_utc_iso(created, "s"),
        created_at_raw=as_text(created) if epoch_to_utc_iso(created, "s") else None,
        author=username or None,
        hashtags=text_list(video.get("hashtag_names")),
        like_count=as_int(video.get("like_count")),
        reply_count=as_int(video.get("comment_count")),
        share_count=as_int(video.get("share_count")),
        view_count=as_int(video.get("view_count")),
        collect_count=as_int(video.get("favorites_count")),
        source_query=query,
        raw=video,
    )
    return tidy_post(post)


def parse_videos(data: Any, query: str | None = None) -> Page:
    """One video query response -> Page(items, next=cursor, extra={'search_id', 'has_more',
    'cursor', 'max_created_at'} or {'error'})."""
    page, body, records = _envelope(data, "videos", "video query")
    if "error" in page.extra:
        return page
    page.extra["search_id"] = as_text(body.get("search_id"))
    for n, video in enumerate(records):
        if not isinstance(video, dict) or not (_id(video.get("id")) or _id(video.get("video_id"))):
            page.skipped.append(f"tiktok video #{n}: no id")
            continue
        try:
            page.items.append(parse_video(video, query))
        except (ParseError, *RECORD_ERRORS) as exc:
            page.skipped.append(f"tiktok video #{n}: unreadable ({type(exc).__name__}: {exc})"[:200])
    times = [p.created_at for p in page.items if p.created_at]
    page.extra["max_created_at"] = max(times) if times else None
    return page


def parse_comment(comment: dict[str, Any], video_id: str, query: str | None) -> Post:
    own_video = _id(comment.get("video_id")) or video_id
    parent = _id(comment.get("parent_comment_id"))
    created = comment.get("create_time")
    post = Post(
        platform=PLATFORM,
        platform_id=_id(comment.get("id")) or "",
        kind="comment",
        text=as_text(comment.get("text")) or None,
        created_at=epoch_to_utc_iso(created, "s"),
        created_at_raw=as_text(created) if epoch_to_utc_iso(created, "s") else None,
        like_count=as_int(comment.get("like_count")),
        reply_count=as_int(comment.get("reply_count")),
        reply_to=parent or own_video,
        thread_root=own_video,
        source_query=query,
        raw=comment,
    )
    return tidy_post(post)


def parse_comments(data: Any, video_id: str, query: str | None = None) -> Page:
    """One comment list response -> Page(items, next=cursor, extra={'has_more', 'cursor'} or {'error'})."""
    page, _body, records = _envelope(data, "comments", "comment list")
    if "error" in page.extra:
        return page
    for n, comment in enumerate(records):
        if not isinstance(comment, dict) or not _id(comment.get("id")):
            page.skipped.append(f"tiktok comment #{n} of video {video_id}: no id")
            continue
        try:
            page.items.append(parse_comment(comment, video_id, query))
        except (ParseError, *RECORD_ERRORS) as exc:
            page.skipped.append(f"tiktok comment #{n} of video {video_id}: unreadable ({type(exc).__name__})")
    return page
