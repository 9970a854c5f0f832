"""Where each spider finds the demo sources on the loopback server: spider -> `-a` arguments.

The same spiders run live with no arguments (endpoints from the topic file); the demo and the
tests only override endpoints, which is the point of making every endpoint a setting.
"""

from __future__ import annotations

from demo import tiktok_research, youtube

# Settings every demo/test crawl uses: the demo server is ours and local, so no politeness delay.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "RETRY_TIMES": "1", "DOWNLOAD_TIMEOUT": "5"}


def demo_args(base: str) -> dict[str, dict[str, str]]:
    news = f"{base}/news"
    masto = f"{base}/mastodon"
    return {
        "feeds": {
            "feeds": ",".join(
                [
                    f"{news}/harbor-ledger/rss.xml",
                    f"{news}/pacific-tech/atom.xml",
                    f"{news}/huanan/rss.xml",
                    f"{news}/broken/feed.xml",
                ]
            ),
        },
        "mastodon": {
            "instances": ",".join([f"{masto}/social.demo", f"{masto}/mstdn.demo", f"{masto}/broken.demo"]),
            "hashtags": "TikTokRefugee,RedNote,TikTokBan,小红书",
        },
        "sitemaps": {
            "sites": f"{base}/sitemaps/meridian-wire",  # robots.txt -> index -> news, gzip, nested, broken
            "sitemaps": f"{base}/sitemaps/harbor-ledger/news.xml",  # a news sitemap under the prefix n:
            "max_depth": "2",
        },
        "gdelt": {
            "api_url": f"{base}/gdelt/api/v2/doc/doc",
            "start": "2025-01-10",
            "end": "2025-01-20",
            "lookback_days": "0",  # the emulator is an archive of January 2025, not the live three months
            "max_records": "2",  # the emulator's cap (datasets/demo/gdelt/config.json): windows get split
        },
        "urls": {"list_url": f"{base}/urls/list.txt,{base}/urls/list.csv"},
        "bluesky": {"api_url": f"{base}/bluesky", "auth_url": f"{base}/bluesky"},
        "reddit": {"api_url": f"{base}/reddit"},
        "hackernews": {"api_url": f"{base}/hackernews"},
        "zeeschuimer": {"path": "datasets/demo/zeeschuimer"},
        "mediacrawler": {"path": "datasets/demo/mediacrawler"},
        "rednote": {"urls": "datasets/demo/rednote/note-urls.txt", "base_url": f"{base}/rednote"},
        "appstore": {
            # the live chart feed has only today's chart: the demo serves one dated snapshot per
            # day (?date=, demo only), from before the ban to after TikTok left the store
            "chart_urls": ",".join(
                [f"{base}/appstore/api/v2/us/apps/top-free/25/apps.json?date=2025-01-{d:02d}" for d in range(9, 25)]
                + [f"{base}/appstore/api/v2/cn/apps/top-free/15/apps.json?date=2025-01-{d:02d}" for d in range(12, 16)]
            ),
            "reviews_url": f"{base}/appstore",
            "countries": "us,cn",
        },
        # credentialed APIs: the emulators accept the demo credentials of DEMO_ENV
        "tiktok_research": {**tiktok_research.DEMO_ARGS, "api_url": f"{base}/tiktok_research"},
        "youtube": {**youtube.DEMO_ARGS, "api_url": f"{base}/youtube/v3"},
    }


# Environment the demo crawls run with: synthetic credentials the emulators accept (never real ones).
DEMO_ENV = {**tiktok_research.DEMO_ENV, **youtube.DEMO_ENV}
