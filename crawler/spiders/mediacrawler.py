"""Import MediaCrawler exports (RedNote, Douyin, Weibo, Bilibili notes, videos and comments).

    scrapy crawl mediacrawler -a path=data/xhs/json/search_contents_2025-01-14.json
    scrapy crawl mediacrawler -a path=data/                 # every export under a folder
    scrapy crawl mediacrawler -a path=sqlite_tables.db      # the SQLite output

No request is made. Each file's format is told by its content (a SQLite header, a JSON array,
JSON lines, else CSV) and its name (``.json``, ``.jsonl``, ``.csv``, ``.db``); the table (notes or
comments, which platform) by its path (``data/xhs/...``, ``search_comments_...``), its SQLite
table names or its columns. Every record is one observation at MediaCrawler's ``last_modify_ts``.
Bad records are logged and counted (``observatory/parse_skipped/mediacrawler``); a missing file
``observatory/errors/mediacrawler/missing_file``, an unreadable one
``observatory/parse_error/mediacrawler``.
"""

from __future__ import annotations

from pathlib import Path

from crawler.parsers import ParseError
from crawler.parsers.mediacrawler import (
    TABLES,
    parse_csv_export,
    parse_json_export,
    parse_jsonl_export,
    parse_table_rows,
)
from crawler.readers.sqlite_export import ExportUnreadable, is_sqlite, table_rows, tables
from crawler.spiders.base import ObservatorySpider, parse_list

SUFFIXES = {".json", ".jsonl", ".csv", ".db", ".sqlite", ".sqlite3"}


def export_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Paths as given (files or folders, searched recursively) -> (files, paths that do not exist)."""
    files: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(raw)
    return files, missing


def file_format(path: Path, head: bytes) -> str:
    """ "sqlite", "json", "jsonl" or "csv", by content first, then by name."""
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        return "jsonl"
    return {".json": "json", ".jsonl": "jsonl"}.get(path.suffix.lower(), "csv")


class MediaCrawlerSpider(ObservatorySpider):
    name = "mediacrawler"

    async def start(self):
        paths = parse_list(self.setting_or_arg("path", "MEDIACRAWLER_PATHS", "paths"))
        if not paths:
            self.logger.error("no MediaCrawler export given (-a path=FILE_OR_FOLDER or MEDIACRAWLER_PATHS)")
            return
        files, missing = export_files(paths)
        for raw in missing:
            self.logger.error("MediaCrawler export not found: %s", raw)
            self.count(f"observatory/errors/{self.name}/missing_file")
        for path in files:
            for item in self.read_export(path):
                yield item

    def pages(self, path: Path):
        """(where, Page) for each table in the file; ParseError/ExportUnreadable for the file."""
        if is_sqlite(path):
            for table in tables(path):
                if table in TABLES:
                    yield f"{path}:{table}", parse_table_rows(table, table_rows(path, table), path.name)
            return
        data = path.read_bytes()
        kind = file_format(path, data[:64])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(f"not UTF-8: {exc}") from None
        parse = {"json": parse_json_export, "jsonl": parse_jsonl_export, "csv": parse_csv_export}[kind]
        yield str(path), parse(text, str(path))

    def read_export(self, path: Path):
        good = 0
        try:
            for where, page in self.pages(path):
                self.count_skipped(where, page.skipped)
                self.count(f"observatory/{self.name}/records", len(page.items) + len(page.skipped))
                good += len(page.items)
                yield from page.items
        except (ParseError, ExportUnreadable, OSError) as exc:
            self.parse_failed(str(path), exc)
            return
        self.count(f"observatory/{self.name}/files")
        self.count(f"observatory/{self.name}/observations", good)
        self.logger.info("%s: %d observations", path, good)
