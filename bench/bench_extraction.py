"""Extraction benchmark on ../shared/realpages: the project vs plain trafilatura vs htmldate, one run.

    .venv/bin/python bench/bench_extraction.py [--synthetic]

For each page, in turn (calls alternated, so machine load hits all three alike):
  project      crawler.parsers.article.extract_article(html, url)
  trafilatura  trafilatura.extract(html, url=url) (default mode, text) for text and time; its
               metadata (title, author "A; B", date) from bare_extraction(with_metadata=True),
               untimed
  htmldate     htmldate.find_date(html, url=url, original_date=True) (dates only)
Scored by realpages' own score.py functions: text F1 (word 4-gram shingles), empty texts, date
accuracy by the page's own day (project: published_local; the others' dates are days), also on
the Chinese/Japanese pages (lang zh/ja: the CJK subset), author recall, title exact/contained, and
median ms per page with the project/trafilatura ratio. Targets are printed beside the figures.
--synthetic also prints the tests/fixtures/extraction regression scores.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from htmldate import find_date  # noqa: E402

from crawler.parsers.article import extract_article, warm_up  # noqa: E402
from tests.extraction_gate import REALPAGES, load_pages, load_scorer, score_synthetic  # noqa: E402


def trafilatura_meta(html: str, url: str) -> dict[str, Any]:
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return {}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"title": doc.title, "authors": authors, "published_at": doc.date}


def run(scorer: Any, recs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {"project": [], "trafilatura": [], "htmldate": []}
    for rec in recs:
        html = (scorer.HERE / rec["file"]).read_bytes().decode("utf-8", errors="replace")
        url = rec["url"] or scorer.FALLBACK_URL
        gold_sh = scorer.shingles(scorer.tokens(rec["text"]))
        t0 = time.perf_counter()
        project = extract_article(html, url)
        t1 = time.perf_counter()
        text = trafilatura.extract(html, url=url)
        t2 = time.perf_counter()
        day = find_date(html, url=url, original_date=True)
        t3 = time.perf_counter()
        traf = {**trafilatura_meta(html, url), "text": text}
        for name, pred, ms in (
            ("project", project, t1 - t0),
            ("trafilatura", traf, t2 - t1),
            ("htmldate", {"published_at": day}, t3 - t2),
        ):
            rows[name].append(
                {
                    "lang": rec["lang"],
                    "ms": ms * 1000,
                    "text": scorer.text_scores(pred.get("text") or "", gold_sh) if gold_sh else None,
                    "title": scorer.title_scores(pred.get("title"), rec["title"]),
                    "authors": scorer.author_scores(pred.get("authors"), rec["authors"]),
                    "date": scorer.date_scores(pred, rec["published"]),
                }
            )
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    texts = [r["text"] for r in rows if r["text"]]
    scored = [t["p"] for t in texts if t["p"] is not None]
    precision = statistics.fmean(scored) if scored else 0.0
    recall = statistics.fmean(t["r"] or 0.0 for t in texts) if scored else 0.0
    dates = [r["date"] for r in rows if r["date"]]
    cjk = [r["date"] for r in rows if r["date"] and r["lang"] in {"zh", "ja"}]
    titles = [r["title"] for r in rows if r["title"]]
    authors = [r["authors"] for r in rows if r["authors"]]
    mean = lambda xs: statistics.fmean(xs) if xs else float("nan")  # noqa: E731
    return {
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "empty": sum(1 for t in texts if t["p"] is None),
        "date": mean([float(d["local"]) for d in dates]),
        "date_cjk": mean([float(d["local"]) for d in cjk]),
        "n_cjk": len(cjk),
        "authors": mean([a["recall"] for a in authors]),
        "title": mean([float(t["exact"]) for t in titles]),
        "title_in": mean([float(t["contained"]) for t in titles]),
        "ms": statistics.median(r["ms"] for r in rows),
        "total_ms": sum(r["ms"] for r in rows),
    }


def main(argv: list[str]) -> None:
    scorer = load_scorer()
    if scorer is None:
        sys.exit(f"realpages not found at {REALPAGES}")
    recs = scorer.load_gold()
    extract_article("<html><body><p>warm-up</p></body></html>", "https://example.com/")  # lazy imports
    warm_up()  # dateparser's data: a crawl loads it once at start-up too
    find_date("<html><body><p>2025-01-01</p></body></html>")
    rows = run(scorer, recs)
    s = {name: summary(r) for name, r in rows.items()}
    p, t, h = s["project"], s["trafilatura"], s["htmldate"]
    both_empty = sum(
        1
        for a, b in zip(rows["project"], rows["trafilatura"], strict=True)
        if a["text"] and b["text"] and a["text"]["p"] is None and b["text"]["p"] is not None
    )
    print(f"{len(recs)} pages, {REALPAGES}; date pages {sum(1 for r in recs if r['published'])}, CJK {p['n_cjk']}")
    print(f"{'measure':<34}{'project':>10}{'trafilatura':>13}{'htmldate':>10}   target")
    rows_out = [
        ("text F1 (4-gram shingles)", p["f1"], t["f1"], None, f">= {t['f1'] + 0.005:.3f}"),
        ("text empty", p["empty"], t["empty"], None, f"0 where trafilatura has text: {both_empty}"),
        ("date, page's own day", p["date"], None, h["date"], f">= {h['date']:.3f}"),
        ("date, page's own day, zh/ja", p["date_cjk"], None, h["date_cjk"], ">= 0.90"),
        ("author recall", p["authors"], t["authors"], None, f">= {t['authors']:.3f}"),
        ("title exact", p["title"], t["title"], None, "no worse than before"),
        ("title contained", p["title_in"], t["title_in"], None, ""),
        ("ms/page, median", p["ms"], t["ms"], h["ms"], ""),
    ]
    for label, a, b, c, target in rows_out:
        cells = [f"{v:.3f}" if isinstance(v, float) else ("" if v is None else str(v)) for v in (a, b, c)]
        print(f"{label:<34}{cells[0]:>10}{cells[1]:>13}{cells[2]:>10}   {target}")
    print(
        f"time per page project/trafilatura.extract: median {p['ms'] / t['ms']:.2f}x, "
        f"total {p['total_ms'] / t['total_ms']:.2f}x (target <= 1.2x)"
    )
    if "--synthetic" in argv:
        print("synthetic regression pages (tests/fixtures/extraction):", score_synthetic(load_pages()))


if __name__ == "__main__":
    main(sys.argv[1:])
