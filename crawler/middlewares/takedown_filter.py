"""Spider middleware: drop items whose URL or author was taken down (crawler/ops/forget.py),
before any pipeline sees them (``observatory/takedown/blocked``)."""

from __future__ import annotations

from crawler.items import Article, Post
from crawler.storage import Store
from crawler.textnorm import canonical_url


class TakedownFilterMiddleware:
    """Spider middleware: drop items whose URL or author was taken down (before any pipeline)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.urls: set[str] | None = None
        self.authors: set[tuple[str | None, str]] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _load(self) -> None:
        rows = Store.for_crawler(self.crawler).takedowns()
        self.urls = {canonical_url(r["target"]) for r in rows if r["kind"] == "url"} | {
            r["target"] for r in rows if r["kind"] == "url"
        }
        self.authors = {(r["platform"], r["target"]) for r in rows if r["kind"] == "author"}

    def blocked(self, item) -> bool:
        if self.urls is None:
            self._load()
        if not self.urls and not self.authors:
            return False
        if isinstance(item, Article):
            return bool({canonical_url(item.url), canonical_url(item.canonical_url)} & self.urls)
        if isinstance(item, Post):
            if {item.url, item.platform_id} & self.urls:
                return True
            return any(
                who in (item.author, item.author_id) and plat in (None, item.platform) for plat, who in self.authors
            )
        return False

    def _keep(self, o) -> bool:
        if isinstance(o, (Article, Post)) and self.blocked(o):
            self.crawler.stats.inc_value("observatory/takedown/blocked")
            return False
        return True

    def process_spider_output(self, response, result):
        for o in result:
            if self._keep(o):
                yield o

    async def process_spider_output_async(self, response, result):
        async for o in result:
            if self._keep(o):
                yield o
