"""A loopback site of N small article pages and a URL list, for the scale-out test and benchmark.

``/list.txt`` lists ``/a/<i>.html`` for i < N; each page is a short English article about the
TikTok ban (relevant to the default topic) with a unique text. Every GET is counted per path in
``server.hits`` (thread-safe), so a test can check that each page was fetched exactly once.
``/robots.txt`` allows everything. ``start_site(n)`` -> (server, base URL); ``server.shutdown()``.
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = (
    "court",
    "app",
    "creators",
    "users",
    "ban",
    "law",
    "platform",
    "migration",
    "RedNote",
    "refugee",
    "Congress",
    "divest",
    "deadline",
    "ByteDance",
    "feed",
    "video",
    "audience",
    "school",
    "music",
    "news",
)


def page(i: int) -> str:
    words = " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(60))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>TikTok ban story {i}</title>"
        f'<meta property="article:published_time" content="2025-01-{1 + i % 28:02d}T10:00:00Z">'
        f"</head><body><article><h1>TikTok ban story {i}</h1>"
        f"<p>Story number {i}: the TikTok ban reached users and creators on day {i % 28 + 1}. {words}.</p>"
        f"<p>Second paragraph of story {i} with more words about the platform, the law and the court.</p>"
        "</article></body></html>"
    )


def start_site(n: int, port: int = 0):
    hits: Counter = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms Nagle stall

        def log_message(self, *args):
            pass

        def do_GET(self):
            with lock:
                hits[self.path] += 1
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/robots.txt":
                body, ctype = "User-agent: *\nAllow: /\n", "text/plain"
            elif self.path == "/list.txt":
                body, ctype = "".join(f"{base}/a/{i}.html\n" for i in range(n)), "text/plain"
            elif (
                self.path.startswith("/a/")
                and self.path.endswith(".html")
                and self.path[3:-5].isdigit()
                and int(self.path[3:-5]) < n
            ):
                body, ctype = page(int(self.path[3:-5])), "text/html; charset=utf-8"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.hits = hits
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
