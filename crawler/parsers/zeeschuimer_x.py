"""X/Twitter items of a Zeeschuimer capture (``source_platform: "twitter.com"``) -> Posts.

Zeeschuimer's X module keeps the GraphQL ``Tweet`` results of the timeline responses it sees
(HomeTimeline, SearchTimeline, UserTweets, TweetDetail, ...), as 4CAT's ``twitter-import`` reads
them: ``rest_id``, ``legacy`` (``full_text``, ``created_at`` like ``Tue Jan 14 03:12:45 +0000
2025``, counts ``favorite_count``/``retweet_count``/``reply_count``/``quote_count``,
``entities{hashtags, user_mentions, urls, media}``, ``conversation_id_str``,
``in_reply_to_status_id_str``, ``retweeted_status_result``), ``core.user_results.result``
(``legacy.screen_name``/``name``/``followers_count``; since 2025 also ``core.screen_name``),
``views.count`` (a digit string), ``note_tweet`` (the full text of a long post) and
``quoted_status_result``. Results may be wrapped (``TweetWithVisibilityResults`` -> ``tweet``)
and a quoted post may be a ``TweetTombstone``. The older "adaptive" form (``type: "adaptive"``,
``legacy`` + a top-level ``user``) is read too.

A retweet is stored as the original post (its own row, keyed on its own id) with the retweeter
in ``reposted_by``; a quote is the quoting post with ``quote_of`` set, plus the quoted post as a
Post of its own when the capture carries it.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from crawler.items import Post
from crawler.parsers import ParseError, http_url

X_STATUS_URL = "https://x.com/{}/status/{}"
_MAX_DEPTH = 3  # a retweet of a quote of a quote is as deep as real captures go


def x_time(value: Any) -> str | None:
    """``Tue Jan 14 03:12:45 +0000 2025`` -> ``2025-01-14T03:12:45Z``; None when unreadable."""
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        return None
    return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text or None


def unwrap(result: Any) -> dict | None:
    """A GraphQL tweet result without its wrappers; None for a tombstone or an unavailable post."""
    result = _dict(result)
    if "tweet" in result and isinstance(result["tweet"], dict):  # TweetWithVisibilityResults
        result = result["tweet"]
    if not result or result.get("__typename") in ("TweetTombstone", "TweetUnavailable") or "tombstone" in result:
        return None
    return result if isinstance(result.get("legacy"), dict) else None


def _user(tweet: dict) -> tuple[str | None, str | None, str | None, Any]:
    """(screen name, display name, account id, followers) from either tweet form."""
    if tweet.get("type") == "adaptive" or isinstance(tweet.get("user"), dict):
        user = _dict(tweet.get("user"))
        return (
            _str(user.get("screen_name")),
            _str(user.get("name")),
            _str(user.get("id_str")),
            user.get("followers_count"),
        )
    result = _dict(_dict(_dict(tweet.get("core")).get("user_results")).get("result"))
    legacy, core = _dict(result.get("legacy")), _dict(result.get("core"))
    return (
        _str(legacy.get("screen_name")) or _str(core.get("screen_name")),
        _str(legacy.get("name")) or _str(core.get("name")),
        _str(result.get("rest_id")) or _str(_dict(tweet.get("legacy")).get("user_id_str")),
        legacy.get("followers_count"),
    )


def _text_and_links(tweet: dict, legacy: dict) -> tuple[str | None, list[str], dict]:
    """Full text (a long post's ``note_tweet`` first), t.co links expanded, the trailing media
    link removed, HTML entities (``&amp;``) decoded; the expanded links; the entities used."""
    note = _dict(_dict(_dict(tweet.get("note_tweet")).get("note_tweet_results")).get("result"))
    if isinstance(note.get("text"), str):
        text, entities = note["text"], _dict(note.get("entity_set")) or _dict(legacy.get("entities"))
    else:
        text, entities = legacy.get("full_text"), _dict(legacy.get("entities"))
    if not isinstance(text, str):
        return None, [], entities
    links: list[str] = []
    for url in _list(entities.get("urls")) + _list(_dict(legacy.get("entities")).get("urls")):
        url = _dict(url)
        short, expanded = url.get("url"), http_url(url.get("expanded_url"))
        if isinstance(short, str) and short and expanded:
            text = text.replace(short, expanded)
            links.append(expanded)
    for media in _list(_dict(legacy.get("entities")).get("media")):
        short = _dict(media).get("url")
        if isinstance(short, str) and short:
            text = text.replace(short, "")
    text = html.unescape(text).strip()
    return text or None, list(dict.fromkeys(links)), entities


def _names(items: Any, key: str) -> list[str]:
    return [v.strip() for v in (_dict(i).get(key) for i in _list(items)) if isinstance(v, str) and v.strip()]


def tweet_posts(result: Any, depth: int = 0) -> list[Post]:
    """One tweet result -> its Posts: the tweet (or, for a retweet, the original with the
    retweeter in ``reposted_by``), then the quoted post when the capture has it.

    ParseError when the result has no readable tweet (tombstone, no id, no ``legacy``)."""
    tweet = unwrap(result)
    if tweet is None:
        raise ParseError("x item is not a readable post (tombstone, unavailable or no legacy)")
    legacy = tweet["legacy"]
    handle, name, author_id, followers = _user(tweet)
    original = unwrap(_dict(legacy.get("retweeted_status_result")).get("result"))
    if original is not None and depth < _MAX_DEPTH:
        posts = tweet_posts(original, depth + 1)
        if handle and handle not in posts[0].reposted_by:
            posts[0].reposted_by.append(handle)
        return posts
    tweet_id = _str(tweet.get("rest_id")) or _str(legacy.get("id_str")) or _str(tweet.get("id"))
    if not tweet_id:
        raise ParseError("x post without an id")
    text, links, entities = _text_and_links(tweet, legacy)
    quoted = unwrap(_dict(tweet.get("quoted_status_result")).get("result"))
    quoted_id = (_str(quoted.get("rest_id")) or _str(quoted["legacy"].get("id_str"))) if quoted else None
    quote_of = quoted_id or _str(legacy.get("quoted_status_id_str"))
    conversation = _str(legacy.get("conversation_id_str"))
    reply_to = _str(legacy.get("in_reply_to_status_id_str"))
    views = _dict(tweet.get("views")).get("count") or _dict(tweet.get("ext_views")).get("count")
    lang = _str(legacy.get("lang"))
    post = Post(
        platform="x",
        platform_id=tweet_id,
        url=X_STATUS_URL.format(handle, tweet_id) if handle else f"https://x.com/i/status/{tweet_id}",
        kind="post",
        text=text,
        lang=lang if lang and len(lang) == 2 else None,  # "und", "qme" (emoji only), "zxx"
        created_at=x_time(legacy.get("created_at")),
        created_at_raw=_str(legacy.get("created_at")),
        author=handle,
        author_id=author_id,
        author_name=name,
        author_followers=followers,
        hashtags=_names(entities.get("hashtags"), "text")
        or _names(_dict(legacy.get("entities")).get("hashtags"), "text"),
        mentions=_names(entities.get("user_mentions"), "screen_name")
        or _names(_dict(legacy.get("entities")).get("user_mentions"), "screen_name"),
        links=links,
        like_count=legacy.get("favorite_count"),
        repost_count=legacy.get("retweet_count"),
        reply_count=legacy.get("reply_count"),
        quote_count=legacy.get("quote_count"),
        collect_count=legacy.get("bookmark_count"),
        view_count=int(views) if isinstance(views, str) and views.isdigit() else views,
        reply_to=reply_to,
        thread_root=conversation if reply_to and conversation != tweet_id else None,
        quote_of=quote_of if quote_of != tweet_id else None,
        raw=tweet,
    )
    posts = [post]
    if quoted is not None and depth < _MAX_DEPTH:
        try:
            posts += [p for p in tweet_posts(quoted, depth + 1) if p.platform_id != tweet_id]
        except ParseError:
            pass  # the quoting post stands on its own; quote_of still names the quoted id
    return posts


def is_retweet(result: Any) -> bool:
    """True when the captured item is a retweet (its Posts then start with the original)."""
    tweet = unwrap(result)
    return bool(tweet and unwrap(_dict(tweet["legacy"].get("retweeted_status_result")).get("result")))
