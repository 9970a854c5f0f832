"""Property-based tests (hypothesis): every source parser is total (issue #13).

For every parser but the article extractor, called as its spider calls it: whatever the input
(mutated fixtures from tests/fixtures/<source>/, arbitrary JSON, arbitrary text and bytes), the
result is a Page of well-typed items or a ``ParseError``, never another exception; and valid
records next to a broken one survive. Example counts are bounded (the file runs in well under
a minute); bench/fuzz_parsers.py is the longer, unbounded fuzzer.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.items import Post
from crawler.parsers import (
    ParseError,
    bluesky,
    feeds,
    gdelt,
    hackernews,
    mastodon,
    reddit,
    rednote,
    sitemaps,
    urllist,
    zeeschuimer,
)
from crawler.textnorm import canonical_url

FIX = Path(__file__).parent / "fixtures"
FAST = settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
SLOW = settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)  # feedparser, lxml pages

NASTY = [
    "\x00",
    "\x01",
    "\x0b",
    "\x1f",
    "\x7f",
    "\ufeff",
    "\u2028",
    "\ud83d",
    "\\ud83d",
    "9999999999999999999999",
    "1e400",
    "-1",
    '"',
    "\\",
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
    "<![CDATA[",
    "]]>",
    "http://[x/a",
    "https://",
    "urn:uuid:1",
    ",URL",
    "#@user",
    "GMT+9",
    "9999999914 Jan 25 0:00",
    "20250115T029500Z",
    "null",
    "İ",
    "\U0001f600",
]
WEIRD_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(NASTY),
)
JSON_VALUES = st.recursive(
    WEIRD_SCALARS,
    lambda kids: (
        st.lists(kids, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["id", "uri", "url", "text", "content", "created_at", "data", "kind", "record", "quote", "embed", "x"]
            )
            | st.text(max_size=8),
            kids,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def fixture_texts(*patterns: str) -> list[str]:
    out = []
    for pattern in patterns:
        out += [p.read_text(encoding="utf-8-sig") for p in sorted(FIX.glob(pattern)) if p.is_file()]
    assert out, patterns
    return out


def fixture_json(*patterns: str) -> list[Any]:
    return [json.loads(t) for t in fixture_texts(*patterns)]


def readable_json(texts: list[str]) -> list[Any]:
    """The texts that are JSON (fixtures of broken bodies are left out of the JSON seeds)."""
    out = []
    for t in texts:
        try:
            out.append(json.loads(t))
        except ValueError:
            pass
    return out


@st.composite
def mutated_json(draw, seeds: list[Any]) -> Any:
    """A fixture with 1-3 random nodes replaced by arbitrary JSON values (a key dropped now and then)."""
    tree = copy.deepcopy(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 3))):
        node, parent, key = tree, None, None
        for _depth in range(draw(st.integers(0, 8))):
            if isinstance(node, dict) and node:
                k = draw(st.sampled_from(sorted(node)))
            elif isinstance(node, list) and node:
                k = draw(st.integers(0, len(node) - 1))
            else:
                break
            parent, key, node = node, k, node[k]
        if parent is None:
            return draw(JSON_VALUES)
        if isinstance(parent, dict) and draw(st.integers(0, 9)) == 0:
            del parent[key]
        else:
            parent[key] = draw(JSON_VALUES)
    return tree


@st.composite
def mutated_text(draw, seeds: list[str]) -> str:
    """A fixture with nasty tokens or arbitrary text inserted and spans deleted or repeated."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.integers(0, 3))
        if op == 0:
            text = text[:pos] + draw(st.sampled_from(NASTY)) + text[pos:]
        elif op == 1:
            text = text[:pos] + draw(st.text(max_size=10)) + text[pos:]
        elif op == 2:
            text = text[:pos] + text[pos + draw(st.integers(1, 50)) :]
        else:
            text = text[:pos] + text[pos : pos + draw(st.integers(1, 80))] * 2 + text[pos:]
    return text


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def to_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


# -- what "only items or ParseError" means ---------------------------------------------------------

_KINDS = {f.name: str(f.type) for f in dataclasses.fields(Post)}


def check_post(post: Any) -> None:
    assert isinstance(post, Post) and isinstance(post.platform_id, str) and post.platform_id
    for name, kind in _KINDS.items():
        value = getattr(post, name)
        if kind.startswith("str"):
            assert value is None or isinstance(value, str), (name, value)
        elif kind.startswith("int"):
            assert value is None or (isinstance(value, int) and not isinstance(value, bool)), (name, value)
        elif kind.startswith("list"):
            assert isinstance(value, list) and all(isinstance(v, str) for v in value), (name, value)


def check_link(link: Any) -> None:
    """What ArticleSpider.request_article needs: an absolute http(s) URL canonical_url reads."""
    assert isinstance(link, str) and link.startswith(("http://", "https://")), link
    assert canonical_url(link), link


def total(call, *args) -> Any:
    """The parser's Page, or None for a ParseError; any other exception fails the test."""
    try:
        return call(*args)
    except ParseError:
        return None


def posts_of(page) -> list[Post]:
    if page is None:
        return []
    for post in page.items:
        check_post(post)
    return page.items


# -- Mastodon (the spider passes response.text) ---------------------------------------------------

MASTODON = fixture_json("mastodon/*.json")


def parse_mastodon(body: str):
    return total(mastodon.parse_statuses, body, "https://social.demo", "TikTokRefugee")


@FAST
@given(mutated_json(MASTODON))
def test_mastodon_mutated_fixture(data):
    posts_of(parse_mastodon(dumps(data)))


@FAST
@given(st.one_of(JSON_VALUES.map(dumps), mutated_text([dumps(d) for d in MASTODON]), st.text(max_size=200)))
def test_mastodon_arbitrary_body(body):
    posts_of(parse_mastodon(body))


def _good_status(n: int) -> dict:
    return {
        "id": str(900 + n),
        "uri": f"https://good.demo/users/g/statuses/{n}",
        "url": f"https://good.demo/@g/{n}",
        "created_at": "2025-01-14T09:45:00.000Z",
        "content": "<p>good</p>",
        "account": {"acct": "g"},
    }


@FAST
@given(st.one_of(JSON_VALUES, mutated_json([s for page in MASTODON for s in page])))
def test_mastodon_neighbours_of_a_broken_status_survive(broken):
    page = parse_mastodon(dumps([_good_status(1), broken, _good_status(2)]))
    ids = {p.platform_id for p in posts_of(page)}
    assert {_good_status(1)["uri"], _good_status(2)["uri"]} <= ids


# -- Bluesky, Hacker News, Reddit (JSON APIs) ------------------------------------------------------

BLUESKY = fixture_json("bluesky/search*.json")
HACKERNEWS = fixture_json("hackernews/*.json")
REDDIT = fixture_json("reddit/*.json")


def parse_bluesky(body: str):
    return total(bluesky.parse_search, body, "tiktok")


def parse_hackernews(body: str):
    data = total(bluesky.load_json, body)  # the spider loads first, then parses
    return None if data is None else total(hackernews.parse_search, data, "rednote")


def parse_reddit(body: str):
    return [total(reddit.parse_listing, body, "q"), total(reddit.parse_comments, body, "q")]


@FAST
@given(st.one_of(mutated_json(BLUESKY), JSON_VALUES))
def test_bluesky_mutated_or_arbitrary(data):
    posts_of(parse_bluesky(dumps(data)))


@FAST
@given(st.one_of(mutated_json(HACKERNEWS), JSON_VALUES))
def test_hackernews_mutated_or_arbitrary(data):
    posts_of(parse_hackernews(dumps(data)))


@FAST
@given(st.one_of(mutated_json(REDDIT), JSON_VALUES))
def test_reddit_mutated_or_arbitrary(data):
    for page in parse_reddit(dumps(data)):
        posts_of(page)


@FAST
@given(st.one_of(mutated_text([dumps(d) for d in BLUESKY + HACKERNEWS + REDDIT]), st.text(max_size=200)))
def test_json_apis_arbitrary_text(body):
    posts_of(parse_bluesky(body))
    posts_of(parse_hackernews(body))
    for page in parse_reddit(body):
        posts_of(page)


@FAST
@given(st.one_of(JSON_VALUES, mutated_json([p for page in BLUESKY for p in page["posts"]])))
def test_bluesky_neighbours_survive(broken):
    good = [{"uri": f"at://did:plc:good/app.bsky.feed.post/{n}", "record": {"text": "ok"}} for n in (1, 2)]
    ids = {p.platform_id for p in posts_of(parse_bluesky(dumps({"posts": [good[0], broken, good[1]]})))}
    assert {g["uri"] for g in good} <= ids


@FAST
@given(st.one_of(JSON_VALUES, mutated_json([h for page in HACKERNEWS for h in page["hits"]])))
def test_hackernews_neighbours_survive(broken):
    good = [{"objectID": f"99{n}", "_tags": ["story"], "title": "ok", "created_at_i": 1736850600} for n in (1, 2)]
    ids = {p.platform_id for p in posts_of(parse_hackernews(dumps({"hits": [good[0], broken, good[1]]})))}
    assert {"991", "992"} <= ids


@FAST
@given(st.one_of(JSON_VALUES, mutated_json([c for c in REDDIT[0][1]["data"]["children"]])))
def test_reddit_neighbours_survive(broken):
    good = [{"kind": "t3", "data": {"id": f"good{n}", "title": "ok", "created_utc": 1736850600}} for n in (1, 2)]
    body = dumps({"kind": "Listing", "data": {"after": None, "children": [good[0], broken, good[1]]}})
    (page, _comments) = parse_reddit(body)
    assert {"t3_good1", "t3_good2"} <= {p.platform_id for p in posts_of(page)}


# -- GDELT -----------------------------------------------------------------------------------------

GDELT_TEXT = fixture_texts("gdelt/*")
GDELT_JSON = readable_json(GDELT_TEXT)


def parse_gdelt(body: bytes):
    page = total(gdelt.parse_artlist, body)
    for rec in page.items if page else []:
        check_link(rec.url)
        assert rec.seendate is None or isinstance(rec.seendate, str)
    return page


@FAST
@given(st.one_of(mutated_json(GDELT_JSON).map(dumps), mutated_text(GDELT_TEXT), JSON_VALUES.map(dumps)))
def test_gdelt_any_body(body):
    parse_gdelt(to_bytes(body))


@FAST
@given(st.binary(max_size=300))
def test_gdelt_bytes(body):
    parse_gdelt(body)


@FAST
@given(st.one_of(JSON_VALUES, mutated_json([a for d in GDELT_JSON for a in d.get("articles", [])])))
def test_gdelt_neighbours_survive(broken):
    good = [{"url": f"https://good.example/{n}", "seendate": "20250114T103000Z"} for n in (1, 2)]
    page = parse_gdelt(to_bytes(dumps({"articles": [good[0], broken, good[1]]})))
    assert {"https://good.example/1", "https://good.example/2"} <= {a.url for a in page.items}


# -- Zeeschuimer (NDJSON, read line by line as the spider does) ------------------------------------

ZEES_TEXT = fixture_texts("zeeschuimer/*.ndjson")
ZEES_LINES = [d for d in readable_json([line for t in ZEES_TEXT for line in t.split("\n")]) if isinstance(d, dict)][:40]


def parse_zeeschuimer(text: str) -> list[Post]:
    out = []
    for _n, post, reason in zeeschuimer.iter_ndjson((line.rstrip("\r\n") for line in text.split("\n")), "x.ndjson"):
        assert (post is None) != (reason is None)
        if post is not None:
            check_post(post)
            out.append(post)
    return out


@FAST
@given(st.one_of(mutated_json(ZEES_LINES).map(dumps), mutated_text(ZEES_TEXT), st.text(max_size=200)))
def test_zeeschuimer_any_line(text):
    parse_zeeschuimer(text)


@FAST
@given(st.one_of(JSON_VALUES.map(dumps), mutated_json(ZEES_LINES).map(dumps), st.text(max_size=50)))
def test_zeeschuimer_neighbours_survive(broken):
    good = [json.dumps(dict(ZEES_LINES[0], item_id=f"good{n}")) for n in (1, 2)]
    posts = parse_zeeschuimer("\n".join([good[0], broken.replace("\n", " "), good[1]]))
    assert {"good1", "good2"} <= {p.platform_id for p in posts}


# -- RedNote note pages ----------------------------------------------------------------------------

REDNOTE = fixture_texts("rednote/*/page.html")
NOTE_URL = "https://www.xiaohongshu.com/explore/678597ee000000001d03a7f2"


@SLOW
@given(st.one_of(mutated_text(REDNOTE), st.text(max_size=200)))
def test_rednote_any_page(html):
    posts_of(total(rednote.parse_note_page, html, NOTE_URL))


# -- feeds, sitemaps, URL lists (discovery: every link must be requestable) ------------------------

FEEDS = fixture_texts("feeds/*")
SITEMAPS = fixture_texts("sitemaps/*")
URLLISTS = fixture_texts("urls/*")


def parse_feed(body: bytes):
    page = total(feeds.parse_feed, body, "https://ledger.example/feeds/rss.xml", "application/rss+xml")
    for e in page.items if page else []:
        check_link(e.link)
        for value in (e.title, e.summary, e.published_at, e.published_at_raw, e.feed_title):
            assert value is None or isinstance(value, str)
        assert all(isinstance(a, str) for a in e.authors)
    return page


def parse_sitemap(body: bytes):
    page = total(sitemaps.parse_sitemap, body, "https://news.example/sitemap.xml")
    for e in page.items if page else []:
        check_link(e.loc)
    for link in page.extra.get("sitemaps", []) if page else []:
        check_link(link)
    for link in sitemaps.parse_robots_sitemaps(body.decode("utf-8", "replace"), "https://news.example/robots.txt"):
        check_link(link)
    return page


def parse_list(text: str):
    page = total(urllist.parse_url_list, text, "list.txt")
    for e in page.items if page else []:
        check_link(e.url)
        assert e.published_at is None or isinstance(e.published_at, str)
    return page


@SLOW
@given(st.one_of(mutated_text(FEEDS), mutated_json(readable_json(FEEDS)).map(dumps)))
def test_feeds_mutated(body):
    parse_feed(to_bytes(body))


@SLOW
@given(st.binary(max_size=300))
def test_feeds_bytes(body):
    parse_feed(body)


@FAST
@given(st.one_of(mutated_text(SITEMAPS), st.text(max_size=200)))
def test_sitemaps_mutated(body):
    parse_sitemap(to_bytes(body))


@FAST
@given(st.binary(max_size=300))
def test_sitemaps_bytes(body):
    parse_sitemap(body)


@FAST
@given(st.one_of(mutated_text(URLLISTS), st.text(max_size=200)))
def test_urllist_mutated(text):
    parse_list(text)


NASTY_TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=30)).map(lambda s: s.replace("\n", " "))


@SLOW
@given(NASTY_TEXT, NASTY_TEXT)
def test_feed_neighbours_of_a_broken_item_survive(link, date):
    def item(lk: str, d: str) -> str:
        return f"<item><title>t</title><link>{lk}</link><pubDate>{d}</pubDate></item>"

    from xml.sax.saxutils import escape

    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        + item("https://good.example/1", "Tue, 14 Jan 2025 08:30:00 +0800")
        + item(escape(link), escape(date))
        + item("https://good.example/2", "Wed, 15 Jan 2025 08:30:00 GMT")
        + "</channel></rss>"
    )
    page = parse_feed(to_bytes(body))
    assert page is not None and {"https://good.example/1", "https://good.example/2"} <= {e.link for e in page.items}


@FAST
@given(NASTY_TEXT, NASTY_TEXT)
def test_sitemap_neighbours_of_a_broken_url_survive(loc, lastmod):
    from xml.sax.saxutils import escape

    def url(lc: str, lm: str) -> str:
        return f"<url><loc>{lc}</loc><lastmod>{lm}</lastmod></url>"

    body = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + url("https://good.example/1", "2025-01-14")
        + url(escape(loc), escape(lastmod))
        + url("https://good.example/2", "2025-01-15")
        + "</urlset>"
    )
    page = parse_sitemap(to_bytes(body))
    assert page is not None and {"https://good.example/1", "https://good.example/2"} <= {e.loc for e in page.items}


@FAST
@given(NASTY_TEXT)
def test_urllist_neighbours_of_a_broken_line_survive(line):
    if line.lstrip().startswith(("#", '"')) or any(d in line for d in ",;\t"):
        line = "x" + line.replace(",", "").replace(";", "").replace("\t", "").replace('"', "")  # stay a plain list
    page = parse_list(f"https://good.example/1\n{line}\nhttps://good.example/2\n")
    assert page is not None and {"https://good.example/1", "https://good.example/2"} <= {e.url for e in page.items}


@pytest.mark.parametrize("body", ["[" * 100000 + "]" * 100000, '{"a":' * 100000 + "1" + "}" * 100000])
def test_deep_nesting_is_a_parse_error_everywhere(body):
    assert parse_mastodon(body) is None and parse_bluesky(body) is None and parse_hackernews(body) is None
    assert parse_reddit(body) == [None, None] and parse_gdelt(to_bytes(body)) is None
    assert parse_feed(to_bytes(body)) is None
    assert parse_zeeschuimer(body) == []
