"""Mastodon: `GET /api/v1/timelines/tag/:hashtag` (a JSON array of Status) -> Posts.

- A boost is a wrapper Status around the original (``reblog``): the original is returned, once,
  keyed on its ActivityPub ``uri`` (the same status has a different local ``id`` on every
  instance), with the booster in ``reposted_by``.
- ``content`` HTML -> text (link-shortening spans removed, ``<br>``/``<p>`` kept as breaks).
- Paging: the ``Link`` header's ``rel="next"`` (older, ``max_id``); see ``next_link``.
- Quotes (4.5+): the quoted status is a Post of its own; the quoting post's ``quote_of`` names it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from crawler.items import Post
from crawler.parsers import RECORD_ERRORS, Page, ParseError, as_int, as_text, load_json, text_list, tidy_post
from crawler.parsers.html_text import html_to_text
from crawler.textnorm import extract_hashtags, merge_tags, safe_text, string_to_utc_iso

_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


def next_link(link_header: str | None, rel: str = "next") -> str | None:
    """The URL with the given rel in an RFC 8288 Link header (None when absent)."""
    for url, r in _LINK.findall(link_header or ""):
        if r == rel:
            return url
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _acct(account: Any, instance_host: str) -> str | None:
    account = _dict(account)
    acct = as_text(account.get("acct")) or as_text(account.get("username"))
    if acct and "@" not in acct:  # local accounts are bare; make handles global (user@home.host)
        acct = f"{acct}@{_host(as_text(account.get('url'))) or instance_host}"
    return acct


def _host(url: str | None) -> str:
    try:
        return urlsplit(url or "").netloc
    except ValueError:
        return ""


def _links(content: str) -> list[str]:
    if not isinstance(content, str) or "<a" not in content:
        return []
    try:
        root = lxml.html.fragment_fromstring(safe_text(content), create_parent="div")
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


def quoted_status(status: dict[str, Any]) -> dict[str, Any] | None:
    """The Status a post quotes: Mastodon 4.5's ``quote: {state, quoted_status}`` (None while the
    quote is pending, revoked or only a shallow ``quoted_status_id``), or the older
    Fedibird/Misskey-compatible form where ``quote`` is the Status itself."""
    quote = _dict(status.get("quote"))
    inner = quote.get("quoted_status") if "quoted_status" in quote or "state" in quote else quote
    inner = _dict(inner)
    return inner if inner.get("uri") or inner.get("url") else None


def status_to_post(status: dict[str, Any], instance_host: str, query: str | None) -> Post:
    account = _dict(status.get("account"))
    content = status.get("content") if isinstance(status.get("content"), str) else ""
    text = html_to_text(content)
    spoiler = as_text(status.get("spoiler_text"))
    if spoiler:
        text = f"{spoiler}\n\n{text}".strip()
    quoted = quoted_status(status) or {}
    uri = as_text(status.get("uri"))
    tags = status.get("tags") if isinstance(status.get("tags"), list) else []
    mentions = status.get("mentions") if isinstance(status.get("mentions"), list) else []
    post = Post(
        platform="mastodon",
        platform_id=uri or as_text(status.get("url")) or str(status["id"]),
        url=as_text(status.get("url")) or uri,
        kind="comment" if status.get("in_reply_to_id") else "post",
        text=text,
        lang=as_text(status.get("language")),
        created_at=string_to_utc_iso(status.get("created_at")),
        created_at_raw=as_text(status.get("created_at")),
        edited_at=string_to_utc_iso(status.get("edited_at")),
        author=_acct(account, instance_host),
        author_id=as_text(account.get("url")) or as_text(account.get("uri")),
        author_name=as_text(account.get("display_name")) or None,
        author_followers=as_int(account.get("followers_count")),
        hashtags=merge_tags(extract_hashtags(text), [_dict(t).get("name") for t in tags]),
        mentions=text_list([_dict(m).get("acct") for m in mentions]),
        links=_links(content),
        like_count=as_int(status.get("favourites_count")),
        repost_count=as_int(status.get("reblogs_count")),
        reply_count=as_int(status.get("replies_count")),
        quote_count=as_int(status.get("quotes_count")),
        community=_host(uri) or instance_host,  # the home instance
        reply_to=as_text(status.get("in_reply_to_id")),
        quote_of=as_text(quoted.get("uri")) or as_text(quoted.get("url")),
        source_query=query,
        raw=status,
    )
    return tidy_post(post)


def _usable(status: dict[str, Any], label: str) -> str | None:
    """Why a Status cannot become a Post, or None."""
    if not (as_text(status.get("uri")) or as_text(status.get("url"))):
        return f"status {label}: no uri or url"
    if not isinstance(status.get("created_at"), str) or not isinstance(status.get("content"), str):
        return f"status {label}: missing created_at or content"
    return None


def parse_statuses(data: Any, instance_url: str, query: str | None = None) -> Page:
    """A tag timeline page (the decoded JSON array, or the response text/bytes) ->
    Page(items=originals, extra={'newest_id': ...}).

    A quoted status (Mastodon 4.5 ``quote.quoted_status``) is yielded as its own Post, once per
    page, and the quoting post's ``quote_of`` is its uri. A status that cannot be read is a skip;
    its neighbours are kept.
    """
    data = load_json(data)
    if not isinstance(data, list):
        raise ParseError(f"expected a JSON array of statuses, got {type(data).__name__}")
    host = _host(instance_url if isinstance(instance_url, str) else "")
    page = Page(extra={"quoted": []})  # platform ids of posts yielded only because one quotes them
    ids = []
    seen: set[str] = set()
    for n, status in enumerate(data):
        sid = as_text(status.get("id")) if isinstance(status, dict) else None
        if not sid:
            page.skipped.append(f"status #{n}: no id")
            continue
        ids.append(sid)
        original = status.get("reblog") if isinstance(status.get("reblog"), dict) else status
        reason = _usable(original, sid)
        if reason:
            page.skipped.append(reason)
            continue
        try:
            post = status_to_post(original, host, query)
            if original is not status:
                booster = _acct(status.get("account"), host)
                post.reposted_by = [booster] if booster else []
            quoted = quoted_status(original)
            quoted_post = None
            if quoted is not None and not _usable(quoted, "quoted"):
                quoted_post = status_to_post(quoted, host, query)
                quoted_post.quote_of = None if quoted_post.quote_of == post.platform_id else quoted_post.quote_of
        except RECORD_ERRORS as exc:
            page.skipped.append(f"status {sid}: unreadable ({type(exc).__name__}: {exc})"[:200])
            continue
        if post.platform_id in page.extra["quoted"]:  # yielded before as a quoted post: keep this full copy
            page.items = [p for p in page.items if p.platform_id != post.platform_id]
            page.extra["quoted"].remove(post.platform_id)
        seen.add(post.platform_id)
        page.items.append(post)
        if quoted_post is not None and quoted_post.platform_id not in seen:
            seen.add(quoted_post.platform_id)
            page.items.append(quoted_post)
            page.extra["quoted"].append(quoted_post.platform_id)
    if ids:
        page.extra["newest_id"] = max(ids, key=lambda i: (len(i), i))
    return page
