"""Datasette plugin: search pages that stay fast at a million rows (issue #14).

Datasette 0.65 turns ``?_search=`` into ``id in (select rowid from <fts> where <fts> match
escape_fts(:search))`` and SQLite drives every query of the page from that list: the page's
``order by created_at desc limit 51`` looks up and sorts every match, the count looks every match
up again, each facet too. A common term matches most of a million rows, so that is seconds. This
plugin wraps each database's ``execute`` (SQL of other shapes passes through unchanged):

- **count**: a count whose only filter is the search is answered by the full-text index alone,
  ``select count(*) from <fts> where <fts> match ...`` (a few ms). It is exact: every FTS row is
  a row of the table, written in the same transaction and removed by the same takedown. A count
  with other filters as well runs with ``COUNT_LIMIT_MS``; past it Datasette shows no count
  rather than make the page wait.
- **sort and facets**: when the search matches more than ``MANY`` rows, the page's query and its
  facet queries get ``+id in (...)``: the unary ``+`` keeps SQLite from driving the query by the
  list of matches, so it walks the index of the sort column (every sortable column of articles
  and posts has one, datasets/metadata.yml) and stops after a page of matches, and a facet reads
  its column's index. With fewer matches the plan is Datasette's own (look up the few, sort them).
"""

from __future__ import annotations

import re
import time

from datasette import hookimpl

MANY = 5_000  # matches above which the sort column's index drives the page (measured at 1M)
COUNT_LIMIT_MS = 200  # a count of a search with other filters; past it the page shows no count
_CACHE_SECONDS = 5.0  # one page asks for its match count several times
SEARCH = re.compile(
    r"(?<![+\w])(?P<pk>\w+|\[[^\]]+\]) in \(select rowid from (?P<fts>\w+|\[[^\]]+\]) "
    r"where (?P=fts) match (?P<match>escape_fts\(:search\)|:search)\)"
)
COUNT_ONLY = re.compile(r"^select count\(\*\) from (\w+|\[[^\]]+\]) where (?P<clause>.+?)\s*$", re.S)


def wrap(db, many: int = MANY, count_limit_ms: int = COUNT_LIMIT_MS) -> None:
    execute = db.execute
    counts: dict[tuple, tuple[float, int]] = {}

    async def match_count(m, params) -> int:
        key = (m["fts"], m["match"], (params or {}).get("search"))
        hit = counts.get(key)
        if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
            return hit[1]
        sql = f"select count(*) from {m['fts']} where {m['fts']} match {m['match']}"
        n = (await execute(sql, {"search": key[2]})).rows[0][0]
        if len(counts) > 256:
            counts.clear()
        counts[key] = (time.monotonic(), n)
        return n

    async def fast_execute(
        sql, params=None, truncate=False, custom_time_limit=None, page_size=None, log_sql_errors=True
    ):
        m = SEARCH.search(sql) if "match" in sql else None
        if m is not None:
            only = COUNT_ONLY.match(sql)
            if only and only["clause"] == m.group(0):
                n = await match_count(m, params)
                return await execute("select ? as n", [n])  # a Results object, as Datasette expects
            if only:
                limit = count_limit_ms if custom_time_limit is None else min(custom_time_limit, count_limit_ms)
                custom_time_limit = limit
            elif await match_count(m, params) > many:
                sql = f"{sql[: m.start()]}+{sql[m.start() :]}"
        return await execute(
            sql,
            params,
            truncate=truncate,
            custom_time_limit=custom_time_limit,
            page_size=page_size,
            log_sql_errors=log_sql_errors,
        )

    db.execute = fast_execute


@hookimpl
def startup(datasette):
    # metadata.yml may set plugins: search_speed: {many: N, count_limit_ms: N} (the tests do)
    config = datasette.plugin_config("search_speed") or {}
    for db in datasette.databases.values():
        if not getattr(db, "is_memory", False):
            wrap(db, int(config.get("many", MANY)), int(config.get("count_limit_ms", COUNT_LIMIT_MS)))
