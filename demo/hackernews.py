"""Hacker News Algolia emulator: ``/api/v1/search`` and ``/api/v1/search_by_date``.

Data under ``req.root`` (``datasets/demo/hackernews/`` or a test's copy):
- ``hits.json``: the corpus, a list of hits in the old and the new layout (no ``_highlightResult``:
  it is added per query, as Algolia does);
- ``config.json``: ``max_hits`` (Algolia serves at most 1,000 hits per query; lower it to test
  window walking).

Rules: ``query`` terms all present (title, url, author, story/comment text); ``tags`` comma = AND,
``(a,b)`` = OR; ``numericFilters`` comma = AND of ``field<op>value``; ``page`` is 0-based,
``hitsPerPage`` default 20. ``search_by_date`` sorts newest first, ``search`` by points.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlencode

from w3lib.html import remove_tags, replace_entities

from demo.bluesky import compile_query, load, matches, term_in
from demo.server import Reply, Request

TEXT_FIELDS = ("title", "url", "author", "story_text", "comment_text", "story_title", "story_url")
NUMERIC = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|!=|<|>|=)\s*(-?\d+(?:\.\d+)?)\s*$")
OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def error(status: int, message: str) -> Reply:
    return Reply.json({"message": message, "status": status}, status)


def plain(hit: dict[str, Any], name: str) -> str:
    value = hit.get(name)
    return replace_entities(remove_tags(value)) if isinstance(value, str) else ""


def parse_tags(tags: str) -> list[set[str]]:
    """'story,(author_a,author_b)' -> [{'story'}, {'author_a', 'author_b'}] (each set: any of)."""
    groups = []
    for part in re.findall(r"\([^)]*\)|[^,]+", tags or ""):
        names = {t.strip() for t in part.strip("()").split(",") if t.strip()}
        if names:
            groups.append(names)
    return groups


def parse_numeric(filters: str) -> list[tuple[str, str, float]] | None:
    """'created_at_i>1736900000,points>=5' -> conditions; None when one is malformed."""
    conditions = []
    for part in (filters or "").split(","):
        if not part.strip():
            continue
        found = NUMERIC.match(part)
        if not found:
            return None
        conditions.append((found[1], found[2], float(found[3])))
    return conditions


def keep(
    hit: dict[str, Any], groups: list[list[str]], tags: list[set[str]], numeric: list[tuple[str, str, float]]
) -> bool:
    if groups and not matches(groups, " ".join(plain(hit, f) for f in TEXT_FIELDS)):
        return False
    if any(not (set(hit.get("_tags") or []) & group) for group in tags):
        return False
    for name, op, value in numeric:
        field = hit.get(name)
        if not isinstance(field, int | float) or not OPS[op](field, value):
            return False
    return True


def highlight(hit: dict[str, Any], words: list[str]) -> dict[str, Any]:
    """Algolia's _highlightResult: every text field again, query words wrapped in <em>."""
    result = {}
    for name in TEXT_FIELDS:
        value = hit.get(name)
        if not isinstance(value, str):
            continue
        found = [w for w in words if term_in(w, plain(hit, name).casefold())]
        marked = value
        for word in found:
            marked = re.sub(f"({re.escape(word)})", r"<em>\1</em>", marked, flags=re.IGNORECASE)
        level = "none" if not found else ("full" if len(found) == len(words) else "partial")
        result[name] = {"value": marked, "matchLevel": level, "matchedWords": found}
        if found:
            result[name]["fullyHighlighted"] = False
    return result


def search(req: Request, by_date: bool) -> Reply:
    config = load(req.root, "config.json", {})
    try:
        page = int(req.arg("page") or 0)
        per_page = int(req.arg("hitsPerPage") or 20)
    except ValueError:
        return error(400, "page and hitsPerPage must be integers")
    if page < 0 or not 1 <= per_page <= 1000:
        return error(400, "hitsPerPage must be between 1 and 1000")
    numeric = parse_numeric(req.arg("numericFilters") or "")
    if numeric is None:
        return error(400, f"invalid numeric filter: {req.arg('numericFilters')}")
    query = req.arg("query") or ""
    groups = compile_query(query)
    hits = [h for h in load(req.root, "hits.json", []) if keep(h, groups, parse_tags(req.arg("tags") or ""), numeric)]
    if by_date:
        hits.sort(key=lambda h: h.get("created_at_i") or 0, reverse=True)
    else:
        hits.sort(key=lambda h: (h.get("points") or 0, h.get("num_comments") or 0), reverse=True)
    reachable = min(len(hits), int(config.get("max_hits", 1000)))
    pages = math.ceil(reachable / per_page)
    chunk = hits[page * per_page : min((page + 1) * per_page, reachable)]
    words = sorted({w for g in groups for w in g})
    served = [{**h, "_highlightResult": highlight(h, words)} for h in chunk]
    params = {k: v[0] for k, v in req.query.items() if v}
    return Reply.json(
        {
            "exhaustive": {"nbHits": True, "typo": True},
            "exhaustiveNbHits": True,
            "exhaustiveTypo": True,
            "hits": served,
            "hitsPerPage": per_page,
            "nbHits": len(hits),
            "nbPages": pages,
            "page": page,
            "params": urlencode({**params, "advancedSyntax": "true", "analyticsTags": "backend"}),
            "processingTimeMS": 2,
            "processingTimingsMS": {"_request": {"roundTrip": 14}, "total": 2},
            "query": query,
            "serverTimeMS": 4,
        }
    )


def handle(req: Request) -> Reply:
    if req.path in ("/api/v1/search", "/api/v1/search/"):
        return search(req, by_date=False)
    if req.path in ("/api/v1/search_by_date", "/api/v1/search_by_date/"):
        return search(req, by_date=True)
    return error(404, "Not Found")
