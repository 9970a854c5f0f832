"""Pure normalisation helpers shared by parsers and pipelines: times, text, URLs, ids.
(Language identification lives in crawler/language.py.)

One place for each rule, so a parser and the normalise pipeline never disagree.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

# -- times ---------------------------------------------------------------------------------------


def utc_now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_CANONICAL_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\Z")
_EPOCH_STRING = re.compile(r"\d{9,13}(\.\d+)?")
MS_THRESHOLD = 1e11  # an epoch above this is milliseconds (1e11 s is the year 5138)


def _iso(dt: datetime) -> str | None:
    """An aware datetime -> 'YYYY-MM-DDTHH:MM:SSZ'; None if it cannot be shown in UTC."""
    try:
        dt = dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}Z"


def epoch_to_utc_iso(value: object, unit: str = "auto") -> str | None:
    """Epoch seconds or milliseconds (int, float or digit string) -> 'YYYY-MM-DDTHH:MM:SSZ', or None.

    The one epoch rule of every parser. ``unit`` "s" or "ms" says what the source documents, but a
    value obviously in the other unit is corrected (a 13-digit "seconds" value is ms, a 10-digit
    "ms" value is seconds): above ``MS_THRESHOLD`` it is milliseconds, whatever ``unit`` says
    ("auto" is the same rule). Total: bools, zero, negatives, NaN, overflow, garbage -> None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not _EPOCH_STRING.fullmatch(value) and not re.fullmatch(r"\d{1,8}(\.\d+)?", value):
            return None
    elif not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    if not math.isfinite(number) or number <= 0:
        return None
    if number > MS_THRESHOLD:
        number /= 1000.0
    try:
        return _iso(datetime.fromtimestamp(number, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return None


def string_to_utc_iso(value: object, assume_tz: timezone | None = UTC) -> str | None:
    """A time as the sources write it -> 'YYYY-MM-DDTHH:MM:SSZ' (UTC), or None.

    The one string-time rule of every parser: ISO 8601 / RFC 3339 (``Z``, offsets, fractions of any
    length, date-only), GDELT's ``YYYYMMDDTHHMMSSZ`` and RFC 822/2822 feed dates, read leniently
    (``Thu,28 Jul 2022 4:35:5 GMT+9``, ``GMT-0800``, ``UTC+05:30``, US zone names).

    A naive ISO time is taken as ``assume_tz`` (UTC unless the caller knows better;
    ``assume_tz=None`` rejects naive times). An RFC 2822 time whose zone is missing or could not be
    read gives None: it is not UTC, and the caller keeps the raw text. Total: anything else
    (other types, overflow, impossible dates) gives None.
    """
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or len(s) > 100:
        return None
    if _CANONICAL_UTC.match(s):  # already 'YYYY-MM-DDTHH:MM:SS[.fff]Z': the fast path
        try:
            datetime.fromisoformat(s[:19])  # a real date and time (no month 13)
            return s[:19] + "Z"
        except ValueError:
            return None
    try:
        dt = _parse_time_string(s)
    except (OverflowError, ValueError, TypeError, IndexError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        if assume_tz is None:
            return None
        dt = dt.replace(tzinfo=assume_tz)
    return _iso(dt)


def to_utc_iso(value: object, assume_tz: timezone | None = UTC) -> str | None:
    """Any time the sources send -> 'YYYY-MM-DDTHH:MM:SSZ' (UTC), or None if unparseable.

    Dispatches: datetimes; epoch seconds or milliseconds (numbers, and digit strings of 9-13
    digits) to :func:`epoch_to_utc_iso`; other strings to :func:`string_to_utc_iso`. Total.
    """
    if value is None or value == "" or value is False or value is True:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            if assume_tz is None:
                return None
            value = value.replace(tzinfo=assume_tz)
        return _iso(value)
    if isinstance(value, (int, float)):
        return epoch_to_utc_iso(value)
    if isinstance(value, str):
        if _EPOCH_STRING.fullmatch(value.strip()):
            return epoch_to_utc_iso(value)
        return string_to_utc_iso(value, assume_tz)
    return None


_FRACTION = re.compile(r"(\.\d+)")
_MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
_RFC2822 = re.compile(
    r"(?:[a-z]+\.?\s*,?\s*)?(\d{1,2})[\s-]+([a-z]{3,9})\.?[\s-]+(\d{2,4})\s+"
    r"(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?\s*(.*)",
    re.IGNORECASE,
)
_ZONE_NAMES = {
    "gmt": 0,
    "ut": 0,
    "utc": 0,
    "z": 0,
    "est": -5,
    "edt": -4,
    "cst": -6,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
}  # RFC 822's names; others are ambiguous
_ZONE = re.compile(r"(?:(gmt|utc|ut|z|[ecmp][sd]t)\b)?\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?\s*(?:\([^)]*\))?", re.I)


def _rfc2822(s: str) -> datetime | None:
    """RFC 822/2822 dates as feeds really write them; None when the zone cannot be read."""
    m = _RFC2822.fullmatch(s)
    if not m:
        return None
    day, month_name, year, hour, minute, second, zone = m.groups()
    month = _MONTHS.get(month_name[:3].lower())
    if month is None:
        return None
    y = int(year)
    if len(year) == 2:
        y += 2000 if y < 50 else 1900
    elif len(year) == 3:
        y += 1900
    z = _ZONE.fullmatch(zone.strip())
    if not zone.strip() or not z or not (z.group(1) or z.group(2)):
        return None  # no zone, or one we cannot read: not UTC
    offset = timedelta(hours=_ZONE_NAMES[z.group(1).lower()]) if z.group(1) else timedelta(0)
    if z.group(2):
        digits = z.group(3) + (z.group(4) or "")
        if z.group(4) is None and len(z.group(3)) <= 2:
            hh, mm = int(z.group(3)), 0
        else:
            digits = digits.zfill(4)
            hh, mm = int(digits[:-2]), int(digits[-2:])
        if hh > 14 or mm > 59:
            return None
        delta = timedelta(hours=hh, minutes=mm)
        offset += delta if z.group(2) == "+" else -delta
    if not timedelta(hours=-14) <= offset <= timedelta(hours=14):
        return None
    return datetime(y, month, int(day), int(hour), int(minute), int(second or 0), tzinfo=timezone(offset))


def _parse_time_string(s: str) -> datetime | None:
    iso = s.replace("z", "Z")
    iso = _FRACTION.sub(lambda m: m.group(1)[:7], iso, count=1)  # µs at most
    if iso[:1].isdigit():
        try:
            return datetime.fromisoformat(iso)
        except ValueError:
            pass
    if re.fullmatch(r"\d{8}T\d{6}Z", s):  # GDELT seendate
        try:
            return datetime.strptime(s, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            return None
    return _rfc2822(s)


# -- text ----------------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_BLANKS = re.compile(r"\n\s*\n+")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_TAGS = re.compile(r"<[^>]+>")


def safe_text(text: str) -> str:
    """Text any XML parser and database accepts: C0 control characters (except tab, newline,
    carriage return) and DEL removed, lone surrogates (legal in JSON, not in UTF-8) -> U+FFFD."""
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


def clean_text(text: object, strip_tags: bool = False) -> str | None:
    """NFC, entities decoded, zero-width and control characters removed, spaces collapsed,
    paragraphs kept as blank lines; None for empty or non-text input.

    The one home of text cleaning (parsers and the normalise pipeline): a list gives its first
    non-empty string (JSON-LD fields), ``strip_tags=True`` removes stray markup first. HTML
    fragments go through ``crawler.parsers.html_text.html_to_text`` instead."""
    if isinstance(text, list):
        text = next((v for v in text if isinstance(v, str) and v.strip()), None)
    if not isinstance(text, str):
        return None
    text = safe_text(text)
    if strip_tags and "<" in text and ">" in text:
        text = _TAGS.sub(" ", text)
    text = unicodedata.normalize("NFC", html.unescape(text) if "&" in text else text)
    text = safe_text(_ZERO_WIDTH.sub("", text))  # an entity can decode to a control character
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    return text or None


def clean_line(text: object, strip_tags: bool = False) -> str | None:
    """clean_text for one-line fields (titles, names): all whitespace collapsed to one space."""
    text = clean_text(text, strip_tags)
    return " ".join(text.split()) if text else None


def clean_paragraphs(text: object, drop: Callable[[str], bool] | None = None) -> str | None:
    """Extracted main text: every non-empty line one paragraph (separated by one blank line),
    cleaned as :func:`clean_line`; lines for which ``drop(line)`` is true (boilerplate) left out.
    The article extractor's ``clean_text(text, boilerplate)`` is this with its boilerplate test."""
    if isinstance(text, list):
        text = next((v for v in text if isinstance(v, str) and v.strip()), None)
    if not isinstance(text, str):
        return None
    kept = []
    for line in text.split("\n"):
        line = clean_line(line)
        if line and not (drop and drop(line)):
            kept.append(line)
    return "\n\n".join(kept) or None


# '#' first, then the look-behind (not a word, '&' or '/' before it: not x#y, &#123; or URL
# fragments): a pattern that starts with a literal lets `re` jump between the '#'s. Greedy
# tag characters stop at the first separator; RedNote's "#话题[话题]#" suffix is consumed.
# A tag never starts with '@': "#@user" is a mention written after a '#', not the tag "@user".
_TAG_CHARS = "[^\\s#＃\\[\\]【】,，。.!！?？:：;；()（）\"'“”]"
_HASHTAG = re.compile(rf"[#＃](?<![\w&/][#＃])(?![@＠])({_TAG_CHARS}+)(?:\[话题\]#)?")


def extract_hashtags(text: str | None) -> list[str]:
    """Hashtags in text, without '#': #TikTokRefugee, #小红书, RedNote's #话题[话题]# form."""
    if not text or not isinstance(text, str):
        return []
    return merge_tags(m.group(1).rstrip("_") for m in _HASHTAG.finditer(text))


_DOTTED = str.maketrans({"İ": "i", "ı": "i"})


def tag_key(tag: str) -> str:
    """The one case-folding rule for hashtags (dedupe in parsers, ``post_hashtags.tag`` in the
    store, facets): '#' removed, NFKC, Turkish dotted capital İ and dotless ı folded to i, then
    ``casefold`` ("SONDAKİKA", "Sondakika" and "sondakika" are one tag; full-width "ＴｉｋＴｏｋ" is
    "tiktok"). Not for display: parsers keep the first spelling seen."""
    if not isinstance(tag, str):
        return ""
    tag = unicodedata.normalize("NFKC", tag).strip().lstrip("#").strip()
    return unicodedata.normalize("NFC", tag.translate(_DOTTED).casefold())


def merge_tags(*groups) -> list[str]:
    """Union of tag lists, first spelling kept, equal under :func:`tag_key`, order of first
    appearance; a tag that starts with '@' (a mention) or is not a string is left out."""
    out: dict[str, str] = {}
    for group in groups:
        if isinstance(group, str):
            group = [group]
        for tag in group or []:
            if not isinstance(tag, str):
                continue
            tag = safe_text(tag).strip().lstrip("#＃").strip()
            key = tag_key(tag)
            if tag and key and not tag.startswith(("@", "＠")) and key not in out:
                out[key] = tag
    return list(out.values())


_NOT_WORD = re.compile(r"[\W_]+")


def content_hash(*parts: str | None) -> str | None:
    """Hash of the text with case, spaces and punctuation removed: same words -> same hash."""
    joined = "".join(p for p in parts if p)
    squashed = _NOT_WORD.sub("", joined.casefold())
    if not squashed:
        return None
    return hashlib.sha1(squashed.encode("utf-8")).hexdigest()


# -- ids -----------------------------------------------------------------------------------------


def stable_id(key: str) -> int:
    """A 53-bit integer from a key: stable across runs, exact in JSON/JavaScript, SQLite rowid."""
    return int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:8], "big") >> 11


def post_key(platform: str, platform_id: str) -> str:
    return f"{platform}:{platform_id}"


# -- URLs ----------------------------------------------------------------------------------------

TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl|"
    r"ocid|cmpid|icid|ito|xtor|spm|share_source|share_medium|sharer|smid|guccounter|"
    r"xsec_token|xsec_source|outputtype|amp|at_\w+|ref|ref_src|__twitter_impression)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str | None) -> str | None:
    """Drop tracking parameters and fragments, lower-case scheme and host, drop default ports,
    sort the remaining query, drop a trailing slash and an AMP suffix. Keeps http vs https
    (the article id ignores the scheme, see ``url_key``). Total: an http(s) URL that cannot be
    read (``http://[x/a``, a port that is not a number, a host IDNA rejects) gives None."""
    if not url or not isinstance(url, str):
        return None
    try:
        url = safe_url_string(safe_text(url.strip()))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return url
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except (ValueError, UnicodeError):
        return None
    if host.startswith("amp."):
        host = host[4:]
    netloc = host if port in (None, DEFAULT_PORTS.get(parts.scheme)) else f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k))
    path = re.sub(r"/+", "/", parts.path or "/")
    path = re.sub(r"^/amp(?=/.)", "", path)  # publisher AMP trees: /amp/2025/01/story.html
    path = re.sub(r"\.amp(\.html?)/?$", r"\1", path)  # story.amp.html -> story.html (not story)
    path = re.sub(r"(/amp(\.html)?|\.amp)/?$", "", path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))


def url_key(url: str) -> str:
    """The identity of a canonical URL: scheme-less, so http and https variants are one article."""
    return re.sub(r"^https?:", "", canonical_url(url) or url)
