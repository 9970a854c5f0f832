"""GDELT DOC 2.0 emulator: ``/gdelt/api/v2/doc/doc?query=&mode=artlist&format=json&...``.

Data under ``req.root`` (``datasets/demo/gdelt/`` or a test's copy):
- ``articles.json``: the corpus, records in the API's own shape (``{{BASE}}`` in URLs becomes the
  server's base URL);
- ``config.json``: ``cap`` (records per call at most; the real API's is 250; a small cap makes
  the spider's window splitting visible with a few records) and ``escape_apostrophes`` (write
  ``\\'`` in the JSON, an invalid escape real responses have carried).

Rules, as the real API: ``startdatetime``/``enddatetime`` (YYYYMMDDHHMMSS, inclusive) select on
``seendate``; ``sort=datedesc`` newest first; ``maxrecords`` (default 75, max 250) and the cap
limit the list; an empty result is ``{}`` (no ``articles`` key); errors are plain text with
HTTP 200 (a keyword under three characters, an unknown mode or format). The emulator does not
match keywords against the text: every corpus record is a hit for any valid query.
"""

from __future__ import annotations

import json
import re

from demo.server import Reply, Request

TOO_SHORT = (
    "One or more of your keywords were too short, too long or too common. Please check your query and try again.\n"
)
STAMP = re.compile(r"^\d{14}$")


def keywords(query: str) -> list[str]:
    """The unquoted keywords of a query (phrases in quotes are kept whole and not checked)."""
    unquoted = re.sub(r'"[^"]*"', " ", query)
    words = re.split(r"[\s()]+", unquoted)
    return [w for w in words if w and w.upper() not in ("OR", "AND") and ":" not in w]


def handle(req: Request) -> Reply:
    if req.path.rstrip("/") != "/api/v2/doc/doc":
        return Reply.text("Not found\n", 404)
    config = json.loads((req.root / "config.json").read_text(encoding="utf-8"))
    query = req.arg("query", "") or ""
    if not query.strip():
        return Reply.text("Please specify a query.\n")
    if any(len(w.lstrip("-#")) < 3 for w in keywords(query)):
        return Reply.text(TOO_SHORT)
    if (req.arg("mode", "artlist") or "").lower() != "artlist" or (req.arg("format", "html") or "").lower() != "json":
        return Reply.text("Invalid mode or format: this emulator serves mode=artlist&format=json only.\n")
    start, end = req.arg("startdatetime", ""), req.arg("enddatetime", "")
    if (start and not STAMP.match(start)) or (end and not STAMP.match(end)):
        return Reply.text("Invalid STARTDATETIME or ENDDATETIME: use YYYYMMDDHHMMSS.\n")
    records = json.loads((req.root / "articles.json").read_text(encoding="utf-8"))
    hits = []
    for rec in records:
        seen = re.sub(r"\D", "", rec.get("seendate", ""))  # 20250114T083000Z -> 20250114083000
        if (start and seen < start) or (end and seen > end):
            continue
        hits.append({k: (v.replace("{{BASE}}", req.base) if isinstance(v, str) else v) for k, v in rec.items()})
    hits.sort(key=lambda r: r.get("seendate", ""), reverse=(req.arg("sort", "datedesc") or "").lower() != "dateasc")
    try:
        limit = min(int(req.arg("maxrecords", "75") or 75), 250)
    except ValueError:
        limit = 75
    hits = hits[: min(limit, int(config.get("cap", 250)))]
    body = json.dumps({"articles": hits} if hits else {}, ensure_ascii=False)
    if config.get("escape_apostrophes"):
        body = body.replace("'", "\\'")
    return Reply(200, body.encode("utf-8"), {"Content-Type": "application/json; charset=utf-8"})
