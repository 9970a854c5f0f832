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


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-01-14T10:30:00.123456789+08:00", "2025-01-14T02:30:00Z"),
        ("2025-01-14T10:30:00Z", "2025-01-14T10:30:00Z"),
        ("2025-01-14T10:30:00.123+00:00", "2025-01-14T10:30:00Z"),
        ("Tue, 14 Jan 2025 10:30:00 GMT", "2025-01-14T10:30:00Z"),
        (1736850600, "2025-01-14T10:30:00Z"),
        (1736850600000, "2025-01-14T10:30:00Z"),  # milliseconds
        ("1736850600.5", "2025-01-14T10:30:00Z"),
        ("20250114T103000Z", "2025-01-14T10:30:00Z"),  # GDELT seendate
        ("not a date", None),
        ("", None),
        (None, None),
        (False, None),
    ],
)
def test_to_utc_iso(value, expected):
    assert to_utc_iso(value) == expected


def test_canonical_url():
    assert (
        canonical_url("HTTPS://Example.com:443/news/story/amp/?utm_source=x&b=2&a=1&fbclid=z#frag")
        == "https://example.com/news/story?a=1&b=2"
    )
    assert canonical_url("http://example.com:8080/a/") == "http://example.com:8080/a"
    assert (
        canonical_url("https://www.xiaohongshu.com/explore/abc?xsec_token=T")
        == "https://www.xiaohongshu.com/explore/abc"
    )
    assert url_key("http://example.com/a") == url_key("https://example.com/a/")
    assert stable_id(url_key("http://example.com/a")) == stable_id(url_key("https://example.com/a?utm_medium=x"))
    assert 0 < stable_id("x") < 2**53


def test_clean_text():
    assert clean_text("  Hello\u200b   world \n\n\n\n second  &amp; para ") == "Hello world\n\nsecond & para"
    assert clean_text("Cafe\u0301") == "Café"  # NFC
    assert clean_text("   ") is None


def test_hashtags():
    assert extract_hashtags("hi #TikTokRefugee and #小红书 #猫税[话题]# ok #RedNote. #tiktokrefugee") == [
        "TikTokRefugee",
        "小红书",
        "猫税",
        "RedNote",
    ]
    assert extract_hashtags("no tags, an anchor a.com/#frag and &#39; entity") == []


def test_content_hash_ignores_case_spacing_punctuation():
    assert content_hash("TikTok goes dark.") == content_hash("tiktok  goes dark")
    assert content_hash("TikTok goes dark") != content_hash("TikTok comes back")
    assert content_hash("  ...  ") is None


# -- issue #13 / #11: one time rule, one tag rule, total helpers --------------------------------
from crawler.textnorm import epoch_to_utc_iso, merge_tags, string_to_utc_iso, tag_key  # noqa: E402


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Thu,28 Jul 2022 4:35:5 GMT+9", "2022-07-27T19:35:05Z"),  # email.utils read the zone as UTC
        ("Thu, 28 Jul 2022 04:35:05 GMT-0800", "2022-07-28T12:35:05Z"),
        ("Thu, 28 Jul 2022 04:35:05 UTC+05:30", "2022-07-27T23:05:05Z"),
        ("Thu, 28 Jul 2022 04:35:05 EST", "2022-07-28T09:35:05Z"),
        ("Thu, 28 Jul 2022 04:35:05 -0000", "2022-07-28T04:35:05Z"),
        ("28 Jul 22 04:35 +0900", "2022-07-27T19:35:00Z"),
        ("Thu, 28 Jul 2022 04:35:05 XYZ", None),  # a zone nobody can read is not UTC
        ("Thu, 28 Jul 2022 04:35:05", None),  # nor is a missing one
        ("9999999914 Jan 25 0:00", None),  # was OverflowError
        ("Wed, 15 Jan 99999999999999999999992025 08:00:00 GMT", None),
        ("20250115T029500Z", None),  # was ValueError
        ("9999-12-31T23:59:59-05:00", None),
        ("0001-01-01T00:00:00+05:00", None),  # out of range in UTC
        (10**30, None),
        (float("nan"), None),
        (0, None),
        (-1, None),
        (True, None),
        ([1], None),
        ({"a": 1}, None),
    ],
)
def test_to_utc_iso_reads_zones_and_is_total(value, expected):
    assert to_utc_iso(value) == expected


def test_string_and_epoch_rules():
    assert string_to_utc_iso("2025-01-14T10:30:00.123456789+08:00") == "2025-01-14T02:30:00Z"
    assert string_to_utc_iso("2025-01-14T10:30:00") == "2025-01-14T10:30:00Z"  # naive ISO is UTC by default
    assert string_to_utc_iso("2025-01-14T10:30:00", assume_tz=None) is None
    assert string_to_utc_iso(1736850600) is None  # a number is an epoch: epoch_to_utc_iso's job
    assert epoch_to_utc_iso(1736850600) == epoch_to_utc_iso(1736850600000) == "2025-01-14T10:30:00Z"
    assert epoch_to_utc_iso("1736850600.5", "s") == "2025-01-14T10:30:00Z"
    assert epoch_to_utc_iso("soon") is None and epoch_to_utc_iso("1e400") is None


def test_tag_key_one_folding_rule():
    assert tag_key("SONDAKİKA") == tag_key("sondakika") == tag_key("#Sondakıka") == "sondakika"
    assert tag_key("ＴｉｋＴｏｋ") == tag_key("tiktok")  # NFKC: full-width letters
    assert tag_key("Straße") == tag_key("STRASSE")  # casefold, not lower
    assert merge_tags(["SONDAKİKA"], ["sondakika", "@user", 5, None]) == ["SONDAKİKA"]


def test_hash_at_user_is_not_a_hashtag():
    assert extract_hashtags("#@maple hi #ok ＃＠x") == ["ok"]


def test_helpers_are_total():
    assert canonical_url("http://[x/a") is None and canonical_url("https://a.example:99x/") is None
    assert canonical_url(5) is None
    assert clean_text(5) is None and clean_text(["", " a  b "]) == "a b"
    assert clean_text("a\x00b\ud83d") == "ab\ufffd"
    assert clean_text("<b>x</b> y", strip_tags=True) == "x y"


def test_one_home_for_text_cleaning_matches_the_article_extractor():
    """textnorm.clean_line(strip_tags=True) and clean_paragraphs are drop-in replacements for the
    article extractor's private copies (crawler/parsers/article/: metadata.clean_line, text.clean_text)."""
    from crawler.parsers.article import metadata, text
    from crawler.textnorm import clean_line, clean_paragraphs

    samples = ["  Cafe\u0301  <b>bold</b>\xa0 x ", ["", "  a  b "], None, 5, "", "A\n\n  B  \nC", "第一段\n第二段"]
    for s in samples:
        assert clean_line(s, strip_tags=True) == metadata.clean_line(s)
    for s in [None, "", "A\n\n  B  \nC", "第一段\n第二段", "  Cafe\u0301 \xa0x\n y"]:
        assert clean_paragraphs(s) == text.clean_text(s, boilerplate=False)
    assert clean_paragraphs("A\n\n  B  \nC", drop=lambda line: line == "B") == "A\n\nC"
    assert clean_paragraphs(5) is None  # total, where the article copy raises TypeError
