"""Compare two observatory databases row by row on ids and key columns (a refactor's check).

    .venv/bin/python scripts/compare_dbs.py BEFORE.db AFTER.db

Prints, per table, the rows only in one of them and the rows whose key columns differ; exits 1
when anything differs. Crawl-time columns (first_seen_at, run ids, ...) are not compared.
"""

from __future__ import annotations

import sqlite3
import sys

KEYS = {
    "articles": (
        "id",
        [
            "url",
            "canonical_url",
            "outlet",
            "title",
            "authors",
            "published_at",
            "lang",
            "text",
            "content_hash",
            "source",
            "cluster_id",
            "is_canonical",
        ],
    ),
    "posts": (
        "id",
        [
            "platform",
            "platform_id",
            "kind",
            "url",
            "title",
            "text",
            "lang",
            "created_at",
            "author",
            "hashtags",
            "like_count",
            "reply_count",
            "quote_of",
            "content_hash",
            "cluster_id",
        ],
    ),
    "article_urls": ("url", ["article_id"]),
    "authors": ("id", ["platform", "author_id", "handle"]),
    "post_hashtags": ("post_id || ':' || tag", ["tag_display"]),
    "observations": (
        "post_id || ':' || coalesce(like_count, '') || ':' || coalesce(reply_count, '')",
        ["run_id IS NOT NULL"],
    ),
    "articles_search": ("id", ["search_text"]),
    "posts_search": ("id", ["search_text"]),
}


def table_rows(conn: sqlite3.Connection, table: str) -> dict:
    key, cols = KEYS[table]
    have = {r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")}
    cols = [c for c in cols if c in have or " " in c]
    return {r[0]: r[1:] for r in conn.execute(f"SELECT {key}, {', '.join(cols)} FROM [{table}]")}


def main(before: str, after: str, ignore: set[str] = frozenset()) -> int:
    a, b = sqlite3.connect(before), sqlite3.connect(after)
    differ = False
    for table in KEYS:
        if table in ignore:
            continue
        ra, rb = table_rows(a, table), table_rows(b, table)
        only_a, only_b = ra.keys() - rb.keys(), rb.keys() - ra.keys()
        changed = [k for k in ra.keys() & rb.keys() if ra[k] != rb[k]]
        status = "same" if not (only_a or only_b or changed) else "DIFFERENT"
        differ |= status != "same"
        print(
            f"{table:<16} {len(ra):>6} rows before {len(rb):>6} after  only-before {len(only_a):>4} "
            f"only-after {len(only_b):>4} changed {len(changed):>4}  {status}"
        )
        for k in sorted(changed, key=str)[:3]:
            print("    changed", k, [(x, y) for x, y in zip(ra[k], rb[k], strict=True) if x != y][:3])
        for k in sorted(only_a, key=str)[:3]:
            print("    only before", k, ra[k][:4])
        for k in sorted(only_b, key=str)[:3]:
            print("    only after", k, rb[k][:4])
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print("usage: compare_dbs.py BEFORE.db AFTER.db [--ignore table,table]", file=sys.stderr)
        sys.exit(2)
    skip = set(sys.argv[4].split(",")) if len(sys.argv) > 4 and sys.argv[3] == "--ignore" else set()
    sys.exit(main(sys.argv[1], sys.argv[2], skip))
