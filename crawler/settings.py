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

# --- what to collect ------------------------------------------------------------------------
OBSERVATORY_TOPIC = os.environ.get(
    "OBSERVATORY_TOPIC", str(PROJECT_ROOT / "datasets" / "topics" / "tiktok-ban.toml")
)
OBSERVATORY_DB = os.environ.get("OBSERVATORY_DB", str(PROJECT_ROOT / "datasets" / "observatory.db"))
# Items buffered by the store pipeline before one transaction writes them.
STORE_BATCH_SIZE = 200
# Drop documents published before the topic's `since` day (and count them).
RELEVANCE_ENFORCE_WINDOW = True
# Keep items that match no topic term (for debugging a topic file); off in production.
RELEVANCE_KEEP_ALL = False

# --- endpoints (defaults come from the topic file; these override it when set) --------------
FEEDS_URLS: list[str] = []  # RSS/Atom/JSON Feed URLs
MASTODON_INSTANCES: list[str] = []  # base URLs, e.g. https://mastodon.social
MASTODON_HASHTAGS: list[str] = []
MASTODON_MAX_PAGES = 0  # 0: the topic file's max_pages
MASTODON_PAGE_LIMIT = 40  # statuses per request (the API's maximum)
REDNOTE_BASE_URL = "https://www.xiaohongshu.com"  # note pages: <base>/explore/<note id>
REDNOTE_NOTE_URLS: list[str] = []  # note URLs to fetch (also -a urls=FILE_OR_LIST)
ZEESCHUIMER_PATHS: list[str] = []  # NDJSON exports or folders (also -a path=)

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
COOKIES_ENABLED = False
HTTPCACHE_ENABLED = False

# --- safety: nothing listens on a port during a crawl -----------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- components --------------------------------------------------------------------------------
ITEM_PIPELINES = {
    "pipelines.normalise.NormalisePipeline": 100,
    "pipelines.relevance.RelevancePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.StorePipeline": 900,
}
EXTENSIONS = {
    "crawler.extensions.RunRecorder": 500,
}
LOG_LEVEL = os.environ.get("OBSERVATORY_LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"
# Expected drops (irrelevant, out of window, repeats) are counted in stats and logged at DEBUG.
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
