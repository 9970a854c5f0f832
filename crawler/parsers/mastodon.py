"""Mastodon: `GET /api/v1/timelines/tag/:hashtag` (a JSON array of Status) -> Posts.

- A boost is a wrapper Status around the original (``reblog``): the original is returned, once,
  keyed on its ActivityPub ``uri`` (the same status has a different local ``id`` on every
  instance), with the booster in ``reposted_by``.
- ``content`` HTML -> text (link-shortening spans removed, ``<br>``/``<p>`` kept as breaks).
- Paging: the ``Link`` header's ``rel="next"`` (older, ``max_id``); see ``next_link``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from crawler.items import Post
from crawler.parsers import Page, ParseError
from crawler.parsers.html_text import html_to_text
from crawler.textnorm import extract_hashtags, merge_tags

_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


def next_link(link_header: str | None, rel: str = "next") -> str | None:
    """The URL with the given rel in an RFC 8288 Link header (None when absent)."""
    for url, r in _LINK.findall(link_header or ""):
        if r == rel:
            return url
    return None


def _acct(account: dict[str, Any], instance_host: str) -> str | None:
    acct = account.get("acct") or account.get("username")
    if acct and "@" not in acct:  # local accounts are bare; make handles global (user@home.host)
        acct = f"{acct}@{urlsplit(account.get('url') or '').netloc or instance_host}"
    return acct


def _links(content: str) -> list[str]:
    if not content or "<a" not in content:
        return []
    try:
        root = lxml.html.fragment_fromstring(content, create_parent="div")
    except Exception:  # noqa: BLE001 - a broken fragment has no usable links
        return []
    out = []
    for a in root.iter("a"):
        cls = a.get("class") or ""
        if "mention" in cls or "hashtag" in cls or a.get("rel") == "tag":
            continue
        if a.get("href"):
            out.append(a.get("href"))
    return out


def status_to_post(status: dict[str, Any], instance_host: str, query: str | None) -> Post:
    account = status.get("account") or {}
    content = status.get("content") or ""
    text = html_to_text(content)
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n\n{text}".strip()
    quoted = (status.get("quote") or {}).get("quoted_status") or {}
    return Post(
        platform="mastodon",
        platform_id=status.get("uri") or status.get("url") or str(status["id"]),
        url=status.get("url") or status.get("uri"),
        kind="comment" if status.get("in_reply_to_id") else "post",
        text=text,
        lang=status.get("language"),
        created_at=status.get("created_at"),
        created_at_raw=status.get("created_at"),
        edited_at=status.get("edited_at"),
        author=_acct(account, instance_host),
        author_id=account.get("url") or account.get("uri"),
        author_name=account.get("display_name") or None,
        author_followers=account.get("followers_count"),
        hashtags=merge_tags(extract_hashtags(text), [t.get("name") for t in status.get("tags") or [] if isinstance(t, dict)]),
        mentions=[m.get("acct") for m in status.get("mentions") or [] if isinstance(m, dict) and m.get("acct")],
        links=_links(content),
        like_count=status.get("favourites_count"),
        repost_count=status.get("reblogs_count"),
        reply_count=status.get("replies_count"),
        quote_count=status.get("quotes_count"),
        community=urlsplit(status.get("uri") or "").netloc or instance_host,  # the home instance
        reply_to=status.get("in_reply_to_id"),
        quote_of=quoted.get("uri"),
        source_query=query,
        raw=status,
    )


def parse_statuses(data: Any, instance_url: str, query: str | None = None) -> Page:
    """A tag timeline page -> Page(items=originals, extra={'newest_id': ...})."""
    if not isinstance(data, list):
        raise ParseError(f"expected a JSON array of statuses, got {type(data).__name__}")
    host = urlsplit(instance_url).netloc
    page = Page()
    ids = []
    for n, status in enumerate(data):
        if not isinstance(status, dict) or not status.get("id"):
            page.skipped.append(f"status #{n}: no id")
            continue
        ids.append(str(status["id"]))
        original = status.get("reblog") if isinstance(status.get("reblog"), dict) else status
        if not (original.get("uri") or original.get("url")):
            page.skipped.append(f"status {status['id']}: no uri or url")
            continue
        if not original.get("created_at") or original.get("content") is None:
            page.skipped.append(f"status {status['id']}: missing created_at or content")
            continue
        post = status_to_post(original, host, query)
        if original is not status:
            booster = _acct(status.get("account") or {}, host)
            post.reposted_by = [booster] if booster else []
        page.items.append(post)
    if ids:
        page.extra["newest_id"] = max(ids, key=lambda i: (len(i), i))
    return page
