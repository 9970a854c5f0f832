"""Export a database for publication: NDJSON, CSV (UTF-8 with a byte-order mark, so Excel reads the
Chinese), Parquet and a Frictionless ``datapackage.json``, with the methods statement beside them.

    python -m crawler.ops.export [--db PATH] [--out DIR]      (make export [DB=...] [OUT=...])

Every table and view a researcher analyses is written (crawler/storage/facts.py EXPORT_TABLES),
read through the Store in batches; a progress line (rows, rows/s, time left) is redrawn on
stderr and a summary ends the run.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from crawler.ops.methods import statement, topic_summary
from crawler.storage import StorageError, Store, default_path

FORMATS = ("ndjson", "csv", "parquet")


def _field_type(declared: str, values_are: set[type]) -> str:
    """Frictionless field type from the declared SQLite type (views declare none: the values decide)."""
    if declared in ("INTEGER", "INT") or (not declared and values_are <= {int, type(None)} and int in values_are):
        return "integer"
    if declared in ("REAL", "FLOAT") or (not declared and values_are <= {int, float, type(None)} and values_are):
        return "number"
    return "string"


class Progress:
    """One redrawn line: table, rows, rate and time left."""

    def __init__(self, stream=sys.stderr, every: float = 0.5) -> None:
        self.stream, self.every, self.last = stream, every, 0.0

    def show(self, table: str, done: int, total: int, started: float, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < self.every:
            return
        self.last = now
        rate = done / max(now - started, 1e-6)
        left = f", {(total - done) / rate:.0f} s left" if rate and total > done else ""
        end = "\n" if final else "\r"
        self.stream.write(f"  {table}: {done:,}/{total:,} rows, {rate:,.0f} rows/s{left}   {end}")
        self.stream.flush()


class _ParquetOut:
    """Batches of rows into one Parquet file; each column's type is decided by the first batch
    (views declare no types, so their values decide)."""

    def __init__(self, path: Path, columns: list[tuple[str, str]]) -> None:
        self.path, self.columns = path, columns
        self.names = [c for c, _ in columns]
        self.kinds: dict[str, set[type]] = {c: set() for c in self.names}
        self.fixed: dict[str, str] = {}
        self.writer = None

    def write(self, rows: list[dict]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.fixed:
            self.fixed = {c: _field_type(d, self.kinds[c]) for c, d in self.columns}
        arrays = {c: [r[c] for r in rows] for c in self.names}
        for c in self.names:
            if self.fixed[c] == "string":
                arrays[c] = [None if v is None else str(v) for v in arrays[c]]
            elif self.fixed[c] == "number":
                arrays[c] = [None if v is None else float(v) for v in arrays[c]]
        types = {"integer": pa.int64(), "number": pa.float64()}
        schema = pa.schema([(c, types.get(self.fixed[c], pa.string())) for c in self.names])
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, schema)
        self.writer.write_table(pa.Table.from_pydict(arrays, schema=schema))

    def close(self) -> None:
        if self.writer is None:
            self.write([])
        self.writer.close()


def export_table(store: Store, table: str, out: Path, progress: Progress) -> tuple[int, dict]:
    """One table as NDJSON, CSV (BOM) and Parquet; returns its row count and data-package resource."""
    columns = store.columns_of(table)
    names = [c for c, _ in columns]
    total = store.count_rows(table)
    parquet = _ParquetOut(out / f"{table}.parquet", columns)
    started, n, batch = time.monotonic(), 0, []
    with (
        open(out / f"{table}.ndjson", "w", encoding="utf-8") as nd,
        open(out / f"{table}.csv", "w", encoding="utf-8-sig", newline="") as cf,
    ):
        rows_csv = csv.DictWriter(cf, fieldnames=names)
        rows_csv.writeheader()
        for row in store.iter_rows(table):
            nd.write(json.dumps(row, ensure_ascii=False) + "\n")
            rows_csv.writerow(row)
            for c in names:
                parquet.kinds[c].add(type(row[c]))
            batch.append(row)
            n += 1
            if len(batch) >= 5000:
                parquet.write(batch)
                batch = []
            progress.show(table, n, total, started)
        if batch:
            parquet.write(batch)
    parquet.close()
    progress.show(table, n, total, started, final=True)
    resource = {
        "name": table.replace("_", "-"),
        "path": f"{table}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "profile": "tabular-data-resource",
        "schema": {"fields": [{"name": c, "type": parquet.fixed[c]} for c in names]},
    }
    return n, resource


def export(db: str, out: Path, topic: str | None = None, progress: Progress | None = None) -> dict:
    """Write every exportable table to ``out``; return the summary (rows per table, files, seconds)."""
    progress = progress or Progress()
    out.mkdir(parents=True, exist_ok=True)
    started_all = time.monotonic()
    summary: dict = {"tables": {}, "out": str(out)}
    resources = []
    with Store.open(db) as store:
        facts = store.methods_facts()
        for table in store.exportable_tables():
            summary["tables"][table], resource = export_table(store, table, out, progress)
            resources.append(resource)
    methods = statement(facts, topic_summary(topic), Path(db).name)
    (out / "METHODS.md").write_text(methods, encoding="utf-8")
    demo = facts.get("demo")
    package = {
        "name": "tiktok-refugee-observatory" + ("-demo" if demo else ""),
        "title": "TikTok Refugee Observatory" + (" (synthetic demo data)" if demo else ""),
        "description": "News articles and public social posts collected by the TikTok Refugee Observatory. "
        "Methods: METHODS.md. NDJSON and Parquet copies of each table sit beside the CSV files.",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0 (the database); each document remains its publisher's",
            }
        ],
        "resources": resources,
    }
    (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    summary["seconds"] = time.monotonic() - started_all
    summary["rows"] = sum(summary["tables"].values())
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Export a database as NDJSON, CSV (BOM), Parquet and a data package.")
    ap.add_argument("--db", default=default_path())
    ap.add_argument("--out", default=None, help="output folder (default: exports/<database name>)")
    ap.add_argument("--topic", default=None, help="the topic file the crawls followed (default: OBSERVATORY_TOPIC)")
    opts = ap.parse_args(argv)
    if not Path(opts.db).exists():
        print(f"error: no database at {opts.db}", file=sys.stderr)
        return 2
    out = Path(opts.out or Path("exports") / Path(opts.db).stem)
    print(f"exporting {opts.db} to {out}/ ({', '.join(FORMATS)}, datapackage.json, METHODS.md)", file=sys.stderr)
    try:
        summary = export(opts.db, out, opts.topic)
    except (StorageError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"exported {summary['rows']:,} rows of {len(summary['tables'])} tables in {summary['seconds']:.1f} s "
        f"to {out}/: " + ", ".join(f"{t} {n:,}" for t, n in summary["tables"].items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
