"""Raw archive (downloader middleware): every response a spider receives, as received, in one WARC file per run.

``ArchiveMiddleware`` (a downloader middleware next to the downloader, so it sees the request
headers as sent and the response before decompression and redirects) writes to
``ARCHIVE_DIR/<run_id>.warc.gz``: first a ``warcinfo`` record (spider, arguments, run id, the
spider's cursors at the start), then a ``request`` and a ``response`` record per exchange
(robots.txt excluded). Credentials are never archived: authorisation and cookie headers are dropped,
credential query parameters (``key=``, ``access_token=``) redacted, and login/token exchanges
(``crawler.archive.CREDENTIAL_PATHS``, or ``meta={"dont_archive": True}``) skipped whole; with
``PSEUDONYMISE_AUTHORS`` on the archive is off. Each record is one gzip member written with one ``write`` and flushed, so a
killed crawl leaves a file readable up to its last complete record. The response record's
``WARC-Record-ID`` goes into ``request.meta["warc_record_id"]``, and ``WarcRecordIdMiddleware`` (a
spider middleware) copies it into ``warc_record_id`` of every Article / Post the response yields.

``ARCHIVE_ENABLED = False`` turns it off; replays (crawler/ops/replay.py) never archive.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.archive import archive_dir, header_pairs, is_credential_exchange, is_robots, reason_phrase, redact_url
from crawler.runid import run_id_for
from crawler.storage import Store

logger = logging.getLogger(__name__)


class ArchiveMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.dir = archive_dir(crawler.settings)
        self.path: Path | None = None
        self.fh = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not s.getbool("ARCHIVE_ENABLED", True) or s.get("REPLAY_WARC"):
            raise NotConfigured
        if s.getbool("PSEUDONYMISE_AUTHORS"):
            # raw responses hold every handle and display name: an archive would undo the pseudonyms
            logger.warning("raw archive off: PSEUDONYMISE_AUTHORS is on and the archive would keep the real handles")
            raise NotConfigured
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def _write(self, build) -> str:
        """Build one record with a throwaway writer; append it as one gzip member; flush."""
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        record = build(writer)
        writer.write_record(record)
        self.fh.write(buf.getvalue())
        self.fh.flush()
        return record.rec_headers.get_header("WARC-Record-ID")

    def _open(self) -> None:
        spider = self.crawler.spider
        run_id = run_id_for(self.crawler)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / f"{run_id}.warc.gz"
        self.fh = open(self.path, "ab")
        info = {
            "software": "TikTok Refugee Observatory (Scrapy)",
            "format": "WARC File Format 1.0",
            "run_id": run_id,
            "spider": spider.name,
            "args": json.dumps(getattr(spider, "public_args", {}), ensure_ascii=False, sort_keys=True),
            "cursors": json.dumps(self._cursors(spider.name), ensure_ascii=False, sort_keys=True),
        }
        self._write(lambda w: w.create_warcinfo_record(self.path.name, info))
        self.crawler.stats.set_value("observatory/archive/file", str(self.path))
        logger.info("archiving responses to %s", self.path)

    def _cursors(self, source: str) -> dict[str, str]:
        try:
            return Store.for_crawler(self.crawler).read_cursors(source)
        except Exception:  # the archive must never stop a crawl
            return {}

    def process_response(self, request, response):
        if is_robots(request):
            return response
        if is_credential_exchange(request):
            self.crawler.stats.inc_value("observatory/archive/credential_exchanges_skipped")
            return response
        if self.fh is None:
            self._open()
        url = redact_url(request.url)
        req_line = f"{request.method} {url} HTTP/1.1"
        req_headers = StatusAndHeaders(req_line, header_pairs(request.headers), is_http_request=True)
        resp_headers = StatusAndHeaders(
            f"{response.status} {reason_phrase(response.status)}", header_pairs(response.headers), protocol="HTTP/1.1"
        )
        body = response.body
        record_id = self._write(
            lambda w: w.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=resp_headers
            )
        )
        self._write(
            lambda w: w.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(request.body or b""),
                length=len(request.body or b""),
                http_headers=req_headers,
                warc_headers_dict={"WARC-Concurrent-To": record_id},
            )
        )
        request.meta["warc_record_id"] = record_id
        self.crawler.stats.inc_value("observatory/archive/records")
        return response

    def spider_closed(self, spider, reason):
        if self.fh is not None:
            self.fh.close()
            self.fh = None
