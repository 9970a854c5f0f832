"""Pure normalisation helpers shared by parsers and pipelines: times, text, URLs, ids.
(Language identification lives in crawler/language.py.)

One place for each rule, so a parser and the normalise pipeline never disagree.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from datetime import UTC, datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

# -- times ---------------------------------------------------------------------------------------


def utc_now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_CANONICAL_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\Z")


def to_utc_iso(value: object, assume_tz: timezone | None = UTC) -> str | None:
    """Any time the sources send -> 'YYYY-MM-DDTHH:MM:SSZ' (UTC), or None if unparseable.

    Accepts datetimes, epoch seconds or milliseconds (int/float/str > 1e11 = ms), ISO 8601 with
    'Z', offsets, fractions of any length, and RFC 2822 (feeds). A naive time is taken as
    ``assume_tz`` (UTC unless the caller knows better); ``assume_tz=None`` rejects naive times.
    """
    if value is None or value == "" or value is False:
        return None
    if isinstance(value, str) and _CANONICAL_UTC.match(value):  # already 'YYYY-MM-DDTHH:MM:SS[.fff]Z'
        try:
            datetime.fromisoformat(value[:19])  # a real date and time (no month 13)
            return value[:19] + "Z"
        except ValueError:
            return None
    dt: datetime | None = None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\d{9,13}(\.\d+)?", value.strip())):
        num = float(value)
        if num > 1e11:
            num /= 1000.0
        dt = datetime.fromtimestamp(num, tz=UTC)
    elif isinstance(value, str):
        dt = _parse_time_string(value.strip())
    if dt is None:
        return None
    if dt.tzinfo is None:
        if assume_tz is None:
            return None
        dt = dt.replace(tzinfo=assume_tz)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_FRACTION = re.compile(r"(\.\d+)")


def _parse_time_string(s: str) -> datetime | None:
    iso = s.replace("z", "Z")
    iso = _FRACTION.sub(lambda m: m.group(1)[:7], iso, count=1)  # µs at most
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    if re.fullmatch(r"\d{8}T\d{6}Z", s):  # GDELT seendate
        return datetime.strptime(s, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None


# -- text ----------------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_BLANKS = re.compile(r"\n\s*\n+")


def clean_text(text: str | None) -> str | None:
    """NFC, zero-width characters removed, spaces collapsed, paragraphs kept as blank lines."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", html.unescape(text) if "&" in text else text)
    text = _ZERO_WIDTH.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    return text or None


def clean_line(text: str | None) -> str | None:
    """clean_text for one-line fields (titles, names): all whitespace collapsed to one space."""
    text = clean_text(text)
    return " ".join(text.split()) if text else None


# '#' first, then the look-behind (not a word, '&' or '/' before it: not x#y, &#123; or URL
# fragments): a pattern that starts with a literal lets `re` jump between the '#'s. Greedy
# tag characters stop at the first separator; RedNote's "#话题[话题]#" suffix is consumed.
_TAG_CHARS = "[^\\s#＃\\[\\]【】,，。.!！?？:：;；()（）\"'“”]"
_HASHTAG = re.compile(rf"[#＃](?<![\w&/][#＃])({_TAG_CHARS}+)(?:\[话题\]#)?")


def extract_hashtags(text: str | None) -> list[str]:
    """Hashtags in text, without '#': #TikTokRefugee, #小红书, RedNote's #话题[话题]# form."""
    if not text:
        return []
    return merge_tags(m.group(1).rstrip("_") for m in _HASHTAG.finditer(text))


def merge_tags(*groups) -> list[str]:
    """Union of tag lists, first spelling kept, case-insensitive, order of first appearance."""
    out: dict[str, str] = {}
    for group in groups:
        for tag in group or []:
            tag = (tag or "").strip().lstrip("#＃").strip()
            if tag and tag.casefold() not in out:
                out[tag.casefold()] = tag
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
    (the article id ignores the scheme, see ``url_key``)."""
    if not url:
        return None
    url = safe_url_string(url.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("amp."):
        host = host[4:]
    port = parts.port
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
