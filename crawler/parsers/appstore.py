"""Apple App Store: chart snapshots and customer reviews (public JSON feeds, no key).

- **Charts** (marketing-tools RSS, ``<base>/api/v2/<country>/apps/<chart>/<n>/apps.json``):
  ``{"feed": {title, id, country, updated, results: [{id, name, artistName, url, genres,
  releaseDate, ...}]}}``. ``updated`` is RFC 2822 (``Mon, 13 Jan 2025 17:50:12 +0000``) and is the
  snapshot's time; a result's rank is its 1-based position in ``results`` (a broken result is a
  skip and keeps its place, so the ranks after it stay right). ``genres`` are objects
  ``{genreId, name, url}`` (older feeds: plain strings, or an empty list).
- **Reviews** (``<base>/<country>/rss/customerreviews/page=<k>/id=<app>/sortby=mostrecent/json``):
  ``{"feed": {entry: [...], link: [...], updated, ...}}``; every value is wrapped as
  ``{"label": ...}``. An entry: ``author.name.label``, ``author.uri.label``, ``im:rating.label``
  (a digit string), ``title.label``, ``content.label``, ``im:version.label``, ``updated.label``
  (ISO 8601 with an offset), ``id.label``, ``im:voteSum``/``im:voteCount``. In the old layout
  the first entry of page 1 is the app itself (``im:name``, no ``im:rating``): it is read as the
  app's name, not a review. A page with one entry gives an object instead of a list; a page past
  the last has no ``entry`` key at all.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.items import ChartEntry, Post
from crawler.parsers import RECORD_ERRORS, Page, ParseError, as_int, as_text, http_url, load_json, tidy_post
from crawler.textnorm import string_to_utc_iso

PLATFORM = "appstore"
_CHART_PATH = re.compile(r"/api/v2/([a-z]{2})/apps/([a-z-]+)/(\d+)/apps\.json")
_APP_ID = re.compile(r"^\d{1,15}$")
_RATING = re.compile(r"^\s*([1-5])(?:\.0*)?\s*$")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _label(value: Any) -> str | None:
    """``{"label": "x"}`` -> "x" (the reviews feed wraps every value); a bare string is kept."""
    if isinstance(value, dict):
        value = value.get("label")
    return as_text(value)


def chart_from_url(url: Any) -> tuple[str | None, str | None]:
    """(country, chart) of a chart feed URL (``.../api/v2/us/apps/top-free/100/apps.json``)."""
    found = _CHART_PATH.search(url) if isinstance(url, str) else None
    return (found[1], found[2]) if found else (None, None)


def _genres(values: Any) -> list[str]:
    out: list[str] = []
    for g in values if isinstance(values, list) else []:
        name = as_text(g.get("name")) if isinstance(g, dict) else as_text(g) if isinstance(g, str) else None
        if name and name.strip() and name not in out:
            out.append(name.strip())
    return out


def parse_chart(data: Any, feed_url: str | None = None, chart: str | None = None) -> Page:
    """A chart feed (JSON text/bytes or decoded) -> Page(items=[ChartEntry], extra={country, chart,
    snapshot_at, title, size}). ParseError when it is not a chart feed or has no snapshot time."""
    data = load_json(data)
    feed = data.get("feed") if isinstance(data, dict) else None
    if not isinstance(feed, dict) or not isinstance(feed.get("results", []), list):
        raise ParseError("appstore chart: expected {'feed': {'results': [...]}}")
    url_country, url_chart = chart_from_url(feed_url)
    id_country, id_chart = chart_from_url(feed.get("id"))
    country = (as_text(feed.get("country")) or url_country or id_country or "").strip().lower()
    chart = chart or url_chart or id_chart
    snapshot_raw = as_text(feed.get("updated"))
    snapshot_at = string_to_utc_iso(snapshot_raw)
    if not country or not chart:
        raise ParseError("appstore chart: no country or chart name in the feed or its URL")
    if not snapshot_at:
        raise ParseError(f"appstore chart: no readable snapshot time (feed.updated = {snapshot_raw!r})")
    page = Page(
        extra={
            "country": country,
            "chart": chart,
            "snapshot_at": snapshot_at,
            "title": as_text(feed.get("title")),
            "size": 0,
        }
    )
    seen: set[str] = set()
    for position, result in enumerate(feed.get("results") or [], start=1):
        try:
            app_id = as_text(result.get("id")) if isinstance(result, dict) else None
            if not app_id or not _APP_ID.match(app_id):
                page.skipped.append(f"chart {country}/{chart} rank {position}: no app id")
                continue
            if app_id in seen:
                page.skipped.append(f"chart {country}/{chart} rank {position}: app {app_id} listed twice")
                continue
            seen.add(app_id)
            page.items.append(
                ChartEntry(
                    country=country,
                    chart=chart,
                    snapshot_at=snapshot_at,
                    rank=position,
                    app_id=app_id,
                    app_name=as_text(result.get("name")),
                    developer=as_text(result.get("artistName")),
                    genres=_genres(result.get("genres")),
                    url=http_url(result.get("url")),
                    release_date=as_text(result.get("releaseDate")),
                    snapshot_raw=snapshot_raw,
                    feed_url=as_text(feed_url),
                    raw=result,
                )
            )
        except RECORD_ERRORS as exc:
            page.skipped.append(f"chart {country}/{chart} rank {position}: unreadable ({type(exc).__name__})")
    page.extra["size"] = len(page.items)
    return page


def _rating(entry: dict[str, Any]) -> int | None:
    value = _dict(entry.get("im:rating")).get("label", entry.get("im:rating"))
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= 5 else None
    found = _RATING.match(value) if isinstance(value, str) else None
    return int(found[1]) if found else None


def _link(entry: dict[str, Any]) -> str | None:
    links = entry.get("link")
    for link in links if isinstance(links, list) else [links]:
        href = http_url(_dict(_dict(link).get("attributes")).get("href"))
        if href:
            return href
    return None


def is_app_entry(entry: Any) -> bool:
    """The old layout's first entry of page 1: the app's own metadata, not a review."""
    return isinstance(entry, dict) and "im:name" in entry and "im:rating" not in entry


def review_to_post(entry: dict[str, Any], country: str, app_id: str, query: str | None = None) -> Post:
    """One review entry (with an id: the caller checks) -> Post."""
    review_id = _label(entry.get("id"))
    author = _dict(entry.get("author"))
    title, content = _label(entry.get("title")), _label(entry.get("content"))
    updated = _label(entry.get("updated"))
    name = _label(author.get("name"))
    post = Post(
        platform=PLATFORM,
        platform_id=f"{country}:{app_id}:{review_id}",
        url=_link(entry) or f"https://apps.apple.com/{country}/app/id{app_id}?see-all=reviews",
        kind="review",
        title=title,
        text="\n\n".join(x for x in (title, content) if x and x.strip()) or None,
        created_at=string_to_utc_iso(updated),
        created_at_raw=updated,
        author=name,
        author_id=_label(author.get("uri")),
        author_name=name,
        like_count=as_int(_number(entry.get("im:voteSum"))),
        community=f"id{app_id}",
        source_query=query,
        rating=_rating(entry),
        app_version=_label(entry.get("im:version")),
        raw=entry,
    )
    return tidy_post(post)


def _number(value: Any) -> int | None:
    text = _label(value)
    return int(text) if text and text.strip().lstrip("-").isdigit() and len(text) < 18 else None


def parse_reviews(data: Any, country: str, app_id: str, query: str | None = None) -> Page:
    """One customer-reviews page -> Page(items=[Post], extra={'app_name', 'ids', 'newest',
    'entries', 'last_page'}). ``ids`` are the review ids in page order (newest first);
    ``entries`` counts the review entries (0 past the last page); ``last_page`` is the page number
    of the feed's ``rel="last"`` link, when it has one."""
    data = load_json(data)
    feed = data.get("feed") if isinstance(data, dict) else None
    if not isinstance(feed, dict):
        raise ParseError("appstore reviews: expected {'feed': {...}}")
    if not isinstance(country, str) or not isinstance(app_id, str) or not _APP_ID.match(app_id):
        raise ParseError(f"appstore reviews: bad country/app id {country!r}/{app_id!r}")
    entries = feed.get("entry", [])
    if isinstance(entries, dict):  # a page with a single entry
        entries = [entries]
    if not isinstance(entries, list):
        raise ParseError(f"appstore reviews: feed.entry is {type(entries).__name__}")
    page = Page(extra={"app_name": None, "ids": [], "newest": None, "entries": 0, "last_page": _last_page(feed)})
    for n, entry in enumerate(entries):
        if is_app_entry(entry):
            page.extra["app_name"] = _label(entry.get("im:name"))
            continue
        page.extra["entries"] += 1
        review_id = _label(entry.get("id")) if isinstance(entry, dict) else None
        if not review_id or not review_id.strip() or ":" in review_id:
            page.skipped.append(f"review #{n} of {country}:{app_id}: no id")
            continue
        try:
            post = review_to_post(entry, country, app_id, query)
        except RECORD_ERRORS as exc:
            page.skipped.append(f"review {review_id} of {country}:{app_id}: unreadable ({type(exc).__name__})")
            continue
        if not post.text:
            page.skipped.append(f"review {review_id} of {country}:{app_id}: no title or content")
            continue
        page.extra["ids"].append(review_id)
        if post.created_at and (page.extra["newest"] is None or post.created_at > page.extra["newest"]):
            page.extra["newest"] = post.created_at
        page.items.append(post)
    return page


def _last_page(feed: dict[str, Any]) -> int | None:
    links = feed.get("link")
    for link in links if isinstance(links, list) else [links]:
        attrs = _dict(_dict(link).get("attributes"))
        if attrs.get("rel") == "last" and isinstance(attrs.get("href"), str):
            found = re.search(r"/page=(\d{1,3})/", attrs["href"])
            return int(found[1]) if found else None
    return None
