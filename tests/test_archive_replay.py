"""Raw archive (WARC per run) and replay through the real engine, with the source gone."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.archive import read_warc
from demo.server import start
from demo.sources import demo_args
from tests.conftest import ROOT, crawl, rows, run_stats

pytestmark = pytest.mark.slow

CRAWL_TIME_COLUMNS = {"first_seen_at", "last_seen_at", "run_id", "last_run_id", "warc_record_id"}


def _table(db, table):
    data = rows(db, f"select * from {table} order by id")
    return [{k: v for k, v in r.items() if k not in CRAWL_TIME_COLUMNS} for r in data]


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("archive")
    server, base = start(0)  # our own server: the test stops it before replaying
    db_a = tmp / "a.db"
    try:
        for spider in ("feeds", "mastodon"):
            # one request at a time: which copy of a status boosted on two instances is stored first
            # depends on arrival order; the replay then reproduces the same order
            proc = crawl(
                spider,
                db_a,
                demo_args(base)[spider],
                settings={"ARCHIVE_DIR": str(tmp / "warc"), "CONCURRENT_REQUESTS": "1"},
            )
            assert proc.returncode == 0, proc.stderr[-3000:]
    finally:
        server.shutdown()
        server.server_close()
    return tmp, db_a


def test_one_warc_per_run_with_request_and_response_records(archived):
    tmp, db_a = archived
    runs = rows(db_a, "select run_id, spider from runs order by rowid")
    files = sorted(p.name for p in (tmp / "warc").glob("*.warc.gz"))
    assert files == sorted(f"{r['run_id']}.warc.gz" for r in runs)
    path = tmp / "warc" / f"{runs[0]['run_id']}.warc.gz"
    with open(path, "rb") as fh:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers.get_header("WARC-Record-ID"))
            for r in ArchiveIterator(fh)
        ]
    assert records[0][0] == "warcinfo"
    types = [t for t, *_ in records[1:]]
    assert types.count("response") == types.count("request") > 5
    assert not any(u and u.endswith("/robots.txt") for _, u, _ in records)
    stats = run_stats(db_a, "feeds")
    assert stats["observatory/archive/records"] == types.count("response")
    # every stored item points at the response record it came from
    ids = {rid for t, _, rid in records if t == "response"}
    arts = rows(db_a, "select warc_record_id from articles")
    assert arts and all(a["warc_record_id"] in ids for a in arts)
    posts = rows(db_a, "select warc_record_id from posts")
    assert posts and all(p["warc_record_id"] and p["warc_record_id"].startswith("<urn:uuid:") for p in posts)


def test_replay_without_the_network_gives_identical_tables(archived):
    tmp, db_a = archived
    db_b = tmp / "b.db"
    warcs = [str(tmp / "warc" / f"{r['run_id']}.warc.gz") for r in rows(db_a, "select run_id from runs order by rowid")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.ops.replay", *warcs, "--db", str(db_b), "-s", "CONCURRENT_REQUESTS=1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for table in ("articles", "posts"):
        a, b = _table(db_a, table), _table(db_b, table)
        assert a and a == b, table
    # the replay never reached the (stopped) server: every request came from the archive
    for spider in ("feeds", "mastodon"):
        stats = run_stats(db_b, spider)
        assert stats["observatory/replay/hits"] > 0
        # no connection errors; only the robots.txt-forbidden page was never archived (never fetched)
        assert [
            k for k in stats if k.startswith("downloader/exception_type_count/") and not k.endswith("ReplayMissing")
        ] == []
        assert stats.get("observatory/replay/missing", 0) == (1 if spider == "feeds" else 0)
    # replayed rows keep pointing at the original WARC records
    assert {r["warc_record_id"] for r in rows(db_a, "select warc_record_id from posts")} == {
        r["warc_record_id"] for r in rows(db_b, "select warc_record_id from posts")
    }
    replays = rows(db_b, "select args from runs")
    assert all(json.loads(r["args"])["replay_of"] for r in replays)


def test_a_url_missing_from_the_archive_is_counted_not_fetched(archived, tmp_path):
    tmp, db_a = archived
    run = rows(db_a, "select run_id, args from runs where spider = 'feeds'")[0]
    warc = tmp / "warc" / f"{run['run_id']}.warc.gz"
    args = json.loads(run["args"])
    extra = args["feeds"].split(",")[0].rsplit("/news/", 1)[0] + "/news/not-archived.xml"
    db = tmp_path / "c.db"
    proc = crawl(
        "feeds",
        db,
        {**args, "feeds": args["feeds"] + "," + extra},
        settings={"REPLAY_WARC": str(warc), "ROBOTSTXT_OBEY": "False", "ARCHIVE_DIR": str(tmp_path / "w")},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = run_stats(db, "feeds")
    assert stats["observatory/replay/missing"] == 2  # the new feed + the robots.txt-forbidden page
    assert "not in the archive, not fetched" in proc.stderr
    assert not (tmp_path / "w").exists()  # replays are never archived again
    assert len(rows(db, "select id from articles")) == len(rows(db_a, "select id from articles"))


def test_a_truncated_warc_is_readable_up_to_its_last_complete_record(archived, tmp_path):
    tmp, db_a = archived
    run = rows(db_a, "select run_id from runs where spider = 'mastodon'")[0]
    data = (tmp / "warc" / f"{run['run_id']}.warc.gz").read_bytes()
    members = data.count(b"\x1f\x8b\x08")  # one gzip member per record
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 40])  # a kill in the middle of the last record
    info, responses = read_warc(cut)
    assert info["spider"] == "mastodon"
    n = sum(len(v) for v in responses.values())
    full = sum(len(v) for v in read_warc(tmp / "warc" / f"{run['run_id']}.warc.gz")[1].values())
    assert full - 1 <= n <= full and members > n
    # every member before the cut decompresses on its own
    assert gzip.decompress(data[: data.index(b"\x1f\x8b\x08", 10)]).startswith(b"WARC/1.0")
