"""Conditional requests for feeds and sitemaps: ETag / Last-Modified per URL, 304 = nothing new.

A request marked ``meta={"conditional": True}`` gets ``If-None-Match`` / ``If-Modified-Since``
from the ``http_validators`` table. A ``304 Not Modified`` answer becomes an ``IgnoreRequest``
counted as ``observatory/conditional/not_modified`` (logged at DEBUG, never an error).

Validators are written only when the spider closes after a clean finish (like the cursors, see
crawler/storage/store.py), so a crash never makes the next run skip a feed whose articles were not
stored. A feed is also left without a validator (it is fetched in full next time) when a page it
led to failed with a transient error (5xx, 429, 408, timeout, connection error): requests for
those pages carry ``meta["conditional_parent"]`` = the feed URL. Permanent errors (404, 410,
robots.txt) do not hold a feed back: the same page would fail again.

``-a refetch=1`` sends no validators (and saves fresh ones at the end).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from twisted.python.failure import Failure

from crawler.storage import Store
from crawler.textnorm import utc_now_iso

logger = logging.getLogger(__name__)

TRANSIENT_STATUS = {408, 429, 500, 502, 503, 504, 522, 524}


class NotModified(IgnoreRequest):
    """The server answered 304 to a conditional request: nothing new since the last run."""


def quiet_errback(request, exc_type: type[BaseException]) -> None:
    """Wrap the request's errback so a failure of `exc_type` is swallowed (no error log, no count)."""
    original = request.errback

    def errback(failure: Failure):
        if failure.check(exc_type):
            return None
        if original is None:
            return failure
        return original(failure)

    request.errback = errback


def truthy(value) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


class ConditionalRequestsMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = Store.for_crawler(crawler)
        self.replay = bool(crawler.settings.get("REPLAY_WARC"))
        self.known: dict[str, dict] | None = None  # loaded lazily, once per run
        self.fresh: dict[str, dict] = {}  # url -> validators seen this run
        self.dirty: set[str] = set()  # conditional URLs whose children failed transiently

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("CONDITIONAL_ENABLED", True):
            raise NotConfigured
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def _refetch(self) -> bool:
        return truthy(getattr(self.crawler.spider, "refetch", None))

    def process_request(self, request):
        if not request.meta.get("conditional"):
            return None
        quiet_errback(request, NotModified)
        if self.replay or self._refetch():
            return None
        if self.known is None:
            self.known = self.store.read_validators()
        known = self.known.get(request.url)
        if known:
            if known.get("etag"):
                request.headers.setdefault("If-None-Match", known["etag"])
            if known.get("last_modified"):
                request.headers.setdefault("If-Modified-Since", known["last_modified"])
            self.stats.inc_value("observatory/conditional/sent")
        return None

    def process_response(self, request, response):
        parent = request.meta.get("conditional_parent")
        if parent and response.status in TRANSIENT_STATUS:
            self._hold_back(parent)
        if not request.meta.get("conditional"):
            return response
        if response.status == 304:
            self.stats.inc_value("observatory/conditional/not_modified")
            logger.debug("not modified since the last run: %s", request.url)
            raise NotModified(f"304 Not Modified: {request.url}")
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if response.status == 200 and (etag or modified):
            self.fresh[request.url] = {
                "url": request.url,
                "etag": etag.decode("latin-1") if etag else None,
                "last_modified": modified.decode("latin-1") if modified else None,
                "updated_at": utc_now_iso(),
                "spider": self.crawler.spider.name if self.crawler.spider else None,
            }
        return response

    def process_exception(self, request, exception):
        parent = request.meta.get("conditional_parent")
        if parent and not isinstance(exception, IgnoreRequest):
            self._hold_back(parent)
        return None

    def _hold_back(self, url: str) -> None:
        if url not in self.dirty:
            self.dirty.add(url)
            self.stats.inc_value("observatory/conditional/held_back")

    def spider_closed(self, spider, reason):
        if self.replay or reason != "finished":
            return  # a crashed or stopped run leaves the old validators: nothing is skipped next time
        keep = [row for url, row in self.fresh.items() if url not in self.dirty]
        forget = sorted(self.dirty)
        if forget:
            logger.info("validators not saved for %d feed(s) with transient errors: %s", len(forget), forget)
        if keep or forget:
            self.store.write_validators(keep, forget)
