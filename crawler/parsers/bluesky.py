"""Bluesky: ``app.bsky.feed.searchPosts`` pages and ``com.atproto.server.createSession``.

``parse_search(data, query)`` turns one searchPosts response (``{posts: [PostView], cursor}``) into
Post items. Facet offsets are UTF-8 **byte** offsets; ``createdAt`` comes in several ISO forms
(ms, µs, ``+00:00``) and is normalised to ``YYYY-MM-DDTHH:MM:SSZ`` with the original kept.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from crawler.items import Post
from crawler.parsers import Page, ParseError

PLATFORM = "bluesky"
WEB = "https://bsky.app/profile/{author}/post/{rkey}"
FACET = "app.bsky.richtext.facet#"
QUOTE_VIEWS = ("app.bsky.embed.record#view", "app.bsky.embed.recordWithMedia#view")


def load_json(data: Any) -> Any:
    """Accept an already decoded body or its bytes/text; ParseError when it is not JSON."""
    if isinstance(data, bytes | bytearray):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(f"body is not UTF-8: {exc}") from exc
    if isinstance(data, str):
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            raise ParseError(f"body is not JSON: {exc}") from exc
    return data


def utc_iso(value: str | None) -> str | None:
    """Any ISO 8601 timestamp (Z, +hh:mm, ms, µs, ns, naive = UTC) -> 'YYYY-MM-DDTHH:MM:SSZ'."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def facet_slice(text: str, start: Any, end: Any) -> str | None:
    """The text a facet covers; its offsets count UTF-8 bytes, not characters."""
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        return None
    raw = text.encode("utf-8")
    if end > len(raw):
        return None
    return raw[start:end].decode("utf-8", errors="replace")


def parse_facets(record: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """(hashtags, mentions, links) from the record's facets and self-labelled ``tags``."""
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    tags: list[str] = []
    mentions: list[str] = []
    links: list[str] = []
    facets = record.get("facets") if isinstance(record.get("facets"), list) else []
    for facet in facets:
        index = _dict(_dict(facet).get("index"))
        covered = facet_slice(text, index.get("byteStart"), index.get("byteEnd"))
        if covered is None:  # offsets outside the text: clients ignore such a facet
            continue
        features = _dict(facet).get("features")
        for feature in features if isinstance(features, list) else []:
            kind = str(_dict(feature).get("$type", "")).removeprefix(FACET)
            if kind == "tag" and feature.get("tag"):
                tags.append(str(feature["tag"]).lstrip("#"))
            elif kind == "link" and feature.get("uri"):
                links.append(str(feature["uri"]))
            elif kind == "mention":
                handle = covered.lstrip("@") if covered.startswith("@") else None
                if handle or feature.get("did"):
                    mentions.append(handle or str(feature["did"]))
    for tag in record.get("tags") if isinstance(record.get("tags"), list) else []:
        if isinstance(tag, str) and tag.lstrip("#") not in tags:
            tags.append(tag.lstrip("#"))
    return _unique(tags), _unique(mentions), _unique(links)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def quoted_uri(view: dict[str, Any], record: dict[str, Any]) -> str | None:
    """The at:// URI of a quoted post: the hydrated embed view first, the record's embed second."""
    embed = _dict(view.get("embed"))
    if embed.get("$type") in QUOTE_VIEWS:
        inner = _dict(embed.get("record"))
        if embed["$type"].startswith("app.bsky.embed.recordWithMedia"):
            inner = _dict(inner.get("record"))
        if isinstance(inner.get("uri"), str):
            return inner["uri"]
    own = _dict(record.get("embed"))
    if own.get("$type") == "app.bsky.embed.recordWithMedia":
        own = _dict(own.get("record"))
    if own.get("$type") in ("app.bsky.embed.record", None):
        uri = _dict(own.get("record")).get("uri")
        return uri if isinstance(uri, str) and uri.startswith("at://") else None
    return None


def external_link(view: dict[str, Any], record: dict[str, Any]) -> str | None:
    """A link card (``app.bsky.embed.external``) URI, from the view or the record."""
    for embed in (_dict(view.get("embed")), _dict(record.get("embed"))):
        if str(embed.get("$type", "")).startswith("app.bsky.embed.external"):
            uri = _dict(embed.get("external")).get("uri")
            if isinstance(uri, str) and uri:
                return uri
    return None


def web_url(uri: str, author: dict[str, Any]) -> str | None:
    """https://bsky.app/profile/<handle>/post/<rkey>; the DID when the handle is invalid."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return None
    handle = author.get("handle")
    who = handle if isinstance(handle, str) and handle and handle != "handle.invalid" else parts[0]
    return WEB.format(author=who, rkey=parts[2])


def parse_post(view: dict[str, Any], query: str | None = None) -> Post:
    """One PostView -> Post (``uri`` must be present: the caller checks)."""
    record = _dict(view.get("record"))
    author = _dict(view.get("author"))
    reply = _dict(record.get("reply"))
    hashtags, mentions, links = parse_facets(record)
    card = external_link(view, record)
    if card and card not in links:
        links.append(card)
    raw_time = record.get("createdAt") or view.get("indexedAt")
    langs = record.get("langs") if isinstance(record.get("langs"), list) else []
    text = record.get("text") if isinstance(record.get("text"), str) else None
    return Post(
        platform=PLATFORM,
        platform_id=view["uri"],
        url=web_url(view["uri"], author),
        kind="post",
        text=text or None,
        lang=str(langs[0]).split("-")[0].lower() if langs else None,
        created_at=utc_iso(raw_time),
        created_at_raw=raw_time if isinstance(raw_time, str) else None,
        author=author.get("handle"),
        author_id=author.get("did"),
        author_name=author.get("displayName") or None,
        hashtags=hashtags,
        mentions=mentions,
        links=links,
        like_count=_int(view.get("likeCount")),
        repost_count=_int(view.get("repostCount")),
        reply_count=_int(view.get("replyCount")),
        quote_count=_int(view.get("quoteCount")),
        reply_to=_dict(reply.get("parent")).get("uri"),
        thread_root=_dict(reply.get("root")).get("uri"),
        quote_of=quoted_uri(view, record),
        source_query=query,
        raw=view,
    )


def parse_search(data: Any, query: str | None = None) -> Page:
    """One searchPosts response -> Page(items, next=cursor, extra={'max_created_at': ...})."""
    data = load_json(data)
    if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
        raise ParseError("searchPosts: expected an object with a 'posts' list")
    page = Page()
    for n, view in enumerate(data["posts"]):
        if not isinstance(view, dict) or not isinstance(view.get("uri"), str) or not view["uri"]:
            page.skipped.append(f"bluesky post #{n}: no uri")
            continue
        page.items.append(parse_post(view, query))
    cursor = data.get("cursor")
    # an empty page that still carries a cursor would loop forever: stop there
    page.next = str(cursor) if cursor not in (None, "") and data["posts"] else None
    times = [p.created_at for p in page.items if p.created_at]
    page.extra["max_created_at"] = max(times) if times else None
    if isinstance(data.get("hitsTotal"), int):
        page.extra["hits_total"] = data["hitsTotal"]
    return page


def parse_session(data: Any) -> str:
    """A createSession response -> its accessJwt."""
    data = load_json(data)
    token = data.get("accessJwt") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        raise ParseError("createSession: no accessJwt in the response")
    return token
