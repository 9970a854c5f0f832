"""Crawl benchmark: the project's real crawl vs a bare Scrapy spider calling trafilatura.extract.

    .venv/bin/python bench/bench_crawl.py [--pages 150] [--rounds 2] [--workers 0,1]

A loopback site (http.server on 127.0.0.1, port 0, in a thread of this process) serves synthetic
article pages of 40-80 KB, half English and half Chinese, with navigation, share bars, related
links, a newsletter box, comments, footers and JSON-LD. Each round crawls every page once per
variant, alternated (the order reversed every other round), each crawl its own subprocess:
  project-wN  ``python -m scrapy crawl urls -a path=<list of the pages>`` into a fresh SQLite file
              with the project's settings: every pipeline (pseudonymise, normalise, relevance with
              RELEVANCE_KEEP_ALL, dedupe, store), the WARC archive, the run recorder and health
              check on; ARTICLE_EXTRACT_WORKERS=N (0: extraction on the reactor thread)
  bare        a scrapy.Spider whose parse() = trafilatura.extract(response.text, url=response.url)
Both sides: DOWNLOAD_DELAY 0, no autothrottle, CONCURRENT_REQUESTS 16, 8 per domain, robots.txt
obeyed (the site answers 404). Pages/s = items / (finish_time - start_time) of the crawl's own
stats (the project's from its `runs` row; articles counted in its `articles` table), so process
start-up (imports, jieba) is outside both. Prints pages/s of each (median over rounds) and each
project variant's ratio to bare (target >= 1.0x, goal 1.5x).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
COMMON = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "ROBOTSTXT_OBEY": "True",
}

EN = (
    "American users kept arriving on RedNote as the TikTok deadline neared, posting cat photos and asking "
    "their new Chinese followers for help with Mandarin homework. Moderators worked late to keep up. "
)
ZH = "大量美国网友涌入小红书，自称“TikTok难民”，中国网友热情欢迎并开始与他们“对账”，话题持续升温。"


def make_page(i: int) -> bytes:
    rng = random.Random(i)
    zh = i % 2 == 1
    sentence = ZH if zh else EN
    paragraphs = "".join(f"<p>{sentence * rng.randint(2, 4)} ({i}.{k})</p>" for k in range(rng.randint(32, 60)))
    nav = "".join(f'<li><a href="/s/{k}">Section {k}</a></li>' for k in range(40))
    related = "".join(f'<li><a href="/a/{k}">Related story number {k} about apps</a></li>' for k in range(30))
    comments = "".join(f'<div class="comment"><p>Comment {k}: great piece, thanks.</p></div>' for k in range(25))
    ld = json.dumps(
        {
            "@type": "NewsArticle",
            "headline": f"Story {i}",
            "datePublished": f"2025-01-{1 + i % 28:02d}T0{i % 10}:30:00+08:00",
            "author": {"@type": "Person", "name": "Lin Xiaowen" if zh else "Maya Lindqvist"},
        }
    )
    html = (
        f'<!doctype html><html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8"><title>Story {i} - Site</title>'
        f'<script type="application/ld+json">{ld}</script><style>{"body{margin:0} " * 900}</style></head><body>'
        f'<header><nav><ul>{nav}</ul></nav></header><div class="cookie-banner"><p>We use cookies.</p></div>'
        f'<main><article><h1>Story {i}</h1><div class="byline">By Maya Lindqvist</div>'
        f'<div class="share-bar"><a href="#">Share</a><a href="#">Tweet</a><a href="#">Mail</a></div>'
        f'<div class="article-body">{paragraphs}</div></article>'
        f'<div class="newsletter-signup"><p>Sign up for our newsletter.</p></div>'
        f'<aside class="related"><ul>{related}</ul></aside><section class="comments">{comments}</section></main>'
        f"<footer><p>© 2025 Site</p><script>{'var x = 1; ' * 800}</script></footer></body></html>"
    )
    return html.encode("utf-8")


BARE = """
import sys, json, scrapy, trafilatura
from scrapy.crawler import CrawlerProcess
base, n, settings = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for i in range(n):
            yield scrapy.Request(f"{base}/article/{i}.html")
    def parse(self, response):
        text = trafilatura.extract(response.text, url=response.url)
        yield {"url": response.url, "chars": len(text or "")}
settings.update({"LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False})
process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
stats = crawler.stats
print((stats.get_value("finish_time") - stats.get_value("start_time")).total_seconds(),
      stats.get_value("item_scraped_count"))
"""


def serve(pages: list[bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            try:
                body = pages[int(self.path.rsplit("/", 1)[-1].split(".")[0])]
            except (ValueError, IndexError):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def crawl_bare(base: str, n: int) -> tuple[float, int]:
    out = subprocess.run(
        [PYTHON, "-c", BARE, base, str(n), json.dumps(COMMON)],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    seconds, items = out.stdout.strip().splitlines()[-1].split()
    return float(seconds), int(items)


def crawl_project(listing: Path, workers: int) -> tuple[float, int]:
    """One `scrapy crawl urls` of the listed pages into a fresh database: (seconds, articles stored)."""
    with tempfile.TemporaryDirectory(prefix="bench_crawl_") as tmp:
        db = Path(tmp) / "bench.db"
        settings = {
            **COMMON,
            "OBSERVATORY_DB": str(db),
            "RELEVANCE_KEEP_ALL": "True",
            "ARTICLE_EXTRACT_WORKERS": str(workers),
            "LOG_LEVEL": "ERROR",
        }
        cmd = [PYTHON, "-m", "scrapy", "crawl", "urls", "-a", f"path={listing}"]
        for key, value in settings.items():
            cmd += ["-s", f"{key}={value}"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        if out.returncode not in (0,):
            sys.exit(f"project crawl failed ({out.returncode}):\n{out.stderr[-3000:]}")
        with sqlite3.connect(db) as conn:
            (seconds,) = conn.execute("select duration_s from runs order by rowid desc limit 1").fetchone()
            (articles,) = conn.execute("select count(*) from articles").fetchone()
            archived = list((Path(tmp) / "archive").glob("*.warc.gz"))
        if not archived:
            sys.exit("project crawl wrote no WARC archive")
        return float(seconds), int(articles)


def main(argv: list[str]) -> None:
    n = int(argv[argv.index("--pages") + 1]) if "--pages" in argv else 150
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 2
    workers = [int(w) for w in (argv[argv.index("--workers") + 1] if "--workers" in argv else "0,1").split(",")]
    pages = [make_page(i) for i in range(n)]
    sizes = [len(p) // 1024 for p in pages]
    server = serve(pages)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    listing = Path(tempfile.mkstemp(prefix="bench_crawl_", suffix=".txt")[1])
    listing.write_text("".join(f"{base}/article/{i}.html\n" for i in range(n)))
    print(f"{n} pages, {min(sizes)}-{max(sizes)} KB (median {statistics.median(sizes)} KB), {rounds} rounds, {base}")
    variants = [(f"project-w{w}", w) for w in workers] + [("bare", None)]
    rates: dict[str, list[float]] = {name: [] for name, _ in variants}
    for r in range(rounds):
        for name, w in variants if r % 2 == 0 else variants[::-1]:
            t0 = time.perf_counter()
            seconds, items = crawl_bare(base, n) if w is None else crawl_project(listing, w)
            wall = time.perf_counter() - t0
            rates[name].append(items / seconds)
            print(
                f"round {r + 1} {name:<11} {items} items in {seconds:.2f} s: {items / seconds:.1f} pages/s"
                f" (process wall time {wall:.2f} s, start-up included)"
            )
    server.shutdown()
    listing.unlink()
    bare = statistics.median(rates["bare"])
    print(f"bare trafilatura spider {bare:.1f} pages/s")
    for name, _ in variants[:-1]:
        project = statistics.median(rates[name])
        print(f"{name} {project:.1f} pages/s: ratio {project / bare:.2f}x (target >= 1.0x, goal 1.5x)")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main(sys.argv[1:])
    print(f"total {time.perf_counter() - t0:.1f} s")
