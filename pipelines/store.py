"""Store: buffered, batched writes through the crawl's ``Store`` (crawler/storage/store.py).

The pipeline only buffers and hands batches over; the Store writes each batch in one transaction
(WAL mode), so a kill at any moment loses at most the open batch, never half of one. An item the
database cannot hold even after its values were made storable is rejected alone and counted
(``observatory/store/rejected``); its neighbours are kept.

After a clean finish (``finished``), once every batch is committed, the spider's incremental
state is written: its cursors (``spider.cursor_updates()``) and the stored documents it saw again
without fetching them (``spider.seen_again()``). If any item of the run was rejected, the cursors
are not advanced (``observatory/store/cursors_held``), so the next run asks again.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals

from crawler.runid import run_id_for
from crawler.storage import Store

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = crawler.settings.getint("STORE_BATCH_SIZE", 200)
        self.buffer: list[Any] = []
        self.store: Store | None = None
        self.rejected = 0

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self):
        # fails loudly (and the crawl stops) if the database cannot be opened or migrated
        self.store = Store.for_crawler(self.crawler)

    def process_item(self, item):
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self, now: str | None = None) -> None:
        """Write the buffer in one transaction. ``now`` (default: the clock) is the sighting time;
        the scale-out writer passes the batch's own time so a replayed batch writes the same rows."""
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        result = self.store.write_batch(batch, run_id_for(self.crawler), now)
        for fix in result.fixed:
            self.stats.inc_value(f"observatory/store/fixed/{fix}")
        for item, error in result.rejected:
            logger.error("could not store %s %s: %s", type(item).__name__, getattr(item, "url", None) or item.id, error)
        if result.rejected:
            self.rejected += len(result.rejected)
            self.stats.inc_value("observatory/store/rejected", len(result.rejected))
        self.stats.inc_value("observatory/store/new", result.new)
        self.stats.inc_value("observatory/store/updated", result.updated)
        self.stats.inc_value("observatory/store/batches")
        logger.debug("stored batch: %d new, %d updated, %d rejected", result.new, result.updated, len(result.rejected))

    def close_spider(self):
        self.flush()

    def spider_closed(self, spider, reason):
        if reason != "finished" or self.store is None:
            return  # an interrupted run leaves the old cursors: nothing is skipped next time
        seen = spider.seen_again() if hasattr(spider, "seen_again") else []
        if seen:
            touched = self.store.record_sightings(seen, run_id_for(self.crawler))
            self.stats.inc_value(f"observatory/{spider.name}/known_seen_again", touched)
        cursors = spider.cursor_updates() if hasattr(spider, "cursor_updates") else {}
        if cursors and self.rejected:
            self.stats.set_value("observatory/store/cursors_held", len(cursors))
            logger.error("%d item(s) could not be stored: the %s cursors are not advanced", self.rejected, spider.name)
            return
        self.store.write_cursors(spider.name, cursors, run_id_for(self.crawler))
