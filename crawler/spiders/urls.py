"""A researcher's list of article URLs (plain text or CSV) -> each page -> an Article.

    scrapy crawl urls -a path=FILE[,FILE]            # local files
    scrapy crawl urls -a list_url=URL[,URL]          # lists served over HTTP(S)
                      [-a max_articles=N]

The list format is in crawler/parsers/urllist.py (one URL per line, or CSV with a ``url`` column
and optional ``title`` / ``published`` columns that fill what the page does not say). Invalid
lines are logged and counted (``observatory/parse_skipped/urls``); an unreadable local file is
one error line (``observatory/errors/urls/file``). Stats: ``observatory/urls/entries``.
"""

from __future__ import annotations

from pathlib import Path

import scrapy

from crawler.parsers.urllist import parse_url_list
from crawler.spiders.articles import ArticleSpider, Hint
from crawler.spiders.base import parse_int, parse_list


class UrlsSpider(ArticleSpider):
    name = "urls"

    async def start(self):
        paths = parse_list(self.setting_or_arg("path", "URLS_PATHS"))
        list_urls = parse_list(self.setting_or_arg("list_url", "URLS_LIST_URLS"))
        self.max_articles = parse_int("max_articles", getattr(self, "max_articles", 0) or 0)
        if not paths and not list_urls:
            self.logger.error("no URL list given (-a path=FILE or -a list_url=URL)")
            return
        for path in paths:
            for request in self.from_file(path):
                yield request
        for url in list_urls:
            yield scrapy.Request(url, callback=self.parse_list, errback=self.errback)

    def from_file(self, path: str):
        file = Path(path).expanduser()
        try:
            text = file.read_bytes().decode("utf-8-sig", errors="replace")
        except OSError as exc:
            self.logger.error("cannot read the URL list %s: %s", path, exc.strerror or exc)
            self.count(f"observatory/errors/{self.name}/file")
            self.count("observatory/errors/total")
            return
        yield from self.entries(text, str(file.resolve()))

    def parse_list(self, response):
        text = response.text if hasattr(response, "text") else response.body.decode("utf-8-sig", errors="replace")
        yield from self.entries(text, response.url)

    def entries(self, text: str, name: str):
        page = self.parsed(name, lambda: parse_url_list(text, name))
        if page is None:
            return
        self.count("observatory/urls/entries", len(page.items))
        for entry in page.items:
            if self.max_articles and len(self.requested) >= self.max_articles:
                break
            hint = Hint(
                title=entry.title,
                published_at=entry.published_at,
                published_at_raw=entry.published_at_raw,
                extra={"list_line": entry.line},
            )
            request = self.request_article(entry.url, "urls", name, hint)
            if request is not None:
                yield request
