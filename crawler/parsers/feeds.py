"""RSS 2.0 / Atom / JSON Feed -> the entries to fetch, with what the feed says about each.

feedparser does the format work (RSS, Atom, RDF, relative links resolved against the feed URL,
entities); JSON Feed 1.x, which feedparser 6.0 does not read, is mapped here (``parse_json_feed``). A feed feedparser cannot read at all raises ParseError; an entry without
an http(s) link is skipped with a reason. Dates: our own RFC 822 reader (crawler.textnorm), so a
zone it cannot read gives ``published_at=None`` (raw kept), never a time taken as UTC; a date every
entry shares is the feed's build time, not theirs (``_drop_shared_date``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import feedparser

from crawler.parsers import RECORD_ERRORS, Page, ParseError, as_text, http_url, load_json, text_list
from crawler.parsers.html_text import html_to_text
from crawler.textnorm import string_to_utc_iso


@dataclass
class FeedEntry:
    link: str
    title: str | None = None
    published_at: str | None = None  # UTC ISO, from published/updated; None if absent or invalid
    published_at_raw: str | None = None
    summary: str | None = None  # text, HTML removed
    authors: list[str] = field(default_factory=list)
    feed_title: str | None = None


def _str(value: object) -> str | None:
    text = as_text(value)
    return text.strip() or None if text else None


def _authors(values: object) -> list[str]:
    names = [a.get("name") if isinstance(a, dict) else None for a in values] if isinstance(values, list) else []
    return text_list([n.strip() for n in names if isinstance(n, str) and n.strip()])


def parse_json_feed(data: dict, url: str) -> Page:
    """JSON Feed 1.0/1.1: items[].url (or external_url), title, date_published, summary, authors."""
    if not isinstance(data.get("items"), list):
        raise ParseError("JSON Feed without an items list")
    feed_title = _str(data.get("title"))
    page = Page(extra={"feed_title": feed_title, "bozo": False})
    for n, item in enumerate(data["items"]):
        if not isinstance(item, dict):
            page.skipped.append(f"item #{n}: not an object")
            continue
        link = http_url(item.get("url"), url) or http_url(item.get("external_url"), url)
        if not link:
            page.skipped.append(f"item #{n}: no http(s) url ({str(item.get('url'))[:80]!r})")
            continue
        authors = item.get("authors") if isinstance(item.get("authors"), list) else [item.get("author")]
        raw = _str(item.get("date_published")) or _str(item.get("date_modified"))
        summary = (
            _str(item.get("summary")) or html_to_text(_str(item.get("content_html"))) or _str(item.get("content_text"))
        )
        page.items.append(
            FeedEntry(
                link=link,
                title=_str(item.get("title")),
                published_at=string_to_utc_iso(raw),
                published_at_raw=raw,
                summary=summary or None,
                authors=_authors(authors),
                feed_title=feed_title,
            )
        )
    _drop_shared_date(page)
    return page


def entry_link(entry: dict, base: str) -> str | None:
    """The page an entry points to: its alternate (or rel-less) http(s) link, else feedparser's
    ``link`` when that is a real http(s) URL. Never the entry's ``rel="self"`` Atom document, nor
    the ``urn:uuid:``/``tag:`` id feedparser puts in ``link`` when an entry has no alternate."""
    links = entry.get("links") if isinstance(entry.get("links"), list) else []
    for lk in links:
        if isinstance(lk, dict) and lk.get("rel", "alternate") == "alternate":
            found = http_url(lk.get("href"), base)
            if found:
                return found
    link = entry.get("link")
    if isinstance(link, str) and not any(
        isinstance(lk, dict) and lk.get("href") == link and lk.get("rel") not in (None, "alternate") for lk in links
    ):
        return http_url(link, base)
    return None


def _drop_shared_date(page: Page) -> None:
    """When two or more entries all carry one and the same date, it is the feed's (its build
    time), not the entries': it is not passed on as their published date (kept in
    ``Page.extra['shared_date']``)."""
    dated = [e for e in page.items if e.published_at]
    if len(dated) >= 2 and len(page.items) == len(dated) and len({e.published_at for e in dated}) == 1:
        page.extra["shared_date"] = dated[0].published_at
        page.extra["shared_date_raw"] = dated[0].published_at_raw
        for e in dated:
            e.published_at = e.published_at_raw = None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Page:
    """A feed body -> Page of FeedEntry. ParseError when it is no feed at all; an entry without a
    usable http(s) link is a skip with a reason. Total: any body gives a Page or ParseError."""
    if not isinstance(body, bytes | bytearray):
        raise ParseError("feed body is not bytes")
    body = bytes(body)
    if body.lstrip()[:1] == b"{":
        data = load_json(body)
        if isinstance(data, dict) and "jsonfeed.org" in str(data.get("version", "")):
            return parse_json_feed(data, url)
        raise ParseError("JSON that is not a JSON Feed")
    headers = {"content-type": content_type} if content_type else {}
    try:
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    except RECORD_ERRORS as exc:
        raise ParseError(f"not a readable feed: {type(exc).__name__}: {exc}"[:300]) from None
    if parsed.bozo and not parsed.entries:
        raise ParseError(f"not a readable feed: {parsed.get('bozo_exception')!r}"[:300])
    feed_title = _str(parsed.feed.get("title"))
    page = Page(extra={"feed_title": feed_title, "bozo": bool(parsed.bozo)})
    for n, e in enumerate(parsed.entries):
        try:
            entry = _entry(e, url, feed_title)
        except RECORD_ERRORS as exc:
            page.skipped.append(f"entry #{n}: unreadable ({type(exc).__name__}: {exc})"[:200])
            continue
        if entry is None:
            title = _str(e.get("title"))
            page.skipped.append(f"entry #{n} ({(title or 'untitled')[:60]!r}): no link (none is an http(s) URL)")
            continue
        page.items.append(entry)
    _drop_shared_date(page)
    return page


def _entry(e: dict, url: str, feed_title: str | None) -> FeedEntry | None:
    link = entry_link(e, url)
    if not link:
        return None
    raw_date = _str(e.get("published")) or _str(e.get("updated"))
    # feedparser's own *_parsed reads an unknown zone as UTC: only our parser's answer is used
    authors = _authors(e.get("authors")) or text_list([_str(e.get("author"))])
    return FeedEntry(
        link=link,
        title=_str(e.get("title")),
        published_at=string_to_utc_iso(raw_date),
        published_at_raw=raw_date,
        summary=html_to_text(_str(e.get("summary"))) or None,
        authors=authors,
        feed_title=feed_title,
    )
