"""Datasette plugin: what a researcher sees (#16).

- Every attached database gets the ``observatory`` metadata of datasets/metadata.yml (search
  tables, facets, descriptions, canned queries) unless it has its own, so ``make run`` serving
  ``datasets/demo.db`` (database ``demo``) searches and facets like ``observatory.db``.
- Dashboards for datasette-dashboards (``/-/dashboards/overview``), generated per database, with
  the topic file's events (``[[topic.events]]``) marked on the per-day charts and one colour per
  platform.
- Table pages of ``articles`` and ``posts``: the column descriptions folded into one
  ``<details>`` ("Column descriptions", one click), the readable columns first and ``raw`` out of
  the default view (a default ``_col=`` list added to the request when the URL chooses no columns;
  ``?_all=1`` or any ``_col``/``_nocol`` shows exactly what it asks for, linked from the details).
- ``/-/methods``: the methods statement of each database (crawler/ops/methods.py).
"""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DB = "observatory"

# Readable columns first; every other column follows in schema order; `raw` only on request.
DEFAULT_COLUMNS = {
    "articles": ["published_at", "outlet", "title", "lang", "summary", "url", "source", "matched_terms", "day"],
    "posts": [
        "created_at",
        "platform",
        "author",
        "title",
        "text",
        "lang",
        "hashtags",
        "like_count",
        "repost_count",
        "reply_count",
        "url",
        "community",
        "matched_terms",
        "day",
    ],
}
HIDDEN_BY_DEFAULT = {"raw", "text"}  # text of articles is long: one click away (posts keep theirs)
PLATFORM_COLOURS = {
    "mastodon": "#6364ff",
    "bluesky": "#1185fe",
    "reddit": "#ff4500",
    "hackernews": "#ff9900",
    "xiaohongshu": "#e0245e",
    "tiktok": "#111111",
    "douyin": "#25c2a0",
    "appstore": "#8e8e93",
    "x": "#555555",
    "threads": "#9b59b6",
    "instagram": "#c13584",
    "weibo": "#e6b422",
    "bilibili": "#00a1d6",
    "youtube": "#cc0000",
}


def topic_events() -> list[dict]:
    """The topic file's ``[[topic.events]]`` (date, label): marked on every per-day chart."""
    from crawler.settings import OBSERVATORY_TOPIC

    try:
        data = tomllib.loads(Path(OBSERVATORY_TOPIC).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    return [
        {"date": str(e["date"]), "label": str(e.get("label", ""))}
        for e in data.get("topic", {}).get("events", [])
        if e.get("date")
    ]


def _day_chart(db: str, title: str, sql: str, colour: str, scale: dict | None, events: list[dict]) -> dict:
    layers = [
        {
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {
                    "field": "day",
                    "type": "temporal",
                    "timeUnit": "utcyearmonthdate",
                    "title": "day (document's own)",
                },
                "y": {"field": "n", "type": "quantitative", "title": "documents", "stack": True},
                "color": {"field": colour, "type": "nominal", **({"scale": scale} if scale else {})},
            },
        }
    ]
    if events:
        layers += [
            {
                "data": {"values": events},
                "mark": {"type": "rule", "color": "#d62728", "strokeDash": [4, 3]},
                "encoding": {
                    "x": {"field": "date", "type": "temporal", "timeUnit": "utcyearmonthdate"},
                    "tooltip": [{"field": "date"}, {"field": "label"}],
                },
            },
            {
                "data": {"values": events},
                "mark": {
                    "type": "text",
                    "angle": 270,
                    "align": "left",
                    "dx": 4,
                    "dy": -4,
                    "fontSize": 9,
                    "color": "#d62728",
                },
                "encoding": {
                    "x": {"field": "date", "type": "temporal", "timeUnit": "utcyearmonthdate"},
                    "y": {"value": 4},
                    "text": {"field": "label"},
                },
            },
        ]
    return {"title": title, "db": db, "library": "vega-lite", "query": sql, "display": {"layer": layers}}


def dashboards(db: str) -> dict:
    events = topic_events()
    platforms = {"domain": list(PLATFORM_COLOURS), "range": list(PLATFORM_COLOURS.values())}
    charts = {
        "posts-per-day": _day_chart(
            db,
            "Posts per day per platform (red: the topic's events)",
            "select day, platform, count(*) as n from posts where day is not null group by day, platform order by day",
            "platform",
            platforms,
            events,
        ),
        "articles-per-day": _day_chart(
            db,
            "Articles per day per outlet",
            "select day, coalesce(outlet, '?') as outlet, count(*) as n from articles where day is not null "
            "group by day, outlet order by day",
            "outlet",
            {"scheme": "tableau20"},
            events,
        ),
        "language-mix": {
            "title": "Language mix (articles and posts)",
            "db": db,
            "library": "vega-lite",
            "query": "select coalesce(lang, 'unknown') as lang, count(*) as n from (select lang from articles "
            "union all select lang from posts) group by lang order by n desc",
            "display": {
                "mark": {"type": "arc", "tooltip": True},
                "encoding": {
                    "theta": {"field": "n", "type": "quantitative"},
                    "color": {"field": "lang", "type": "nominal", "scale": {"scheme": "set2"}},
                },
            },
        },
        "hashtags-over-time": {
            "title": "Top 10 hashtags over time (posts per day)",
            "db": db,
            "library": "vega-lite",
            "query": "with top as (select tag from post_hashtags group by tag order by count(*) desc limit 10) "
            "select p.day, min(h.tag_display) as hashtag, count(*) as n from post_hashtags h "
            "join posts p on p.id = h.post_id where h.tag in (select tag from top) and p.day is not null "
            "group by p.day, h.tag order by p.day",
            "display": {
                "mark": {"type": "line", "point": True, "tooltip": True},
                "encoding": {
                    "x": {"field": "day", "type": "temporal", "timeUnit": "utcyearmonthdate"},
                    "y": {"field": "n", "type": "quantitative", "title": "posts"},
                    "color": {"field": "hashtag", "type": "nominal", "scale": {"scheme": "tableau10"}},
                },
            },
        },
        "syndicated-stories": {
            "title": "Stories syndicated across outlets (near-duplicate clusters)",
            "db": db,
            "library": "table",
            "query": "select title, outlets, size, first_published, outlet_list from clusters where articles > 0 "
            "order by outlets desc, size desc limit 20",
        },
        "engagement": {
            "title": "Engagement over time (likes + reposts + replies at each sighting, per platform)",
            "db": db,
            "library": "vega-lite",
            "query": "select substr(o.observed_at, 1, 10) as day, p.platform, sum(coalesce(o.like_count, 0) + "
            "coalesce(o.repost_count, 0) + coalesce(o.reply_count, 0)) as engagement from observations o "
            "join posts p on p.id = o.post_id group by day, p.platform order by day",
            "display": {
                "mark": {"type": "line", "point": True, "tooltip": True},
                "encoding": {
                    "x": {"field": "day", "type": "temporal", "timeUnit": "utcyearmonthdate", "title": "sighting day"},
                    "y": {"field": "engagement", "type": "quantitative"},
                    "color": {"field": "platform", "type": "nominal", "scale": platforms},
                },
            },
        },
    }
    return {
        "title": f"Overview: {db}",
        "description": "Volume per day by the document's own day, language mix, hashtags, syndicated stories and "
        "engagement. Red rules mark the topic file's events. Methods: /-/methods.",
        "layout": [
            ["posts-per-day", "posts-per-day"],
            ["articles-per-day", "language-mix"],
            ["hashtags-over-time", "engagement"],
            ["syndicated-stories", "syndicated-stories"],
        ],
        "charts": charts,
    }


def _document_databases(datasette) -> list[str]:
    return [name for name, db in datasette.databases.items() if name != "_internal" and not db.is_memory]


_METADATA_CACHE: dict[tuple, dict] = {}


@hookimpl
def get_metadata(datasette, key, database, table):
    # Datasette asks for metadata about once per rendered cell (1,000+ times a page): build the
    # extra metadata once per app and set of databases (bench/bench_datasette.py measured it)
    local = datasette._metadata_local or {}
    names = _document_databases(datasette)
    cache_key = (id(datasette), id(local), tuple(names))
    if cache_key not in _METADATA_CACHE:
        _METADATA_CACHE.clear()
        _METADATA_CACHE[cache_key] = _extra_metadata(local, names)
    return _METADATA_CACHE[cache_key]


def _extra_metadata(local: dict, names: list[str]) -> dict:
    source = (local.get("databases") or {}).get(SOURCE_DB)
    extra: dict = {"databases": {}}
    if source:
        for name in names:
            if name not in (local.get("databases") or {}):
                extra["databases"][name] = source
    boards = {}
    for i, name in enumerate(names):
        boards["overview" if i == 0 else f"overview-{name}"] = dashboards(name)
    extra["plugins"] = {"datasette-dashboards": boards}
    return extra


# -- table pages ---------------------------------------------------------------------------------

_TABLE_PATH = re.compile(r"^/(?P<db>[^/]+)/(?P<table>articles|posts)$")
_DESCRIPTIONS = re.compile(r'<dl class="column-descriptions">(?P<body>.*?)</dl>', re.S)


def _default_query(table: str, columns: list[str], query: list[tuple[str, str]]) -> list[tuple[str, str]]:
    first = [c for c in DEFAULT_COLUMNS[table] if c in columns]
    hidden = HIDDEN_BY_DEFAULT if table == "articles" else {"raw"}
    rest = [c for c in columns if c not in first and c not in hidden and c != "id"]
    return query + [("_col", c) for c in first + rest]


def _fold_descriptions(page: str, all_url: str) -> str:
    def repl(m: re.Match) -> str:
        n = m.group("body").count("<dt>")
        return (
            f'<details class="column-descriptions"><summary>Column descriptions ({n}) and '
            f'<a href="{html.escape(all_url)}">all columns</a></summary>'
            f'<dl class="column-descriptions">{m.group("body")}</dl></details>'
        )

    return _DESCRIPTIONS.sub(repl, page, count=1)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def observatory_ui(scope, receive, send):
            match = _TABLE_PATH.match(scope.get("path", "")) if scope.get("type") == "http" else None
            if not match or match["db"] not in datasette.databases:
                await app(scope, receive, send)
                return
            query = parse_qsl(scope.get("query_string", b"").decode("utf-8"), keep_blank_values=True)
            keys = {k for k, _ in query}
            all_url = (
                match.group(0)
                + "?"
                + urlencode([*[(k, v) for k, v in query if k not in ("_col", "_nocol")], ("_all", "1")])
            )
            if not keys & {"_col", "_nocol", "_all"}:
                columns = await datasette.databases[match["db"]].table_columns(match["table"])
                scope = {**scope, "query_string": urlencode(_default_query(match["table"], columns, query)).encode()}
            start: dict = {}
            chunks: list[bytes] = []

            async def capture(message):
                if message["type"] == "http.response.start":
                    start.update(message)
                    return
                if message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))
                    if message.get("more_body"):
                        return
                    body = b"".join(chunks)
                    headers = [(k, v) for k, v in start.get("headers", [])]
                    if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                        body = _fold_descriptions(body.decode("utf-8"), all_url).encode("utf-8")
                        headers = [
                            (k, str(len(body)).encode() if k.lower() == b"content-length" else v) for k, v in headers
                        ]
                    await send({**start, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
                await send(message)

            await app(scope, receive, capture)

        return observatory_ui

    return wrap


# -- the methods page ----------------------------------------------------------------------------


async def methods_page(datasette, request):
    from crawler.ops.methods import statement, topic_summary
    from crawler.storage.facts import methods_facts

    topic = topic_summary(None)
    parts = []
    for name in _document_databases(datasette):
        facts = await datasette.databases[name].execute_fn(methods_facts)
        parts.append(statement(facts, topic, name))
    text = "\n\n".join(parts)
    if request.args.get("_format") == "md":
        return Response.text(text)
    body = (
        f"<h1>Methods statement</h1><p>In words a paper can quote; also <code>make methods</code> and "
        f"<a href='?_format=md'>as Markdown</a>.</p><pre style='white-space: pre-wrap'>{html.escape(text)}</pre>"
    )
    return Response.html(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Methods</title>"
        f"<link rel='stylesheet' href='{datasette.urls.static('app.css')}'></head>"
        f"<body><section class='content'>{body}</section></body></html>"
    )


@hookimpl
def register_routes():
    return [(r"^/-/methods$", methods_page)]


@hookimpl
def menu_links(datasette, actor):
    return [{"href": datasette.urls.path("/-/methods"), "label": "Methods statement"}]
