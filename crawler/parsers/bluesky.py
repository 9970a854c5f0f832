"""Bluesky: ``app.bsky.feed.searchPosts`` pages and ``com.atproto.server.createSession``.

``parse_search(data, query)`` turns one searchPosts response (``{posts: [PostView], cursor}``) into
Post items. Facet offsets are UTF-8 **byte** offsets; ``createdAt`` comes in several ISO forms
(ms, µs, ``+00:00``) and is normalised to ``YYYY-MM-DDTHH:MM:SSZ`` with the original kept.
"""

from __future__ import annotations

from typing import Any

from crawler.items import Post
from crawler.parsers import RECORD_ERRORS, Page, ParseError, as_text, load_json, tidy_post
from crawler.textnorm import merge_tags, string_to_utc_iso

__all__ = ["load_json", "utc_iso", "parse_search", "parse_session", "parse_post"]

PLATFORM = "bluesky"
WEB = "https://bsky.app/profile/{author}/post/{rkey}"
FACET = "app.bsky.richtext.facet#"
QUOTE_VIEWS = ("app.bsky.embed.record#view", "app.bsky.embed.recordWithMedia#view")


# one loader and one time rule for every parser (kept here under their old names: the Hacker
# News and Reddit modules and the hackernews spider import them from this module)
utc_iso = string_to_utc_iso


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def facet_slice(text: str, start: Any, end: Any) -> str | None:
    """The text a facet covers; its offsets count UTF-8 bytes, not characters."""
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        return None
    raw = text.encode("utf-8", errors="surrogatepass")  # a lone surrogate (legal JSON) keeps its 3 bytes
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
            if kind == "tag" and as_text(feature.get("tag")):
                tags.append(as_text(feature["tag"]))
            elif kind == "link" and as_text(feature.get("uri")):
                links.append(as_text(feature["uri"]))
            elif kind == "mention":
                handle = covered.lstrip("@") if covered.startswith("@") else None
                did = as_text(feature.get("did"))
                if handle or did:
                    mentions.append(handle or did)
    tags += [t for t in record.get("tags") or [] if isinstance(t, str)] if isinstance(record.get("tags"), list) else []
    return merge_tags(tags), _unique(mentions), _unique(links)


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


def quoted_view(view: dict[str, Any]) -> dict[str, Any] | None:
    """The hydrated quoted post of a PostView (``app.bsky.embed.record#view`` or
    ``recordWithMedia#view``, its ``record`` an ``app.bsky.embed.record#viewRecord``) reshaped
    as a PostView (``value`` -> ``record``, ``embeds[0]`` -> ``embed``); None when the quote is
    not a post or not available (``viewNotFound``, ``viewBlocked``, ``viewDetached``)."""
    embed = _dict(view.get("embed"))
    if embed.get("$type") not in QUOTE_VIEWS:
        return None
    inner = _dict(embed.get("record"))
    if embed["$type"].startswith("app.bsky.embed.recordWithMedia"):
        inner = _dict(inner.get("record"))
    uri = inner.get("uri")
    if inner.get("$type", "app.bsky.embed.record#viewRecord") != "app.bsky.embed.record#viewRecord":
        return None
    if not isinstance(uri, str) or "/app.bsky.feed.post/" not in uri or not isinstance(inner.get("value"), dict):
        return None
    embeds = inner.get("embeds") if isinstance(inner.get("embeds"), list) else []
    out = {k: v for k, v in inner.items() if k not in ("value", "embeds", "$type")}
    out["record"] = inner["value"]
    if embeds:
        out["embed"] = embeds[0]
    return out


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
    post = Post(
        platform=PLATFORM,
        platform_id=view["uri"],
        url=web_url(view["uri"], author),
        kind="post",
        text=text or None,
        lang=(as_text(langs[0]) or "").split("-")[0].lower() or None if langs else None,
        created_at=utc_iso(raw_time),
        created_at_raw=raw_time if isinstance(raw_time, str) else None,
        author=author.get("handle") if isinstance(author.get("handle"), str) else None,
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
    return tidy_post(post)


def parse_search(data: Any, query: str | None = None) -> Page:
    """One searchPosts response -> Page(items, next=cursor, extra={'max_created_at': ...}).

    A hit that quotes a post (``app.bsky.embed.record#view``, ``recordWithMedia#view``) has
    ``quote_of`` set, and the quoted post, when the view carries it, is a Post of its own (listed
    in ``extra['quoted']``; ``max_created_at`` counts the search's hits only). A post that cannot
    be read is a skip; its neighbours are kept."""
    data = load_json(data)
    if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
        raise ParseError("searchPosts: expected an object with a 'posts' list")
    page = Page(extra={"quoted": []})  # platform ids of posts yielded only because a hit quotes them
    seen: set[str] = set()
    hits = []
    for n, view in enumerate(data["posts"]):
        if not isinstance(view, dict) or not isinstance(view.get("uri"), str) or not view["uri"].strip():
            page.skipped.append(f"bluesky post #{n}: no uri")
            continue
        try:
            post = parse_post(view, query)
            quoted = quoted_view(view)
            quoted_post = parse_post(quoted, query) if quoted else None
        except RECORD_ERRORS as exc:
            page.skipped.append(f"bluesky post #{n}: unreadable ({type(exc).__name__}: {exc})"[:200])
            continue
        hits.append(post)
        if post.platform_id in page.extra["quoted"]:  # already yielded as a quoted post: this is the hit's copy
            page.items = [p for p in page.items if p.platform_id != post.platform_id]
            page.extra["quoted"].remove(post.platform_id)
        seen.add(post.platform_id)
        page.items.append(post)
        if quoted_post is not None and quoted_post.platform_id not in seen:  # a Post of its own
            seen.add(quoted_post.platform_id)
            page.items.append(quoted_post)
            page.extra["quoted"].append(quoted_post.platform_id)
    cursor = as_text(data.get("cursor")) if not isinstance(data.get("cursor"), float) else None
    # an empty page that still carries a cursor would loop forever: stop there
    page.next = cursor if cursor and data["posts"] else None
    times = [p.created_at for p in hits if p.created_at]  # the search's own hits, not quoted posts
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
