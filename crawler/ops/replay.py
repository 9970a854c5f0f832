"""Replay an archived run: the same spider, the real engine and pipelines, answers from a WARC.

    python -m crawler.replay datasets/archive/<run_id>.warc.gz [--db DB] [-s NAME=VALUE ...]
    make replay WARC=datasets/archive/<run_id>.warc.gz [DB=...]

The spider name, its arguments and its cursors at the start come from the WARC's ``warcinfo``
record (written by crawler/archive.py), else from the ``runs`` row whose run_id is the file name.
The crawl runs with ``REPLAY_WARC`` set: ``ReplayMiddleware`` answers every request from the
archive by exact URL (several records for one URL, e.g. retries, are served in order; the last one
repeats) and never touches the network. A URL the archive does not hold is an ``IgnoreRequest``
counted as ``observatory/replay/missing`` and logged at WARNING. robots.txt is not consulted (the
original run did) and nothing is archived again. The pipelines run as usual, so a parser fix
applies to old crawls: replaying into the live database updates the stored rows (``refetch=1`` is
passed so known articles are parsed again).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from crawler.conditional import quiet_errback

logger = logging.getLogger(__name__)


class ReplayMissing(IgnoreRequest):
    """The archive holds no response for this URL."""


def read_warc(path: str | Path) -> tuple[dict, dict[str, list[dict]]]:
    """(warcinfo fields, url -> archived responses in order). A truncated tail is tolerated."""
    from warcio.archiveiterator import ArchiveIterator

    info: dict = {}
    responses: dict[str, list[dict]] = defaultdict(list)
    with open(path, "rb") as fh:
        try:
            for record in ArchiveIterator(fh):
                if record.rec_type == "warcinfo" and not info:
                    for line in record.content_stream().read().decode("utf-8").splitlines():
                        if ":" in line:
                            k, v = line.split(":", 1)
                            info[k.strip()] = v.strip()
                elif record.rec_type == "response":
                    http = record.http_headers
                    responses[record.rec_headers.get_header("WARC-Target-URI")].append({
                        "id": record.rec_headers.get_header("WARC-Record-ID"),
                        "status": int(http.get_statuscode()),
                        "headers": list(http.headers),
                        "body": record.raw_stream.read(),
                    })
        except Exception as exc:  # a run killed mid-record: everything before it is usable
            logger.warning("%s ends with an incomplete record (%s); replaying what precedes it", path, exc)
    return info, dict(responses)


class ReplayMiddleware:
    def __init__(self, crawler, path: str):
        self.crawler = crawler
        self.stats = crawler.stats
        _info, self.archive = read_warc(path)
        self.served: dict[str, int] = defaultdict(int)

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("REPLAY_WARC")
        if not path:
            raise NotConfigured
        return cls(crawler, path)

    def process_request(self, request):
        records = self.archive.get(request.url)
        if not records:
            self.stats.inc_value("observatory/replay/missing")
            logger.warning("not in the archive, not fetched: %s", request.url)
            quiet_errback(request, ReplayMissing)
            raise ReplayMissing(f"not in the archive: {request.url}")
        n = self.served[request.url]
        self.served[request.url] += 1
        rec = records[min(n, len(records) - 1)]
        headers = Headers()
        for name, value in rec["headers"]:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=rec["body"])
        request.meta["warc_record_id"] = rec["id"]
        self.stats.inc_value("observatory/replay/hits")
        return cls(url=request.url, status=rec["status"], headers=headers, body=rec["body"], request=request)


def run_info(warc: Path, db: str) -> dict:
    """spider, args, cursors and run_id for a WARC: its warcinfo record, else the `runs` row."""
    info, _ = read_warc(warc)
    run_id = info.get("run_id") or warc.name.removesuffix(".warc.gz")
    if info.get("spider"):
        return {"run_id": run_id, "spider": info["spider"], "args": json.loads(info.get("args") or "{}"),
                "cursors": json.loads(info.get("cursors") or "{}")}
    from pipelines.schema import open_db

    sdb = open_db(db)
    try:
        row = sdb.execute("SELECT spider, args FROM runs WHERE run_id = ?", [run_id]).fetchone()
    finally:
        sdb.close()
    if not row:
        raise SystemExit(f"error: {warc} has no warcinfo record and no run {run_id} in {db}")
    return {"run_id": run_id, "spider": row[0], "args": json.loads(row[1] or "{}"), "cursors": {}}


def seed_cursors(db: str, source: str, cursors: dict[str, str], run_id: str) -> bool:
    """Give an empty database the cursors the original run started from (same requests again)."""
    from crawler.cursors import read_cursors, write_cursors

    if not cursors or read_cursors(db, source):
        return False
    write_cursors(db, source, cursors, run_id)
    return True


def replay_command(warc: Path, db: str, info: dict, settings: dict[str, str]) -> list[str]:
    args = {**info["args"], "refetch": "1", "replay_of": info["run_id"]}
    fixed = {"REPLAY_WARC": str(warc.resolve()), "OBSERVATORY_DB": db, "ROBOTSTXT_OBEY": "False",
             "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "ARCHIVE_ENABLED": "False"}
    cmd = [sys.executable, "-m", "scrapy", "crawl", info["spider"]]
    for k, v in {**fixed, **settings}.items():
        cmd += ["-s", f"{k}={v}"]
    for k, v in args.items():
        cmd += ["-a", f"{k}={v}"]
    return cmd


def main(argv: list[str] | None = None) -> int:
    from crawler.settings import OBSERVATORY_DB, PROJECT_ROOT

    ap = argparse.ArgumentParser(description="Replay an archived run (WARC) through the spiders and pipelines.")
    ap.add_argument("warc", nargs="+", help="datasets/archive/<run_id>.warc.gz (several: replayed in order)")
    ap.add_argument("--db", default=OBSERVATORY_DB)
    ap.add_argument("-s", dest="settings", action="append", default=[], help="NAME=VALUE Scrapy setting")
    opts = ap.parse_args(argv)
    settings = dict(s.split("=", 1) for s in opts.settings)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    worst = 0
    for name in opts.warc:
        warc = Path(name)
        if not warc.is_file():
            print(f"error: no such WARC file: {warc}", file=sys.stderr)
            return 2
        info = run_info(warc, opts.db)
        if seed_cursors(opts.db, info["spider"], info["cursors"], info["run_id"]):
            print(f"{info['spider']}: started from the archived run's cursors", flush=True)
        print(f"replaying {warc.name}: scrapy crawl {info['spider']} (never touches the network)", flush=True)
        worst = max(worst, subprocess.call(replay_command(warc, opts.db, info, settings), cwd=PROJECT_ROOT, env=env))
    return worst


if __name__ == "__main__":
    sys.exit(main())
