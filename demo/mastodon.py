"""A Mastodon-compatible tag timeline over fixture files, with the real paging rules.

``/mastodon/<instance>/api/v1/timelines/tag/<tag>?max_id=&min_id=&since_id=&limit=`` serves the
statuses in ``datasets/demo/mastodon/<instance>/statuses.json`` whose ``tags[].name`` holds the
tag (case-insensitive), newest first, at most ``limit`` (default 20, max 40), with a ``Link``
header (``rel="next"`` = ``max_id`` of the oldest, ``rel="prev"`` = ``min_id`` of the newest) and
no Link header on an empty page, plus ``x-ratelimit-*`` headers. ``reply.txt`` in an instance's
folder is served as-is instead (for a malformed-JSON instance).
"""

from __future__ import annotations

import json
from urllib.parse import quote, unquote

from demo.server import Reply, Request


def _key(status_id: str) -> tuple[int, str]:
    return (len(status_id), status_id)  # numeric-string order without int() overflow worries


def handle(req: Request) -> Reply:
    parts = req.path.strip("/").split("/")
    if len(parts) != 6 or parts[1:5] != ["api", "v1", "timelines", "tag"]:
        return Reply.json({"error": "Record not found"}, 404)
    instance, tag = parts[0], unquote(parts[5])
    folder = req.root / instance
    if (folder / "reply.txt").is_file():
        return Reply.text((folder / "reply.txt").read_text(encoding="utf-8"), 200, "application/json; charset=utf-8")
    try:
        statuses = json.loads((folder / "statuses.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Reply.json({"error": "Record not found"}, 404)
    wanted = tag.casefold()
    tagged = [
        s
        for s in statuses
        if any((t.get("name") or "").casefold() == wanted for t in s.get("tags") or [])
        or any((t.get("name") or "").casefold() == wanted for t in (s.get("reblog") or {}).get("tags") or [])
    ]
    tagged.sort(key=lambda s: _key(str(s.get("id", "0"))), reverse=True)
    limit = min(int(req.arg("limit", "20") or 20), 40)
    max_id, min_id, since_id = req.arg("max_id"), req.arg("min_id"), req.arg("since_id")
    if max_id:
        tagged = [s for s in tagged if _key(str(s.get("id", "0"))) < _key(max_id)]
    if since_id:
        tagged = [s for s in tagged if _key(str(s.get("id", "0"))) > _key(since_id)]
    if min_id:  # the statuses right after min_id (oldest first), returned newest first
        newer = [s for s in tagged if _key(str(s.get("id", "0"))) > _key(min_id)]
        page = sorted(newer, key=lambda s: _key(str(s.get("id", "0"))))[:limit][::-1]
    else:
        page = tagged[:limit]
    headers = {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "299"}
    if page:
        url = f"{req.base}/mastodon/{instance}/api/v1/timelines/tag/{quote(tag)}"
        headers["Link"] = (
            f'<{url}?limit={limit}&max_id={page[-1]["id"]}>; rel="next", '
            f'<{url}?limit={limit}&min_id={page[0]["id"]}>; rel="prev"'
        )
    return Reply.json(page, 200, headers)
