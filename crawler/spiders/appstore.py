"""Apple App Store: chart snapshots of each country and the customer reviews of the followed apps.

    scrapy crawl appstore [-a countries=us,cn] [-a charts=top-free,top-paid] [-a chart_size=100]
                          [-a apps=904209370,1498607143] [-a charts_url=...] [-a reviews_url=...]
                          [-a chart_urls=URL,URL] [-a max_pages=10] [-a reviews=0] [-a full=1]

- Charts: one request per country and chart, ``<charts_url>/api/v2/<country>/apps/<chart>/<size>/apps.json``;
  every app of the snapshot is a ChartEntry (the feed's ``updated`` is the snapshot time). The
  live feed only has the current chart; ``chart_urls=`` fetches given feed URLs instead (the demo
  passes one dated URL per day).
- Reviews: per country and followed app, ``<reviews_url>/<country>/rss/customerreviews/page=<k>/
  id=<app>/sortby=mostrecent/json`` for k = 1..10 (Apple serves no page past 10), newest first.
  Incremental: the walk stops at the first review already stored (or not newer than the cursor, the
  newest review time and id stored per ``<country>:<app>``); ``-a full=1`` ignores the cursors.
- Errors are counted by the base spider: 404 (the app is not sold in that country), 403, 429
  (Retry-After honoured by the retry middleware), malformed JSON (``parse_error``).
"""

from __future__ import annotations

import scrapy

from crawler.parsers.appstore import parse_chart, parse_reviews
from crawler.spiders.base import ArgumentError, ObservatorySpider, parse_int, parse_list

REVIEW_PAGE_LIMIT = 10  # Apple: "CustomerReviews RSS page depth is limited to 10"


class AppStoreSpider(ObservatorySpider):
    name = "appstore"
    same_host_redirects_only = True

    def _configure(self) -> None:
        arg = self.setting_or_arg
        self.countries = [c.lower() for c in parse_list(arg("countries", "APPSTORE_COUNTRIES", "countries"))]
        self.charts = parse_list(arg("charts", "APPSTORE_CHARTS", "charts"))
        self.chart_size = parse_int("chart_size", arg("chart_size", "APPSTORE_CHART_SIZE", "chart_size") or 100, 1)
        self.chart_urls = parse_list(arg("chart_urls", "APPSTORE_CHART_URLS", "chart_urls"))
        apps = arg("apps", "APPSTORE_APPS", "apps") or []
        self.apps = [
            str(a.get("id")) if isinstance(a, dict) else str(a)
            for a in (apps if isinstance(apps, list) else parse_list(apps))
        ]
        bad = [a for a in self.apps if not a.isdigit()]
        if bad:
            raise ArgumentError(f"-a apps= must be App Store ids (digits), got {bad[0]!r}")
        self.charts_url = str(arg("charts_url", "APPSTORE_CHARTS_URL", "charts_url") or "").rstrip("/")
        self.reviews_url = str(arg("reviews_url", "APPSTORE_REVIEWS_URL", "reviews_url") or "").rstrip("/")
        self.max_pages = min(
            parse_int("max_pages", arg("max_pages", "APPSTORE_MAX_PAGES", "max_pages") or 10, 1), REVIEW_PAGE_LIMIT
        )
        self.want_reviews = str(getattr(self, "reviews", "1")).lower() not in ("0", "false", "no")
        self.full = str(getattr(self, "full", "")).lower() in ("1", "true", "yes")
        self.cursors = {} if self.full else self.store.read_cursors(self.name)
        self.newest: dict[str, str] = {}

    async def start(self):
        self._configure()
        urls = list(self.chart_urls)
        if not urls and self.charts_url:
            urls = [
                f"{self.charts_url}/api/v2/{country}/apps/{chart}/{self.chart_size}/apps.json"
                for country in self.countries
                for chart in self.charts
            ]
        if not urls and not (self.want_reviews and self.apps and self.reviews_url):
            self.logger.error(
                "no App Store charts or apps configured (topic [sources.appstore] or -a countries=/charts=/apps=)"
            )
            return
        for url in urls:
            yield scrapy.Request(url, callback=self.parse_chart, errback=self.errback)
        if not self.want_reviews or not self.reviews_url:
            return
        for country in self.countries:
            for app in self.apps:
                yield self.reviews_request(country, app, 1)

    def reviews_request(self, country: str, app: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            f"{self.reviews_url}/{country}/rss/customerreviews/page={page}/id={app}/sortby=mostrecent/json",
            callback=self.parse_reviews,
            errback=self.errback,
            cb_kwargs={"country": country, "app": app, "page": page},
        )

    def parse_chart(self, response):
        result = self.parsed(response.url, lambda: parse_chart(response.text, response.url))
        if result is None:
            return
        self.count("observatory/appstore/chart_snapshots")
        yield from result.items

    def cursor(self, key: str) -> tuple[str, str]:
        """(newest review time, its id) stored for a country:app, or ('', '')."""
        created, _, review_id = self.cursors.get(key, "").partition("|")
        return created, review_id

    def parse_reviews(self, response, country: str, app: str, page: int):
        key = f"{country}:{app}"
        result = self.parsed(response.url, lambda: parse_reviews(response.text, country, app, key))
        if result is None:
            return
        self.count("observatory/appstore/review_pages")
        floor, floor_id = self.cursor(key)
        stored = self.store.platform_ids("appstore", [p.platform_id for p in result.items])
        stop = False
        for post in result.items:  # newest first: everything after the first known review is known too
            if (
                post.platform_id in stored
                or post.platform_id.endswith(f":{floor_id}")
                or (floor and post.created_at and post.created_at <= floor)
            ):
                self.count("observatory/appstore/stopped_at_known")
                stop = True
                break
            mark = f"{post.created_at or ''}|{post.platform_id.rsplit(':', 1)[1]}"
            if mark > self.newest.get(key, "") and post.created_at:
                self.newest[key] = mark
            yield post
        last = result.extra.get("last_page")
        if stop or not result.extra["entries"] or page >= self.max_pages or (last and page >= last):
            return
        yield self.reviews_request(country, app, page + 1)

    def cursor_updates(self) -> dict[str, str]:
        return {k: v for k, v in self.newest.items() if v > self.cursors.get(k, "")}
