"""Read a MediaCrawler SQLite export (``sqlite_tables.db``) as rows, read-only.

This is an input file, not the project's database: it is opened with ``mode=ro`` (never written,
never migrated, no WAL or journal files created next to it) and only the tables the MediaCrawler
parser knows are read, each row as a dict of column -> value. The parser
(crawler/parsers/mediacrawler.py) turns the rows into Posts; the spider only routes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"


class ExportUnreadable(Exception):
    """The file is not a SQLite database we can read (corrupt, encrypted, locked, not SQLite)."""


def is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def tables(path: Path) -> list[str]:
    """Names of the tables in the export."""
    try:
        with _connect(path) as conn:
            return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    except sqlite3.Error as exc:
        raise ExportUnreadable(f"{path}: {exc}") from None


def table_rows(path: Path, table: str) -> Iterator[dict]:
    """Every row of ``table`` (a name returned by :func:`tables`), in rowid order."""
    if table not in tables(path):
        raise ExportUnreadable(f"{path}: no table {table}")
    quoted = '"' + table.replace('"', '""') + '"'
    try:
        conn = _connect(path)
        try:
            for row in conn.execute(f"SELECT * FROM {quoted}"):  # noqa: S608 - a name from sqlite_master
                yield dict(row)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise ExportUnreadable(f"{path}: {table}: {exc}") from None
