"""Normalise: NFC text, UTC times, canonical URLs, stable ids, language, hashtags, content hash.

Every normalisation happens here, once: the store downstream only writes. Language: the
source's label when the script agrees, else the script alone (mostly-Han text is ``zh``), else
py3langid restricted to the topic's languages (crawler/language.py). An article's day is its
page's own calendar day (``published_local``), kept beside the UTC instant.

Invalid items (no URL, no platform id, unknown platform) are dropped with an ERROR and the stat
``observatory/normalise/invalid``: that is bad input, not an expected drop.
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from w3lib.html import remove_tags

from crawler.items import ARTICLE_SOURCES, PLATFORMS, Article, ChartEntry, Post
from crawler.language import detect_lang
from crawler.textnorm import (
    canonical_url,
    clean_line,
    clean_text,
    content_hash,
    extract_hashtags,
    merge_tags,
    post_key,
    stable_id,
    to_utc_iso,
    url_key,
)

logger = logging.getLogger(__name__)
MIN_HASHED_TEXT = 200  # shorter texts get no content hash (too many innocent collisions)


def normalise_article(a: Article) -> Article:
    if not a.url:
        raise DropItem("article without url")
    if a.source not in ARTICLE_SOURCES:
        raise DropItem(f"unknown article source {a.source!r}")
    a.canonical_url = canonical_url(a.canonical_url or a.url)
    a.id = stable_id(url_key(a.canonical_url))
    a.title = clean_line(a.title)
    a.text = clean_text(a.text)
    summary = a.summary
    if summary and "<" in summary:
        summary = remove_tags(summary)
    a.summary = clean_text(summary)
    a.authors = [n for n in (clean_line(x) for x in a.authors or []) if n]
    a.outlet = clean_line(a.outlet)
    a.published_at = to_utc_iso(a.published_at) or to_utc_iso(a.published_at_raw)
    a.modified_at = to_utc_iso(a.modified_at)
    a.lang = detect_lang(" ".join(x for x in (a.title, a.text or a.summary) if x), a.lang)
    if a.text and len(a.text) >= MIN_HASHED_TEXT:
        a.content_hash = content_hash(a.text)
    return a


def normalise_post(p: Post) -> Post:
    if p.platform not in PLATFORMS:
        raise DropItem(f"unknown platform {p.platform!r}")
    if not p.platform_id:
        raise DropItem(f"{p.platform} post without platform_id")
    p.platform_id = str(p.platform_id)
    p.id = stable_id(post_key(p.platform, p.platform_id))
    p.title = clean_line(p.title)
    p.text = clean_text(p.text)
    p.author_name = clean_line(p.author_name)
    p.created_at = to_utc_iso(p.created_at) or to_utc_iso(p.created_at_raw)
    p.edited_at = to_utc_iso(p.edited_at)
    p.observed_at = to_utc_iso(p.observed_at)
    p.hashtags = merge_tags(p.hashtags, extract_hashtags(p.title), extract_hashtags(p.text))
    p.links = list(dict.fromkeys(canonical_url(u) or u for u in p.links if u))  # joinable with article_urls
    p.lang = detect_lang(" ".join(x for x in (p.title, p.text) if x), p.lang)
    if p.text and len(p.text) >= 20:
        p.content_hash = content_hash(p.text)
    return p


def normalise_chart_entry(e: ChartEntry) -> ChartEntry:
    """A chart entry keeps every value as the feed gave it; only its snapshot time becomes UTC."""
    e.snapshot_at = to_utc_iso(e.snapshot_at) or to_utc_iso(e.snapshot_raw)
    if not (e.country and e.chart and e.app_id and e.snapshot_at):
        raise DropItem(f"chart entry without country, chart, app id or snapshot time: {e.key}")
    return e


class NormalisePipeline:
    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        try:
            if isinstance(item, Article):
                item = normalise_article(item)
            elif isinstance(item, Post):
                item = normalise_post(item)
            elif isinstance(item, ChartEntry):
                item = normalise_chart_entry(item)
            else:
                raise DropItem(f"unknown item type {type(item).__name__}")
        except DropItem as exc:
            self.stats.inc_value("observatory/normalise/invalid")
            logger.error("invalid item dropped: %s (%s)", exc, ItemAdapter(item).get("url"))
            raise
        self.stats.inc_value(f"observatory/normalise/{type(item).__name__.lower()}")
        return item
