"""Metadata sources (JSON-LD, <meta>, the page) and the fields they give: title, outlet,
section, canonical URL, summary, language.

Each field takes the first source that has a value: JSON-LD (an article-typed object, inside
``@graph``, lists or a WebPage's ``mainEntity``; ``@id`` references resolved), then OpenGraph and
other ``<meta>``, then the page itself (``<h1>``, ``<title>``, ``<html lang>``).
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html
from lxml.etree import ParserError
from lxml.html import HtmlElement
from trafilatura.utils import load_html

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


_ATTRIBUTED = etree.XPath("//*[@class or @id or @rel or @itemprop]")
_page: dict[str, Any] = {}  # values computed once for the page being extracted (see ``per_page``)


def per_page(tree: HtmlElement, key: str, compute: Any) -> Any:
    """``compute(tree)``, computed once per tree: the searches of one page share it.

    Holds one page only (the tree is kept by reference, so its identity cannot be reused while it
    is cached); ``forget_page`` drops it when the page is done.
    """
    if _page.get("tree") is not tree:
        _page.clear()
        _page["tree"] = tree
    if key not in _page:
        _page[key] = compute(tree)
    return _page[key]


def forget_page() -> None:
    _page.clear()


def attributed(tree: HtmlElement) -> list[HtmlElement]:
    """Every element with a class, id, rel or itemprop attribute, in document order: one XPath
    pass per page, shared by the byline, dateline and boilerplate-box searches (each used to walk
    the whole tree with its own ``//*[contains(@class, ...)]``)."""
    return per_page(tree, "attributed", _ATTRIBUTED)


def body_text(tree: HtmlElement) -> str:
    """The text of <body> (empty without one), once per page."""

    def compute(tree: HtmlElement) -> str:
        body = tree.find(".//body")
        return body.text_content() if body is not None else ""

    return per_page(tree, "body_text", compute)


def in_body(node: HtmlElement) -> bool:
    return any(a.tag == "body" for a in node.iterancestors())


def types_of(obj: dict[str, Any]) -> set[str]:
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
        if types_of(obj) & ARTICLE_TYPES:
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


def first(meta: dict[str, list[str]], *keys: str) -> str | None:
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


def node_text(node: HtmlElement) -> str:
    return clean_line(node.text_content()) or ""


def name_of(value: Any, index: dict[str, dict[str, Any]]) -> str | None:
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


def pick_outlet(
    article: dict[str, Any], index: dict[str, dict[str, Any]], meta: dict[str, list[str]], url: str
) -> str | None:
    """JSON-LD publisher.name > og:site_name > application-name > host without www."""
    publisher = article.get("publisher") or article.get("sourceOrganization")
    if isinstance(publisher, list):
        publisher = publisher[0] if publisher else None
    name = clean_line(name_of(publisher, index)) if publisher else None
    if not name:
        for obj in index.values():
            if types_of(obj) & {"NewsMediaOrganization", "Organization"} and clean_line(obj.get("name")):
                name = clean_line(obj.get("name"))
                break
    name = name or clean_line(first(meta, "og:site_name", "application-name", "publisher", "twitter:site"))
    if name and name.startswith("@"):
        name = None
    if name:
        return name
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def pick_section(article: dict[str, Any], meta: dict[str, list[str]]) -> str | None:
    return clean_line(article.get("articleSection")) or clean_line(
        first(meta, "article:section", "section", "category", "parsely-section")
    )


def pick_canonical(tree: HtmlElement, meta: dict[str, list[str]], url: str) -> str | None:
    """rel=canonical, else og:url, resolved against the page URL; None if the page names neither."""
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href:
            return urljoin(url, href)
    og = first(meta, "og:url")
    return urljoin(url, og) if og else None


def pick_summary(article: dict[str, Any], meta: dict[str, list[str]]) -> str | None:
    return clean_line(first(meta, "description", "og:description", "twitter:description")) or clean_line(
        article.get("description")
    )


# ---------------------------------------------------------------------------------------------


HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
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
    han = len(HAN.findall(sample))
    latin = len(_LATIN_WORD.findall(sample))
    return han / (han + 2 * latin) if han + latin else 0.0


def pick_lang(tree: HtmlElement, article: dict[str, Any], meta: dict[str, list[str]], text: str) -> str | None:
    """Declared language if the text does not contradict it, else py3langid restricted to en/zh."""
    root = tree.getroottree().getroot()
    declared = (
        normalise_lang(root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"))
        or normalise_lang(clean_line(article.get("inLanguage")))
        or normalise_lang(first(meta, "content-language", "og:locale", "language", "dc.language"))
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
# Title
# ---------------------------------------------------------------------------------------------

_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•]\s+|\s*_\s*|\s*｜\s*|\s*--\s*")
_ZH_SITE_SUFFIX = re.compile(
    r"\s*[-_|｜—·]\s*[^-_|｜—·]{2,12}(?:网|报|日报|新闻|在线|频道|时报|时讯|快讯|科技|资讯|视点)$"
)
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _tokens(text: str) -> set[str]:
    return {t.casefold() for t in _TOKEN.findall(text)}


def visible_h1s(tree: HtmlElement) -> list[str]:
    """Text of the page's <h1> elements that are not hidden (hidden attribute, aria-hidden,
    display:none on the element or an ancestor), in page order."""
    found = []
    for h1 in tree.iter("h1"):
        if any(
            el.get("hidden") is not None or el.get("aria-hidden") == "true" or _HIDDEN.search(el.get("style") or "")
            for el in (h1, *h1.iterancestors())
        ):
            continue
        text = node_text(h1)
        if text:
            found.append(text)
    return found


def pick_title(
    tree: HtmlElement, article: dict[str, Any], meta: dict[str, list[str]], outlet: str | None
) -> str | None:
    """JSON-LD headline > og:title/twitter:title/... > <title>, site name stripped; but the visible
    <h1> when the stated headline was rewritten and the page's own <title> sides with the h1.

    "Sides with": the h1 (at least 3 tokens, not the outlet's name) is contained in the <title>,
    or at least 80% of its tokens occur there (more than of the stated headline's), while the
    stated headline is neither the h1 nor contained in the <title>. A social
    rewrite of the headline in og:title then loses to the headline the reader sees. With no stated
    title at all, the first visible h1.
    """
    h1s = visible_h1s(tree)
    stated = next(
        (
            t
            for t in (
                clean_line(article.get("headline")),
                clean_line(article.get("name")) if article else None,
                clean_line(first(meta, "og:title", "twitter:title", "title", "headline", "dc.title")),
            )
            if t
        ),
        None,
    )
    title_el = tree.find(".//title")
    doc_title = node_text(title_el) if title_el is not None else None
    if stated and doc_title and h1s:
        h1 = _rewritten_from(stated, doc_title, h1s, outlet)
        if h1:
            return h1
    if stated or doc_title:
        return _strip_site(stated or doc_title or "", outlet, h1s)
    return h1s[0] if h1s else None


def _rewritten_from(stated: str, doc_title: str, h1s: list[str], outlet: str | None) -> str | None:
    """The h1 the <title> confirms when the stated headline differs from it (see pick_title)."""
    site = (outlet or "").casefold()
    page = doc_title.casefold()
    for h1 in h1s[:3]:
        tokens = _tokens(h1)
        if len(tokens) < 3 or len(h1) > 300 or (site and h1.casefold() in site):
            continue
        if h1.casefold() in stated.casefold() or tokens <= _tokens(stated):
            return None  # the stated headline is this h1 (perhaps with a suffix): _strip_site handles it
        if stated.casefold() in page:
            return None  # the <title> sides with the stated headline
        title_tokens, stated_tokens = _tokens(doc_title), _tokens(stated) or {""}
        share = len(tokens & title_tokens) / len(tokens)
        if h1.casefold() in page or share >= max(0.8, len(stated_tokens & title_tokens) / len(stated_tokens) + 1e-9):
            return h1
    return None


def _strip_site(title: str, outlet: str | None, h1s: list[str]) -> str:
    if HAN.search(title):
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
