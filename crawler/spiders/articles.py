"""The base of every spider that fetches article pages (feeds, sitemaps, gdelt, urls).

``request_article(url, source, source_url, hint)`` canonicalises the URL and requests it once per
run; ``parse_article`` decodes the bytes (charset lies detected), runs the one extractor
(crawler/parsers/article/) and yields an Article whose missing fields are filled from the hint
(what the feed / sitemap / API said about the page). With ``ARTICLE_EXTRACT_WORKERS`` > 0 the
extraction runs in that many worker processes (crawler/parsers/article/pool.py) and
``parse_article`` awaits it, so the reactor thread keeps downloading and storing meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy import signals

from crawler.items import Article
from crawler.parsers import ParseError
from crawler.parsers.article import decode_html, extract_article
from crawler.parsers.article.pool import ExtractionFailed, ExtractPool
from crawler.spiders.base import ObservatorySpider
from crawler.textnorm import canonical_url


@dataclass
class Hint:
    """What the discovering source said about an article (fills gaps the page leaves)."""

    title: str | None = None
    published_at: str | None = None
    published_at_raw: str | None = None
    summary: str | None = None
    authors: list[str] = field(default_factory=list)
    outlet: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def article_from_page(
    body: bytes, content_type: str | None, url: str, source: str, source_url: str | None, hint: Hint | None = None
) -> tuple[Article, bool]:
    """Bytes of an article page -> (Article, charset_header_lied)."""
    html, _encoding, lied = decode_html(body, content_type)
    return article_from_fields(extract_article(html, url), lied, url, source, source_url, hint)


def article_from_fields(
    f: dict[str, Any], lied: bool, url: str, source: str, source_url: str | None, hint: Hint | None = None
) -> tuple[Article, bool]:
    """extract_article's fields (here or from an extraction worker) -> (Article, charset_header_lied)."""
    hint = hint or Hint()
    art = Article(
        url=url,
        source=source,
        source_url=source_url,
        canonical_url=f.get("canonical_url"),
        outlet=f.get("outlet") or hint.outlet,
        title=f.get("title") or hint.title,
        authors=f.get("authors") or hint.authors,
        section=f.get("section"),
        published_at=f.get("published_at") or hint.published_at,
        published_at_raw=f.get("published_at_raw") or hint.published_at_raw,
        published_local=f.get("published_local") if f.get("published_at") else None,
        date_source=f.get("date_source") if f.get("published_at") else ("hint" if hint.published_at else None),
        modified_at=f.get("modified_at"),
        lang=f.get("lang"),
        text=f.get("text"),
        summary=f.get("summary") or hint.summary,
        extra=dict(hint.extra),
    )
    return art, lied


class ArticleSpider(ObservatorySpider):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.requested: set[str] = set()
        self._known_urls: set[str] | None = None
        self.sightings: list[tuple[str, str, dict]] = []  # (url, source, extra) of stored articles seen again

    def request_article(self, url: str, source: str, source_url: str | None, hint: Hint | None = None):
        """A Request for the article, or None if this run already asked for the same page."""
        link = canonical_url(url)
        if not link or link in self.requested:
            self.count(f"observatory/{self.name}/duplicate_links")
            return None
        self.requested.add(link)
        if not self.refetching() and link in self.known_urls():  # stored by an earlier run: not fetched again
            self.count(f"observatory/{self.name}/known_skipped")
            self.sightings.append((link, source, dict(hint.extra) if hint else {}))  # still a sighting
            return None
        return scrapy.Request(
            link,
            callback=self.parse_article,
            errback=self.errback,
            cb_kwargs={"source": source, "source_url": source_url, "hint": hint},
            meta={"conditional_parent": source_url} if source_url else None,
        )

    def seen_again(self) -> list[tuple[str, str, dict]]:
        """Stored articles this run found again without fetching them (the store records them
        after a clean finish: pipelines/store.py)."""
        return self.sightings

    def refetching(self) -> bool:
        """`-a refetch=1`: fetch pages already stored (and send no feed validators)."""
        return str(getattr(self, "refetch", "") or "").lower() in ("1", "true", "yes")

    def known_urls(self) -> set[str]:
        """Every URL in `article_urls` (loaded once per run, on first use) plus taken-down URLs."""
        if self._known_urls is None:
            self._known_urls = self.store.known_article_urls()
        return self._known_urls

    def extract_pool(self) -> ExtractPool | None:
        """The crawl's extraction worker pool (ARTICLE_EXTRACT_WORKERS > 0), started on first use and
        shut down when the spider closes; None: extract on the reactor thread."""
        if not hasattr(self, "_extract_pool"):
            workers = self.settings.getint("ARTICLE_EXTRACT_WORKERS", 0)
            self._extract_pool = ExtractPool(workers) if workers > 0 else None
            if self._extract_pool is not None:
                self.crawler.signals.connect(self._extract_pool.shutdown, signal=signals.spider_closed)
        return self._extract_pool

    async def parse_article(self, response, source: str, source_url: str | None, hint: Hint | None):
        ctype = response.headers.get("Content-Type", b"").decode("latin-1") or None
        if ctype and not any(t in ctype for t in ("html", "xml", "text/plain")):
            self.parse_failed(response.url, ValueError(f"not an HTML page ({ctype})"))
            return
        pool = self.extract_pool()
        if pool is None:
            parsed = self.parsed(
                response.url, lambda: article_from_page(response.body, ctype, response.url, source, source_url, hint)
            )
        else:  # in a worker process: a page that hangs or kills its worker is this page's parse error
            try:
                page = await pool.extract(response.body, ctype, response.url)
            except (ExtractionFailed, ParseError, RecursionError) as exc:
                self.parse_failed(response.url, exc)
                return
            parsed = article_from_fields(page["fields"], page["lied"], response.url, source, source_url, hint)
        if parsed is None:
            return
        article, lied = parsed
        if lied:
            self.logger.warning("the charset in the HTTP header of %s is wrong; decoded by content", response.url)
            self.count(f"observatory/{self.name}/charset_mismatch")
        if not article.text:
            self.logger.warning("no main text found in %s", response.url)
            self.count(f"observatory/{self.name}/empty_text")
        if response.request.meta.get("redirect_urls"):
            article.extra["redirected_from"] = response.request.meta["redirect_urls"]
        yield article
