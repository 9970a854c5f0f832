"""Public RedNote (Xiaohongshu) note pages -> Post items.

A note page carries its data in ``<script>window.__INITIAL_STATE__={...}</script>``. That is
JavaScript, not JSON: bare ``undefined`` values must become ``null``, while a real ``"undefined"``
key (``noteDetailMap: {"undefined": {...}}`` on other pages) and the word inside strings must stay
as they are. :func:`js_object_to_json` does this with a tokenizer (strings are matched first and
copied unchanged), not a blind text replace.

The note sits at ``note.noteDetailMap[<noteId>].note``. Pages without it (login wall, deleted
note "笔记不存在", captcha) give a Page with no items and one skipped reason; input that is not
an HTML page, or a state that cannot be parsed, raises ParseError.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from crawler.items import Post
from crawler.parsers import RECORD_ERRORS, Page, ParseError, tidy_post
from crawler.parsers.zeeschuimer import (
    REDNOTE_NOTE_URL,
    epoch_to_iso,
    parse_count,
    rednote_text_and_tags,
)

NOTE_HOSTS = {"xiaohongshu.com", "www.xiaohongshu.com", "rednote.com", "www.rednote.com"}
_NOTE_PATH_RE = re.compile(r"/(?:explore|discovery/item)/([0-9a-fA-F]{24})/?$")
_STATE_RE = re.compile(r"window\.__INITIAL_STATE__\s*=\s*")
# A JSON string (copied as is) or a bare identifier JavaScript allows but JSON does not.
_JS_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\b(undefined)\b(\s*:)?', re.DOTALL)

# Why a page had no note, checked in this order against the page text.
_NO_NOTE_REASONS = (
    ("captcha", ("website-login/captcha", "安全验证", "滑块验证", "captcha")),
    (
        "note deleted or unavailable",
        ("笔记不存在", "暂时无法浏览", "内容已被删除", "note not found", "has been deleted"),
    ),
    ("login wall", ("登录后查看", "登录后即可", "website-login", "/login", "log in to", "login to view")),
)


def note_id_from_url(url: str) -> str | None:
    """The 24-hex note id of a RedNote note URL, or None.

    Accepts ``https://www.xiaohongshu.com/explore/<id>``, ``.../discovery/item/<id>`` and
    ``https://www.rednote.com/explore/<id>``, with or without ``xsec_token`` or other query
    parameters. Short links (xhslink.com) and other hosts give None.
    """
    try:
        parts = urlsplit(url.strip())
    except (AttributeError, ValueError):
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in NOTE_HOSTS:
        return None
    match = _NOTE_PATH_RE.search(parts.path)
    return match.group(1).lower() if match else None


def canonical_note_url(note_id: str) -> str:
    """``https://www.xiaohongshu.com/explore/<id>``: no token, one host, the note's identity."""
    return REDNOTE_NOTE_URL.format(note_id.lower())


def note_id_in_path(url: str) -> str | None:
    """The note id from any host's path (the demo server and mirrors serve /.../explore/<id>)."""
    try:
        match = _NOTE_PATH_RE.search(urlsplit(url).path)
    except (AttributeError, ValueError):
        return None
    return match.group(1).lower() if match else None


def js_object_to_json(js: str) -> str:
    """A JavaScript object literal as the page writes it -> JSON text.

    Bare ``undefined`` in value position becomes ``null``; a bare ``undefined`` used as a key
    becomes the string key ``"undefined"``; strings (including a quoted ``"undefined"`` key or
    the word in a description) are untouched.
    """

    def fix(match: re.Match[str]) -> str:
        if match.group(1) is None:  # a string: copy it unchanged
            return match.group(0)
        if match.group(2):  # `undefined:` is a key
            return '"undefined"' + match.group(2)
        return "null"

    return _JS_TOKEN_RE.sub(fix, js)


def _object_end(text: str, start: int) -> int:
    """Index just past the ``{...}`` that opens at ``start``, skipping braces inside strings."""
    depth = 0
    quote = None
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ParseError("__INITIAL_STATE__ object is not closed")


def load_initial_state(html: str) -> dict[str, Any] | None:
    """The page's ``window.__INITIAL_STATE__`` as a dict; None when the page has none.

    ParseError when the state is there but cannot be read.
    """
    match = _STATE_RE.search(html)
    if not match:
        return None
    start = match.end()
    while start < len(html) and html[start].isspace():
        start += 1
    if start >= len(html) or html[start] != "{":
        raise ParseError("__INITIAL_STATE__ is not an object literal")
    literal = html[start : _object_end(html, start)]
    try:
        state = json.loads(js_object_to_json(literal))
    except json.JSONDecodeError as exc:
        raise ParseError(f"__INITIAL_STATE__ is not parseable ({exc.msg} at char {exc.pos})") from None
    except RecursionError:
        raise ParseError("__INITIAL_STATE__ is not parseable (nested too deeply)") from None
    if not isinstance(state, dict):
        raise ParseError("__INITIAL_STATE__ is not an object")
    return state


def _looks_like_html(text: str) -> bool:
    head = text.lstrip().lstrip("\ufeff").lstrip()[:2048].lower()
    return head.startswith("<") and any(tag in head for tag in ("<!doctype html", "<html", "<head", "<body", "<script"))


def _no_note_reason(html: str, fallback: str) -> str:
    lowered = html.lower()
    for reason, markers in _NO_NOTE_REASONS:
        if any(marker.lower() in lowered for marker in markers):
            return reason
    return fallback


def _find_note(state: dict, note_id: str | None) -> dict | None:
    """``note.noteDetailMap[<id>].note``, else the entry whose note carries that noteId."""
    note_state = state.get("note") if isinstance(state.get("note"), dict) else {}
    detail_map = note_state.get("noteDetailMap")
    if not isinstance(detail_map, dict):
        return None
    ids = [i for i in (note_id, note_state.get("currentNoteId"), note_state.get("firstNoteId")) if isinstance(i, str)]
    for key in ids:
        entry = detail_map.get(key)
        note = entry.get("note") if isinstance(entry, dict) else None
        if isinstance(note, dict) and note.get("noteId"):
            return note
    for entry in detail_map.values():
        note = entry.get("note") if isinstance(entry, dict) else None
        if isinstance(note, dict) and note.get("noteId") and (not ids or note["noteId"] in ids):
            return note
    return None


def note_to_post(note: dict) -> Post:
    """A note dict (camelCase, as in ``noteDetailMap``) -> Post; raw = the note dict."""
    note_id = str(note["noteId"]).lower()
    info = note.get("interactInfo") if isinstance(note.get("interactInfo"), dict) else {}
    user = note.get("user") if isinstance(note.get("user"), dict) else {}
    text, tags = rednote_text_and_tags(
        note.get("desc") if isinstance(note.get("desc"), str) else None, note.get("tagList")
    )
    nickname = next((str(user[k]).strip() for k in ("nickname", "nickName", "nick_name") if user.get(k)), None)
    user_id = next((str(user[k]) for k in ("userId", "user_id") if user.get(k)), None)
    title = note.get("title") if isinstance(note.get("title"), str) else None
    return Post(
        platform="xiaohongshu",
        platform_id=note_id,
        url=canonical_note_url(note_id),
        kind="note",
        title=(title.strip() or None) if title else None,
        text=text,
        created_at=epoch_to_iso(note.get("time"), "ms"),
        created_at_raw=str(note["time"]) if note.get("time") is not None else None,
        edited_at=epoch_to_iso(note.get("lastUpdateTime"), "ms"),
        author=nickname or None,
        author_id=user_id,
        author_name=nickname or None,
        hashtags=tags,
        like_count=parse_count(info.get("likedCount")),
        collect_count=parse_count(info.get("collectedCount")),
        reply_count=parse_count(info.get("commentCount")),
        share_count=parse_count(info.get("shareCount")),
        raw=note,
    )


def parse_note_page(html: str, url: str) -> Page:
    """A note page -> Page with one Post (kind "note"), or no items and one skipped reason."""
    if not isinstance(html, str) or not _looks_like_html(html):
        raise ParseError("not an HTML page")
    state = load_initial_state(html)
    wanted = note_id_from_url(url) or note_id_in_path(url)
    if state is None:
        return Page(skipped=[_no_note_reason(html, "no __INITIAL_STATE__ in page")])
    note = _find_note(state, wanted)
    if note is None:
        return Page(skipped=[_no_note_reason(html, "note not in page state")])
    try:
        post = tidy_post(note_to_post(note))
    except RECORD_ERRORS as exc:
        return Page(skipped=[f"note unreadable ({type(exc).__name__}: {exc})"[:200]])
    page = Page(items=[post])
    page.extra["note_id"] = page.items[0].platform_id
    return page
