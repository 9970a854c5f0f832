"""MediaCrawler exports (NanmiCoder/MediaCrawler) -> Post items. Pure: text or rows in, Posts out.

MediaCrawler saves what it crawled from RedNote, Douyin, Weibo and Bilibili in one of four ways
(``SAVE_DATA_OPTION``), all with the same columns per table:

- JSON: ``data/<platform>/json/<crawler type>_<contents|comments>_<YYYY-MM-DD>.json``, one array;
- JSONL: the same names with ``.jsonl``, one object per line;
- CSV: the same names with ``.csv`` (UTF-8 with a BOM), one row per record, every value text;
- SQLite: ``sqlite_tables.db`` with tables ``xhs_note``, ``xhs_note_comment``, ``douyin_aweme``,
  ``douyin_aweme_comment``, ``weibo_note``, ``weibo_note_comment``, ``bilibili_video``,
  ``bilibili_video_comment`` (read by crawler/readers/sqlite_export.py, which hands rows here).

Columns read (unknown ones are kept in ``raw`` only):
- ``xhs_note``: note_id, type, title, desc, time / last_update_time (ms), user_id, nickname,
  liked_count, collected_count, comment_count, share_count, ip_location, tag_list (comma
  separated), note_url (with its xsec_token), source_keyword;
- ``xhs_note_comment``: comment_id, note_id, content, create_time (ms), user_id, nickname,
  like_count, sub_comment_count, parent_comment_id;
- ``douyin_aweme``: aweme_id, aweme_type, title, desc, create_time (s), user_id, sec_uid,
  short_user_id, user_unique_id, nickname, liked_count, collected_count, comment_count,
  share_count, aweme_url, source_keyword; ``douyin_aweme_comment``: comment_id, aweme_id, ...;
- ``weibo_note``: note_id, content, create_time (s), liked_count, comments_count, shared_count,
  note_url, user_id, nickname, source_keyword; ``weibo_note_comment``: comment_id, note_id,
  content, comment_like_count, sub_comment_count, parent_comment_id;
- ``bilibili_video``: video_id, video_type, title, desc, create_time (s), user_id, nickname,
  liked_count, video_play_count, video_comment, video_share_count, video_favorite_count,
  video_url, source_keyword; ``bilibili_video_comment``: comment_id, video_id, content, ...
- every table: add_ts / last_modify_ts (ms), when MediaCrawler saw the record: the observation time.

Counts are often text (``"1.2万"``, ``"10万+"``, ``"1,234"``): read with the one count rule
(crawler.parsers.zeeschuimer.parse_count). User ids are kept exactly as given (MediaCrawler can
be set to store pseudonymised creator hashes; they stay what they are). ``source_keyword``
becomes ``source_query``; without one, the file name is the source query.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from crawler.items import Post
from crawler.parsers import RECORD_ERRORS, Page, ParseError, load_json, tidy_post
from crawler.parsers.zeeschuimer import REDNOTE_NOTE_URL, parse_count, rednote_text_and_tags
from crawler.textnorm import epoch_to_utc_iso, merge_tags

# table -> (Post.platform, kind)
TABLES = {
    "xhs_note": ("xiaohongshu", "note"),
    "xhs_note_comment": ("xiaohongshu", "comment"),
    "douyin_aweme": ("douyin", "video"),
    "douyin_aweme_comment": ("douyin", "comment"),
    "weibo_note": ("weibo", "post"),
    "weibo_note_comment": ("weibo", "comment"),
    "bilibili_video": ("bilibili", "video"),
    "bilibili_video_comment": ("bilibili", "comment"),
}
# folder names MediaCrawler writes under data/ -> the table prefix
_PLATFORM_DIRS = {
    "xhs": "xhs",
    "xiaohongshu": "xhs",
    "douyin": "douyin",
    "dy": "douyin",
    "weibo": "weibo",
    "wb": "weibo",
    "bilibili": "bilibili",
    "bili": "bilibili",
}
_CONTENT_TABLE = {"xhs": "xhs_note", "douyin": "douyin_aweme", "weibo": "weibo_note", "bilibili": "bilibili_video"}
_WEIBO_TAG_RE = re.compile(r"#([^#\n]{1,64})#")
_MISSING = {"", "none", "null", "nan", "undefined"}
DOUYIN_VIDEO_URL = "https://www.douyin.com/video/{}"
WEIBO_URL = "https://m.weibo.cn/detail/{}"
BILIBILI_URL = "https://www.bilibili.com/video/av{}"


def _val(rec: dict, *keys: str) -> Any:
    """The first present value among ``keys``; "" and "None" (CSV's empty cells) are absent."""
    for key in keys:
        value = rec.get(key)
        if value is None or (isinstance(value, str) and value.strip().casefold() in _MISSING):
            continue
        return value
    return None


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return None if text.casefold() in _MISSING or text == "0" else text


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _time(value: Any, unit: str) -> str | None:
    return epoch_to_utc_iso(value, unit) if value is not None else None


def table_of(name: str, record: dict | None = None) -> str | None:
    """The MediaCrawler table a file (by its path) or a record (by its columns) belongs to.

    ``data/xhs/json/search_contents_2025-01-14.json`` -> ``xhs_note``;
    ``.../douyin/csv/search_comments_2025-01-14.csv`` -> ``douyin_aweme_comment``; a name that
    says nothing (``export.json``) is decided by the record's columns."""
    path = PurePath(name)
    if path.stem in TABLES:
        return path.stem
    prefix = next((_PLATFORM_DIRS[p.lower()] for p in reversed(path.parts[:-1]) if p.lower() in _PLATFORM_DIRS), None)
    stem = path.stem.lower()
    prefix = prefix or next((v for k, v in _PLATFORM_DIRS.items() if stem.startswith(k + "_")), None)
    comments = "comment" in stem
    if record is not None:
        guessed = guess_table(record)
        if guessed and (prefix is None or guessed.startswith(prefix)):
            return guessed
    if prefix and ("contents" in stem or comments):
        return _CONTENT_TABLE[prefix] + ("_comment" if comments else "")
    return None


def guess_table(rec: dict) -> str | None:
    """The table a record's columns say it comes from (None when they say nothing)."""
    keys = set(rec)
    comment = "comment_id" in keys
    if "aweme_id" in keys:
        return "douyin_aweme_comment" if comment else "douyin_aweme"
    if "video_id" in keys:
        return "bilibili_video_comment" if comment else "bilibili_video"
    if "note_id" in keys:
        weibo = bool(keys & {"comment_like_count", "comments_count", "shared_count", "create_date_time"})
        if comment:
            return "weibo_note_comment" if weibo else "xhs_note_comment"
        return "weibo_note" if weibo and "desc" not in keys else "xhs_note"
    return None


def record_post(table: str, rec: Any) -> Post:
    """One record of ``table`` -> a Post (ParseError when it has no id or is not an object)."""
    if not isinstance(rec, dict):
        raise ParseError("record is not an object")
    platform, kind = TABLES[table]
    if table == "xhs_note":
        post = _xhs_note(rec)
    elif table == "douyin_aweme":
        post = _douyin(rec)
    elif table == "weibo_note":
        post = _weibo(rec)
    elif table == "bilibili_video":
        post = _bilibili(rec)
    else:
        post = _comment(table, rec)
    if not post.platform_id:
        raise ParseError(f"{table} record without an id")
    post.platform, post.kind = platform, kind
    post.author_id = _id(_val(rec, "user_id"))  # kept as given (an id or a pseudonymised hash)
    post.author_name = _text(_val(rec, "nickname"))
    post.source_query = _text(_val(rec, "source_keyword"))
    post.observed_at = _time(_val(rec, "last_modify_ts", "add_ts"), "ms")
    post.raw = rec
    return post


def _xhs_note(rec: dict) -> Post:
    note_id = _id(_val(rec, "note_id"))
    tags = _val(rec, "tag_list")
    tag_list = [t for t in tags.split(",")] if isinstance(tags, str) else tags
    text, hashtags = rednote_text_and_tags(_text(_val(rec, "desc")), tag_list)
    created = _val(rec, "time")
    return Post(
        platform="xiaohongshu",
        platform_id=note_id or "",
        # note_url carries an xsec_token (needed to open it, not its identity; kept in raw)
        url=REDNOTE_NOTE_URL.format(note_id) if note_id else None,
        title=_text(_val(rec, "title")),
        text=text,
        created_at=_time(created, "ms"),
        created_at_raw=_id(created),
        edited_at=_time(_val(rec, "last_update_time"), "ms"),
        author=_text(_val(rec, "nickname")),
        hashtags=hashtags,
        like_count=parse_count(_val(rec, "liked_count")),
        collect_count=parse_count(_val(rec, "collected_count")),
        reply_count=parse_count(_val(rec, "comment_count")),
        share_count=parse_count(_val(rec, "share_count")),
    )


def _douyin(rec: dict) -> Post:
    aweme_id = _id(_val(rec, "aweme_id"))
    desc = _text(_val(rec, "desc"))
    title = _text(_val(rec, "title"))
    text, hashtags = rednote_text_and_tags(desc)
    created = _val(rec, "create_time")
    return Post(
        platform="douyin",
        platform_id=aweme_id or "",
        url=_text(_val(rec, "aweme_url")) or (DOUYIN_VIDEO_URL.format(aweme_id) if aweme_id else None),
        title=title if title and not (desc or "").startswith(title) else None,  # Douyin repeats desc
        text=text,
        created_at=_time(created, "s"),
        created_at_raw=_id(created),
        author=_id(_val(rec, "user_unique_id", "short_user_id")),  # the 抖音号 shown on the profile
        hashtags=hashtags,
        like_count=parse_count(_val(rec, "liked_count")),
        collect_count=parse_count(_val(rec, "collected_count")),
        reply_count=parse_count(_val(rec, "comment_count")),
        share_count=parse_count(_val(rec, "share_count")),
    )


def _weibo(rec: dict) -> Post:
    note_id = _id(_val(rec, "note_id"))
    content = _text(_val(rec, "content"))
    created = _val(rec, "create_time")
    return Post(
        platform="weibo",
        platform_id=note_id or "",
        url=_text(_val(rec, "note_url")) or (WEIBO_URL.format(note_id) if note_id else None),
        text=content,
        created_at=_time(created, "s"),
        created_at_raw=_id(created) or _text(_val(rec, "create_date_time")),
        author=_text(_val(rec, "nickname")),
        hashtags=merge_tags([t.strip() for t in _WEIBO_TAG_RE.findall(content or "") if t.strip()]),
        like_count=parse_count(_val(rec, "liked_count")),
        reply_count=parse_count(_val(rec, "comments_count")),
        repost_count=parse_count(_val(rec, "shared_count")),
    )


def _bilibili(rec: dict) -> Post:
    video_id = _id(_val(rec, "video_id"))
    text, hashtags = rednote_text_and_tags(_text(_val(rec, "desc")))
    created = _val(rec, "create_time")
    return Post(
        platform="bilibili",
        platform_id=video_id or "",
        url=_text(_val(rec, "video_url")) or (BILIBILI_URL.format(video_id) if video_id else None),
        title=_text(_val(rec, "title")),
        text=text,
        created_at=_time(created, "s"),
        created_at_raw=_id(created),
        author=_text(_val(rec, "nickname")),
        hashtags=hashtags,
        like_count=parse_count(_val(rec, "liked_count")),
        view_count=parse_count(_val(rec, "video_play_count")),
        reply_count=parse_count(_val(rec, "video_comment")),
        share_count=parse_count(_val(rec, "video_share_count")),
        collect_count=parse_count(_val(rec, "video_favorite_count")),
    )


_PARENT_KEY = {
    "xhs_note_comment": "note_id",
    "douyin_aweme_comment": "aweme_id",
    "weibo_note_comment": "note_id",
    "bilibili_video_comment": "video_id",
}
_PARENT_URL = {
    "xhs_note_comment": REDNOTE_NOTE_URL,
    "douyin_aweme_comment": DOUYIN_VIDEO_URL,
    "weibo_note_comment": WEIBO_URL,
    "bilibili_video_comment": BILIBILI_URL,
}


def _comment(table: str, rec: dict) -> Post:
    root = _id(_val(rec, _PARENT_KEY[table]))
    parent = _id(_val(rec, "parent_comment_id"))
    text, hashtags = rednote_text_and_tags(_text(_val(rec, "content")))
    created = _val(rec, "create_time")
    return Post(
        platform=TABLES[table][0],
        platform_id=_id(_val(rec, "comment_id")) or "",
        url=_PARENT_URL[table].format(root) if root else None,
        text=text,
        created_at=_time(created, "ms" if table == "xhs_note_comment" else "s"),
        created_at_raw=_id(created),
        author=_text(_val(rec, "nickname")),
        hashtags=hashtags,
        like_count=parse_count(_val(rec, "like_count", "comment_like_count")),
        reply_count=parse_count(_val(rec, "sub_comment_count")),
        reply_to=parent or root,
        thread_root=root,
    )


def parse_records(records: Iterable[tuple[str, Any]], table: str | None, source: str) -> Page:
    """``(where, record)`` pairs -> Page. ``table`` None: decided per record from its columns.
    A record that cannot be read is one skip (``"<where>: <reason>"``); never raises."""
    page = Page()
    for where, rec in records:
        try:
            name = table or (guess_table(rec) if isinstance(rec, dict) else None)
            if name is None:
                raise ParseError("not a MediaCrawler note, video or comment (unknown columns)")
            post = record_post(name, rec)
            post.source_query = post.source_query or source
            page.items.append(tidy_post(post))
        except ParseError as exc:
            page.skipped.append(f"{where}: {exc}")
        except RECORD_ERRORS as exc:
            page.skipped.append(f"{where}: unexpected record shape ({type(exc).__name__}: {exc})")
    return page


def _table_for(name: str, first: Any) -> str | None:
    return table_of(name, first if isinstance(first, dict) else None)


def parse_json_export(text: str | bytes, name: str) -> Page:
    """A JSON export (one array of records); ParseError when it is not a JSON array."""
    data = load_json(text.lstrip("\ufeff") if isinstance(text, str) else text)
    if not isinstance(data, list):
        raise ParseError("a MediaCrawler JSON export is an array of records")
    table = _table_for(name, data[0] if data else None)
    return parse_records(((f"record {n}", rec) for n, rec in enumerate(data, start=1)), table, PurePath(name).name)


def parse_jsonl_export(text: str, name: str) -> Page:
    """A JSONL export: one record per line; a malformed line is one skip with its line number."""
    good: list[tuple[str, Any]] = []
    bad: list[str] = []
    for n, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            good.append((f"line {n}", json.loads(line)))
        except json.JSONDecodeError as exc:
            bad.append(f"line {n}: malformed JSON: {exc.msg} (column {exc.colno})")
        except RecursionError:
            bad.append(f"line {n}: malformed JSON: nested too deeply")
    table = _table_for(name, good[0][1] if good else None)
    page = parse_records(good, table, PurePath(name).name)
    page.skipped = bad + page.skipped
    return page


def parse_csv_export(text: str, name: str) -> Page:
    """A CSV export (a header row, then one record per row; every value is text)."""
    try:
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    except csv.Error as exc:
        raise ParseError(f"unreadable CSV: {exc}") from None
    records = []
    for n, row in enumerate(rows, start=2):
        extra = row.pop(None, None)  # more cells than the header has
        records.append((f"row {n}", row if extra is None else {"_extra_cells": extra, **row}))
    table = _table_for(name, rows[0] if rows else None)
    return parse_records(records, table, PurePath(name).name)


def parse_table_rows(table: str, rows: Iterable[dict], name: str) -> Page:
    """Rows of one SQLite table (from crawler/readers/sqlite_export.py)."""
    if table not in TABLES:
        raise ParseError(f"not a MediaCrawler post table: {table}")
    return parse_records(((f"{table} row {n}", r) for n, r in enumerate(rows, start=1)), table, PurePath(name).name)
