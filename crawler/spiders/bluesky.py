"""Bluesky post search (``app.bsky.feed.searchPosts``) for the topic's queries.

    scrapy crawl bluesky [-a queries="TikTok ban,RedNote,..."] [-a api_url=...] [-a auth_url=...]
                         [-a max_pages=20] [-a limit=100] [-a since=2025-01-10] [-a full=1]

Without credentials the search goes to ``api_url`` (a public AppView). With ``BLUESKY_HANDLE`` and
``BLUESKY_APP_PASSWORD`` in the environment the spider first opens a session
(``com.atproto.server.createSession``) at ``auth_url`` (the PDS) and searches there with the token.
Pages follow the opaque ``cursor`` (newest first, ``sort=latest``) up to ``max_pages`` per query.
Later runs pass ``since=<newest createdAt stored>`` so only new posts are fetched; ``-a full=1``
ignores the cursors. A 401/403 logs one error naming the variables to set and stops the spider.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import scrapy
from scrapy.exceptions import CloseSpider

from crawler.parsers.bluesky import parse_search, parse_session
from crawler.spiders.base import ObservatorySpider, parse_day, parse_int, parse_list

SEARCH = "/xrpc/app.bsky.feed.searchPosts"
SESSION = "/xrpc/com.atproto.server.createSession"
AUTH_CODES = [401, 403]
ENV_HINT = "set BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (an app password from Settings > App passwords)"


class BlueskySpider(ObservatorySpider):
    name = "bluesky"
    same_host_redirects_only = True

    def _configure(self) -> None:
        self.queries = parse_list(self.setting_or_arg("queries", "BLUESKY_QUERIES", "queries"))
        self.api_url = str(self.setting_or_arg("api_url", "BLUESKY_API_URL", "api_url") or "").rstrip("/")
        self.auth_url = str(self.setting_or_arg("auth_url", "BLUESKY_AUTH_URL", "auth_url") or self.api_url).rstrip("/")
        self.max_pages = parse_int(
            "max_pages", self.setting_or_arg("max_pages", "BLUESKY_MAX_PAGES", "max_pages") or 20, 1
        )
        self.limit = min(
            parse_int("limit", getattr(self, "limit", None) or self.settings.getint("BLUESKY_PAGE_LIMIT", 100), 1), 100
        )
        self.since = parse_day("since", getattr(self, "since", None))
        self.handle = self.settings.get("BLUESKY_HANDLE") or ""
        self.password = self.settings.get("BLUESKY_APP_PASSWORD") or ""
        self.full = str(getattr(self, "full", "")).lower() in ("1", "true", "yes")
        self.cursors = {} if self.full else self.store.read_cursors(self.name)
        self.newest: dict[str, str] = {}
        self.token: str | None = None
        self.auth_failed = False

    async def start(self):
        self._configure()
        if not self.queries or not self.api_url:
            self.logger.error(
                "no Bluesky queries or api_url configured (topic [sources.bluesky] or -a queries=/api_url=)"
            )
            return
        if self.handle and self.password:
            body = json.dumps({"identifier": self.handle, "password": self.password})
            yield scrapy.Request(
                self.auth_url + SESSION,
                method="POST",
                body=body,
                headers={"Content-Type": "application/json"},
                callback=self.parse_session,
                errback=self.errback,
                meta={"handle_httpstatus_list": AUTH_CODES, "dont_retry": True},
            )
            return
        for query in self.queries:
            yield self.search_request(query)

    def parse_session(self, response):
        self.stop_if_denied(response, "Bluesky login was refused")
        self.token = self.parsed(response.url, lambda: parse_session(response.text))
        if self.token is None:
            return
        for query in self.queries:
            yield self.search_request(query)

    def search_request(self, query: str, cursor: str | None = None, page: int = 1) -> scrapy.Request:
        params = {"q": query, "limit": self.limit, "sort": "latest"}
        since = self.cursors.get(query) or (f"{self.since}T00:00:00Z" if self.since else None)
        if since:
            params["since"] = since
        if cursor:
            params["cursor"] = cursor
        base = self.auth_url if self.token else self.api_url
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return scrapy.Request(
            f"{base}{SEARCH}?{urlencode(params)}",
            headers=headers,
            callback=self.parse_page,
            errback=self.errback,
            meta={"handle_httpstatus_list": AUTH_CODES},
            cb_kwargs={"query": query, "page": page},
        )

    def parse_page(self, response, query: str, page: int):
        self.stop_if_denied(response, "Bluesky search needs a session on this server")
        result = self.parsed(response.url, lambda: parse_search(response.text, query))
        if result is None:
            return
        self.count("observatory/bluesky/pages")
        yield from result.items
        newest = result.extra.get("max_created_at")
        if newest and newest > self.newest.get(query, ""):
            self.newest[query] = newest
        if result.next and page < self.max_pages:
            yield self.search_request(query, result.next, page + 1)

    def stop_if_denied(self, response, what: str) -> None:
        """401/403: one clear error, then stop (no retries, no further requests)."""
        if response.status not in AUTH_CODES:
            return
        if not self.auth_failed:
            self.auth_failed = True
            self.logger.error("%s (HTTP %s from %s): %s", what, response.status, response.url, ENV_HINT)
            self.count(f"observatory/errors/{self.name}/auth")
        raise CloseSpider("auth_failed")

    def cursor_updates(self) -> dict[str, str]:
        return dict(self.newest)
