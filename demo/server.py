"""A loopback HTTP server for the demo sources and the tests.

Routing: the first path segment picks a handler. ``/news/...`` and other static trees are served
from files under ``datasets/demo/`` (with ETag / Last-Modified and 304s); API emulators
(``demo/<source>.py``, each with ``handle(req) -> Reply``) implement the platform's real
paging rules over fixture files. ``{{BASE}}`` in any served text becomes ``http://127.0.0.1:PORT``.

Fault routes for the bad-input paths: ``/faults/status/<code>`` (with ``Retry-After`` on 429),
``/faults/offhost`` (a redirect to another host), ``/faults/loop`` (a redirect loop),
``/faults/slow/<seconds>`` and ``/faults/huge/<megabytes>``.

Run alone: ``python -m demo.server --port 8765``.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import importlib
import json
import mimetypes
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DEMO_ROOT = Path(__file__).resolve().parents[1] / "datasets" / "demo"

# first path segment -> module in demo implementing handle(req) -> Reply
API_HANDLERS: dict[str, str] = {
    "mastodon": "demo.mastodon",
    "bluesky": "demo.bluesky",
    "reddit": "demo.reddit",
    "hackernews": "demo.hackernews",
    "gdelt": "demo.gdelt",
    "tiktok_research": "demo.tiktok_research",
    "youtube": "demo.youtube",
    "appstore": "demo.appstore",
}
STATIC_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".ndjson": "application/x-ndjson",
}
MTIME = email.utils.formatdate(1736900000, usegmt=True)  # fixed: conditional requests are testable


@dataclass
class Request:
    method: str
    path: str  # path after the first segment, e.g. "/api/v1/timelines/tag/RedNote"
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    base: str  # http://127.0.0.1:PORT
    root: Path  # the data root (datasets/demo or a test's copy)
    body: bytes = b""

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return cls(status, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8") -> Reply:
        return cls(status, text.encode("utf-8"), {"Content-Type": content_type})


def _static(req: Request, rel: str) -> Reply:
    path = (req.root / rel).resolve()
    if not str(path).startswith(str(req.root.resolve())) or not path.is_file():
        if path.is_dir() and (path / "index.html").is_file():
            path = path / "index.html"
        else:
            return Reply.text("not found\n", 404)
    raw = path.read_bytes()
    headers_file = path.with_name(path.name + ".headers.json")  # optional per-file overrides
    extra = json.loads(headers_file.read_text()) if headers_file.is_file() else {}
    status = int(extra.pop("status", 200))
    ctype = extra.pop("Content-Type", None) or STATIC_TYPES.get(
        path.suffix, mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    if b"{{BASE}}" in raw:
        raw = raw.replace(b"{{BASE}}", req.base.encode())
    etag = '"' + hashlib.sha1(raw).hexdigest()[:16] + '"'
    headers = {"Content-Type": ctype, "ETag": etag, "Last-Modified": MTIME, **extra}
    if status == 200 and (req.headers.get("if-none-match") == etag or req.headers.get("if-modified-since") == MTIME):
        return Reply(304, b"", {"ETag": etag, "Last-Modified": MTIME})
    return Reply(status, raw, headers)


def _fault(req: Request) -> Reply:
    parts = req.path.strip("/").split("/")
    kind, arg = (parts + ["", ""])[:2]
    if kind == "status":
        code = int(arg or 500)
        headers = {"Retry-After": "1"} if code == 429 else {}
        return Reply(code, f"synthetic HTTP {code}\n".encode(), {"Content-Type": "text/plain", **headers})
    if kind == "offhost":  # a redirect to another host (localhost instead of 127.0.0.1)
        port = req.base.rsplit(":", 1)[-1]
        return Reply(302, b"", {"Location": f"http://localhost:{port}/faults/status/200"})
    if kind == "loop":  # an endless chain of redirects (/faults/loop/1 -> /faults/loop/2 -> ...)
        return Reply(302, b"", {"Location": f"{req.base}/faults/loop/{int(arg or 0) + 1}"})
    if kind == "slow":
        time.sleep(float(arg or 5))
        return Reply.text("slow reply\n")
    if kind == "huge":
        size = int(float(arg or 2) * 1024 * 1024)
        return Reply(200, b"<html><body>" + b"x" * size + b"</body></html>", {"Content-Type": "text/html"})
    return Reply.text("unknown fault\n", 404)


def dispatch(req_path: str, method: str, headers: dict[str, str], base: str, root: Path, body: bytes = b"") -> Reply:
    parts = urlsplit(req_path)
    segments = parts.path.lstrip("/").split("/", 1)
    first, rest = segments[0], ("/" + segments[1] if len(segments) > 1 else "/")
    req = Request(method, rest, parse_qs(parts.query, keep_blank_values=True), headers, base, root, body)
    if first == "faults":
        return _fault(req)
    if first in API_HANDLERS:
        module = importlib.import_module(API_HANDLERS[first])
        req.root = root / first
        return module.handle(req)
    return _static(req, parts.path.lstrip("/") or "index.html")


def make_handler(root: Path):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            host, port = self.server.server_address[:2]
            base = f"http://{host}:{port}"
            hdrs = {k.lower(): v for k, v in self.headers.items()}
            try:
                reply = dispatch(self.path, self.command, hdrs, base, root, body)
            except Exception as exc:  # a bug in an emulator must show, not hang the crawl
                reply = Reply.text(f"demo server error: {exc!r}\n", 500)
            self.send_response(reply.status)
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                try:
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        do_GET = do_POST = do_HEAD = _serve

        def log_message(self, format, *args):  # noqa: A002 - quiet by default
            pass

    return Handler


def start(port: int = 0, root: Path = DEMO_ROOT) -> tuple[ThreadingHTTPServer, str]:
    """Start the server in a daemon thread; return it and its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(Path(root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    ap = argparse.ArgumentParser(description="Serve the synthetic demo sources on 127.0.0.1.")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--root", default=str(DEMO_ROOT))
    args = ap.parse_args()
    try:
        server, base = start(args.port, Path(args.root))
    except OSError as exc:
        sys.exit(
            f"error: cannot serve the demo sources on 127.0.0.1:{args.port} ({exc.strerror or exc}); "
            f"choose another port with --port"
        )
    print(f"demo sources on {base} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
