"""Where each spider finds the demo sources on the loopback server: spider -> `-a` arguments.

The same spiders run live with no arguments (endpoints from the topic file); the demo and the
tests only override endpoints, which is the point of making every endpoint a setting.
"""

from __future__ import annotations

# Settings every demo/test crawl uses: the demo server is ours and local, so no politeness delay.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "RETRY_TIMES": "1", "DOWNLOAD_TIMEOUT": "5"}


def demo_args(base: str) -> dict[str, dict[str, str]]:
    news = f"{base}/news"
    masto = f"{base}/mastodon"
    return {
        "feeds": {
            "feeds": ",".join([
                f"{news}/harbor-ledger/rss.xml", f"{news}/pacific-tech/atom.xml",
                f"{news}/huanan/rss.xml", f"{news}/broken/feed.xml",
            ]),
        },
        "mastodon": {
            "instances": ",".join([f"{masto}/social.demo", f"{masto}/mstdn.demo", f"{masto}/broken.demo"]),
            "hashtags": "TikTokRefugee,RedNote,TikTokBan,小红书",
        },
        "zeeschuimer": {"path": "datasets/demo/zeeschuimer"},
        "rednote": {"urls": "datasets/demo/rednote/note-urls.txt", "base_url": f"{base}/rednote"},
    }
