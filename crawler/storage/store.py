"""``Store``: the one object that opens the database and the only code that reads or writes it.

One ``Store`` per crawler process: ``Store.for_crawler(crawler)`` opens the database named by
the ``OBSERVATORY_DB`` setting on first use (WAL, ``synchronous=NORMAL``, pending migrations
applied once), hands the same object to every pipeline, middleware, extension and spider of that
crawl, and closes it when the engine stops. Command-line operations use ``Store.open(path)``.

Every method is a named read or write the crawl needs; nothing outside ``crawler/storage``
writes SQL or opens SQLite (tests/test_layout.py checks the sources).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlite_utils
from scrapy import signals

from crawler.items import Article, ChartEntry, Post
from crawler.storage import migrations
from crawler.storage.writes import _json, make_storable, write_articles, write_chart_entries, write_posts
from crawler.textnorm import canonical_url, utc_now_iso

logger = logging.getLogger(__name__)

# What a failed write can raise besides sqlite3.Error: values the sqlite3 module cannot bind.
WRITE_ERRORS = (sqlite3.Error, UnicodeEncodeError, OverflowError, TypeError, ValueError)


class StorageError(RuntimeError):
    """The database cannot be opened or migrated: one line for the user, the crawl stops."""


def default_path() -> str:
    """The database of a command run without --db: the OBSERVATORY_DB setting."""
    from crawler import settings

    return settings.OBSERVATORY_DB


def db_setting(path: str | Path) -> dict[str, str]:
    """The setting that points a `scrapy crawl` child process at a database."""
    return {"OBSERVATORY_DB": str(path)}


def path_from_settings(settings) -> str:
    return settings.get("OBSERVATORY_DB") or default_path()


class BatchResult:
    """What ``write_batch`` did: new and updated rows, items rejected alone, values fixed."""

    def __init__(self) -> None:
        self.new = 0
        self.updated = 0
        self.rejected: list[tuple[Any, str]] = []  # (item, error) written by no transaction
        self.fixed: list[str] = []  # one entry per value made storable (surrogate, huge_int, ...)

    def add(self, new_updated: tuple[int, int]) -> None:
        self.new += new_updated[0]
        self.updated += new_updated[1]


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(str(self.path))
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.enable_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: a crash loses at most the open transaction
            self.applied = migrations.apply(self.db)
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot open the database {self.path}: {exc}") from exc
        if self.applied:
            logger.info("database %s migrated: %s", self.path, ", ".join(self.applied))

    # -- lifecycle -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> Store:
        return cls(path)

    @classmethod
    def for_crawler(cls, crawler) -> Store:
        """The crawl's one Store (opened on first use, closed when the engine stops)."""
        store = getattr(crawler, "_observatory_store", None)
        if store is None:
            store = cls(path_from_settings(crawler.settings))
            crawler._observatory_store = store
            crawler.signals.connect(store._engine_stopped, signal=signals.engine_stopped)
        return store

    def _engine_stopped(self) -> None:
        self.close()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def query(self, sql: str, params: Iterable = ()) -> list[dict]:
        """Read-only rows as dicts (operations' summaries, tests)."""
        return list(self.db.query(sql, list(params)))

    # -- documents -----------------------------------------------------------------------------

    def _write_once(self, items: list[Any], run_id: str, now: str) -> tuple[int, int]:
        with self.db.atomic():
            n1, u1 = write_articles(self.db, [i for i in items if isinstance(i, Article)], run_id, now)
            n2, u2 = write_posts(self.db, [i for i in items if isinstance(i, Post)], run_id, now)
            n3, u3 = write_chart_entries(self.db, [i for i in items if isinstance(i, ChartEntry)], run_id, now)
        return n1 + n2 + n3, u1 + u2 + u3

    def write_batch(self, items: Iterable[Any], run_id: str, now: str | None = None) -> BatchResult:
        """Write items in one transaction. If that fails, the values SQLite cannot hold are made
        storable and the batch is tried again; if it still fails, each item is written alone and
        only the items that fail by themselves are rejected. Never raises for bad items."""
        now = now or utc_now_iso()
        items = list(items)
        result = BatchResult()
        try:
            result.add(self._write_once(items, run_id, now))
            return result
        except WRITE_ERRORS as exc:
            logger.warning("a batch of %d items failed (%s): retrying with values made storable", len(items), exc)
        for item in items:
            result.fixed += make_storable(item)
        try:
            result.add(self._write_once(items, run_id, now))
            return result
        except WRITE_ERRORS as exc:
            logger.warning("the batch still failed (%s): writing its %d items one by one", exc, len(items))
        for item in items:
            try:
                result.add(self._write_once([item], run_id, now))
            except WRITE_ERRORS as exc:
                result.rejected.append((item, f"{type(exc).__name__}: {exc}"))
        return result

    def article_id_with_hash(self, digest: str) -> int | None:
        row = self.db.execute("SELECT id FROM articles WHERE content_hash = ? LIMIT 1", [digest]).fetchone()
        return row[0] if row else None

    def known_article_urls(self) -> set[str]:
        """URLs an article spider must not fetch: every stored article URL and every taken-down URL."""
        urls = {r[0] for r in self.db.execute("SELECT url FROM article_urls")}
        urls |= {canonical_url(r[0]) for r in self.db.execute("SELECT target FROM takedowns WHERE kind = 'url'")}
        return urls

    def record_sightings(self, sightings: list[tuple[str, str, dict]], run_id: str) -> int:
        """Stored articles seen again without being fetched (known URLs): bump last_seen_at and
        last_run_id, add the discovery method to `sources` and the source's own fields (e.g.
        GDELT's seendate) to `extra` where they are missing. Returns the number of articles touched."""
        now = utc_now_iso()
        urls = list({url for url, _, _ in sightings})
        article_of: dict[str, int] = {}
        for i in range(0, len(urls), 500):
            chunk = urls[i : i + 500]
            marks = ",".join("?" * len(chunk))
            article_of.update(
                self.db.execute(f"SELECT url, article_id FROM article_urls WHERE url IN ({marks})", chunk).fetchall()
            )
        by_article: dict[int, list[tuple[str, dict]]] = {}
        for url, source, extra in sightings:
            if url in article_of:
                by_article.setdefault(article_of[url], []).append((source, extra))
        with self.db.atomic():
            for article_id, seen in by_article.items():
                found = self.db.execute("SELECT sources, extra FROM articles WHERE id = ?", [article_id]).fetchone()
                if not found:
                    continue
                sources, extra = json.loads(found[0] or "[]"), json.loads(found[1] or "{}")
                for source, more in seen:
                    if source not in sources:
                        sources.append(source)
                    extra = {**more, **extra}
                self.db.execute(
                    "UPDATE articles SET last_seen_at = ?, last_run_id = ?, sources = ?, extra = ? WHERE id = ?",
                    [now, run_id, _json(sources), _json(extra), article_id],
                )
        return len(by_article)

    def platform_ids(self, platform: str, among: list[str] | None = None) -> set[str]:
        """The stored platform ids of a platform (all, or those of ``among``)."""
        if among is None:
            return {r[0] for r in self.db.execute("SELECT platform_id FROM posts WHERE platform = ?", [platform])}
        if not among:
            return set()
        return {
            r[0]
            for r in self.db.execute(
                "SELECT platform_id FROM posts WHERE platform = ? AND platform_id IN (SELECT value FROM json_each(?))",
                [platform, json.dumps(among)],
            )
        }

    def reply_counts(self, platform: str, id_like: str) -> dict[str, int | None]:
        """platform_id -> reply_count of posts (platform ids LIKE ``id_like``) last stored by a run
        that finished cleanly. A post last written by a killed run is left out."""
        return dict(
            self.db.execute(
                "SELECT p.platform_id, p.reply_count FROM posts p JOIN runs r ON r.run_id = p.last_run_id "
                "WHERE p.platform = ? AND p.platform_id LIKE ? ESCAPE '!' AND r.finish_reason = 'finished'",
                [platform, id_like],
            ).fetchall()
        )

    # -- incremental state: cursors and HTTP validators ---------------------------------------------

    def read_cursors(self, source: str) -> dict[str, str]:
        return {r["query"]: r["value"] for r in self.db["cursors"].rows_where("source = ?", [source])}

    def write_cursors(self, source: str, values: dict[str, str], run_id: str | None) -> None:
        if not values:
            return
        now = utc_now_iso()
        with self.db.atomic():
            self.db["cursors"].upsert_all(
                [
                    {"source": source, "query": q, "value": v, "updated_at": now, "run_id": run_id}
                    for q, v in values.items()
                ],
                pk=("source", "query"),
            )

    def read_validators(self) -> dict[str, dict]:
        return {r["url"]: r for r in self.db["http_validators"].rows}

    def write_validators(self, rows: list[dict], forget: list[str]) -> None:
        with self.db.atomic():
            if rows:
                self.db["http_validators"].upsert_all(rows, pk="url")
            for url in forget:
                self.db.execute("DELETE FROM http_validators WHERE url = ?", [url])

    # -- runs --------------------------------------------------------------------------------------

    def run_started(self, run_id: str, spider: str, args: dict) -> int:
        """Record a run as `running`; mark this spider's earlier unfinished runs `interrupted`
        (they were killed). Returns how many were."""
        with self.db.atomic():
            stale = self.db.execute(
                "UPDATE runs SET status = 'interrupted', finish_reason = coalesce(finish_reason, 'killed') "
                "WHERE spider = ? AND status = 'running' AND run_id != ?",
                [spider, run_id],
            ).rowcount
            self.db["runs"].upsert(
                {
                    "run_id": run_id,
                    "spider": spider,
                    "started_at": utc_now_iso(),
                    "status": "running",
                    "args": json.dumps(args, ensure_ascii=False, sort_keys=True),
                },
                pk="run_id",
            )
        return stale

    def run_progress(self, run_id: str, values: dict) -> None:
        """A running run's counters so far (a checkpoint: a killed run keeps them)."""
        with self.db.atomic():
            self.db["runs"].update(run_id, values)

    def run_finished(self, row: dict) -> None:
        with self.db.atomic():
            self.db["runs"].upsert(row, pk="run_id")

    def run_history(self, spider: str, args: dict, but: str, limit: int = 20) -> list[dict]:
        """Earlier finished runs of a spider with the same arguments, newest first."""
        return list(
            self.db.query(
                "SELECT status, items_new, items_updated, stats FROM runs WHERE spider = ? AND args = ? "
                "AND run_id != ? AND finished_at IS NOT NULL ORDER BY started_at DESC LIMIT ?",
                [spider, json.dumps(args, ensure_ascii=False, sort_keys=True), but, limit],
            )
        )

    def runs_since(self, started_at: str) -> list[dict]:
        return list(
            self.db.query(
                "SELECT spider, status, requests, items_new, items_updated, items_dropped, errors, duration_s, health "
                "FROM runs WHERE started_at >= ? ORDER BY started_at",
                [started_at],
            )
        )

    def run_row(self, run_id: str) -> dict | None:
        found = list(self.db.query("SELECT spider, args FROM runs WHERE run_id = ?", [run_id]))
        return found[0] if found else None

    def kind(self) -> str | None:
        """'demo', 'live', 'mixed' or None (no runs yet): from the args recorded in `runs`."""
        kinds = {
            "demo" if json.loads(r[0] or "{}").get("demo") else "live" for r in self.db.execute("SELECT args FROM runs")
        }
        return "mixed" if len(kinds) > 1 else (kinds.pop() if kinds else None)

    # -- takedowns ---------------------------------------------------------------------------------

    def takedowns(self) -> list[dict]:
        return list(self.db["takedowns"].rows)

    # -- publishing: exports and the methods statement ---------------------------------------------

    def exportable_tables(self) -> list[str]:
        """The tables and views a published dataset holds (crawler/storage/facts.py), those present."""
        from crawler.storage.facts import EXPORT_TABLES

        present = set(self.db.table_names()) | set(self.db.view_names())
        return [t for t in EXPORT_TABLES if t in present]

    def columns_of(self, table: str) -> list[tuple[str, str]]:
        """(name, declared type) of an exportable table or view."""
        from crawler.storage.facts import table_columns

        if table not in self.exportable_tables():
            raise StorageError(f"not an exportable table: {table}")
        return table_columns(self.db.conn, table)

    def count_rows(self, table: str) -> int:
        if table not in self.exportable_tables():
            raise StorageError(f"not an exportable table: {table}")
        return self.db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]

    def iter_rows(self, table: str, batch: int = 1000) -> Iterable[dict]:
        """Every row of an exportable table or view as a dict, in a stable order, read in batches."""
        if table not in self.exportable_tables():
            raise StorageError(f"not an exportable table: {table}")
        cur = self.db.execute(f"SELECT * FROM [{table}] ORDER BY 1")
        names = [d[0] for d in cur.description]
        while chunk := cur.fetchmany(batch):
            for row in chunk:
                yield dict(zip(names, row, strict=True))

    def methods_facts(self) -> dict:
        """Runs, queries, windows and counts for the methods statement (crawler/storage/facts.py)."""
        from crawler.storage.facts import methods_facts

        return methods_facts(self.db.conn)


def database_kind(path: str | Path) -> str | None:
    """``Store.kind`` of the database at path, None when there is no database yet."""
    if not Path(path).exists():
        return None
    with Store.open(path) as store:
        return store.kind()
