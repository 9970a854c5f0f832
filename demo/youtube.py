"""YouTube Data API v3 emulator: ``search``, ``videos`` and ``commentThreads`` under ``/youtube/v3``.

Data under ``req.root`` (``datasets/demo/youtube/`` or a test's copy):
- ``videos.json``: video resources (``snippet``, ``statistics``), the searchable corpus;
- ``comment_threads.json``: ``{videoId: [commentThread, ...]}``;
- ``config.json``: the accepted ``api_key`` (the demo accepts ``demo``), ``daily_quota`` in units
  and ``costs`` per method (search 100, videos 1, commentThreads 1, as the real quota table),
  ``max_results`` (the page-size cap; the real one is 50), ``comments_disabled`` (video ids whose
  commentThreads answer 403 ``commentsDisabled``) and ``faults`` (``{"endpoint", "when": {param:
  value}, "times", "reply": "retry_after"|"quota"|"backend"|"malformed"}``).

The key is read from ``X-Goog-Api-Key`` or ``key=``: missing -> 403 ``forbidden``, wrong -> 400
``keyInvalid``; past the daily quota every call answers 403 ``quotaExceeded`` (units are counted
per data root and Pacific day, as Google resets quota at midnight Pacific time). ``pageToken`` is
the real tokens' encoding of an offset (``CAIQAA`` is offset 2).
"""

from __future__ import annotations

import base64
import json
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from demo.server import Reply, Request

PACIFIC = ZoneInfo("America/Los_Angeles")
_LOCK = threading.Lock()
_UNITS: dict[tuple[str, str], int] = {}
_FAULTS: dict[tuple[str, int], int] = {}


def load(root: Path, name: str, default: Any = None) -> Any:
    path = root / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else default


def error(status: int, reason: str, message: str, domain: str = "youtube.api") -> Reply:
    return Reply.json(
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"message": message, "domain": domain, "reason": reason}],
            }
        },
        status,
    )


def page_token(offset: int) -> str:
    return base64.b64encode(bytes([0x08, offset, 0x10, 0x00])).decode().rstrip("=")


def token_offset(token: str | None) -> int | None:
    if not token:
        return 0
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        return None
    return raw[1] if len(raw) == 4 and raw[0] == 0x08 else None


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def gate(req: Request, config: dict, endpoint: str) -> Reply | None:
    """The key, the daily quota and the configured faults, in the service's order."""
    key = req.headers.get("x-goog-api-key") or req.arg("key")
    if not key:
        return error(403, "forbidden", "The request is missing a valid API key.", "global")
    if key != config.get("api_key"):
        return error(400, "keyInvalid", "API key not valid. Please pass a valid API key.", "usageLimits")
    for n, rule in enumerate(config.get("faults") or []):
        if rule.get("endpoint") != endpoint or any(req.arg(k) != v for k, v in (rule.get("when") or {}).items()):
            continue
        with _LOCK:
            if _FAULTS.get((str(req.root), n), 0) >= rule.get("times", 1):
                continue
            _FAULTS[(str(req.root), n)] = _FAULTS.get((str(req.root), n), 0) + 1
        kind = rule.get("reply")
        if kind == "retry_after":
            reply = error(429, "rateLimitExceeded", "Too many requests.", "youtube.quota")
            reply.headers["Retry-After"] = "1"
            return reply
        if kind == "quota":
            break  # answered below as the exhausted quota
        if kind == "backend":
            return error(503, "backendError", "Backend Error", "global")
        if kind == "malformed":
            return Reply(
                200, b'{"kind": "youtube#searchListResponse", "items": [', {"Content-Type": "application/json"}
            )
    else:
        kind = None
    day = datetime.now(UTC).astimezone(PACIFIC).date().isoformat()
    cost = (config.get("costs") or {}).get(endpoint, 1)
    with _LOCK:
        used = _UNITS.get((str(req.root), day), 0)
        if kind == "quota" or used + cost > config.get("daily_quota", 10000):
            return error(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.",
                "youtube.quota",
            )
        _UNITS[(str(req.root), day)] = used + cost
    return None


def max_results(req: Request, config: dict, default: int, cap: int) -> int | Reply:
    try:
        n = int(req.arg("maxResults") or default)
    except ValueError:
        return error(400, "invalidParameter", "Invalid value for maxResults")
    if not 0 <= n <= cap:
        return error(400, "invalidParameter", f"maxResults must be between 0 and {cap}")
    return min(n, config.get("max_results", cap))


def words(q: str) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for w in re.findall(r'"[^"]+"|\S+', q):
        if w == "|" or w == "OR":
            groups.append([])
        else:
            groups[-1].append(w.strip('"').lstrip("#").casefold())
    return [g for g in groups if g]


def found(video: dict, groups: list[list[str]]) -> bool:
    sn = video.get("snippet") or {}
    text = " ".join([sn.get("title") or "", sn.get("description") or ""]).casefold()
    text_nospace = text.replace(" ", "")
    return any(all(w in text or w.replace(" ", "") in text_nospace for w in g) for g in groups)


def search(req: Request, config: dict) -> Reply:
    q = req.arg("q")
    if not q:
        return error(400, "missingRequiredParameter", "No filter selected. Expected one of: q, ...")
    if req.arg("type", "video") != "video":
        return error(400, "invalidParameter", "only type=video is emulated")
    n = max_results(req, config, 5, 50)
    if isinstance(n, Reply):
        return n
    offset = token_offset(req.arg("pageToken"))
    if offset is None:
        return error(400, "invalidPageToken", "The request specifies an invalid page token.")
    after, before = parse_time(req.arg("publishedAfter")), parse_time(req.arg("publishedBefore"))
    if (req.arg("publishedAfter") and after is None) or (req.arg("publishedBefore") and before is None):
        return error(400, "invalidParameter", "publishedAfter/publishedBefore must be RFC 3339 date-times")
    groups = words(q)
    hits = []
    for v in load(req.root, "videos.json", []):
        when = parse_time((v.get("snippet") or {}).get("publishedAt"))
        if not v.get("id") or when is None or not found(v, groups):
            continue
        if (after and when < after) or (before and when >= before):  # publishedAfter is inclusive
            continue
        hits.append((when, v))
    hits.sort(key=lambda h: h[0], reverse=True)  # order=date
    chunk = hits[offset : offset + n]
    body: dict[str, Any] = {
        "kind": "youtube#searchListResponse",
        "etag": f"demoSearch{offset}",
        "regionCode": "US",
        "pageInfo": {"totalResults": len(hits), "resultsPerPage": n},
        "items": [
            {
                "kind": "youtube#searchResult",
                "etag": f"s{v['id']}",
                "id": {"kind": "youtube#video", "videoId": v["id"]},
                "snippet": {
                    k: v["snippet"].get(k)
                    for k in (
                        "publishedAt",
                        "channelId",
                        "title",
                        "description",
                        "thumbnails",
                        "channelTitle",
                        "liveBroadcastContent",
                    )
                }
                | {"publishTime": v["snippet"].get("publishedAt")},
            }
            for _w, v in chunk
        ],
    }
    if offset + n < len(hits):
        body["nextPageToken"] = page_token(offset + n)
    if offset:
        body["prevPageToken"] = page_token(max(0, offset - n))
    return Reply.json(body)


def videos(req: Request, config: dict) -> Reply:
    ids = [i for i in (req.arg("id") or "").split(",") if i]
    if not ids:
        return error(400, "missingRequiredParameter", "No filter selected. Expected one of: id, chart, myRating")
    if len(ids) > 50:
        return error(400, "invalidParameter", "Too many ids: at most 50")
    parts = set((req.arg("part") or "").split(","))
    wanted = {v.get("id"): v for v in load(req.root, "videos.json", []) if v.get("id") in ids}
    items = [
        {"kind": v["kind"], "etag": v["etag"], "id": v["id"], **{p: v[p] for p in parts if p in v}}
        for i in ids
        if (v := wanted.get(i))
    ]
    return Reply.json(
        {
            "kind": "youtube#videoListResponse",
            "etag": "demoVideos",
            "items": items,
            "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
        }
    )


def comment_threads(req: Request, config: dict) -> Reply:
    video = req.arg("videoId")
    if not video:
        return error(400, "missingRequiredParameter", "No filter selected. Expected one of: videoId, id, ...")
    if video in (config.get("comments_disabled") or []):
        return error(
            403,
            "commentsDisabled",
            "The video identified by the videoId parameter has disabled comments.",
            "youtube.commentThread",
        )
    if video not in {v.get("id") for v in load(req.root, "videos.json", [])}:
        return error(
            404,
            "videoNotFound",
            "The video identified by the videoId parameter could not be found.",
            "youtube.commentThread",
        )
    n = max_results(req, config, 20, 100)
    if isinstance(n, Reply):
        return n
    offset = token_offset(req.arg("pageToken"))
    if offset is None:
        return error(400, "invalidPageToken", "The request specifies an invalid page token.")
    threads = load(req.root, "comment_threads.json", {}).get(video, [])
    body: dict[str, Any] = {
        "kind": "youtube#commentThreadListResponse",
        "etag": "demoThreads",
        "pageInfo": {"totalResults": len(threads[offset : offset + n]), "resultsPerPage": n},
        "items": threads[offset : offset + n],
    }
    if offset + n < len(threads):
        body["nextPageToken"] = page_token(offset + n)
    return Reply.json(body)


def handle(req: Request) -> Reply:
    routes = {
        "/v3/search": ("search", search),
        "/v3/videos": ("videos", videos),
        "/v3/commentThreads": ("commentThreads", comment_threads),
    }
    if req.path not in routes:
        return error(404, "notFound", "Not Found", "global")
    endpoint, fn = routes[req.path]
    config = load(req.root, "config.json", {})
    refused = gate(req, config, endpoint)
    return refused or fn(req, config)


# What the demo and the tests pass the spider (besides api_url); the demo accepts YOUTUBE_API_KEY=demo.
DEMO_ARGS = {"since": "2024-12-21", "queries": "TikTok ban,RedNote,小红书"}
DEMO_ENV = {"YOUTUBE_API_KEY": "demo"}
