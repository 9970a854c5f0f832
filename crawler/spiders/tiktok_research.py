"""TikTok Research API video search, in windows of at most 30 days, with the videos' comments.

    scrapy crawl tiktok_research [-a hashtags=TikTokRefugee,RedNote] [-a keywords="TikTok ban,小红书"]
                                 [-a regions=US,CA] [-a api_url=...] [-a since=2024-03-01] [-a until=2025-02-01]
                                 [-a window_days=30] [-a max_pages=50] [-a comments=20] [-a full=1]

Needs an approved research client: ``TIKTOK_CLIENT_KEY`` and ``TIKTOK_CLIENT_SECRET`` in the
environment. The spider asks ``/v2/oauth/token/`` for a client token (form body, never logged or
stored), then searches ``/v2/research/video/query/`` with one query built from the topic's
``[sources.tiktok_research]`` hashtags and keywords (``or``: ``hashtag_name IN`` / ``keyword IN``)
and regions (``and``: ``region_code IN``), window by window: ``start_date``..``end_date`` (UTC days,
inclusive, at most 30 apart), paging with ``cursor`` + ``search_id`` while ``has_more``.

Windows are walked one after the other so the covered span stays one piece: first forward from the
newest day covered by earlier runs up to ``until`` (default: today, UTC), then backward from the
oldest day covered down to ``since`` (default: the topic's ``since``). A window counts as covered
only when its last page said ``has_more: false``; the span (``{"oldest", "newest",
"newest_create_time"}``, JSON) is the query's cursor, written after a clean finish. A window that
failed (an error object, even with HTTP 200; a 5xx; a malformed page; ``max_pages`` reached) ends
the walk in that direction: the next run starts there again.

Quota: every research request (video query and comment list) counts against
``TIKTOK_RESEARCH_DAILY_QUOTA`` requests per UTC day, remembered across the day's runs in the
``quota`` cursor; the spider stops asking before the quota ends (``observatory/tiktok_research/
quota_stop``) and when the API answers ``rate_limit_exceeded`` without a ``Retry-After`` (the daily
quota used elsewhere). A 429 with ``Retry-After`` is waited out and retried (RetryAfterMiddleware).
Requests made are ``observatory/tiktok_research/requests``. A 401/403 (or an auth error object)
logs one error naming the variables to set and stops the spider.

Comments (``/v2/research/video/comment/list/``, cursor paging) are fetched for up to ``comments``
videos per run whose ``comment_count`` differs from the one stored by an earlier run.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import scrapy
from scrapy.exceptions import CloseSpider

from crawler.parsers.tiktok_research import (
    AUTH_ERRORS,
    COMMENT_FIELDS,
    PLATFORM,
    QUOTA_ERRORS,
    VIDEO_FIELDS,
    parse_comments,
    parse_token,
    parse_videos,
)
from crawler.spiders.base import ObservatorySpider, parse_day, parse_int, parse_list

TOKEN = "/v2/oauth/token/"
QUERY = "/v2/research/video/query/"
COMMENTS = "/v2/research/video/comment/list/"
AUTH_CODES = [401, 403]
HANDLED = [400, 401, 403, 404, 429, 500, 502, 503, 504]
QUOTA_KEY = "quota"
ENV_HINT = (
    "set TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET to the research client of an approved TikTok Research API project"
)


def yyyymmdd(day: date) -> str:
    return day.strftime("%Y%m%d")


class TikTokResearchSpider(ObservatorySpider):
    name = "tiktok_research"
    same_host_redirects_only = True
    secret_args = ObservatorySpider.secret_args | {"client_key", "client_secret"}

    @classmethod
    def check_arguments(cls, args):
        super().check_arguments(args)
        if args.get("window_days") not in (None, ""):
            days = parse_int("window_days", args["window_days"], 1)
            if days > 30:
                from crawler.spiders.base import ArgumentError

                raise ArgumentError(f"-a window_days= must be at most 30 (the API's limit), got {days}")

    def _configure(self) -> None:
        self.api_url = str(
            self.setting_or_arg("api_url", "TIKTOK_RESEARCH_API_URL", "api_url") or "https://open.tiktokapis.com"
        ).rstrip("/")
        self.hashtags = [
            h.lstrip("#") for h in parse_list(self.setting_or_arg("hashtags", "TIKTOK_RESEARCH_HASHTAGS", "hashtags"))
        ]
        self.keywords = parse_list(self.setting_or_arg("keywords", "TIKTOK_RESEARCH_KEYWORDS", "keywords"))
        self.regions = [
            r.upper() for r in parse_list(self.setting_or_arg("regions", "TIKTOK_RESEARCH_REGIONS", "regions"))
        ]
        self.window_days = min(
            30,
            parse_int(
                "window_days", self.setting_or_arg("window_days", "TIKTOK_RESEARCH_WINDOW_DAYS", "window_days") or 30, 1
            ),
        )
        self.max_pages = parse_int(
            "max_pages", self.setting_or_arg("max_pages", "TIKTOK_RESEARCH_MAX_PAGES", "max_pages") or 50, 1
        )
        comments = getattr(self, "comments", None)
        self.max_comment_videos = parse_int(
            "comments",
            self.settings.getint("TIKTOK_RESEARCH_MAX_COMMENT_VIDEOS", 20) if comments in (None, "") else comments,
        )
        self.quota = self.settings.getint("TIKTOK_RESEARCH_DAILY_QUOTA", 1000)
        today = datetime.now(UTC).date()
        self.until = date.fromisoformat(parse_day("until", getattr(self, "until", None)) or today.isoformat())
        since = parse_day("since", getattr(self, "since", None)) or self.topic.since
        self.since = date.fromisoformat(str(since)) if since else self.until - timedelta(days=self.window_days - 1)
        self.client_key = self.settings.get("TIKTOK_CLIENT_KEY") or ""
        self.client_secret = self.settings.get("TIKTOK_CLIENT_SECRET") or ""
        self.full = str(getattr(self, "full", "")).lower() in ("1", "true", "yes")
        cursors = self.store.read_cursors(self.name)
        self.query_key = self.describe_query()
        self.span = {} if self.full else self.load_span(cursors.get(self.query_key))
        self.used = self.quota_used(cursors.get(QUOTA_KEY))
        self.used_at_start = self.used
        self.token: str | None = None
        self.auth_failed = False
        self.stopped: str | None = None  # why no further requests are made (quota)
        self.stored_counts = self.store.reply_counts(PLATFORM, "%")
        self.comment_videos: set[str] = set()
        self.newest_time = self.span.get("newest_create_time", "")

    # --- the query, the windows and the cursors --------------------------------------------------

    def describe_query(self) -> str:
        """The cursor key: the query in a stable, readable form (a changed topic starts afresh)."""
        parts = [
            f"hashtags={','.join(sorted(h.casefold() for h in self.hashtags))}",
            f"keywords={','.join(sorted(self.keywords))}",
        ]
        if self.regions:
            parts.append(f"regions={','.join(sorted(self.regions))}")
        return ";".join(parts)

    def query_body(self) -> dict:
        ors = []
        if self.hashtags:
            ors.append({"operation": "IN", "field_name": "hashtag_name", "field_values": self.hashtags})
        if self.keywords:
            ors.append({"operation": "IN", "field_name": "keyword", "field_values": self.keywords})
        query: dict = {"or": ors}
        if self.regions:
            query["and"] = [{"operation": "IN", "field_name": "region_code", "field_values": self.regions}]
        return query

    @staticmethod
    def load_span(value: str | None) -> dict:
        try:
            span = json.loads(value or "{}")
            date.fromisoformat(span["oldest"])
            date.fromisoformat(span["newest"])
        except (ValueError, KeyError, TypeError):
            return {}
        return span

    def quota_used(self, value: str | None) -> int:
        try:
            found = json.loads(value or "{}")
        except ValueError:
            return 0
        today = datetime.now(UTC).date().isoformat()
        used = found.get("used") if isinstance(found, dict) and found.get("day") == today else 0
        return used if isinstance(used, int) and used >= 0 else 0

    def windows(self) -> list[tuple[date, date, str]]:
        """(start, end, direction) in walking order: forward from the covered span to ``until``,
        then backward from it to ``since``; all of since..until when nothing is covered."""
        size = timedelta(days=self.window_days - 1)
        out: list[tuple[date, date, str]] = []
        if self.span:
            oldest, newest = date.fromisoformat(self.span["oldest"]), date.fromisoformat(self.span["newest"])
            start = newest  # the newest covered day again: the API adds that day's late videos
            while start <= self.until:
                end = min(start + size, self.until)
                out.append((start, end, "forward"))
                start = end + timedelta(days=1)
            end = oldest - timedelta(days=1)
        else:
            end = self.until
        while end >= self.since:
            start = max(end - size, self.since)
            out.append((start, end, "backward"))
            end = start - timedelta(days=1)
        return out

    def cursor_updates(self) -> dict[str, str]:
        values = {QUOTA_KEY: json.dumps({"day": datetime.now(UTC).date().isoformat(), "used": self.used})}
        if self.span:
            self.span["newest_create_time"] = self.newest_time or self.span.get("newest_create_time", "")
            values[self.query_key] = json.dumps(self.span, sort_keys=True)
        return values

    # --- requests --------------------------------------------------------------------------------

    def may_request(self) -> bool:
        if self.stopped:
            return False
        if self.used >= self.quota:
            self.stop_for_quota(
                f"the daily quota of {self.quota} requests is used up "
                f"(TIKTOK_RESEARCH_DAILY_QUOTA); the next run goes on from here"
            )
            return False
        self.used += 1
        self.count("observatory/tiktok_research/requests")
        return True

    def stop_for_quota(self, why: str) -> None:
        if not self.stopped:
            self.stopped = "quota"
            self.logger.warning("TikTok Research API: %s", why)
            self.count("observatory/tiktok_research/quota_stop")

    async def start(self):
        self._configure()
        if not self.hashtags and not self.keywords:
            self.logger.error(
                "no TikTok research query configured (topic [sources.tiktok_research] hashtags/"
                "keywords, or -a hashtags=/keywords=)"
            )
            return
        if not self.client_key or not self.client_secret:
            self.logger.error("TikTok Research API needs credentials: %s", ENV_HINT)
            self.count(f"observatory/errors/{self.name}/no_credentials")
            return
        self.plan = self.windows()
        self.crawler.stats.set_value("observatory/tiktok_research/windows_planned", len(self.plan))
        if not self.plan:
            return
        body = urlencode(
            {"client_key": self.client_key, "client_secret": self.client_secret, "grant_type": "client_credentials"}
        )
        yield scrapy.Request(
            self.api_url + TOKEN,
            method="POST",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cache-Control": "no-cache"},
            callback=self.parse_token,
            errback=self.errback,
            meta={"handle_httpstatus_list": [400, *AUTH_CODES], "dont_retry": True},
        )

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}

    def parse_token(self, response):
        page = self.parsed(response.url, lambda: parse_token(response.text))
        if page is None:
            return
        if "error" in page.extra or response.status != 200:
            self.denied(response, page.extra.get("error") or {"code": f"http_{response.status}"})
        self.token = page.extra["access_token"]
        request = self.window_request(0)
        if request is not None:
            yield request

    def window_request(self, index: int, cursor: int = 0, search_id: str | None = None, page: int = 1):
        if index >= len(self.plan) or not self.may_request():
            return None
        start, end, direction = self.plan[index]
        body = {
            "query": self.query_body(),
            "start_date": yyyymmdd(start),
            "end_date": yyyymmdd(end),
            "max_count": 100,
            "cursor": cursor,
            "is_random": False,
        }
        if search_id:
            body["search_id"] = search_id
        return scrapy.Request(
            f"{self.api_url}{QUERY}?{urlencode({'fields': VIDEO_FIELDS})}",
            method="POST",
            body=json.dumps(body, ensure_ascii=False),
            headers=self.headers(),
            callback=self.parse_window,
            errback=self.window_failed,
            dont_filter=True,
            meta={"handle_httpstatus_list": HANDLED},
            cb_kwargs={"index": index, "page": page},
        )

    def next_window(self, index: int):
        """The window after ``index``, which was covered (the plan is forward windows, then backward)."""
        return self.window_request(index + 1)

    def after_failure(self, index: int, direction: str):
        """A window that is not covered ends the walk in its direction; after a forward walk the
        backward one still comes (it grows the span at its other end)."""
        if direction != "forward":
            return None
        first_back = next((n for n in range(index + 1, len(self.plan)) if self.plan[n][2] == "backward"), None)
        return self.window_request(first_back) if first_back is not None else None

    def parse_window(self, response, index: int, page: int):
        start, end, direction = self.plan[index]
        result = self.parsed(response.url, lambda: parse_videos(response.text, self.query_key))
        error = result.extra.get("error") if result is not None else None
        if error or response.status != 200 or result is None:
            if result is not None and not self.api_failed(response, error):
                return  # quota: nothing more is asked
            self.count("observatory/tiktok_research/windows_failed")
            request = self.after_failure(index, direction)
            if request is not None:
                yield request
            return
        self.count("observatory/tiktok_research/pages")
        yield from result.items
        if result.extra.get("max_created_at") and result.extra["max_created_at"] > self.newest_time:
            self.newest_time = result.extra["max_created_at"]
        for post in result.items:
            request = self.maybe_comments(post)
            if request is not None:
                yield request
        if result.next and page < self.max_pages:
            request = self.window_request(index, int(result.next), result.extra.get("search_id"), page + 1)
            if request is not None:
                yield request
            return
        if result.next:  # max_pages reached: not covered, the next run asks again
            self.count("observatory/tiktok_research/windows_capped")
            request = self.after_failure(index, direction)
        else:
            self.cover(start, end)
            self.count("observatory/tiktok_research/windows_covered")
            request = self.next_window(index)
        if request is not None:
            yield request

    def cover(self, start: date, end: date) -> None:
        """Grow the covered span by a window that touches it (windows are walked so they do)."""
        if not self.span:
            self.span = {"oldest": start.isoformat(), "newest": end.isoformat()}
            return
        oldest, newest = date.fromisoformat(self.span["oldest"]), date.fromisoformat(self.span["newest"])
        if start <= newest + timedelta(days=1) and end >= oldest - timedelta(days=1):
            self.span["oldest"] = min(oldest, start).isoformat()
            self.span["newest"] = max(newest, end).isoformat()

    def window_failed(self, failure):
        """A timeout, a refused connection, an HTTP error after retries: counted, the walk goes on
        as after any failed window."""
        self.count("observatory/tiktok_research/windows_failed")
        self.errback(failure)
        index = failure.request.cb_kwargs["index"]
        request = self.after_failure(index, self.plan[index][2])
        return [request] if request is not None else []

    def api_failed(self, response, error: dict | None) -> bool:
        """Log and count a failed research response. False when nothing more is to be asked."""
        code = (error or {}).get("code") or f"http_{response.status}"
        if response.status in AUTH_CODES or code in AUTH_ERRORS:
            self.denied(response, error or {"code": code})
        if code in QUOTA_ERRORS or response.status == 429:
            self.stop_for_quota(f"the API answered {code} (HTTP {response.status}): the daily quota is used up")
            return False
        self.logger.error(
            "TikTok Research API error %s (HTTP %s) from %s: %s (log_id %s)",
            code,
            response.status,
            response.url,
            (error or {}).get("message", ""),
            (error or {}).get("log_id", ""),
        )
        self.count(f"observatory/errors/{self.name}/api_{code}")
        self.count("observatory/errors/total")
        return True

    def denied(self, response, error: dict) -> None:
        if not self.auth_failed:
            self.auth_failed = True
            self.logger.error(
                "TikTok Research API refused the client (%s, HTTP %s from %s): %s",
                error.get("code"),
                response.status,
                response.url,
                ENV_HINT,
            )
            self.count(f"observatory/errors/{self.name}/auth")
        raise CloseSpider("auth_failed")

    # --- comments --------------------------------------------------------------------------------

    def maybe_comments(self, post):
        if not post.reply_count or post.platform_id in self.comment_videos:
            return None
        if self.stored_counts.get(post.platform_id) == post.reply_count:
            self.count("observatory/tiktok_research/comments_unchanged")
            return None
        if len(self.comment_videos) >= self.max_comment_videos:
            return None
        self.comment_videos.add(post.platform_id)
        return self.comments_request(post.platform_id)

    def comments_request(self, video_id: str, cursor: int = 0):
        if not self.may_request():
            return None
        body = {"video_id": int(video_id), "max_count": 100, "cursor": cursor}
        return scrapy.Request(
            f"{self.api_url}{COMMENTS}?{urlencode({'fields': COMMENT_FIELDS})}",
            method="POST",
            body=json.dumps(body),
            headers=self.headers(),
            callback=self.parse_comment_page,
            errback=self.errback,
            dont_filter=True,
            meta={"handle_httpstatus_list": HANDLED},
            cb_kwargs={"video_id": video_id},
        )

    def parse_comment_page(self, response, video_id: str):
        result = self.parsed(response.url, lambda: parse_comments(response.text, video_id, self.query_key))
        error = result.extra.get("error") if result is not None else None
        if error or response.status != 200 or result is None:
            if result is not None:
                self.api_failed(response, error)
            return
        self.count("observatory/tiktok_research/comment_pages")
        yield from result.items
        if result.next:
            request = self.comments_request(video_id, int(result.next))
            if request is not None:
                yield request
