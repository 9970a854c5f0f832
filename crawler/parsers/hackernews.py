"""Hacker News through Algolia: ``/api/v1/search`` and ``/api/v1/search_by_date`` pages.

Stories and comments arrive as hits; comment hits have ``title``/``url`` null and carry
``story_id``, ``story_title``, ``parent_id``. ``story_text``/``comment_text`` are HTML with entities
and unclosed ``<p>``. ``_highlightResult`` repeats the text with ``<em>`` marks and is never stored.
"""

from __future__ import annotations

from typing import Any

import lxml.html
from lxml import etree

from crawler.items import Post
from crawler.parsers import RECORD_ERRORS, Page, ParseError, load_json, tidy_post
from crawler.parsers.html_text import html_to_text
from crawler.textnorm import epoch_to_utc_iso, safe_text, string_to_utc_iso

PLATFORM = "hackernews"
ITEM_URL = "https://news.ycombinator.com/item?id={id}"
DROPPED_KEYS = ("_highlightResult", "_snippetResult", "_rankingInfo")


def html_links(html: str | None) -> list[str]:
    """The absolute http(s) hrefs of an HTML fragment, in order, without repeats."""
    if not isinstance(html, str) or "href" not in html:
        return []
    try:
        root = lxml.html.fragment_fromstring(safe_text(html), create_parent="div")
    except (etree.LxmlError, ValueError, UnicodeError):
        return []
    hrefs = (a.get("href", "").strip() for a in root.iter("a"))
    return list(dict.fromkeys(h for h in hrefs if h.startswith(("http://", "https://"))))


def epoch_iso(value: Any) -> str | None:
    """Epoch seconds (int, float or numeric string) -> 'YYYY-MM-DDTHH:MM:SSZ' (an alias of the one
    epoch rule, crawler.textnorm.epoch_to_utc_iso)."""
    return epoch_to_utc_iso(value, "s")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _id(value: Any) -> str | None:
    return str(value) if isinstance(value, int | str) and not isinstance(value, bool) and str(value) else None


def hit_kind(hit: dict[str, Any]) -> str:
    """'comment' for comment hits, else 'story' (stories, Ask/Show HN, polls, jobs)."""
    tags = hit.get("_tags") if isinstance(hit.get("_tags"), list) else []
    if "comment" in tags or (not tags and hit.get("comment_text") and not hit.get("title")):
        return "comment"
    return "story"


def parse_hit(hit: dict[str, Any], query: str | None = None) -> Post:
    """One Algolia hit (``objectID`` present: the caller checks) -> Post."""
    kind = hit_kind(hit)
    html = hit.get("comment_text") if kind == "comment" else hit.get("story_text")
    html = html or hit.get("text")  # very old layouts and /items use 'text'
    html = html if isinstance(html, str) else None
    links = [hit["url"]] if isinstance(hit.get("url"), str) and hit["url"] else []
    links += [u for u in html_links(html) if u not in links]
    created_raw = hit.get("created_at_i", hit.get("created_at"))
    created = epoch_to_utc_iso(hit.get("created_at_i"), "s") or string_to_utc_iso(hit.get("created_at"))
    story_id = _id(hit.get("story_id"))
    post = Post(
        platform=PLATFORM,
        platform_id=str(hit["objectID"]),
        url=ITEM_URL.format(id=hit["objectID"]),
        kind=kind,
        title=hit.get("title") or None,
        text=html_to_text(html) or None,
        created_at=created,
        created_at_raw=None if created_raw is None else str(created_raw),
        author=hit.get("author") or None,
        links=links,
        like_count=_int(hit.get("points")),
        reply_count=_int(hit.get("num_comments")),
        reply_to=_id(hit.get("parent_id")) if kind == "comment" else None,
        thread_root=story_id if kind == "comment" else None,
        source_query=query,
        raw={k: v for k, v in hit.items() if k not in DROPPED_KEYS},
    )
    return tidy_post(post)


def parse_search(data: Any, query: str | None = None) -> Page:
    """One Algolia response -> Page(items, next='<page+1>' or None, extra={'max_created_at_i'})."""
    data = load_json(data)
    if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
        raise ParseError("algolia: expected an object with a 'hits' list")
    page = Page()
    newest: int | None = None
    for n, hit in enumerate(data["hits"]):
        if not isinstance(hit, dict) or _id(hit.get("objectID")) is None:
            page.skipped.append(f"hackernews hit #{n}: no objectID")
            continue
        try:
            page.items.append(parse_hit(hit, query))
        except RECORD_ERRORS as exc:
            page.skipped.append(f"hackernews hit #{n}: unreadable ({type(exc).__name__}: {exc})"[:200])
            continue
        stamp = _int(hit.get("created_at_i"))
        if stamp is not None and (newest is None or stamp > newest):
            newest = stamp
    number, pages = _int(data.get("page")), _int(data.get("nbPages"))
    if number is not None and pages is not None and number + 1 < pages and data["hits"]:
        page.next = str(number + 1)
    page.extra["max_created_at_i"] = newest
    page.extra["nb_hits"] = _int(data.get("nbHits"))
    return page
