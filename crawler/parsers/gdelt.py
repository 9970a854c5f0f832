"""GDELT DOC 2.0 API (``mode=artlist&format=json``): the topic -> a query; a response -> articles.

What the API really sends (shared/FORMATS.md "GDELT DOC 2.0"): ``{"articles": [...]}`` with the
``articles`` key missing on an empty result; ``seendate`` as ``YYYYMMDDTHHMMSSZ`` (UTC);
``language``/``sourcecountry`` as English names; errors as **plain text**, even with HTTP 200
("One or more of your keywords were too short..."), and at times invalid JSON escapes. At most
250 records a call and no paging: the spider splits time windows instead.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from crawler.parsers import RECORD_ERRORS, Page, ParseError, as_text, http_url
from crawler.textnorm import string_to_utc_iso

MAX_RECORDS = 250  # the API's cap per call
MIN_KEYWORD = 3  # GDELT rejects shorter keywords


@dataclass
class GdeltArticle:
    url: str
    title: str | None = None
    seendate: str | None = None  # UTC ISO (when GDELT saw the article, not when it was published)
    seendate_raw: str | None = None  # YYYYMMDDTHHMMSSZ as sent
    domain: str | None = None
    language: str | None = None  # an English name: "English", "Chinese"
    sourcecountry: str | None = None
    socialimage: str | None = None
    url_mobile: str | None = None


def _query_term(label: str) -> str | None:
    term = " ".join(label.replace('"', " ").split())
    if not term:
        return None
    if " " in term or not re.fullmatch(r"\w+", term):
        return f'"{term}"'  # a phrase, or a word with punctuation (#, .): GDELT wants it quoted
    if len(term) < MIN_KEYWORD:
        return None  # "One or more of your keywords were too short"
    return term


def build_query(topic) -> str:
    """The topic's anchor terms as one GDELT query: ``("TikTok ban" OR RedNote OR ...)``.

    Phrases and terms with punctuation are quoted; single words under three characters are
    left out (GDELT answers them with an error). One term needs no parentheses (GDELT only
    allows parentheses around OR'd terms)."""
    terms: list[str] = []
    for t in topic.anchors:
        q = _query_term(t.label)
        if q and q.casefold() not in {x.casefold() for x in terms}:
            terms.append(q)
    if not terms:
        raise ValueError("the topic has no anchor term GDELT accepts (all shorter than 3 characters)")
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


_ESCAPE = re.compile(r'\\(u[0-9a-fA-F]{4}|["\\/bfnrt])|\\')


def _lenient_json(text: str):
    """JSON with invalid escapes (``\\'``, ``\\x``, a lone backslash) read as literal backslashes."""
    fixed = _ESCAPE.sub(lambda m: m.group(0) if m.group(1) else "\\\\", text)
    fixed = fixed.replace("\\\\'", "'")  # the commonest one: an escaped apostrophe
    return json.loads(fixed, strict=False)


def parse_artlist(body: str | bytes) -> Page:
    """One artlist response -> Page of GdeltArticle. ``Page.extra['count']`` is the number of
    records the API returned (skipped ones included): the spider compares it with the cap."""
    if isinstance(body, bytes | bytearray):
        body = bytes(body).decode("utf-8", errors="replace")
    if not isinstance(body, str):
        raise ParseError(f"GDELT body is a {type(body).__name__}")
    text = body.strip().lstrip("\ufeff")
    if not text:
        return Page(extra={"count": 0})
    if not text.startswith(("{", "[")):
        message = " ".join(text.split())[:300]
        raise ParseError(f"GDELT answered with an error: {message}")
    try:
        data = json.loads(text, strict=False)
    except json.JSONDecodeError:
        try:
            data = _lenient_json(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"GDELT answered with unreadable JSON: {exc}") from None
        except RecursionError:
            raise ParseError("GDELT answered with JSON nested too deeply") from None
    except RecursionError:
        raise ParseError("GDELT answered with JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ParseError(f"GDELT answered with a JSON {type(data).__name__}, not an object")
    records = data.get("articles", [])  # missing on an empty result
    if not isinstance(records, list):
        raise ParseError(f"'articles' is a {type(records).__name__}, not a list")
    page = Page(extra={"count": len(records)})
    for n, rec in enumerate(records):
        if not isinstance(rec, dict):
            page.skipped.append(f"record #{n}: not an object")
            continue
        url = http_url(as_text(rec.get("url")))
        if not url:
            page.skipped.append(f"record #{n} ({str(rec.get('title', ''))[:60]!r}): no http(s) url")
            continue
        try:
            page.items.append(_article(rec, url))
        except RECORD_ERRORS as exc:
            page.skipped.append(f"record #{n}: unreadable ({type(exc).__name__}: {exc})"[:200])
    return page


def _str(value: object) -> str | None:
    text = as_text(value)
    return text.strip() or None if text else None


def _article(rec: dict, url: str) -> GdeltArticle:
    raw_seen = _str(rec.get("seendate"))
    title = _str(rec.get("title"))
    return GdeltArticle(
        url=url,
        title=(html.unescape(title).strip() or None) if title else None,
        seendate=string_to_utc_iso(raw_seen),
        seendate_raw=raw_seen,
        domain=_str(rec.get("domain")),
        language=_str(rec.get("language")),
        sourcecountry=_str(rec.get("sourcecountry")),
        socialimage=_str(rec.get("socialimage")),
        url_mobile=_str(rec.get("url_mobile")),
    )
