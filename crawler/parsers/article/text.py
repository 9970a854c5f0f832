"""Main text: trafilatura's default mode first; two fallbacks for when it plainly failed.

``pick_text`` returns (text, method):
    * ``trafilatura``: ``trafilatura.extract`` in its default mode (its own readability and jusText
      comparison on), comments left out. Nothing is pruned before it runs (class-token prune
      rules such as ``cookie`` or ``subscribe`` can match ``<body>`` itself).
    * The primary *fails* when it is empty, shorter than ``MIN_CHARS`` (Han characters count 3),
      or when the page's JSON-LD ``articleBody`` (free, not paywalled) is more than
      ``LONGER`` times as long. Only then are the fallbacks computed, in order:
      ``jsonld`` (the articleBody) and ``paragraphs`` (the ``<p>`` blocks of the container
      holding most paragraph text, outside nav/aside/footer/comment/related boxes; never
      ``<body>``/``<html>`` themselves). A fallback is accepted only when the primary is empty or
      at least ``OVERLAP`` of the primary's word 3-grams occur in it (the same article, more of
      it), and it is longer than the primary.
Text is NFC, whitespace collapsed inside paragraphs, paragraphs separated by a blank line, and
short boilerplate lines ("Subscribe", "Share this article", "责任编辑：...") removed.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import trafilatura
from lxml.html import HtmlElement

from .metadata import HAN, attributed, body_text, clean_line, in_body

logger = logging.getLogger(__name__)

MIN_CHARS = 300
LONGER = 1.5
OVERLAP = 0.6

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
_NEVER_NOISE = {"html", "body", "main", "article"}
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


_META_LINE = re.compile(  # a separator alone, or a dateline with a byline: "2024-03-14 09:20 作者：周启明"
    r"^[|·•/\\>\-–—]+$|^[\d\s年月日:：/.\-]{8,24}\s*(?:作者|记者|来源|编辑|by)\s*[:：]?.{0,30}$", re.IGNORECASE
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
        if boilerplate and len(line) < 120 and (_BOILERPLATE.match(line) or _META_LINE.match(line)):
            continue
        paragraphs.append(line)
    return "\n\n".join(paragraphs) or None


_BOX_WORDS = (
    "newsletter", "paywall", "subscribe", "subscription", "cookie", "consent", "related", "share", "sharing",
    "social", "recommend", "key-events", "keyevents", "comment", "promo",
)  # fmt: skip
_BOX_ANY = re.compile("|".join(_BOX_WORDS))
_BOX_TOKEN = re.compile(r"(?:[a-z0-9]+[-_])*(?:" + "|".join(_BOX_WORDS) + r")[a-z]*(?:[-_][a-z0-9]+)*")
MAX_BOX_SHARE = 0.2
MAX_NAV_CHARS = 300


def boilerplate_boxes(tree: HtmlElement) -> str | None:
    """One XPath union of the absolute paths of small boilerplate boxes, for trafilatura's prune.

    A box: an element one of whose class/id tokens names boilerplate (``newsletter-signup``,
    ``related-stories``, ``comments``, ``paywall``...; whole tokens, so ``<body
    class="has-cookie-banner">`` qualifies only by its size), that is not ``<html>``, ``<body>``,
    ``<main>`` or ``<article>``, holds no ``<h1>``, and holds at most ``MAX_BOX_SHARE`` of the
    body's text. Also navigation bars: a ``td``/``div``/``p`` with at least 3 links, at most
    ``MAX_NAV_CHARS`` characters, at least 90% of them link text. The paths are evaluated on trafilatura's copy in one union, before any removal.
    """
    body = tree.find(".//body")
    if body is None:
        return None
    total = len(body_text(tree))
    paths = []
    root = tree.getroottree()
    for node in attributed(tree):  # only an element with a class or id can be a box
        if node.tag in _NEVER_NOISE:
            continue
        attrs = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if not _BOX_ANY.search(attrs) or not any(_BOX_TOKEN.fullmatch(t) for t in attrs.split()):
            continue
        if not in_body(node) or len(node.text_content()) > MAX_BOX_SHARE * total or node.find(".//h1") is not None:
            continue
        paths.append(root.getpath(node))
    links: dict[Any, int] = {}
    for link in body.iter("a"):  # navigation bars: short, nothing but links (one pass over the links)
        for parent in link.iterancestors("td", "div", "p"):
            links[parent] = links.get(parent, 0) + 1
            break
    for node, count in links.items():
        if count < 3:
            continue
        text = len(node.text_content().strip())
        if text <= MAX_NAV_CHARS and sum(len(a.text_content().strip()) for a in node.iter("a")) >= 0.9 * text:
            paths.append(root.getpath(node))
    return "|".join(paths) or None


def trafilatura_text(tree: HtmlElement, url: str) -> str | None:
    """trafilatura.extract in its default mode, comments excluded, small boilerplate boxes pruned;
    None if empty."""
    try:
        text = trafilatura.extract(
            tree, url=url, include_comments=False, output_format="txt", prune_xpath=boilerplate_boxes(tree)
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
    # keep the proxies alive: ids below refer to them; a class token never removes the page or its article
    noise = [n for n in body.xpath(_NOISE_XPATH) if n.tag not in _NEVER_NOISE]
    noisy = {id(n) for n in noise}
    scores: dict[int, list[Any]] = {}
    totals: dict[int, list[Any]] = {}  # id -> [node, chars]; holding the node keeps its id stable
    kept: list[tuple[HtmlElement, str]] = []
    for owner, raw in _blocks(body, noisy):
        text = clean_line(raw) or ""
        if len(text) < (8 if HAN.search(text) else 25) or (owner.tag == "li" and len(text) < 60):
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


_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]+")


def _grams(text: str) -> set[tuple[str, ...]]:
    words = [w.casefold() for w in _WORD.findall(text)]
    return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))} if words else set()


def overlap(part: str, whole: str) -> float:
    """Share of part's word 3-grams (a Han character is a word) that occur in whole."""
    grams = _grams(part)
    return len(grams & _grams(whole)) / len(grams) if grams else 0.0


def _weight(text: str) -> int:
    """Characters, a Han character counting 3 (one carries about a Latin word's worth)."""
    return len(text) + 2 * len(HAN.findall(text))


def primary_failed(text: str | None, body: str | None) -> bool:
    """The stated quality test: empty, too short, or far shorter than the page's own articleBody."""
    size = _weight(text or "")
    return size < MIN_CHARS or bool(body and _weight(body) > LONGER * size)


def pick_text(tree: HtmlElement, article: dict[str, Any], url: str) -> tuple[str | None, str | None]:
    """(text, method); see the module docstring."""
    primary = trafilatura_text(tree, url)
    body = _jsonld_body(article) if _free(article) else None
    if not primary_failed(primary, body):
        return primary, "trafilatura"
    for method, compute in (("jsonld", lambda: body), ("paragraphs", lambda: paragraph_text(tree))):
        candidate = compute()
        if not candidate or len(candidate) <= len(primary or ""):
            continue
        if not primary or overlap(primary, candidate) >= OVERLAP:
            return candidate, method
    return (primary, "trafilatura") if primary else (None, None)
