"""Rows from items, and the SQL that writes one batch of them (used only by ``Store``).

A repeat sighting of a stored document updates ``last_seen_at``, ``last_run_id``, counts and
content, and keeps ``first_seen_at``, ``run_id`` and ``source`` (the first method that found it).
Every sighting of a post is an ``observations`` row; the ``posts`` row keeps the latest one.

``make_storable(item)`` is the fallback for values SQLite cannot hold (lone surrogates, integers
of 2^63 and more, a list where a scalar belongs): the store calls it only when a batch failed, so
the common path pays nothing for it.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from typing import Any

import sqlite_utils

from crawler.items import Article, ChartEntry, Post
from crawler.segment import segment
from crawler.storage.schema import JSON_COLUMNS, TABLES, upsert_sql
from crawler.textnorm import stable_id, tag_key

COUNT_FIELDS = [
    "like_count",
    "repost_count",
    "reply_count",
    "quote_count",
    "share_count",
    "collect_count",
    "view_count",
]
# kept when a stored document is seen again (cluster labels are assigned once, by crawler/storage/clusters.py)
FIRST_SIGHTING = frozenset({"first_seen_at", "run_id", "source", "cluster_id", "is_canonical"})

_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # one encoder, not one per call
_SURROGATE = re.compile("[\ud800-\udfff]")
INT64 = (-(2**63), 2**63 - 1)


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


def article_day(a: Article) -> str | None:
    """The page's own calendar day: from its local time when known, else from the UTC instant."""
    return (a.published_local or a.published_at or "")[:10] or None


def write_articles(db: sqlite_utils.Database, items: list[Article], run_id: str, now: str) -> tuple[int, int]:
    aliases = [a for a in items if a.duplicate_of]
    items = [a for a in items if not a.duplicate_of]
    old = _existing(db, "articles", [a.id for a in items], "id, sources")
    rows, urls, updated = [], [], 0
    for a in items:
        a.last_seen_at, a.last_run_id = now, run_id
        row = row_for("articles", a)
        row["day"] = article_day(a)
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
        db.execute("UPDATE articles SET last_seen_at = ?, last_run_id = ? WHERE id = ?", [now, run_id, a.duplicate_of])
        urls.append({"url": a.url, "article_id": a.duplicate_of, "source": a.source, "first_seen_at": now})
    _write(db, "articles", rows, FIRST_SIGHTING)
    _write(db, "article_urls", urls, frozenset({"article_id", "source", "first_seen_at"}))
    search = [
        {"id": a.id, "search_text": segment(" ".join(x for x in (a.title, a.summary, a.text) if x))} for a in items
    ]
    _write(db, "articles_search", search)
    return len(rows) - updated, updated


def _author_row(p: Post, now: str) -> dict | None:
    key = p.author_id or p.author
    if not key:
        return None
    return {
        "id": stable_id(f"{p.platform}:{key}"),
        "platform": p.platform,
        "author_id": key,
        "handle": p.author,
        "display_name": p.author_name,
        "followers": p.author_followers,
        "first_seen_at": now,
        "last_seen_at": now,
    }


def write_posts(db: sqlite_utils.Database, items: list[Post], run_id: str, now: str) -> tuple[int, int]:
    obs = [
        {
            "post_id": p.id,
            "observed_at": p.observed_at or now,
            "run_id": run_id,
            **{c: getattr(p, c) for c in COUNT_FIELDS},
        }
        for p in items
    ]
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
        tags += [{"post_id": p.id, "tag": tag_key(t), "tag_display": t} for t in p.hashtags]
    _write(db, "authors", list(authors.values()), frozenset({"first_seen_at"}))
    _write(db, "posts", rows, FIRST_SIGHTING)
    if old:
        marks = ",".join("?" * len(old))
        db.execute(f"DELETE FROM post_hashtags WHERE post_id IN ({marks})", list(old))
    _write(db, "post_hashtags", tags, frozenset({"tag_display"}))
    _write(db, "observations", obs)
    search = [
        {"id": p.id, "search_text": segment(" ".join(x for x in (p.title, p.text, " ".join(p.hashtags)) if x))}
        for p in items
    ]
    _write(db, "posts_search", search)
    return len(rows) - len(old), len(old)


def write_chart_entries(db: sqlite_utils.Database, items: list[ChartEntry], run_id: str, now: str) -> tuple[int, int]:
    """One row per app per snapshot; a snapshot fetched again (same feed ``updated``) is an update
    that keeps the row's first_seen_at and run_id."""
    rows = {}
    for e in items:
        row = row_for("app_chart_entries", e)
        row.update(day=(e.snapshot_at or "")[:10] or None, first_seen_at=now, run_id=run_id)
        rows[e.key] = row
    if not rows:
        return 0, 0
    keys = [list(k) for k in rows]
    old = db.execute(
        "SELECT count(*) FROM app_chart_entries c JOIN json_each(?) k ON c.country = k.value ->> 0 "
        "AND c.chart = k.value ->> 1 AND c.snapshot_at = k.value ->> 2 AND c.app_id = k.value ->> 3",
        [json.dumps(keys)],
    ).fetchone()[0]
    _write(db, "app_chart_entries", list(rows.values()), frozenset({"first_seen_at", "run_id"}))
    return len(rows) - old, old


# -- values SQLite cannot hold ------------------------------------------------------------------


def _fix(value: Any, scalar_int: bool, fixes: list[str]) -> Any:
    if isinstance(value, str):
        if _SURROGATE.search(value):
            fixes.append("surrogate")
            return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        if INT64[0] <= value <= INT64[1]:
            return value
        fixes.append("huge_int")
        return None if scalar_int else str(value)
    if isinstance(value, list):
        if scalar_int:
            fixes.append("wrong_type")
            return None
        return [_fix(v, False, fixes) for v in value]
    if isinstance(value, dict):
        if scalar_int:
            fixes.append("wrong_type")
            return None
        return {str(_fix(k, False, fixes)): _fix(v, False, fixes) for k, v in value.items()}
    fixes.append("wrong_type")
    return None if scalar_int else str(value)


_INT_FIELDS = {name for table in ("articles", "posts") for name, typ in TABLES[table][0].items() if typ is int}
_INT_FIELDS |= {"author_followers", "duplicate_of"}
_LIST_FIELDS = {"authors", "hashtags", "mentions", "links", "reposted_by", "matched_terms"}


def make_storable(item: Article | Post) -> list[str]:
    """Replace in place every value SQLite (or the JSON text of a column) cannot hold: lone
    surrogates become U+FFFD, integers outside 64 bits become NULL in count columns and text inside
    JSON, a list or object where a number belongs becomes NULL, a scalar where a list belongs is
    wrapped. Returns what was fixed (one entry per value), for the stats."""
    fixes: list[str] = []
    for f in dataclasses.fields(item):
        value = getattr(item, f.name)
        if f.name in _LIST_FIELDS and value is not None and not isinstance(value, list):
            fixes.append("wrong_type")
            value = [value] if isinstance(value, str) else []
        if f.name in _LIST_FIELDS:
            value = [v if isinstance(v, str) else str(v) for v in value or []]
        new = _fix(value, f.name in _INT_FIELDS, fixes)
        if f.name in ("extra", "matched_in") and not isinstance(new, dict):
            new = {}
        setattr(item, f.name, new)
    return fixes


def resegment_search(db: sqlite_utils.Database) -> int:
    """Re-write the search rows whose text still holds traditional characters (written before
    segment() folded them) from their articles and posts, the same text write_articles and
    write_posts index; the FTS triggers update the index. Returns the rows rewritten."""
    from crawler.segment import _traditional_chars

    trad = _traditional_chars()
    done = 0
    for shadow, table, cols in (
        ("articles_search", "articles", "title, summary, text, NULL"),
        ("posts_search", "posts", "title, text, NULL, hashtags"),
    ):
        if not db.table(shadow).exists() or not db.table(table).exists():
            continue
        stale = [r[0] for r in db.execute(f"SELECT id, search_text FROM [{shadow}]") if trad.search(r[1] or "")]
        for i in range(0, len(stale), 500):
            chunk = stale[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for doc_id, title, middle, text, tags in db.execute(
                f"SELECT id, {cols} FROM [{table}] WHERE id IN ({marks})", chunk
            ).fetchall():
                hashtags = " ".join(json.loads(tags)) if tags else ""
                joined = " ".join(x for x in (title, middle, text, hashtags) if x)
                db.execute(f"UPDATE [{shadow}] SET search_text = ? WHERE id = ?", [segment(joined), doc_id])
                done += 1
    return done
