"""Store: buffered, batched upserts into SQLite (one transaction per batch, WAL mode).

A kill at any moment loses at most the open batch (never committed, so never half-written);
every committed batch is complete: rows, search text, hashtags, observations, authors.
A repeat sighting of a stored document updates ``last_seen_at``, ``last_run_id``, counts and
content, and keeps ``first_seen_at``, ``run_id`` and ``source`` (the first method that found it).
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from crawler.extensions import run_id_for
from crawler.items import Article, Post
from crawler.segment import initialise as init_segmenter
from crawler.segment import segment
from crawler.textnorm import stable_id, utc_now_iso
from crawler.topic import topic_from_settings
from pipelines.clusters import assign_clusters
from pipelines.normalise import identify_languages
from pipelines.schema import JSON_COLUMNS, TABLES, open_db, upsert_sql

logger = logging.getLogger(__name__)

COUNT_FIELDS = ["like_count", "repost_count", "reply_count", "quote_count", "share_count", "collect_count", "view_count"]


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # one encoder, not one per call


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if not value and isinstance(value, list):
        return "[]"
    return _ENCODE(value)


def row_for(table: str, item: Any) -> dict[str, Any]:
    """The table row for an item (a dataclass): every schema column, JSON columns serialised."""
    data = vars(item)
    row = {c: data.get(c) for c in TABLES[table][0]}
    for c in JSON_COLUMNS.get(table, []):
        row[c] = _json(row[c])
    return row


def _existing(db: sqlite_utils.Database, table: str, ids: list[int], cols: str = "id") -> dict[int, tuple]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {r[0]: r for r in db.execute(f"SELECT {cols} FROM [{table}] WHERE id IN ({marks})", ids).fetchall()}


@functools.cache
def _sql(table: str, keep: frozenset[str] = frozenset()) -> str:
    return upsert_sql(table, list(TABLES[table][0]), set(keep))


def _write(db: sqlite_utils.Database, table: str, rows: list[dict], keep: frozenset[str] = frozenset()) -> None:
    """Upsert full rows (every column of the table); ``keep`` columns keep their stored value."""
    if rows:
        db.conn.executemany(_sql(table, keep), rows)


# kept when a stored document is seen again (cluster labels are assigned once, by pipelines/clusters.py)
FIRST_SIGHTING = frozenset({"first_seen_at", "run_id", "source", "cluster_id", "is_canonical"})


def store_articles(db: sqlite_utils.Database, items: list[Article], run_id: str, now: str) -> tuple[int, int]:
    aliases = [a for a in items if a.extra.get("duplicate_of")]
    items = [a for a in items if not a.extra.get("duplicate_of")]
    old = _existing(db, "articles", [a.id for a in items], "id, sources")
    rows, urls, updated = [], [], 0
    for a in items:
        a.last_seen_at, a.last_run_id = now, run_id
        row = row_for("articles", a)
        row["day"] = (a.published_at or "")[:10] or None
        if a.id in old:
            updated += 1
            sources = json.loads(old[a.id][1] or "[]")
            row["sources"] = _json(sources + [a.source] if a.source not in sources else sources)
        else:
            row.update(first_seen_at=now, run_id=run_id, sources=_json([a.source]))
        rows.append(row)
        for url in {a.url, a.canonical_url}:
            urls.append({"url": url, "article_id": a.id, "source": a.source, "first_seen_at": now})
    for a in aliases:
        target = a.extra["duplicate_of"]
        db.execute("UPDATE articles SET last_seen_at = ?, last_run_id = ? WHERE id = ?", [now, run_id, target])
        urls.append({"url": a.url, "article_id": target, "source": a.source, "first_seen_at": now})
    _write(db, "articles", rows, FIRST_SIGHTING)
    _write(db, "article_urls", urls, frozenset({"article_id", "source", "first_seen_at"}))
    search = [{"id": a.id, "search_text": segment(" ".join(x for x in (a.title, a.summary, a.text) if x))} for a in items]
    _write(db, "articles_search", search)
    return len(rows) - updated, updated


def _author_row(p: Post, now: str) -> dict | None:
    key = p.author_id or p.author
    if not key:
        return None
    return {
        "id": stable_id(f"{p.platform}:{key}"), "platform": p.platform, "author_id": key,
        "handle": p.author, "display_name": p.author_name, "followers": p.author_followers,
        "first_seen_at": now, "last_seen_at": now,
    }


def store_posts(db: sqlite_utils.Database, items: list[Post], run_id: str, now: str) -> tuple[int, int]:
    # every sighting is an observation; the posts row keeps the latest one
    obs = [{"post_id": p.id, "observed_at": p.observed_at or now, "run_id": run_id,
            **{c: getattr(p, c) for c in COUNT_FIELDS}} for p in items]
    latest: dict[int, Post] = {}
    for p in sorted(items, key=lambda p: p.observed_at or now):
        latest[p.id] = p
    items = list(latest.values())
    old = _existing(db, "posts", [p.id for p in items])
    rows, tags, authors = [], [], {}
    for p in items:
        p.last_seen_at, p.last_run_id = now, run_id
        author = _author_row(p, now)
        row = row_for("posts", p)
        row["day"] = (p.created_at or "")[:10] or None
        row["author_ref"] = author["id"] if author else None
        row["first_seen_at"], row["run_id"] = now, run_id  # kept on conflict: see FIRST_SIGHTING
        if author:
            authors[author["id"]] = author
        rows.append(row)
        tags += [{"post_id": p.id, "tag": t.casefold(), "tag_display": t} for t in p.hashtags]
    _write(db, "authors", list(authors.values()), frozenset({"first_seen_at"}))
    _write(db, "posts", rows, FIRST_SIGHTING)
    if old:
        marks = ",".join("?" * len(old))
        db.execute(f"DELETE FROM post_hashtags WHERE post_id IN ({marks})", list(old))
    _write(db, "post_hashtags", tags, frozenset({"tag_display"}))
    _write(db, "observations", obs)
    search = [{"id": p.id, "search_text": segment(" ".join(x for x in (p.title, p.text, " ".join(p.hashtags)) if x))} for p in items]
    _write(db, "posts_search", search)
    return len(rows) - len(old), len(old)


def store_batch(db: sqlite_utils.Database, items: Iterable[Any], run_id: str, now: str | None = None) -> tuple[int, int]:
    """Write one batch in one transaction; return (new, updated)."""
    now = now or utc_now_iso()
    items = list(items)
    identify_languages(items)
    with db.atomic():
        n1, u1 = store_articles(db, [i for i in items if isinstance(i, Article)], run_id, now)
        n2, u2 = store_posts(db, [i for i in items if isinstance(i, Post)], run_id, now)
    return n1 + n2, u1 + u2


def record_sightings(db_path: str, sightings: list[tuple[str, str, dict]], run_id: str) -> int:
    """Stored articles seen again without being fetched (known URLs): bump last_seen_at and
    last_run_id, add the discovery method to `sources` and the source's own fields (e.g. GDELT's
    seendate) to `extra` where they are missing. Returns the number of articles touched."""
    now = utc_now_iso()
    db = open_db(db_path)
    try:
        urls = list({url for url, _, _ in sightings})
        article_of: dict[str, int] = {}
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            marks = ",".join("?" * len(chunk))
            article_of.update(db.execute(f"SELECT url, article_id FROM article_urls WHERE url IN ({marks})", chunk).fetchall())
        by_article: dict[int, list[tuple[str, dict]]] = {}
        for url, source, extra in sightings:
            if url in article_of:
                by_article.setdefault(article_of[url], []).append((source, extra))
        with db.atomic():
            for article_id, seen in by_article.items():
                found = db.execute("SELECT sources, extra FROM articles WHERE id = ?", [article_id]).fetchone()
                if not found:
                    continue
                sources, extra = json.loads(found[0] or "[]"), json.loads(found[1] or "{}")
                for source, more in seen:
                    if source not in sources:
                        sources.append(source)
                    extra = {**more, **extra}
                db.execute("UPDATE articles SET last_seen_at = ?, last_run_id = ?, sources = ?, extra = ? WHERE id = ?",
                           [now, run_id, _json(sources), _json(extra), article_id])
        return len(by_article)
    finally:
        db.close()


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = crawler.settings.get("OBSERVATORY_DB")
        self.batch_size = crawler.settings.getint("STORE_BATCH_SIZE", 200)
        self.buffer: list[Any] = []
        self.db: sqlite_utils.Database | None = None
        self.cluster = crawler.settings.getbool("NEARDUP_ENABLED", True)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        # fails loudly (and the crawl stops) if the database cannot be opened or migrated
        self.db = open_db(self.db_path)
        topic = topic_from_settings(self.crawler.settings)
        init_segmenter([t.label for t in topic.all_terms])

    def process_item(self, item):
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        try:
            new, updated = store_batch(self.db, batch, run_id_for(self.crawler))
        except sqlite3.Error as exc:  # the transaction rolled back: nothing half-written
            self.stats.inc_value("observatory/store/errors")
            self.stats.inc_value("observatory/store/lost_items", len(batch))
            logger.error("could not store a batch of %d items (rolled back): %s", len(batch), exc)
            return
        self.stats.inc_value("observatory/store/new", new)
        self.stats.inc_value("observatory/store/updated", updated)
        self.stats.inc_value("observatory/store/batches")
        logger.debug("stored batch: %d new, %d updated", new, updated)

    def close_spider(self):
        try:
            self.flush()
            if self.cluster:
                self.stats.set_value("observatory/clusters/assigned", assign_clusters(self.db))
        finally:
            if self.db is not None:
                self.db.close()
