"""YouTube Data API v3: videos found by ``search.list``, their statistics (``videos.list``) and
comments (``commentThreads.list``).

    scrapy crawl youtube [-a queries="TikTok ban,RedNote,..."] [-a api_url=...] [-a max_pages=5]
                         [-a since=2025-01-01] [-a until=2025-02-01] [-a comments=20] [-a full=1]

Needs ``YOUTUBE_API_KEY`` in the environment; it travels in the ``X-Goog-Api-Key`` header (not in
the URL, so it is not in logged or archived URLs). For each query: ``search.list`` (``type=video``,
``order=date``, ``publishedAfter`` = the newest ``publishedAt`` an earlier run stored for the query,
else ``since``; ``publishedBefore`` = ``until``) followed through ``nextPageToken`` up to
``max_pages``; each page's video ids go to one ``videos.list`` (``snippet,statistics``), whose
records become the Posts (statistics as counts). A query's cursor advances only when its paging
reached the end, so a run cut short by ``max_pages`` or the quota leaves no gap.

Comments: ``commentThreads.list`` (``snippet,replies``, ``order=time``) for up to ``comments``
videos per run whose ``commentCount`` differs from the one stored by an earlier run; top-level
comments and their replies are Posts of kind ``comment`` (``reply_to`` the video or the parent).
A video with comments turned off (403 ``commentsDisabled``) or gone (404) is counted, not fatal.

Quota: each call is priced before it is made (search.list 100 units, videos.list 1,
commentThreads.list 1) and counted in ``observatory/youtube/quota_units``; units spent are kept per
Pacific day (Google resets quota at midnight Pacific time) in the ``quota`` cursor, and no call is
made that would pass ``YOUTUBE_DAILY_QUOTA`` (``observatory/youtube/quota_stop``): the run finishes
cleanly. A 403 ``quotaExceeded`` (the quota spent elsewhere) stops it the same way. A bad or
missing key (400 ``keyInvalid``, 401/403 ``forbidden`` and the like) logs one error naming
``YOUTUBE_API_KEY`` and stops the spider. 429s with ``Retry-After`` are waited out and retried.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import scrapy
from scrapy.exceptions import CloseSpider

from crawler.parsers import load_json
from crawler.parsers.youtube import (
    AUTH_REASONS,
    PLATFORM,
    QUOTA_REASONS,
    api_error,
    parse_comment_threads,
    parse_search,
    parse_videos,
)
from crawler.spiders.base import ObservatorySpider, parse_day, parse_int, parse_list

COSTS = {"search": 100, "videos": 1, "commentThreads": 1}
HANDLED = [400, 401, 403, 404, 429]
PACIFIC = ZoneInfo("America/Los_Angeles")
QUOTA_KEY = "quota"
ENV_HINT = "set YOUTUBE_API_KEY to an API key of a Google Cloud project with the YouTube Data API v3 enabled"


def pacific_day() -> str:
    return datetime.now(UTC).astimezone(PACIFIC).date().isoformat()


class YouTubeSpider(ObservatorySpider):
    name = "youtube"
    same_host_redirects_only = True

    def _configure(self) -> None:
        self.queries = parse_list(self.setting_or_arg("queries", "YOUTUBE_QUERIES", "queries"))
        self.api_url = str(
            self.setting_or_arg("api_url", "YOUTUBE_API_URL", "api_url") or "https://www.googleapis.com/youtube/v3"
        ).rstrip("/")
        self.max_pages = parse_int(
            "max_pages", self.setting_or_arg("max_pages", "YOUTUBE_MAX_PAGES", "max_pages") or 5, 1
        )
        comments = getattr(self, "comments", None)
        self.max_comment_videos = parse_int(
            "comments", self.settings.getint("YOUTUBE_MAX_COMMENT_VIDEOS", 20) if comments in (None, "") else comments
        )
        self.budget = self.settings.getint("YOUTUBE_DAILY_QUOTA", 10000)
        self.since = parse_day("since", getattr(self, "since", None))
        self.until = parse_day("until", getattr(self, "until", None))
        self.key = self.settings.get("YOUTUBE_API_KEY") or ""
        self.full = str(getattr(self, "full", "")).lower() in ("1", "true", "yes")
        cursors = self.store.read_cursors(self.name)
        self.spent = self.units_spent(cursors.pop(QUOTA_KEY, None))
        self.cursors = {} if self.full else cursors
        self.stored_counts = self.store.reply_counts(PLATFORM, "%")
        self.newest: dict[str, str] = {}  # query -> newest publishedAt seen this run
        self.complete: set[str] = set()  # queries whose paging reached the end
        self.comment_videos: set[str] = set()
        self.stopped = False
        self.auth_failed = False

    def units_spent(self, value: str | None) -> int:
        try:
            found = json.loads(value or "{}")
        except ValueError:
            return 0
        spent = found.get("units") if isinstance(found, dict) and found.get("day") == pacific_day() else 0
        return spent if isinstance(spent, int) and spent >= 0 else 0

    def afford(self, method: str) -> bool:
        """Price a call before making it; False (and a clean stop) when the budget would be passed."""
        cost = COSTS[method]
        if self.stopped:
            return False
        if self.spent + cost > self.budget:
            self.stop_for_quota(
                f"{method} would pass the daily budget of {self.budget} units "
                f"(YOUTUBE_DAILY_QUOTA; {self.spent} spent today)"
            )
            return False
        self.spent += cost
        self.count("observatory/youtube/quota_units", cost)
        self.count(f"observatory/youtube/calls/{method}")
        return True

    def stop_for_quota(self, why: str) -> None:
        if not self.stopped:
            self.stopped = True
            self.logger.warning("YouTube: %s; no further calls this run", why)
            self.count("observatory/youtube/quota_stop")

    async def start(self):
        self._configure()
        if not self.queries:
            self.logger.error("no YouTube queries configured (topic [sources.youtube] queries or -a queries=)")
            return
        if not self.key:
            self.logger.error("YouTube Data API needs a key: %s", ENV_HINT)
            self.count(f"observatory/errors/{self.name}/no_credentials")
            return
        for query in self.queries:
            request = self.search_request(query)
            if request is not None:
                yield request

    def request(self, method: str, params: dict, callback, **cb_kwargs):
        if not self.afford(method):
            return None
        return scrapy.Request(
            f"{self.api_url}/{method}?{urlencode(params)}",
            headers={"X-Goog-Api-Key": self.key, "Accept": "application/json"},
            callback=callback,
            errback=self.errback,
            meta={"handle_httpstatus_list": HANDLED},
            cb_kwargs=cb_kwargs,
        )

    def search_request(self, query: str, token: str | None = None, page: int = 1):
        params = {"part": "snippet", "q": query, "type": "video", "order": "date", "maxResults": 50}
        after = self.cursors.get(query) or (f"{self.since}T00:00:00Z" if self.since else None)
        if after:
            params["publishedAfter"] = after
        if self.until:
            params["publishedBefore"] = f"{self.until}T00:00:00Z"
        if token:
            params["pageToken"] = token
        return self.request("search", params, self.parse_search, query=query, page=page)

    def failed(self, response, what: str) -> dict | None:
        """None for a usable 200; else logs, counts and returns the error (stops on auth/quota)."""
        if response.status == 200:
            return None
        try:
            error = api_error(load_json(response.text)) or {}
        except Exception:  # a non-JSON error page
            error = {}
        reason = error.get("reason") or f"http_{response.status}"
        if reason in QUOTA_REASONS:
            self.stop_for_quota(f"the API answered {reason}")
            return error or {"reason": reason}
        if reason in AUTH_REASONS or response.status == 401 or (response.status == 403 and not error):
            if not self.auth_failed:
                self.auth_failed = True
                self.logger.error(
                    "YouTube refused the key (%s, HTTP %s from %s): %s",
                    reason,
                    response.status,
                    response.url.split("?")[0],
                    ENV_HINT,
                )
                self.count(f"observatory/errors/{self.name}/auth")
            raise CloseSpider("auth_failed")
        if reason == "commentsDisabled":
            self.count("observatory/youtube/comments_disabled")
            return error
        self.logger.error("YouTube %s failed: %s (HTTP %s) %s", what, reason, response.status, error.get("message", ""))
        self.count(f"observatory/errors/{self.name}/{reason}")
        self.count("observatory/errors/total")
        return error or {"reason": reason}

    def parse_search(self, response, query: str, page: int):
        if self.failed(response, "search.list"):
            return
        result = self.parsed(response.url, lambda: parse_search(response.text))
        if result is None:
            return
        self.count("observatory/youtube/search_pages")
        newest = result.extra.get("max_published")
        if newest and newest > self.newest.get(query, ""):
            self.newest[query] = newest
        ids = result.extra.get("video_ids") or []
        if ids:
            request = self.request(
                "videos",
                {"part": "snippet,statistics", "id": ",".join(ids), "maxResults": 50},
                self.parse_videos,
                query=query,
            )
            if request is not None:
                yield request
        if result.next and page < self.max_pages:
            request = self.search_request(query, result.next, page + 1)
            if request is not None:
                yield request
        elif result.next:
            self.count("observatory/youtube/queries_capped")  # cursor kept: the next run asks again
        else:
            self.complete.add(query)

    def parse_videos(self, response, query: str):
        if self.failed(response, "videos.list"):
            return
        result = self.parsed(response.url, lambda: parse_videos(response.text, query))
        if result is None:
            return
        yield from result.items
        for post in result.items:
            request = self.maybe_comments(post)
            if request is not None:
                yield request

    def maybe_comments(self, post):
        if not post.reply_count or post.platform_id in self.comment_videos:
            return None
        if self.stored_counts.get(post.platform_id) == post.reply_count:
            self.count("observatory/youtube/comments_unchanged")
            return None
        if len(self.comment_videos) >= self.max_comment_videos:
            return None
        self.comment_videos.add(post.platform_id)
        return self.comments_request(post.platform_id, post.source_query)

    def comments_request(self, video_id: str, query: str | None, token: str | None = None):
        params = {
            "part": "snippet,replies",
            "videoId": video_id,
            "maxResults": 100,
            "order": "time",
            "textFormat": "plainText",
        }
        if token:
            params["pageToken"] = token
        return self.request("commentThreads", params, self.parse_comments, video_id=video_id, query=query)

    def parse_comments(self, response, video_id: str, query: str | None):
        if self.failed(response, "commentThreads.list"):
            return
        result = self.parsed(response.url, lambda: parse_comment_threads(response.text, video_id, query))
        if result is None:
            return
        self.count("observatory/youtube/comment_pages")
        yield from result.items
        if result.next:
            request = self.comments_request(video_id, query, result.next)
            if request is not None:
                yield request

    def cursor_updates(self) -> dict[str, str]:
        values = {QUOTA_KEY: json.dumps({"day": pacific_day(), "units": self.spent})}
        for query in self.complete:
            if query in self.newest and self.newest[query] > self.cursors.get(query, ""):
                values[query] = self.newest[query]
        return values
