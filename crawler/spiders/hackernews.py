"""Hacker News stories and comments through the Algolia search API (``/api/v1/search_by_date``).

    scrapy crawl hackernews [-a queries="TikTok ban,RedNote,..."] [-a api_url=https://hn.algolia.com]
                            [-a tags="(story,comment)"] [-a max_pages=50] [-a limit=100]
                            [-a since=2025-01-10] [-a full=1]

Newest first, ``page`` 0, 1, ... while ``page + 1 < nbPages``. Algolia serves at most 1,000 hits
per query: when a window is cut short the spider starts a new one below the oldest hit seen
(``numericFilters=created_at_i<oldest``). Later runs only ask for ``created_at_i>`` the newest hit
stored for the query (the cursor); ``-a full=1`` ignores the cursors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

import scrapy

from crawler.parsers.bluesky import load_json
from crawler.parsers.hackernews import parse_search
from crawler.spiders.base import ObservatorySpider, parse_day, parse_int, parse_list

ENDPOINT = "/api/v1/search_by_date"


class HackerNewsSpider(ObservatorySpider):
    name = "hackernews"
    same_host_redirects_only = True

    def _configure(self) -> None:
        self.queries = parse_list(self.setting_or_arg("queries", "HACKERNEWS_QUERIES", "queries"))
        self.api_url = str(self.setting_or_arg("api_url", "HACKERNEWS_API_URL", "api_url") or "").rstrip("/")
        self.tags = str(getattr(self, "tags", None) or self.settings.get("HACKERNEWS_TAGS") or "(story,comment)")
        self.max_pages = parse_int(
            "max_pages", self.setting_or_arg("max_pages", "HACKERNEWS_MAX_PAGES", "max_pages") or 50, 1
        )
        self.limit = min(
            parse_int("limit", getattr(self, "limit", None) or self.settings.getint("HACKERNEWS_PAGE_LIMIT", 100), 1),
            1000,
        )
        since = parse_day("since", getattr(self, "since", None))
        self.since_i = int(datetime.fromisoformat(since).replace(tzinfo=UTC).timestamp()) if since else None
        self.full = str(getattr(self, "full", "")).lower() in ("1", "true", "yes")
        self.cursors = {} if self.full else self.store.read_cursors(self.name)
        self.newest: dict[str, str] = {}
        self.pages_done: dict[str, int] = {}

    async def start(self):
        self._configure()
        if not self.queries or not self.api_url:
            self.logger.error(
                "no Hacker News queries or api_url configured (topic [sources.hackernews] or -a queries=/api_url=)"
            )
            return
        for query in self.queries:
            yield self.search_request(query, page=0, below=None)

    def floor(self, query: str) -> int | None:
        """Only hits newer than this (the stored cursor, else -a since)."""
        cursor = self.cursors.get(query)
        return int(cursor) if cursor and cursor.isdigit() else self.since_i

    def search_request(self, query: str, page: int, below: int | None) -> scrapy.Request:
        filters = []
        if self.floor(query) is not None:
            filters.append(f"created_at_i>{self.floor(query)}")
        if below is not None:
            filters.append(f"created_at_i<{below}")
        params = {"query": query, "tags": self.tags, "hitsPerPage": self.limit, "page": page}
        if filters:
            params["numericFilters"] = ",".join(filters)
        return scrapy.Request(
            f"{self.api_url}{ENDPOINT}?{urlencode(params)}",
            callback=self.parse_page,
            errback=self.errback,
            cb_kwargs={"query": query, "page": page, "below": below},
        )

    def parse_page(self, response, query: str, page: int, below: int | None):
        data = self.parsed(response.url, lambda: load_json(response.text))
        result = None if data is None else self.parsed(response.url, lambda: parse_search(data, query))
        if result is None:
            return
        self.count("observatory/hackernews/pages")
        yield from result.items
        newest = result.extra.get("max_created_at_i")
        if newest is not None and newest > int(self.newest.get(query, "0")):
            self.newest[query] = str(newest)
        self.pages_done[query] = done = self.pages_done.get(query, 0) + 1
        if done >= self.max_pages:
            return
        if result.next:
            yield self.search_request(query, int(result.next), below)
            return
        # the last reachable page: were hits cut off by Algolia's 1,000-hit cap?
        served = (page + 1) * int(data.get("hitsPerPage") or self.limit)
        stamps = [
            h.get("created_at_i")
            for h in data["hits"]
            if isinstance(h, dict) and isinstance(h.get("created_at_i"), int)
        ]
        if stamps and int(data.get("nbHits") or 0) > served:
            self.count("observatory/hackernews/windows")
            yield self.search_request(query, page=0, below=min(stamps))

    def cursor_updates(self) -> dict[str, str]:
        return dict(self.newest)
