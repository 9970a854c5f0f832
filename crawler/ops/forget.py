"""Takedown: remove an article (by URL) or a person's posts (by handle) from every table.

    python -m crawler.forget --url URL [--db DB] [--reason TEXT] [--delete-warcs]
    python -m crawler.forget --author HANDLE [--platform mastodon] [--db DB] [--delete-warcs]

One transaction removes the matching rows from articles, article_urls, articles_search (and its
full-text index, through the triggers), posts, posts_search, post_hashtags, observations and the
authors rows left with no posts; ``PRAGMA secure_delete`` overwrites the freed pages and the WAL is
checkpointed, so the text does not linger in the database file. The ``takedowns`` table records
what was asked (kind, target, platform, reason), when, and how many rows went: never the removed
content.

The takedown also holds for later crawls: a taken-down URL is never fetched again (it joins the
known URLs of crawler/spiders/articles.py) and ``TakedownFilterMiddleware`` drops items from a
taken-down URL or author before the pipelines see them (``observatory/takedown/blocked``).

Raw WARC files (crawler/archive.py) are not rewritten: forget *lists* every WARC file under
ARCHIVE_DIR holding the content (records stored in ``takedowns.warc_files``) and deletes those
files when given ``--delete-warcs``. A WARC is one run's evidence; deleting the whole file is
honest about what is gone, where rewriting it would leave an altered archive.
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from pathlib import Path

from crawler.items import Article, Post
from crawler.textnorm import canonical_url, stable_id, url_key, utc_now_iso
from pipelines.schema import open_db

logger = logging.getLogger(__name__)


# -- what a takedown matches -------------------------------------------------------------------

def _takedowns(db_path: str) -> list[dict]:
    if not Path(db_path).exists():
        return []
    db = open_db(db_path)
    try:
        return list(db["takedowns"].rows)
    finally:
        db.close()


def known_article_urls(db_path: str) -> set[str]:
    """URLs an article spider must not fetch: every stored article URL and every taken-down URL."""
    if not Path(db_path).exists():
        return set()
    db = open_db(db_path)
    try:
        urls = {r[0] for r in db.execute("SELECT url FROM article_urls")}
        urls |= {canonical_url(r[0]) for r in db.execute("SELECT target FROM takedowns WHERE kind = 'url'")}
    finally:
        db.close()
    return urls


def _matches_article(db: sqlite3.Connection, url: str) -> list[int]:
    canon = canonical_url(url) or url
    ids = {stable_id(url_key(canon))}
    ids |= {r[0] for r in db.execute("SELECT article_id FROM article_urls WHERE url IN (?, ?)", [url, canon])}
    ids |= {r[0] for r in db.execute("SELECT id FROM articles WHERE url IN (?, ?) OR canonical_url IN (?, ?)",
                                     [url, canon, url, canon])}
    marks = ",".join("?" * len(ids))
    return [r[0] for r in db.execute(f"SELECT id FROM articles WHERE id IN ({marks})", list(ids))]


def _matches_posts(db: sqlite3.Connection, url: str | None, author: str | None, platform: str | None) -> list[int]:
    if url:
        sql, params = "SELECT id FROM posts WHERE (url = ? OR platform_id = ?)", [url, url]
    else:
        sql, params = "SELECT id FROM posts WHERE (author = ? OR author_id = ?)", [author, author]
    if platform:
        sql += " AND platform = ?"
        params.append(platform)
    return [r[0] for r in db.execute(sql, params)]


# -- removal ---------------------------------------------------------------------------------------

def _delete(db: sqlite3.Connection, table: str, column: str, ids: list) -> int:
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    return db.execute(f"DELETE FROM [{table}] WHERE [{column}] IN ({marks})", ids).rowcount


def forget(db_path: str, url: str | None = None, author: str | None = None, platform: str | None = None,
           reason: str | None = None, archive_dir: str | None = None, delete_warcs: bool = False) -> dict:
    """Remove the matching rows in one transaction, record the takedown; return what was done."""
    if bool(url) == bool(author):
        raise ValueError("give exactly one of url or author")
    sdb = open_db(db_path)  # creates missing tables (takedowns) in an older database
    sdb.close()
    conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable
        conn.execute("BEGIN IMMEDIATE")
        try:
            article_ids = _matches_article(conn, url) if url else []
            post_ids = _matches_posts(conn, url, author, platform)
            needles = [url, canonical_url(url)] if url else [author]
            if article_ids:
                marks = ",".join("?" * len(article_ids))
                needles += [v for r in conn.execute(f"SELECT url, canonical_url FROM articles WHERE id IN ({marks})",
                                                    article_ids) for v in r if v]
            if post_ids:
                marks = ",".join("?" * len(post_ids))
                needles += [v for r in conn.execute(f"SELECT url, platform_id FROM posts WHERE id IN ({marks})", post_ids)
                            for v in r if v]
                author_refs = [r[0] for r in conn.execute(
                    f"SELECT DISTINCT author_ref FROM posts WHERE id IN ({marks}) AND author_ref IS NOT NULL", post_ids)]
            else:
                author_refs = []
            if author:
                sql, params = "SELECT id FROM authors WHERE (handle = ? OR author_id = ?)", [author, author]
                if platform:
                    sql, params = sql + " AND platform = ?", params + [platform]
                author_refs = sorted(set(author_refs) | {r[0] for r in conn.execute(sql, params)})
            counts = {
                "articles_search": _delete(conn, "articles_search", "id", article_ids),
                "article_urls": _delete(conn, "article_urls", "article_id", article_ids),
                "articles": _delete(conn, "articles", "id", article_ids),
                "posts_search": _delete(conn, "posts_search", "id", post_ids),
                "post_hashtags": _delete(conn, "post_hashtags", "post_id", post_ids),
                "observations": _delete(conn, "observations", "post_id", post_ids),
                "posts": _delete(conn, "posts", "id", post_ids),
            }
            orphans = [a for a in author_refs
                       if not conn.execute("SELECT 1 FROM posts WHERE author_ref = ? LIMIT 1", [a]).fetchone()]
            counts["authors"] = _delete(conn, "authors", "id", orphans)
            if url:  # URLs that were aliases of nothing else (e.g. the requested URL itself)
                counts["article_urls"] += _delete(conn, "article_urls", "url", [url, canonical_url(url) or url])
            warcs = warc_files_holding(archive_dir, needles) if archive_dir else []
            conn.execute(
                "INSERT INTO takedowns (requested_at, kind, target, platform, reason, counts, warc_files) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [utc_now_iso(), "url" if url else "author", url or author, platform, reason,
                 json.dumps(counts, sort_keys=True), json.dumps([str(p) for p in warcs])],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        for fts in ("articles_search_fts", "posts_search_fts"):
            conn.execute(f"INSERT INTO [{fts}]([{fts}]) VALUES ('optimize')")  # merge away deleted tokens
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    deleted = []
    if delete_warcs:
        for path in warcs:
            Path(path).unlink(missing_ok=True)
            deleted.append(str(path))
    return {"counts": counts, "warc_files": [str(p) for p in warcs], "deleted_warcs": deleted}


def warc_files_holding(archive_dir: str | Path, needles: list[str]) -> list[Path]:
    """WARC files under archive_dir with a record whose URL or (decoded) payload contains a needle."""
    from warcio.archiveiterator import ArchiveIterator

    root = Path(archive_dir)
    if not root.is_dir():
        return []
    raw = [n.encode("utf-8") for n in needles if n]
    # JSON payloads escape "/" as "\/" sometimes and non-ASCII as \uXXXX: look for those spellings too
    raw += [json.dumps(n).strip('"').encode() for n in needles if n]
    found = []
    for path in sorted(root.glob("*.warc.gz")):
        try:
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type not in ("response", "request"):
                        continue
                    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").encode()
                    body = record.content_stream().read() if record.rec_type == "response" else b""
                    if any(n in uri or n in body for n in raw):
                        found.append(path)
                        break
        except Exception as exc:  # a truncated last record (killed run): what was read counts
            logger.debug("stopped reading %s: %s", path, exc)
    return found


# -- later crawls honour the takedowns ----------------------------------------------------------------

class TakedownFilterMiddleware:
    """Spider middleware: drop items whose URL or author was taken down (before any pipeline)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("OBSERVATORY_DB")
        self.urls: set[str] | None = None
        self.authors: set[tuple[str | None, str]] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _load(self) -> None:
        rows = _takedowns(self.db_path)
        self.urls = {canonical_url(r["target"]) for r in rows if r["kind"] == "url"} | \
                    {r["target"] for r in rows if r["kind"] == "url"}
        self.authors = {(r["platform"], r["target"]) for r in rows if r["kind"] == "author"}

    def blocked(self, item) -> bool:
        if self.urls is None:
            self._load()
        if not self.urls and not self.authors:
            return False
        if isinstance(item, Article):
            return bool({canonical_url(item.url), canonical_url(item.canonical_url)} & self.urls)
        if isinstance(item, Post):
            if {item.url, item.platform_id} & self.urls:
                return True
            return any(who in (item.author, item.author_id) and plat in (None, item.platform)
                       for plat, who in self.authors)
        return False

    def _keep(self, o) -> bool:
        if isinstance(o, (Article, Post)) and self.blocked(o):
            self.crawler.stats.inc_value("observatory/takedown/blocked")
            return False
        return True

    def process_spider_output(self, response, result):
        for o in result:
            if self._keep(o):
                yield o

    async def process_spider_output_async(self, response, result):
        async for o in result:
            if self._keep(o):
                yield o


def main(argv: list[str] | None = None) -> int:
    from crawler import settings

    ap = argparse.ArgumentParser(description="Remove an article or an author's posts from the database (takedown).")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--url", help="an article URL (any alias) or a post URL / platform id")
    what.add_argument("--author", help="a handle or account id; every post by it goes")
    ap.add_argument("--platform", help="limit --author to one platform (mastodon, bluesky, ...)")
    ap.add_argument("--db", default=settings.OBSERVATORY_DB)
    ap.add_argument("--reason", default=None, help="recorded in takedowns.reason (e.g. 'author request 2025-02-01')")
    ap.add_argument("--archive-dir", default=None, help="default: ARCHIVE_DIR, or archive/ next to the database")
    ap.add_argument("--delete-warcs", action="store_true", help="delete the WARC files that hold the content")
    opts = ap.parse_args(argv)
    if not Path(opts.db).exists():
        print(f"error: no database at {opts.db}", file=sys.stderr)
        return 2
    if opts.archive_dir is None:
        from crawler.archive import archive_dir

        opts.archive_dir = str(archive_dir({"ARCHIVE_DIR": settings.ARCHIVE_DIR, "OBSERVATORY_DB": opts.db}))
    done = forget(opts.db, url=opts.url, author=opts.author, platform=opts.platform, reason=opts.reason,
                  archive_dir=opts.archive_dir, delete_warcs=opts.delete_warcs)
    removed = ", ".join(f"{k} {v}" for k, v in done["counts"].items() if v) or "nothing matched"
    print(f"removed: {removed}")
    if done["deleted_warcs"]:
        print("deleted WARC files:\n  " + "\n  ".join(done["deleted_warcs"]))
    elif done["warc_files"]:
        print("WARC files still holding it (delete them or rerun with --delete-warcs):\n  "
              + "\n  ".join(done["warc_files"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
