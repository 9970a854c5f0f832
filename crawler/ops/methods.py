"""The methods statement of a database, in words a paper can quote.

    python -m crawler.ops.methods [--db PATH] [--topic PATH]      (make methods [DB=...])

It says what was collected (sources and their queries, from ``runs.args``), which topic terms
decided relevance (crawler/topic.py), the collection window (the documents' own days and the
crawl times), counts per source and platform, the deduplication and near-duplicate rules, the
software versions and the run ids. Datasette shows the same text at ``/-/methods``
(plugins/observatory_ui.py); ``make export`` writes it beside the data as ``METHODS.md``.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from crawler.storage import StorageError, Store, default_path

SOFTWARE = [
    "scrapy",
    "sqlite-utils",
    "datasette",
    "trafilatura",
    "htmldate",
    "feedparser",
    "dateparser",
    "rjieba",
    "py3langid",
    "zhconv",
    "numpy",
    "warcio",
]

# Spider arguments that say *what* was asked for (endpoints are listed per source, never credentials).
QUERY_ARGS = [
    "queries",
    "hashtags",
    "subreddits",
    "feeds",
    "sitemaps",
    "sites",
    "query",
    "apps",
    "countries",
    "charts",
    "urls",
    "path",
    "instances",
    "keywords",
    "start",
    "end",
    "since",
    "until",
]

DEDUPE_RULE = (
    "Exact duplicates are stored once: one row per canonical URL (scheme-less, tracking parameters, fragments, "
    "default ports and AMP suffixes removed), one row per platform and platform id, and, for articles, one row per "
    "text (the same text at another URL is recorded as an alias). A repeat sighting updates the row's counts and "
    "last-seen time and adds an observation of its engagement; it never adds a row."
)
NEARDUP_RULE = (
    "Near-duplicates are labelled, never deleted. Two documents are near-duplicates when they share most of their "
    "5-token shingles: text is NFKC-normalised and case-folded; punctuation, '#' and emoji separate tokens; an "
    "English word or number is one token and each Chinese character is one token. A pair is a near-duplicate when "
    "the Jaccard similarity of their shingle sets is at least 0.6, or when at least 0.8 of the shorter one's "
    "shingles are in the longer one and Jaccard is at least 0.4. Texts with fewer than 10 distinct shingles are "
    "never clustered. Similarity is estimated from 128-value MinHash signatures; candidates come from 32 LSH bands "
    "of 4 rows and are always verified against the rule. A new document joins the cluster of the most similar "
    "earlier document; clusters are never merged or renumbered."
)


def software_versions() -> dict[str, str]:
    found = {}
    for name in ["tiktok-refugee-observatory", *SOFTWARE]:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    if "tiktok-refugee-observatory" not in found:
        import tomllib

        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        try:
            found = {"tiktok-refugee-observatory": tomllib.loads(pyproject.read_text())["project"]["version"], **found}
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            pass
    return found


def topic_summary(path: str | None) -> dict[str, Any] | None:
    from crawler.settings import OBSERVATORY_TOPIC
    from crawler.topic import TopicError, load_topic

    try:
        topic = load_topic(path or OBSERVATORY_TOPIC)
    except TopicError:
        return None
    return {
        "name": topic.name,
        "title": topic.title,
        "since": topic.since,
        "path": Path(topic.path).name,
        "anchors": [t.label for t in topic.anchors],
        "context": [t.label for t in topic.context],
        "combinations": [" + ".join(t.label for t in g) for g in topic.combinations],
    }


def _list(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


def _queries(args: dict[str, str]) -> str:
    parts = [f"{k}={args[k]}" for k in QUERY_ARGS if args.get(k)]
    return "; ".join(parts) or "the topic file's defaults"


def statement(facts: dict[str, Any], topic: dict[str, Any] | None, name: str = "the database") -> str:
    """The methods statement (Markdown) for one database's facts."""
    runs = facts["runs"]
    out = [f"# Methods: {name}", ""]
    if facts.get("demo"):
        out += [
            "**This database holds the synthetic demo data bundled with the tool: no article, post or person "
            "in it is real. Do not cite its figures.**",
            "",
        ]
    totals = facts["totals"]
    window, crawl = facts["document_window"], facts["crawl_window"]
    spiders = sorted({r["spider"] for r in runs})
    out += [
        "## Collection",
        "",
        f"The data were collected with the TikTok Refugee Observatory (Scrapy spiders, item pipelines and "
        f"SQLite) in {len(runs)} crawl runs of {len(spiders)} sources ({_list(spiders)}) between "
        f"{crawl.get('first_seen') or 'n/a'} and {crawl.get('last_seen') or 'n/a'} (UTC, crawl time). The "
        f"database holds {totals.get('articles', 0):,} news articles and {totals.get('posts', 0):,} public "
        f"social posts and comments, with {totals.get('observations', 0):,} engagement observations, "
        f"published between {window.get('first_day') or 'n/a'} and {window.get('last_day') or 'n/a'} "
        f"(each document's own calendar day).",
        "",
    ]
    if topic:
        out += [
            "## Relevance",
            "",
            f"Documents were kept when they matched the topic file `{topic['path']}` ({topic['title']}) and "
            f"were published on or after {topic['since'] or 'any date'}. Anchor terms, each enough alone: "
            f"{_list(topic['anchors'])}. Context terms, recorded only beside an anchor: "
            f"{_list(topic['context'])}. Combinations that count only together: "
            f"{_list(topic['combinations'])}. English terms match case-insensitively on word boundaries "
            f"(CamelCase hashtags split, a plural s allowed); Chinese terms match anywhere, in simplified or "
            f"traditional characters. App Store reviews of the followed apps are kept without a term match.",
            "",
        ]
    out += ["## Sources and queries", "", "| source | runs | items added | queries |", "|---|---|---|---|"]
    for spider in spiders:
        mine = [r for r in runs if r["spider"] == spider]
        queries = sorted({_queries(r["args"]) for r in mine})
        out.append(
            f"| {spider} | {len(mine)} | {sum(r['items_new'] or 0 for r in mine):,} | "
            f"{'<br>'.join(q.replace('|', '/') for q in queries)} |"
        )
    out += ["", "## Counts", "", "| articles found by | articles | outlets |", "|---|---|---|"]
    out += [f"| {r['source']} | {r['n']:,} | {r['outlets']:,} |" for r in facts["articles_by_source"]]
    out += ["", "| platform | posts | authors |", "|---|---|---|"]
    out += [f"| {r['platform']} | {r['n']:,} | {r['authors']:,} |" for r in facts["posts_by_platform"]]
    out += [
        "",
        "Languages (articles and posts): "
        + _list([f"{r['lang'] or 'unknown'} {r['n']:,}" for r in facts["languages"]])
        + ".",
        "",
    ]
    clusters = facts["clusters"]
    out += [
        "## Deduplication",
        "",
        DEDUPE_RULE,
        "",
        NEARDUP_RULE,
        "",
        f"In this database {clusters['clusters']:,} near-duplicate clusters hold {clusters['members']:,} "
        f"documents; counting each syndicated story once leaves {facts['canonical_articles']:,} articles "
        f"(`is_canonical = 1`)."
        + (f" {facts['takedowns']} takedown requests were honoured." if facts["takedowns"] else ""),
        "",
    ]
    versions = software_versions()
    out += [
        "## Software",
        "",
        "Collected and processed with "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + f", SQLite {facts['sqlite_version']}; database migrations applied: {_list(facts['migrations'])}.",
        "",
        "## Runs",
        "",
        "Run ids (each run's arguments and statistics are in the `runs` table): "
        + _list([f"`{r['run_id']}` ({r['status']})" for r in runs])
        + ".",
        "",
    ]
    return "\n".join(out)


def statement_for(path: str, topic_path: str | None = None) -> str:
    with Store.open(path) as store:
        facts = store.methods_facts()
    return statement(facts, topic_summary(topic_path), Path(path).name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Print the methods statement of a database.")
    ap.add_argument("--db", action="append", help="a database (repeat for several); default: the configured database")
    ap.add_argument("--topic", default=None, help="the topic file the crawls followed (default: OBSERVATORY_TOPIC)")
    opts = ap.parse_args(argv)
    for path in opts.db or [default_path()]:
        if not Path(path).exists():
            print(f"error: no database at {path}", file=sys.stderr)
            return 2
        try:
            print(statement_for(path, opts.topic))
        except StorageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
