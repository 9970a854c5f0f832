"""The article extractor every article-fetching spider uses: bytes -> text -> fields.

Pure functions, no Scrapy engine, no I/O. Two entry points:

``decode_html(body, content_type)``
    bytes -> (text, encoding_used, header_lied). Pages lie about their charset; see its docstring.

``extract_article(html, url)``
    HTML text -> a dict with the Article fields a page can give (see ``crawler/items.py``):
    text, title, authors, outlet, section, published_at, modified_at, published_at_raw, lang,
    summary, canonical_url, method.

The HTML is parsed once with lxml (the same loader trafilatura uses); the tree is reused for the
metadata and handed to trafilatura for the main text (trafilatura copies it, so it stays intact).

Metadata, first source that has a value wins:
    1. JSON-LD (NewsArticle, Article, ReportageNewsArticle, LiveBlogPosting, BlogPosting, ...;
       inside ``@graph``, lists, or a WebPage's ``mainEntity``; ``@id`` references resolved);
    2. OpenGraph / ``<meta>`` (og:title, og:site_name, article:published_time, author, byline,
       pubdate, ...);
    3. the page itself (``<time datetime>``, a visible dateline such as ``2025年1月14日 10:30``,
       ``<html lang>``, ``<h1>``, ``<title>``);
    4. htmldate for the date (no extensive search: a footer's copyright year is not a date).
A page with no date gets ``None``, never the crawl time.

Time zones (``published_at``/``modified_at`` are UTC ``YYYY-MM-DDTHH:MM:SSZ``):
    * an explicit offset or zone (``+08:00``, ``Z``, ``GMT``, ``EST``/``ET``...) is converted to UTC;
    * a naive time takes the zone the page states elsewhere (the offset of any other aware date in
      its JSON-LD/meta, e.g. ``article:modified_time``);
    * otherwise a naive time on a Chinese page (declared or detected ``zh``, or a ``.cn`` host) is
      China time, UTC+8: ``2025年1月14日 10:30`` -> ``2025-01-14T02:30:00Z``;
    * otherwise a naive time is taken as UTC;
    * a date without a time (``2025-01-14``) is that calendar day at ``00:00:00Z``: no shift, so
      the day never moves.

Main text (``method`` says which candidate won):
    * ``trafilatura``: ``trafilatura.extract(tree, favor_precision=True, include_comments=False)``;
    * ``jsonld``: the JSON-LD ``articleBody`` when it is plausible (long enough, not marked
      ``isAccessibleForFree: false`` -- a paywalled page keeps its visible teaser) and clearly
      longer than trafilatura's text;
    * ``paragraphs``: the ``<p>`` blocks of the container holding most paragraph text, outside
      nav/aside/footer/comment/related boxes; used when trafilatura returns nothing or less than
      half of that text (trafilatura's precision mode can drop short Chinese paragraphs).
    Text is NFC, whitespace collapsed inside paragraphs, paragraphs separated by a blank line, and
    short boilerplate lines ("Subscribe", "Share this article", "责任编辑：...") removed.

Language: the declared language (``<html lang>``, JSON-LD ``inLanguage``, content-language,
og:locale) normalised to ISO 639-1 (``zh-CN``/``zh-Hans``/``zh_TW`` -> ``zh``, ``en-US`` -> ``en``)
when the text does not contradict it (a page declared ``en`` whose text is mostly Han characters
is ``zh``); else py3langid restricted to ``en``/``zh`` on the text.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError
from lxml.html import HtmlElement
from trafilatura.utils import load_html
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

from crawler.parsers import ParseError

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "LiveBlogPosting",
    "BlogPosting",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "Report",
}
CHINA_TZ = timezone(timedelta(hours=8))
FIELDS = (
    "text",
    "title",
    "authors",
    "outlet",
    "section",
    "published_at",
    "modified_at",
    "published_at_raw",
    "lang",
    "summary",
    "canonical_url",
    "method",
)

# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------

_SINGLE_BYTE = {"cp1252", "latin-1", "iso8859-1", "ascii", "cp1251", "cp1254", "cp874", "mac-roman"}
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _codec(label: str | None) -> str | None:
    """A Python codec name for a charset label; gb2312/gbk/zh-cn -> gb18030 (a superset)."""
    if not label:
        return None
    name = resolve_encoding(label.strip().strip("\"'"))
    if name in {"gb2312", "gbk", "hz"}:
        name = "gb18030"
    return name


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str, bool]:
    """Decode an HTML body whose declared charset may be wrong.

    Candidates in order: BOM, the HTTP header's charset, the ``<meta>`` charset, utf-8, gb18030;
    the first that decodes strictly wins (gb2312/gbk are read as gb18030, their superset). One
    exception: when a declared single-byte charset (latin-1/cp1252/ascii...) would win but the body
    is valid UTF-8 with multibyte sequences in it, UTF-8 wins (a legacy text is practically never
    valid UTF-8 by accident, and cp1252 decodes almost anything into mojibake).

    Returns (text, encoding_used, header_lied); header_lied is True when the Content-Type header
    named a charset and a different one was used. Nothing decodes? gb18030 with replacement.
    """
    if not body:
        return "", "utf-8", False
    header = _codec(http_content_type_encoding(content_type)) if content_type else None
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        text = _strict(body[len(bom) :], _codec(bom_encoding) or bom_encoding)
        if text is not None:
            used = _codec(bom_encoding) or bom_encoding
            return text, used, bool(header and header != used)
    meta = _codec(html_body_declared_encoding(body))
    has_utf8 = _UTF8_MULTIBYTE.search(body) is not None
    for candidate in dict.fromkeys(c for c in (header, meta, "utf-8", "gb18030") if c):
        text = _strict(body, candidate)
        if text is None:
            continue
        if candidate in _SINGLE_BYTE and has_utf8:
            utf8 = _strict(body, "utf-8")
            if utf8 is not None:
                logger.debug("declared %s but body is valid utf-8", candidate)
                text, candidate = utf8, "utf-8"
        return text, candidate, bool(header and header != candidate)
    logger.debug("no strict decoding worked; gb18030 with replacement")
    return body.decode("gb18030", errors="replace"), "gb18030", bool(header and header != "gb18030")


# ---------------------------------------------------------------------------------------------
# Parsing and metadata sources
# ---------------------------------------------------------------------------------------------

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HAS_TAG = re.compile(r"<\s*[a-zA-Z!/?]")


def parse_tree(html: str) -> HtmlElement:
    """Parse HTML text once into an lxml tree; ParseError if it is not HTML at all."""
    if not html or not html.strip() or not _HAS_TAG.search(html[:20000]):
        raise ParseError("not HTML: empty or without any tag")
    html = _XML_DECL.sub("", html, count=1)
    tree = load_html(html)
    if tree is None:
        try:
            tree = lxml_html.document_fromstring(html)
        except (ParserError, ValueError) as err:
            raise ParseError(f"not HTML: {err}") from err
    return tree


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _walk_jsonld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_jsonld(item)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        if "@graph" in data:
            yield from _walk_jsonld(data["@graph"])
        main = data.get("mainEntity") or data.get("mainEntityOfPage")
        if isinstance(main, dict) and "@type" in main:
            yield from _walk_jsonld(main)


def jsonld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every typed JSON-LD object on the page (lists, @graph and mainEntity flattened)."""
    objects: list[dict[str, Any]] = []
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|\]\]>\s*$", "", raw)
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            try:  # trailing commas are the most common breakage
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
            except ValueError:
                logger.debug("unparseable JSON-LD block (%d chars)", len(raw))
                continue
        objects.extend(_walk_jsonld(data))
    return objects


def article_object(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The first JSON-LD object of an article type, or {}."""
    for obj in objects:
        if _types(obj) & ARTICLE_TYPES:
            return obj
    return {}


def meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """<meta> contents keyed by lower-cased name/property/itemprop/http-equiv, in page order."""
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


def clean_line(value: Any) -> str | None:
    """NFC, whitespace collapsed; None for empty or non-string."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    if "<" in value and ">" in value:
        value = re.sub(r"<[^>]+>", " ", value)
    value = unicodedata.normalize("NFC", re.sub(r"\s+", " ", value.replace("\xa0", " "))).strip()
    return value or None


def _node_text(node: HtmlElement) -> str:
    return clean_line(node.text_content()) or ""


def _name(value: Any, index: dict[str, dict[str, Any]]) -> str | None:
    """The name of a JSON-LD value: a string, a {name} object or an {@id} reference."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "name" not in value and value.get("@id") in index:
            value = index[value["@id"]]
        name = value.get("name")
        if isinstance(name, list):
            name = name[0] if name else None
        return name if isinstance(name, str) else None
    return None


# ---------------------------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------------------------

_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•]\s+|\s*_\s*|\s*｜\s*|\s*--\s*")


def pick_title(
    tree: HtmlElement, article: dict[str, Any], meta: dict[str, list[str]], outlet: str | None
) -> str | None:
    """JSON-LD headline > og:title > twitter:title > <h1> found in <title> > <title> trimmed."""
    h1s = [t for t in (_node_text(h) for h in tree.iter("h1")) if t]
    for candidate in (
        clean_line(article.get("headline")),
        clean_line(article.get("name")) if article else None,
        clean_line(_first(meta, "og:title", "twitter:title", "title", "headline", "dc.title")),
    ):
        if candidate:
            return _strip_site(candidate, outlet, h1s)
    title_el = tree.find(".//title")
    title = _node_text(title_el) if title_el is not None else None
    if title:
        return _strip_site(title, outlet, h1s)
    return h1s[0] if h1s else None


_ZH_SITE_SUFFIX = re.compile(
    r"\s*[-_|｜—·]\s*[^-_|｜—·]{2,12}(?:网|报|日报|新闻|在线|频道|时报|时讯|快讯|科技|资讯|视点)$"
)


def _strip_site(title: str, outlet: str | None, h1s: list[str]) -> str:
    if _HAN.search(title):
        title = _ZH_SITE_SUFFIX.sub("", title) or title
    for h1 in h1s:
        if len(h1) >= 8 and h1 != title and h1 in title:
            return h1
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) > 1:
        site = (outlet or "").lower()
        kept = [p for p in parts if not site or (p.lower() not in site and site not in p.lower())]
        if len(kept) < len(parts) and kept:
            return max(kept, key=len) if len(kept) > 1 and not _joinable(title, kept) else _rejoin(title, kept)
    return title


def _joinable(title: str, kept: list[str]) -> bool:
    return _rejoin(title, kept) in title


def _rejoin(title: str, kept: list[str]) -> str:
    start = title.find(kept[0])
    end = title.find(kept[-1]) + len(kept[-1])
    return title[start:end].strip() if start >= 0 and end > start else kept[0]


_BYLINE_PREFIX = re.compile(
    r"^\s*(?:by|written by|words by|reporting by|story by|author[s]?\s*[:：]?|"
    r"作者\s*[:：|丨]?|记者\s*[:：|丨]?|文\s*[/／|丨:：]|撰文\s*[:：]?|本报记者|新华社记者|特约撰稿人)\s*",
    re.IGNORECASE,
)
_ROLE_SUFFIX = re.compile(
    r",?\s*(?:staff|senior|chief|contributing|special|foreign)?\s*"
    r"(?:staff writer|reporter|correspondent|writer|editor|contributor|columnist)s?\s*$|"
    r",?\s*\b(?:staff|in [A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*$",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bwith\b|、|，|和|及|/|／|\|)\s*", re.IGNORECASE)


_NOT_NAMES = {
    "staff",
    "admin",
    "editor",
    "点击数",
    "点击",
    "阅读",
    "浏览",
    "来源",
    "发布时间",
    "时间",
    "编辑",
    "责任编辑",
    "本报",
}


def clean_authors(raw: Iterable[str], outlet: str | None = None) -> list[str]:
    """Names only: no "By", no "and", no role suffixes ("Staff Writer"), no duplicates.

    "Reuters Staff"-style credits are dropped when a person is named, else kept as "Reuters".
    """
    names: list[str] = []
    desks: list[str] = []
    seen: set[str] = set()
    for value in raw:
        value = clean_line(value)
        if not value or value.startswith(("http://", "https://")):
            continue
        value = re.split(r"\s*(?:\||·|—|–)\s*(?:updated|published)\b", value, flags=re.IGNORECASE)[0]
        value = re.sub(r"[（(].*?[)）]", "", value)
        value = re.split(r"\s*(?:编辑|责任编辑|来源|校对)\s*[:：]", value)[0]
        value = _BYLINE_PREFIX.sub("", value)
        for part in _AUTHOR_SPLIT.split(value):
            part = _BYLINE_PREFIX.sub("", part).strip(" .:：-")
            desk = re.fullmatch(r"(.{2,40}?)\s+staff", part, flags=re.IGNORECASE)
            if desk:
                desks.append(desk.group(1))
                continue
            part = _ROLE_SUFFIX.sub("", part).strip(" .:：-")
            if re.fullmatch(r"[\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4})+", part):
                pieces = part.split()  # "张伟 李娜": two Chinese names
            else:
                pieces = [part]
            for name in pieces:
                key = name.casefold()
                if not name or len(name) > 60 or key in seen or key in _NOT_NAMES:
                    continue
                if re.fullmatch(r"[\u4e00-\u9fff]+(?:报道|电|讯)", name) or (outlet and key == outlet.casefold()):
                    continue
                seen.add(key)
                names.append(name)
    return names or list(dict.fromkeys(desks))


_BY_XPATH = (
    "//body//*[self::b or self::strong or self::p or self::span or self::div or self::em]"
    '[starts-with(normalize-space(text()), "By ") or starts-with(normalize-space(text()), "by ")]'
)


def pick_authors(
    tree: HtmlElement,
    article: dict[str, Any],
    index: dict[str, dict[str, Any]],
    meta: dict[str, list[str]],
    outlet: str | None,
) -> list[str]:
    """JSON-LD author > author/byline meta > rel=author/byline elements."""
    author = article.get("author") or article.get("creator")
    if author:
        items = author if isinstance(author, list) else [author]
        names = clean_authors((n for n in (_name(a, index) for a in items) if n), outlet)
        if names:
            return names
    for key in (
        "author",
        "article:author",
        "byl",
        "byline",
        "dc.creator",
        "dcterms.creator",
        "sailthru.author",
        "parsely-author",
    ):
        if meta.get(key):
            names = clean_authors(meta[key], outlet)
            if names:
                return names
    nodes = tree.xpath(
        '//*[@rel="author" or @itemprop="author" or contains(concat(" ", normalize-space(@class), " "), " byline ")'
        ' or contains(@class, "author-name") or contains(@class, "byline__name")]'
    )
    texts = [_node_text(n) for n in nodes[:6]]
    if not texts:  # an element whose own text starts with "By " (old templates: <b>By ...</b>)
        texts = [t for t in (_node_text(n) for n in tree.xpath(_BY_XPATH)[:3]) if len(t) < 100]
    names = clean_authors([t for t in texts if t and len(t) < 120], outlet)
    if names:
        return names
    return _chinese_byline(tree, outlet)


_ZH_BYLINE = re.compile(r"(?:记者|作者|文\s*[/／])\s*[:：]?\s*((?:[\u4e00-\u9fff]{2,4}[\s、，,]*){1,4})")


def _chinese_byline(tree: HtmlElement, outlet: str | None) -> list[str]:
    for node in tree.xpath(
        '//*[contains(@class,"source") or contains(@class,"info") or contains(@class,"author")'
        ' or contains(@class,"writer") or contains(@class,"meta") or contains(@class,"byline")]'
    )[:10]:
        match = _ZH_BYLINE.search(_node_text(node))
        if match:
            return clean_authors([match.group(1)], outlet)
    return []


def pick_outlet(
    article: dict[str, Any], index: dict[str, dict[str, Any]], meta: dict[str, list[str]], url: str
) -> str | None:
    """JSON-LD publisher.name > og:site_name > application-name > host without www."""
    publisher = article.get("publisher") or article.get("sourceOrganization")
    if isinstance(publisher, list):
        publisher = publisher[0] if publisher else None
    name = clean_line(_name(publisher, index)) if publisher else None
    if not name:
        for obj in index.values():
            if _types(obj) & {"NewsMediaOrganization", "Organization"} and clean_line(obj.get("name")):
                name = clean_line(obj.get("name"))
                break
    name = name or clean_line(_first(meta, "og:site_name", "application-name", "publisher", "twitter:site"))
    if name and name.startswith("@"):
        name = None
    if name:
        return name
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def pick_section(article: dict[str, Any], meta: dict[str, list[str]]) -> str | None:
    return clean_line(article.get("articleSection")) or clean_line(
        _first(meta, "article:section", "section", "category", "parsely-section")
    )


def pick_canonical(tree: HtmlElement, meta: dict[str, list[str]], url: str) -> str | None:
    """rel=canonical, else og:url, resolved against the page URL; None if the page names neither."""
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href:
            return urljoin(url, href)
    og = _first(meta, "og:url")
    return urljoin(url, og) if og else None


def pick_summary(article: dict[str, Any], meta: dict[str, list[str]]) -> str | None:
    return clean_line(_first(meta, "description", "og:description", "twitter:description")) or clean_line(
        article.get("description")
    )


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "BST": 1, "CET": 1, "CEST": 2,
    "EST": -5, "EDT": -4, "ET": -5, "CST": -6, "CDT": -5, "CT": -6, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "PT": -8, "HKT": 8, "SGT": 8, "JST": 9, "KST": 9,
    "北京时间": 8, "CCT": 8,
}  # fmt: skip
_MONTHS = {
    m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
}
_ZH_DATE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:[(（]?周.[)）]?\s*)?"
    r"(?:(上午|下午|晚上)?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
_NUM_DATE = re.compile(
    r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[A-Z]{2,4}\b)?"
)
_EN_DATE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})"
    r"(?:\s*(?:at|,|-|·)?\s*(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?)?\s*([A-Z]{2,4}\b)?",
    re.IGNORECASE,
)
_EN_DATE_DMY = re.compile(
    r"\b(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})"
    r"(?:\s*(?:at|,|-)?\s*(\d{1,2})[:.](\d{2})\s*([ap])?\.?m?\.?)?\s*([A-Z]{2,4}\b)?",
    re.IGNORECASE,
)


def _zone(label: str | None) -> timezone | None:
    if not label:
        return None
    label = label.strip()
    if label.upper() in _ZONES:
        return timezone(timedelta(hours=_ZONES[label.upper()]))
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", label)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    return None


def _hour(hour: int, meridiem: str | None) -> int:
    if meridiem and meridiem.lower() in {"p", "下午", "晚上"} and hour < 12:
        return hour + 12
    if meridiem and meridiem.lower() == "a" and hour == 12:
        return 0
    return hour


def parse_date(raw: str | None, default_tz: timezone | None = None) -> tuple[datetime, bool] | None:
    """Parse a date string -> (datetime, has_time). Aware when the string carries a zone, else naive.

    ISO 8601 (incl. basic and ``+0800``), RFC 2822, ``2025年1月14日 10:30``, ``2025-01-14 10:30``,
    ``January 14, 2025 10:30 AM EST``, ``14 Jan 2025``. Naive results get ``default_tz`` attached
    when given. None if nothing parses or the year is implausible.
    """
    raw = clean_line(raw)
    if not raw:
        return None
    result = _parse_date(raw)
    if result is None:
        return None
    value, has_time = result
    if not 1990 <= value.year <= 2100:
        return None
    if value.tzinfo is None and default_tz is not None and has_time:
        value = value.replace(tzinfo=default_tz)
    return value, has_time


def _parse_date(raw: str) -> tuple[datetime, bool] | None:
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
        return value, bool(re.search(r"\d[T ]\d", raw) or re.search(r"T\d", raw))
    except ValueError:
        pass
    if re.match(r"^[A-Za-z]{3},\s", raw):
        try:
            return parsedate_to_datetime(raw), True
        except (TypeError, ValueError):
            pass
    try:
        match = _ZH_DATE.search(raw)
        if match:
            y, mo, d, meridiem, h, mi, s = match.groups()
            value = datetime(int(y), int(mo), int(d), _hour(int(h or 0), meridiem), int(mi or 0), int(s or 0))
            zone = _zone("北京时间") if "北京时间" in raw else None
            return value.replace(tzinfo=zone), h is not None
        match = _NUM_DATE.search(raw)
        if match:
            y, mo, d, h, mi, s, zone = match.groups()
            value = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
            return value.replace(tzinfo=_zone(zone) if h else None), h is not None
        match = _EN_DATE.search(raw)
        if match:
            mon, d, y, h, mi, meridiem, zone = match.groups()
            value = datetime(int(y), _MONTHS[mon[:3].lower()], int(d), _hour(int(h or 0), meridiem), int(mi or 0))
            return value.replace(tzinfo=_zone(zone) if h else None), h is not None
        match = _EN_DATE_DMY.search(raw)
        if match:
            d, mon, y, h, mi, meridiem, zone = match.groups()
            value = datetime(int(y), _MONTHS[mon[:3].lower()], int(d), _hour(int(h or 0), meridiem), int(mi or 0))
            return value.replace(tzinfo=_zone(zone) if h else None), h is not None
    except ValueError:  # e.g. month 13
        return None
    return None


def to_utc(value: datetime, has_time: bool) -> str:
    """UTC ISO 8601 with Z; a date without time keeps its calendar day at 00:00:00Z."""
    if not has_time:
        return value.strftime("%Y-%m-%dT00:00:00Z")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stated_zone(values: Iterable[str | None]) -> timezone | None:
    """The zone of the first aware date among the page's own date values."""
    for raw in values:
        parsed = parse_date(raw) if raw else None
        if parsed and parsed[1] and parsed[0].tzinfo is not None:
            return parsed[0].tzinfo  # type: ignore[return-value]
    return None


_DATE_CLASS_XPATH = (
    "//*[self::span or self::div or self::p or self::em or self::i or self::small or self::time]"
    '[contains(@class,"date") or contains(@class,"time") or contains(@class,"pub") or contains(@class,"info")'
    ' or contains(@id,"date") or contains(@id,"time") or contains(@id,"pub")]'
)


def date_candidates(
    tree: HtmlElement, article: dict[str, Any], meta: dict[str, list[str]]
) -> tuple[list[str], list[str]]:
    """Raw published and modified date strings, best source first."""
    published = [
        v
        for v in (
            article.get("datePublished"),
            article.get("dateCreated"),
            _first(meta, "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                   "publish-date", "publication_date", "sailthru.date", "parsely-pub-date", "dc.date.issued",
                   "dc.date", "dcterms.created", "dcterms.date", "date", "ptime", "article.published"),
        )
        if isinstance(v, str) and v.strip()
    ]  # fmt: skip
    times = tree.xpath('//time[@itemprop="datePublished" or @pubdate]/@datetime') or tree.xpath("//time/@datetime")
    published.extend(str(t) for t in times[:2])
    modified = [
        v
        for v in (
            article.get("dateModified"),
            _first(
                meta,
                "article:modified_time",
                "og:updated_time",
                "datemodified",
                "lastmod",
                "last-modified",
                "dcterms.modified",
            ),
        )
        if isinstance(v, str) and v.strip()
    ]
    return published, modified


def visible_date(tree: HtmlElement) -> str | None:
    """A dateline in a date/time/info element, e.g. "2025年1月14日 10:30" or "2025-01-14 10:30"."""
    for node in tree.xpath(_DATE_CLASS_XPATH)[:20]:
        text = _node_text(node)
        if text and len(text) < 200 and (_ZH_DATE.search(text) or _NUM_DATE.search(text) or _EN_DATE.search(text)):
            return text
    return None


def htmldate_fallback(tree: HtmlElement, url: str) -> str | None:
    """htmldate's original-date guess, without extensive search (no copyright-year guesses)."""
    from htmldate import find_date

    try:
        return find_date(tree, url=url, original_date=True, extensive_search=False)
    except Exception as err:  # noqa: BLE001 -- htmldate raises assorted errors on odd trees
        logger.debug("htmldate failed on %s: %s", url, err)
        return None


def pick_dates(
    tree: HtmlElement, article: dict[str, Any], meta: dict[str, list[str]], url: str, chinese: bool
) -> tuple[str | None, str | None, str | None]:
    """(published_at, published_at_raw, modified_at) in UTC, following the module's zone rules."""
    published, modified = date_candidates(tree, article, meta)
    zone = _stated_zone([*published, *modified]) or (CHINA_TZ if chinese else UTC)
    raw_published = None
    published_at = None
    for raw in [*published, visible_date(tree)]:
        parsed = parse_date(raw, zone) if raw else None
        if parsed:
            published_at, raw_published = to_utc(*parsed), clean_line(raw)
            break
    if published_at is None:
        raw = htmldate_fallback(tree, url)
        parsed = parse_date(raw) if raw else None
        if parsed:
            published_at, raw_published = to_utc(*parsed), raw
    modified_at = None
    for raw in modified:
        parsed = parse_date(raw, zone)
        if parsed:
            modified_at = to_utc(*parsed)
            break
    return published_at, raw_published, modified_at


# ---------------------------------------------------------------------------------------------
# Language
# ---------------------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def normalise_lang(value: str | None) -> str | None:
    """'zh-CN', 'zh-Hans', 'zh_TW' -> 'zh'; 'en-US' -> 'en'; None for junk."""
    if not value:
        return None
    code = re.split(r"[-_\s,;]", value.strip().lower())[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import _load_identifier

    return _load_identifier(langs=["en", "zh"])


def han_share(text: str) -> float:
    """Han characters / (Han characters + Latin words): ~1 for Chinese, ~0 for English."""
    sample = text[:3000]
    han = len(_HAN.findall(sample))
    latin = len(_LATIN_WORD.findall(sample))
    return han / (han + 2 * latin) if han + latin else 0.0


def pick_lang(tree: HtmlElement, article: dict[str, Any], meta: dict[str, list[str]], text: str) -> str | None:
    """Declared language if the text does not contradict it, else py3langid restricted to en/zh."""
    root = tree.getroottree().getroot()
    declared = (
        normalise_lang(root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"))
        or normalise_lang(clean_line(article.get("inLanguage")))
        or normalise_lang(_first(meta, "content-language", "og:locale", "language", "dc.language"))
    )
    if not text.strip():
        return declared
    share = han_share(text)
    if (
        declared
        and not (declared != "zh" and share > 0.5)
        and not (declared == "zh" and share < 0.05 and len(text) > 200)
    ):
        return declared
    lang, _ = _identifier().classify(text[:2000])
    return lang if lang in {"en", "zh"} else declared


# ---------------------------------------------------------------------------------------------
# Main text
# ---------------------------------------------------------------------------------------------

_BOILERPLATE = re.compile(
    r"^(?:advertisement|ad|sponsored|subscribe(?: now| today)?|sign up|log ?in|share(?: this(?: article| story)?)?"
    r"|share on \w+|read more|continue reading|follow us.*|related(?: stories| articles| coverage)?:?|key events"
    r"|show key events only|skip to (?:main )?content|click here to subscribe.*|already a subscriber\?.*"
    r"|.*(?:newsletter|subscribe to|subscription|subscriber)s?.{0,40}|copyright.*|©.*|all rights reserved.*"
    r"|广告|分享到[:：]?.*|分享|点击订阅.*|扫码关注.*|责任编辑[:：].*|编辑[:：].{0,10}|校对[:：].{0,10}"
    r"|相关阅读|相关新闻|更多精彩.*|版权所有.*|未经授权.*|本文来源[:：].{0,30}|打开app.*|阅读全文|展开全文|live|live updates"
    r"|[\d\s年月日:：/.\-]{8,24}|(?:updated|published)[\s:]+.{0,40}|声明[:：].*|[(（]?责任编辑[:：].{0,12}[)）]?)$",
    re.IGNORECASE,
)
_NOISE_XPATH = (
    "//nav|//aside|//footer|//form|//header|//script|//style|//noscript|//button|//figcaption"
    '|//*[contains(@class,"comment") or contains(@id,"comment") or contains(@class,"related")'
    ' or contains(@class,"share") or contains(@class,"newsletter") or contains(@class,"subscribe")'
    ' or contains(@class,"paywall") or contains(@class,"cookie") or contains(@class,"promo")'
    ' or contains(@class,"key-events") or contains(@class,"recommend") or contains(@class,"footer")'
    ' or contains(@class,"copyright") or contains(@class,"sidebar") or contains(@class,"widget")'
    ' or contains(@class,"most-read") or contains(@class,"popular") or contains(@class,"trending")'
    ' or contains(@class,"rank") or contains(@class,"crumb") or contains(@class,"hot-")]'
)


def clean_text(text: str | None, boilerplate: bool = True) -> str | None:
    """Paragraphs separated by one blank line, whitespace collapsed, NFC, boilerplate lines removed."""
    if not text:
        return None
    paragraphs = []
    for line in re.split(r"\n", unicodedata.normalize("NFC", text)):
        line = re.sub(r"\s+", " ", line.replace("\xa0", " ")).strip()
        if not line:
            continue
        if boilerplate and len(line) < 120 and _BOILERPLATE.match(line):
            continue
        paragraphs.append(line)
    return "\n\n".join(paragraphs) or None


# boxes trafilatura sometimes keeps; pruned before it runs (class/id substrings)
_PRUNE_MARKERS = ("key-events", "keyevents", "newsletter", "paywall", "subscribe", "cookie", "related", "share-bar",
                  "social-share", "share-tools", "sharebar", "recommend", "comment")  # fmt: skip
PRUNE_XPATH = "|".join(f'//*[contains(@class,"{m}") or contains(@id,"{m}")]' for m in _PRUNE_MARKERS)


FAST = True  # skip trafilatura's readability/jusText second pass: paragraph_text() is ours


def trafilatura_text(tree: HtmlElement, url: str) -> str | None:
    """trafilatura's precision-mode main text, boilerplate boxes pruned first; None if empty."""
    try:
        text = trafilatura.extract(
            tree,
            url=url,
            favor_precision=True,
            fast=FAST,
            include_comments=False,
            include_tables=False,  # layout tables otherwise come out as one "| ... |" line
            include_images=False,
            include_links=False,
            with_metadata=False,
            deduplicate=False,
            output_format="txt",
            prune_xpath=PRUNE_XPATH,
        )
    except Exception as err:  # noqa: BLE001 -- trafilatura has raised on odd trees; never let it kill a page
        logger.warning("trafilatura failed on %s: %s", url, err)
        return None
    return clean_text(text)


def _walk(body: HtmlElement, noisy: set[int]) -> Iterator[HtmlElement]:
    """Elements in document order, skipping noisy subtrees."""
    stack = [body]
    while stack:
        el = stack.pop()
        if id(el) in noisy or not isinstance(el.tag, str):
            continue
        yield el
        stack.extend(reversed(el))


def _blocks(body: HtmlElement, noisy: set[int]) -> Iterator[tuple[HtmlElement, str]]:
    """(owner, text) for each text block: p/h2/h3/li/blockquote, and <br>-separated runs of a div/td
    (old Chinese portals put a whole article in one <div> with <br> between paragraphs)."""
    for el in _walk(body, noisy):
        if el.tag in {"div", "td"}:
            if sum(1 for c in el if c.tag == "br") < 2:
                continue
            run = el.text or ""
            for child in el:
                if child.tag == "br":
                    yield el, run
                    run = child.tail or ""
                elif child.tag in {"p", "div", "table", "ul", "ol"}:
                    yield el, run
                    run = child.tail or ""
                else:
                    run += child.text_content() + (child.tail or "")
            yield el, run
        elif el.tag in {"p", "h2", "h3", "li", "blockquote"}:
            yield el, el.text_content()


def paragraph_text(tree: HtmlElement) -> str | None:
    """The text blocks of the container holding most paragraph text, outside obvious boilerplate.

    Readability-style: a block's length counts fully for its parent and half for its grandparent;
    from the best node we climb while the parent only adds siblings of comparable weight (a live
    blog's entries, one wrapper each) and stop below a parent that adds small stuff (sidebars).
    """
    body = tree.find(".//body")
    if body is None:
        return None
    noise = body.xpath(_NOISE_XPATH)  # keep the proxies alive: ids below refer to them
    noisy = {id(n) for n in noise}
    scores: dict[int, list[Any]] = {}
    totals: dict[int, list[Any]] = {}  # id -> [node, chars]; holding the node keeps its id stable
    kept: list[tuple[HtmlElement, str]] = []
    for owner, raw in _blocks(body, noisy):
        text = clean_line(raw) or ""
        if len(text) < (8 if _HAN.search(text) else 25) or (owner.tag == "li" and len(text) < 60):
            continue
        kept.append((owner, text))
        if owner.tag in {"div", "td"}:
            parent: HtmlElement | None = owner
        else:
            parent = owner.getparent()
        for node, weight in ((parent, 1.0), (parent.getparent() if parent is not None else None, 0.5)):
            if node is not None:
                scores.setdefault(id(node), [node, 0.0])[1] += weight * len(text)
        for node in (owner, *owner.iterancestors()):
            totals.setdefault(id(node), [node, 0])[1] += len(text)
    if not scores:
        return None
    best = max(scores.values(), key=lambda pair: pair[1])[0]
    while best is not body and (parent := best.getparent()) is not None:
        mine = totals.get(id(best), [None, 0])[1]
        others = [totals[id(c)][1] for c in parent if c is not best and id(c) in totals]
        loose = totals.get(id(parent), [None, 0])[1] - mine - sum(others)  # the parent's own blocks
        if loose > 0 or any(o < 0.5 * mine for o in others):
            break
        best = parent
    inside = {id(best), *(id(n) for n in best.iterdescendants())}
    return clean_text("\n".join(text for owner, text in kept if id(owner) in inside))


def _covered(part: str, whole: str) -> float:
    """Share of part's paragraphs (by characters) that occur verbatim in whole."""
    paragraphs = [p for p in part.split("\n\n") if p]
    total = sum(len(p) for p in paragraphs)
    return sum(len(p) for p in paragraphs if p in whole) / total if total else 0.0


def _jsonld_body(article: dict[str, Any]) -> str | None:
    body = article.get("articleBody")
    if isinstance(body, list):
        body = "\n".join(b for b in body if isinstance(b, str))
    if not isinstance(body, str) or not body.strip():
        return None
    if "<" in body and ">" in body:
        body = re.sub(r"</?(?:p|br|div|h\d|li)[^>]*>", "\n", body, flags=re.IGNORECASE)
        body = re.sub(r"<[^>]+>", " ", body)
    return clean_text(body, boilerplate=False)


def _free(article: dict[str, Any]) -> bool:
    flag = article.get("isAccessibleForFree")
    return not (flag is False or (isinstance(flag, str) and flag.strip().lower() == "false"))


def pick_text(tree: HtmlElement, article: dict[str, Any], url: str) -> tuple[str | None, str | None]:
    """(text, method): trafilatura, unless JSON-LD articleBody or the paragraph text is clearly better."""
    extracted = trafilatura_text(tree, url)
    body = _jsonld_body(article) if _free(article) else None
    size = len(extracted or "")
    if body and len(body) >= 200 and len(body) > 1.15 * size:
        return body, "jsonld"
    paragraphs = paragraph_text(tree)
    if paragraphs and len(paragraphs) >= 80:
        if len(paragraphs) > 2 * size:  # trafilatura found (next to) nothing
            return paragraphs, "paragraphs"
        if extracted and len(paragraphs) > 1.15 * size and _covered(extracted, paragraphs) >= 0.8:
            return paragraphs, "paragraphs"  # same container, trafilatura dropped some of it
    if extracted:
        return extracted, "trafilatura"
    if body:
        return body, "jsonld"
    return (paragraphs, "paragraphs") if paragraphs else (None, None)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def empty_result() -> dict[str, Any]:
    result: dict[str, Any] = dict.fromkeys(FIELDS)
    result["authors"] = []
    return result


def extract_article(html: str, url: str) -> dict[str, Any]:
    """Extract the article fields from one HTML page (see the module docstring for the rules).

    Never raises for ugly pages: missing things come back as None (authors: []). Raises
    ParseError only when the input is not HTML at all (empty, or no tag in it).
    """
    tree = parse_tree(html)
    result = empty_result()
    try:
        objects = jsonld_objects(tree)
        index = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
        article = article_object(objects)
        meta = meta_values(tree)
        result["outlet"] = outlet = pick_outlet(article, index, meta, url)
        result["title"] = title = pick_title(tree, article, meta, outlet)
        text, result["method"] = pick_text(tree, article, url)
        result["text"] = text = drop_title_line(text, title)
        result["canonical_url"] = pick_canonical(tree, meta, url)
        result["summary"] = pick_summary(article, meta)
        result["section"] = pick_section(article, meta)
        result["authors"] = pick_authors(tree, article, index, meta, outlet)
        result["lang"] = lang = pick_lang(tree, article, meta, " ".join(filter(None, [title, text])))
        chinese = lang == "zh" or (urlsplit(url).hostname or "").endswith(".cn")
        dates = pick_dates(tree, article, meta, url, chinese)
        result["published_at"], result["published_at_raw"], result["modified_at"] = dates
    except Exception:  # a bug on one odd page must not lose the crawl: keep what we have, log loudly
        logger.exception("extract_article failed part-way on %s", url)
    return result


def drop_title_line(text: str | None, title: str | None) -> str | None:
    """Remove the headline when the extracted text starts with it (it is in ``title``)."""
    if not text or not title:
        return text
    first, _, rest = text.partition("\n\n")
    if first.strip() == title.strip() and rest:
        return rest
    return text
