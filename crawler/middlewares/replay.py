"""Replay (downloader middleware): with ``REPLAY_WARC`` set, every request is answered from that
WARC by exact URL and never touches the network (crawler/ops/replay.py is the command).

Several records for one URL (e.g. retries) are served in order; the last one repeats. A URL the
archive does not hold is an ``IgnoreRequest`` counted as ``observatory/replay/missing`` and logged
at WARNING.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from crawler.archive import read_warc, redact_url
from crawler.middlewares.conditional import quiet_errback

logger = logging.getLogger(__name__)


class ReplayMissing(IgnoreRequest):
    """The archive holds no response for this URL."""


class ReplayMiddleware:
    def __init__(self, crawler, path: str):
        self.crawler = crawler
        self.stats = crawler.stats
        _info, self.archive = read_warc(path)
        self.served: dict[str, int] = defaultdict(int)

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("REPLAY_WARC")
        if not path:
            raise NotConfigured
        return cls(crawler, path)

    def process_request(self, request):
        records = self.archive.get(request.url) or self.archive.get(redact_url(request.url))
        if not records:
            self.stats.inc_value("observatory/replay/missing")
            logger.warning("not in the archive, not fetched: %s", request.url)
            quiet_errback(request, ReplayMissing)
            raise ReplayMissing(f"not in the archive: {request.url}")
        n = self.served[request.url]
        self.served[request.url] += 1
        rec = records[min(n, len(records) - 1)]
        headers = Headers()
        for name, value in rec["headers"]:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=rec["body"])
        request.meta["warc_record_id"] = rec["id"]
        self.stats.inc_value("observatory/replay/hits")
        return cls(url=request.url, status=rec["status"], headers=headers, body=rec["body"], request=request)
