"""Spider middleware: every Article / Post gets the WARC record id of the response it came from
(``request.meta["warc_record_id"]``, set by crawler/middlewares/archive.py or replay.py)."""

from __future__ import annotations

from crawler.items import Article, Post


class WarcRecordIdMiddleware:
    """Spider middleware: every Article / Post gets the WARC record id of the response it came from."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    @staticmethod
    def _tag(o, response):
        if isinstance(o, (Article, Post)) and response is not None and not o.warc_record_id:
            o.warc_record_id = response.meta.get("warc_record_id")
        return o

    def process_spider_output(self, response, result):
        for o in result:
            yield self._tag(o, response)

    async def process_spider_output_async(self, response, result):
        async for o in result:
            yield self._tag(o, response)
