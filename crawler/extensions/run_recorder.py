"""Scrapy extensions: the run record (the `runs` table is each crawl's stats).

``RunRecorder`` writes a `runs` row when a spider opens (status `running`) and completes it when
the spider closes: requests, responses by status, items new / updated / dropped, errors,
duration, finish reason and the full Scrapy stats as JSON. A run killed with SIGKILL stays
`running` with no `finished_at`, which is how an interrupted run shows in Datasette.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime

from scrapy import signals

from crawler.textnorm import utc_now_iso
from pipelines.schema import open_db

logger = logging.getLogger(__name__)


def run_id_for(crawler) -> str:
    """One id per crawl, shared by the run record and every stored row: <spider>-<UTC time>-<rand>."""
    rid = getattr(crawler, "_observatory_run_id", None)
    if rid is None:
        name = crawler.spidercls.name if crawler.spidercls else "crawl"
        rid = f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
        crawler._observatory_run_id = rid
        crawler.stats.set_value("observatory/run_id", rid)
    return rid


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
        "errors": stats.get("log_count/ERROR", 0),
        "duration_s": round((end - start).total_seconds(), 3) if start and end else None,
    }


class RunRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("OBSERVATORY_DB")

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        args = getattr(spider, "public_args", {})
        db = open_db(self.db_path)
        with db.atomic():
            # a run of this spider still 'running' was killed (cron's flock allows one crawl at a time)
            stale = db.execute("UPDATE runs SET status = 'interrupted', finish_reason = coalesce(finish_reason, 'killed') "
                               "WHERE spider = ? AND status = 'running' AND run_id != ?",
                               [spider.name, run_id_for(self.crawler)]).rowcount
            if stale:
                logger.warning("%d earlier %s run(s) never finished (killed): marked interrupted", stale, spider.name)
            db["runs"].upsert(
                {"run_id": run_id_for(self.crawler), "spider": spider.name, "started_at": utc_now_iso(),
                 "status": "running", "args": json.dumps(args, ensure_ascii=False, sort_keys=True)},
                pk="run_id",
            )
        db.close()

    def health_problems(self, spider, stats: dict) -> list[str]:
        """crawler/health.py over this run and the spider's earlier runs with the same arguments."""
        if not self.crawler.settings.getbool("HEALTH_ENABLED", True):
            return []
        from crawler.health import check

        args = json.dumps(getattr(spider, "public_args", {}), ensure_ascii=False, sort_keys=True)
        db = open_db(self.db_path)
        try:
            history = list(db.query(
                "SELECT status, items_new, items_updated, stats FROM runs WHERE spider = ? AND args = ? "
                "AND run_id != ? AND finished_at IS NOT NULL ORDER BY started_at DESC LIMIT 20",
                [spider.name, args, run_id_for(self.crawler)]))
        finally:
            db.close()
        problems = check(history, stats, self.crawler.settings)
        for problem in problems:
            logger.error("health check failed for %s: %s", spider.name, problem)
        if problems:
            self.crawler.stats.set_value("observatory/health/problems", len(problems))
        return problems

    def spider_closed(self, spider, reason):
        stats = self.crawler.stats.get_stats()
        stats.setdefault("finish_time", datetime.now(UTC))
        summary = run_summary(stats)
        status = "ok" if reason == "finished" else "interrupted"
        problems = self.health_problems(spider, stats) if status == "ok" else []
        if stats.get("observatory/health/failed") or problems:
            status = "failed"
        row = {
            "run_id": run_id_for(self.crawler), "finished_at": utc_now_iso(), "status": status,
            "finish_reason": reason, **summary,
            "stats": json.dumps({k: _plain(v) for k, v in stats.items()}, sort_keys=True, default=str),
        }
        row["health"] = json.dumps(problems, ensure_ascii=False) if problems else None
        db = open_db(self.db_path)
        with db.atomic():
            db["runs"].upsert(row, pk="run_id")
        db.close()
        logger.info(
            "run %s: %s, %d requests, %d new, %d updated, %d dropped, %d errors",
            row["run_id"], status, summary["requests"], summary["items_new"], summary["items_updated"],
            summary["items_dropped"], summary["errors"],
        )
