"""What every observatory spider shares: typed arguments, settings lookup, error accounting.

- ``self.setting_or_arg(arg, setting, topic_key)``: `-a` argument > `-s` setting > topic file.
- ``errback``: every failed request (HTTP 4xx/5xx after retries, DNS, timeout, refused
  connection, redirect loop, off-host redirect of an API spider, too large) is logged once at
  ERROR and counted as ``observatory/errors/<spider>/<kind>`` (Scrapy 2.19 raises its own
  ``DownloadTimeoutError`` / ``CannotResolveHostError``; Twisted's are kept for older paths).
- ``parsed(where, lambda: parser(...))``: runs a pure parser; a response that could not be parsed
  is logged and counted as ``observatory/parse_error/<spider>`` (None is returned), and records
  the parser skipped as ``observatory/parse_skipped/<spider>``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    CloseSpider,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError  # noqa: A004

from crawler.middlewares.redirect_guard import OffHostRedirect
from crawler.parsers import ParseError
from crawler.storage import Store
from crawler.topic import Topic, topic_from_settings


class ArgumentError(ValueError):
    """A spider argument has a bad value: the crawl stops before any request, with one line."""


def parse_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def parse_int(name: str, value: Any, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ArgumentError(f"-a {name}= must be a whole number, got {value!r}") from None
    if number < minimum:
        raise ArgumentError(f"-a {name}= must be >= {minimum}, got {number}")
    return number


def parse_day(name: str, value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ArgumentError(f"-a {name}= must be a date YYYY-MM-DD, got {value!r}") from None


UNREACHABLE = {"dns", "timeout", "connection_refused"}
INT_ARGS = (
    "max_pages",
    "limit",
    "max_articles",
    "max_records",
    "min_window_minutes",
    "window_days",
    "max_depth",
    "comments",
    "lookback_days",
)
DAY_ARGS = ("since", "until", "start", "end")


class ObservatorySpider(scrapy.Spider):
    # Arguments never recorded in `runs.args` (credentials must come from the environment anyway).
    secret_args = {"token", "password", "app_password", "key"}
    # API spiders follow no redirect to another host (crawler/middlewares/redirect_guard.py)
    same_host_redirects_only = False

    @classmethod
    def check_arguments(cls, args: dict[str, Any]) -> None:
        """The typed `-a` arguments every spider shares, checked before the engine starts
        (crawler/commands/crawl.py): a bad value raises ArgumentError with one line."""
        for name in INT_ARGS:
            if args.get(name) not in (None, ""):
                parse_int(name, args[name])
        for name in DAY_ARGS:
            parse_day(name, args.get(name))

    def __init__(self, *args, **kwargs):
        self.public_args = {k: v for k, v in kwargs.items() if k not in self.secret_args}
        self._unreachable = 0  # requests that got no answer at all (DNS, refused, timeout)
        self._reached = False  # some request got an answer
        self._given_up = False
        super().__init__(*args, **kwargs)

    @property
    def store(self) -> Store:
        """The crawl's database (reads only: the store pipeline is the one writer)."""
        return Store.for_crawler(self.crawler)

    def cursor_updates(self) -> dict[str, str]:
        """query -> new cursor value; the store pipeline writes them after a clean finish, once
        every item of the run is committed (so a cursor never covers an unstored item)."""
        return {}

    def seen_again(self) -> list[tuple[str, str, dict]]:
        """(url, source, extra) of stored documents seen again without being fetched."""
        return []

    @property
    def topic(self) -> Topic:
        return topic_from_settings(self.settings)

    def setting_or_arg(self, arg: str, setting: str, topic_key: str | None = None, source: str | None = None) -> Any:
        """`-a arg` beats `-s SETTING` beats the topic file's [sources.<source>] topic_key."""
        value = getattr(self, arg, None)
        if value not in (None, ""):
            return value
        value = self.settings.get(setting)
        if value not in (None, "", [], 0):
            return value
        if topic_key:
            return self.topic.source(source or self.name).get(topic_key)
        return None

    def count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(key, n)

    def errback(self, failure):
        request = failure.request
        if failure.check(HttpError):
            status = failure.value.response.status
            kind = f"http_{status}"
            self.logger.error("HTTP %s from %s", status, request.url)
        elif failure.check(CannotResolveHostError, DNSLookupError):
            kind = "dns"
            self.logger.error("DNS lookup failed for %s", request.url)
        elif failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
            kind = "timeout"
            self.logger.error("timed out fetching %s", request.url)
        elif failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
            kind = "connection_refused"
            self.logger.error("connection refused by %s", request.url)
        elif failure.check(OffHostRedirect):
            kind = "offhost_redirect"
            self.logger.error("%s", failure.getErrorMessage())
        elif failure.check(IgnoreRequest) and "max redirections" in failure.getErrorMessage().lower():
            kind = "redirect_loop"
            self.logger.error("redirect loop (too many redirections) from %s", request.url)
        elif "robots.txt" in failure.getErrorMessage():
            self.logger.warning("not fetched, robots.txt disallows it: %s", request.url)
            self.count(f"observatory/errors/{self.name}/robots_forbidden")
            return
        else:
            kind = failure.type.__name__ if failure.type else "unknown"
            self.logger.error("request failed for %s: %s", request.url, failure.getErrorMessage())
        self.count(f"observatory/errors/{self.name}/{kind}")
        self.count("observatory/errors/total")
        if kind in UNREACHABLE:
            self._unreachable += 1
            limit = self.settings.getint("SOURCE_UNAVAILABLE_AFTER", 5)
            if limit and self._unreachable >= limit and not self._reached and not self._given_up:
                self._given_up = True
                self.logger.error(
                    "%s is unreachable (%d requests failed with no answer at all): stopping this source",
                    self.name,
                    self._unreachable,
                )
                self.count(f"observatory/{self.name}/source_unavailable")
                raise CloseSpider("source_unavailable")

    def parsed(self, where: str, parse: Callable[[], Any], count_skipped: bool = True) -> Any | None:
        """Run a pure parser. A ParseError (or malformed JSON) is logged and counted and gives
        None; records the parser skipped are logged and counted (unless the caller does it itself,
        ``count_skipped=False``). Every callback parses through here."""
        self._reached = True  # an answer came: the source is reachable
        try:
            result = parse()
        except (ParseError, json.JSONDecodeError, RecursionError) as exc:
            self.parse_failed(where, exc)
            return None
        if count_skipped and getattr(result, "skipped", None):
            self.count_skipped(where, result.skipped)
        return result

    def parse_failed(self, url: str, exc: Exception) -> None:
        self.logger.error("could not parse %s: %s", url, exc)
        self.count(f"observatory/parse_error/{self.name}")

    def count_skipped(self, url: str, reasons: list[str]) -> None:
        for reason in reasons:
            self.logger.error("skipped a record in %s: %s", url, reason)
        if reasons:
            self.count(f"observatory/parse_skipped/{self.name}", len(reasons))
