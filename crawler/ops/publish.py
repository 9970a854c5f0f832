"""Publish a database read-only: `make publish [DB=...] [PORT=...] [BLOCK_ROBOTS=1]`.

    python -m crawler.ops.publish --db DB [--host H] [--port P] [--block-robots]

For a public server, not the researcher's own machine. Compared with `make serve`:

- the database is opened immutable (``-i``): nothing can write to it, and Datasette may cache
  counts (publish a finished copy, not the live file a crawl is writing);
- arbitrary SQL is off (``default_allow_sql``): only the table pages and the canned queries of
  datasets/metadata.yml run, so nobody can send ``select length(randomblob(400000000))``;
- results are capped: ``max_returned_rows`` 1,000 per page, CSV downloads of whole tables
  (``allow_csv_stream``) off, the database file is not downloadable, a 1 s time limit per query;
- with ``--block-robots`` /robots.txt disallows everything (plugins/publish_robots.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import yaml

from crawler.settings import PROJECT_ROOT

METADATA = PROJECT_ROOT / "datasets" / "metadata.yml"
SETTINGS = {
    "default_allow_sql": False,
    "max_returned_rows": 1000,
    "allow_csv_stream": False,
    "allow_download": False,
    "sql_time_limit_ms": 1000,
    "suggest_facets": False,
    "facet_time_limit_ms": 150,
}


def publish_metadata(block_robots: bool) -> dict:
    meta = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    meta.setdefault("plugins", {})["observatory-publish"] = {"block_robots": bool(block_robots)}
    return meta


def command(db: str, host: str, port: int, metadata_path: str) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        db,
        "--metadata",
        metadata_path,
        "--plugins-dir",
        str(PROJECT_ROOT / "plugins"),
        "--host",
        host,
        "--port",
        str(port),
    ]
    for name, value in SETTINGS.items():
        cmd += ["--setting", name, str(value).lower() if isinstance(value, bool) else str(value)]
    return cmd


def main(argv: list[str] | None = None) -> int:
    from crawler.storage import default_path

    ap = argparse.ArgumentParser(description="Serve a database read-only for the public.")
    ap.add_argument("--db", default=default_path())
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8001)
    ap.add_argument("--block-robots", action="store_true", help="/robots.txt disallows every crawler")
    opts = ap.parse_args(argv)
    if not Path(opts.db).is_file():
        print(f"error: no database at {opts.db}", file=sys.stderr)
        return 2
    meta = tempfile.NamedTemporaryFile("w", suffix=".yml", prefix="publish-", delete=False, encoding="utf-8")
    with meta:
        yaml.safe_dump(publish_metadata(opts.block_robots), meta, allow_unicode=True, sort_keys=False)
    print(f"publishing {opts.db} read-only on http://{opts.host}:{opts.port} (arbitrary SQL off)", flush=True)
    os.execv(sys.executable, command(opts.db, opts.host, opts.port, meta.name))
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
