"""Extraction quality gate: floors pinned in files, on real pages and on the synthetic regression set.

Real pages: ``../shared/realpages`` (outside the repository; skipped with a reason when absent),
scored by its own score.py; floors in ``tests/extraction_floors.json``. Synthetic pages:
``tests/fixtures/extraction/pages``; floors in ``tests/fixtures/extraction/floors.json``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.extraction_gate import (
    REAL_FLOORS,
    REALPAGES,
    SYNTHETIC_FLOORS,
    load_pages,
    realpages_scores,
    score_synthetic,
)


@pytest.fixture(scope="module")
def real() -> dict[str, Any]:
    scores = realpages_scores()
    if scores is None:
        pytest.skip(f"real-page yardstick absent: {REALPAGES} (score.py + gold.jsonl) not found")
    return scores


def test_real_pages_floors(real: dict[str, Any]) -> None:
    """Every pinned figure on shared/realpages: minimums, except the ``max_`` keys (ceilings)."""
    floors = json.loads(REAL_FLOORS.read_text(encoding="utf-8"))
    assert real["pages"] >= floors["min_pages"]
    failures = []
    for key, floor in floors.items():
        if key == "min_pages":
            continue
        if key.startswith("max_"):
            value = real[key.removeprefix("max_")]
            if value > floor:
                failures.append(f"{key}: {value} > ceiling {floor}")
        elif real[key] is None or real[key] < floor:
            failures.append(f"{key}: {real[key]} < floor {floor}")
    assert not failures, "; ".join(failures)


def test_real_pages_no_errors_and_local_dates_seen(real: dict[str, Any]) -> None:
    assert real["errors"] == 0
    assert real["date_local_key_seen"] > 0  # published_local is returned where a date is found


def test_synthetic_floors() -> None:
    """The synthetic pages stay regression tests of the boilerplate they were written for."""
    floors = json.loads(SYNTHETIC_FLOORS.read_text(encoding="utf-8"))
    pages = load_pages()
    assert len(pages) >= 40
    scores = score_synthetic(pages)
    for key, floor in floors.items():
        assert scores[key] >= floor, f"{key}: {scores[key]:.3f} < floor {floor}"
