"""Dedupe: one row per document.

- Same id (canonical URL for articles, platform + platform id for posts) twice in one run: the
  repeat is dropped (``observatory/dedupe/repeat_in_run``). Across runs the store pipeline turns a
  repeat into an update of ``last_seen_at`` and the counts (``observatory/store/updated``).
- An article whose text is the same as a stored article at another URL (same content hash,
  text of 200+ characters) is not stored again: it is recorded as an alias URL of that article in
  ``article_urls`` (``observatory/dedupe/same_content``); the item carries ``duplicate_of``.
Near-duplicates (syndicated copies with edits) are clustered, not dropped: see crawler/storage/neardup.py.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.items import Article, ChartEntry
from crawler.storage import Store


class DedupePipeline:
    def __init__(self, crawler):
        self.stats = crawler.stats
        self.store = Store.for_crawler(crawler)
        self.seen: set[tuple] = set()
        self.hashes: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        # A post captured several times (Zeeschuimer: each line is one observation with its own
        # capture time) is kept once per capture: the store adds one observation for each.
        # A chart entry is one app in one snapshot (the table's key), not a document.
        key = item.key if isinstance(item, ChartEntry) else (item.id, getattr(item, "observed_at", None))
        if key in self.seen:
            self.stats.inc_value("observatory/dedupe/repeat_in_run")
            raise DropItem(f"seen already in this run: {key}")
        self.seen.add(key)
        if isinstance(item, Article) and item.content_hash:
            other = self.hashes.get(item.content_hash) or self.store.article_id_with_hash(item.content_hash)
            if other is not None and other != item.id:
                self.stats.inc_value("observatory/dedupe/same_content")
                item.duplicate_of = other  # the store records the URL as an alias of that article
                return item
            self.hashes[item.content_hash] = item.id
        return item
