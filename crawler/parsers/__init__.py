"""Pure parsers: response body (text or JSON) -> items. No Scrapy engine, no I/O.

Every parser here is total: any input gives items, per-record skips (``Page.skipped``) or one
``ParseError`` for the whole response, never another exception (tests/test_fuzz_parsers.py,
bench/fuzz_parsers.py). The helpers below are the shared pieces of that contract.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit


class ParseError(ValueError):
    """The input could not be parsed at all (malformed JSON/XML, wrong shape), or one record of it
    could not (then the parser adds a reason to ``Page.skipped`` and keeps the other records).

    Spiders catch it, log one error line and count ``observatory/parse_error/<source>``.
    """


@dataclass
class Page:
    """What a parser returns for one response.

    items: Article/Post items parsed; next: the next page's URL or cursor (None at the end);
    skipped: one short reason per record that was dropped (missing fields, wrong shape) so the
    spider can log and count each (``observatory/parse_skipped/<source>``); nothing is lost silently.
    """

    items: list[Any] = field(default_factory=list)
    next: str | None = None
    skipped: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. newest id seen, for cursors


# What a broken record can raise while a parser reads it; caught per record, turned into a skip.
RECORD_ERRORS = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    UnicodeError,
    OverflowError,
    RecursionError,
)


def load_json(data: Any) -> Any:
    """Accept an already decoded body or its bytes/text; ParseError when it is not JSON
    (malformed, not UTF-8, or nested too deeply for the decoder)."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(f"body is not UTF-8: {exc}") from None
    if isinstance(data, str):
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            raise ParseError(f"body is not JSON: {exc}") from None
        except RecursionError:
            raise ParseError("body is not JSON we can read: nested too deeply") from None
    return data


def http_url(link: Any, base: str | None = None) -> str | None:
    """``link`` (resolved against ``base``) if it is an absolute http(s) URL a request can be made
    for, else None: no scheme (``urn:uuid:...``, ``tag:...``), no host, an unreadable host or port
    (``http://[x/a``), spaces, control characters."""
    from crawler.textnorm import canonical_url, safe_text

    if not isinstance(link, str):
        return None
    link = link.strip()
    if not link or safe_text(link) != link or any(c.isspace() for c in link):
        return None
    try:
        if base:
            link = urljoin(base, link)
        parts = urlsplit(link)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except (ValueError, UnicodeError):
        return None
    return link if canonical_url(link) else None


def as_text(value: Any) -> str | None:
    """A string field as the platforms send it: str kept (control characters and lone surrogates
    made safe), an int id made a string, anything else (dict, list, float, bool) None."""
    from crawler.textnorm import safe_text

    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def as_int(value: Any) -> int | None:
    """A count: an int (or a float with no fraction) kept, anything else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def text_list(values: Any) -> list[str]:
    """A list field: its non-empty strings (made safe), in order, without repeats."""
    if not isinstance(values, list):
        return []
    out = [t for t in (as_text(v) for v in values if isinstance(v, str)) if t]
    return list(dict.fromkeys(out))


_POST_FIELDS: dict[str, str] | None = None


def tidy_post(post: Any) -> Any:
    """Make a Post's fields the types crawler/items.py documents: text fields str or None, counts
    int or None, lists of strings. Every Post-yielding parser passes its items through here."""
    global _POST_FIELDS
    if _POST_FIELDS is None:
        from crawler.items import Post

        kinds = {}
        for f in dataclasses.fields(Post):
            t = str(f.type)
            kinds[f.name] = (
                "str"
                if t.startswith("str")
                else "int"
                if t.startswith("int")
                else ("list" if t.startswith("list") else "")
            )
        _POST_FIELDS = kinds
    for name, kind in _POST_FIELDS.items():
        value = getattr(post, name)
        if kind == "str":
            fixed = as_text(value)
        elif kind == "int":
            fixed = as_int(value)
        elif kind == "list":
            fixed = text_list(value)
        else:
            continue
        if fixed is not value:
            setattr(post, name, fixed)
    if not post.platform_id:
        raise ParseError(f"{post.platform} record without an id")
    return post
