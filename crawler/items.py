"""The item types spiders yield (Article, Post; ChartEntry for app-store chart snapshots). One documented schema (see docs/schema.md).

Times are UTC ISO 8601 strings ending in ``Z`` once the normalise pipeline has run; parsers may
put whatever the source sent in ``*_raw`` fields. Lists are Python lists (stored as JSON text).
Fields marked "set by pipelines" are left empty by parsers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Article:
    """A news article page."""

    url: str  # the URL that was fetched (after redirects)
    source: str  # how it was discovered: feed | sitemap | gdelt | urls
    canonical_url: str | None = None  # rel=canonical / og:url, else url; canonicalised by normalise
    outlet: str | None = None  # publisher name (og:site_name, JSON-LD publisher), else host
    title: str | None = None
    authors: list[str] = field(default_factory=list)  # names, no "By"
    section: str | None = None
    published_at: str | None = None  # the document's own time (never the crawl time); NULL if unknown
    published_at_raw: str | None = None  # as the page/feed gave it
    published_local: str | None = None  # the page's own local time with its offset (or a bare date)
    date_source: str | None = None  # where the date came from: jsonld, meta, time, text, url, htmldate, feed
    modified_at: str | None = None
    lang: str | None = None  # ISO 639-1 (en, zh, ...); detected when the page does not say
    text: str | None = None  # main text, paragraphs separated by blank lines
    summary: str | None = None  # feed summary / meta description, HTML removed
    source_url: str | None = None  # the feed / sitemap / API page that led to this article
    extra: dict[str, Any] = field(default_factory=dict)  # source-specific fields (e.g. GDELT seendate)
    # set by pipelines
    id: int | None = None  # hash of canonical_url (53-bit, see pipelines.normalise.stable_id)
    matched_terms: list[str] = field(default_factory=list)
    matched_in: dict[str, list[str]] = field(default_factory=dict)  # field -> terms
    content_hash: str | None = None
    first_seen_at: str | None = None
    last_seen_at: str | None = None
    run_id: str | None = None
    warc_record_id: str | None = None
    duplicate_of: int | None = None  # set by dedupe: the stored article with the same text (this URL is its alias)


@dataclass
class Post:
    """A public social media post (or comment) on one platform."""

    platform: str  # mastodon | bluesky | reddit | hackernews | xiaohongshu | tiktok | douyin | appstore | youtube
    platform_id: str  # the platform's own id (status id, at:// URI, fullname, note id, ...)
    url: str | None = None  # public web URL of the post
    kind: str = "post"  # post | comment | story | note | video | review
    title: str | None = None  # Reddit/HN/RedNote titles; None where the platform has none
    text: str | None = None  # plain text, HTML removed
    lang: str | None = None
    created_at: str | None = None
    created_at_raw: str | None = None
    edited_at: str | None = None
    author: str | None = None  # handle / username (acct, handle, uniqueId, ...)
    author_id: str | None = None  # stable platform account id (did, user_id, account id)
    author_name: str | None = None  # display name
    author_followers: int | None = None
    hashtags: list[str] = field(default_factory=list)  # without '#', as written (case kept)
    mentions: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    like_count: int | None = None
    repost_count: int | None = None
    reply_count: int | None = None
    quote_count: int | None = None
    share_count: int | None = None
    collect_count: int | None = None
    view_count: int | None = None
    community: str | None = None  # subreddit, Mastodon instance, App Store app (id904209370), ...
    reply_to: str | None = None  # platform_id of the parent
    thread_root: str | None = None  # platform_id of the thread's root
    quote_of: str | None = None  # platform_id of a quoted post
    reposted_by: list[str] = field(default_factory=list)  # handles seen boosting/reposting it
    source_query: str | None = None  # the hashtag / query / file that found it
    raw: dict[str, Any] | None = None  # the platform's own payload, for provenance
    observed_at: str | None = None  # when this sighting was captured (Zeeschuimer); None = crawl time
    rating: int | None = None  # App Store reviews: the reviewer's star rating, 1-5
    app_version: str | None = None  # App Store reviews: the app version reviewed (im:version)
    # set by pipelines
    id: int | None = None  # hash of "platform:platform_id"
    matched_terms: list[str] = field(default_factory=list)
    matched_in: dict[str, list[str]] = field(default_factory=dict)
    content_hash: str | None = None
    first_seen_at: str | None = None
    last_seen_at: str | None = None
    run_id: str | None = None
    warc_record_id: str | None = None


@dataclass
class ChartEntry:
    """One app at one rank of one app-store chart snapshot (Apple's marketing-tools RSS feed).

    Every app of a snapshot is one entry, so an app that left the chart is absent from the later
    snapshots (table ``app_chart_entries``, key country + chart + snapshot_at + app_id)."""

    country: str  # ISO 3166 alpha-2, lower case (us, cn)
    chart: str  # top-free | top-paid
    snapshot_at: str | None  # the feed's own `updated` time (UTC ISO after normalise); never the crawl time
    rank: int  # 1-based position in the feed's results
    app_id: str  # the App Store id (digits, as in id904209370)
    app_name: str | None = None
    developer: str | None = None  # artistName
    genres: list[str] = field(default_factory=list)  # genre names, in the feed's order
    url: str | None = None  # the app's App Store page
    release_date: str | None = None  # releaseDate as the feed gave it (YYYY-MM-DD)
    snapshot_raw: str | None = None  # `updated` exactly as the feed wrote it
    feed_url: str | None = None  # the chart feed that was fetched
    raw: dict[str, Any] | None = None  # the feed's own result object, for provenance
    # set by pipelines
    first_seen_at: str | None = None
    run_id: str | None = None

    @property
    def key(self) -> tuple[str, str, str | None, str]:
        return (self.country, self.chart, self.snapshot_at, self.app_id)


PLATFORMS = ("mastodon", "bluesky", "reddit", "hackernews", "xiaohongshu", "tiktok", "douyin", "appstore", "youtube")
PLATFORMS += ("x", "threads", "instagram", "weibo", "bilibili")  # Zeeschuimer and MediaCrawler imports
ARTICLE_SOURCES = ("feed", "sitemap", "gdelt", "urls")
