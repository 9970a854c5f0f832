"""Threads and Instagram items of a Zeeschuimer capture -> Posts.

Both come from Meta's web clients and share the media item shape 4CAT's importers read
(``threads-import``/``threads-search`` and ``instagram-search``): ``pk``, ``id``
(``<pk>_<user pk>``), ``code`` (the shortcode in the post's URL), ``taken_at`` (epoch
**seconds**), ``caption`` (``{text}`` or null), ``user{pk, username, full_name}`` (Instagram also
``owner``), ``like_count``.

- Threads (``source_platform: "threads.net"``): ``text_post_app_info{direct_reply_count,
  repost_count, quote_count, reshare_count, link_preview_attachment{url}, share_info{quoted_post,
  reposted_post}, text_fragments{fragments[{fragment_type, mention_fragment}]}}``. A link preview
  URL goes through ``l.threads.com/?u=<target>``: the target is kept. URL
  ``https://www.threads.com/@<username>/post/<code>``.
- Instagram (``source_platform: "instagram.com"``), "item list" form: ``media_type`` (1 photo,
  2 video, 8 carousel), ``comment_count``, ``play_count``/``view_count``, ``usertags.in[].user``;
  the older Graph form: ``__typename`` ``GraphImage``/``GraphVideo``/``GraphSidecar``,
  ``shortcode``, ``edge_media_to_caption.edges[0].node.text``, ``taken_at_timestamp``, ``owner``,
  ``edge_media_preview_like.count``, ``edge_media_to_comment.count``. Ads (``product_type: "ad"``
  or a ``facebook.com/ads/ig_redirect`` link) are skipped, as 4CAT does. URL
  ``https://www.instagram.com/p/<code>/``.

Hashtags and mentions come from the caption text (neither platform lists them separately on
these items); a reposted Threads post is stored as the original with the reposter in
``reposted_by``, a quote sets ``quote_of`` and the quoted post is a Post of its own.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.items import Post
from crawler.parsers import ParseError, http_url
from crawler.textnorm import epoch_to_utc_iso, merge_tags

THREADS_URL = "https://www.threads.com/@{}/post/{}"
INSTAGRAM_URL = "https://www.instagram.com/p/{}/"
_MENTION_RE = re.compile(r"(?<![\w.@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")
_TAG_RE = re.compile(r"(?<![\w&/])#(\w+)")
_MAX_DEPTH = 2


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text or None


def caption_tags(text: str | None) -> tuple[list[str], list[str]]:
    """(hashtags, mentions) written in a caption."""
    if not text:
        return [], []
    tags = [t for t in _TAG_RE.findall(text) if not t.isdigit()]
    return merge_tags(tags), list(dict.fromkeys(_MENTION_RE.findall(text)))


def _caption(item: dict) -> str | None:
    caption = item.get("caption")
    if isinstance(caption, dict) and isinstance(caption.get("text"), str):
        return caption["text"].strip() or None
    edges = _dict(item.get("edge_media_to_caption")).get("edges")
    if isinstance(edges, list) and edges:
        text = _dict(_dict(edges[0]).get("node")).get("text")
        return text.strip() or None if isinstance(text, str) else None
    return None


def _meta_post(item: dict, platform: str) -> Post:
    code = _str(item.get("code")) or _str(item.get("shortcode"))
    if not code:
        raise ParseError(f"{platform} item without a shortcode (not a post)")
    user = _dict(item.get("user")) or _dict(item.get("owner"))
    handle = _str(user.get("username"))
    text = _caption(item)
    tags, mentions = caption_tags(text)
    created = item.get("taken_at", item.get("taken_at_timestamp"))
    return Post(
        platform=platform,
        platform_id=_str(item.get("id")) or _str(item.get("pk")) or code,
        url=(THREADS_URL.format(handle, code) if handle else None)
        if platform == "threads"
        else INSTAGRAM_URL.format(code),
        kind="post",
        text=text,
        created_at=epoch_to_utc_iso(created, "s"),
        created_at_raw=_str(created),
        author=handle,
        author_id=_str(user.get("pk")) or _str(user.get("id")),
        author_name=_str(user.get("full_name")),
        hashtags=tags,
        mentions=mentions,
        raw=item,
    )


# --- Threads --------------------------------------------------------------------------------------


def _link_target(url: Any) -> str | None:
    """``https://l.threads.com/?u=<target>&e=...`` -> the target; other links as they are."""
    link = http_url(url)
    if link is None:
        return None
    parts = urlsplit(link)
    if parts.hostname and parts.hostname.startswith("l.") and parts.hostname.endswith(("threads.com", "threads.net")):
        target = parse_qs(parts.query).get("u")
        return http_url(target[0]) if target else None
    return link


def threads_posts(item: Any, depth: int = 0) -> list[Post]:
    """A Threads post item -> [the post, the quoted post?]; a repost -> [the original]."""
    item = _dict(item)
    info = _dict(item.get("text_post_app_info"))
    share = _dict(info.get("share_info"))
    reposted = _dict(share.get("reposted_post"))
    if reposted and depth < _MAX_DEPTH:
        posts = threads_posts(reposted, depth + 1)
        reposter = _str(_dict(item.get("user")).get("username"))
        if reposter and reposter not in posts[0].reposted_by:
            posts[0].reposted_by.append(reposter)
        return posts
    post = _meta_post(item, "threads")
    for fragment in _dict(info.get("text_fragments")).get("fragments") or []:
        mentioned = _str(_dict(_dict(_dict(fragment).get("mention_fragment")).get("mentioned_user")).get("username"))
        if mentioned and mentioned not in post.mentions:
            post.mentions.append(mentioned)
    link = _link_target(_dict(info.get("link_preview_attachment")).get("url"))
    post.links = [link] if link else []
    post.like_count = item.get("like_count")
    post.reply_count = info.get("direct_reply_count")
    post.repost_count = info.get("repost_count")
    post.quote_count = info.get("quote_count")
    post.share_count = info.get("reshare_count")
    post.reply_to = _str(info.get("reply_to_post_id")) or _str(_dict(item.get("reply_to")).get("id"))
    posts = [post]
    quoted = _dict(share.get("quoted_post"))
    if quoted and depth < _MAX_DEPTH:
        try:
            quoted_posts = threads_posts(quoted, depth + 1)
        except ParseError:
            quoted_posts = []
        if quoted_posts:
            post.quote_of = quoted_posts[0].platform_id
            posts += [p for p in quoted_posts if p.platform_id != post.platform_id]
    return posts


# --- Instagram ------------------------------------------------------------------------------------


def instagram_posts(item: Any) -> list[Post]:
    """An Instagram media item (item-list or Graph form) -> [the post]; ads are a ParseError."""
    item = _dict(item)
    link = item.get("link")
    if item.get("product_type") == "ad" or (
        isinstance(link, str) and link.startswith("https://www.facebook.com/ads/ig_redirect")
    ):
        raise ParseError("instagram ad, not a post")
    post = _meta_post(item, "instagram")
    kind = item.get("__typename") or item.get("media_type")
    post.kind = "video" if kind in (2, "GraphVideo") or item.get("product_type") == "clips" else "post"
    for tag in _dict(item.get("usertags")).get("in") or []:
        name = _str(_dict(_dict(tag).get("user")).get("username"))
        if name and name not in post.mentions:
            post.mentions.append(name)
    post.like_count = item.get("like_count", _dict(item.get("edge_media_preview_like")).get("count"))
    post.reply_count = item.get(
        "comment_count",
        _dict(item.get("edge_media_to_comment")).get(
            "count", _dict(item.get("edge_media_preview_comment")).get("count")
        ),
    )
    post.view_count = item.get("play_count") or item.get("view_count") or item.get("video_view_count")
    return [post]


def is_repost(item: Any) -> bool:
    """True when the captured Threads item is a repost (its Posts then start with the original)."""
    return bool(_dict(_dict(_dict(item).get("text_post_app_info")).get("share_info")).get("reposted_post"))
