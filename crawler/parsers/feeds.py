"""RSS 2.0 / Atom / JSON Feed -> the entries to fetch, with what the feed says about each.

feedparser does the format work (RSS, Atom, RDF, relative links resolved against the feed URL,
entities); JSON Feed 1.x, which feedparser 6.0 does not read, is mapped here (``parse_json_feed``). A feed feedparser cannot read at all raises ParseError; an entry without
a link is skipped with a reason.
"""

from __future__ import annotations

import json
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


def parse_json_feed(data: dict, url: str) -> Page:
    """JSON Feed 1.0/1.1: items[].url (or external_url), title, date_published, summary, authors."""
    if not isinstance(data.get("items"), list):
        raise ParseError("JSON Feed without an items list")
    feed_title = data.get("title")
    page = Page(extra={"feed_title": feed_title, "bozo": False})
    for n, item in enumerate(data["items"]):
        link = item.get("url") or item.get("external_url") if isinstance(item, dict) else None
        if not link:
            page.skipped.append(f"item #{n}: no url")
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        raw = item.get("date_published") or item.get("date_modified")
        page.items.append(FeedEntry(
            link=urljoin(url, link), title=item.get("title"), published_at=to_utc_iso(raw), published_at_raw=raw,
            summary=item.get("summary") or html_to_text(item.get("content_html")) or item.get("content_text"),
            authors=[a.get("name") for a in authors if isinstance(a, dict) and a.get("name")], feed_title=feed_title,
        ))
    return page


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Page:
    if body.lstrip()[:1] == b"{":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ParseError(f"malformed JSON Feed: {exc}") from None
        if isinstance(data, dict) and "jsonfeed.org" in str(data.get("version", "")):
            return parse_json_feed(data, url)
        raise ParseError("JSON that is not a JSON Feed")
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
            iso = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*parsed_date[:6])
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
