"""The layout rules of the storage layer, checked on the sources (issue #11):

- nothing outside crawler/storage opens SQLite (sqlite3, sqlite_utils) or reads the database
  path (the OBSERVATORY_DB setting is defined in crawler/settings.py and read by the storage);
- the crawler package never imports the pipelines package (the dependency goes one way);
- spiders hold no SQL.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["crawler", "pipelines", "plugins", "demo"]
OPENS_SQLITE = re.compile(r"^\s*(import sqlite3|from sqlite3|import sqlite_utils|from sqlite_utils)\b|open_db\(", re.M)
READS_DB_PATH = re.compile(r"OBSERVATORY_DB")
IMPORTS_PIPELINES = re.compile(r"^\s*(from pipelines\b|import pipelines\b)", re.M)
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s+[\w\[*]", re.M)


def sources(*roots: str) -> list[Path]:
    return sorted(p for r in roots for p in (ROOT / r).rglob("*.py"))


def rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


# Files that open SQLite files that are not the project's database: a user's export to import.
READS_FOREIGN_SQLITE = {"crawler/readers/sqlite_export.py"}


def test_only_the_storage_layer_opens_sqlite_or_reads_the_database_path():
    offenders = []
    for path in sources(*PACKAGES):
        name = rel(path)
        if name.startswith("crawler/storage/") or name in READS_FOREIGN_SQLITE:
            continue
        text = path.read_text(encoding="utf-8")
        if OPENS_SQLITE.search(text):
            offenders.append(f"{name}: opens SQLite")
        if name != "crawler/settings.py" and READS_DB_PATH.search(text):
            offenders.append(f"{name}: reads OBSERVATORY_DB")
    assert offenders == []


def test_the_crawler_package_never_imports_the_pipelines():
    offenders = [rel(p) for p in sources("crawler") if IMPORTS_PIPELINES.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_spiders_hold_no_sql():
    offenders = [rel(p) for p in sources("crawler/spiders") if SQL.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_checks_catch_what_they_look_for():
    # the patterns themselves work (a rule that matches nothing would pass vacuously)
    assert OPENS_SQLITE.search("import sqlite3\n") and OPENS_SQLITE.search("x = open_db(path)")
    assert IMPORTS_PIPELINES.search("from pipelines.store import StorePipeline\n")
    assert SQL.search('db.execute("SELECT id FROM posts")') and not SQL.search("select the best")
