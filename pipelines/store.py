"""Store: buffered, batched upserts into SQLite (one transaction per batch, WAL mode).

A kill at any moment loses at most the open batch (never committed, so never half-written);
every committed batch is complete: rows, search text, hashtags, observations, authors.
A repeat sighting of a stored document updates ``last_seen_at``, ``last_run_id``, counts and
content, and keeps ``first_seen_at``, ``run_id`` and ``source`` (the first method that found it).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any, Iterable

import sqlite_utils
from itemadapter import ItemAdapter

from crawler.extensions import run_id_for
from crawler.items import Article, Post
from crawler.segment import initialise as init_segmenter
from crawler.segment import segment
from crawler.textnorm import stable_id, utc_now_iso
from crawler.topic import topic_from_settings
from pipelines.schema import JSON_COLUMNS, TABLES, open_db

logger = logging.getLogger(__name__)

COUNT_FIELDS = ["like_count", "repost_count", "reply_count", "quote_count", "share_count", "collect_count", "view_count"]
KEEP_ON_UPDATE = {"id", "first_seen_at", "run_id", "source"}


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def row_for(table: str, item: Any) -> dict[str, Any]:
    """The table row for an item: the schema's columns only, JSON columns serialised."""
    data = ItemAdapter(item).asdict()
    columns = TABLES[table][0]
    row = {c: data.get(c) for c in columns if c in data}
    for c in JSON_COLUMNS.get(table, []):
        if c in row:
            row[c] = _json(row[c])
    return row


def _existing(db: sqlite_utils.Database, table: str, ids: list[int], cols: str = "id") -> dict[int, tuple]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {r[0]: r for r in db.execute(f"SELECT {cols} FROM [{table}] WHERE id IN ({marks})", ids).fetchall()}


def _upsert(db: sqlite_utils.Database, table: str, rows: list[dict], pk: str = "id") -> None:
    if rows:
        db.table(table).upsert_all(rows, pk=pk, alter=False)


def store_articles(db: sqlite_utils.Database, items: list[Article], run_id: str, now: str) -> tuple[int, int]:
    aliases = [a for a in items if a.extra.get("duplicate_of")]
    items = [a for a in items if not a.extra.get("duplicate_of")]
    old = _existing(db, "articles", [a.id for a in items], "id, sources")
    new_rows, upd_rows, urls = [], [], []
    for a in items:
        a.last_seen_at, a.last_run_id = now, run_id
        row = row_for("articles", a)
        row["day"] = (a.published_at or "")[:10] or None
        if a.id in old:
            sources = json.loads(old[a.id][1] or "[]")
            row["sources"] = _json(sources + [a.source] if a.source not in sources else sources)
            upd_rows.append({k: v for k, v in row.items() if k not in KEEP_ON_UPDATE or k == "id"})
        else:
            row.update(first_seen_at=now, run_id=run_id, sources=_json([a.source]))
            new_rows.append(row)
        for url in {a.url, a.canonical_url}:
            urls.append({"url": url, "article_id": a.id, "source": a.source, "first_seen_at": now})
    for a in aliases:
        target = a.extra["duplicate_of"]
        db.execute("UPDATE articles SET last_seen_at = ?, last_run_id = ? WHERE id = ?", [now, run_id, target])
        urls.append({"url": a.url, "article_id": target, "source": a.source, "first_seen_at": now})
    _upsert(db, "articles", new_rows)
    _upsert(db, "articles", upd_rows)
    if urls:
        db.table("article_urls").insert_all(urls, pk="url", ignore=True)
    search = [{"id": a.id, "search_text": segment(" ".join(x for x in (a.title, a.summary, a.text) if x))} for a in items]
    _upsert(db, "articles_search", search)
    return len(new_rows), len(upd_rows)


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
    new_rows, upd_rows, tags, authors = [], [], [], {}
    for p in items:
        p.last_seen_at, p.last_run_id = now, run_id
        author = _author_row(p, now)
        row = row_for("posts", p)
        row["day"] = (p.created_at or "")[:10] or None
        row["author_ref"] = author["id"] if author else None
        if author:
            authors[author["id"]] = author
        if p.id in old:
            upd_rows.append({k: v for k, v in row.items() if k not in KEEP_ON_UPDATE or k == "id"})
        else:
            row.update(first_seen_at=now, run_id=run_id)
            new_rows.append(row)
        tags += [{"post_id": p.id, "tag": t.casefold(), "tag_display": t} for t in p.hashtags]
    if authors:
        known = _existing(db, "authors", list(authors), "id, first_seen_at")
        for aid, a in authors.items():
            if aid in known:
                a["first_seen_at"] = known[aid][1]
        _upsert(db, "authors", list(authors.values()))
    _upsert(db, "posts", new_rows)
    _upsert(db, "posts", upd_rows)
    if upd_rows:
        marks = ",".join("?" * len(upd_rows))
        db.execute(f"DELETE FROM post_hashtags WHERE post_id IN ({marks})", [r["id"] for r in upd_rows])
    if tags:
        db.table("post_hashtags").insert_all(tags, pk=("post_id", "tag"), ignore=True)
    db.table("observations").upsert_all(obs, pk=("post_id", "observed_at"))
    search = [{"id": p.id, "search_text": segment(" ".join(x for x in (p.title, p.text, " ".join(p.hashtags)) if x))} for p in items]
    _upsert(db, "posts_search", search)
    return len(new_rows), len(upd_rows)


def store_batch(db: sqlite_utils.Database, items: Iterable[Any], run_id: str, now: str | None = None) -> tuple[int, int]:
    """Write one batch in one transaction; return (new, updated)."""
    now = now or utc_now_iso()
    items = list(items)
    with db.atomic():
        n1, u1 = store_articles(db, [i for i in items if isinstance(i, Article)], run_id, now)
        n2, u2 = store_posts(db, [i for i in items if isinstance(i, Post)], run_id, now)
    return n1 + n2, u1 + u2


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = crawler.settings.get("OBSERVATORY_DB")
        self.batch_size = crawler.settings.getint("STORE_BATCH_SIZE", 200)
        self.buffer: list[Any] = []
        self.db: sqlite_utils.Database | None = None

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
        finally:
            if self.db is not None:
                self.db.close()
