"""HTML fragments (post bodies, feed summaries, comments) -> clean plain text."""

from __future__ import annotations

import lxml.html
from lxml import etree

BLOCK_TAGS = {"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}


def html_to_text(fragment: str | None, drop_classes: tuple[str, ...] = ("invisible",)) -> str:
    """Text of an HTML fragment: <br> -> newline, block ends -> blank line, entities decoded.

    Elements with a class in ``drop_classes`` are removed (Mastodon's link-shortening
    ``<span class="invisible">``); an ``ellipsis`` span gets a trailing "…", as the web UI shows.
    Unclosed <p> tags and stray markup are tolerated (lxml's HTML parser repairs them).
    """
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment.strip()
    for el in root.iter("script", "style"):
        el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        classes = set((el.get("class") or "").split())
        if classes & set(drop_classes):
            el.drop_tree()
        elif "ellipsis" in classes:
            el.tail = "…" + (el.tail or "")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter(*BLOCK_TAGS):
        el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out, blank = [], False
    for line in lines:
        if line:
            out.append(line)
            blank = False
        elif out and not blank:
            out.append("")
            blank = True
    return "\n".join(out).strip()
