"""The SQL side of a takedown (crawler/ops/forget.py is the command): remove an article (any of
its URLs) or a person's posts from every table in one transaction and record what went.

``PRAGMA secure_delete`` overwrites the freed pages; the full-text indexes are optimised and the
WAL checkpointed afterwards, so the text does not linger in the database file. A checkpoint that
a reader blocks is reported (``checkpoint_blocked``): the text then stays in the WAL until that
reader closes, and the command says so. Nothing matched: nothing is recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from crawler.textnorm import canonical_url, stable_id, url_key, utc_now_iso


def _ids(conn, sql: str, params: list) -> list[int]:
    return [r[0] for r in conn.execute(sql, params)]


def _marks(ids: list) -> str:
    return ",".join("?" * len(ids))


def _match_articles(conn, url: str) -> list[int]:
    canon = canonical_url(url) or url
    ids = {stable_id(url_key(canon))}
    ids |= set(_ids(conn, "SELECT article_id FROM article_urls WHERE url IN (?, ?)", [url, canon]))
    ids |= set(
        _ids(conn, "SELECT id FROM articles WHERE url IN (?, ?) OR canonical_url IN (?, ?)", [url, canon, url, canon])
    )
    return _ids(conn, f"SELECT id FROM articles WHERE id IN ({_marks(ids)})", list(ids))


def _match_posts(conn, url: str | None, author: str | None, platform: str | None) -> list[int]:
    if url:
        sql, params = "SELECT id FROM posts WHERE (url = ? OR platform_id = ?)", [url, url]
    else:
        sql, params = "SELECT id FROM posts WHERE (author = ? OR author_id = ?)", [author, author]
    if platform:
        sql, params = sql + " AND platform = ?", params + [platform]
    return _ids(conn, sql, params)


def _delete(conn, table: str, column: str, ids: list) -> int:
    if not ids:
        return 0
    return conn.execute(f"DELETE FROM [{table}] WHERE [{column}] IN ({_marks(ids)})", ids).rowcount


def remove(
    store,
    url: str | None,
    author: str | None,
    platform: str | None,
    reason: str | None,
    find_warcs: Callable[[list[str]], list[str]],
) -> dict:
    """Delete the matching rows, record the takedown (when something matched); return
    ``{"counts", "warc_files", "matched", "checkpoint_blocked"}``. ``find_warcs(needles)`` lists
    the archive files holding any of the removed URLs / ids."""
    if bool(url) == bool(author):
        raise ValueError("give exactly one of url or author")
    db = store.db
    conn = db.conn
    conn.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable
    with db.atomic():
        article_ids = _match_articles(conn, url) if url else []
        post_ids = _match_posts(conn, url, author, platform)
        needles = [url, canonical_url(url)] if url else [author]
        if article_ids:
            needles += [
                v
                for r in conn.execute(
                    f"SELECT url, canonical_url FROM articles WHERE id IN ({_marks(article_ids)})", article_ids
                )
                for v in r
                if v
            ]
        author_refs: list[int] = []
        if post_ids:
            needles += [
                v
                for r in conn.execute(f"SELECT url, platform_id FROM posts WHERE id IN ({_marks(post_ids)})", post_ids)
                for v in r
                if v
            ]
            author_refs = _ids(
                conn,
                f"SELECT DISTINCT author_ref FROM posts WHERE id IN ({_marks(post_ids)}) AND author_ref IS NOT NULL",
                post_ids,
            )
        if author:
            sql, params = "SELECT id FROM authors WHERE (handle = ? OR author_id = ?)", [author, author]
            if platform:
                sql, params = sql + " AND platform = ?", params + [platform]
            author_refs = sorted(set(author_refs) | set(_ids(conn, sql, params)))
        counts = {
            "articles_search": _delete(conn, "articles_search", "id", article_ids),
            "article_urls": _delete(conn, "article_urls", "article_id", article_ids),
            "articles": _delete(conn, "articles", "id", article_ids),
            "posts_search": _delete(conn, "posts_search", "id", post_ids),
            "post_hashtags": _delete(conn, "post_hashtags", "post_id", post_ids),
            "observations": _delete(conn, "observations", "post_id", post_ids),
            "posts": _delete(conn, "posts", "id", post_ids),
        }
        orphans = [
            a
            for a in author_refs
            if not conn.execute("SELECT 1 FROM posts WHERE author_ref = ? LIMIT 1", [a]).fetchone()
        ]
        counts["authors"] = _delete(conn, "authors", "id", orphans)
        if url:  # URLs that were aliases of nothing else (e.g. the requested URL itself)
            counts["article_urls"] += _delete(conn, "article_urls", "url", [url, canonical_url(url) or url])
        matched = any(counts.values())
        warcs = [str(p) for p in find_warcs(needles)] if matched else []
        if matched:
            conn.execute(
                "INSERT INTO takedowns (requested_at, kind, target, platform, reason, counts, warc_files) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    utc_now_iso(),
                    "url" if url else "author",
                    url or author,
                    platform,
                    reason,
                    json.dumps(counts, sort_keys=True),
                    json.dumps(warcs),
                ],
            )
    blocked = False
    if matched:
        for fts in ("articles_search_fts", "posts_search_fts"):
            conn.execute(f"INSERT INTO [{fts}]([{fts}]) VALUES ('optimize')")  # merge away deleted tokens
            conn.commit()
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        blocked = bool(busy)
    return {"counts": counts, "warc_files": warcs, "matched": matched, "checkpoint_blocked": blocked}
