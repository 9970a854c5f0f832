"""Near-duplicate clusters for stored articles and posts (the rule: crawler/storage/neardup.py).

``assign_clusters(db)`` gives every stored document without a ``cluster_id`` one: it loads the
persistent index (``neardup_*`` tables), adds the unassigned documents in publication order, and
writes ``cluster_id`` / ``is_canonical`` plus the index state in one transaction per chunk. It runs after a
crawl (crawler/ops/cluster.py: `make cluster`, and the end of `make crawl` / `make run`); because it works from ``cluster_id IS NULL`` rows, a
crawl killed before that point is caught up by the next one, and tomorrow's copy joins today's
cluster. Nothing is deleted: clustering only labels rows.

Articles are compared on their main text (headlines and bylines differ between syndicated
copies); posts on title + text. One index serves both, so a post that copies an article's text
joins the article's cluster.
"""

from __future__ import annotations

import logging

import sqlite_utils

from crawler.storage.neardup import NearDupIndex, ensure_tables

logger = logging.getLogger(__name__)

SOURCES = {
    "articles": ("text", "published_at"),
    "posts": ("trim(coalesce(title, '') || ' ' || coalesce(text, ''))", "created_at"),
}


def assign_clusters(store, chunk: int = 10_000) -> int:
    """Cluster every unassigned article and post of a ``Store``; return how many were assigned."""
    db: sqlite_utils.Database = store.db
    with db.atomic():
        ensure_tables(db.conn)
    index = NearDupIndex.load(db.conn)
    done = 0
    for table, (text_sql, date_col) in SOURCES.items():
        while True:
            rows = db.execute(
                f"SELECT id, {text_sql}, {date_col} FROM [{table}] WHERE cluster_id IS NULL LIMIT ?", [chunk]
            ).fetchall()
            if not rows:
                break
            ids = [r[0] for r in rows]
            with db.atomic():
                clusters = index.add_batch(ids, [r[1] or "" for r in rows], [r[2] for r in rows])
                db.conn.executemany(
                    f"UPDATE [{table}] SET cluster_id = ?, is_canonical = ? WHERE id = ?",
                    [(c, int(c == i), i) for c, i in zip(clusters, ids, strict=True)],
                )
                index.save(db.conn)
            done += len(rows)
    logger.info("near-duplicate clusters: %d documents assigned", done)
    return done
