"""robots.txt ``Sitemap:`` lines and XML sitemaps (indexes, urlsets, Google News) -> entries.

- ``parse_robots_sitemaps(text, url)``: the sitemap URLs a robots.txt declares, absolute, in order.
- ``parse_sitemap(body, url)``: a ``<sitemapindex>`` gives its children's URLs in
  ``Page.extra['sitemaps']`` (and their ``lastmod`` in ``Page.extra['sitemap_lastmod']``); a
  ``<urlset>`` gives one ``SitemapEntry`` per ``<url>`` in ``Page.items``.

What real sitemaps carry (shared/FORMATS.md "Feeds and sitemaps"): CDATA around ``<loc>``,
date-only ``lastmod``, blank lines before the XML declaration, gzip bodies served without a
``Content-Encoding`` (``.xml.gz``), and Google News ``<news:news>`` blocks under a prefix other
than ``news:``. Sitemap elements are matched by local name (the sitemap namespace varies:
0.9, Google's old 0.84, none); Google News elements by their namespace URI, never the prefix.
Scrapy's SitemapSpider drops the nested news fields (shared/STACK.md), hence this parser.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

from lxml import etree

from crawler.parsers import RECORD_ERRORS, Page, ParseError, http_url
from crawler.textnorm import clean_line, string_to_utc_iso

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# the same namespace as some generators write it (https, trailing slash); the prefix never counts
NEWS_NAMESPACES = {NEWS_NS, NEWS_NS + "/", "https://www.google.com/schemas/sitemap-news/0.9"}
MAX_UNZIPPED = 100 * 1024 * 1024  # the sitemaps protocol caps a sitemap at 50 MB uncompressed

_ROBOTS_SITEMAP = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE)


@dataclass
class SitemapEntry:
    """One ``<url>`` of a urlset, with its Google News fields when present."""

    loc: str
    lastmod: str | None = None  # UTC ISO; a date-only lastmod is that day's midnight UTC
    lastmod_raw: str | None = None
    news_title: str | None = None
    news_keywords: list[str] = field(default_factory=list)
    publication_date: str | None = None  # UTC ISO, from news:publication_date
    publication_date_raw: str | None = None
    publication_name: str | None = None
    publication_language: str | None = None

    @property
    def has_news(self) -> bool:
        return bool(self.news_title or self.news_keywords)

    @property
    def date(self) -> str | None:
        """The best date the sitemap gives: the news publication date, else lastmod."""
        return self.publication_date or self.lastmod


def parse_robots_sitemaps(text: str, url: str) -> list[str]:
    """The ``Sitemap:`` URLs in a robots.txt (any case, any position), absolute and de-duplicated."""
    found: list[str] = []
    for line in (text if isinstance(text, str) else "").splitlines():
        m = _ROBOTS_SITEMAP.match(line)
        if not m:
            continue
        link = http_url(m.group(1).strip(), url)
        if link and link not in found:
            found.append(link)
    return found


def _gunzip(body: bytes) -> bytes:
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = d.decompress(body, MAX_UNZIPPED)
    except zlib.error as exc:
        raise ParseError(f"gzip body could not be decompressed: {exc}") from None
    if d.unconsumed_tail:
        raise ParseError(f"gzip body larger than {MAX_UNZIPPED // (1024 * 1024)} MB uncompressed")
    if not d.eof and not out:
        raise ParseError("gzip body is truncated or corrupt: nothing could be decompressed")
    return out  # a truncated stream gives what it holds; the XML parser then flags it


def _text(el) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text.strip() or None


def _date(raw: str | None) -> str | None:
    """A W3C datetime (``lastmod``, ``news:publication_date``) -> UTC ISO; date-only is midnight UTC."""
    if not raw:
        return None
    if re.fullmatch(r"\d{4}(-\d{2})?", raw):  # W3C datetime allows YYYY and YYYY-MM
        raw = (raw + "-01-01")[:10] if len(raw) == 4 else raw + "-01"
    return string_to_utc_iso(raw)


def _split_tag(el) -> tuple[str | None, str]:
    """(namespace, local name) of an element; read from the tag text (``etree.QName`` raises on
    the odd names a recovering parser lets through)."""
    try:
        tag = el.tag
    except UnicodeError:  # a namespace lxml kept but cannot decode (an escaped surrogate)
        try:
            return None, str(el.xpath("local-name()"))
        except (etree.LxmlError, UnicodeError, ValueError):
            return None, ""
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{") and "}" in tag:
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return None, tag


def _local(el) -> str:
    return _split_tag(el)[1]


def _ns(el) -> str | None:
    return _split_tag(el)[0]


def _children(el, name: str) -> list:
    return [c for c in el if _local(c) == name]


def _child(el, name: str):
    found = _children(el, name)
    return found[0] if found else None


def _news(el):
    for c in el.iter():
        if _local(c) == "news" and _ns(c) in NEWS_NAMESPACES:
            return c
    return None


def _news_child(news, *path: str):
    el = news
    for name in path:
        el = next(
            (c for c in el if _local(c) == name and _ns(c) in NEWS_NAMESPACES),
            None,
        )
        if el is None:
            return None
    return el


def parse_sitemap(body: bytes, url: str) -> Page:
    """A sitemap (XML or gzipped XML) -> Page. Raises ParseError when it is not a sitemap at all."""
    if not isinstance(body, bytes | bytearray):
        raise ParseError("sitemap body is not bytes")
    body = bytes(body)
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
    body = body.lstrip(b"\xef\xbb\xbf").lstrip()  # BOM, blank lines before <?xml ...?>
    if not body:
        raise ParseError("empty sitemap")
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(f"not XML: {exc}"[:300]) from None
    if root is None:
        raise ParseError("not XML: nothing could be parsed")
    kind = _local(root)
    if kind == "sitemapindex":
        page = _parse_index(root, url)
    elif kind == "urlset":
        page = _parse_urlset(root, url)
    else:
        raise ParseError(f"not a sitemap: the root element is <{(kind or '?')[:60]}>")
    # malformed XML (truncated downloads, stray '&'): what lxml could recover is kept, and said
    page.extra["xml_errors"] = [f"line {e.line}: {e.message}" for e in parser.error_log][:5]
    return page


def _parse_index(root, url: str) -> Page:
    page = Page(extra={"kind": "index", "sitemaps": [], "sitemap_lastmod": {}})
    for n, sm in enumerate(_children(root, "sitemap")):
        try:
            loc = _text(_child(sm, "loc"))
            if not loc:
                page.skipped.append(f"sitemap #{n}: no <loc>")
                continue
            link = http_url(loc, url)
            if not link:
                page.skipped.append(f"sitemap #{n}: not an http(s) URL: {loc[:100]!r}")
                continue
            if link not in page.extra["sitemaps"]:
                lastmod = _date(_text(_child(sm, "lastmod")))
                page.extra["sitemaps"].append(link)
                page.extra["sitemap_lastmod"][link] = lastmod
        except RECORD_ERRORS as exc:
            page.skipped.append(f"sitemap #{n}: unreadable ({type(exc).__name__}: {exc})"[:200])
    return page


def _parse_urlset(root, url: str) -> Page:
    page = Page(extra={"kind": "urlset", "sitemaps": [], "news_entries": 0})
    for n, el in enumerate(_children(root, "url")):
        try:
            entry = _entry(el, n, url, page)
        except RECORD_ERRORS as exc:
            page.skipped.append(f"url #{n}: unreadable ({type(exc).__name__}: {exc})"[:200])
            continue
        if entry is not None:
            page.items.append(entry)
    return page


def _entry(el, n: int, url: str, page: Page) -> SitemapEntry | None:
    loc = _text(_child(el, "loc"))
    if not loc:
        page.skipped.append(f"url #{n}: no <loc>")
        return None
    link = http_url(loc, url)
    if not link:
        page.skipped.append(f"url #{n}: not an http(s) URL: {loc[:100]!r}")
        return None
    lastmod_raw = _text(_child(el, "lastmod"))
    entry = SitemapEntry(loc=link, lastmod=_date(lastmod_raw), lastmod_raw=lastmod_raw)
    news = _news(el)
    if news is not None:
        entry.news_title = clean_line(_text(_news_child(news, "title")))
        keywords = _text(_news_child(news, "keywords")) or ""
        entry.news_keywords = [k.strip() for k in re.split(r"[,，]", keywords) if k.strip()]
        entry.publication_date_raw = _text(_news_child(news, "publication_date"))
        entry.publication_date = _date(entry.publication_date_raw)
        entry.publication_name = clean_line(_text(_news_child(news, "publication", "name")))
        entry.publication_language = _text(_news_child(news, "publication", "language"))
        page.extra["news_entries"] += 1
    return entry
