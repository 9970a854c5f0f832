"""The extraction quality gate's runners (used by tests/test_extraction_gate.py and bench/).

Two yardsticks:

* ``realpages``: ``../shared/realpages`` (relative to the repository), 96 real pages labelled by
  two other projects, scored by that folder's own ``score.py`` (word 4-gram text F1, title,
  author recall, date by the page's own day). ``realpages_scores`` returns its summary dict, or
  None when the folder is absent.
* the synthetic pages in ``tests/fixtures/extraction/pages`` (written by ``make_pages.py`` there):
  regression cases for the boilerplate they were written for (cookie banners, share bars,
  related links, newsletter boxes, comments, paywalls, live blogs, Chinese portals).

Floors: ``tests/extraction_floors.json`` (real pages) and ``tests/fixtures/extraction/floors.json``
(synthetic). A score below its floor fails the tests.
"""

from __future__ import annotations

import importlib.util
import json
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from crawler.parsers.article import decode_html, extract_article

ROOT = Path(__file__).resolve().parent.parent
REALPAGES = ROOT.parent / "shared" / "realpages"
REAL_FLOORS = ROOT / "tests" / "extraction_floors.json"
SYNTHETIC = ROOT / "tests" / "fixtures" / "extraction"
SYNTHETIC_FLOORS = SYNTHETIC / "floors.json"

Page = dict[str, Any]
Extractor = Callable[[bytes, str, str | None], dict[str, Any]]


# --- real pages ------------------------------------------------------------------------------


def load_scorer() -> ModuleType | None:
    """realpages' score.py as a module, or None when ../shared/realpages is absent."""
    path = REALPAGES / "score.py"
    if not path.exists() or not (REALPAGES / "gold.jsonl").exists():
        return None
    spec = importlib.util.spec_from_file_location("realpages_score", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def realpages_scores(fn: Callable[[str, str], dict[str, Any]] = extract_article) -> dict[str, Any] | None:
    """score.py's overall summary of fn over every realpages page (None when the set is absent)."""
    scorer = load_scorer()
    if scorer is None:
        return None
    rows = scorer.run(fn, scorer.load_gold(), quiet=True)
    return scorer.summarise(rows)


# --- synthetic pages -------------------------------------------------------------------------

TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]+")


def load_pages() -> list[Page]:
    pages = []
    for meta in sorted((SYNTHETIC / "pages").glob("*.json")):
        page = json.loads(meta.read_text(encoding="utf-8"))
        body = next(p for p in (meta.with_suffix(".html"), meta.with_suffix(".bin")) if p.exists())
        page["name"] = meta.stem
        page["body"] = body.read_bytes()
        pages.append(page)
    return pages


def project_extract(body: bytes, url: str, content_type: str | None) -> dict[str, Any]:
    html, _, _ = decode_html(body, content_type)
    return extract_article(html, url)


def tokens(text: str | None) -> Counter[str]:
    """Lower-cased words for Latin script, one token per Han character."""
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
    """Same UTC minute; same day when the truth is a bare day; only None is right for no date."""
    if want is None or got is None:
        return got is None and want is None
    if day_only or len(want) == 10:
        return got[:10] == want[:10]
    return len(got) > 10 and got[:16] == want[:16]


def score_synthetic(pages: list[Page], extract: Extractor = project_extract) -> dict[str, float]:
    """Mean text F1 and field accuracies of one extractor over the synthetic pages."""
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
