"""Health check of a finished run: pure rules over the run's stats and the source's history.

``check(history, stats, settings) -> list[str]`` returns the problems (empty: healthy).
``RunRecorder`` (crawler/extensions/run_recorder.py) calls it before writing the run's row: any problem makes
the run's status ``failed``, is logged at ERROR, and is stored in ``runs.health`` (a JSON list), so
``python -m crawler.ops.runall`` (and therefore cron) exits non-zero.

Rules:
- **Silent source**: the source usually yields (at least HEALTH_USUAL_YIELD of its last
  HEALTH_HISTORY ok runs with the same arguments yielded) and this run yielded nothing. A run
  "yields" when it stored new or updated items, or saw content it already had (a feed answering
  304 Not Modified, stored articles skipped): a quiet but healthy source is not a silent one.
- **Error rate**: errors / max(responses, 1) above HEALTH_MAX_ERROR_RATE (default 0.5), where
  responses that were retried do not count (a feed answering 500 every time fails); for a file
  import with no HTTP responses, errors / records read (stored, dropped or skipped). Errors are
  the ERROR log lines, less Scrapy's "Gave up retrying" lines (``retry/max_reached``): a request
  that failed after its retries is logged again by the spider's errback and counts once.
"""

from __future__ import annotations

import json
from typing import Any


def _get(settings: Any, name: str, default: Any) -> Any:
    value = settings.get(name, default) if hasattr(settings, "get") else default
    return default if value in (None, "") else value


def error_count(stats: dict) -> int:
    """The run's errors, each failed request once: the ERROR log lines less Scrapy's "Gave up
    retrying" lines (a request that gave up logs twice: RetryMiddleware, then the errback). The
    `runs.errors` column, the health check and the summary all use this one count."""
    return max(stats.get("log_count/ERROR", 0) - stats.get("retry/max_reached", 0), 0)


def answered(stats: dict) -> int:
    """Responses less the ones that were retried and robots.txt: a feed answering 500 three times
    is one failed request, not three responses (retries must not dilute the error rate)."""
    return max(
        stats.get("downloader/response_count", 0)
        - stats.get("retry/count", 0)
        - stats.get("robotstxt/response_count", 0),
        0,
    )


def yielded(stats: dict) -> int:
    """What a run's stats say it found: stored new/updated items plus content it already had."""
    n = stats.get("observatory/store/new", 0) + stats.get("observatory/store/updated", 0)
    n += stats.get("observatory/conditional/not_modified", 0)
    n += sum(v for k, v in stats.items() if k.endswith("/known_skipped") and isinstance(v, int))
    return n


def history_yielded(run: dict) -> int:
    """`yielded` for a `runs` row (its stats JSON, else its item columns)."""
    try:
        stats = json.loads(run.get("stats") or "{}")
    except ValueError:
        stats = {}
    if stats:
        return yielded(stats)
    return (run.get("items_new") or 0) + (run.get("items_updated") or 0)


def check(history: list[dict], stats: dict, settings: Any) -> list[str]:
    """Problems with a finished run. `history`: the source's earlier `runs` rows, newest first,
    already limited to comparable runs (same spider and arguments); only status 'ok' ones count."""
    problems = []
    n_hist = int(_get(settings, "HEALTH_HISTORY", 3))
    usual = int(_get(settings, "HEALTH_USUAL_YIELD", 2))
    recent = [r for r in history if r.get("status") == "ok"][:n_hist]
    productive = sum(1 for r in recent if history_yielded(r) > 0)
    if productive >= usual and yielded(stats) == 0:
        problems.append(
            f"silent source: no items this run, though {productive} of its last {len(recent)} ok runs yielded items"
        )
    errors = error_count(stats)
    responses = answered(stats)
    unit = "responses"
    if not responses:  # a file import (Zeeschuimer, URL lists): errors per record read
        responses = stats.get("item_scraped_count", 0) + stats.get("item_dropped_count", 0) + errors
        unit = "records"
    rate = errors / max(responses, 1)
    limit = float(_get(settings, "HEALTH_MAX_ERROR_RATE", 0.5))
    if rate > limit:
        problems.append(f"error rate {rate:.2f} ({errors} errors / {responses} {unit}) above {limit:g}")
    return problems
