"""Reddit search (``/search.json``, ``/r/<sub>/search.json``) and comment threads.

    scrapy crawl reddit [-a queries="TikTok ban,RedNote,..."] [-a subreddits=TikTok,RedNote]
                        [-a api_url=...] [-a max_pages=10] [-a limit=100] [-a comments=50]
                        [-a since=2025-01-10] [-a full=1]

Each query is searched site-wide and, restricted (``restrict_sr=1``), in each listed subreddit,
newest first, following ``after`` up to ``max_pages``. Later runs stop paging once a page reaches
the newest post stored for that search (the cursor). The comment threads (``/comments/<id>.json``)
of up to ``comments`` posts per run are fetched too, but only for a post that is new or whose
``num_comments`` differs from the ``reply_count`` stored for it (``posts``, platform_id ``t3_...``)
by a run that finished cleanly; unchanged threads are counted ``observatory/reddit/threads_unchanged``.
A post the pipelines dropped (off topic) is not in ``posts``: the ``num_comments`` its thread had
when it was fetched is kept in the ``threads:unstored`` cursor (JSON) for the same comparison.
A thread that failed transiently (5xx, 429, 408, timeout, connection error) is remembered in the
``threads:pending`` cursor (written only after a clean finish) and asked for again by the next run.
``-a full=1`` ignores the cursors and fetches every thread again. With ``REDDIT_TOKEN`` in the environment
requests carry ``Authorization: Bearer`` and go to oauth.reddit.com (unless ``api_url`` says
otherwise). A 401/403 logs one error naming ``REDDIT_TOKEN`` and stops the spider; 429s are
retried by Scrapy's retry middleware; ``x-ratelimit-remaining`` is recorded in stats.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import scrapy
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.middlewares.conditional import TRANSIENT_STATUS
from crawler.parsers.reddit import PLATFORM, parse_comments, parse_listing
from crawler.spiders.base import ObservatorySpider, parse_day, parse_int, parse_list

AUTH_CODES = [401, 403]
OAUTH_URL = "https://oauth.reddit.com"
ENV_HINT = "set REDDIT_TOKEN to an OAuth bearer token (a Reddit 'script' app) and retry"
PENDING = "threads:pending"  # cursor key: ids of posts whose comment thread must be fetched again
UNSTORED = "threads:unstored"  # cursor key: {"t3_id": num_comments} of fetched threads whose post was not stored


def load_map(value: str | None) -> dict[str, int]:
    try:
        found = json.loads(value or "{}")
    except ValueError:
        return {}
    return {k: v for k, v in found.items() if isinstance(v, int)} if isinstance(found, dict) else {}


class RedditSpider(ObservatorySpider):
    name = "reddit"
    same_host_redirects_only = True

    def _configure(self) -> None:
        self.queries = parse_list(self.setting_or_arg("queries", "REDDIT_QUERIES", "queries"))
        self.subreddits = [
            s.removeprefix("r/")
            for s in parse_list(self.setting_or_arg("subreddits", "REDDIT_SUBREDDITS", "subreddits"))
        ]
        self.token = self.settings.get("REDDIT_TOKEN") or ""
        explicit = getattr(self, "api_url", None) or self.settings.get("REDDIT_API_URL")
        topic_url = self.topic.source(self.name).get("api_url") or "https://www.reddit.com"
        self.api_url = str(explicit or (OAUTH_URL if self.token else topic_url)).rstrip("/")
        self.max_pages = parse_int(
            "max_pages", self.setting_or_arg("max_pages", "REDDIT_MAX_PAGES", "max_pages") or 10, 1
        )
        self.limit = min(
            parse_int("limit", getattr(self, "limit", None) or self.settings.getint("REDDIT_PAGE_LIMIT", 100), 1), 100
        )
        comments = getattr(self, "comments", None)
        self.max_threads = parse_int(
            "comments", self.settings.getint("REDDIT_MAX_COMMENT_THREADS", 50) if comments is None else comments
        )
        self.since = parse_day("since", getattr(self, "since", None))
        self.full = str(getattr(self, "full", "")).lower() in ("1", "true", "yes")
        self.cursors = {} if self.full else self.store.read_cursors(self.name)
        self.stored = {} if self.full else self.store.reply_counts(PLATFORM, "t3!_%")  # runs that finished
        self.pending = parse_list(self.cursors.pop(PENDING, ""))  # threads an earlier run could not fetch
        self.unstored = load_map(self.cursors.pop(UNSTORED, None))
        self.asked: dict[str, int] = {}  # t3 id -> num_comments when this run asked for its thread
        self.fetched: dict[str, int] = {}  # the same, for threads that arrived and parsed
        self.failed_threads: set[str] = set()
        self.newest: dict[str, str] = {}
        self.threads: set[str] = set()
        self.auth_failed = False

    async def start(self):
        self._configure()
        if not self.queries:
            self.logger.error("no Reddit queries configured (topic [sources.reddit] queries or -a queries=)")
            return
        for post_id in self.pending[: self.max_threads]:
            self.threads.add(f"t3_{post_id}")
            self.count("observatory/reddit/threads_retried")
            yield self.comments_request(post_id, None)
        self.failed_threads.update(self.pending[self.max_threads :])  # still owed: kept for the next run
        for query in self.queries:
            yield self.search_request(query, None)
            for sub in self.subreddits:
                yield self.search_request(query, sub)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def search_request(self, query: str, sub: str | None, after: str | None = None, page: int = 1) -> scrapy.Request:
        params = {"q": query, "sort": "new", "limit": self.limit, "t": "all"}
        if sub:
            params["restrict_sr"] = "1"
        if after:
            params["after"] = after
        path = f"/r/{quote(sub)}/search.json" if sub else "/search.json"
        return scrapy.Request(
            f"{self.api_url}{path}?{urlencode(params)}",
            headers=self.headers(),
            callback=self.parse_search,
            errback=self.errback,
            meta={"handle_httpstatus_list": AUTH_CODES},
            cb_kwargs={"query": query, "sub": sub, "page": page},
        )

    def parse_search(self, response, query: str, sub: str | None, page: int):
        self.check_response(response)
        result = self.parsed(response.url, lambda: parse_listing(response.text, query))
        if result is None:
            return
        self.count("observatory/reddit/pages")
        yield from result.items
        key = f"r/{sub}:{query}" if sub else query
        times = [p.created_at for p in result.items if p.created_at]
        if times and max(times) > self.newest.get(key, ""):
            self.newest[key] = max(times)
        for post in result.items:
            if not post.reply_count or post.platform_id in self.threads:
                continue
            known = (
                self.stored[post.platform_id]
                if post.platform_id in self.stored
                else self.unstored.get(post.platform_id)
            )
            if known == post.reply_count:  # fetched by an earlier run, no new comments since
                self.threads.add(post.platform_id)
                self.count("observatory/reddit/threads_unchanged")
                continue
            if len(self.threads) < self.max_threads:
                self.threads.add(post.platform_id)
                self.asked[post.platform_id] = post.reply_count
                yield self.comments_request(post.platform_id.removeprefix("t3_"), query)
        floor = self.cursors.get(key) or (f"{self.since}T00:00:00Z" if self.since else "")
        reached_old = bool(floor) and any(t <= floor for t in times)
        if result.next and page < self.max_pages and not reached_old:
            yield self.search_request(query, sub, result.next, page + 1)

    def comments_request(self, post_id: str, query: str | None) -> scrapy.Request:
        return scrapy.Request(
            f"{self.api_url}/comments/{quote(post_id)}.json?sort=new",
            headers=self.headers(),
            callback=self.parse_thread,
            errback=self.thread_failed,
            meta={"handle_httpstatus_list": AUTH_CODES, "reddit_thread": post_id},
            cb_kwargs={"query": query},
        )

    def thread_failed(self, failure):
        """A comment thread that failed transiently is owed: the next run asks for it again."""
        transient = (
            failure.value.response.status in TRANSIENT_STATUS
            if failure.check(HttpError)
            else not failure.check(IgnoreRequest)  # timeouts, DNS, refused connections; not robots.txt
        )
        if transient:
            self.failed_threads.add(failure.request.meta["reddit_thread"])
        return self.errback(failure)

    def parse_thread(self, response, query: str | None):
        self.check_response(response)
        result = self.parsed(response.url, lambda: parse_comments(response.text, query))
        if result is None:
            return
        self.count("observatory/reddit/threads")
        thread = f"t3_{response.request.meta['reddit_thread']}"
        if thread in self.asked:
            self.fetched[thread] = self.asked[thread]
        self.count("observatory/reddit/more_stubs", len(result.extra.get("more", [])))
        yield from result.items[1:]  # the post itself came with the search results

    def check_response(self, response) -> None:
        """Record the rate-limit budget; 401/403: one clear error, then stop the spider."""
        remaining = response.headers.get("x-ratelimit-remaining")
        if remaining:
            try:
                self.crawler.stats.min_value("observatory/reddit/ratelimit_remaining", float(remaining))
            except ValueError:
                pass
        if response.status not in AUTH_CODES:
            return
        if not self.auth_failed:
            self.auth_failed = True
            self.logger.error(
                "Reddit refused the request (HTTP %s from %s): %s", response.status, response.url, ENV_HINT
            )
            self.count(f"observatory/errors/{self.name}/auth")
        raise CloseSpider("auth_failed")

    def cursor_updates(self) -> dict[str, str]:
        """Called after a clean finish, once every item is committed."""
        values = dict(self.newest)
        if self.failed_threads or self.pending:  # replace the list the run started with
            values[PENDING] = ",".join(sorted(self.failed_threads))
        if self.fetched or self.unstored:  # every item is committed by now: drop the posts that were stored
            merged = {**self.unstored, **self.fetched}
            kept = set(merged) - self.store.platform_ids(PLATFORM, sorted(merged))
            unstored = {k: merged[k] for k in sorted(kept)}
            if unstored != self.unstored:
                values[UNSTORED] = json.dumps(unstored)
        return values
