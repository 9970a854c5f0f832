"""make export and make methods (#16): NDJSON, CSV with a BOM, Parquet, a valid Frictionless data
package and the methods statement, from a real demo crawl."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from frictionless import Package, validate

from tests.conftest import demo_crawl, rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_base):
    db = tmp_path_factory.mktemp("export") / "observatory.db"
    for spider in ("feeds", "mastodon"):
        assert demo_crawl(spider, db, demo_base, args={"demo": "1"}).returncode == 0
    subprocess.run(
        [sys.executable, "-m", "crawler.ops.cluster", "--db", str(db)], cwd=ROOT, check=True, capture_output=True
    )
    return db


@pytest.fixture(scope="module")
def exported(crawled, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    run = subprocess.run(
        [sys.executable, "-m", "crawler.ops.export", "--db", str(crawled), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return out, run


def test_every_format_holds_every_row(crawled, exported):
    out, run = exported
    n_posts = rows(crawled, "select count(*) as n from posts")[0]["n"]
    assert n_posts > 5
    assert len((out / "posts.ndjson").read_text(encoding="utf-8").splitlines()) == n_posts
    raw = (out / "posts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    with open(out / "posts.csv", encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.DictReader(f))
    assert len(csv_rows) == n_posts and "id" in csv_rows[0]
    table = pq.read_table(out / "posts.parquet")
    assert table.num_rows == n_posts and str(table.schema.field("id").type) == "int64"
    chinese = rows(crawled, "select id, text from posts where text like '%小红书%' limit 1")[0]
    assert chinese["text"] in {r["text"] for r in csv_rows}
    assert chinese["id"] in table.column("id").to_pylist()
    assert f"posts {n_posts:,}" in run.stdout and "exported" in run.stdout
    assert "rows/s" in run.stderr  # the progress line


def test_datapackage_is_valid_and_describes_the_csv(exported):
    out, _ = exported
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} >= {"articles", "posts", "observations", "clusters"}
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    posts = Package(str(out / "datapackage.json")).get_resource("posts")
    assert {f.name: f.type for f in posts.schema.fields}["like_count"] == "integer"


def test_methods_statement_beside_the_data_and_from_make_methods(crawled, exported):
    out, _ = exported
    beside = (out / "METHODS.md").read_text(encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "crawler.ops.methods", "--db", str(crawled)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    text = run.stdout
    assert text.strip() == beside.strip()
    run_ids = [r["run_id"] for r in rows(crawled, "select run_id from runs")]
    assert run_ids and all(r in text for r in run_ids)
    assert "synthetic demo data" in text
    assert "hashtags=" in text and "TikTokRefugee" in text  # the mastodon run's query
    assert "TikTok refugee" in text and "小红书" in text  # topic terms
    assert "Jaccard similarity of their shingle sets is at least 0.6" in text
    n_mastodon = rows(crawled, "select count(*) as n from posts where platform = 'mastodon'")[0]["n"]
    assert f"| mastodon | {n_mastodon:,} |" in text
    assert "scrapy 2.19.0" in text and "datasette 0.65.5" in text


def test_missing_database_is_one_line_and_exit_2(tmp_path):
    for mod in ("crawler.ops.export", "crawler.ops.methods"):
        run = subprocess.run(
            [sys.executable, "-m", mod, "--db", str(tmp_path / "none.db")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 2 and run.stderr.strip().startswith("error: no database")
