"""Apple App Store emulator: chart feeds (marketing-tools RSS v2) and customer-review pages.

Routes (under ``/appstore``; the spider's ``charts_url`` and ``reviews_url`` both point here):
- ``/api/v2/<country>/apps/<chart>/<n>/apps.json`` -> ``{"feed": {title, id, country, updated,
  results}}`` with the first ``n`` apps of the snapshot. **Demo only**: ``?date=YYYY-MM-DD`` picks
  the snapshot of that day (the live feed has only the current chart); no date = the latest day.
- ``/<country>/rss/customerreviews[/page=<k>]/id=<app>/sortby=mostrecent/json`` -> a page of
  ``review_page_size`` reviews, newest first, every value wrapped as ``{"label": ...}``, with
  ``first``/``last``/``next`` links. Apple's limits: page > 10 is HTTP 400 ("page depth is
  limited to 10"), a page past the last has no ``entry`` key, a page of one review gives an
  object instead of a list, an app not sold in that country is a 404. Apps in ``old_layout_apps``
  get the app's metadata as the first entry of page 1 (the old layout). Apps in ``rate_limited``
  answer every other request with 429 and ``Retry-After: 1``. A ``.txt`` review file is served
  as the broken body it holds.

Data under ``req.root`` (datasets/demo/appstore/): ``apps.json`` (id -> name, developer, genres,
releaseDate), ``config.json`` (snapshots, snapshot times, paging, faults), ``reviews/<country>/<app>.json``.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import math
import re
import threading
from datetime import datetime

from demo.server import Reply, Request

CHART = re.compile(r"^/api/v2/([a-z]{2})/apps/([a-z-]+)/(\d+)/apps\.json$")
REVIEWS = re.compile(r"^/([a-z]{2})/rss/customerreviews(?:/page=(\d+))?/id=(\d+)(?:/sortby=mostrecent)?/json$", re.I)
_hits: dict[str, int] = {}
_lock = threading.Lock()


def _load(req: Request, name: str):
    return json.loads((req.root / name).read_text(encoding="utf-8"))


def _rfc2822(iso: str) -> str:
    return email.utils.format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")))


def chart(req: Request, country: str, name: str, size: int) -> Reply:
    config, apps = _load(req, "config.json"), _load(req, "apps.json")
    days = config["snapshots"].get(country, {}).get(name)
    if not days:
        return Reply.json({"errors": [{"status": "404", "title": "Not Found"}]}, 404)
    if not 1 <= size <= 200:
        return Reply.json({"errors": [{"status": "400", "title": "Invalid limit"}]}, 400)
    day = req.arg("date") or max(days)
    if day not in days:
        return Reply.json({"errors": [{"status": "404", "title": "No snapshot for that date (demo)"}]}, 404)
    feed_id = f"{req.base}/appstore/api/v2/{country}/apps/{name}/{size}/apps.json"
    results = []
    for app_id in days[day][:size]:
        app = apps[app_id]
        results.append(
            {
                "artistName": app["artistName"],
                "id": app_id,
                "name": app["name"],
                "releaseDate": app["releaseDate"],
                "kind": "apps",
                "artworkUrl100": f"https://is1-ssl.mzstatic.com/image/thumb/Purple/{app_id}/100x100bb.png",
                "genres": [
                    {
                        "genreId": str(6000 + len(g)),
                        "name": g,
                        "url": f"https://itunes.apple.com/{country}/genre/id{6000 + len(g)}",
                    }
                    for g in app["genres"]
                ],
                "url": f"https://apps.apple.com/{country}/app/{app['slug']}/id{app_id}",
            }
        )
    title = {"top-free": "Top Free Apps", "top-paid": "Top Paid Apps"}.get(name, name)
    return Reply.json(
        {
            "feed": {
                "title": title,
                "id": feed_id,
                "author": {"name": "Apple", "url": "https://www.apple.com/"},
                "links": [{"self": feed_id}],
                "copyright": "Copyright © 2025 Apple Inc. All rights reserved.",
                "country": country,
                "icon": "https://www.apple.com/favicon.ico",
                "updated": _rfc2822(config["snapshot_times"].get(day, f"{day}T18:00:00Z")),
                "results": results,
            }
        }
    )


def _label(value) -> dict:
    return {"label": value}


def _entry(r: dict, country: str, app_id: str) -> dict:
    uid = int(hashlib.sha1(r["author"].encode()).hexdigest()[:8], 16)
    return {
        "author": {
            "uri": _label(f"https://itunes.apple.com/{country}/reviews/id{uid}"),
            "name": _label(r["author"]),
            "label": "",
        },
        "updated": _label(r["updated"]),
        "im:rating": _label(str(r["rating"])),
        "im:version": _label(r["version"]),
        "id": _label(r["id"]),
        "title": _label(r["title"]),
        "content": {"label": r["content"], "attributes": {"type": "text"}},
        "link": {
            "attributes": {
                "rel": "related",
                "href": f"https://itunes.apple.com/{country}/review?id={app_id}&type=Purple%20Software",
            }
        },
        "im:voteSum": _label(str(r.get("votes", 0))),
        "im:voteCount": _label(str(r.get("votes", 0))),
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
    }


def _app_entry(app: dict, country: str, app_id: str) -> dict:
    return {
        "im:name": _label(app["name"]),
        "rights": _label(f"© {app['artistName']}"),
        "id": {
            "label": f"https://apps.apple.com/{country}/app/{app['slug']}/id{app_id}",
            "attributes": {"im:id": app_id},
        },
        "im:artist": _label(app["artistName"]),
        "im:releaseDate": _label(f"{app['releaseDate']}T00:00:00-07:00"),
    }


def reviews(req: Request, country: str, page: int, app_id: str) -> Reply:
    config = _load(req, "config.json")
    key = f"{country}/{app_id}"
    if key in config.get("rate_limited", []):
        with _lock:
            _hits[f"{key}/{page}"] = n = _hits.get(f"{key}/{page}", 0) + 1
        if n % 2:
            return Reply(429, b"Too Many Requests\n", {"Content-Type": "text/plain", "Retry-After": "1"})
    broken = req.root / "reviews" / country / f"{app_id}.txt"
    if broken.is_file():
        return Reply(200, broken.read_bytes(), {"Content-Type": "application/json; charset=utf-8"})
    path = req.root / "reviews" / country / f"{app_id}.json"
    if not path.is_file():
        return Reply.text(
            "<html><body>The item you've requested is not currently available in this country.</body></html>",
            404,
            "text/html; charset=utf-8",
        )
    limit = int(config.get("review_page_limit", 10))
    if page > limit:
        return Reply.text(f"CustomerReviews RSS page depth is limited to {limit}\n", 400)
    size = int(config.get("review_page_size", 50))
    rows = sorted(
        json.loads(path.read_text(encoding="utf-8")), key=lambda r: datetime.fromisoformat(r["updated"]), reverse=True
    )
    last = max(1, min(limit, math.ceil(len(rows) / size)))
    chunk = [_entry(r, country, app_id) for r in rows[(page - 1) * size : page * size]]
    if page == 1 and app_id in config.get("old_layout_apps", []):
        chunk.insert(0, _app_entry(_load(req, "apps.json")[app_id], country, app_id))
    base = f"{req.base}/appstore/{country}/rss/customerreviews"

    def link(rel: str, k: int) -> dict:
        return {
            "attributes": {
                "rel": rel,
                "href": f"{base}/page={k}/id={app_id}/sortby=mostrecent/xml?urlDesc=/customerreviews/page={page}/id={app_id}/sortby=mostrecent/json",
            }
        }

    feed = {
        "author": {"name": _label("iTunes Store"), "uri": _label(f"http://www.apple.com/{country}/itunes/")},
        "updated": _label(rows[0]["updated"] if rows else "2025-01-24T00:00:00-08:00"),
        "rights": _label("Copyright 2008 Apple Inc."),
        "title": _label("iTunes Store: Customer Reviews"),
        "icon": _label("http://itunes.apple.com/favicon.ico"),
        "link": [
            link("first", 1),
            link("last", last),
            link("previous", max(1, page - 1)),
            link("next", min(last, page + 1)),
        ],
        "id": _label(f"{base}/page={page}/id={app_id}/sortby=mostrecent/json"),
    }
    if chunk:
        feed["entry"] = chunk[0] if len(chunk) == 1 else chunk
    return Reply.json({"feed": feed})


def handle(req: Request) -> Reply:
    found = CHART.match(req.path)
    if found:
        return chart(req, found[1], found[2], int(found[3]))
    found = REVIEWS.match(req.path)
    if found:
        return reviews(req, found[1].lower(), int(found[2] or 1), found[3])
    return Reply.text("not found\n", 404)
