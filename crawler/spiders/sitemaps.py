"""News outlets' XML sitemaps (Google News sitemaps included) -> each listed article -> an Article.

    scrapy crawl sitemaps [-a sitemaps=URL,URL] [-a sites=ROOT,ROOT] [-a since=YYYY-MM-DD]
                          [-a until=YYYY-MM-DD] [-a max_depth=N] [-a max_articles=N]

Sitemap URLs come from ``-a sitemaps=`` / SITEMAPS_URLS / the topic's [sources.sitemaps] urls;
site roots from ``-a sites=`` / SITEMAPS_SITES / [sources.sitemaps] sites: ``<root>/robots.txt``
is read and each of its ``Sitemap:`` lines followed. Sitemap indexes are followed down to
``max_depth`` levels (SITEMAPS_MAX_DEPTH); an index child whose ``lastmod`` is before the window
is not fetched at all (its pages cannot be newer than the file).

Entries are filtered before any page is fetched:
- by date: the news publication date, else ``lastmod``, must fall in [since, until] (since =
  ``-a since`` or the topic's ``since``; until = ``-a until``); undated entries pass;
- by topic terms: when an entry has a Google News title or keywords, they (plus the URL slug)
  must match the topic (SITEMAPS_REQUIRE_TERMS, default on). Entries without them pass: the
  relevance pipeline judges the page itself.

Stats: ``observatory/sitemaps/{indexes,urlsets,entries,news_entries,filtered_date,filtered_terms,
filtered_sitemaps,depth_limited,robots_without_sitemaps,
malformed_recovered}`` plus the shared error counters.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import scrapy

from crawler.parsers.sitemaps import SitemapEntry, parse_robots_sitemaps, parse_sitemap
from crawler.spiders.articles import ArticleSpider, Hint
from crawler.spiders.base import ArgumentError, parse_day, parse_int, parse_list


def robots_url(site: str) -> str:
    """A site root (``https://example.com`` or ``https://example.com/edition``) -> its robots.txt."""
    return site.rstrip("/") + "/robots.txt"


def url_slug(url: str) -> str:
    """The words of a URL's last meaningful path segment: /2025/01/tiktok-ban-looms.html -> 'tiktok ban looms'."""
    segments = [s for s in urlsplit(url).path.split("/") if s and not re.fullmatch(r"[\d.]+|index\.\w+|amp", s)]
    if not segments:
        return ""
    slug = re.sub(r"\.(s?html?|php|aspx?)$", "", unquote(segments[-1]))
    return re.sub(r"[-_+.]+", " ", slug).strip()


class SitemapsSpider(ArticleSpider):
    name = "sitemaps"

    async def start(self):
        sitemaps = parse_list(self.setting_or_arg("sitemaps", "SITEMAPS_URLS", "urls"))
        sites = parse_list(self.setting_or_arg("sites", "SITEMAPS_SITES", "sites"))
        self.max_articles = parse_int("max_articles", getattr(self, "max_articles", 0) or 0)
        self.max_depth = parse_int(
            "max_depth", getattr(self, "max_depth", None) or self.settings.getint("SITEMAPS_MAX_DEPTH", 3)
        )
        self.since = parse_day("since", getattr(self, "since", None)) or self.topic.since
        self.until = parse_day("until", getattr(self, "until", None))
        if self.since and self.until and self.until < self.since:
            raise ArgumentError(f"-a until= ({self.until}) is before since ({self.since})")
        self.require_terms = self.settings.getbool("SITEMAPS_REQUIRE_TERMS", True)
        if not sitemaps and not sites:
            self.logger.error(
                "no sitemaps configured (topic [sources.sitemaps] urls/sites, SITEMAPS_URLS, "
                "SITEMAPS_SITES, -a sitemaps= or -a sites=)"
            )
            return
        for site in sites:
            yield scrapy.Request(robots_url(site), callback=self.parse_robots, errback=self.errback)
        for url in sitemaps:
            yield self.sitemap_request(url, 0)

    def sitemap_request(self, url: str, depth: int) -> scrapy.Request:
        # conditional: the stored ETag / Last-Modified are sent and a 304 means nothing new (crawler/middlewares/conditional.py)
        return scrapy.Request(
            url,
            callback=self.parse_sitemap,
            errback=self.errback,
            cb_kwargs={"depth": depth},
            meta={"conditional": True},
        )

    def parse_robots(self, response):
        found = parse_robots_sitemaps(response.text, response.url)
        if not found:
            self.logger.warning("no Sitemap: line in %s", response.url)
            self.count("observatory/sitemaps/robots_without_sitemaps")
        for url in found:
            yield self.sitemap_request(url, 0)

    def parse_sitemap(self, response, depth: int):
        page = self.parsed(response.url, lambda: parse_sitemap(response.body, response.url))
        if page is None:
            return
        if page.extra["xml_errors"]:
            self.logger.warning(
                "malformed sitemap %s, read what could be recovered: %s",
                response.url,
                "; ".join(page.extra["xml_errors"]),
            )
            self.count("observatory/sitemaps/malformed_recovered")
        if page.extra["kind"] == "index":
            self.count("observatory/sitemaps/indexes")
            yield from self.follow_index(response.url, page, depth)
            return
        self.count("observatory/sitemaps/urlsets")
        self.count("observatory/sitemaps/entries", len(page.items))
        self.count("observatory/sitemaps/news_entries", page.extra.get("news_entries", 0))
        for entry in page.items:
            if self.max_articles and len(self.requested) >= self.max_articles:
                break
            if not self.in_window(entry):
                self.count("observatory/sitemaps/filtered_date")
                self.logger.debug("out of window (%s): %s", entry.date, entry.loc)
                continue
            if not self.on_topic(entry):
                self.count("observatory/sitemaps/filtered_terms")
                self.logger.debug("no topic term in the news title/keywords/slug: %s", entry.loc)
                continue
            hint = Hint(
                title=entry.news_title,
                published_at=entry.publication_date,
                published_at_raw=entry.publication_date_raw,
                outlet=entry.publication_name,
                extra=self.extra_for(entry),
            )
            request = self.request_article(entry.loc, "sitemap", response.url, hint)
            if request is not None:
                yield request

    def follow_index(self, url: str, page, depth: int):
        children = page.extra["sitemaps"]
        if depth >= self.max_depth:
            self.logger.warning(
                "sitemap index %s is %d levels deep (max_depth=%d): %d children not followed",
                url,
                depth + 1,
                self.max_depth,
                len(children),
            )
            self.count("observatory/sitemaps/depth_limited", len(children))
            return
        for child in children:
            lastmod = page.extra["sitemap_lastmod"].get(child)
            if self.since and lastmod and lastmod[:10] < self.since:
                self.count("observatory/sitemaps/filtered_sitemaps")
                self.logger.debug("sitemap %s last modified %s, before %s: not fetched", child, lastmod, self.since)
                continue
            yield self.sitemap_request(child, depth + 1)

    def in_window(self, entry: SitemapEntry) -> bool:
        day = (entry.date or "")[:10]
        if not day:
            return True
        return not ((self.since and day < self.since) or (self.until and day > self.until))

    def on_topic(self, entry: SitemapEntry) -> bool:
        if not self.require_terms or not entry.has_news:
            return True
        text = " ".join([*entry.news_keywords, url_slug(entry.loc)])
        return self.topic.match(title=entry.news_title, text=text, tags=entry.news_keywords).relevant

    @staticmethod
    def extra_for(entry: SitemapEntry) -> dict:
        extra: dict = {}
        if entry.lastmod:
            extra["sitemap_lastmod"] = entry.lastmod
        if entry.news_keywords:
            extra["news_keywords"] = entry.news_keywords
        if entry.publication_language:
            extra["news_language"] = entry.publication_language
        return extra
