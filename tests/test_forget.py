"""Takedown: an article by URL and an author's posts, gone from every table and from search."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, datasette_get, demo_crawl, rows, run_stats


@pytest.fixture()
def crawled(tmp_path, demo_base):
    db = tmp_path / "observatory.db"  # Datasette names the database after the file
    for spider in ("feeds", "mastodon"):
        assert demo_crawl(spider, db, demo_base, settings={"ARCHIVE_DIR": str(tmp_path / "warc")}).returncode == 0
    return db, tmp_path


def forget(db, *args):
    return subprocess.run(
        [sys.executable, "-m", "crawler.ops.forget", "--db", str(db), "--archive-dir", str(db.parent / "warc"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def search(db, table, q):
    r = datasette_get(db, f"/observatory/{table}.json?_search={q}&_shape=array&_size=max")
    assert r.status_code == 200
    return r.json()


def test_forget_an_article_by_url(crawled, demo_base):
    db, tmp = crawled
    art = rows(db, "select * from articles where canonical_url like '%scotus-hearing.html'")[0]
    assert [h["id"] for h in search(db, "articles", "justices")] == [art["id"]]
    n_before = len(rows(db, "select id from articles"))
    proc = forget(db, "--url", art["url"] + "?utm_source=x")  # any spelling of the URL
    assert proc.returncode == 0, proc.stderr
    assert "articles 1" in proc.stdout and "WARC files still holding it" in proc.stdout
    assert rows(db, "select id from articles where id = ?", [art["id"]]) == []
    assert rows(db, "select * from article_urls where article_id = ?", [art["id"]]) == []
    assert rows(db, "select * from articles_search where id = ?", [art["id"]]) == []
    assert rows(db, "select rowid from articles_search_fts where articles_search_fts match 'justices'") == []
    assert search(db, "articles", "justices") == []
    assert len(search(db, "articles", "TikTok")) > 0  # search still works for the rest
    assert len(rows(db, "select id from articles")) == n_before - 1
    td = rows(db, "select * from takedowns")[0]
    assert td["kind"] == "url" and json.loads(td["counts"])["articles"] == 1
    assert json.loads(td["warc_files"])  # listed, not rewritten
    assert "Supreme Court" not in json.dumps(td)  # the takedown record holds no content
    assert rows(db, "pragma integrity_check")[0]["integrity_check"] == "ok"
    # a later crawl neither fetches it nor stores it again
    again = demo_crawl("feeds", db, demo_base, args={"refetch": "1"}, settings={"ARCHIVE_DIR": str(tmp / "warc")})
    assert again.returncode == 0
    assert rows(db, "select id from articles where id = ?", [art["id"]]) == []
    assert run_stats(db, "feeds")["observatory/takedown/blocked"] == 1


def test_forget_an_author(crawled, demo_base):
    db, tmp = crawled
    handle = "ohio_cook@social.demo"
    mine = rows(db, "select id, author_ref from posts where author = ?", [handle])
    assert mine and search(db, "posts", "dumplings")
    proc = forget(db, "--author", handle, "--platform", "mastodon", "--delete-warcs")
    assert proc.returncode == 0, proc.stderr
    ids = [p["id"] for p in mine]
    marks = ",".join("?" * len(ids))
    for table, col in (
        ("posts", "id"),
        ("posts_search", "id"),
        ("post_hashtags", "post_id"),
        ("observations", "post_id"),
    ):
        assert rows(db, f"select * from {table} where {col} in ({marks})", ids) == [], table
    assert rows(db, "select * from authors where id = ?", [mine[0]["author_ref"]]) == []
    assert search(db, "posts", "dumplings") == []
    r = datasette_get(db, f"/observatory/posts.json?author={handle}&_shape=array")
    assert r.status_code == 200 and r.json() == []
    td = rows(db, "select * from takedowns")[0]
    assert td["kind"] == "author" and td["platform"] == "mastodon"
    deleted = json.loads(td["warc_files"])
    assert deleted and not any((tmp / "warc" / p.rsplit("/", 1)[-1]).exists() for p in deleted)
    # later crawls drop the author's posts before the pipelines
    again = demo_crawl("mastodon", db, demo_base, args={"full": "1"}, settings={"ARCHIVE_ENABLED": "False"})
    assert again.returncode == 0
    assert rows(db, "select id from posts where author = ?", [handle]) == []
    assert run_stats(db, "mastodon")["observatory/takedown/blocked"] >= 1
