"""scrapy-redis's duplicate filter (one Redis set per spider, shared by every worker), waiting
through a Redis restart instead of failing the request."""

from __future__ import annotations

from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.scaleout.redisconn import retrying


class DupeFilter(RFPDupeFilter):
    wait = 60.0

    @classmethod
    def from_spider(cls, spider):
        df = super().from_spider(spider)
        df.wait = spider.crawler.settings.getfloat("SCALEOUT_REDIS_WAIT", 60)
        return df

    def request_seen(self, request):
        return retrying(lambda: RFPDupeFilter.request_seen(self, request), self.wait, "duplicate filter")
