"""One id per crawl, shared by the run record, the archive file and every stored row."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def run_id_for(crawler) -> str:
    """<spider>-<UTC time>-<rand>, made on first use and kept on the crawler."""
    rid = getattr(crawler, "_observatory_run_id", None)
    if rid is None:
        name = crawler.spidercls.name if crawler.spidercls else "crawl"
        rid = f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
        crawler._observatory_run_id = rid
        crawler.stats.set_value("observatory/run_id", rid)
    return rid
