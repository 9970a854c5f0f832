"""Zeeschuimer NDJSON exports (RedNote/Xiaohongshu, TikTok, Douyin) -> Post items.

Zeeschuimer is a browser extension researchers use to capture what a platform's web interface
loaded while they browsed. An export (``zeeschuimer-export-<platform>-<time>.ndjson``) holds one
JSON object per line: capture metadata (``id``, ``nav_index``, ``item_id``,
``timestamp_collected``/``last_updated`` in ms, ``source_platform``, ``source_platform_url``,
``source_url``, ``user_agent``) and ``data``, the platform's own item. The same ``item_id`` recurs
across captures: every line is one observation, keyed on (``source_platform``, ``item_id``).

Shapes handled (see shared/FORMATS.md):
- RedNote: web-API item (``model_type: "note"`` + ``note_card``), flat video item
  (``type: "video"`` + ``note_id``), embedded page item (``note`` with camelCase keys) and the
  HTML-card fallback (``_zs-origin: "html"``); comments (``*-comments``, ``sub_comment_count``).
- TikTok: the item API (``author`` a dict) and the embedded page form (``author`` a string).
- Douyin: snake_case API items and camelCase embedded items, ``"$undefined"`` placeholders.
- X/Twitter (``twitter.com``), Threads (``threads.net``) and Instagram (``instagram.com``): see
  crawler/parsers/zeeschuimer_x.py and zeeschuimer_meta.py. A line there can give more than one
  Post: a retweet/repost gives the original (``reposted_by`` names the reposter), a quote gives
  the quoting post (``quote_of``) and the quoted post.

Counts come as numbers or strings with Chinese units (``"9.7万"``): see :func:`parse_count`.
A capture's time is never used as the post's time: no time in the item means ``created_at=None``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from crawler.items import Post
from crawler.parsers import RECORD_ERRORS, Page, ParseError, tidy_post
from crawler.textnorm import epoch_to_utc_iso, merge_tags

# source_platform (without "www." and "-comments") -> Post.platform
PLATFORM_NAMES = {
    "xiaohongshu.com": "xiaohongshu",
    "xiaohongshu": "xiaohongshu",
    "rednote.com": "xiaohongshu",
    "tiktok.com": "tiktok",
    "tiktok": "tiktok",
    "douyin.com": "douyin",
    "douyin": "douyin",
    "twitter.com": "x",
    "x.com": "x",
    "twitter": "x",
    "threads.net": "threads",
    "threads.com": "threads",
    "threads": "threads",
    "instagram.com": "instagram",
    "instagram": "instagram",
}
REDNOTE_NOTE_URL = "https://www.xiaohongshu.com/explore/{}"
TIKTOK_VIDEO_URL = "https://www.tiktok.com/@{}/video/{}"
DOUYIN_VIDEO_URL = "https://www.douyin.com/video/{}"

_UNITS = {"万": 10_000, "w": 10_000, "亿": 100_000_000, "千": 1_000, "k": 1_000, "m": 1_000_000}
_COUNT_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(万|亿|千|w|k|m)?\s*\+?$", re.IGNORECASE)
# RedNote shows the button's label instead of a zero count ("赞" for no likes).
_ZERO_LABELS = {"赞", "点赞", "收藏", "评论", "分享", "like", "likes", "collect", "comment", "share"}
# "#名字[话题]#" topic markers, and plain "#tag" words (CJK included: \w is Unicode).
_TAG_RE = re.compile(r"#([^#\[\]\n]{1,64}?)\[话题\]#|(?<![\w&/])#(\w+)")
_TOPIC_MARKER_RE = re.compile(r"#([^#\[\]\n]{1,64}?)\[话题\]#")
_MISSING_IDS = {"", "undefined", "null", "none", "$undefined"}


def parse_count(value: Any) -> int | None:
    """A count as the platforms send it -> int; None when absent or unreadable.

    ``12``, ``"12"``, ``"1,024"``, ``"9.7万"`` (97000), ``"1.2亿"`` (120000000), ``"1万+"``
    (10000), ``"10w+"``, ``"3.4k"``; RedNote's zero placeholders (``"赞"``, ``"收藏"``) -> 0.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return round(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip().replace(",", "").replace("，", "").replace(" ", "")
    if not text or text == "$undefined":
        return None
    if text.casefold() in _ZERO_LABELS:
        return 0
    match = _COUNT_RE.match(text)
    if not match:
        return None
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return None
    unit = match.group(2)
    if unit:
        number *= _UNITS[unit.lower()]
    return int(number.to_integral_value())


def epoch_to_iso(value: Any, unit: str = "ms") -> str | None:
    """Epoch seconds or milliseconds (number or digit string) -> ``YYYY-MM-DDTHH:MM:SSZ`` (UTC).

    The one epoch rule (crawler.textnorm.epoch_to_utc_iso): a value obviously in the other unit
    is corrected; zero, negative and unreadable values give None. Times are UTC, never local.
    """
    return epoch_to_utc_iso(value, unit)


def rednote_text_and_tags(desc: str | None, tag_list: Any = None) -> tuple[str | None, list[str]]:
    """RedNote description -> (text with ``#名字[话题]#`` turned into ``#名字``, hashtags).

    Hashtags come from the topic markers, plain ``#words`` and ``tag_list``/``tagList``
    (``[{name}]``), in that order, without ``#``, first spelling kept.
    """
    tags: list[str] = []
    if desc:
        for match in _TAG_RE.finditer(desc):
            tag = (match.group(1) or match.group(2)).strip()
            if not tag.isdigit():  # "#1 app in the store" is not a hashtag
                tags.append(tag)
    for tag in tag_list if isinstance(tag_list, list) else []:
        name = tag.get("name") if isinstance(tag, dict) else tag
        if isinstance(name, str) and name.strip():
            tags.append(name.strip())
    text = _TOPIC_MARKER_RE.sub(lambda m: "#" + m.group(1).strip(), desc).strip() if desc else None
    return (text or None), _unique(tags)


def _unique(values: list[str]) -> list[str]:
    """Tags without repeats under the one folding rule (crawler.textnorm.tag_key); a '#@user'
    mention is not a tag."""
    return merge_tags(values)


def _get(mapping: Any, *keys: str) -> Any:
    """The first present, meaningful value among ``keys`` (skips None, "" and "$undefined")."""
    if not isinstance(mapping, dict):
        return None
    for key in keys:
        value = mapping.get(key)
        if value is None or value == "" or value == "$undefined":
            continue
        return value
    return None


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _usable_id(value: Any) -> str | None:
    text = _str(value)
    return None if text is None or text.casefold() in _MISSING_IDS else text


def platform_of(source_platform: Any) -> tuple[str, str]:
    """``source_platform`` -> (Post.platform, kind hint "post"/"comment"); ParseError if unknown."""
    if not isinstance(source_platform, str) or not source_platform.strip():
        raise ParseError("missing source_platform")
    name = source_platform.strip().lower()
    name = name.removeprefix("www.")
    comments = name.endswith("-comments")
    if comments:
        name = name[: -len("-comments")]
    platform = PLATFORM_NAMES.get(name)
    if platform is None:
        raise ParseError(f"unknown source_platform {source_platform!r}")
    return platform, "comment" if comments else "post"


def parse_line(line: str, lineno: int) -> Post:
    """One NDJSON line -> its Post (one observation); ParseError with a short reason otherwise.

    For a line that gives several Posts (a quote and the quoted post), the first."""
    return parse_line_posts(line, lineno)[0]


def parse_line_posts(line: str, lineno: int) -> list[Post]:
    """One NDJSON line -> its Posts, each one observation at the capture time (one Post for every
    platform but X and Threads, where a quote also gives the quoted post); ParseError otherwise."""
    text = line.replace("\x00", "").strip().lstrip("\ufeff")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"malformed JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise ParseError("malformed JSON: nested too deeply") from None
    if not isinstance(record, dict):
        raise ParseError("not a JSON object")
    data = record.get("data")
    if not isinstance(data, dict):
        raise ParseError("missing data" if data is None else "data is not an object")
    if "item_id" not in record or record["item_id"] in (None, ""):
        raise ParseError("missing item_id")
    platform, hint = platform_of(record.get("source_platform"))
    if platform in META_AND_X:
        return _meta_and_x_posts(record, data, platform)
    try:
        if platform == "xiaohongshu":
            post = _rednote(data, hint)
        elif platform == "tiktok":
            post = _tiktok(data, hint)
        else:
            post = _douyin(data, hint)
    except ParseError:
        raise
    except RECORD_ERRORS as exc:
        raise ParseError(f"unexpected {platform} item shape ({type(exc).__name__}: {exc})") from None
    # The capture's item_id is the key; Zeeschuimer writes "undefined" when the page's map
    # was keyed by undefined, so fall back on the id the item carries itself.
    item_id = _usable_id(record["item_id"]) or post.platform_id
    if not item_id:
        raise ParseError("missing item_id")
    post.platform_id = item_id
    if post.url is None and platform == "xiaohongshu" and post.kind == "note":
        post.url = REDNOTE_NOTE_URL.format(item_id)
    post.raw = record
    post.observed_at = epoch_to_iso(record.get("timestamp_collected"))  # each line is one observation
    return [tidy_post(post)]


META_AND_X = ("x", "threads", "instagram")


def _meta_and_x_posts(record: dict, data: dict, platform: str) -> list[Post]:
    """X, Threads, Instagram lines. The captured item is keyed on the line's ``item_id`` (as every
    Zeeschuimer item is), except a repost, whose first Post is the original under its own id."""
    from crawler.parsers import zeeschuimer_meta, zeeschuimer_x

    try:
        if platform == "x":
            posts, repost = zeeschuimer_x.tweet_posts(data), zeeschuimer_x.is_retweet(data)
        elif platform == "threads":
            posts, repost = zeeschuimer_meta.threads_posts(data), zeeschuimer_meta.is_repost(data)
        else:
            posts, repost = zeeschuimer_meta.instagram_posts(data), False
    except ParseError:
        raise
    except RECORD_ERRORS as exc:
        raise ParseError(f"unexpected {platform} item shape ({type(exc).__name__}: {exc})") from None
    item_id = _usable_id(record["item_id"])
    if item_id and not repost and item_id != posts[0].platform_id:
        old = posts[0].platform_id
        posts[0].platform_id = item_id
        for other in posts[1:]:  # the quoted post's links back, if any, follow the key
            other.quote_of = item_id if other.quote_of == old else other.quote_of
    observed = epoch_to_iso(record.get("timestamp_collected"))
    out = []
    for n, post in enumerate(posts):
        if n == 0:  # an embedded (quoted) post keeps its own item as raw
            post.raw = record
        post.observed_at = observed
        out.append(tidy_post(post))
    return out


def iter_ndjson(lines: Iterable[str], source: str) -> Iterator[tuple[int, Post | None, str | None]]:
    """Lines of an export -> ``(line number, Post, None)`` or ``(line number, None, reason)``.

    Blank lines are ignored; line numbers are 1-based physical lines. Never raises on bad content.
    """
    for lineno, line in enumerate(lines, start=1):
        if not line.strip().lstrip("\ufeff").strip():
            continue
        try:
            posts = parse_line_posts(line, lineno)
        except ParseError as exc:
            yield lineno, None, f"line {lineno}: {exc}"
            continue
        for post in posts:
            post.source_query = source
            yield lineno, post, None


def parse_ndjson(text: str, source: str) -> Page:
    """A whole export -> Page: one Post per good line, one ``"line N: reason"`` per bad line.

    Lines are split on ``\\n`` only (a raw U+2028 inside a JSON string is legal JSON and must not
    split a record), blank lines are ignored. Never raises on bad content.
    """
    page = Page()
    for _lineno, post, reason in iter_ndjson(text.split("\n"), source):
        if post is None:
            page.skipped.append(reason or "")
        else:
            page.items.append(post)
    return page


# --- RedNote ------------------------------------------------------------------------------------


def _rednote(data: dict, hint: str) -> Post:
    if hint == "comment" or "sub_comment_count" in data:
        return _rednote_comment(data)
    if data.get("_zs-origin") == "html":
        return _rednote_html(data)
    if isinstance(data.get("note"), dict):
        return _rednote_embedded(data)
    if isinstance(data.get("note_card"), dict):
        return _rednote_api(data, data["note_card"])
    if data.get("type") == "video" and data.get("note_id"):
        return _rednote_api(data, data)
    raise ParseError("xiaohongshu item without note content (tile stub?)")


def _rednote_user(user: Any) -> tuple[str | None, str | None]:
    """(user id, nickname) from snake_case or camelCase user objects (nickname|nick_name|nickName)."""
    user_id = _str(_get(user, "user_id", "userId", "userid", "id"))
    name = _str(_get(user, "nickname", "nick_name", "nickName"))
    return user_id, name


def _rednote_post(
    note_id: str | None,
    title: Any,
    desc: Any,
    tag_list: Any,
    user: Any,
    counts: dict,
    time_ms: Any,
    updated_ms: Any,
) -> Post:
    text, tags = rednote_text_and_tags(desc if isinstance(desc, str) else None, tag_list)
    user_id, nickname = _rednote_user(user)
    return Post(
        platform="xiaohongshu",
        platform_id=note_id or "",
        url=REDNOTE_NOTE_URL.format(note_id) if note_id else None,
        kind="note",
        title=_str(title),
        text=text,
        created_at=epoch_to_iso(time_ms, "ms"),
        created_at_raw=_str(time_ms),
        edited_at=epoch_to_iso(updated_ms, "ms"),
        author=nickname,
        author_id=user_id,
        author_name=nickname,
        hashtags=tags,
        like_count=parse_count(counts.get("like")),
        collect_count=parse_count(counts.get("collect")),
        reply_count=parse_count(counts.get("comment")),
        share_count=parse_count(counts.get("share")),
    )


def _rednote_api(data: dict, card: dict) -> Post:
    """Web-API item (``note_card``) or the flat video item of user pages (the card is the item)."""
    info = card.get("interact_info") or card.get("interactInfo") or {}
    return _rednote_post(
        note_id=_usable_id(_get(data, "id", "note_id")) or _usable_id(_get(card, "note_id", "id")),
        title=_get(card, "display_title", "title"),
        desc=card.get("desc"),
        tag_list=card.get("tag_list"),
        user=card.get("user"),
        counts={
            "like": _get(info, "liked_count", "likedCount"),
            "collect": _get(info, "collected_count", "collectedCount"),
            "comment": _get(info, "comment_count", "commentCount"),
            "share": _get(info, "share_count", "shared_count", "shareCount"),
        },
        time_ms=card.get("time"),
        updated_ms=card.get("last_update_time"),
    )


def _rednote_embedded(data: dict) -> Post:
    """Item from a note page's ``__INITIAL_STATE__`` (``noteDetailMap`` entry, camelCase)."""
    note = data["note"]
    info = note.get("interactInfo") or note.get("interact_info") or {}
    return _rednote_post(
        note_id=_usable_id(_get(note, "noteId", "id")) or _usable_id(data.get("id")),
        title=_get(note, "title", "displayTitle"),
        desc=note.get("desc"),
        tag_list=note.get("tagList"),
        user=note.get("user"),
        counts={
            "like": _get(info, "likedCount", "liked_count") or note.get("likes"),
            "collect": _get(info, "collectedCount", "collected_count"),
            "comment": _get(info, "commentCount", "comment_count"),
            "share": _get(info, "shareCount", "share_count", "sharedCount"),
        },
        time_ms=note.get("time"),
        updated_ms=note.get("lastUpdateTime"),
    )


def _rednote_html(data: dict) -> Post:
    """Card scraped from rendered HTML: id, url, title, author_name, likes; no time, no text."""
    note_id = _usable_id(data.get("id"))
    return Post(
        platform="xiaohongshu",
        platform_id=note_id or "",
        url=REDNOTE_NOTE_URL.format(note_id) if note_id else None,
        kind="note",
        title=_str(data.get("title")),
        author=_str(data.get("author_name")),
        author_name=_str(data.get("author_name")),
        like_count=parse_count(data.get("likes")),
    )


def _rednote_comment(data: dict) -> Post:
    """A comment from ``/api/sns/web/v2/comment/page`` (``sub_comment_count`` marks it)."""
    user_id, nickname = _rednote_user(data.get("user_info") or data.get("userInfo"))
    note_id = _usable_id(_get(data, "note_id", "noteId"))
    target = _usable_id(_get(data.get("target_comment"), "id"))
    text, tags = rednote_text_and_tags(_str(data.get("content")))
    return Post(
        platform="xiaohongshu",
        platform_id=_usable_id(data.get("id")) or "",
        url=REDNOTE_NOTE_URL.format(note_id) if note_id else None,
        kind="comment",
        text=text,
        created_at=epoch_to_iso(_get(data, "create_time", "createTime"), "ms"),
        created_at_raw=_str(_get(data, "create_time", "createTime")),
        author=nickname,
        author_id=user_id,
        author_name=nickname,
        hashtags=tags,
        mentions=[n for n in (_rednote_user(u)[1] for u in data.get("at_users") or []) if n],
        like_count=parse_count(_get(data, "like_count", "likeCount")),
        reply_count=parse_count(_get(data, "sub_comment_count", "subCommentCount")),
        reply_to=target or note_id,
        thread_root=note_id,
    )


# --- TikTok -------------------------------------------------------------------------------------


def _tiktok(data: dict, hint: str) -> Post:
    if hint == "comment" or ("cid" in data and "aweme_id" in data):
        return _bytedance_comment(data, "tiktok")
    video_id = _usable_id(_get(data, "id", "aweme_id"))
    author = data.get("author")
    if isinstance(author, dict):
        handle = _str(_get(author, "uniqueId", "unique_id"))
        name = _str(_get(author, "nickname"))
        author_id = _str(_get(author, "id", "uid"))
    else:  # embedded page form: author is the handle, nickname/authorId sit on the item
        handle = _str(author)
        name = _str(_get(data, "nickname"))
        author_id = _str(_get(data, "authorId"))
    stats = data.get("stats") if isinstance(data.get("stats"), dict) else {}
    stats_v2 = data.get("statsV2") if isinstance(data.get("statsV2"), dict) else {}

    def count(key: str) -> int | None:
        value = parse_count(stats.get(key))
        return value if value is not None else parse_count(stats_v2.get(key))

    extras = data.get("textExtra") if isinstance(data.get("textExtra"), list) else []
    tags = [e.get("hashtagName") for e in extras if isinstance(e, dict) and e.get("hashtagName")]
    tags += [c.get("title") for c in data.get("challenges") or [] if isinstance(c, dict) and c.get("title")]
    mentions = [e.get("userUniqueId") for e in extras if isinstance(e, dict) and e.get("userUniqueId")]
    lang = _str(data.get("textLanguage"))
    return Post(
        platform="tiktok",
        platform_id=video_id or "",
        url=TIKTOK_VIDEO_URL.format(handle, video_id) if handle and video_id else None,
        kind="video",
        text=_str(data.get("desc")),
        lang=lang if lang and len(lang) == 2 and lang != "un" else None,
        created_at=epoch_to_iso(data.get("createTime"), "s"),
        created_at_raw=_str(data.get("createTime")),
        author=handle,
        author_id=author_id,
        author_name=name,
        author_followers=parse_count(_get(data.get("authorStats"), "followerCount")),
        hashtags=_unique([t.strip() for t in tags if isinstance(t, str)]),
        mentions=list(dict.fromkeys(m for m in mentions if isinstance(m, str))),
        like_count=count("diggCount"),
        reply_count=count("commentCount"),
        share_count=count("shareCount"),
        collect_count=count("collectCount"),
        view_count=count("playCount"),
    )


# --- Douyin -------------------------------------------------------------------------------------


def _douyin(data: dict, hint: str) -> Post:
    if hint == "comment" or ("cid" in data and ("aweme_id" in data or "awemeId" in data)):
        return _bytedance_comment(data, "douyin")
    video_id = _usable_id(_get(data, "aweme_id", "awemeId", "id"))
    author = _get(data, "author", "authorInfo")
    author = author if isinstance(author, dict) else {}
    stats = _get(data, "statistics", "stats")
    stats = stats if isinstance(stats, dict) else {}

    def count(snake: str, camel: str) -> int | None:
        return parse_count(_get(stats, snake, camel))

    extras = _get(data, "text_extra", "textExtra")
    extras = extras if isinstance(extras, list) else []
    tags = [_get(e, "hashtag_name", "hashtagName") for e in extras if isinstance(e, dict)]
    created = _get(data, "create_time", "createTime")
    return Post(
        platform="douyin",
        platform_id=video_id or "",
        url=DOUYIN_VIDEO_URL.format(video_id) if video_id else None,
        kind="video",
        text=_str(data.get("desc")),
        created_at=epoch_to_iso(created, "s"),
        created_at_raw=_str(created),
        author=_str(_get(author, "unique_id", "uniqueId", "short_id", "shortId")),
        author_id=_str(_get(author, "uid", "id")) or _str(_get(data, "author_user_id", "authorUserId")),
        author_name=_str(_get(author, "nickname")),
        author_followers=parse_count(_get(author, "follower_count", "followerCount")),
        hashtags=_unique([t.strip() for t in tags if isinstance(t, str) and t.strip()]),
        like_count=count("digg_count", "diggCount"),
        reply_count=count("comment_count", "commentCount"),
        share_count=count("share_count", "shareCount"),
        collect_count=count("collect_count", "collectCount"),
        # Douyin's web API hides view counts as 0: a zero there is "not shown", not "no views".
        view_count=count("play_count", "playCount") or None,
    )


def _bytedance_comment(data: dict, platform: str) -> Post:
    """TikTok and Douyin comments (``cid``, ``aweme_id``, ``text``, ``create_time`` in seconds)."""
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    video_id = _usable_id(_get(data, "aweme_id", "awemeId"))
    parent = _usable_id(_get(data, "reply_id", "replyId"))
    parent = None if parent == "0" else parent
    handle = _str(_get(user, "unique_id", "uniqueId"))
    if platform == "douyin":
        url = DOUYIN_VIDEO_URL.format(video_id) if video_id else None
    else:
        url = _str(_get(data.get("share_info"), "url"))
    created = _get(data, "create_time", "createTime")
    return Post(
        platform=platform,
        platform_id=_usable_id(_get(data, "cid", "id")) or "",
        url=url,
        kind="comment",
        text=_str(data.get("text")),
        created_at=epoch_to_iso(created, "s"),
        created_at_raw=_str(created),
        author=handle,
        author_id=_str(_get(user, "uid", "id")),
        author_name=_str(_get(user, "nickname")),
        like_count=parse_count(_get(data, "digg_count", "diggCount")),
        reply_count=parse_count(_get(data, "reply_comment_total", "replyCommentTotal")),
        reply_to=parent or video_id,
        thread_root=video_id,
    )
