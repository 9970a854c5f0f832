"""Per-source, per-query incremental cursors in the `cursors` table.

A spider reads its cursors when it starts and writes the new ones only when it closes after a
normal finish, after the store pipeline has committed every item: a crash never advances a cursor
past items that were not stored.
"""

from __future__ import annotations

from pathlib import Path

from crawler.textnorm import utc_now_iso
from pipelines.schema import open_db


def read_cursors(db_path: str, source: str) -> dict[str, str]:
    if not Path(db_path).exists():
        return {}
    db = open_db(db_path)
    try:
        return {r["query"]: r["value"] for r in db["cursors"].rows_where("source = ?", [source])}
    finally:
        db.close()


def write_cursors(db_path: str, source: str, values: dict[str, str], run_id: str | None) -> None:
    if not values:
        return
    db = open_db(db_path)
    try:
        now = utc_now_iso()
        with db.atomic():
            db["cursors"].upsert_all(
                [{"source": source, "query": q, "value": v, "updated_at": now, "run_id": run_id} for q, v in values.items()],
                pk=("source", "query"),
            )
    finally:
        db.close()
