"""Replay an archived run: the same spider, the real engine and pipelines, answers from a WARC.

    python -m crawler.ops.replay datasets/archive/<run_id>.warc.gz [--db DB] [-s NAME=VALUE ...]
    make replay WARC=datasets/archive/<run_id>.warc.gz [DB=...]

The spider name, its arguments and its cursors at the start come from the WARC's ``warcinfo``
record (written by crawler/middlewares/archive.py), else from the ``runs`` row whose run_id is the file name.
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
import os
import subprocess
import sys
from pathlib import Path

from crawler.archive import read_warc
from crawler.storage import Store, db_setting, default_path


def run_info(warc: Path, db: str) -> dict:
    """spider, args, cursors and run_id for a WARC: its warcinfo record, else the `runs` row."""
    info, _ = read_warc(warc)
    run_id = info.get("run_id") or warc.name.removesuffix(".warc.gz")
    if info.get("spider"):
        return {
            "run_id": run_id,
            "spider": info["spider"],
            "args": json.loads(info.get("args") or "{}"),
            "cursors": json.loads(info.get("cursors") or "{}"),
        }
    with Store.open(db) as store:
        row = store.run_row(run_id)
    if not row:
        raise SystemExit(f"error: {warc} has no warcinfo record and no run {run_id} in {db}")
    return {"run_id": run_id, "spider": row["spider"], "args": json.loads(row["args"] or "{}"), "cursors": {}}


def seed_cursors(db: str, source: str, cursors: dict[str, str], run_id: str) -> bool:
    """Give an empty database the cursors the original run started from (same requests again)."""
    with Store.open(db) as store:
        if not cursors or store.read_cursors(source):
            return False
        store.write_cursors(source, cursors, run_id)
    return True


def replay_command(warc: Path, db: str, info: dict, settings: dict[str, str]) -> list[str]:
    args = {**info["args"], "refetch": "1", "replay_of": info["run_id"]}
    fixed = {
        "REPLAY_WARC": str(warc.resolve()),
        **db_setting(db),
        "ROBOTSTXT_OBEY": "False",
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "ARCHIVE_ENABLED": "False",
    }
    cmd = [sys.executable, "-m", "scrapy", "crawl", info["spider"]]
    for k, v in {**fixed, **settings}.items():
        cmd += ["-s", f"{k}={v}"]
    for k, v in args.items():
        cmd += ["-a", f"{k}={v}"]
    return cmd


def main(argv: list[str] | None = None) -> int:
    from crawler.settings import PROJECT_ROOT

    ap = argparse.ArgumentParser(description="Replay an archived run (WARC) through the spiders and pipelines.")
    ap.add_argument("warc", nargs="+", help="datasets/archive/<run_id>.warc.gz (several: replayed in order)")
    ap.add_argument("--db", default=default_path())
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
