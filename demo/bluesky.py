"""Bluesky AppView emulator: ``app.bsky.feed.searchPosts`` and ``com.atproto.server.createSession``.

Data under ``req.root`` (``datasets/demo/bluesky/`` or a test's copy):
- ``posts.json``: a list of PostViews, the whole searchable corpus;
- ``config.json``: ``identifier``/``password`` accepted by createSession, the tokens it hands out,
  and ``require_auth`` (true: searchPosts answers 401 ``AuthenticationRequired`` without
  ``Authorization: Bearer <accessJwt>``, as some AppViews do).

Paging follows the real service: an opaque offset ``cursor``, no cursor on the last page. ``q`` is
split into terms (``"quoted phrases"`` kept, ``OR`` between alternatives); a post matches when every
term of one alternative appears in its text or tags, case-insensitively (English terms on word
boundaries, Chinese anywhere). ``since`` is inclusive, ``until`` exclusive, both on ``createdAt``.
"""

from __future__ import annotations

import json
import re
import shlex
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from demo.server import Reply, Request

SEARCH = "/xrpc/app.bsky.feed.searchPosts"
SESSION = "/xrpc/com.atproto.server.createSession"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def load(root: Path, name: str, default: Any = None) -> Any:
    path = root / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else default


def xrpc_error(status: int, error: str, message: str) -> Reply:
    return Reply.json({"error": error, "message": message}, status)


def compile_query(q: str) -> list[list[str]]:
    """'a "b c" OR d' -> [['a', 'b c'], ['d']], lower-cased, '#' dropped from tags."""
    try:
        words = shlex.split(q)
    except ValueError:  # an unbalanced quote: fall back to plain words
        words = q.split()
    groups: list[list[str]] = [[]]
    for word in words:
        if word == "OR":
            groups.append([])
        elif word.lstrip("#"):
            groups[-1].append(word.lstrip("#").casefold())
    return [g for g in groups if g]


def term_in(term: str, text: str) -> bool:
    """English terms on word boundaries, anything with non-ASCII characters as a substring."""
    if not term.isascii():
        return term in text
    return re.search(r"(?<![0-9a-z])" + re.escape(term) + r"(?![0-9a-z])", text) is not None


def matches(groups: list[list[str]], text: str) -> bool:
    text = text.casefold()
    return any(all(term_in(t, text) for t in group) for group in groups)


def parse_time(value: Any) -> datetime | None:
    """ISO datetime or date (naive = UTC) -> aware datetime; None when unparseable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def searchable(view: dict[str, Any]) -> str:
    record = view.get("record") or {}
    tags = list(record.get("tags") or [])
    for facet in record.get("facets") or []:
        tags += [f.get("tag", "") for f in facet.get("features", []) if "tag" in f]
    return " ".join([record.get("text") or "", *tags])


def created(view: dict[str, Any]) -> datetime:
    record = view.get("record") or {}
    return parse_time(record.get("createdAt")) or parse_time(view.get("indexedAt")) or datetime.min.replace(tzinfo=UTC)


def rate_headers() -> dict[str, str]:
    reset = int(time.time()) + 300
    return {
        "ratelimit-limit": "3000",
        "ratelimit-remaining": "2999",
        "ratelimit-reset": str(reset),
        "ratelimit-policy": "3000;w=300",
    }


def authorised(req: Request, config: dict[str, Any]) -> Reply | None:
    """None when the request may proceed, else the 401 the real service sends."""
    if not config.get("require_auth"):
        return None
    header = req.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return xrpc_error(401, "AuthenticationRequired", "Authentication Required")
    if header[7:].strip() != config.get("accessJwt"):
        return xrpc_error(401, "InvalidToken", "Token could not be verified")
    return None


def search(req: Request) -> Reply:
    config = load(req.root, "config.json", {})
    denied = authorised(req, config)
    if denied:
        return denied
    q = req.arg("q")
    if not q or not q.strip():
        return xrpc_error(400, "InvalidRequest", 'Error: Params must have the property "q"')
    try:
        limit = int(req.arg("limit") or DEFAULT_LIMIT)
        offset = int(req.arg("cursor") or 0)
    except ValueError:
        return xrpc_error(400, "InvalidRequest", "Error: limit and cursor must be integers")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        return xrpc_error(400, "InvalidRequest", f"Error: limit must be between 1 and {MAX_LIMIT}")
    since, until = req.arg("since"), req.arg("until")
    lower, upper = parse_time(since), parse_time(until)
    if (since and lower is None) or (until and upper is None):
        return xrpc_error(400, "InvalidRequest", "Error: since/until must be a datetime or a date")
    groups = compile_query(q)
    hits = [
        v
        for v in load(req.root, "posts.json", [])
        if matches(groups, searchable(v))
        and (lower is None or created(v) >= lower)
        and (upper is None or created(v) < upper)
    ]
    if req.arg("sort") == "top":
        hits.sort(key=lambda v: (v.get("likeCount") or 0, created(v)), reverse=True)
    else:
        hits.sort(key=created, reverse=True)
    body: dict[str, Any] = {"posts": hits[offset : offset + limit]}
    if offset + limit < len(hits):
        body["cursor"] = str(offset + limit)
    return Reply.json(body, headers=rate_headers())


def create_session(req: Request) -> Reply:
    config = load(req.root, "config.json", {})
    try:
        creds = json.loads(req.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return xrpc_error(400, "InvalidRequest", "Request body must be JSON")
    if not isinstance(creds, dict) or not creds.get("identifier") or not creds.get("password"):
        return xrpc_error(400, "InvalidRequest", 'Input must have the property "identifier" and "password"')
    known = {config.get("identifier"), config.get("did")} - {None}
    if creds["identifier"] not in known or creds["password"] != config.get("password"):
        return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
    return Reply.json(
        {
            "did": config.get("did"),
            "handle": config.get("identifier"),
            "email": "demo@example.org",
            "emailConfirmed": True,
            "accessJwt": config.get("accessJwt"),
            "refreshJwt": config.get("refreshJwt"),
            "active": True,
        }
    )


def handle(req: Request) -> Reply:
    if req.path == SEARCH:
        return search(req) if req.method in ("GET", "HEAD") else xrpc_error(405, "InvalidRequest", "Use GET")
    if req.path == SESSION:
        return create_session(req) if req.method == "POST" else xrpc_error(405, "InvalidRequest", "Use POST")
    if req.path.startswith("/xrpc/"):
        return xrpc_error(501, "MethodNotImplemented", "Method Not Implemented")
    return Reply.text("not found\n", 404)
