"""Scrapy settings: the one configuration path (topic file -> settings -> `-a` arguments).

Every endpoint is a setting (or spider argument) so the demo and the tests point spiders at
127.0.0.1 and a researcher's machine at the live sites, with the same code. The environment is
read here and nowhere else (credentials, keys); secrets never go into items, logs or the database.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

BOT_NAME = "observatory"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"  # `scrapy crawl` with exit codes (crawler/commands/crawl.py)

# --- what to collect ------------------------------------------------------------------------
OBSERVATORY_TOPIC = os.environ.get("OBSERVATORY_TOPIC", str(PROJECT_ROOT / "datasets" / "topics" / "tiktok-ban.toml"))
OBSERVATORY_DB = os.environ.get("OBSERVATORY_DB", str(PROJECT_ROOT / "datasets" / "observatory.db"))
# Items buffered by the store pipeline before one transaction writes them.
STORE_BATCH_SIZE = 200
# Drop documents published before the topic's `since` day (and count them).
RELEVANCE_ENFORCE_WINDOW = True
# Keep items that match no topic term (for debugging a topic file); off in production.
RELEVANCE_KEEP_ALL = False
# Article extraction in this many worker processes (crawler/parsers/article/pool.py); 0: on the reactor thread.
ARTICLE_EXTRACT_WORKERS = 0

# --- endpoints (defaults come from the topic file; these override it when set) --------------
FEEDS_URLS: list[str] = []  # RSS/Atom/JSON Feed URLs
MASTODON_INSTANCES: list[str] = []  # base URLs, e.g. https://mastodon.social
MASTODON_HASHTAGS: list[str] = []
MASTODON_MAX_PAGES = 0  # 0: the topic file's max_pages
MASTODON_PAGE_LIMIT = 40  # statuses per request (the API's maximum)
BLUESKY_API_URL = ""  # AppView host for app.bsky.feed.searchPosts (topic: https://public.api.bsky.app)
BLUESKY_AUTH_URL = ""  # PDS for com.atproto.server.createSession (topic: https://bsky.social)
BLUESKY_QUERIES: list[str] = []
BLUESKY_MAX_PAGES = 0
BLUESKY_PAGE_LIMIT = 100
REDDIT_API_URL = ""  # https://www.reddit.com (oauth.reddit.com when REDDIT_TOKEN is set)
REDDIT_QUERIES: list[str] = []
REDDIT_SUBREDDITS: list[str] = []
REDDIT_MAX_PAGES = 0
REDDIT_PAGE_LIMIT = 100
REDDIT_MAX_COMMENT_THREADS = 50  # comment trees fetched per run (0: none)
HACKERNEWS_API_URL = ""  # https://hn.algolia.com
HACKERNEWS_QUERIES: list[str] = []
HACKERNEWS_TAGS = "(story,comment)"
HACKERNEWS_MAX_PAGES = 0
HACKERNEWS_PAGE_LIMIT = 100
REDNOTE_BASE_URL = "https://www.xiaohongshu.com"  # note pages: <base>/explore/<note id>
REDNOTE_NOTE_URLS: list[str] = []  # note URLs to fetch (also -a urls=FILE_OR_LIST)
ZEESCHUIMER_PATHS: list[str] = []  # NDJSON exports or folders (also -a path=)
TIKTOK_RESEARCH_API_URL = ""  # base of /v2/oauth/token/ and /v2/research/... (topic: https://open.tiktokapis.com)
TIKTOK_RESEARCH_HASHTAGS: list[str] = []  # query: hashtag_name IN ... (OR keyword IN ...)
TIKTOK_RESEARCH_KEYWORDS: list[str] = []
TIKTOK_RESEARCH_REGIONS: list[str] = []  # AND region_code IN ... (empty: every region)
TIKTOK_RESEARCH_WINDOW_DAYS = 30  # start_date..end_date per search (the API allows at most 30 days)
TIKTOK_RESEARCH_MAX_PAGES = 0  # pages of 100 per window before it is left for the next run (0: topic, else 50)
TIKTOK_RESEARCH_DAILY_QUOTA = 1000  # research API requests per UTC day (all runs of that day together)
TIKTOK_RESEARCH_MAX_COMMENT_VIDEOS = 20  # videos whose comments are fetched per run (0: none)
YOUTUBE_API_URL = ""  # https://www.googleapis.com/youtube/v3 (topic)
YOUTUBE_QUERIES: list[str] = []
YOUTUBE_MAX_PAGES = 0  # search.list pages per query and run (0: topic, else 5)
YOUTUBE_DAILY_QUOTA = 10000  # quota units per Pacific day; a run stops before spending more
YOUTUBE_MAX_COMMENT_VIDEOS = 20  # videos whose comment threads are fetched per run (0: none)
APPSTORE_CHARTS_URL = ""  # chart feeds' base (topic: https://rss.applemarketingtools.com; also -a charts_url=)
APPSTORE_REVIEWS_URL = ""  # customer reviews' base (topic: https://itunes.apple.com; also -a reviews_url=)
APPSTORE_COUNTRIES: list[str] = []  # store countries (topic: us, cn; also -a countries=)
APPSTORE_CHARTS: list[str] = []  # top-free, top-paid (also -a charts=)
APPSTORE_CHART_SIZE = 0  # apps per snapshot; 0: the topic's chart_size (also -a chart_size=)
APPSTORE_CHART_URLS: list[str] = []  # chart feed URLs fetched instead of the built ones (also -a chart_urls=)
APPSTORE_APPS: list[str] = []  # App Store ids whose reviews are collected; empty: the topic's apps (also -a apps=)
APPSTORE_MAX_PAGES = 0  # review pages per app and country (at most 10); 0: the topic's max_pages

# --- unattended runs: conditional requests, health, raw archive, replay, takedowns -----------
# (docs/operations.md). Feeds/sitemaps marked meta {"conditional": True} send the stored
# ETag / Last-Modified; a 304 is counted (observatory/conditional/not_modified), not an error.
CONDITIONAL_ENABLED = True
# Health check at the end of every run (crawler/health.py): status "failed" when it finds a problem.
HEALTH_ENABLED = True
SOURCE_UNAVAILABLE_AFTER = (
    5  # a source whose first N requests all get no answer (DNS, refused, timeout) is stopped (0: never)
)
RUN_STATS_INTERVAL = 60  # seconds between checkpoints of a running run's counters into `runs` (0: off)
HEALTH_MAX_ERROR_RATE = 0.5  # errors / responses above this fails the run
HEALTH_HISTORY = 3  # a source "usually yields" when >= HEALTH_USUAL_YIELD of its last N ok runs did
HEALTH_USUAL_YIELD = 2
# Raw archive: every response (robots.txt excepted) into ARCHIVE_DIR/<run_id>.warc.gz.
ARCHIVE_ENABLED = True
ARCHIVE_DIR = ""  # empty: archive/ next to OBSERVATORY_DB (datasets/archive for the default database)
# Replay (python -m crawler.ops.replay WARC): answer every request from this WARC, never the network.
REPLAY_WARC = ""
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.conditional.ConditionalRequestsMiddleware": 540,
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 560,  # sees 429/503 before Scrapy's RetryMiddleware (550)
    "crawler.middlewares.redirect_guard.RedirectGuardMiddleware": 610,  # sees 3xx before RedirectMiddleware (600)
    "crawler.middlewares.replay.ReplayMiddleware": 950,
    "crawler.middlewares.archive.ArchiveMiddleware": 960,
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.warc_record_id.WarcRecordIdMiddleware": 950,
    "crawler.middlewares.takedown_filter.TakedownFilterMiddleware": 960,
}

# --- discovery: sitemaps, GDELT, URL lists (defaults from the topic's [sources.sitemaps/gdelt]) --
SITEMAPS_URLS: list[str] = []  # sitemap / sitemap index URLs (also -a sitemaps=)
SITEMAPS_SITES: list[str] = []  # site roots whose <root>/robots.txt Sitemap: lines are followed (also -a sites=)
SITEMAPS_MAX_DEPTH = 3  # sitemap index levels followed below a configured sitemap (also -a max_depth=)
SITEMAPS_REQUIRE_TERMS = True  # entries with a Google News title/keywords must match a topic term to be fetched
GDELT_API_URL = ""  # DOC 2.0 endpoint; empty: the topic's api_url, else api.gdeltproject.org (also -a api_url=)
GDELT_QUERY = ""  # empty: built from the topic's anchor terms (also -a query=)
GDELT_MAX_RECORDS = 250  # records per call; the API's cap, a full window is split (also -a max_records=)
GDELT_WINDOW_DAYS = 7  # first window size in days before any split (also -a window_days=)
GDELT_LOOKBACK_DAYS = (
    90  # the DOC API searches about the last 3 months: older days are not asked (0: ask; also -a lookback_days=)
)
GDELT_MIN_WINDOW_MINUTES = 15  # windows are never split below this; a full one is counted window_capped
URLS_PATHS: list[str] = []  # local URL-list files, text or CSV (also -a path=)
URLS_LIST_URLS: list[str] = []  # URL lists served over HTTP(S) (also -a list_url=)

# --- credentials: from the environment only; never stored, logged or put in the database -----
BLUESKY_HANDLE = os.environ.get("BLUESKY_HANDLE", "")
BLUESKY_APP_PASSWORD = os.environ.get("BLUESKY_APP_PASSWORD", "")
REDDIT_TOKEN = os.environ.get("REDDIT_TOKEN", "")
TIKTOK_CLIENT_KEY = os.environ.get("TIKTOK_CLIENT_KEY", "")
TIKTOK_CLIENT_SECRET = os.environ.get("TIKTOK_CLIENT_SECRET", "")
YOUTUBE_API_KEY = os.environ.get("YOUTUBE_API_KEY", "")
# Pseudonymise authors of posts (pipelines/pseudonymise.py): keyed hashes instead of handles/names.
PSEUDONYMISE_AUTHORS = os.environ.get("OBSERVATORY_PSEUDONYMISE", "").lower() in ("1", "true", "yes")
OBSERVATORY_PSEUDONYM_KEY = os.environ.get("OBSERVATORY_PSEUDONYM_KEY", "")

# --- politeness: identify, obey robots.txt, throttle per domain ------------------------------
OBSERVATORY_CONTACT_URL = os.environ.get(
    "OBSERVATORY_CONTACT_URL", "https://github.com/tiktok-refugee-observatory/observatory"
)
USER_AGENT = f"TikTokRefugeeObservatory/0.1 (+{OBSERVATORY_CONTACT_URL}; research crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # +-50% around DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # huge pages are cancelled (logged, counted)
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_AFTER_MAX = 120  # seconds: honour a 429/503 Retry-After up to this long
COOKIES_ENABLED = False
HTTPCACHE_ENABLED = False

# --- safety: nothing listens on a port during a crawl -----------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- components --------------------------------------------------------------------------------
ITEM_PIPELINES = {
    "pipelines.pseudonymise.PseudonymisePipeline": 50,
    "pipelines.normalise.NormalisePipeline": 100,
    "pipelines.relevance.RelevancePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.StorePipeline": 900,
}
EXTENSIONS = {
    "crawler.extensions.run_recorder.RunRecorder": 500,
}
LOG_LEVEL = os.environ.get("OBSERVATORY_LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"
# Expected drops (irrelevant, out of window, repeats) are counted in stats and logged at DEBUG.
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# --- scale-out (docs/scaling.md): a Redis frontier shared by N workers, one writer ------------
# Set OBSERVATORY_REDIS_URL (redis://host:6379/0) and this process is a worker: scrapy-redis
# scheduler and duplicate filter in Redis, items pushed to the writer (crawler/scaleout/config.py).
# Redis unreachable: one error line and exit status 2, never a silent single-process crawl.
OBSERVATORY_REDIS_URL = os.environ.get("OBSERVATORY_REDIS_URL", "")
OBSERVATORY_RUN_ID = ""  # one run id shared by every worker of a crawl (set by crawler.ops.scaleout)
SCALEOUT_KEY_PREFIX = os.environ.get("OBSERVATORY_REDIS_PREFIX", "observatory")  # every Redis key
SCALEOUT_WORKER_ID = ""  # stable id (w1, w2, ...): a restarted worker re-queues what it had in flight
SCALEOUT_HEARTBEAT = 1.0  # seconds between a worker's heartbeats
SCALEOUT_HEARTBEAT_TTL = 15.0  # a worker silent this long is dead: its in-flight requests are re-queued
SCALEOUT_REDIS_WAIT = 60.0  # seconds a worker or the writer waits for a restarting Redis before failing
SCALEOUT_WRITER_BATCH = 200  # messages the writer commits per batch
if OBSERVATORY_REDIS_URL:
    from crawler.scaleout.config import worker_settings

    globals().update(worker_settings(globals()))
