"""Re-run cost: crawl every demo source twice into a fresh database and compare.

    .venv/bin/python bench/bench_rerun.py

Prints, per spider, the first run's requests, the re-run's requests and the re-run's floor; then the
total ratio re-run / first run, the same ratio with the floor taken out of both runs, and the rows
the re-run added (target: ratio <= 5 %, 0 rows). Requests per spider come from the `runs` table.

The floor is what a re-run of unchanged sources cannot avoid: each spider's robots.txt (one per
process; measured, `robotstxt/request_count`) plus one first request per configured
feed / sitemap / URL list / query / (instance, hashtag) / GDELT query, which is how a source says
"nothing new" (a 304, an empty page, a page that starts at the cursor). It is constant per
configured query, while the first run grows with the size of the sources (pages, windows, threads,
articles). The demo sources are tiny (a few pages per query), so the plain ratio on the demo
overstates what a re-run costs on real sources; the second ratio shows what is left once the floor
is taken out. Do not grow the demo data to improve the figure.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TABLES = ("articles", "article_urls", "posts", "post_hashtags", "authors")


def counts(db: Path) -> dict[str, int]:
    d = sqlite_utils.Database(db)
    return {t: d[t].count for t in TABLES}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def configured(spider: str, args: dict[str, str]) -> int:
    """First requests a re-run of `spider` with these demo arguments cannot avoid (robots.txt aside)."""
    from crawler.settings import OBSERVATORY_TOPIC
    from crawler.topic import load_topic

    def n(value) -> int:
        return len(value) if isinstance(value, list) else len([v for v in str(value or "").split(",") if v.strip()])

    topic = load_topic(OBSERVATORY_TOPIC).source(spider)
    pick = lambda key: args.get(key) or topic.get(key)  # noqa: E731  (the spiders: -a beats the topic)
    return {
        "feeds": lambda: n(pick("feeds") or topic.get("urls")),
        "mastodon": lambda: n(pick("instances")) * n(pick("hashtags")),
        "sitemaps": lambda: n(args.get("sites")) + n(args.get("sitemaps")),
        "gdelt": lambda: 1,  # one query: the window from the cursor to the end
        "urls": lambda: n(args.get("list_url")),
        "bluesky": lambda: n(pick("queries")),
        "reddit": lambda: n(pick("queries")) * (1 + n(pick("subreddits"))),
        "hackernews": lambda: n(pick("queries")),
    }.get(spider, lambda: 0)()  # zeeschuimer reads files; rednote skips stored notes without a request


def runall(db: Path, port: int) -> int:
    # the same demo port both times: the URLs (and so the article ids) must not change between runs
    return subprocess.call(
        [
            sys.executable,
            "-m",
            "crawler.ops.runall",
            "--demo",
            "--demo-port",
            str(port),
            "--db",
            str(db),
            "-s",
            "LOG_LEVEL=CRITICAL",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "observatory.db"
        port = free_port()
        rc1 = runall(db, port)
        before = counts(db)
        rc2 = runall(db, port)
        after = counts(db)
        d = sqlite_utils.Database(db)
        per = list(d.query("select spider, requests, status, stats from runs order by started_at, rowid"))
        half = len(per) // 2
        first, second = per[:half], per[half:]
        from demo.sources import demo_args

        plan = demo_args(f"http://127.0.0.1:{port}")
        r1, r2, floor = 0, 0, 0
        print(f"exit codes: first {rc1}, re-run {rc2}")
        print(f"{'spider':<12}{'first':>8}{'re-run':>8}{'floor':>7}  status")
        for a, b in zip(first, second, strict=True):
            robots = json.loads(b["stats"] or "{}").get("robotstxt/request_count", 0)
            f = robots + configured(b["spider"], plan.get(b["spider"], {}))
            r1, r2, floor = r1 + (a["requests"] or 0), r2 + (b["requests"] or 0), floor + f
            print(f"{a['spider']:<12}{a['requests'] or 0:>8}{b['requests'] or 0:>8}{f:>7}  {b['status']}")
        print(f"{'total':<12}{r1:>8}{r2:>8}{floor:>7}")
        print(f"ratio re-run / first run:          {r2 / max(r1, 1):.1%} (target <= 5%)")
        print(
            f"ratio without the floor ({floor} req): {max(r2 - floor, 0) / max(r1 - floor, 1):.1%} "
            f"({r2 - floor} of {r1 - floor} avoidable requests made again)"
        )
        print(f"rows added by the re-run: {sum(after.values()) - sum(before.values())} {after}")


if __name__ == "__main__":
    main()
