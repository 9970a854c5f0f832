"""Run every source's spider, one `scrapy crawl` process each, then print a one-screen summary.

    python -m crawler.ops.runall [--demo] [--db PATH] [--only feeds,mastodon] [-s NAME=VALUE ...]

``--demo`` starts the bundled synthetic sources on 127.0.0.1 and points every spider at them;
without it the spiders use the topic file's live endpoints. Exit status: 0 when every spider
finished with status ok, 1 otherwise (cron mails or logs that). A database that holds the demo is
never mixed with live data (and the reverse): the run stops with one line saying so. After the
last spider, near-duplicate clustering runs once over everything the crawl stored (crawler/ops/cluster.py).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time

from crawler.settings import PROJECT_ROOT
from crawler.storage import Store, database_kind, db_setting, default_path

LIVE_SPIDERS = ["feeds", "sitemaps", "gdelt", "mastodon", "bluesky", "reddit", "hackernews", "appstore"]


def db_kind(path: str) -> str | None:
    """'demo', 'live', 'mixed' or None (no database or no runs yet)."""
    return database_kind(path)


def crawl_command(spider: str, db: str, args: dict[str, str], settings: dict[str, str]) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
    for k, v in {**db_setting(db), **settings}.items():
        cmd += ["-s", f"{k}={v}"]
    for k, v in args.items():
        cmd += ["-a", f"{k}={v}"]
    return cmd


def summary(db_path: str, run_ids_after: str) -> tuple[str, bool]:
    with Store.open(db_path) as store:
        rows = store.runs_since(run_ids_after)
    lines = [
        f"{'source':<16}{'status':<12}{'requests':>9}{'new':>7}{'updated':>9}{'dropped':>9}{'errors':>8}{'secs':>8}"
    ]
    ok = bool(rows)
    for r in rows:
        lines.append(
            f"{r['spider']:<16}{r['status'] or '?':<12}{r['requests'] or 0:>9}{r['items_new'] or 0:>7}"
            f"{r['items_updated'] or 0:>9}{r['items_dropped'] or 0:>9}{r['errors'] or 0:>8}{r['duration_s'] or 0:>8.1f}"
        )
        ok = ok and r["status"] == "ok"
        for problem in json.loads(r["health"] or "[]"):  # crawler/health.py
            lines.append(f"  {r['spider']}: {problem}")
    return "\n".join(lines), ok


class Children:
    """The running child crawl: stopped with its parent. SIGTERM/SIGINT (a killed `make crawl`, a
    cron timeout) terminate the child, wait for it, and end the run with 128 + the signal."""

    def __init__(self) -> None:
        self.current: subprocess.Popen | None = None
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._stop)

    def run(self, cmd: list[str], **kw) -> int:
        self.current = subprocess.Popen(cmd, **kw)
        print(f"  (pid {self.current.pid})", flush=True)
        try:
            return self.current.wait()
        finally:
            self.current = None

    def _stop(self, signum, _frame) -> None:
        child = self.current
        if child is not None and child.poll() is None:
            # Scrapy closes the spider on SIGTERM but lets queued downloads finish; a second
            # signal forces it to stop; SIGKILL is the last resort (committed batches stay)
            for sig, grace in ((signal.SIGTERM, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                child.send_signal(sig)
                try:
                    child.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        print(f"stopped by signal {signum}", file=sys.stderr, flush=True)
        raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--demo", action="store_true", help="crawl the bundled synthetic sources on 127.0.0.1")
    ap.add_argument("--db", default=default_path())
    ap.add_argument(
        "--demo-port",
        type=int,
        default=0,
        help="port of the demo server (0: any free port); fix it to re-run the demo into the same database",
    )
    ap.add_argument("--only", default="", help="comma-separated spider names")
    ap.add_argument("--no-cluster", action="store_true", help="skip the near-duplicate clustering at the end")
    ap.add_argument("-s", dest="settings", action="append", default=[], help="NAME=VALUE Scrapy setting")
    opts = ap.parse_args(argv)
    kind = db_kind(opts.db)
    want = "demo" if opts.demo else "live"
    if kind and kind != want:
        print(
            f"error: {opts.db} holds {kind} data; refusing to add {want} data. "
            f"Use another database (DB=...) or delete it.",
            file=sys.stderr,
        )
        return 2
    settings = dict(s.split("=", 1) for s in opts.settings)
    server = None
    DEMO_ENV: dict[str, str] = {}
    if opts.demo:
        from demo.server import start
        from demo.sources import DEMO_ENV, FAST, demo_args

        try:
            server, base = start(opts.demo_port)
        except OSError as exc:
            print(
                f"error: cannot start the demo sources on 127.0.0.1:{opts.demo_port} ({exc.strerror or exc}): "
                f"is another `make run` still running? Stop it, or choose another port (DEMO_PORT=...).",
                file=sys.stderr,
            )
            return 2
        plan = {name: {**a, "demo": "1"} for name, a in demo_args(base).items()}
        settings = {**FAST, **settings}
        print(f"demo sources on {base} (synthetic data)", flush=True)
        print(
            "note: some demo sources are broken on purpose (a 404, a 500, a 429, malformed feeds and pages), "
            "so the ERROR lines below are expected: they show how bad input is counted, not a failure.",
            flush=True,
        )
    else:
        plan = {name: {} for name in LIVE_SPIDERS}
    if opts.only:
        plan = {k: v for k, v in plan.items() if k in opts.only.split(",")}
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    failed = []
    children = Children()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(DEMO_ENV if opts.demo else {})}
    try:
        for spider, args in plan.items():
            print(f"crawling {spider} ...", flush=True)
            rc = children.run(crawl_command(spider, opts.db, args, settings), cwd=PROJECT_ROOT, env=env)
            if rc != 0:
                failed.append(spider)
    finally:  # a signal ends the loop with SystemExit: the demo server stops too
        if server:
            server.shutdown()
    if not opts.no_cluster:
        print("clustering near-duplicates ...", flush=True)
        if children.run([sys.executable, "-m", "crawler.ops.cluster", "--db", opts.db], cwd=PROJECT_ROOT, env=env):
            failed.append("cluster")
    text, ok = summary(opts.db, started)
    print(text)
    if failed or not ok:
        print(f"not ok: {', '.join(failed) or 'see status above'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
