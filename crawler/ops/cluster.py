"""Near-duplicate clustering as a post-crawl step: ``python -m crawler.ops.cluster [--db DB]``,
``make cluster``, and the end of every ``make crawl`` / ``make run`` (crawler/ops/runall.py).

It labels every stored article and post that has no ``cluster_id`` yet (crawler/storage/clusters.py), so
it catches up after a killed crawl or a lone ``scrapy crawl``, and it loads and saves the
persistent index once per run of all the spiders rather than once per spider.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from crawler.storage import Store, default_path


def main(argv: list[str] | None = None) -> int:
    from crawler.storage.clusters import assign_clusters

    ap = argparse.ArgumentParser(description="Cluster the stored documents that have no cluster yet.")
    ap.add_argument("--db", default=default_path())
    opts = ap.parse_args(argv)
    if not Path(opts.db).exists():
        print(f"error: no database at {opts.db}", file=sys.stderr)
        return 2
    started = time.monotonic()
    with Store.open(opts.db) as store:
        done = assign_clusters(store)
    print(f"near-duplicate clusters: {done} documents assigned in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
