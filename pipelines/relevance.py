"""Relevance: keep documents that match the topic's terms; record which terms matched where.

App Store items are on topic by construction, so no term has to match: chart entries pass
through untouched (``observatory/relevance/appstore_chart``), and reviews of the followed apps
(the spider fetches no others) are kept with the reason in ``matched_in["app"]`` - the app's name
from the topic's ``[sources.appstore] apps`` (else ``id<app id>``) - beside any terms that matched
(``observatory/relevance/appstore_review``). The window check applies to reviews as to any post.

Dropped items count ``observatory/relevance/dropped`` (no anchor term) and
``observatory/relevance/out_of_window`` (published before the topic's `since` day), and are
logged at DEBUG: they are expected.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.items import Article, ChartEntry
from crawler.topic import topic_from_settings


class RelevancePipeline:
    def __init__(self, crawler):
        self.stats = crawler.stats
        self.topic = topic_from_settings(crawler.settings)
        self.keep_all = crawler.settings.getbool("RELEVANCE_KEEP_ALL")
        self.apps = self.app_names()
        self.since = self.topic.since if crawler.settings.getbool("RELEVANCE_ENFORCE_WINDOW") else None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def app_names(self) -> dict[str, str]:
        """community (``id<app id>``) -> app name, from the topic's [sources.appstore] apps."""
        apps = self.topic.source("appstore").get("apps") or []
        return {f"id{a['id']}": str(a.get("name") or a["id"]) for a in apps if isinstance(a, dict) and a.get("id")}

    def process_item(self, item):
        if isinstance(item, ChartEntry):
            self.stats.inc_value("observatory/relevance/appstore_chart")
            return item
        followed_app = not isinstance(item, Article) and item.platform == "appstore" and item.kind == "review"
        if isinstance(item, Article):
            when = item.published_at
            match = self.topic.match(title=item.title, text="\n".join(x for x in (item.summary, item.text) if x))
            tags: list[str] = []
        else:
            when = item.created_at
            tags = item.hashtags
            match = self.topic.match(title=item.title, text=item.text, tags=tags)
        if self.since and when and when[:10] < self.since:
            self.stats.inc_value("observatory/relevance/out_of_window")
            raise DropItem(f"published {when[:10]}, before the topic window ({self.since})")
        if followed_app:
            item.matched_terms = match.terms
            item.matched_in = {**match.where, "app": [self.apps.get(item.community or "", item.community or "?")]}
            self.stats.inc_value("observatory/relevance/appstore_review")
            self.stats.inc_value("observatory/relevance/kept")
            return item
        if not match.relevant and not self.keep_all:
            self.stats.inc_value("observatory/relevance/dropped")
            raise DropItem("no topic term matched")
        item.matched_terms = match.terms
        item.matched_in = match.where
        self.stats.inc_value("observatory/relevance/kept")
        return item
