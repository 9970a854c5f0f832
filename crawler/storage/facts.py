"""Read-only facts about a database for the methods statement (crawler/ops/methods.py) and the
Datasette methods page (plugins/observatory_ui.py). Takes a DB-API connection, so Datasette can
pass its own read-only connection (``db.execute_fn``) and the Store its own."""

from __future__ import annotations

import json
from typing import Any

# What a published dataset holds: every documented table and view a researcher analyses.
EXPORT_TABLES = [
    "articles",
    "posts",
    "observations",
    "post_hashtags",
    "authors",
    "article_urls",
    "clusters",
    "post_article_links",
    "app_chart_entries",
    "runs",
    "takedowns",
]


def _has(conn, name: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')", [name]).fetchone()
        is not None
    )


def _rows(conn, sql: str, params=()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def methods_facts(conn) -> dict[str, Any]:
    """Runs, queries, windows and counts, as plain data (no prose)."""
    facts: dict[str, Any] = {"sqlite_version": conn.execute("SELECT sqlite_version()").fetchone()[0]}
    runs = (
        _rows(
            conn,
            "SELECT run_id, spider, started_at, finished_at, status, items_new, args FROM runs ORDER BY started_at",
        )
        if _has(conn, "runs")
        else []
    )
    for r in runs:
        r["args"] = json.loads(r["args"] or "{}")
    facts["runs"] = runs
    facts["demo"] = any(r["args"].get("demo") for r in runs)
    facts["migrations"] = (
        [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY applied_at")]
        if _has(conn, "_sqlite_migrations")
        else []
    )
    facts["articles_by_source"] = _rows(
        conn,
        "SELECT source, count(*) AS n, count(DISTINCT outlet) AS outlets FROM articles GROUP BY source ORDER BY n DESC",
    )
    facts["posts_by_platform"] = _rows(
        conn,
        "SELECT platform, count(*) AS n, count(DISTINCT author) AS authors "
        "FROM posts GROUP BY platform ORDER BY n DESC",
    )
    facts["languages"] = _rows(
        conn,
        "SELECT lang, count(*) AS n FROM (SELECT lang FROM articles UNION ALL "
        "SELECT lang FROM posts) GROUP BY lang ORDER BY n DESC",
    )
    facts["document_window"] = _rows(
        conn,
        "SELECT min(day) AS first_day, max(day) AS last_day FROM "
        "(SELECT day FROM articles UNION ALL SELECT day FROM posts) "
        "WHERE day IS NOT NULL",
    )[0]
    facts["crawl_window"] = _rows(
        conn,
        "SELECT min(first_seen_at) AS first_seen, max(last_seen_at) AS last_seen "
        "FROM (SELECT first_seen_at, last_seen_at FROM articles UNION ALL "
        "SELECT first_seen_at, last_seen_at FROM posts)",
    )[0]
    facts["totals"] = {
        t: conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
        for t in ("articles", "posts", "observations", "authors")
        if _has(conn, t)
    }
    facts["clusters"] = (
        _rows(conn, "SELECT count(*) AS clusters, coalesce(sum(size), 0) AS members FROM clusters")[0]
        if _has(conn, "clusters")
        else {"clusters": 0, "members": 0}
    )
    facts["canonical_articles"] = conn.execute("SELECT coalesce(sum(is_canonical), 0) FROM articles").fetchone()[0]
    facts["takedowns"] = conn.execute("SELECT count(*) FROM takedowns").fetchone()[0] if _has(conn, "takedowns") else 0
    return facts


def table_columns(conn, table: str) -> list[tuple[str, str]]:
    """(name, declared type) of a table or view, in order."""
    return [(r[1], (r[2] or "").upper()) for r in conn.execute(f"PRAGMA table_info([{table}])")]
