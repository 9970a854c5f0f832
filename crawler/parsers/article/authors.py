"""Authors: JSON-LD author > author/byline <meta> > the page's byline elements > a "By"/"Von" line >
a Chinese byline (作者：, 记者, 本报记者, then 编辑：). Names are cleaned by ``clean_authors``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from .metadata import attributed, body_text, clean_line, name_of, node_text

_BYLINE_PREFIX = re.compile(
    r"^\s*(?:by|written by|words by|reporting by|story by|author[s]?\s*[:：]?|(?-i:Von|Par|Text\s*:)|"
    r"作者\s*[:：|丨]?|本报记者|新华社记者|记者\s*[:：|丨]?|文\s*[/／|丨:：]|撰文\s*[:：]?|特约撰稿人|"
    r"(?:责任)?编辑\s*[:：])\s*",
    re.IGNORECASE,
)
_ROLE_SUFFIX = re.compile(
    r",?\s*(?:staff|senior|chief|contributing|special|foreign)?\s*"
    r"(?:staff writer|reporter|correspondent|writer|editor|contributor|columnist)s?\s*$|"
    r",?\s*\b(?:staff|in [A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*$",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bwith\b|、|，|和|及|/|／|\|)\s*", re.IGNORECASE)
_NOT_NAMES = {
    "staff", "admin", "editor", "author", "authors", "by", "von", "点击数", "点击", "阅读", "浏览", "来源",
    "发布时间", "时间", "编辑", "责任编辑", "本报", "记者", "作者",
}  # fmt: skip
_META_KEYS = (
    "author", "article:author", "byl", "byline", "dc.creator", "dcterms.creator", "sailthru.author", "parsely-author",
)  # fmt: skip


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
        value = re.split(r"\s+(?:edited|photos?|photographs|illustrations?|translated) by\b", value, flags=re.I)[0]
        value = _BYLINE_PREFIX.sub("", value)
        value = re.split(r"\s*(?:编辑|责任编辑|来源|校对)\s*[:：]", value)[0]
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
                name = re.sub(r"(?<=[\u4e00-\u9fff]{2})(?:报道|報導|摄影|攝影|摄)$", "", name)
                key = name.casefold()
                if not name or len(name) > 60 or key in seen or key in _NOT_NAMES:
                    continue
                if re.fullmatch(r"[\u4e00-\u9fff]+(?:报道|电|讯)", name) or (outlet and key == outlet.casefold()):
                    continue
                seen.add(key)
                names.append(name)
    return names or list(dict.fromkeys(desks))


_DATE_TAIL = re.compile(
    r"\s*(?:[-–—|·,]\s*)?(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\d).*$", re.I
)
_UI_LABEL = re.compile(
    r"^(?:follow|email|e-mail|sign|log|about|more|read|name|contact|view|see|share|subscribe|reply|comments?)\b", re.I
)


def _plausible(name: str) -> bool:
    """A name taken from page text, not a sentence or a UI label: at most 5 words, no @/digits."""
    return len(name.split()) <= 5 and not re.search(r"[@\d]|[.!?。！？]$", name) and not _UI_LABEL.match(name)


def _strong(el: HtmlElement) -> bool:
    """rel/itemprop author, class token ``byline``, or a class containing author-name/byline__name/author_name."""
    cls = el.get("class") or ""
    return (
        el.get("rel") == "author"
        or el.get("itemprop") == "author"
        or "byline" in cls.split()
        or "author-name" in cls
        or "byline__name" in cls
        or "author_name" in cls
    )


def _weak(el: HtmlElement) -> bool:
    """A class containing author/Author/byline/Byline, or an id containing author."""
    cls = el.get("class") or ""
    return any(word in cls for word in ("author", "Author", "byline", "Byline")) or "author" in (el.get("id") or "")


_ASIDE = re.compile(r"(?:comments?|related|recommend\w*|sidebar|footer|teaser\w*|promo|popular|more-from)(?:[-_]\w+)?")
_WRAPPERS = {"html", "body", "main", "article"}
_BY_XPATH = etree.XPath(
    "//body//*[self::b or self::strong or self::p or self::span or self::div or self::em or self::address]"
    '[starts-with(normalize-space(text()), "By ") or starts-with(normalize-space(text()), "by ")'
    ' or starts-with(normalize-space(text()), "Von ") or starts-with(normalize-space(text()), "BY ")]'
)


def _in_aside(node: HtmlElement) -> bool:
    """Inside a footer or a comment/related/sidebar box, judged by whole class/id tokens
    (``comments``, ``related-stories``), never by the page wrappers (``<body class="sidebar-primary">``)."""
    for el in (node, *node.iterancestors()):
        if el.tag in _WRAPPERS:
            continue
        if el.tag == "footer" or any(
            _ASIDE.fullmatch(t.lower()) for t in f"{el.get('class', '')} {el.get('id', '')}".split()
        ):
            return True
    return False


def _names_in(nodes: list[HtmlElement], outlet: str | None) -> list[str]:
    """Names of the first byline node that gives any, plus those of its siblings' bylines (co-authors)."""
    anchor = None
    names: list[str] = []
    for node in nodes[:12]:
        if _in_aside(node):
            continue
        if anchor is not None and node.getparent() is not anchor.getparent() and anchor not in node.iterancestors():
            continue
        inner = node.xpath('.//*[@itemprop="name"]')  # schema.org Person inside the byline
        text = node_text(inner[0]) if inner else node_text(node)
        if not text or len(text) >= 120:
            continue
        text = _DATE_TAIL.sub("", text)
        found = [n for n in clean_authors([text], outlet) if _plausible(n)]
        if found:
            anchor = anchor if anchor is not None else node
            names.extend(n for n in found if n.casefold() not in {m.casefold() for m in names})
    return names


def _dom_names(tree: HtmlElement, outlet: str | None) -> list[str]:
    """Strong byline markers (rel/itemprop author, class byline/author-name), then any class with
    "author"/"byline", then an element whose own text starts with By/Von."""
    marked = attributed(tree)
    for nodes in (
        lambda: [el for el in marked if _strong(el)],
        lambda: [el for el in marked if _weak(el)],
        lambda: _BY_XPATH(tree),
    ):
        names = _names_in(nodes(), outlet)
        if names:
            return names
    return []


_ZH_MARKERS = ("作者", "记者", "編輯", "编辑", "記者", "文/", "文／")
_ZH_XPATH = etree.XPath("//body//*[" + " or ".join(f'contains(text(),"{m}")' for m in _ZH_MARKERS) + "]")
_ZH_BYLINE = re.compile(
    r"(作者|本报记者|新华社记者|记者|記者|文\s*[/／]|(?:责任)?编辑|(?:責任)?編輯)\s*[:：|丨]?\s*"
    r"((?:[\u4e00-\u9fff]{2,4}(?:[\s、，,]+|$|(?=[^\u4e00-\u9fff]))){1,4})"
)


def _chinese_byline(tree: HtmlElement, outlet: str | None) -> list[str]:
    """作者/记者 beat 编辑 (an editor is named only when no writer is); cells with or without a class."""
    found: dict[bool, list[str]] = {True: [], False: []}
    text = body_text(tree)
    if not any(m in text for m in _ZH_MARKERS):  # no marker in the page: skip the XPath walk
        return []
    for node in _ZH_XPATH(tree)[:20]:
        text = node_text(node)
        if len(text) > 200:
            continue
        for match in _ZH_BYLINE.finditer(text):
            writer = "编" not in match.group(1) and "編" not in match.group(1)
            found[writer].append(match.group(2))
    return clean_authors(found[True], outlet) or clean_authors(found[False], outlet)


def pick_authors(
    tree: HtmlElement,
    article: dict[str, Any],
    index: dict[str, dict[str, Any]],
    meta: dict[str, list[str]],
    outlet: str | None,
) -> list[str]:
    """The first source that names someone (see the module docstring)."""
    author = article.get("author") or article.get("creator")
    if author:
        items = author if isinstance(author, list) else [author]
        names = clean_authors((n for n in (name_of(a, index) for a in items) if n), outlet)
        if names:
            return names
    for key in _META_KEYS:
        if meta.get(key):
            names = clean_authors(meta[key], outlet)
            if names:
                return names
    return _dom_names(tree, outlet) or _chinese_byline(tree, outlet)
