"""The one writer of a scaled-out crawl: Redis list -> the project's pipelines -> SQLite.

    OBSERVATORY_REDIS_URL=redis://127.0.0.1:6379/0 python -m crawler.ops.writer [--db PATH]
        [--batch N] [--idle-exit SECONDS]

Workers push messages (crawler/scaleout/messages.py) to ``<prefix>:items``. The writer moves up
to ``SCALEOUT_WRITER_BATCH`` of them at a time into ``<prefix>:items:processing`` (BLMOVE, then
LMOVE), runs each item through the same pipelines a single-process crawl uses (the
``SCALEOUT_WRITER_PIPELINES``: pseudonymise, normalise, relevance, dedupe, store; built and called
here exactly as Scrapy would), commits, and only then removes the batch from the processing list.
On start it first processes what a killed predecessor left there: the store's upserts and the
batch's own sighting time (the first item's push time, passed to ``StorePipeline.flush``) make a
replayed batch write the same rows again, so nothing is lost and nothing is stored twice.

Each run id (one per crawl, shared by its workers) gets its own pipeline chain, stats and run
record, as in one process. End-of-run messages come after the worker's items: the chain is
flushed first, then sightings and cursors go through ``StorePipeline.spider_closed``, validators
through the Store, and the `runs` row through ``RunRecorder.spider_closed`` with the workers'
stats plus the writer's pipeline counts. ``{"op": "stop"}`` (sent by crawler.ops.scaleout once
every worker has exited) ends the writer after everything before it.
"""

from __future__ import annotations

import argparse
import inspect
import logging
import sys
from datetime import datetime
from types import SimpleNamespace

from scrapy.exceptions import DropItem
from scrapy.signalmanager import SignalManager
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.project import get_project_settings

from crawler.extensions.run_recorder import RunRecorder
from crawler.scaleout.keys import keys_from_settings
from crawler.scaleout.messages import decode, item_from
from crawler.scaleout.redisconn import RedisUnavailable, check, retrying
from crawler.storage import Store, db_setting

logger = logging.getLogger("crawler.ops.writer")


class RunCrawler:
    """What the pipelines, the Store and the run recorder need of a crawler, for one run id."""

    def __init__(self, settings, spider: str, run_id: str):
        self.settings = settings
        self.signals = SignalManager(self)
        self.stats = MemoryStatsCollector(self)
        self.spidercls = SimpleNamespace(name=spider)
        self.spider = None
        self._observatory_run_id = run_id  # crawler/runid.py: the workers' shared run id


def _stat_time(value):
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


class RunContext:
    """One run's pipeline chain in the writer (built from SCALEOUT_WRITER_PIPELINES)."""

    def __init__(self, settings, spider: str, run_id: str):
        self.spider, self.run_id = spider, run_id
        self.crawler = RunCrawler(settings, spider, run_id)
        self.stats = self.crawler.stats
        chain = settings.getdict("SCALEOUT_WRITER_PIPELINES") or settings.getdict("ITEM_PIPELINES")
        self.pipelines = [
            build_from_crawler(load_object(path), self.crawler)
            for path, _ in sorted(chain.items(), key=lambda kv: kv[1])
        ]
        for p in self.pipelines:
            opener = getattr(p, "open_spider", None)
            if opener is not None:
                opener() if not inspect.signature(opener).parameters else opener(None)
        self.store_pipeline = next(p for p in self.pipelines if hasattr(p, "flush") and hasattr(p, "spider_closed"))
        self.store = Store.for_crawler(self.crawler)
        self.recorder = RunRecorder(self.crawler)
        self.args: dict = {}
        self.worker_stats: dict[tuple, dict] = {}  # (worker, start_time) -> that worker life's stats

    def process(self, item) -> None:
        try:
            for p in self.pipelines:
                item = p.process_item(item)
        except DropItem as exc:
            self.stats.inc_value("item_dropped_count")
            self.stats.inc_value(f"item_dropped_reasons_count/{type(exc).__name__}")
            return
        self.stats.inc_value("item_scraped_count")

    def flush(self, now: str | None) -> None:
        self.store_pipeline.flush(now)

    def _spider(self, seen=(), cursors=None):
        return SimpleNamespace(
            name=self.spider,
            public_args=self.args,
            seen_again=lambda: [tuple(s) for s in seen],
            cursor_updates=lambda: dict(cursors or {}),
        )

    def close(self, message: dict) -> None:
        self.store_pipeline.spider_closed(
            self._spider(message.get("seen_again") or [], message.get("cursors")), message["reason"]
        )

    def run_finished(self, message: dict) -> None:
        stats = message.get("stats") or {}
        self.worker_stats[(message.get("worker"), str(stats.get("start_time")))] = stats
        merged: dict = {}
        for life in self.worker_stats.values():
            for key, value in life.items():
                if key in ("start_time", "finish_time"):
                    value = _stat_time(value)
                    if value is None:
                        continue
                    pick = min if key == "start_time" else max
                    merged[key] = pick(merged[key], value) if key in merged else value
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    merged[key] = merged.get(key, 0) + value
                else:
                    merged.setdefault(key, value)
        for key, value in self.stats.get_stats().items():  # the writer's pipeline counts
            merged[key] = merged.get(key, 0) + value if isinstance(value, (int, float)) else value
        merged["observatory/scaleout/workers"] = len({w for w, _ in self.worker_stats})
        view = MemoryStatsCollector(self.crawler)
        view.set_stats(merged)
        self.crawler.stats = view
        try:
            self.recorder.spider_closed(self._spider(), message["reason"])
        finally:
            self.crawler.stats = self.stats

    def shut(self) -> None:
        self.store.close()


class Writer:
    def __init__(self, settings, batch: int):
        self.settings = settings
        self.batch = batch
        self.wait = settings.getfloat("SCALEOUT_REDIS_WAIT", 60)
        self.keys = keys_from_settings(settings)
        self.server = check(settings.get("OBSERVATORY_REDIS_URL"))
        self.runs: dict[str, RunContext] = {}
        self.written = 0

    def run_context(self, message: dict) -> RunContext:
        ctx = self.runs.get(message["run"])
        if ctx is None:
            ctx = self.runs[message["run"]] = RunContext(self.settings, message["spider"], message["run"])
        return ctx

    def take(self, timeout: float) -> list[bytes]:
        """The batch to process: what is left in the processing list, else up to `batch` new messages."""
        left = retrying(lambda: self.server.lrange(self.keys.processing, 0, -1), self.wait, "read the processing list")
        if left:
            logger.info("re-processing %d message(s) left by an earlier writer", len(left))
            return left
        first = retrying(
            lambda: self.server.blmove(self.keys.items, self.keys.processing, timeout, "LEFT", "RIGHT"),
            self.wait,
            "take messages",
        )
        if first is None:
            return []
        found = [first]
        while len(found) < self.batch:
            more = retrying(
                lambda: self.server.lmove(self.keys.items, self.keys.processing, "LEFT", "RIGHT"),
                self.wait,
                "take messages",
            )
            if more is None:
                break
            found.append(more)
        return found

    def handle(self, batch: list[bytes]) -> bool:
        """Process one batch; True when it held the stop message."""
        messages = [decode(m) for m in batch]
        now = next((m.get("at") for m in messages if m.get("op") == "item" and m.get("at")), None)
        touched: dict[str, RunContext] = {}
        stop = False
        for m in messages:
            op = m.get("op")
            if op == "stop":
                stop = True
                continue
            ctx = self.run_context(m)
            touched[ctx.run_id] = ctx
            if op == "item":
                ctx.process(item_from(m))
                continue
            ctx.flush(now)  # an end-of-run message comes after the items it covers: commit them first
            if op == "run_started":
                ctx.args = m.get("args") or {}
                ctx.store.run_started(ctx.run_id, ctx.spider, ctx.args)
            elif op == "validators":
                ctx.store.write_validators(m.get("keep") or [], m.get("forget") or [])
            elif op == "close":
                ctx.close(m)
            elif op == "run_finished":
                ctx.run_finished(m)
            else:
                logger.error("unknown message %r skipped", op)
        for ctx in touched.values():
            ctx.flush(now)
        # committed: only now does the batch leave Redis
        n = len(batch)
        retrying(lambda: self._done(n), self.wait, "clear the processing list")
        self.written += n
        return stop

    def _done(self, n: int) -> None:
        pipe = self.server.pipeline(transaction=True)
        pipe.ltrim(self.keys.processing, n, -1)
        pipe.hincrby(self.keys.writer_stats, "messages", n)
        pipe.execute()

    def serve(self, idle_exit: float = 0) -> int:
        idle = 0.0
        while True:
            batch = self.take(timeout=1)
            if not batch:
                idle += 1
                if idle_exit and idle >= idle_exit:
                    return 0
                continue
            idle = 0.0
            if self.handle(batch):
                logger.info("stop message: %d messages written", self.written)
                return 0

    def close(self) -> None:
        for ctx in self.runs.values():
            ctx.shut()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=None, help="the SQLite database (default: the database the settings name)")
    ap.add_argument("--batch", type=int, default=0, help="messages per transaction (default SCALEOUT_WRITER_BATCH)")
    ap.add_argument("--idle-exit", type=float, default=0, help="exit after this many seconds without messages")
    ap.add_argument("-s", dest="settings", action="append", default=[], help="NAME=VALUE setting")
    opts = ap.parse_args(argv)
    settings = get_project_settings().copy()
    if opts.db:
        settings.setdict(db_setting(opts.db), priority="cmdline")
    for pair in opts.settings:
        name, value = pair.split("=", 1)
        settings.set(name, value, priority="cmdline")
    settings.set("STORE_BATCH_SIZE", 10**9, priority="cmdline")  # the writer commits per batch of messages
    logging.basicConfig(
        level=settings.get("LOG_LEVEL", "INFO"), format="%(asctime)s [%(name)s] %(levelname)s: %(message)s"
    )
    if not settings.get("OBSERVATORY_REDIS_URL"):
        print("error: set OBSERVATORY_REDIS_URL (redis://host:port/db) for the writer", file=sys.stderr)
        return 2
    try:
        writer = Writer(settings, opts.batch or settings.getint("SCALEOUT_WRITER_BATCH", 200))
    except RedisUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return writer.serve(opts.idle_exit)
    except RedisUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        writer.close()


if __name__ == "__main__":
    sys.exit(main())
