"""canonical_url on the AMP variants discovery sources hand out (sitemaps, GDELT, URL lists)."""

from __future__ import annotations

import pytest

from crawler.textnorm import canonical_url, url_key


@pytest.mark.parametrize(
    "variant,canonical",
    [
        ("https://www.example.test/a/story.amp.html", "https://www.example.test/a/story.html"),
        ("https://www.example.test/a/story.amp.htm", "https://www.example.test/a/story.htm"),
        ("https://www.example.test/amp/2025/01/14/story.html", "https://www.example.test/2025/01/14/story.html"),
        ("https://www.example.test/2025/01/story/amp/", "https://www.example.test/2025/01/story"),
        ("https://www.example.test/news/world-123.amp", "https://www.example.test/news/world-123"),
        ("https://amp.example.test/a/story.html?amp=1&utm_source=x", "https://example.test/a/story.html"),
        ("https://www.example.test/amp", "https://www.example.test/"),
    ],
)
def test_amp_variants_share_the_article_url(variant, canonical):
    assert canonical_url(variant) == canonical


def test_paths_that_only_look_like_amp_are_kept():
    assert canonical_url("https://www.example.test/ampere/story.html") == "https://www.example.test/ampere/story.html"
    assert canonical_url("https://www.example.test/a/example.html") == "https://www.example.test/a/example.html"
    assert canonical_url("https://www.example.test/champ/amped.html") == "https://www.example.test/champ/amped.html"


def test_mobile_hosts_are_not_guessed():
    # m.example.test and www.example.test may be different servers; the page's rel=canonical
    # (read by the extractor) joins them after the fetch, so the host is left alone here
    assert canonical_url("https://m.example.test/a/story.html") == "https://m.example.test/a/story.html"


def test_amp_and_plain_are_one_article_id():
    assert url_key("http://www.example.test/a/story.amp.html") == url_key("https://www.example.test/a/story.html")
