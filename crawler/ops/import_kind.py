"""Which importer reads a file: ``python -m crawler.ops.import_kind FILE`` prints the spider name.

Used by ``make import FILE=...``. Zeeschuimer NDJSON (objects with ``source_platform`` and
``data``) -> ``zeeschuimer``; MediaCrawler JSON / JSONL / CSV / SQLite -> ``mediacrawler``. A
folder goes by what it holds. A missing, unreadable or unrecognised file is one line on stderr
and exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from crawler.parsers.mediacrawler import guess_table, table_of
from crawler.readers.sqlite_export import ExportUnreadable, is_sqlite, tables


class NotAnExport(Exception):
    pass


def first_record(path: Path) -> tuple[str, dict | None]:
    """(format, first record) of a text export; the format is "ndjson", "json" or "csv"."""
    with path.open(encoding="utf-8-sig", errors="strict") as fh:
        head = fh.read(1 << 20)
    stripped = head.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(head) if len(head) < (1 << 20) else None
        except json.JSONDecodeError:
            data = None
        first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else None
        return "json", first
    if stripped.startswith("{"):
        line = stripped.split("\n", 1)[0]
        try:
            first = json.loads(line)
        except json.JSONDecodeError:
            first = None
        return "ndjson", first if isinstance(first, dict) else None
    import csv
    import io

    rows = csv.DictReader(io.StringIO(head))
    return "csv", next(rows, None)


def kind_of_file(path: Path) -> str:
    if is_sqlite(path):
        try:
            names = tables(path)
        except ExportUnreadable as exc:
            raise NotAnExport(f"cannot read SQLite file: {exc}") from None
        if any(table_of(n) for n in names):
            return "mediacrawler"
        raise NotAnExport(f"{path}: a SQLite file without MediaCrawler tables (xhs_note, douyin_aweme, ...)")
    try:
        fmt, first = first_record(path)
    except UnicodeDecodeError:
        raise NotAnExport(f"{path}: not a UTF-8 text export") from None
    except OSError as exc:
        raise NotAnExport(f"cannot read {path}: {exc.strerror or exc}") from None
    if fmt == "ndjson" and first is not None and "source_platform" in first and "data" in first:
        return "zeeschuimer"
    if path.suffix.lower() == ".ndjson":
        return "zeeschuimer"
    if first is not None and (guess_table(first) or table_of(str(path), first)):
        return "mediacrawler"
    if table_of(str(path)):
        return "mediacrawler"
    raise NotAnExport(
        f"{path}: neither a Zeeschuimer export (.ndjson) nor a MediaCrawler export "
        "(json/jsonl/csv/db with note_id, aweme_id, video_id or comment_id)"
    )


def kind_of(raw: str) -> str:
    path = Path(raw).expanduser()
    if not path.exists():
        raise NotAnExport(f"no such file: {raw}")
    if path.is_dir():
        kinds = set()
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in {
                ".ndjson",
                ".json",
                ".jsonl",
                ".csv",
                ".db",
                ".sqlite",
                ".sqlite3",
            }:
                try:
                    kinds.add(kind_of_file(child))
                except NotAnExport:
                    continue
        if len(kinds) == 1:
            return kinds.pop()
        if not kinds:
            raise NotAnExport(f"{raw}: no Zeeschuimer or MediaCrawler export in this folder")
        raise NotAnExport(f"{raw}: holds both Zeeschuimer and MediaCrawler exports; import them one by one")
    return kind_of_file(path)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m crawler.ops.import_kind FILE_OR_FOLDER", file=sys.stderr)
        return 2
    try:
        print(kind_of(args[0]))
    except NotAnExport as exc:
        print(f"make import: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
