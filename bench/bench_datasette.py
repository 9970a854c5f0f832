"""Datasette at a million posts: the search and table pages users get, timed over HTTP.

    python bench/bench_datasette.py [--rows 1000000] [--db PATH] [--reuse] [--repeat 7]

1. Builds the database (skipped with ``--reuse`` when PATH exists; pending migrations are then
   applied, as the next crawl would):
   - ``--seed`` (100,000) synthetic posts from bench/bench_pipeline.py's generator go through the
     project's pipelines and Store (normalise, relevance, dedupe, store, clustering), with a few
     words added so there are medium and rare terms: "government" in 1 post of 20, 政府 in 1 Chinese
     post of 15, "quokka" in 1 post of 10,000;
   - replication in SQL up to ``--rows`` posts: copy k of every post gets the id
     ``id + k * 2**53`` (ids are 53-bit hashes, so copies never collide), ``platform_id`` and
     ``url`` suffixed ``#k``; its ``posts_search`` row is inserted the same way, so the FTS
     triggers index it exactly as the Store's writes are indexed;
   - ``rows // 5`` articles made from posts in SQL (outlet ``Outlet <id % 40>``, title = the first
     60 characters, ``published_at`` = ``created_at``, source ``feed``), with their
     ``articles_search`` rows (indexed by the triggers too).
2. Starts ``make serve DB=PATH PORT=<free port>`` (the project's exact command: its metadata,
   plugins and settings) on 127.0.0.1 and times, with urllib, each page ``--repeat`` times after
   one warm-up: ``/observatory/{posts,articles}`` and ``...?_search=<term>`` for English and
   Chinese, common and rare terms. Beside each term: a bare FTS5 ``count(*) ... MATCH`` and a
   ``LIKE '%term%'`` scan of the same table (sqlite3, same file), and from the page's JSON: the
   matches Datasette counted, how many of the 4 facets of metadata.yml it computed within
   ``facet_time_limit_ms`` (the others show as timed out), and the sort it used.

``--baseline`` serves with the command, metadata.yml and plugins of before issue #14 (the "before"
figures; build the database with that checkout, or reuse one built before migration 0006).

p50 and p95 per page (with 7 samples p95 is the slowest but one). The machine is shared: compare
figures from the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pipeline import run_pipelines, synthetic_posts  # noqa: E402

from crawler.segment import segment  # noqa: E402
from crawler.storage import Store  # noqa: E402

TERMS = ["rednote", "government", '"TikTok refugee"', "小红书", "政府", "难民", "quokka"]
TABLES = ["posts", "articles"]
SHIFT = 2**53


def seed_posts(n: int) -> list:
    items = synthetic_posts(n)
    for i, post in enumerate(items):
        chinese = post.text.endswith("#小红书")
        if i % 10_000 == 4_321:
            post.text += " quokka"
        elif not chinese and i % 20 == 3:
            post.text = "the government says " + post.text
        elif chinese and i % 15 == 2:
            post.text = "政府" + post.text
    return items


def build(db_path: Path, rows: int, seed: int) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    seed = min(seed, rows)
    elapsed, kept, _ = run_pipelines(seed_posts(seed), str(db_path), 500)
    print(f"built {len(kept):,} posts through the pipelines and Store in {elapsed:.0f} s", flush=True)
    conn = sqlite3.connect(db_path)
    posts_cols = [r[1] for r in conn.execute("PRAGMA table_info(posts)")]
    copied = ", ".join(
        f"{c} + :k * {SHIFT}" if c == "id" else f"{c} || '#' || :k" if c in ("platform_id", "url") else c
        for c in posts_cols
    )
    base = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    k = 1
    while base * (k + 1) <= rows:
        with conn:
            conn.execute(
                f"INSERT INTO posts ({', '.join(posts_cols)}) SELECT {copied} FROM posts WHERE id < {SHIFT}", {"k": k}
            )
            conn.execute(
                f"INSERT INTO posts_search (id, search_text) SELECT id + :k * {SHIFT}, search_text "
                f"FROM posts_search WHERE id < {SHIFT}",
                {"k": k},
            )
        print(f"  copy {k}: {base * (k + 1):,} posts ({time.perf_counter() - t0:.0f} s)", flush=True)
        k += 1
    n_articles = rows // 5
    with conn:
        conn.execute(
            """INSERT INTO articles (id, url, canonical_url, outlet, title, text, published_at, day, lang,
                 source, sources, matched_terms, matched_in, first_seen_at, last_seen_at, run_id, last_run_id)
               SELECT id, 'https://news.bench.demo/' || id, 'news.bench.demo/' || id, 'Outlet ' || (id % 40),
                 substr(text, 1, 60), text, created_at, day, lang, 'feed', '["feed"]', matched_terms,
                 matched_in, first_seen_at, last_seen_at, run_id, last_run_id
               FROM posts ORDER BY id LIMIT ?""",
            [n_articles],
        )
        conn.execute(
            "INSERT INTO articles_search (id, search_text) SELECT s.id, s.search_text "
            "FROM posts_search s JOIN articles a ON a.id = s.id"
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("posts", "articles")}
    conn.close()
    print(
        f"database: {counts['posts']:,} posts, {counts['articles']:,} articles "
        f"({db_path.stat().st_size / 2**20:,.0f} MiB) in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 120) -> tuple[float, int, bytes]:
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return time.perf_counter() - t, status, body


BASELINE_COMMIT = "a503d46~"  # the project before issue #14's search work


def baseline_command(db_path: Path, port: int) -> list[str]:
    """make serve's command as it was before issue #14 (its metadata.yml, its one plugin, its one setting)."""
    tmp = db_path.parent / "baseline"
    (tmp / "plugins").mkdir(parents=True, exist_ok=True)
    for name, target in [
        ("datasets/metadata.yml", tmp / "metadata.yml"),
        ("plugins/chinese_search.py", tmp / "plugins" / "chinese_search.py"),
    ]:
        target.write_bytes(
            subprocess.run(
                ["git", "show", f"{BASELINE_COMMIT}:{name}"], cwd=ROOT, check=True, capture_output=True
            ).stdout
        )
    return [
        str(ROOT / ".venv/bin/python"),
        "-m",
        "datasette",
        "serve",
        str(db_path),
        "--metadata",
        str(tmp / "metadata.yml"),
        "--plugins-dir",
        str(tmp / "plugins"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "5000",
    ]


def serve(db_path: Path, port: int, baseline: bool = False) -> subprocess.Popen:
    proc = subprocess.Popen(
        baseline_command(db_path, port)
        if baseline
        else ["make", "--no-print-directory", "serve", f"DB={db_path}", f"PORT={port}"],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            get(f"http://127.0.0.1:{port}/-/versions.json", timeout=5)
            return proc
        except OSError:
            time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("datasette did not start")


def timed(conn: sqlite3.Connection, sql: str, params: list, repeat: int) -> tuple[float, int]:
    times, value = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        value = conn.execute(sql, params).fetchone()[0]
        times.append(time.perf_counter() - t)
    return statistics.median(times), value


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def fts_query(term: str) -> str:
    from datasette.utils import escape_fts

    return escape_fts(" ".join(segment(term).split()))  # what plugins/chinese_search.py sends


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000, help="posts in the database")
    ap.add_argument("--seed", type=int, default=100_000, help="posts through the pipelines and Store")
    ap.add_argument(
        "--db",
        type=Path,
        default=Path("/tmp/bench_datasette/observatory.db"),
        help="the file (its name must stay observatory.db: metadata.yml describes that database)",
    )
    ap.add_argument("--reuse", action="store_true", help="reuse --db if it exists (pending migrations applied)")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument(
        "--baseline",
        action="store_true",
        help="serve as before issue #14 (with --reuse: a database built before migration 0006)",
    )
    ap.add_argument("--terms", default=",".join(TERMS))
    args = ap.parse_args()
    if args.reuse and args.db.exists() and args.baseline:
        print(f"reusing {args.db} as it is (no migrations); serving with the command of {BASELINE_COMMIT}")
    elif args.reuse and args.db.exists():
        with Store.open(args.db) as store:
            print(f"reusing {args.db}; migrations applied now: {store.applied or 'none'}", flush=True)
    else:
        build(args.db, args.rows, args.seed)
    terms = args.terms.split(",")
    conn = sqlite3.connect(args.db)
    port = free_port()
    proc = serve(args.db, port, args.baseline)
    base = f"http://127.0.0.1:{port}/observatory"
    results = []
    try:
        for table in TABLES:
            for term in [None, *terms]:
                query = "" if term is None else "?" + urllib.parse.urlencode({"_search": term})
                url = f"{base}/{table}{query}"
                _, status, body = get(url)  # warm-up
                times = []
                for _ in range(args.repeat):
                    elapsed, status, body = get(url)
                    times.append(elapsed)
                _, _, raw = get(f"{base}/{table}.json{query}")
                info = json.loads(raw) if raw.startswith(b"{") else {}
                row = {
                    "table": table,
                    "term": term or "(table page)",
                    "status": status,
                    "p50": statistics.median(times),
                    "p95": pct(times, 0.95),
                    "count": info.get("filtered_table_rows_count"),
                    "facets": len(info.get("facet_results") or {}),
                    "suggested": len(info.get("suggested_facets") or []),
                    "order": (info.get("query", {}).get("sql", "").partition("order by ")[2].split(" limit")[0]),
                }
                if term is not None:
                    row["fts"], row["matches"] = timed(
                        conn,
                        f"SELECT count(*) FROM {table}_search_fts WHERE {table}_search_fts MATCH ?",
                        [fts_query(term)],
                        args.repeat,
                    )
                    row["like"], _ = timed(
                        conn,
                        f"SELECT count(*) FROM {table} WHERE text LIKE ?",
                        [f"%{term.strip(chr(34))}%"],
                        max(1, args.repeat // 3),
                    )
                results.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    n_posts = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    print(f"\n{n_posts:,} posts; make serve's command on 127.0.0.1; {args.repeat} timed requests per page")
    print(
        f"{'page':32s} {'HTTP':>4s} {'p50 ms':>8s} {'p95 ms':>8s} {'counted':>9s} {'facets':>7s} "
        f"{'FTS ms':>7s} {'matches':>8s} {'LIKE ms':>8s} {'LIKE/FTS':>8s} {'page/LIKE':>9s}  order by"
    )
    for r in results:
        name = f"{r['table']} {r['term']}"
        line = (
            f"{name:32s} {r['status']:>4d} {r['p50'] * 1e3:8.0f} {r['p95'] * 1e3:8.0f} "
            f"{r['count'] if r['count'] is not None else '-':>9} {r['facets']:>5d}/4"
        )
        if "fts" in r:
            line += (
                f" {r['fts'] * 1e3:7.1f} {r['matches']:>8,d} {r['like'] * 1e3:8.0f} "
                f"{r['like'] / max(r['fts'], 1e-6):8.0f}x {r['p50'] / r['like']:8.2f}x"
            )
        else:
            line += " " * 46
        print(f"{line}  {r['order']}")
    searches = [r for r in results if "fts" in r]
    print(
        f"search pages: p50 of p50s {statistics.median(r['p50'] for r in searches) * 1e3:.0f} ms, "
        f"worst p95 {max(r['p95'] for r in searches) * 1e3:.0f} ms; table pages: worst p95 "
        f"{max(r['p95'] for r in results if 'fts' not in r) * 1e3:.0f} ms"
    )


if __name__ == "__main__":
    main()
