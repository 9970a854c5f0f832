"""RSS 2.0 / Atom / JSON Feed -> the entries to fetch, with what the feed says about each.

feedparser does the format work (RSS, Atom, RDF, JSON Feed 1.x, relative links resolved against
the feed URL, entities). A feed feedparser cannot read at all raises ParseError; an entry without
a link is skipped with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

import feedparser

from crawler.parsers import Page, ParseError
from crawler.parsers.html_text import html_to_text
from crawler.textnorm import to_utc_iso


@dataclass
class FeedEntry:
    link: str
    title: str | None = None
    published_at: str | None = None  # UTC ISO, from published/updated; None if absent or invalid
    published_at_raw: str | None = None
    summary: str | None = None  # text, HTML removed
    authors: list[str] = field(default_factory=list)
    feed_title: str | None = None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Page:
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    if parsed.bozo and not parsed.entries:
        raise ParseError(f"not a readable feed: {parsed.get('bozo_exception')!r}"[:300])
    feed_title = parsed.feed.get("title")
    page = Page(extra={"feed_title": feed_title, "bozo": bool(parsed.bozo)})
    for n, e in enumerate(parsed.entries):
        link = e.get("link") or next((lk.get("href") for lk in e.get("links", []) if lk.get("href")), None)
        if not link:
            page.skipped.append(f"entry #{n} ({e.get('title', 'untitled')!r}): no link")
            continue
        raw_date = e.get("published") or e.get("updated")
        parsed_date = e.get("published_parsed") or e.get("updated_parsed")
        iso = to_utc_iso(raw_date)
        if iso is None and parsed_date:
            iso = "%04d-%02d-%02dT%02d:%02d:%02dZ" % tuple(parsed_date[:6])
        authors = [a.get("name") for a in e.get("authors", []) if isinstance(a, dict) and a.get("name")]
        page.items.append(
            FeedEntry(
                link=urljoin(url, link.strip()),
                title=e.get("title"),
                published_at=iso,
                published_at_raw=raw_date,
                summary=html_to_text(e.get("summary")) or None,
                authors=authors or ([e["author"]] if e.get("author") else []),
                feed_title=feed_title,
            )
        )
    return page
