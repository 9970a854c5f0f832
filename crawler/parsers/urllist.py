"""A researcher's list of article URLs -> entries to fetch.

Two shapes, told apart by the first meaningful line:
- plain text: one URL per line; ``#`` comments (whole line or after the URL) and blank lines
  ignored;
- CSV (comma, semicolon or tab separated) whose header has a ``url`` column (any case), with
  optional ``title`` and ``published`` (or ``published_at`` / ``date``) columns.

A line that is not an absolute http(s) URL is skipped with a reason (line number and value), so
the spider logs and counts it; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.parsers import Page, ParseError, http_url
from crawler.textnorm import clean_line, safe_text, string_to_utc_iso

TITLE_COLUMNS = ("title", "headline")
DATE_COLUMNS = ("published", "published_at", "date", "pubdate")


@dataclass
class UrlEntry:
    url: str
    line: int  # 1-based line number in the list
    title: str | None = None
    published_at: str | None = None  # UTC ISO when the list's date could be read
    published_at_raw: str | None = None


def _valid(url: str) -> str | None:
    """None if url is a usable absolute http(s) URL, else the reason it is not."""
    if not url:
        return "empty URL"
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        return f"not an http(s) URL: {url[:100]!r}"
    if not http_url(url):
        return f"no host or spaces in URL: {url[:100]!r}"  # or a host/port that cannot be read
    return None


def _meaningful(lines: list[str]) -> list[tuple[int, str]]:
    return [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")]


def _looks_like_csv(first: str) -> str | None:
    """The delimiter if the first meaningful line is a CSV header with a url column."""
    for delim in (",", ";", "\t"):
        if delim in first:
            cells = [c.strip().strip('"').strip().casefold() for c in first.split(delim)]
            if "url" in cells:
                return delim
    return None


def parse_url_list(text: str, name: str) -> Page:
    """The text of a URL list -> Page of UrlEntry; ``name`` (file path or URL) is for messages."""
    if not isinstance(text, str):
        raise ParseError(f"{name}: no text")
    text = safe_text(text.lstrip("\ufeff"))
    lines = text.splitlines()
    body = _meaningful(lines)
    page = Page(extra={"format": "text", "name": name})
    if not body:
        return page
    first = body[0][1]
    delim = _looks_like_csv(first)
    if not delim and "://" not in first and any(d in first for d in (",", ";", "\t")):
        raise ParseError(f"{name}: looks like a CSV file without a 'url' column (header: {first.strip()[:100]!r})")
    if delim:
        page.extra["format"] = "csv"
        _parse_csv(lines, body[0][0], delim, page)
    else:
        for n, line in body:
            url = line.split("#", 1)[0].strip() if " #" in line or "\t#" in line else line.strip()
            reason = _valid(url)
            if reason:
                page.skipped.append(f"{name} line {n}: {reason}")
                continue
            page.items.append(UrlEntry(url=url, line=n))
    return page


def _cell(row: list[str], i: int | None) -> str:
    return row[i].strip() if i is not None and i < len(row) else ""


def _parse_csv(lines: list[str], header_line: int, delim: str, page: Page) -> None:
    name = page.extra["name"]
    # keep line numbers: feed the rows from the header on, skipping comment lines
    numbered = [(n, line) for n, line in enumerate(lines, 1) if n >= header_line and not line.lstrip().startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(line for _, line in numbered)), delimiter=delim)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ParseError(f"{name}: unreadable CSV: {exc}") from None
    header = [h.strip().casefold() for h in rows[0]] if rows else []
    col = {h: i for i, h in enumerate(header)}
    if "url" not in col:  # e.g. an unclosed quote in the header swallowed the rest of the file
        raise ParseError(f"{name}: the CSV header has no 'url' column once read as CSV (an unclosed quote?)")
    url_i = col["url"]
    title_i = next((col[c] for c in TITLE_COLUMNS if c in col), None)
    date_i = next((col[c] for c in DATE_COLUMNS if c in col), None)
    for k, row in enumerate(rows[1:], 1):
        n = numbered[k][0] if k < len(numbered) else header_line + k
        if not any(c.strip() for c in row):
            continue
        url = _cell(row, url_i)
        reason = _valid(url)
        if reason:
            page.skipped.append(f"{name} line {n}: {reason}")
            continue
        raw_date = _cell(row, date_i) or None
        page.items.append(
            UrlEntry(
                url=url,
                line=n,
                title=clean_line(_cell(row, title_i)) or None,
                published_at=string_to_utc_iso(raw_date),
                published_at_raw=raw_date,
            )
        )
