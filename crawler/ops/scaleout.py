"""Run a crawl on N worker processes sharing a Redis frontier, with one writer.

    OBSERVATORY_REDIS_URL=redis://127.0.0.1:6379/0 python -m crawler.ops.scaleout --workers N
        [--db PATH] [--only feeds,gdelt | --spider NAME -a k=v ...] [-s NAME=VALUE ...]
    python -m crawler.ops.scaleout --status      # queue lengths, in-flight, items per worker

(``make crawl WORKERS=N``.) Starts ``python -m crawler.ops.writer``, then for each spider N
``scrapy crawl`` workers (ids w1..wN, one run id shared by all of them); a worker or the writer
killed by a signal is started again (``--restarts`` times), picking up what it left (in-flight
requests, the unfinished batch). When every worker has exited the writer is sent ``stop``, then
near-duplicate clustering runs and the run summary is printed (as crawler/ops/runall.py does).
A new crawl of a spider starts with an empty duplicate filter unless the last one left requests
queued or in flight, which it then resumes. Exit status: 0 ok, 1 a source failed, 2 Redis down.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

from crawler.ops.runall import LIVE_SPIDERS, crawl_command, summary
from crawler.scaleout.keys import Keys
from crawler.scaleout.messages import encode
from crawler.scaleout.redisconn import RedisUnavailable, check
from crawler.settings import OBSERVATORY_REDIS_URL, PROJECT_ROOT, SCALEOUT_KEY_PREFIX
from crawler.storage import default_path


def frontier_left(server, keys: Keys, spider: str) -> int:
    queued = server.zcard(keys.requests(spider))
    inflight = sum(server.hlen(k) for k in server.scan_iter(keys.inflight_pattern(spider)))
    return queued + inflight


def prepare(server, keys: Keys, spider: str) -> str:
    """'resume' when the last crawl of `spider` left work in Redis, else reset its frontier."""
    if frontier_left(server, keys, spider):
        return "resume"
    server.delete(keys.dupefilter(spider), keys.requests(spider))
    return "fresh"


def status(server, keys: Keys) -> str:
    lines = [
        f"writer queue {server.llen(keys.items)}, in its batch {server.llen(keys.processing)}, "
        f"written {int(server.hget(keys.writer_stats, 'messages') or 0)}"
    ]
    for key in sorted(server.scan_iter(f"{keys.prefix}:*:requests")):
        spider = key.decode().split(":")[-2]
        inflight = {
            k.decode().rsplit(":", 1)[-1]: server.hlen(k) for k in server.scan_iter(keys.inflight_pattern(spider))
        }
        lines.append(
            f"{spider}: queued {server.zcard(key)}, seen {server.scard(keys.dupefilter(spider))}, in flight {inflight}"
        )
    counts = {k.decode(): int(v) for k, v in server.hgetall(keys.worker_stats).items()}
    lines += [f"  {name} {count}" for name, count in sorted(counts.items())]
    return "\n".join(lines)


class Supervised:
    """A child process started again when a signal killed it (at most `restarts` times)."""

    def __init__(self, name: str, cmd: list[str], env: dict, restarts: int):
        self.name, self.cmd, self.env, self.restarts = name, cmd, env, restarts
        self.proc = self._start()

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen(self.cmd, cwd=PROJECT_ROOT, env=self.env)

    def poll(self) -> int | None:
        rc = self.proc.poll()
        if rc is not None and rc < 0 and self.restarts > 0:
            self.restarts -= 1
            print(f"{self.name} was killed (signal {-rc}): starting it again", file=sys.stderr, flush=True)
            self.proc = self._start()
            return None
        return rc


def wait_all(children: list[Supervised]) -> list[int]:
    codes: dict[int, int] = {}
    for _ in range(10**7):  # bounded; each turn sleeps 0.2 s
        for i, child in enumerate(children):
            if i not in codes:
                rc = child.poll()
                if rc is not None:
                    codes[i] = rc
        if len(codes) == len(children):
            break
        time.sleep(0.2)
    return [codes[i] for i in range(len(children))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--db", default=default_path())
    ap.add_argument("--only", default="", help="comma-separated spider names (default: every live source)")
    ap.add_argument("--spider", default="", help="one spider, with -a arguments")
    ap.add_argument("-a", dest="args", action="append", default=[], help="NAME=VALUE spider argument (with --spider)")
    ap.add_argument("-s", dest="settings", action="append", default=[], help="NAME=VALUE Scrapy setting")
    ap.add_argument("--restarts", type=int, default=3, help="restarts of a killed worker or writer")
    ap.add_argument("--no-cluster", action="store_true")
    ap.add_argument("--status", action="store_true", help="print the frontier and writer state and exit")
    opts = ap.parse_args(argv)
    try:
        server = check(OBSERVATORY_REDIS_URL)
    except RedisUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    keys = Keys(SCALEOUT_KEY_PREFIX)
    if opts.status:
        print(status(server, keys))
        return 0
    settings = dict(s.split("=", 1) for s in opts.settings)
    if opts.spider:
        plan = {opts.spider: dict(a.split("=", 1) for a in opts.args)}
    else:
        plan = {name: {} for name in LIVE_SPIDERS if not opts.only or name in opts.only.split(",")}
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    writer = Supervised(
        "writer",
        [sys.executable, "-m", "crawler.ops.writer", "--db", opts.db, *[f"-s{k}={v}" for k, v in settings.items()]],
        env,
        opts.restarts,
    )
    failed = []
    for spider, args in plan.items():
        mode = prepare(server, keys, spider)
        run_id = f"{spider}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
        print(f"crawling {spider} with {opts.workers} workers ({mode} frontier, run {run_id}) ...", flush=True)
        workers = [
            Supervised(
                f"{spider} worker w{i}",
                crawl_command(
                    spider, opts.db, args, {**settings, "OBSERVATORY_RUN_ID": run_id, "SCALEOUT_WORKER_ID": f"w{i}"}
                ),
                env,
                opts.restarts,
            )
            for i in range(1, opts.workers + 1)
        ]
        codes = wait_all(workers)
        if any(codes):
            failed.append(spider)
        if any(c == 2 for c in codes):
            break  # Redis unreachable: the workers said so in one line each
    server.rpush(keys.items, encode({"op": "stop"}))
    if wait_all([writer])[0] != 0:
        failed.append("writer")
    if not opts.no_cluster:
        print("clustering near-duplicates ...", flush=True)
        if subprocess.call([sys.executable, "-m", "crawler.ops.cluster", "--db", opts.db], cwd=PROJECT_ROOT, env=env):
            failed.append("cluster")
    text, ok = summary(opts.db, started)
    print(text)
    if failed or not ok:
        print(f"not ok: {', '.join(failed) or 'see status above'}", file=sys.stderr)
        return 2 if "writer" in failed and not ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
