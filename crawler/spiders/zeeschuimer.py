"""Import Zeeschuimer NDJSON exports (RedNote, TikTok, Douyin, X, Threads, Instagram) as Post items.

    scrapy crawl zeeschuimer -a path=zeeschuimer-export-xiaohongshu-2025-01-14T120000.ndjson
    scrapy crawl zeeschuimer -a path=exports/            # every *.ndjson in a folder
    scrapy crawl zeeschuimer -a path=a.ndjson,b.ndjson

No request is made: the files are read locally, line by line, and every good line is yielded as
one observation (the same ``item_id`` in several lines is several observations). Each bad line is
logged at ERROR with its line number and counted in ``observatory/parse_skipped/zeeschuimer``;
a missing file is counted in ``observatory/errors/zeeschuimer/missing_file``.
"""

from __future__ import annotations

from pathlib import Path

from crawler.parsers.zeeschuimer import iter_ndjson
from crawler.spiders.base import ObservatorySpider, parse_list


def export_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Paths as given (files or folders) -> (NDJSON files to read, paths that do not exist)."""
    files: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix == ".ndjson" and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(raw)
    return files, missing


class ZeeschuimerSpider(ObservatorySpider):
    name = "zeeschuimer"

    async def start(self):
        paths = parse_list(self.setting_or_arg("path", "ZEESCHUIMER_PATHS", "paths"))
        if not paths:
            self.logger.error("no Zeeschuimer export given (-a path=FILE_OR_FOLDER or ZEESCHUIMER_PATHS)")
            return
        files, missing = export_files(paths)
        for raw in missing:
            self.logger.error("Zeeschuimer export not found: %s", raw)
            self.count(f"observatory/errors/{self.name}/missing_file")
        for path in files:
            for item in self.read_export(path):
                yield item

    def read_export(self, path: Path):
        good = 0
        good_lines: set[int] = set()  # a quote line gives two observations (the quoted post too)
        skipped: list[str] = []
        # newline="" keeps U+2028 and friends inside records; splitting happens on \n, \r\n, \r only
        with path.open(encoding="utf-8", errors="replace", newline="") as lines:
            for lineno, post, reason in iter_ndjson((line.rstrip("\r\n") for line in lines), path.name):
                if post is None:
                    skipped.append(reason or "")
                    continue
                good += 1
                good_lines.add(lineno)
                yield post
        self.count_skipped(str(path), skipped)
        self.count(f"observatory/{self.name}/files")
        self.count(f"observatory/{self.name}/lines", len(good_lines) + len(skipped))
        self.count(f"observatory/{self.name}/observations", good)
        self.logger.info("%s: %d observations, %d lines skipped", path, good, len(skipped))
