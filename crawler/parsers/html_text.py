"""HTML fragments (post bodies, comments, feed summaries) -> clean plain text. The one
implementation every parser uses (plain-text cleaning lives in crawler.textnorm.clean_text)."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from crawler.textnorm import safe_text

BLOCKS = {"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "ul", "ol", "table"}
_PARAGRAPHS = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_TAGS = re.compile(r"<[^>]*>")


def html_to_text(fragment: str | None, drop_classes: tuple[str, ...] = ("invisible",)) -> str:
    """Text of an HTML fragment: entities decoded, ``<br>`` -> newline, paragraphs separated by a
    blank line; "" for an empty fragment.

    - Unclosed ``<p>`` (Hacker News writes ``first<p>second``) and stray markup are tolerated:
      a block starts and ends a paragraph.
    - Newlines in the source are spaces, as in a browser, except inside ``<pre>``.
    - Elements with a class in ``drop_classes`` are removed (Mastodon's link-shortening
      ``<span class="invisible">``); an ``ellipsis`` span gets a trailing "…", as the web UI shows.
    Total: control characters and lone surrogates (which lxml refuses) are removed or replaced
    first, and markup lxml still cannot read gives its text with the tags cut out.
    """
    if not isinstance(fragment, str) or not fragment.strip():
        return ""
    fragment = safe_text(fragment)
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    try:
        return _html_to_text(fragment, drop_classes)
    except (etree.LxmlError, ValueError, UnicodeError, RecursionError):
        return " ".join(_TAGS.sub(" ", fragment).split())


def _html_to_text(fragment: str, drop_classes: tuple[str, ...]) -> str:
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment.strip()
    for el in list(root.iter("script", "style")):
        el.drop_tree()
    drop = set(drop_classes)
    for el in list(root.iter(etree.Element)):
        if el is not root and set((el.get("class") or "").split()) & drop:
            el.drop_tree()
    for el in root.iter(etree.Element):
        _flatten_newlines(el)
        if el is root:
            continue
        if "ellipsis" in (el.get("class") or "").split():
            el.tail = "…" + (el.tail or "")
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in BLOCKS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
    paragraphs = []
    for chunk in _PARAGRAPHS.split(root.text_content()):
        lines = [_SPACES.sub(" ", line).strip() for line in chunk.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _in_pre(el: Any) -> bool:
    return el is not None and (el.tag == "pre" or any(a.tag == "pre" for a in el.iterancestors()))


def _flatten_newlines(el: Any) -> None:
    """Source newlines are plain spaces in HTML, except inside <pre>."""
    if el.text and not _in_pre(el):
        el.text = el.text.replace("\n", " ")
    if el.tail and not _in_pre(el.getparent()):
        el.tail = el.tail.replace("\n", " ")
