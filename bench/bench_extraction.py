"""Extraction benchmark: the project's extractor vs plain trafilatura on bench/extraction/pages.

    .venv/bin/python bench/bench_extraction.py [--floors]   (--floors rewrites extraction/floors.json)

Both extractors start from the page's bytes and its Content-Type header:
  project    decode_html() + extract_article()
  trafilatura trafilatura.bare_extraction(bytes, url, with_metadata=True, include_comments=False)
             (its own charset guessing, its own metadata: title, author "A; B", date as a day)

Metrics, averaged over pages:
  text F1   bag-of-tokens overlap between extracted and expected main text. Tokens: lower-cased
            words (\\w+ runs) for Latin script; every Han character is one token (characters, not
            jieba words: no dictionary effects, and a Chinese extraction is judged on every
            character it keeps or drops).
  title     exact match after NFC and whitespace collapse.
  date      same UTC minute as expected; same day when the expected value is a bare day; when the
            page has no date, only None is right (a crawl time or a guess is wrong).
  day       the lenient version: same UTC calendar day (None only for None).
  authors   same set of names (case-folded); [] expected means none must be returned.
  ms/page   median over 3 repeats of (total time / pages), warm (one untimed pass first).
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "bench" / "extraction" / "pages"
FLOORS = ROOT / "bench" / "extraction" / "floors.json"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from crawler.parsers.article import decode_html, extract_article  # noqa: E402

TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]+")
Page = dict[str, Any]
Extractor = Callable[[bytes, str, str | None], dict[str, Any]]


def load_pages() -> list[Page]:
    pages = []
    for meta in sorted(PAGES.glob("*.json")):
        page = json.loads(meta.read_text(encoding="utf-8"))
        body = next(p for p in (meta.with_suffix(".html"), meta.with_suffix(".bin")) if p.exists())
        page["name"] = meta.stem
        page["body"] = body.read_bytes()
        pages.append(page)
    return pages


def project_extract(body: bytes, url: str, content_type: str | None) -> dict[str, Any]:
    html, _, _ = decode_html(body, content_type)
    return extract_article(html, url)


def trafilatura_extract(body: bytes, url: str, content_type: str | None) -> dict[str, Any]:
    doc = trafilatura.bare_extraction(body, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return {"text": None, "title": None, "authors": [], "published_at": None}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"text": doc.text, "title": doc.title, "authors": authors, "published_at": doc.date}


def tokens(text: str | None) -> Counter[str]:
    return Counter(t.lower() for t in TOKEN.findall(unicodedata.normalize("NFC", text or "")))


def f1(got: str | None, want: str) -> float:
    got_t, want_t = tokens(got), tokens(want)
    overlap = sum((got_t & want_t).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got_t.values()), overlap / sum(want_t.values())
    return 2 * precision * recall / (precision + recall)


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def date_ok(got: str | None, want: str | None, day_only: bool = False) -> bool:
    if want is None or got is None:
        return got is None and want is None
    if day_only or len(want) == 10:
        return got[:10] == want[:10]
    return len(got) > 10 and got[:16] == want[:16]


def score(pages: list[Page], extract: Extractor) -> dict[str, float]:
    """Mean text F1 and field accuracies of one extractor over the pages."""
    rows = []
    for page in pages:
        got = extract(page["body"], page["url"], page.get("content_type"))
        rows.append(
            {
                "f1": f1(got.get("text"), page["text"]),
                "title": norm(got.get("title")) == norm(page["title"]),
                "date": date_ok(got.get("published_at"), page["published_at"]),
                "day": date_ok(got.get("published_at"), page["published_at"], day_only=True),
                "authors": {a.casefold() for a in got.get("authors") or []} == {a.casefold() for a in page["authors"]},
            }
        )
    return {key: round(statistics.fmean(float(r[key]) for r in rows), 4) for key in rows[0]}


def ms_per_page(pages: list[Page], extract: Extractor, repeats: int = 3) -> float:
    for page in pages:  # warm-up: model loads, caches
        extract(page["body"], page["url"], page.get("content_type"))
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for page in pages:
            extract(page["body"], page["url"], page.get("content_type"))
        runs.append((time.perf_counter() - start) * 1000 / len(pages))
    return statistics.median(runs)


def failures(pages: list[Page], extract: Extractor) -> list[str]:
    """One line per page/field the extractor gets wrong (for --verbose)."""
    lines = []
    for page in pages:
        got = extract(page["body"], page["url"], page.get("content_type"))
        value = f1(got.get("text"), page["text"])
        if value < 0.95:
            lines.append(f"{page['name']}: f1 {value:.3f}")
        if norm(got.get("title")) != norm(page["title"]):
            lines.append(f"{page['name']}: title {got.get('title')!r} != {page['title']!r}")
        if not date_ok(got.get("published_at"), page["published_at"]):
            lines.append(f"{page['name']}: date {got.get('published_at')!r} != {page['published_at']!r}")
        if {a.casefold() for a in got.get("authors") or []} != {a.casefold() for a in page["authors"]}:
            lines.append(f"{page['name']}: authors {got.get('authors')!r} != {page['authors']!r}")
    return lines


def subset(pages: list[Page], lang: str) -> list[Page]:
    return [p for p in pages if p["lang"] == lang]


def main(argv: list[str]) -> None:
    pages = load_pages()
    extractors = {"project": project_extract, "trafilatura": trafilatura_extract}
    print(f"{len(pages)} pages ({len(subset(pages, 'en'))} en, {len(subset(pages, 'zh'))} zh), bench/extraction/pages")
    header = f"{'extractor':<13}{'set':<5}{'text F1':>9}{'title':>8}{'date':>8}{'day':>8}{'authors':>9}{'ms/page':>9}"
    print(header)
    print("-" * len(header))
    results: dict[str, dict[str, float]] = {}
    for name, extract in extractors.items():
        for part, chosen in (("all", pages), ("en", subset(pages, "en")), ("zh", subset(pages, "zh"))):
            s = score(chosen, extract)
            ms = ms_per_page(chosen, extract) if part == "all" else None
            results[f"{name}/{part}"] = {**s, "ms": ms or 0.0}
            ms_text = f"{ms:9.2f}" if ms is not None else f"{'':>9}"
            print(
                f"{name:<13}{part:<5}{s['f1']:9.3f}{s['title']:8.3f}{s['date']:8.3f}{s['day']:8.3f}{s['authors']:9.3f}{ms_text}"
            )
    ratio = results["project/all"]["ms"] / results["trafilatura/all"]["ms"]
    print(f"time ratio project/trafilatura: {ratio:.2f}x (target <= 1.5x)")
    if "--verbose" in argv:
        for name, extract in extractors.items():
            print(f"\n{name} misses:")
            print("\n".join(failures(pages, extract)) or "none")
    if "--floors" in argv:
        project = results["project/all"]
        floors = {key: int(project[key] * 1000) / 1000 for key in ("f1", "title", "date", "authors")}
        FLOORS.write_text(json.dumps(floors, indent=2) + "\n")
        print(f"floors written to {FLOORS.relative_to(ROOT)}: {floors}")


if __name__ == "__main__":
    main(sys.argv[1:])
