"""Mastodon public hashtag timelines on the configured instances.

    scrapy crawl mastodon [-a instances=https://mastodon.social,...] [-a hashtags=TikTokRefugee,...]
                          [-a max_pages=25] [-a full=1]

First run per (instance, hashtag): walk back through ``rel="next"`` (``max_id``) up to
``max_pages``. Later runs: start from the stored cursor (the newest status id seen) with
``min_id`` and walk ``rel="prev"`` until an empty page, so only new statuses are fetched.
``-a full=1`` ignores the cursors.
"""

from __future__ import annotations

from urllib.parse import quote

import scrapy

from crawler.parsers.mastodon import next_link, parse_statuses
from crawler.spiders.base import ObservatorySpider, parse_int, parse_list


class MastodonSpider(ObservatorySpider):
    name = "mastodon"
    same_host_redirects_only = True

    def _configure(self) -> None:
        self.instances = [
            u.rstrip("/") for u in parse_list(self.setting_or_arg("instances", "MASTODON_INSTANCES", "instances"))
        ]
        self.hashtags = [
            t.lstrip("#") for t in parse_list(self.setting_or_arg("hashtags", "MASTODON_HASHTAGS", "hashtags"))
        ]
        self.max_pages = parse_int(
            "max_pages", self.setting_or_arg("max_pages", "MASTODON_MAX_PAGES", "max_pages") or 25, 1
        )
        self.limit = self.settings.getint("MASTODON_PAGE_LIMIT", 40)
        self.full = str(getattr(self, "full", "")).lower() in ("1", "true", "yes")
        self.cursors = {} if self.full else self.store.read_cursors(self.name)
        self.newest: dict[str, str] = {}

    async def start(self):
        self._configure()
        if not self.instances or not self.hashtags:
            self.logger.error(
                "no Mastodon instances or hashtags configured (topic [sources.mastodon] or -a instances=/hashtags=)"
            )
            return
        for instance in self.instances:
            for tag in self.hashtags:
                key = f"{instance}#{tag}"
                url = f"{instance}/api/v1/timelines/tag/{quote(tag)}?limit={self.limit}"
                cursor = self.cursors.get(key)
                if cursor:
                    url += f"&min_id={cursor}"
                yield scrapy.Request(
                    url,
                    callback=self.parse_timeline,
                    errback=self.errback,
                    cb_kwargs={"instance": instance, "tag": tag, "page": 1, "newer": bool(cursor)},
                )

    def parse_timeline(self, response, instance: str, tag: str, page: int, newer: bool):
        result = self.parsed(response.url, lambda: parse_statuses(response.text, instance, tag))
        if result is None:
            return
        self.count("observatory/mastodon/pages")
        yield from result.items
        key = f"{instance}#{tag}"
        newest = result.extra.get("newest_id")
        if newest and (key not in self.newest or (len(newest), newest) > (len(self.newest[key]), self.newest[key])):
            self.newest[key] = newest
        link = next_link(response.headers.get("Link", b"").decode("latin-1"), "prev" if newer else "next")
        if link and result.extra.get("newest_id") and (newer or page < self.max_pages):
            yield response.follow(
                link,
                callback=self.parse_timeline,
                errback=self.errback,
                cb_kwargs={"instance": instance, "tag": tag, "page": page + 1, "newer": newer},
            )

    def cursor_updates(self) -> dict[str, str]:
        return dict(self.newest)
