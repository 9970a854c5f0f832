import pytest

from crawler.textnorm import (
    canonical_url,
    clean_text,
    content_hash,
    extract_hashtags,
    stable_id,
    to_utc_iso,
    url_key,
)


@pytest.mark.parametrize("value, expected", [
    ("2025-01-14T10:30:00.123456789+08:00", "2025-01-14T02:30:00Z"),
    ("2025-01-14T10:30:00Z", "2025-01-14T10:30:00Z"),
    ("2025-01-14T10:30:00.123+00:00", "2025-01-14T10:30:00Z"),
    ("Tue, 14 Jan 2025 10:30:00 GMT", "2025-01-14T10:30:00Z"),
    (1736850600, "2025-01-14T10:30:00Z"),
    (1736850600000, "2025-01-14T10:30:00Z"),  # milliseconds
    ("1736850600.5", "2025-01-14T10:30:00Z"),
    ("20250114T103000Z", "2025-01-14T10:30:00Z"),  # GDELT seendate
    ("not a date", None), ("", None), (None, None), (False, None),
])
def test_to_utc_iso(value, expected):
    assert to_utc_iso(value) == expected


def test_canonical_url():
    assert canonical_url("HTTPS://Example.com:443/news/story/amp/?utm_source=x&b=2&a=1&fbclid=z#frag") == \
        "https://example.com/news/story?a=1&b=2"
    assert canonical_url("http://example.com:8080/a/") == "http://example.com:8080/a"
    assert canonical_url("https://www.xiaohongshu.com/explore/abc?xsec_token=T") == "https://www.xiaohongshu.com/explore/abc"
    assert url_key("http://example.com/a") == url_key("https://example.com/a/")
    assert stable_id(url_key("http://example.com/a")) == stable_id(url_key("https://example.com/a?utm_medium=x"))
    assert 0 < stable_id("x") < 2**53


def test_clean_text():
    assert clean_text("  Hello\u200b   world \n\n\n\n second  &amp; para ") == "Hello world\n\nsecond & para"
    assert clean_text("Cafe\u0301") == "Café"  # NFC
    assert clean_text("   ") is None


def test_hashtags():
    assert extract_hashtags("hi #TikTokRefugee and #小红书 #猫税[话题]# ok #RedNote. #tiktokrefugee") == \
        ["TikTokRefugee", "小红书", "猫税", "RedNote"]
    assert extract_hashtags("no tags, an anchor a.com/#frag and &#39; entity") == []


def test_content_hash_ignores_case_spacing_punctuation():
    assert content_hash("TikTok goes dark.") == content_hash("tiktok  goes dark")
    assert content_hash("TikTok goes dark") != content_hash("TikTok comes back")
    assert content_hash("  ...  ") is None


