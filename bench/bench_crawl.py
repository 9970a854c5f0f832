"""Crawl benchmark: the project's article path vs a bare Scrapy spider calling trafilatura.extract.

    .venv/bin/python bench/bench_crawl.py [--pages 150] [--rounds 2]

A loopback site (http.server on 127.0.0.1, port 0, in a thread of this process) serves synthetic
article pages of 40-80 KB, half English and half Chinese, with navigation, share bars, related
links, a newsletter box, comments, footers and JSON-LD. Each round crawls every page twice, once
per spider, alternated (project, bare, project, bare...), each crawl in its own
``python -c`` subprocess with one Scrapy reactor:
  project  parse() = crawler.spiders.articles.article_from_page(body, content_type, url, ...)
           (decode_html + extract_article, the Article item the spiders yield; no pipelines)
  bare     parse() = trafilatura.extract(response.text, url=response.url)
Prints pages/s of each (median over rounds) and the ratio (target >= 1.0x).
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

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


PROJECT = """
import sys, scrapy
from scrapy.crawler import CrawlerProcess
from crawler.spiders.articles import article_from_page
base, n = sys.argv[1], int(sys.argv[2])
class Project(scrapy.Spider):
    name = "project"
    async def start(self):
        for i in range(n):
            yield scrapy.Request(f"{base}/article/{i}.html")
    def parse(self, response):
        ctype = response.headers.get("Content-Type", b"").decode("latin-1") or None
        article, _ = article_from_page(response.body, ctype, response.url, "bench", None)
        yield {"url": article.url, "chars": len(article.text or "")}
"""
BARE = """
import sys, scrapy, trafilatura
from scrapy.crawler import CrawlerProcess
base, n = sys.argv[1], int(sys.argv[2])
class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for i in range(n):
            yield scrapy.Request(f"{base}/article/{i}.html")
    def parse(self, response):
        text = trafilatura.extract(response.text, url=response.url)
        yield {"url": response.url, "chars": len(text or "")}
"""
RUN = """
import time
settings = {"LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": 16, "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False}
spider = [v for v in list(globals().values()) if isinstance(v, type) and issubclass(v, scrapy.Spider)
          and v is not scrapy.Spider][0]
process = CrawlerProcess(settings)
crawler = process.create_crawler(spider)
process.crawl(crawler)
t0 = time.perf_counter()
process.start()
print(time.perf_counter() - t0, crawler.stats.get_value("item_scraped_count"))
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


def crawl(code: str, base: str, n: int) -> tuple[float, int]:
    out = subprocess.run(
        [PYTHON, "-c", code + RUN, base, str(n)], cwd=ROOT, capture_output=True, text=True, check=True, timeout=600
    )
    seconds, items = out.stdout.strip().splitlines()[-1].split()
    return float(seconds), int(items)


def main(argv: list[str]) -> None:
    n = int(argv[argv.index("--pages") + 1]) if "--pages" in argv else 150
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 2
    pages = [make_page(i) for i in range(n)]
    sizes = [len(p) // 1024 for p in pages]
    server = serve(pages)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"{n} pages, {min(sizes)}-{max(sizes)} KB (median {statistics.median(sizes)} KB), {rounds} rounds, {base}")
    rates: dict[str, list[float]] = {"project": [], "bare": []}
    for r in range(rounds):
        for name, code in (
            (("project", PROJECT), ("bare", BARE)) if r % 2 == 0 else (("bare", BARE), ("project", PROJECT))
        ):
            seconds, items = crawl(code, base, n)
            rates[name].append(items / seconds)
            print(f"round {r + 1} {name:<8} {items} items in {seconds:.2f} s: {items / seconds:.1f} pages/s")
    server.shutdown()
    project, bare = statistics.median(rates["project"]), statistics.median(rates["bare"])
    print(f"project {project:.1f} pages/s, bare trafilatura spider {bare:.1f} pages/s: ratio {project / bare:.2f}x "
          "(target >= 1.0x)")  # fmt: skip


if __name__ == "__main__":
    t0 = time.perf_counter()
    main(sys.argv[1:])
    print(f"total {time.perf_counter() - t0:.1f} s")
