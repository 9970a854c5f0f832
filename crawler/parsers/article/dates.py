"""Dates: ``published_at`` (the UTC instant), ``published_local`` (the page's own clock and offset, or
a bare day) and ``date_source``, plus ``modified_at``.

Sources, first that parses wins (``date_source``):
    ``jsonld``   datePublished / dateCreated of the article object;
    ``meta``     article:published_time, pubdate, dc.date, ... ;
    ``time``     ``<time datetime>`` (the one marked datePublished/pubdate first);
    ``text``     a visible dateline: elements whose class/id says date/time/pub/meta/byline, then
                 a Chinese ``YYYY年M月D日`` anywhere in the body outside nav/header/footer; read
                 by this module's patterns, else by dateparser (absolute dates only, in the page's
                 declared language and English: ``15. Januar 2025``, ``15.01.2025``);
    ``url``      a day in the URL path (``/2025/01/15/``, ``/20250115/``, ``/2025/0115/``);
    ``htmldate`` htmldate's original-date guess; its extensive search only when the plain one
                 finds nothing, and then never a January 1st (that is how its copyright-year
                 guesses come out).
A page with no date gets None everywhere, never the crawl time; dateparser's relative dates
("3 hours ago", "昨天") are switched off for the same reason.

Time zones:
    * an explicit offset or zone (``+08:00``, ``Z``, ``GMT``, ``EST``/``ET``...) is kept in
      ``published_local`` and converted for ``published_at``;
    * a naive time takes the zone the page states elsewhere (the offset of any other aware date in
      its JSON-LD/meta, e.g. ``article:modified_time``);
    * otherwise a naive time on a Chinese page (declared or detected ``zh``, or a ``.cn`` host) is
      China time, UTC+8: ``2025年1月14日 10:30`` -> ``2025-01-14T10:30:00+08:00`` /
      ``2025-01-14T02:30:00Z``;
    * otherwise a naive time is taken as UTC (``+00:00``);
    * a date without a time is that day: ``published_local`` ``2025-01-14``, ``published_at``
      ``2025-01-14T00:00:00Z`` (no shift, so the day never moves).
The page's own calendar day is ``published_local[:10]``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from .metadata import attributed, body_text, clean_line, first, in_body, node_text

logger = logging.getLogger(__name__)

CHINA_TZ = timezone(timedelta(hours=8))
DATE_SOURCES = ("jsonld", "meta", "time", "text", "url", "htmldate")

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


def to_local(value: datetime, has_time: bool) -> str:
    """The page's own clock: ISO 8601 with its offset (naive taken as UTC), or the bare day."""
    if not has_time:
        return value.strftime("%Y-%m-%d")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "publish-date",
    "publication_date", "sailthru.date", "parsely-pub-date", "dc.date.issued", "dc.date", "dcterms.created",
    "dcterms.date", "date", "ptime", "article.published", "publish_date", "release_date",
)  # fmt: skip
_MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "lastmod", "last-modified", "dcterms.modified",
)  # fmt: skip


def date_candidates(
    tree: HtmlElement, article: dict[str, Any], meta: dict[str, list[str]]
) -> tuple[list[tuple[str, str]], list[str]]:
    """([(raw, source), ...] for the published date, best first; [raw, ...] for the modified date)."""
    published = [
        (v, source)
        for v, source in (
            (article.get("datePublished"), "jsonld"),
            (article.get("dateCreated"), "jsonld"),
            (first(meta, *_PUBLISHED_META), "meta"),
        )
        if isinstance(v, str) and v.strip()
    ]
    stamped = [t for t in tree.iter("time") if t.get("datetime") is not None]  # one walk, no XPath
    marked = [t for t in stamped if t.get("itemprop") == "datePublished" or t.get("pubdate") is not None]
    times = [t.get("datetime") for t in (marked or stamped)]
    published.extend((str(t), "time") for t in times[:2])
    modified = [
        v for v in (article.get("dateModified"), first(meta, *_MODIFIED_META)) if isinstance(v, str) and v.strip()
    ]
    return published, modified


_DATE_TAGS = {"span", "div", "p", "em", "i", "small", "time", "li", "td", "address"}
_DATE_CLASS_WORDS = ("date", "Date", "time", "pub", "info", "meta", "byline")
_DATE_ID_WORDS = ("date", "time", "pub")


def _dateline_nodes(tree: HtmlElement) -> list[HtmlElement]:
    """span/div/p/em/i/small/time/li/td/address inside <body> whose class contains date/Date/time/
    pub/info/meta/byline or whose id contains date/time/pub, in document order."""
    found = []
    for el in attributed(tree):
        if el.tag not in _DATE_TAGS:
            continue
        cls, ident = el.get("class") or "", el.get("id") or ""
        if (any(w in cls for w in _DATE_CLASS_WORDS) or any(w in ident for w in _DATE_ID_WORDS)) and in_body(el):
            found.append(el)
    return found


_ZH_TEXT_XPATH = etree.XPath(
    '//body//text()[contains(., "年") and contains(., "月")]'
    "[not(ancestor::nav or ancestor::header or ancestor::footer or ancestor::script or ancestor::style)]"
)
_LABEL = re.compile(r"^[^\d:：]{0,30}[:：]\s*")  # "Published:", "Veröffentlicht am:", "发布时间："
_DIGIT = re.compile(r"\d")


_DATEPARSER_SETTINGS = {"PARSERS": ["custom-formats", "absolute-time"], "REQUIRE_PARTS": ["day", "month", "year"]}
_HAS_TIME = re.compile(r"\d[:：h]\d\d|\d\s*(?:uhr|时|點|点)", re.IGNORECASE)


@lru_cache(maxsize=64)
def _date_parser(languages: tuple[str, ...]) -> Any:
    """One dateparser parser per language pair, built once (``dateparser.parse`` builds a new one,
    with its locale loading, on every call that names languages)."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=list(languages), settings=_DATEPARSER_SETTINGS)


def warm_up() -> None:
    """Load what the first page would otherwise pay for: dateparser's data and its English parser
    (about 250 ms) and the en/zh language model (about 200 ms). Each extraction worker calls it in its
    initializer; a benchmark calls it before timing, as a crawl pays it once."""
    from .metadata import _identifier

    _dateparser("15 January 2025", "en")
    _identifier()


def _dateparser(text: str, lang: str | None) -> tuple[datetime, bool] | None:
    """dateparser on a short dateline, absolute dates only, in the page's language and English."""
    text = _LABEL.sub("", text)
    languages = tuple(dict.fromkeys(x for x in (lang, "en") if x))
    try:
        parser = _date_parser(languages)
        value = parser.get_date_data(text)["date_obj"]
        digit = _DIGIT.search(text)
        if value is None and digit and digit.start() > 0:  # "Veröffentlicht am 15. Januar 2025"
            value = parser.get_date_data(text[digit.start() :])["date_obj"]
    except Exception as err:  # noqa: BLE001 -- dateparser raises assorted errors on odd input
        logger.debug("dateparser failed on %r: %s", text, err)
        return None
    if value is None or not 1990 <= value.year <= 2100:
        return None
    has_time = bool(_HAS_TIME.search(text))
    return value, has_time


def visible_date(tree: HtmlElement, lang: str | None) -> tuple[str, tuple[datetime, bool]] | None:
    """(raw, parsed) of a dateline the page shows (see the module docstring)."""
    short = []
    for node in _dateline_nodes(tree)[:30]:
        text = node_text(node)
        if not text or len(text) > 200 or not _DIGIT.search(text):
            continue
        for pattern in (_ZH_DATE, _NUM_DATE, _EN_DATE, _EN_DATE_DMY):
            match = pattern.search(text)
            parsed = parse_date(match.group(0)) if match else None
            if match and parsed:
                return match.group(0).strip(), parsed
        if len(text) <= 80:
            short.append(text)
    for text in _ZH_TEXT_XPATH(tree)[:50] if "年" in body_text(tree) else ():
        text = clean_line(str(text))
        match = _ZH_DATE.search(text) if text and len(text) <= 200 else None
        parsed = parse_date(match.group(0)) if match else None
        if match and parsed:
            return match.group(0).strip(), parsed
    for text in short[:5]:
        parsed = _dateparser(text, lang)
        if parsed:
            return text, parsed
    return None


_URL_DAY = re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)")


def url_date(url: str) -> tuple[str, tuple[datetime, bool]] | None:
    """A day in the URL path: /2025/01/15/, /20250115/, /2025-01-15-..., /2025/0115/."""
    path = re.sub(r"^[a-z]+://[^/]*", "", url or "", flags=re.IGNORECASE).split("?")[0]
    for match in _URL_DAY.finditer(path):
        try:
            value = datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
        return match.group(0), (value, False)
    return None


def htmldate_guess(tree: HtmlElement, url: str) -> str | None:
    """htmldate's original-date guess; extensive search only as a second try, and never a Jan 1st."""
    from htmldate import find_date

    try:
        found = find_date(tree, url=url, original_date=True, extensive_search=False)
        if found:
            return found
        found = find_date(tree, url=url, original_date=True, extensive_search=True)
    except Exception as err:  # noqa: BLE001 -- htmldate raises assorted errors on odd trees
        logger.debug("htmldate failed on %s: %s", url, err)
        return None
    return None if not found or found[5:10] == "01-01" else found


def pick_dates(
    tree: HtmlElement,
    article: dict[str, Any],
    meta: dict[str, list[str]],
    url: str,
    chinese: bool,
    lang: str | None = None,
) -> dict[str, str | None]:
    """published_at, published_local, published_at_raw, date_source, modified_at (see module docstring)."""
    published, modified = date_candidates(tree, article, meta)
    zone = _stated_zone([raw for raw, _ in published] + modified) or (CHINA_TZ if chinese else UTC)
    found: tuple[str, str, tuple[datetime, bool]] | None = None
    for raw, source in published:
        parsed = parse_date(raw, zone)
        if parsed:
            found = (raw, source, parsed)
            break
    if found is None:
        seen = visible_date(tree, lang)
        if seen:
            found = (seen[0], "text", seen[1])
    if found is None:
        day = url_date(url)
        if day:
            found = (day[0], "url", day[1])
    if found is None:
        guess = htmldate_guess(tree, url)
        parsed = parse_date(guess) if guess else None
        if guess and parsed:
            found = (guess, "htmldate", parsed)
    result: dict[str, str | None] = dict.fromkeys(
        ("published_at", "published_local", "published_at_raw", "date_source", "modified_at")
    )
    if found:
        raw, source, (value, has_time) = found
        if has_time and value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        result["published_at"] = to_utc(value, has_time)
        result["published_local"] = to_local(value, has_time)
        result["published_at_raw"] = clean_line(raw)
        result["date_source"] = source
    for raw in modified:
        parsed = parse_date(raw, zone)
        if parsed:
            result["modified_at"] = to_utc(*parsed)
            break
    return result
