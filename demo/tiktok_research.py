"""TikTok Research API emulator: ``/v2/oauth/token/``, ``/v2/research/video/query/`` and
``/v2/research/video/comment/list/``, mounted under ``/tiktok_research``.

Data under ``req.root`` (``datasets/demo/tiktok_research/`` or a test's copy):
- ``videos.json``: the searchable corpus (video objects as the API returns them);
- ``comments.json``: ``{video_id: [comment, ...]}``;
- ``config.json``: the accepted ``client_key``/``client_secret`` (the demo accepts ``demo``/``demo``),
  the ``access_token`` handed out, ``daily_quota`` (requests per UTC day, counted per data root and
  token, both research endpoints together), ``max_count`` (the page-size cap, 100) and ``faults``:
  ``{"endpoint": "query"|"comments", "when": {body key: value}, "times": N, "reply":
  "retry_after"|"error_200"|"malformed"|"quota"|"server_error"}`` for the bad-input paths.

The rules of the real service: a client-credentials token (form body, ``grant_type=
client_credentials``) sent back as ``Authorization: Bearer``; a JSON body with ``query``
(``and``/``or``/``not`` lists of ``{operation, field_name, field_values}``), ``start_date`` and
``end_date`` (``YYYYMMDD``, inclusive, UTC, at most 30 days apart), ``max_count`` (<= 100),
``cursor`` (an offset) and ``search_id`` (returned by the first page, required with a cursor);
``fields`` in the query string selects the keys of each video. Every answer is ``{"data": ...,
"error": {"code", "message", "log_id"}}``; errors come as 400 ``invalid_params``, 401
``access_token_invalid``, 429 ``rate_limit_exceeded`` (the daily quota) and, now and then, as an
error object with HTTP 200.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from demo.server import Reply, Request

TOKEN = "/v2/oauth/token/"
QUERY = "/v2/research/video/query/"
COMMENTS = "/v2/research/video/comment/list/"
MAX_DAYS = 30
_LOCK = threading.Lock()
_USED: dict[tuple[str, str], int] = {}  # (data root, UTC day) -> research requests answered
_FAULTS: dict[tuple[str, int], int] = {}  # (data root, fault index) -> times used


def load(root: Path, name: str, default: Any = None) -> Any:
    path = root / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else default


def log_id(seed: str) -> str:
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S") + hashlib.sha1(seed.encode()).hexdigest()[:18].upper()


def envelope(
    data: Any, code: str = "ok", message: str = "", status: int = 200, headers: dict[str, str] | None = None
) -> Reply:
    return Reply.json(
        {"data": data, "error": {"code": code, "message": message, "log_id": log_id(code + message)}}, status, headers
    )


def invalid(message: str) -> Reply:
    return envelope({}, "invalid_params", message, 400)


def token(req: Request) -> Reply:
    config = load(req.root, "config.json", {})
    form = {k: v[0] for k, v in parse_qs(req.body.decode("utf-8", "replace")).items()}
    if form.get("grant_type") != "client_credentials":
        return Reply.json(
            {
                "error": "invalid_request",
                "error_description": "grant_type must be client_credentials",
                "log_id": log_id("grant"),
            },
            400,
        )
    if form.get("client_key") != config.get("client_key") or form.get("client_secret") != config.get("client_secret"):
        return Reply.json(
            {
                "error": "invalid_client",
                "error_description": "Client key or secret is incorrect.",
                "log_id": log_id("client"),
            },
            401,
        )
    return Reply.json(
        {"access_token": config["access_token"], "expires_in": config.get("expires_in", 7200), "token_type": "Bearer"}
    )


def fault(req: Request, config: dict, endpoint: str, body: dict) -> Reply | None:
    for n, rule in enumerate(config.get("faults") or []):
        if rule.get("endpoint") != endpoint or any(body.get(k) != v for k, v in (rule.get("when") or {}).items()):
            continue
        key = (str(req.root), n)
        with _LOCK:
            if _FAULTS.get(key, 0) >= rule.get("times", 1):
                continue
            _FAULTS[key] = _FAULTS.get(key, 0) + 1
        kind = rule.get("reply")
        if kind == "retry_after":
            return envelope({}, "rate_limit_exceeded", "Too many requests, slow down", 429, {"Retry-After": "1"})
        if kind == "error_200":  # what the service sometimes does: an error object with HTTP 200
            return envelope({}, "internal_error", "Something went wrong. Please try again later.", 200)
        if kind == "malformed":
            return Reply(200, b'{"data": {"videos": [{"id": 1,', {"Content-Type": "application/json"})
        if kind == "quota":
            return envelope({}, "rate_limit_exceeded", "API daily quota exceeded", 429)
        if kind == "server_error":
            return envelope({}, "internal_error", "Internal server error", 500)
    return None


def authorised(req: Request, config: dict) -> Reply | None:
    header = req.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or header[7:].strip() != config.get("access_token"):
        return envelope({}, "access_token_invalid", "The access token is invalid or not found in the request.", 401)
    day = datetime.now(UTC).date().isoformat()
    with _LOCK:
        used = _USED.get((str(req.root), day), 0)
        if used >= config.get("daily_quota", 1000):
            return envelope({}, "rate_limit_exceeded", "API daily quota exceeded", 429)
        _USED[(str(req.root), day)] = used + 1
    return None


def read_body(req: Request) -> dict | Reply:
    try:
        body = json.loads(req.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return invalid("Request body must be valid JSON")
    return body if isinstance(body, dict) else invalid("Request body must be a JSON object")


def day_of(value: Any) -> date | None:
    try:
        return datetime.strptime(str(value), "%Y%m%d").date() if len(str(value)) == 8 else None
    except ValueError:
        return None


def field_value(video: dict, field: str) -> list[str]:
    """The values of a video that a condition on ``field`` compares with (lower-cased)."""
    if field == "hashtag_name":
        return [str(t).casefold() for t in video.get("hashtag_names") or []]
    if field == "keyword":
        return [str(video.get("video_description") or "").casefold()]
    if field == "create_date":
        return [datetime.fromtimestamp(video.get("create_time", 0), UTC).strftime("%Y%m%d")]
    if field == "video_id":
        return [str(video.get("id"))]
    return [str(video.get(field) or "").casefold()]


def condition(video: dict, cond: Any) -> bool:
    if not isinstance(cond, dict):
        raise ValueError("a condition must be an object")
    op, field, wanted = cond.get("operation"), cond.get("field_name"), cond.get("field_values")
    if op not in ("EQ", "IN", "GT", "GTE", "LT", "LTE") or not isinstance(field, str) or not isinstance(wanted, list):
        raise ValueError(f"invalid condition {cond!r}")
    have = field_value(video, field)
    wanted = [str(w).casefold() for w in wanted]
    if field == "keyword":
        return any(w in have[0] for w in wanted)
    if op in ("EQ", "IN"):
        return any(h in wanted for h in have)
    pick = {"GT": lambda h, w: h > w, "GTE": lambda h, w: h >= w, "LT": lambda h, w: h < w, "LTE": lambda h, w: h <= w}
    return any(pick[op](h, wanted[0]) for h in have) if wanted else False


def matches(video: dict, query: dict) -> bool:
    ands, ors, nots = (query.get(k) or [] for k in ("and", "or", "not"))
    return (
        all(condition(video, c) for c in ands)
        and (not ors or any(condition(video, c) for c in ors))
        and not any(condition(video, c) for c in nots)
    )


def select(record: dict, fields: list[str]) -> dict:
    out = {k: v for k, v in record.items() if k in fields}
    return out


def page_of(req: Request, body: dict, records: list[dict]) -> tuple[list[dict], int, bool] | Reply:
    config = load(req.root, "config.json", {})
    try:
        max_count = int(body.get("max_count", 20))
        cursor = int(body.get("cursor", 0) or 0)
    except (TypeError, ValueError):
        return invalid("max_count and cursor must be integers")
    if not 1 <= max_count <= config.get("max_count", 100) or cursor < 0:
        return invalid(f"max_count must be between 1 and {config.get('max_count', 100)}")
    chunk = records[cursor : cursor + max_count]
    return chunk, cursor + len(chunk), cursor + len(chunk) < len(records)


def query(req: Request) -> Reply:
    config = load(req.root, "config.json", {})
    denied = authorised(req, config)
    if denied:
        return denied
    body = read_body(req)
    if isinstance(body, Reply):
        return body
    broken = fault(req, config, "query", body)
    if broken:
        return broken
    fields = (req.arg("fields") or "").split(",")
    if not fields or fields == [""]:
        return invalid("fields is required")
    start, end = day_of(body.get("start_date")), day_of(body.get("end_date"))
    if start is None or end is None:
        return invalid("start_date and end_date are required, in the format YYYYMMDD")
    if end < start or (end - start).days > MAX_DAYS:
        return invalid("end_date must be no more than 30 days after start_date")
    q = body.get("query")
    if not isinstance(q, dict) or not any(q.get(k) for k in ("and", "or", "not")):
        return invalid("query must have at least one of and, or, not")
    search_id = hashlib.sha1(json.dumps([q, body["start_date"], body["end_date"]], sort_keys=True).encode()).hexdigest()
    search_id = str(int(search_id[:15], 16))
    if int(body.get("cursor", 0) or 0) > 0 and body.get("search_id") != search_id:
        return invalid("search_id is required with a cursor and must come from the same search")
    try:
        hits = [
            v
            for v in load(req.root, "videos.json", [])
            if start <= datetime.fromtimestamp(v.get("create_time", 0), UTC).date() <= end and matches(v, q)
        ]
    except ValueError as exc:
        return invalid(str(exc))
    hits.sort(key=lambda v: v.get("create_time", 0), reverse=True)
    paged = page_of(req, body, hits)
    if isinstance(paged, Reply):
        return paged
    chunk, cursor, has_more = paged
    return envelope(
        {"videos": [select(v, fields) for v in chunk], "cursor": cursor, "has_more": has_more, "search_id": search_id}
    )


def comments(req: Request) -> Reply:
    config = load(req.root, "config.json", {})
    denied = authorised(req, config)
    if denied:
        return denied
    body = read_body(req)
    if isinstance(body, Reply):
        return body
    broken = fault(req, config, "comments", body)
    if broken:
        return broken
    if not body.get("video_id"):
        return invalid("video_id is required")
    fields = (req.arg("fields") or "").split(",")
    found = load(req.root, "comments.json", {}).get(str(body["video_id"]), [])
    paged = page_of(req, {**body, "max_count": body.get("max_count", 10)}, found)
    if isinstance(paged, Reply):
        return paged
    chunk, cursor, has_more = paged
    return envelope({"comments": [select(c, fields) for c in chunk], "cursor": cursor, "has_more": has_more})


def handle(req: Request) -> Reply:
    routes = {TOKEN: token, QUERY: query, COMMENTS: comments}
    if req.path not in routes:
        return envelope({}, "not_found", "unknown endpoint", 404)
    if req.method != "POST":
        return envelope({}, "invalid_params", "Use POST", 405)
    return routes[req.path](req)


# What the demo and the tests pass the spider (besides api_url); the demo accepts the credentials
# TIKTOK_CLIENT_KEY=demo TIKTOK_CLIENT_SECRET=demo (DEMO_ENV).
DEMO_ARGS = {"since": "2024-11-01", "until": "2025-01-31"}
DEMO_ENV = {"TIKTOK_CLIENT_KEY": "demo", "TIKTOK_CLIENT_SECRET": "demo"}
