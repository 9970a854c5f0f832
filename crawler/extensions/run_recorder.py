"""The run record (the `runs` table is each crawl's stats).

``RunRecorder`` writes a `runs` row when a spider opens (status `running`) and completes it when
the spider closes: requests, responses by status, items new / updated / dropped, errors,
duration, finish reason and the full Scrapy stats as JSON. A run killed with SIGKILL stays
`running` with no `finished_at`, which is how an interrupted run shows in Datasette; it keeps the
counters of its last checkpoint (written every RUN_STATS_INTERVAL seconds, default 60).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from scrapy import signals

from crawler.health import error_count
from crawler.runid import run_id_for
from crawler.storage import Store
from crawler.textnorm import utc_now_iso

logger = logging.getLogger(__name__)


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def run_summary(stats: dict) -> dict:
    """The `runs` columns computed from a Scrapy stats dict."""
    by_status = {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("downloader/response_status_count/")}
    start, end = stats.get("start_time"), stats.get("finish_time")
    return {
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("downloader/response_count", 0),
        "responses_by_status": json.dumps(by_status, sort_keys=True),
        "items_new": stats.get("observatory/store/new", 0),
        "items_updated": stats.get("observatory/store/updated", 0),
        "items_dropped": stats.get("item_dropped_count", 0),
        "errors": error_count(stats),
        "duration_s": round((end - start).total_seconds(), 3) if start and end else None,
    }


class RunRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.store = Store.for_crawler(crawler)
        self.refused = False
        self.checkpoint = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self, spider):
        # connected now, after the item pipelines connected theirs: the run is recorded after the
        # store pipeline's end-of-run writes (cursors, sightings), with their stats
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        args = getattr(spider, "public_args", {})
        kind, want = self.store.kind(), ("demo" if args.get("demo") else "live")
        if kind and kind != want:  # demo and live data are never mixed in one database
            self.refused = True
            self.crawler.stats.set_value("observatory/run_status", "refused")
            logger.error(
                "refused: %s holds %s data and this is a %s run; use another database file", self.store.path, kind, want
            )
            self.crawler.engine.close_spider(spider, "refused_mixed_data")
            return
        stale = self.store.run_started(run_id_for(self.crawler), spider.name, args)
        interval = self.crawler.settings.getfloat("RUN_STATS_INTERVAL", 60.0)
        if interval > 0:  # a killed run keeps the counters of its last checkpoint
            from twisted.internet import task

            self.checkpoint = task.LoopingCall(self.save_progress)
            self.checkpoint.start(interval, now=False)
        if stale:  # cron's flock allows one crawl at a time: a run still 'running' was killed
            logger.warning("%d earlier %s run(s) never finished (killed): marked interrupted", stale, spider.name)

    def health_problems(self, spider, stats: dict) -> list[str]:
        """crawler/health.py over this run and the spider's earlier runs with the same arguments."""
        if not self.crawler.settings.getbool("HEALTH_ENABLED", True):
            return []
        from crawler.health import check

        history = self.store.run_history(spider.name, getattr(spider, "public_args", {}), run_id_for(self.crawler))
        problems = check(history, stats, self.crawler.settings)
        for problem in problems:
            logger.error("health check failed for %s: %s", spider.name, problem)
        if problems:
            self.crawler.stats.set_value("observatory/health/problems", len(problems))
        return problems

    def save_progress(self) -> None:
        """The running run's counters so far, into its `runs` row (status stays `running`)."""
        stats = self.crawler.stats.get_stats()
        try:
            self.store.run_progress(
                run_id_for(self.crawler),
                {
                    **run_summary(stats),
                    "stats": json.dumps({k: _plain(v) for k, v in stats.items()}, sort_keys=True, default=str),
                },
            )
        except Exception as exc:  # a checkpoint must never stop a crawl
            logger.warning("could not save the run's progress: %s", exc)

    def spider_closed(self, spider, reason):
        if self.checkpoint is not None and self.checkpoint.running:
            self.checkpoint.stop()
        if self.refused:
            return
        stats = self.crawler.stats.get_stats()
        stats.setdefault("finish_time", datetime.now(UTC))
        summary = run_summary(stats)
        status = "ok" if reason == "finished" else "interrupted"
        problems = self.health_problems(spider, stats) if status == "ok" else []
        if stats.get("observatory/health/failed") or problems:
            status = "failed"
        row = {
            "run_id": run_id_for(self.crawler),
            "finished_at": utc_now_iso(),
            "status": status,
            "finish_reason": reason,
            **summary,
            "stats": json.dumps({k: _plain(v) for k, v in stats.items()}, sort_keys=True, default=str),
        }
        row["health"] = json.dumps(problems, ensure_ascii=False) if problems else None
        self.store.run_finished(row)
        self.crawler.stats.set_value("observatory/run_status", status)  # the exit code of `scrapy crawl`
        logger.info(
            "run %s: %s, %d requests, %d new, %d updated, %d dropped, %d errors",
            row["run_id"],
            status,
            summary["requests"],
            summary["items_new"],
            summary["items_updated"],
            summary["items_dropped"],
            summary["errors"],
        )
