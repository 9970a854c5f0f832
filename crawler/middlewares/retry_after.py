"""Downloader middlewares.

``RetryAfterMiddleware``: a 429 or 503 with a ``Retry-After`` header (seconds or an HTTP date) is
retried after that long, not at once, and the whole host waits: every request to that host (the
retry included) is held in ``process_request`` until the time the server named has passed
(an asyncio sleep; requests to other hosts go on). ``observatory/retry_after/held`` counts the
requests that were held. Waits longer than RETRY_AFTER_MAX seconds are not
worth holding a crawl for: the request fails (logged, counted) and the next run picks it up.
Stats: ``observatory/retry_after/waited``, ``observatory/retry_after/seconds``,
``observatory/retry_after/too_long``. Retries count against RETRY_TIMES like Scrapy's own.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: '120' or 'Wed, 21 Oct 2025 07:28:00 GMT'; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self.codes = {429, 503}
        self.hold_until: dict[str, float] = {}  # host -> monotonic time before which nothing is sent

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler)
        # response_downloaded fires before the download slot hands out its next request (as
        # AutoThrottle relies on): the hold starts before any queued request to the host leaves
        crawler.signals.connect(mw.response_downloaded, signal=signals.response_downloaded)
        return mw

    def response_downloaded(self, response, request, spider=None):
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return
        seconds = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
        if seconds is None or seconds > self.max_wait or seconds <= 0:
            return
        host = urlparse_cached(request).hostname or ""
        self.hold_until[host] = max(self.hold_until.get(host, 0.0), time.monotonic() + seconds)
        self._hold_slot(request, seconds)

    def _hold_slot(self, request, seconds: float) -> None:
        """Block the host's download slot for `seconds`: its queued requests wait too."""
        downloader = getattr(self.crawler.engine, "downloader", None)
        try:
            slot = downloader.slots.get(downloader.get_slot_key(request))
        except AttributeError:  # another downloader implementation: process_request still holds new requests
            return
        if slot is None:
            return
        from twisted.internet import reactor

        if slot.latercall:
            slot.latercall.cancel()
        slot.latercall = reactor.callLater(seconds, downloader._latercall, slot)

    async def process_request(self, request):
        host = urlparse_cached(request).hostname or ""
        wait = self.hold_until.get(host, 0.0) - time.monotonic()
        if wait > 0:
            self.crawler.stats.inc_value("observatory/retry_after/held")
            await asyncio.sleep(wait)
        return None

    async def process_response(self, request, response):
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return response
        seconds = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
        if seconds is None:
            return response  # Scrapy's RetryMiddleware retries it as usual
        stats = self.crawler.stats
        if seconds > self.max_wait:
            stats.inc_value("observatory/retry_after/too_long")
            logger.error(
                "%s asks to wait %.0f s (more than RETRY_AFTER_MAX=%.0f): not retried now",
                request.url,
                seconds,
                self.max_wait,
            )
            return response
        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"{response.status} Retry-After")
        if retry is None:
            return response  # retries used up: the errback logs and counts the final status
        logger.info(
            "HTTP %s from %s: holding the host %.1f s (Retry-After) before retrying",
            response.status,
            request.url,
            seconds,
        )
        stats.inc_value("observatory/retry_after/waited")
        stats.inc_value("observatory/retry_after/seconds", seconds)
        return retry  # held in process_request until the host's time has passed
