"""The worker's side of the one-writer hand-over.

``PushPipeline`` is a worker's only item pipeline: each item is serialised and pushed (RPUSH) to
``<prefix>:items``; at a clean finish it pushes the spider's sightings and cursors (``close``).
The project's pipelines (pseudonymise, normalise, relevance, dedupe, store) run in the writer.

``RemoteRunRecorder`` and ``RemoteConditionalRequests`` are the run record extension and the
conditional-requests middleware with their database writes turned into messages (their reads,
e.g. stored validators and the health history, still come from the database).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy import signals

from crawler.extensions.run_recorder import RunRecorder
from crawler.middlewares.conditional import ConditionalRequestsMiddleware
from crawler.runid import run_id_for
from crawler.scaleout.keys import keys_from_settings
from crawler.scaleout.messages import encode, item_message
from crawler.scaleout.redisconn import check, retrying
from crawler.textnorm import utc_now_iso

logger = logging.getLogger(__name__)


class Outbox:
    """Messages of one crawler process to the writer (one per crawler, shared by its components)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.server = check(settings.get("OBSERVATORY_REDIS_URL"))
        self.keys = keys_from_settings(settings)
        self.worker = settings.get("SCALEOUT_WORKER_ID")
        self.wait = settings.getfloat("SCALEOUT_REDIS_WAIT", 60)

    @classmethod
    def for_crawler(cls, crawler) -> Outbox:
        box = getattr(crawler, "_scaleout_outbox", None)
        if box is None:
            box = crawler._scaleout_outbox = cls(crawler)
        return box

    def send(self, op: str, **fields) -> None:
        message = {
            "op": op,
            "run": run_id_for(self.crawler),
            "spider": self.crawler.spidercls.name,
            "worker": self.worker,
            **fields,
        }
        self.send_raw(encode(message), items=1 if op == "item" else 0)

    def send_raw(self, data: bytes, items: int = 0) -> None:
        def go():
            pipe = self.server.pipeline(transaction=True)
            pipe.rpush(self.keys.items, data)
            if items:
                pipe.hincrby(self.keys.worker_stats, f"{self.worker}:items", items)
            pipe.execute()

        retrying(go, self.wait, "push to the writer")


class PushPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.outbox = Outbox.for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def process_item(self, item):
        message = item_message(
            item,
            run=run_id_for(self.crawler),
            spider=self.crawler.spidercls.name,
            worker=self.outbox.worker,
            at=utc_now_iso(),
        )
        self.outbox.send_raw(encode(message), items=1)
        self.crawler.stats.inc_value("observatory/scaleout/pushed")
        return item

    def spider_closed(self, spider, reason):
        seen = spider.seen_again() if reason == "finished" and hasattr(spider, "seen_again") else []
        cursors = spider.cursor_updates() if reason == "finished" and hasattr(spider, "cursor_updates") else {}
        self.outbox.send("close", reason=reason, seen_again=seen, cursors=cursors)


class _RemoteWrites:
    """The Store as the run recorder / conditional middleware see it: reads go to the database,
    the writes they make become messages to the writer."""

    def __init__(self, store, outbox: Outbox):
        self._store = store
        self._outbox = outbox

    def __getattr__(self, name):
        return getattr(self._store, name)

    def run_started(self, run_id: str, spider: str, args: dict) -> int:
        self._outbox.send("run_started", args=args, started_at=utc_now_iso())
        return 0

    def run_finished(self, row: dict) -> None:
        pass  # RemoteRunRecorder sends its stats instead: the writer adds its pipelines' counts

    def write_validators(self, rows: list[dict], forget: list[str]) -> None:
        self._outbox.send("validators", keep=rows, forget=forget)


class RemoteRunRecorder(RunRecorder):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.store = _RemoteWrites(self.store, Outbox.for_crawler(crawler))

    def spider_closed(self, spider, reason):
        stats = dict(self.crawler.stats.get_stats())
        stats.setdefault("finish_time", datetime.now(UTC))
        Outbox.for_crawler(self.crawler).send("run_finished", reason=reason, stats=stats)


class RemoteConditionalRequests(ConditionalRequestsMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.store = _RemoteWrites(self.store, Outbox.for_crawler(crawler))
