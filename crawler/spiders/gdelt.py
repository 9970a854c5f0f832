"""GDELT DOC 2.0 article lists -> each listed article page -> an Article.

    scrapy crawl gdelt [-a query='("TikTok ban" OR RedNote)'] [-a start=YYYY-MM-DD] [-a end=YYYY-MM-DD]
                       [-a window_days=N] [-a max_records=N] [-a max_articles=N] [-a full=1]

The query is ``-a query=`` / GDELT_QUERY / the topic's [sources.gdelt] query, else built from the
topic's anchor terms (crawler.parsers.gdelt.build_query). The days ``start``..``end`` (default:
the topic's ``since`` .. today, UTC, both inclusive) are cut into windows of ``window_days``
(GDELT_WINDOW_DAYS) and each is asked with ``mode=artlist&format=json&sort=datedesc&
maxrecords=250``. The API never returns more than 250 records and has no paging, so a window that
comes back full is split in two and both halves are asked again, down to GDELT_MIN_WINDOW_MINUTES;
a minimal window that is still full is counted (``observatory/gdelt/window_capped``: records may
be missing there). Note the live DOC API only searches roughly the last three months.

Re-runs are incremental: after a clean finish the spider stores, per query, the span it has fully
walked as a cursor (``cursors`` table, ISO 8601 interval ``FROM/TO``): FROM is the start day, TO
the end of the walked range (capped at the crawl's start time: GDELT cannot list what it has not
seen yet) minus ``CURSOR_OVERLAP`` (GDELT indexes late). The next run whose start day lies inside
that span walks only TO .. end (``observatory/gdelt/resumed_at_cursor``). A start day before FROM
(an explicit ``-a start=``) or after TO walks start .. end as asked; ``-a full=1`` ignores the
cursor. Holes are never skipped: a window request that failed (or could not be parsed), an
article page that failed transiently (5xx, 429, 408, timeout, connection error) or a window cut
short by ``max_articles`` keeps TO at or below that window's start, so the next run asks for it
again. Article pages already stored are not fetched again (``observatory/gdelt/known_skipped``).

Politeness: GDELT asks for one request every 5 seconds and answers faster clients with HTTP 429
("Please limit requests to one every 5 seconds"). ``custom_settings`` below set DOWNLOAD_DELAY=5
without jitter and one request at a time per domain; a 429 is retried by Scrapy's
RetryMiddleware (429 is in RETRY_HTTP_CODES), after that delay.

Stats: ``observatory/gdelt/{windows,windows_split,window_capped,records,resumed_at_cursor}`` plus the shared ones
(a plain-text error reply is a ``observatory/parse_error/gdelt``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.middlewares.conditional import TRANSIENT_STATUS
from crawler.parsers.gdelt import MAX_RECORDS, build_query, parse_artlist
from crawler.spiders.articles import ArticleSpider, Hint
from crawler.spiders.base import ArgumentError, parse_day, parse_int

STAMP = "%Y%m%d%H%M%S"
DEFAULT_API_URL = "https://api.gdeltproject.org/api/v2/doc/doc"
CURSOR_OVERLAP = timedelta(hours=1)  # GDELT lists some articles hours after their seendate


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_span(value: str | None) -> tuple[datetime, datetime] | None:
    """A cursor value ``FROM/TO`` (UTC ISO 8601) -> (FROM, TO); None if absent or malformed."""
    try:
        lo, hi = str(value).split("/")
        return (datetime.fromisoformat(lo.replace("Z", "+00:00")), datetime.fromisoformat(hi.replace("Z", "+00:00")))
    except (TypeError, ValueError):
        return None


class GdeltSpider(ArticleSpider):
    name = "gdelt"
    same_host_redirects_only = True
    custom_settings = {
        # GDELT: "Please limit requests to one every 5 seconds". `-s DOWNLOAD_DELAY=0` (tests) still wins.
        "DOWNLOAD_DELAY": 5.0,
        "DOWNLOAD_DELAY_JITTER": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    }

    def __init__(self, *args, **kwargs):
        # `-a start=` would otherwise replace the `start()` method Scrapy calls: keep it as start_day
        start_day = kwargs.pop("start", None)
        super().__init__(*args, **kwargs)
        self.start_day = start_day
        if start_day is not None:
            self.public_args["start"] = start_day
        self.span: tuple[datetime, datetime] | None = None  # (from, to) this run will have walked
        self.holes: list[datetime] = []  # starts of windows that must be asked again next run

    async def start(self):
        self.api_url = str(self.setting_or_arg("api_url", "GDELT_API_URL", "api_url") or DEFAULT_API_URL)
        self.query = str(self.setting_or_arg("query", "GDELT_QUERY", "query") or "") or build_query(self.topic)
        self.max_records = min(
            parse_int("max_records", self.setting_or_arg("max_records", "GDELT_MAX_RECORDS") or MAX_RECORDS, 1),
            MAX_RECORDS,
        )
        self.max_articles = parse_int("max_articles", getattr(self, "max_articles", 0) or 0)
        window_days = parse_int(
            "window_days", getattr(self, "window_days", None) or self.settings.getint("GDELT_WINDOW_DAYS", 7), 1
        )
        self.min_window = timedelta(
            minutes=parse_int("min_window_minutes", self.settings.getint("GDELT_MIN_WINDOW_MINUTES", 15), 1)
        )
        first = parse_day("start", self.start_day) or self.topic.since
        last = parse_day("end", getattr(self, "end", None)) or datetime.now(UTC).date().isoformat()
        if not self.api_url:
            self.logger.error("no GDELT endpoint configured (GDELT_API_URL or -a api_url=)")
            return
        if not first:
            raise ArgumentError("-a start= is needed when the topic has no `since` day")
        if last < first:
            raise ArgumentError(f"-a end= ({last}) is before start ({first})")
        lookback = parse_int(
            "lookback_days",
            getattr(self, "lookback_days", None)
            if getattr(self, "lookback_days", None) not in (None, "")
            else self.settings.getint("GDELT_LOOKBACK_DAYS", 90),
        )
        oldest = (datetime.now(UTC).date() - timedelta(days=lookback)).isoformat()
        if lookback and first < oldest:
            # the DOC API only searches about the last three months: asking for older windows
            # costs a request each (three tries offline) and finds nothing
            skipped = (date.fromisoformat(oldest) - date.fromisoformat(first)).days
            self.logger.warning(
                "GDELT covers the last %d days only: starting at %s, not %s (%d days skipped; "
                "GDELT_LOOKBACK_DAYS=0 asks anyway)",
                lookback,
                oldest,
                first,
                skipped,
            )
            self.count("observatory/gdelt/days_outside_coverage", skipped)
            first = oldest
            if last < first:
                return
        begin = datetime.fromisoformat(first).replace(tzinfo=UTC)
        stop = datetime.fromisoformat(last).replace(tzinfo=UTC) + timedelta(days=1) - timedelta(seconds=1)
        step = timedelta(days=window_days)
        now = datetime.now(UTC).replace(microsecond=0)
        full = str(getattr(self, "full", "") or "").lower() in ("1", "true", "yes")
        walked = None if full else parse_span(self.store.read_cursors(self.name).get(self.query))
        covered_from = begin
        if walked and walked[0] <= begin <= walked[1]:
            # the days from `begin` up to the cursor were walked by earlier runs: start at the cursor
            covered_from = walked[0]
            if walked[1] >= stop:
                self.logger.info(
                    "GDELT %s .. %s was fully walked by earlier runs (-a full=1 walks it again)", first, last
                )
                self.count("observatory/gdelt/resumed_at_cursor")
                return
            self.logger.info("resuming GDELT at the cursor %s (-a full=1 walks from %s)", iso(walked[1]), first)
            self.count("observatory/gdelt/resumed_at_cursor")
            begin = walked[1]
        self.span = (covered_from, max(begin, min(stop, now) - CURSOR_OVERLAP))
        windows = []
        while begin <= stop:
            windows.append((begin, min(begin + step - timedelta(seconds=1), stop)))
            begin += step
        for lo, hi in reversed(windows):  # newest first, like sort=datedesc
            yield self.window_request(lo, hi)

    def window_request(self, lo: datetime, hi: datetime) -> scrapy.Request:
        """One artlist call for the inclusive window [lo, hi] (second resolution)."""
        params = {
            "query": self.query,
            "mode": "artlist",
            "format": "json",
            "sort": "datedesc",
            "maxrecords": str(self.max_records),
            "startdatetime": lo.strftime(STAMP),
            "enddatetime": hi.strftime(STAMP),
        }
        self.count("observatory/gdelt/windows")
        return scrapy.Request(
            f"{self.api_url}?{urlencode(params)}",
            callback=self.parse_artlist,
            errback=self.errback,
            cb_kwargs={"lo": lo, "hi": hi},
            meta={"gdelt_window": lo},
            dont_filter=True,
        )

    def parse_artlist(self, response, lo: datetime, hi: datetime):
        # skipped records are counted below, only for windows whose records are used (not split)
        page = self.parsed(response.url, lambda: parse_artlist(response.body), count_skipped=False)
        if page is None:
            self.holes.append(lo)  # nothing was listed: ask for this window again next run
            return
        self.count("observatory/gdelt/records", page.extra["count"])
        if page.extra["count"] >= self.max_records:
            if hi - lo >= 2 * self.min_window:
                mid = (lo + (hi - lo) / 2).replace(microsecond=0)
                self.count("observatory/gdelt/windows_split")
                self.logger.info("window %s..%s is full (%d records): split at %s", lo, hi, page.extra["count"], mid)
                # the halves hold every record of this window: its records are taken from them
                yield self.window_request(lo, mid)
                yield self.window_request(mid + timedelta(seconds=1), hi)
                return
            self.count("observatory/gdelt/window_capped")
            self.logger.warning(
                "window %s..%s still returns the %d-record cap at the minimum window size: "
                "some articles in it may be missed",
                lo,
                hi,
                self.max_records,
            )
        self.count_skipped(response.url, page.skipped)
        for rec in page.items:
            if self.max_articles and len(self.requested) >= self.max_articles:
                self.holes.append(lo)  # records left unrequested: the window is not fully walked
                break
            extra = {
                k: v
                for k, v in (
                    ("seendate", rec.seendate),
                    ("domain", rec.domain),
                    ("sourcecountry", rec.sourcecountry),
                    ("language", rec.language),
                )
                if v
            }
            hint = Hint(title=rec.title, published_at=rec.seendate, published_at_raw=rec.seendate_raw, extra=extra)
            request = self.request_article(rec.url, "gdelt", response.url, hint)
            if request is not None:
                request.meta["gdelt_article_of"] = lo
                yield request

    def errback(self, failure):
        """A failed window, or an article page that failed transiently: its window is a hole."""
        meta = failure.request.meta
        if "gdelt_window" in meta:
            self.holes.append(meta["gdelt_window"])
        elif "gdelt_article_of" in meta and self.transient(failure):
            self.holes.append(meta["gdelt_article_of"])
        return super().errback(failure)

    @staticmethod
    def transient(failure) -> bool:
        if failure.check(HttpError):
            return failure.value.response.status in TRANSIENT_STATUS
        return not failure.check(IgnoreRequest)  # timeouts, DNS, refused connections; not robots.txt

    def cursor_updates(self) -> dict[str, str]:
        if self.span is None:
            return {}
        covered_from, covered_to = self.span
        if self.holes:
            covered_to = min(covered_to, *self.holes)
        if covered_to > covered_from:
            return {self.query: f"{iso(covered_from)}/{iso(covered_to)}"}
        return {}
