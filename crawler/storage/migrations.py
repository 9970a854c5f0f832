"""Versioned schema changes (sqlite-utils ``Migrations``): how the schema reaches every database.

``apply(db)`` runs the migrations a database has not had yet, each in its own transaction with
its record in ``_sqlite_migrations``; an up-to-date database costs one small read. Rules:

- never edit a migration that has shipped; add a new one (a changed view, a new column, a new
  index) at the end of the list;
- ``0001_initial`` creates what ``crawler/storage/schema.py`` defines and also upgrades databases
  made before migrations existed (it adds missing columns and indexes, never drops or renames);
- ``sync_schema(db)`` is the idempotent "make the tables, indexes, views and search tables match
  schema.py" step that column/index migrations call.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from crawler.storage.schema import FOREIGN_KEYS, INDEXES, SEARCH_TABLES, TABLES, UNIQUE_INDEXES, VIEWS

migrations = Migrations("observatory")


def sync_tables(db: sqlite_utils.Database) -> None:
    """Create missing tables (referenced tables first) and add missing columns."""
    for name in sorted(TABLES, key=lambda n: n in FOREIGN_KEYS):
        columns, pk = TABLES[name]
        table = db.table(name)
        if not table.exists():
            table.create(columns, pk=pk, foreign_keys=FOREIGN_KEYS.get(name), if_not_exists=True)
            continue
        have = set(table.columns_dict)
        for col, typ in columns.items():
            if col not in have:
                table.add_column(col, typ)


def sync_indexes(db: sqlite_utils.Database) -> None:
    for name, groups in INDEXES.items():
        for cols in groups:
            db.table(name).create_index(cols, if_not_exists=True)
    for name, groups in UNIQUE_INDEXES.items():
        for cols in groups:
            db.table(name).create_index(
                cols, unique=True, if_not_exists=True, index_name=f"uniq_{name}_{'_'.join(cols)}"
            )


def sync_views(db: sqlite_utils.Database, replace: bool = False) -> None:
    """Create the views; ``replace=True`` re-creates them (a migration that changed a view)."""
    for name, sql in VIEWS.items():
        if replace and name in db.view_names():
            db.execute(f"DROP VIEW [{name}]")
        if name not in db.view_names():
            db.create_view(name, sql.strip())


def sync_search(db: sqlite_utils.Database) -> None:
    for shadow in SEARCH_TABLES.values():
        if not db.table(f"{shadow}_fts").exists():
            db.table(shadow).enable_fts(["search_text"], tokenize="porter", create_triggers=True, replace=True)


def sync_schema(db: sqlite_utils.Database) -> None:
    sync_tables(db)
    sync_indexes(db)
    sync_views(db)
    sync_search(db)


@migrations(name="0001_initial")
def m0001_initial(db: sqlite_utils.Database) -> None:
    sync_schema(db)


@migrations(name="0002_article_local_dates")
def m0002_article_local_dates(db: sqlite_utils.Database) -> None:
    """articles.published_local and articles.date_source (the page's own time and day)."""
    sync_tables(db)


@migrations(name="0003_views_v2")
def m0003_views_v2(db: sqlite_utils.Database) -> None:
    """Views re-created from schema.py (every database gets today's definitions)."""
    sync_views(db, replace=True)


@migrations(name="0004_appstore")
def m0004_appstore(db: sqlite_utils.Database) -> None:
    """app_chart_entries (chart snapshots), posts.rating and posts.app_version (App Store reviews)."""
    sync_tables(db)
    sync_indexes(db)


@migrations(name="0005_search_folds_traditional")
def m0005_search_folds_traditional(db: sqlite_utils.Database) -> None:
    """Search text is folded to simplified Chinese (crawler/segment.py): re-segment the search rows
    that still hold traditional characters, from their documents, as a fresh write would."""
    from crawler.storage.writes import resegment_search

    resegment_search(db)


@migrations(name="0006_facet_sort_indexes")
def m0006_facet_sort_indexes(db: sqlite_utils.Database) -> None:
    """Indexes on every facet and sort column of articles and posts (the search pages at 1M rows)."""
    sync_indexes(db)


def pending(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in migrations.pending(db)]


def apply(db: sqlite_utils.Database, tries: int = 20) -> list[str]:
    """Apply the pending migrations; return their names (empty when the database is current).

    Several processes may open a new database at once (scale-out workers and the writer): when
    another one recorded a migration first, ours rolls back (its record is unique) and the rest
    is tried again; every migration is idempotent."""
    import sqlite3
    import time

    todo = pending(db)
    for attempt in range(tries):
        try:
            if pending(db):
                migrations.apply(db)
            return todo
        except sqlite3.IntegrityError:
            if attempt == tries - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return todo
