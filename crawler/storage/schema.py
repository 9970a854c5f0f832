"""The one place that defines the database: tables, columns, indexes and full-text search.

Only definitions live here; crawler/storage/migrations.py applies them (versioned, through
sqlite-utils ``Migrations``) and crawler/storage/store.py is the one object that reads and writes.
Column descriptions for Datasette live in datasets/metadata.yml; docs/schema.md documents the
same columns, and a test checks that all three agree.
"""

from __future__ import annotations

# table -> (columns in order, primary key). Types: int, str, float.
TABLES: dict[str, tuple[dict[str, type], str | tuple[str, ...]]] = {
    "articles": (
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "outlet": str,
            "title": str,
            "authors": str,
            "section": str,
            "published_at": str,
            "published_at_raw": str,
            "published_local": str,
            "date_source": str,
            "modified_at": str,
            "day": str,
            "lang": str,
            "text": str,
            "summary": str,
            "source": str,
            "sources": str,
            "source_url": str,
            "extra": str,
            "matched_terms": str,
            "matched_in": str,
            "content_hash": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "run_id": str,
            "last_run_id": str,
            "warc_record_id": str,
            "cluster_id": int,
            "is_canonical": int,
        },
        "id",
    ),
    "posts": (
        {
            "id": int,
            "platform": str,
            "platform_id": str,
            "kind": str,
            "url": str,
            "title": str,
            "text": str,
            "lang": str,
            "created_at": str,
            "created_at_raw": str,
            "edited_at": str,
            "day": str,
            "author": str,
            "author_id": str,
            "author_name": str,
            "author_ref": int,
            "hashtags": str,
            "mentions": str,
            "links": str,
            "like_count": int,
            "repost_count": int,
            "reply_count": int,
            "quote_count": int,
            "share_count": int,
            "collect_count": int,
            "view_count": int,
            "community": str,
            "reply_to": str,
            "thread_root": str,
            "quote_of": str,
            "reposted_by": str,
            "source_query": str,
            "matched_terms": str,
            "matched_in": str,
            "content_hash": str,
            "raw": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "run_id": str,
            "last_run_id": str,
            "warc_record_id": str,
            "cluster_id": int,
            "is_canonical": int,
            "rating": int,
            "app_version": str,
        },
        "id",
    ),
    "authors": (
        {
            "id": int,
            "platform": str,
            "author_id": str,
            "handle": str,
            "display_name": str,
            "followers": int,
            "first_seen_at": str,
            "last_seen_at": str,
        },
        "id",
    ),
    "post_hashtags": ({"post_id": int, "tag": str, "tag_display": str}, ("post_id", "tag")),
    "observations": (
        {
            "post_id": int,
            "observed_at": str,
            "run_id": str,
            "like_count": int,
            "repost_count": int,
            "reply_count": int,
            "quote_count": int,
            "share_count": int,
            "collect_count": int,
            "view_count": int,
        },
        ("post_id", "observed_at"),
    ),
    "article_urls": (
        {"url": str, "article_id": int, "source": str, "first_seen_at": str},
        "url",
    ),
    "runs": (
        {
            "run_id": str,
            "spider": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "finish_reason": str,
            "duration_s": float,
            "requests": int,
            "responses": int,
            "responses_by_status": str,
            "items_new": int,
            "items_updated": int,
            "items_dropped": int,
            "errors": int,
            "args": str,
            "stats": str,
            "health": str,
        },
        "run_id",
    ),
    "cursors": (
        {"source": str, "query": str, "value": str, "updated_at": str, "run_id": str},
        ("source", "query"),
    ),
    # Search shadow tables: id = the article/post id (= rowid of the FTS row), search_text =
    # jieba-segmented title + text (crawler/segment.py). Written in the row's transaction.
    "articles_search": ({"id": int, "search_text": str}, "id"),
    "posts_search": ({"id": int, "search_text": str}, "id"),
    # Conditional requests (crawler/middlewares/conditional.py): the last validators per feed/sitemap URL.
    "http_validators": (
        {"url": str, "etag": str, "last_modified": str, "updated_at": str, "spider": str},
        "url",
    ),
    # App-store chart snapshots (the appstore spider): every app at every rank of every snapshot.
    "app_chart_entries": (
        {
            "country": str,
            "chart": str,
            "snapshot_at": str,
            "day": str,
            "rank": int,
            "app_id": str,
            "app_name": str,
            "developer": str,
            "genres": str,
            "url": str,
            "release_date": str,
            "snapshot_raw": str,
            "feed_url": str,
            "raw": str,
            "first_seen_at": str,
            "run_id": str,
        },
        ("country", "chart", "snapshot_at", "app_id"),
    ),
    # Takedowns (crawler/ops/forget.py): what was removed and when, never the removed content.
    "takedowns": (
        {
            "id": int,
            "requested_at": str,
            "kind": str,
            "target": str,
            "platform": str,
            "reason": str,
            "counts": str,
            "warc_files": str,
        },
        "id",
    ),
}

FOREIGN_KEYS = {
    "posts": [("author_ref", "authors", "id")],
    "post_hashtags": [("post_id", "posts", "id")],
    "observations": [("post_id", "posts", "id")],
    "article_urls": [("article_id", "articles", "id")],
}

# Every facet and sort column of articles and posts in datasets/metadata.yml has an index (migration 0006):
# Datasette's facet counts and sorted pages then read an index, not the table.
INDEXES = {
    "articles": [
        ["published_at"],
        ["day"],
        ["outlet"],
        ["content_hash"],
        ["canonical_url"],
        ["run_id"],
        ["cluster_id"],
        ["lang"],
        ["source"],
        ["first_seen_at"],
    ],
    "posts": [
        ["created_at"],
        ["day"],
        ["author_ref"],
        ["content_hash"],
        ["run_id"],
        ["cluster_id"],
        ["platform"],
        ["lang"],
        ["community"],
        ["first_seen_at"],
        ["like_count"],
    ],
    "post_hashtags": [["tag"]],
    "observations": [["run_id"]],
    "runs": [["spider", "started_at"]],
    "app_chart_entries": [["app_id", "country", "chart", "day"], ["day"]],
}
UNIQUE_INDEXES = {"posts": [["platform", "platform_id"]], "authors": [["platform", "author_id"]]}

SEARCH_TABLES = {"articles": "articles_search", "posts": "posts_search"}

# Near-duplicate clusters with two or more members (crawler/storage/clusters.py assigns cluster_id).
# canonical_id: the earliest-published member (first seen on ties); outlets: distinct outlets
# (articles) or platform:author (posts) that ran it.
VIEWS = {
    # A post that links to a stored article (a Reddit link post, a shared story): linked, not merged.
    "post_article_links": """
SELECT p.id AS post_id, p.platform, p.url AS post_url, l.value AS link, a.id AS article_id,
       a.outlet, a.title AS article_title, p.created_at AS posted_at, a.published_at
FROM posts p
JOIN json_each(p.links) l
JOIN article_urls u ON u.url = l.value OR u.url = replace(l.value, 'http://', 'https://')
JOIN articles a ON a.id = u.article_id
""",
    "clusters": """
WITH members AS (
  SELECT cluster_id, id, 'article' AS kind, outlet AS venue, published_at AS published, title AS label
  FROM articles WHERE cluster_id IS NOT NULL
  UNION ALL
  SELECT cluster_id, id, 'post', platform || ':' || coalesce(author, '?'), created_at,
         coalesce(title, substr(text, 1, 120))
  FROM posts WHERE cluster_id IS NOT NULL
),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY cluster_id
                               ORDER BY published IS NULL, published, id <> cluster_id) AS rank
  FROM members
)
SELECT cluster_id, count(*) AS size, count(DISTINCT venue) AS outlets, min(published) AS first_published,
  max(CASE WHEN rank = 1 THEN id END) AS canonical_id, max(CASE WHEN rank = 1 THEN label END) AS title,
  group_concat(DISTINCT venue) AS outlet_list,
  sum(kind = 'article') AS articles, sum(kind = 'post') AS posts
FROM ranked GROUP BY cluster_id HAVING count(*) > 1
""",
}
JSON_COLUMNS = {
    "articles": ["authors", "sources", "extra", "matched_terms", "matched_in"],
    "posts": ["hashtags", "mentions", "links", "reposted_by", "matched_terms", "matched_in", "raw"],
    "runs": ["responses_by_status", "args", "stats", "health"],
    "app_chart_entries": ["genres", "raw"],
}


def upsert_sql(table: str, columns: list[str], keep: set[str] = frozenset()) -> str:
    """INSERT ... ON CONFLICT(pk) DO UPDATE for these columns (``keep``: never overwritten).

    The store's hot path runs this with executemany: sqlite-utils' upsert_all spends most of its
    time building per-row parameters in Python (bench/bench_pipeline.py)."""
    pk = TABLES[table][1]
    pks = [pk] if isinstance(pk, str) else list(pk)
    cols = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join(f":{c}" for c in columns)
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c not in pks and c not in keep)
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return f"INSERT INTO [{table}] ({cols}) VALUES ({marks}) ON CONFLICT({', '.join(pks)}) {conflict}"


def schema_doc(metadata: dict) -> str:
    """docs/schema.md, rendered from TABLES and the column descriptions in datasets/metadata.yml.

    Regenerate with ``python -m crawler.storage.schema > docs/schema.md``; tests/test_docs.py fails when
    the committed file differs, so the schema, the metadata and the doc cannot drift apart."""
    tables_meta = metadata["databases"]["observatory"]["tables"]
    out = [
        "# Database schema (`datasets/observatory.db`)",
        "",
        "Generated by `python -m crawler.storage.schema > docs/schema.md` from `crawler/storage/schema.py` and the",
        "descriptions in `datasets/metadata.yml`. Times are UTC ISO 8601 (`2025-01-19T03:00:00Z`);",
        "JSON columns hold JSON text (query them with SQLite's `json_each` / `->>`).",
        "",
    ]
    for name, (columns, pk) in TABLES.items():
        meta = tables_meta.get(name, {})
        pk_text = ", ".join([pk] if isinstance(pk, str) else pk)
        out += [
            f"## `{name}`",
            "",
            meta.get("description", ""),
            "",
            f"Primary key: `{pk_text}`.",
            "",
            "| column | type | description |",
            "|---|---|---|",
        ]
        for col, typ in columns.items():
            desc = (meta.get("columns") or {}).get(col, "")
            json_mark = " (JSON)" if col in JSON_COLUMNS.get(name, []) else ""
            out.append(f"| `{col}` | {typ.__name__}{json_mark} | {desc} |")
        out.append("")
    out += [
        "## Full-text search",
        "",
        "`articles_search_fts` and `posts_search_fts` (FTS5, porter tokenizer) index the jieba-segmented",
        "`search_text` of the shadow tables; their rowid is the article/post id, so Datasette's search",
        "box on `articles` and `posts` uses them (`fts_table`, `fts_pk: id` in metadata.yml).",
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    import pathlib
    import sys

    import yaml

    meta_path = pathlib.Path(__file__).resolve().parents[2] / "datasets" / "metadata.yml"
    sys.stdout.write(schema_doc(yaml.safe_load(meta_path.read_text(encoding="utf-8"))))
