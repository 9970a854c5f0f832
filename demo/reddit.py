"""Reddit JSON emulator: ``/search.json``, ``/r/<sub>/search.json`` and ``/comments/<id>.json``.

Data under ``req.root`` (``datasets/demo/reddit/`` or a test's copy):
- ``posts.json``: a list of ``t3`` data objects (entity-escaped, as sent without ``raw_json=1``);
- ``comments/<id>.json``: the comments page of a post (an array of two Listings); a known post
  without a file gets its post and an empty comment listing, an unknown id a 404;
- ``config.json``: ``throttle_once`` (paths answered once with 429 + ``Retry-After`` per server),
  ``require_auth``/``token`` (401 without ``Authorization: Bearer <token>``), ``ratelimit_limit``.

Paging follows the real site: ``after=<fullname of the last item>``, ``data.after`` null on the
last page; ``limit`` 1-100 (default 25). ``/r/<sub>/search.json`` searches only that subreddit when
``restrict_sr`` is on, otherwise all of Reddit. Every reply carries ``x-ratelimit-used``,
``x-ratelimit-remaining`` (a float string) and ``x-ratelimit-reset``.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from w3lib.html import replace_entities

from demo.bluesky import compile_query, load, matches
from demo.server import Reply, Request

SEARCH = re.compile(r"^(?:/r/(?P<sub>[A-Za-z0-9_]+))?/search(?:\.json|/\.json)$")
COMMENTS = re.compile(r"^(?:/r/[A-Za-z0-9_]+)?/comments/(?P<id>[a-z0-9]+)(?:/[^/]*)?/?\.json$")
SORTS = {
    "new": lambda d: d.get("created_utc") or 0,
    "top": lambda d: d.get("score") or 0,
    "relevance": lambda d: d.get("score") or 0,
    "comments": lambda d: d.get("num_comments") or 0,
}
_lock = threading.Lock()
_used: dict[str, int] = {}  # per server (base URL) + data root: requests served
_throttled: set[tuple[str, str]] = set()  # (server key, path) already answered with 429


def _key(req: Request) -> str:
    return f"{req.base} {req.root}"


def rate_headers(req: Request, config: dict[str, Any]) -> dict[str, str]:
    with _lock:
        _used[_key(req)] = used = _used.get(_key(req), 0) + 1
    limit = float(config.get("ratelimit_limit", 100))
    reset = 600 - int(time.time()) % 600
    return {
        "x-ratelimit-used": str(used),
        "x-ratelimit-remaining": f"{max(limit - used, 0.0):.1f}",
        "x-ratelimit-reset": str(reset),
    }


def error(status: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> Reply:
    return Reply.json({"message": message, "error": status, **extra}, status, headers)


def throttle_once(req: Request, config: dict[str, Any]) -> bool:
    """True the first time a configured path is requested on this server (then never again)."""
    if req.path not in (config.get("throttle_once") or []):
        return False
    with _lock:
        if (_key(req), req.path) in _throttled:
            return False
        _throttled.add((_key(req), req.path))
    return True


def listing(children: list[dict[str, Any]], after: str | None, before: str | None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "dist": len(children),
            "modhash": "",
            "geo_filter": "",
            "children": children,
            "before": before,
        },
    }


def search(req: Request, sub: str | None) -> Reply:
    try:
        limit = min(max(int(req.arg("limit") or 25), 1), 100)
    except ValueError:
        limit = 25
    groups = compile_query(req.arg("q") or "")
    restrict = sub is not None and (req.arg("restrict_sr") or "").lower() in ("1", "on", "true")
    posts = [
        p
        for p in load(req.root, "posts.json", [])
        if groups
        and matches(groups, replace_entities(f"{p.get('title', '')} {p.get('selftext', '')}"))
        and (not restrict or str(p.get("subreddit", "")).lower() == sub.lower())
    ]
    posts.sort(key=SORTS.get(req.arg("sort") or "relevance", SORTS["relevance"]), reverse=True)
    start = 0
    after = req.arg("after")
    if after:
        names = [p.get("name") for p in posts]
        if after not in names:
            return Reply.json(listing([], None, None))
        start = names.index(after) + 1
    page = posts[start : start + limit]
    more = start + limit < len(posts)
    children = [{"kind": "t3", "data": p} for p in page]
    before = page[0]["name"] if after and page else None
    return Reply.json(listing(children, page[-1]["name"] if more and page else None, before))


def comments(req: Request, post_id: str) -> Reply:
    data = load(req.root, f"comments/{post_id}.json")
    if data is not None:
        return Reply.json(data)
    post = next((p for p in load(req.root, "posts.json", []) if p.get("id") == post_id), None)
    if post is None:
        return error(404, "Not Found")
    # a known post whose comments the demo does not carry: the post and an empty comment listing
    return Reply.json([listing([{"kind": "t3", "data": post}], None, None), listing([], None, None)])


def handle(req: Request) -> Reply:
    config = load(req.root, "config.json", {})
    if config.get("require_auth"):
        if req.headers.get("authorization", "") != f"Bearer {config.get('token')}":
            return error(401, "Unauthorized", {"www-authenticate": 'Bearer realm="reddit", error="invalid_token"'})
    headers = rate_headers(req, config)
    if throttle_once(req, config):
        return error(429, "Too Many Requests", {**headers, "Retry-After": str(config.get("retry_after", 1))})
    found = SEARCH.match(req.path)
    if found:
        reply = search(req, found["sub"])
    elif COMMENTS.match(req.path):
        reply = comments(req, COMMENTS.match(req.path)["id"])
    else:
        reply = error(404, "Not Found")
    reply.headers.update(headers)
    return reply
