"""A crawler worker's share of the scale-out (see docs/scaling.md).

``ScaleoutWorker`` (extension):
- at start: PING Redis or stop with one line and exit status 2 (never a silent local crawl); take
  the shared run id (``OBSERVATORY_RUN_ID``, set by ``crawler.ops.scaleout``) so every worker's
  rows and its `runs` row are one run; put back what this worker id left in flight when it was
  killed;
- every ``SCALEOUT_HEARTBEAT`` seconds: a heartbeat key (``busy``/``idle``, expiring after
  ``SCALEOUT_HEARTBEAT_TTL``); the engine is woken when the shared queue has work;
- when idle: requests left in flight by dead workers (no heartbeat) go back to the queue, and the
  spider stays open while the queue holds requests or another worker is busy (it may still add
  some), so N workers finish together instead of the first idle one closing early.

``InflightAckSpiderMiddleware`` / ``InflightAckDownloaderMiddleware``: a popped request leaves the
worker's in-flight hash only when its callback's output (items pushed, follow-ups queued) has been
fully consumed, or when its final failure leaves the downloader.

``HostGate`` (downloader middleware): politeness per host across all workers. Before a request to
a host, a worker takes the host's token ``SET <prefix>:host:<host> NX PX <DOWNLOAD_DELAY>``; while
another worker holds it, it waits for its remaining time. So request starts to one host are at
least DOWNLOAD_DELAY apart for the whole group, whatever N is. A 429/503 with a Retry-After (up to
RETRY_AFTER_MAX) sets the token for that long: every worker holds the host.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

from crawler.middlewares.retry_after import retry_after_seconds
from crawler.scaleout.keys import keys_from_settings
from crawler.scaleout.queue import META, requeue
from crawler.scaleout.redisconn import RedisUnavailable, check, die, retrying

logger = logging.getLogger(__name__)


def _ack(crawler, request) -> None:
    scheduler = getattr(crawler.engine, "_slot", None) and crawler.engine._slot.scheduler
    queue = getattr(scheduler, "queue", None)
    if queue is not None and hasattr(queue, "ack"):
        queue.ack(request)


class ScaleoutWorker:
    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.url = settings.get("OBSERVATORY_REDIS_URL")
        try:
            self.server = check(self.url)
        except RedisUnavailable as exc:
            die(str(exc))
        self.keys = keys_from_settings(settings)
        self.worker = settings.get("SCALEOUT_WORKER_ID")
        self.spider_name = crawler.spidercls.name
        self.ttl = settings.getfloat("SCALEOUT_HEARTBEAT_TTL", 15)
        self.every = settings.getfloat("SCALEOUT_HEARTBEAT", 1)
        self.wait = settings.getfloat("SCALEOUT_REDIS_WAIT", 60)
        run_id = settings.get("OBSERVATORY_RUN_ID")
        if run_id:  # one run for every worker of this crawl (crawler/runid.py keeps it on the crawler)
            crawler._observatory_run_id = run_id
            crawler.stats.set_value("observatory/run_id", run_id)
        back = requeue(
            self.server, self.keys.inflight(self.spider_name, self.worker), self.keys.requests(self.spider_name)
        )
        if back:
            logger.warning(
                "worker %s: %d request(s) left in flight by its killed predecessor went back to the queue",
                self.worker,
                back,
            )
            crawler.stats.inc_value("observatory/scaleout/requeued_own", back)
        self.loop = task.LoopingCall(self.beat)

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    # -- heartbeat -------------------------------------------------------------------------------
    def _busy(self) -> bool:
        engine = self.crawler.engine
        try:
            return not engine.spider_is_idle()
        except Exception:  # engine closing
            return False

    def beat(self) -> None:
        status = "busy" if self._busy() else "idle"
        hb = self.keys.heartbeat(self.spider_name, self.worker)
        try:
            self.server.set(hb, status, px=int(self.ttl * 1000))
            if status == "idle" and self.server.zcard(self.keys.requests(self.spider_name)):
                slot = getattr(self.crawler.engine, "_slot", None)
                if slot is not None:
                    slot.nextcall.schedule()  # work arrived from another worker: pull it now
        except RedisUnavailable:
            raise
        except Exception as exc:  # Redis down for a moment: the next beat tries again
            logger.debug("heartbeat failed: %s", exc)

    def spider_opened(self, spider):
        self.beat()
        self.loop.start(self.every, now=False)

    # -- shared idle detection ---------------------------------------------------------------------
    def recover_dead(self) -> int:
        """Requests in flight at workers without a heartbeat (killed) go back to the queue."""
        moved = 0
        for key in self.server.scan_iter(self.keys.inflight_pattern(self.spider_name), count=100):
            worker = key.decode().rsplit(":", 1)[-1]
            if worker == self.worker or self.server.exists(self.keys.heartbeat(self.spider_name, worker)):
                continue
            n = requeue(self.server, key, self.keys.requests(self.spider_name))
            if n:
                logger.warning("worker %s is gone: %d of its request(s) went back to the queue", worker, n)
                self.crawler.stats.inc_value("observatory/scaleout/requeued_dead", n)
                moved += n
        return moved

    def others_busy(self) -> bool:
        for key in self.server.scan_iter(self.keys.heartbeat_pattern(self.spider_name), count=100):
            if key.decode().rsplit(":", 1)[-1] != self.worker and self.server.get(key) == b"busy":
                return True
        return False

    def spider_idle(self, spider):
        def decide() -> bool:
            self.server.set(self.keys.heartbeat(self.spider_name, self.worker), "idle", px=int(self.ttl * 1000))
            self.recover_dead()
            return bool(self.server.zcard(self.keys.requests(self.spider_name))) or self.others_busy()

        if retrying(decide, self.wait, "idle check"):
            raise DontCloseSpider

    def spider_closed(self, spider, reason):
        if self.loop.running:
            self.loop.stop()
        try:
            if reason == "finished":  # the engine was idle: everything this worker popped was processed
                self.server.delete(self.keys.inflight(self.spider_name, self.worker))
            self.server.delete(self.keys.heartbeat(self.spider_name, self.worker))
        except Exception as exc:
            logger.error("could not clear this worker's keys in Redis: %s", exc)


class InflightAckSpiderMiddleware:
    """Acknowledge a request once its callback's whole output has gone through the engine."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @staticmethod
    def _child(request, parent_entry):
        meta = getattr(request, "meta", None)
        if meta is not None and parent_entry is not None and meta.get(META) == parent_entry:
            del meta[META]  # a follow-up that copied its parent's meta is not its parent's retry
        return request

    async def process_spider_output_async(self, response, result):
        entry = response.request.meta.get(META)
        async for out in result:
            yield self._child(out, entry)
        _ack(self.crawler, response.request)

    def process_spider_output(self, response, result):
        entry = response.request.meta.get(META)
        for out in result:
            yield self._child(out, entry)
        _ack(self.crawler, response.request)


class InflightAckDownloaderMiddleware:
    """Near the engine: an exception seen here is final (retries happen further in), so the request
    is acknowledged before its errback runs."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_exception(self, request, exception):
        _ack(self.crawler, request)
        return None


class HostGate:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.server = check(settings.get("OBSERVATORY_REDIS_URL"))
        self.keys = keys_from_settings(settings)
        self.delay_ms = int(settings.getfloat("DOWNLOAD_DELAY", 0) * 1000)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", 120)
        self.wait = settings.getfloat("SCALEOUT_REDIS_WAIT", 60)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        host = urlsplit(request.url).netloc.lower()
        if not host:
            return None
        key = self.keys.host(host)
        delay = int(getattr(self.crawler.spider, "download_delay", 0) * 1000) or self.delay_ms
        for _ in range(100_000):  # bounded: each turn waits for the holder's remaining time
            if delay:
                taken = retrying(lambda: self.server.set(key, "delay", nx=True, px=delay), self.wait, "host token")
                if taken:
                    return None
            left = retrying(lambda: self.server.pttl(key), self.wait, "host token")
            if left <= 0 and not delay:
                return None
            self.crawler.stats.inc_value("observatory/scaleout/host_waits")
            await asyncio.sleep(max(left, 5) / 1000)
        return None

    def process_response(self, request, response):
        if response.status in (429, 503):
            seconds = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
            if seconds and seconds <= self.max_wait:
                key = self.keys.host(urlsplit(request.url).netloc.lower())
                ms = int(seconds * 1000)
                if self.server.pttl(key) < ms:
                    self.server.set(key, "retry-after", px=ms)
                self.crawler.stats.inc_value("observatory/scaleout/host_held")
        return response
