"""Downloader middlewares.

``RetryAfterMiddleware``: a 429 or 503 with a ``Retry-After`` header (seconds or an HTTP date) is
retried after that long, not at once, and only this request waits (the wait is an asyncio sleep
inside the middleware; other requests go on). Waits longer than RETRY_AFTER_MAX seconds are not
worth holding a crawl for: the request fails (logged, counted) and the next run picks it up.
Stats: ``observatory/retry_after/waited``, ``observatory/retry_after/seconds``,
``observatory/retry_after/too_long``. Retries count against RETRY_TIMES like Scrapy's own.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import get_retry_request

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

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_response(self, request, response):
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return response
        seconds = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
        if seconds is None:
            return response  # Scrapy's RetryMiddleware retries it as usual
        stats = self.crawler.stats
        if seconds > self.max_wait:
            stats.inc_value("observatory/retry_after/too_long")
            logger.error("%s asks to wait %.0f s (more than RETRY_AFTER_MAX=%.0f): not retried now",
                         request.url, seconds, self.max_wait)
            return response
        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"{response.status} Retry-After")
        if retry is None:
            return response  # retries used up: the errback logs and counts the final status
        logger.info("HTTP %s from %s: waiting %.1f s (Retry-After) before retrying", response.status, request.url, seconds)
        stats.inc_value("observatory/retry_after/waited")
        stats.inc_value("observatory/retry_after/seconds", seconds)
        await asyncio.sleep(seconds)
        return retry
