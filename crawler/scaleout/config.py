"""The settings a crawler process gets when ``OBSERVATORY_REDIS_URL`` is set (a scale-out worker).

crawler/settings.py calls ``worker_settings(globals())`` and applies the result; nothing here
reads the environment. The single-process item path is kept as ``SCALEOUT_WRITER_PIPELINES``:
the writer (crawler/ops/writer.py) runs exactly those pipelines.
"""

from __future__ import annotations

import os
import socket


def worker_settings(base: dict) -> dict:
    quiet_scrapy_redis()
    prefix = base.get("SCALEOUT_KEY_PREFIX") or "observatory"
    downloader = dict(base["DOWNLOADER_MIDDLEWARES"])
    conditional = downloader.pop("crawler.middlewares.conditional.ConditionalRequestsMiddleware", 540)
    downloader.update(
        {
            "crawler.scaleout.push.RemoteConditionalRequests": conditional,
            "crawler.scaleout.worker.InflightAckDownloaderMiddleware": 1,
            "crawler.scaleout.worker.HostGate": 10,
        }
    )
    extensions = dict(base["EXTENSIONS"])
    recorder = extensions.pop("crawler.extensions.run_recorder.RunRecorder", 500)
    extensions.update(
        {
            "crawler.scaleout.push.RemoteRunRecorder": recorder,
            "crawler.scaleout.worker.ScaleoutWorker": 0,
        }
    )
    return {
        "REDIS_URL": base["OBSERVATORY_REDIS_URL"],
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_PERSIST": True,  # the frontier outlives a worker; crawler.ops.scaleout resets it per crawl
        "SCHEDULER_QUEUE_CLASS": "crawler.scaleout.queue.ReliablePriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "DUPEFILTER_CLASS": "crawler.scaleout.dupefilter.DupeFilter",
        "SCALEOUT_WORKER_ID": base.get("SCALEOUT_WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}",
        "SCALEOUT_WRITER_PIPELINES": dict(base["ITEM_PIPELINES"]),
        "ITEM_PIPELINES": {"crawler.scaleout.push.PushPipeline": 900},
        "DOWNLOADER_MIDDLEWARES": downloader,
        "SPIDER_MIDDLEWARES": {**base["SPIDER_MIDDLEWARES"], "crawler.scaleout.worker.InflightAckSpiderMiddleware": 1},
        "EXTENSIONS": extensions,
    }


def quiet_scrapy_redis() -> None:
    """scrapy-redis 0.9.1 calls a few APIs Scrapy 2.19 deprecates (stats `spider=`, `Spider.log`):
    harmless (STACK.md); keep them out of every worker's log."""
    import warnings

    warnings.filterwarnings("ignore", module=r"scrapy_redis\..*")
