"""Pseudonymise authors (optional): keyed hashes instead of handles, ids and display names.

On when PSEUDONYMISE_AUTHORS is true; the key comes from the environment variable
OBSERVATORY_PSEUDONYM_KEY (read in crawler/settings.py) and the crawl refuses to start without
it. Runs first, before normalise, so everything derived later (ids, search text, hashtags,
authors table) is derived from the pseudonymised values. For every post:

- author, author_id, author_name, mentions and reposted_by become ``anon-<12 hex>`` (HMAC-SHA256
  of the case-folded value): the same account gets the same pseudonym across runs and sources,
  so counts per author still work, but the name cannot be recovered without the key;
- each of those strings (and a handle's local part before ``@``, an account URL's last path
  segment) is replaced as a whole word in text and title, and as a whole path segment (``@bob``,
  ``users/bob``) in url, platform_id, reply_to, thread_root, quote_of and links, so a URL stays a
  URL of the same shape (``https://m.example/users/anon-1a2b.../statuses/90``);
- the raw platform payload is not stored (it is full of names).
Articles are not changed (journalists' bylines are public professional attribution).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from crawler.items import Post

TEXT_FIELDS = ("text", "title")
URL_FIELDS = ("url", "platform_id", "reply_to", "thread_root", "quote_of")


class PseudonymKeyMissing(RuntimeError):
    pass


def pseudonym(key: bytes, value: str) -> str:
    return "anon-" + hmac.new(key, value.strip().casefold().encode("utf-8"), hashlib.sha256).hexdigest()[:12]


def _names(value: str) -> list[str]:
    value = value.strip()
    out = [value]
    if "://" in value:  # an account URL: its last path segment is the handle
        last = value.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
        if len(last) >= 3:
            out.append(last)
    else:
        local = value.lstrip("@").split("@")[0]
        if len(local) >= 3:
            out.append(local)
    return out


def _url_segments(url: str, lowered: dict[str, str]) -> str:
    """Replace path segments naming an account (``bob``, ``@bob``) with its pseudonym."""
    if url.casefold() in lowered:
        return lowered[url.casefold()]
    head, sep, rest = url.partition("://")
    if not sep:
        head, rest = "", url
    host, slash, path = rest.partition("/")
    parts = []
    for seg in path.split("/"):
        bare = seg.lstrip("@")
        parts.append(
            seg[: len(seg) - len(bare)] + lowered[bare.casefold()] if bare and bare.casefold() in lowered else seg
        )
    return (head + sep if sep else "") + host + slash + "/".join(parts)


def pseudonymise_post(p: Post, key: bytes) -> Post:
    names: set[str] = set()
    for value in [p.author, p.author_id, p.author_name, *p.mentions, *p.reposted_by]:
        if value and value.strip():
            names.update(_names(value))
    mapping = {n: pseudonym(key, n) for n in names}
    if mapping:
        alternatives = "|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\w@.]){alternatives}(?![\w])", re.IGNORECASE)
        lowered = {k.casefold(): v for k, v in mapping.items()}
        for f in TEXT_FIELDS:
            value = getattr(p, f)
            if value:
                setattr(p, f, pattern.sub(lambda m: lowered[m.group(0).casefold()], value))
        for f in URL_FIELDS:
            value = getattr(p, f)
            if value:
                setattr(p, f, _url_segments(value, lowered))
        p.links = [_url_segments(u, lowered) for u in p.links]
    p.author = mapping.get(p.author.strip()) if p.author else None
    p.author_id = mapping.get(p.author_id.strip()) if p.author_id else None
    p.author_name = mapping.get(p.author_name.strip()) if p.author_name and p.author_name.strip() else None
    p.mentions = [mapping[m.strip()] for m in p.mentions if m and m.strip()]
    p.reposted_by = [mapping[r.strip()] for r in p.reposted_by if r and r.strip()]
    p.raw = None
    return p


class PseudonymisePipeline:
    def __init__(self, crawler):
        self.enabled = crawler.settings.getbool("PSEUDONYMISE_AUTHORS")
        key = crawler.settings.get("OBSERVATORY_PSEUDONYM_KEY") or ""
        if self.enabled and len(key) < 16:
            raise PseudonymKeyMissing(
                "PSEUDONYMISE_AUTHORS is on: set OBSERVATORY_PSEUDONYM_KEY in the environment "
                "(a secret of 16+ characters; keep it, or pseudonyms change)"
            )
        self.key = key.encode("utf-8")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if self.enabled and isinstance(item, Post):
            pseudonymise_post(item, self.key)
            self.stats.inc_value("observatory/pseudonymise/posts")
        return item
