"""Reddit JSON: search listings (``/search.json``, ``/r/<sub>/search.json``) and comment pages.

A listing is ``{kind: "Listing", data: {after, children: [{kind: "t3"|"t1"|"more", data}]}}``; a
comments page is an array of two listings (the post, then its ``t1`` tree with ``replies`` = ``""``
when empty and ``more`` stubs for cut branches). Without ``raw_json=1`` text is entity-escaped.
"""

from __future__ import annotations

import re
from typing import Any

from w3lib.html import replace_entities

from crawler.items import Post
from crawler.parsers import RECORD_ERRORS, Page, ParseError, as_int, as_text, load_json, tidy_post
from crawler.textnorm import epoch_to_utc_iso

PLATFORM = "reddit"
SITE = "https://www.reddit.com"
DELETED = ("[deleted]", "[removed]")
KINDS = {"t3": "post", "t1": "comment"}
_SAFE = re.compile(r"[A-Za-z0-9_]{1,64}")


def unescape(value: Any) -> str | None:
    """Entity-escaped Reddit text (``&amp;`` ``&lt;`` ``&#x200B;``) -> text; '' -> None."""
    if not isinstance(value, str):
        return None
    text = replace_entities(value).strip()
    return text or None


_int = as_int


def permalink_url(kind: str, data: dict[str, Any]) -> str | None:
    """The thing's web URL: ``SITE + permalink`` when Reddit sends one (relative), else built from
    subreddit, ``link_id`` and ``id`` (comments of older threads come without ``permalink``):
    ``/r/<sub>/comments/<link id>/comment/<id>/`` for a comment, ``/r/<sub>/comments/<id>/`` for a
    post; None when those are missing too."""
    permalink = data.get("permalink")
    if isinstance(permalink, str) and permalink.startswith("/"):
        return SITE + permalink
    sub, ident = as_text(data.get("subreddit")), as_text(data.get("id"))
    if not sub or not ident or not _SAFE.fullmatch(sub) or not _SAFE.fullmatch(ident):
        return None
    if kind == "t3":
        return f"{SITE}/r/{sub}/comments/{ident}/"
    link = (as_text(data.get("link_id")) or "").removeprefix("t3_")
    return f"{SITE}/r/{sub}/comments/{link}/comment/{ident}/" if _SAFE.fullmatch(link) else None


def fullname(kind: str, data: dict[str, Any]) -> str | None:
    """t3_xxx / t1_xxx from ``name``, else from the kind and ``id``."""
    name = as_text(data.get("name"))
    if name and name.strip():
        return name
    ident = as_text(data.get("id"))
    return f"{kind}_{ident}" if ident and ident.strip() else None


def external_links(data: dict[str, Any]) -> list[str]:
    """A link post's target (not the post's own reddit.com address, not for self posts)."""
    if data.get("is_self"):
        return []
    url = as_text(data.get("url_overridden_by_dest")) or as_text(data.get("url"))
    if not url or not url.startswith(("http://", "https://")):
        return []
    own = data.get("permalink")
    if isinstance(own, str) and own and url.endswith(own):
        return []
    return [replace_entities(url)]


def parse_thing(kind: str, data: dict[str, Any], name: str, query: str | None) -> Post:
    """One t3 (post) or t1 (comment) ``data`` object -> Post."""
    body = data.get("selftext") if kind == "t3" else data.get("body")
    author = as_text(data.get("author"))
    edited = data.get("edited")
    created = data.get("created_utc")
    post = Post(
        platform=PLATFORM,
        platform_id=name,
        url=permalink_url(kind, data),
        kind=KINDS[kind],
        title=unescape(data.get("title")) if kind == "t3" else None,
        text=None if body in DELETED else unescape(body),
        created_at=epoch_to_utc_iso(created, "s"),
        created_at_raw=str(created) if isinstance(created, int | float) and not isinstance(created, bool) else None,
        edited_at=epoch_to_utc_iso(edited, "s"),
        author=None if author in DELETED or not author else author,
        author_id=data.get("author_fullname") or None,
        links=external_links(data) if kind == "t3" else [],
        like_count=_int(data.get("score")),
        reply_count=_int(data.get("num_comments")) if kind == "t3" else None,
        community=data.get("subreddit") or None,
        reply_to=data.get("parent_id") if kind == "t1" else None,
        thread_root=data.get("link_id") if kind == "t1" else None,
        quote_of=data.get("crosspost_parent") if kind == "t3" else None,
        source_query=query,
        raw=data,
    )
    return tidy_post(post)


def _walk(children: list[Any], query: str | None, page: Page) -> None:
    """Add every thing of a listing's children to the page, descending into replies."""
    for n, child in enumerate(children):
        if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
            page.skipped.append(f"reddit child #{n}: not an object with data")
            continue
        kind, data = child.get("kind"), child["data"]
        if kind == "more":
            ids = data.get("children") if isinstance(data.get("children"), list) else []
            page.extra.setdefault("more", []).extend(t for t in (as_text(i) for i in ids) if t)
            count = as_int(data.get("count"))
            page.extra["more_count"] = page.extra.get("more_count", 0) + (count or 0)
            continue
        if not isinstance(kind, str) or kind not in KINDS:
            page.skipped.append(f"reddit child #{n}: kind {str(kind)[:40]!r}")
            continue
        name = fullname(kind, data)
        if name is None:
            page.skipped.append(f"reddit {kind} #{n}: no id")
        else:
            try:
                page.items.append(parse_thing(kind, data, name, query))
            except RECORD_ERRORS as exc:
                page.skipped.append(f"reddit {name}: unreadable ({type(exc).__name__}: {exc})"[:200])
        replies = data.get("replies")
        if isinstance(replies, dict):  # "" when there are none
            try:
                _walk(listing_children(replies), query, page)
            except ParseError as exc:
                page.skipped.append(f"reddit {name}: replies are not a Listing ({exc})")
            except RecursionError:
                page.skipped.append(f"reddit {name}: replies nested too deeply")


def listing_children(listing: Any) -> list[Any]:
    """A Listing's children list; ParseError for anything that is not a Listing."""
    if not isinstance(listing, dict) or listing.get("kind") != "Listing":
        raise ParseError("reddit: expected a Listing")
    data = listing.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("children"), list):
        raise ParseError("reddit: Listing without data.children")
    return data["children"]


def parse_listing(data: Any, query: str | None = None) -> Page:
    """A search listing -> Page(items, next=data.after)."""
    data = load_json(data)
    children = listing_children(data)
    page = Page()
    _walk(children, query, page)
    after = data["data"].get("after")
    page.next = after if isinstance(after, str) and after and children else None
    page.extra.setdefault("more", [])
    page.extra.setdefault("more_count", 0)
    return page


def parse_comments(data: Any, query: str | None = None) -> Page:
    """A /comments/<id>.json array (post listing, comment listing) -> Page of post + comments."""
    data = load_json(data)
    if not isinstance(data, list) or len(data) != 2:
        raise ParseError("reddit comments: expected an array of two Listings")
    page = Page()
    for listing in data:
        _walk(listing_children(listing), query, page)
    page.extra.setdefault("more", [])
    page.extra.setdefault("more_count", 0)
    return page
