"""News outlets' RSS / Atom / JSON feeds -> each linked article page -> an Article.

    scrapy crawl feeds [-a feeds=URL,URL] [-a max_articles=N]

Feeds come from ``-a feeds=``, the FEEDS_URLS setting or the topic file's [sources.feeds] urls.
Each entry's link is canonicalised before it is requested, so a story listed twice is fetched
once. The feed's title, date, summary and authors fill what the page itself does not say.
"""

from __future__ import annotations

import scrapy

from crawler.parsers.feeds import parse_feed
from crawler.spiders.articles import ArticleSpider, Hint
from crawler.spiders.base import parse_int, parse_list


class FeedsSpider(ArticleSpider):
    name = "feeds"

    async def start(self):
        feeds = parse_list(self.setting_or_arg("feeds", "FEEDS_URLS", "urls"))
        self.max_articles = parse_int("max_articles", getattr(self, "max_articles", 0) or 0)
        if not feeds:
            self.logger.error("no feeds configured (topic [sources.feeds] urls, FEEDS_URLS or -a feeds=)")
            return
        for url in feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.errback, meta={"conditional": True})

    def parse_feed(self, response):
        ctype = response.headers.get("Content-Type", b"").decode("latin-1") or None
        page = self.parsed(response.url, lambda: parse_feed(response.body, response.url, ctype))
        if page is None:
            return
        self.count("observatory/feeds/entries", len(page.items))
        for entry in page.items:
            if self.max_articles and len(self.requested) >= self.max_articles:
                break
            hint = Hint(
                title=entry.title,
                published_at=entry.published_at,
                published_at_raw=entry.published_at_raw,
                summary=entry.summary,
                authors=entry.authors,
                outlet=entry.feed_title,
            )
            request = self.request_article(entry.link, "feed", response.url, hint)
            if request is not None:
                yield request
