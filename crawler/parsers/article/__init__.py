"""The article extractor every article-fetching spider uses: bytes -> text -> fields.

Pure functions, no Scrapy engine, no I/O. Two entry points:

``decode_html(body, content_type)``  (``decoding``)
    bytes -> (text, encoding_used, header_lied). Pages lie about their charset; see its docstring.

``extract_article(html, url)``
    HTML text -> a dict with the Article fields a page can give (``FIELDS``): text, title,
    authors, outlet, section, published_at, published_local, date_source, modified_at,
    published_at_raw, lang, summary, canonical_url, method.

The HTML is parsed once with lxml (the loader trafilatura uses); the tree serves the metadata and
is handed to trafilatura for the main text (trafilatura copies it, so it stays intact).

Modules, one concern each:
    ``decoding``  charset detection;
    ``metadata``  JSON-LD / <meta> / page sources, title, outlet, section, canonical, summary, lang;
    ``dates``     published_at (UTC), published_local (the page's own clock), date_source, modified_at;
    ``authors``   bylines in English, German and Chinese;
    ``text``      trafilatura's default mode, JSON-LD and paragraph fallbacks behind a quality test.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from .authors import clean_authors, pick_authors
from .dates import CHINA_TZ, DATE_SOURCES, parse_date, pick_dates, to_local, to_utc, warm_up
from .decoding import decode_html
from .metadata import (
    article_object,
    forget_page,
    jsonld_objects,
    meta_values,
    normalise_lang,
    parse_tree,
    pick_canonical,
    pick_lang,
    pick_outlet,
    pick_section,
    pick_summary,
    pick_title,
)
from .text import clean_text, pick_text

__all__ = [
    "CHINA_TZ",
    "DATE_SOURCES",
    "FIELDS",
    "clean_authors",
    "clean_text",
    "decode_html",
    "extract_article",
    "normalise_lang",
    "parse_date",
    "to_local",
    "to_utc",
    "warm_up",
]

logger = logging.getLogger(__name__)

FIELDS = (
    "text",
    "title",
    "authors",
    "outlet",
    "section",
    "published_at",
    "published_local",
    "date_source",
    "modified_at",
    "published_at_raw",
    "lang",
    "summary",
    "canonical_url",
    "method",
)


def empty_result() -> dict[str, Any]:
    result: dict[str, Any] = dict.fromkeys(FIELDS)
    result["authors"] = []
    return result


def extract_article(html: str, url: str) -> dict[str, Any]:
    """Extract the article fields from one HTML page (see the modules' docstrings for the rules).

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
        chinese = lang == "zh" or (urlsplit(url or "").hostname or "").endswith(".cn")
        declared = normalise_lang(tree.getroottree().getroot().get("lang") or "") or lang
        result.update(pick_dates(tree, article, meta, url, chinese, declared))
    except Exception:  # a bug on one odd page must not lose the crawl: keep what we have, log loudly
        logger.exception("extract_article failed part-way on %s", url)
    finally:
        forget_page()
    return result


def drop_title_line(text: str | None, title: str | None) -> str | None:
    """Remove the headline when the extracted text starts with it (it is in ``title``)."""
    if not text or not title:
        return text
    first, _, rest = text.partition("\n\n")
    if first.strip() == title.strip() and rest:
        return rest
    return text
