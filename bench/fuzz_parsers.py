"""Mutation fuzzing of every source parser (all but the article extractor), called as its spider
calls it. Prints, per parser, how many inputs were tried and how many crashed, with the first
crashing inputs (shortened) and the exception types.

A "crash" is what would kill a spider callback or poison the store:
- any exception other than ``ParseError`` (and ``json.JSONDecodeError``, which
  ``ObservatorySpider.parsed`` also catches);
- an item the spider cannot turn into a request (a discovered link that is not an absolute
  http(s) URL ``canonical_url`` and ``scrapy.Request`` accept);
- an item whose fields have the wrong type (a text field that is not a string, a count that is not
  an int, a list that is not a list of strings).

Seeds are the fixtures in tests/fixtures/<source>/; mutations are byte edits, inserted "nasty"
tokens (control characters, lone surrogates, huge numbers, deep nesting, broken URLs and dates) and,
for JSON seeds, structural edits (a random value replaced by a value of another type).

    .venv/bin/python bench/fuzz_parsers.py                   # 20 s per parser
    .venv/bin/python bench/fuzz_parsers.py --seconds 5 --only feeds,mastodon --seed 1
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scrapy  # noqa: E402

from crawler.items import Post  # noqa: E402
from crawler.parsers import (  # noqa: E402
    ParseError,  # noqa: E402
    bluesky,
    feeds,
    gdelt,
    hackernews,
    mastodon,
    reddit,
    rednote,
    sitemaps,
    urllist,
    zeeschuimer,  # noqa: E402
)
from crawler.textnorm import canonical_url  # noqa: E402

FIX = ROOT / "tests" / "fixtures"
sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))

NASTY = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x1f",
    "\x7f",
    "\ufeff",
    "\u2028",
    "\ud83d",
    "\\ud83d",
    "\\udfff",
    "9999999999999999999999",
    "1e400",
    "-1e400",
    "1e20",
    "NaN",
    "Infinity",
    "-0",
    '"',
    "\\",
    "'",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "<",
    ">",
    "&",
    "&#0;",
    "&#xD800;",
    "<![CDATA[",
    "]]>",
    "<!--",
    "http://[x/a",
    "https://",
    "urn:uuid:1",
    ",URL",
    "#",
    "#@user",
    "@",
    "\r",
    "\n",
    "\t",
    "GMT+9",
    "9999999914 Jan 25 0:00",
    "20250115T029500Z",
    "0000-00-00",
    "9999-12-31T23:59:59Z",
    "99999999999999",
    "-1",
    "null",
    "true",
    "[]",
    "{}",
    "İ",
    "ı",
    "\U0001f600",
    "𝓣",
]
SCALARS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    5,
    10**20,
    2**63,
    1e308,
    -1e308,
    1.5,
    "",
    " ",
    "x",
    "\ud83d",
    "\x00\x01",
    "http://[x/a",
    "9999999914 Jan 25 0:00",
    "2025-01-14T10:30:00Z",
    "@",
    "#@user",
    [],
    {},
    ["a"],
    {"a": 1},
]


# -- how each spider calls its parser -------------------------------------------------------------


def _check_link(link: Any) -> None:
    """What ArticleSpider.request_article does with a discovered link."""
    if not isinstance(link, str):
        raise TypeError(f"link is {type(link).__name__}")
    canon = canonical_url(link)
    if not canon:
        raise ValueError(f"canonical_url gave {canon!r} for {link!r}")
    scrapy.Request(canon)


_POST_TYPES: dict[str, tuple[type, ...]] = {}
for f in dataclasses.fields(Post):
    t = str(f.type)
    if t.startswith("str"):
        _POST_TYPES[f.name] = (str, type(None))
    elif t.startswith("int"):
        _POST_TYPES[f.name] = (int, type(None))


def _check_post(post: Any) -> None:
    if not isinstance(post, Post):
        raise TypeError(f"item is {type(post).__name__}")
    if not isinstance(post.platform_id, str) or not post.platform_id:
        raise TypeError(f"platform_id {post.platform_id!r}")
    for name, types in _POST_TYPES.items():
        value = getattr(post, name)
        if not isinstance(value, types) or isinstance(value, bool):
            if value is not None:
                raise TypeError(f"Post.{name} is {type(value).__name__}: {value!r:.60}")
    for name in ("hashtags", "mentions", "links", "reposted_by"):
        value = getattr(post, name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"Post.{name} is not a list of str: {value!r:.80}")


def _check_article_items(page: Any, link_attr: str) -> None:
    for item in page.items:
        _check_link(getattr(item, link_attr))
        for name in ("title", "published_at", "summary", "published_at_raw"):
            value = getattr(item, name, None)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} is {type(value).__name__}")


def call_feeds(body: bytes) -> None:
    page = feeds.parse_feed(body, "https://ledger.example/feeds/rss.xml", "application/rss+xml")
    _check_article_items(page, "link")


def call_mastodon(body: bytes) -> None:
    # the spider passes response.text (see the report: parse_statuses reads text itself now)
    page = mastodon.parse_statuses(body.decode("utf-8", "replace"), "https://social.demo", "TikTokRefugee")
    for post in page.items:
        _check_post(post)


def call_reddit(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    for fn in (reddit.parse_listing, reddit.parse_comments):
        try:
            page = fn(text, "tiktok ban")
        except (ParseError, json.JSONDecodeError):
            continue
        for post in page.items:
            _check_post(post)


def call_sitemaps(body: bytes) -> None:
    page = sitemaps.parse_sitemap(body, "https://news.example/sitemap.xml")
    _check_article_items(page, "loc") if page.items else None
    for link in page.extra.get("sitemaps", []):
        _check_link(link)
    for link in sitemaps.parse_robots_sitemaps(body.decode("utf-8", "replace"), "https://news.example/robots.txt"):
        _check_link(link)


def call_gdelt(body: bytes) -> None:
    page = gdelt.parse_artlist(body)
    for rec in page.items:
        _check_link(rec.url)
        if rec.seendate is not None and not isinstance(rec.seendate, str):
            raise TypeError("seendate")


def call_urllist(body: bytes) -> None:
    text = body.decode("utf-8-sig", "replace")
    page = urllist.parse_url_list(text, "list.txt")
    _check_article_items(page, "url")


def call_bluesky(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    page = bluesky.parse_search(text, "tiktok")
    for post in page.items:
        _check_post(post)


def call_hackernews(body: bytes) -> None:
    data = bluesky.load_json(body.decode("utf-8", "replace"))
    page = hackernews.parse_search(data, "rednote")
    for post in page.items:
        _check_post(post)


def call_zeeschuimer(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    for _n, post, _reason in zeeschuimer.iter_ndjson((line.rstrip("\r\n") for line in text.split("\n")), "x.ndjson"):
        if post is not None:
            _check_post(post)


def call_rednote(body: bytes) -> None:
    page = rednote.parse_note_page(
        body.decode("utf-8", "replace"), "https://www.xiaohongshu.com/explore/678597ee000000001d03a7f2"
    )
    for post in page.items:
        _check_post(post)


TARGETS: dict[str, tuple[Callable[[bytes], None], list[str]]] = {
    "feeds": (call_feeds, ["feeds/*"]),
    "mastodon": (call_mastodon, ["mastodon/*.json"]),
    "reddit": (call_reddit, ["reddit/*.json"]),
    "sitemaps": (call_sitemaps, ["sitemaps/*"]),
    "gdelt": (call_gdelt, ["gdelt/*"]),
    "urllist": (call_urllist, ["urls/*"]),
    "bluesky": (call_bluesky, ["bluesky/search*.json"]),
    "hackernews": (call_hackernews, ["hackernews/*.json"]),
    "zeeschuimer": (call_zeeschuimer, ["zeeschuimer/*.ndjson"]),
    "rednote": (call_rednote, ["rednote/*/page.html"]),
}


# -- mutations ------------------------------------------------------------------------------------


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    r = rng.random()
    if r < 0.6 or depth > 2:
        return copy.deepcopy(rng.choice(SCALARS))
    if r < 0.8:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(["id", "url", "text", "created_at", "uri", "data", "x"]): _random_value(rng, depth + 1)}


def _mutate_tree(node: Any, rng: random.Random) -> Any:
    """Replace one random node of a JSON tree (walked at random) by a value of another type."""
    if isinstance(node, dict) and node and rng.random() < 0.85:
        key = rng.choice(list(node))
        if rng.random() < 0.1:
            del node[key]
            return node
        node[key] = _mutate_tree(node[key], rng)
        return node
    if isinstance(node, list) and node and rng.random() < 0.85:
        i = rng.randrange(len(node))
        node[i] = _mutate_tree(node[i], rng)
        return node
    if isinstance(node, str) and rng.random() < 0.5:
        pos = rng.randint(0, len(node))
        return node[:pos] + rng.choice(NASTY) + node[pos:]
    return _random_value(rng)


def mutate(seed: bytes, rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.35:
        try:
            text = seed.decode("utf-8")
            if "\n{" in text and text.lstrip().startswith("{") and text.count("\n") > 2:  # NDJSON
                lines = text.split("\n")
                i = rng.randrange(len(lines))
                if lines[i].strip():
                    lines[i] = json.dumps(_mutate_tree(json.loads(lines[i]), rng), ensure_ascii=rng.random() < 0.5)
                return "\n".join(lines).encode("utf-8", "surrogatepass")
            tree = json.loads(text)
        except (UnicodeDecodeError, ValueError):
            pass
        else:
            for _ in range(rng.randint(1, 3)):
                tree = _mutate_tree(tree, rng)
            return json.dumps(tree, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    data = bytearray(seed)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        pos = rng.randint(0, len(data))
        if op < 0.45:
            token = rng.choice(NASTY).encode("utf-8", "surrogatepass")
            data[pos:pos] = token
        elif op < 0.6 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op < 0.75:
            end = min(len(data), pos + rng.randint(1, 40))
            del data[pos:end]
        elif op < 0.9:
            end = min(len(data), pos + rng.randint(1, 80))
            data[pos:pos] = data[pos:end]
        else:
            n = rng.choice([10, 1000, 100_000])
            data[pos:pos] = rng.choice([b"[", b'{"a":', b"<a>"]) * n
    return bytes(data)


def seeds_for(patterns: list[str]) -> list[bytes]:
    out = []
    for pattern in patterns:
        for path in sorted(FIX.glob(pattern)):
            if path.is_file():
                out.append(path.read_bytes())
    return out


def fuzz(name: str, seconds: float, rng: random.Random, show: int) -> tuple[int, Counter, list[str]]:
    call, patterns = TARGETS[name]
    seeds = seeds_for(patterns)
    tried = 0
    kinds: Counter = Counter()
    examples: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = mutate(rng.choice(seeds), rng)
        tried += 1
        try:
            call(body)
        except (ParseError, json.JSONDecodeError):
            pass
        except Exception as exc:  # noqa: BLE001 - that is the point: count what escapes
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            kind = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            if kind not in kinds and len(examples) < show:
                examples.append(f"{kind}: {exc!s:.120}\n      input[:160]={body[:160]!r}")
            kinds[kind] += 1
    return tried, kinds, examples


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=20.0, help="fuzzing time per parser (default 20)")
    ap.add_argument("--only", default="", help="comma-separated parser names (default: all)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--show", type=int, default=3, help="crashing inputs printed per parser")
    args = ap.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(TARGETS)
    total_crashes = 0
    print(f"{'parser':<12} {'inputs':>8} {'crashes':>8}")
    for name in names:
        tried, kinds, examples = fuzz(name, args.seconds, random.Random(f"{args.seed}:{name}"), args.show)
        crashes = sum(kinds.values())
        total_crashes += crashes
        print(f"{name:<12} {tried:>8} {crashes:>8}")
        for kind, n in kinds.most_common():
            print(f"    {n:>6}  {kind}")
        for ex in examples:
            print(f"    e.g. {ex}")
    return 1 if total_crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
