"""Conditional requests (ETag / Last-Modified, 304) and known articles not fetched again."""

from __future__ import annotations

from tests.conftest import demo_crawl, rows, run_stats


def test_plain_rerun_fetches_nothing_known(tmp_path, demo_base):
    db = tmp_path / "o.db"
    first = demo_crawl("feeds", db, demo_base, settings={"ARCHIVE_ENABLED": "False"})
    assert first.returncode == 0, first.stderr[-3000:]
    arts = rows(db, "select id, last_seen_at from articles order by id")
    validators = {v["url"].rsplit("/news/", 1)[1]: v for v in rows(db, "select * from http_validators")}
    # feeds whose pages all came back (or failed for good) keep validators; a feed with a page that
    # failed transiently (500, 429 in the demo) is fetched in full next time so the page is retried
    assert set(validators) == {"huanan/rss.xml", "broken/feed.xml"}
    assert all(v["etag"] and v["last_modified"] for v in validators.values())
    assert run_stats(db, "feeds")["observatory/conditional/held_back"] == 2

    second = demo_crawl("feeds", db, demo_base, settings={"ARCHIVE_ENABLED": "False"})
    assert second.returncode == 0, second.stderr[-3000:]
    stats = run_stats(db, "feeds")
    assert stats["observatory/conditional/not_modified"] == 2
    assert stats["observatory/feeds/known_skipped"] == len(arts) - 2  # the 304 feeds' articles are not even listed
    assert stats.get("observatory/store/new", 0) == 0 and stats.get("observatory/store/updated", 0) == 0
    assert "304" not in second.stderr.split("Dumping Scrapy stats")[0].replace("conditional", "")
    assert "ERROR" not in "\n".join(line for line in second.stderr.splitlines() if "huanan" in line)
    after = rows(db, "select id, last_seen_at from articles order by id")
    assert [a["id"] for a in after] == [a["id"] for a in arts]  # nothing re-stored
    # articles listed again by a feed that was read are sightings: last_seen_at moves, nothing else
    moved = sum(new["last_seen_at"] > old["last_seen_at"] for new, old in zip(after, arts, strict=True))
    assert moved == stats["observatory/feeds/known_seen_again"] == len(arts) - 2
    # no stored article was requested again
    assert stats["downloader/request_count"] < run_stats(db, "feeds", 0)["downloader/request_count"]
    run = rows(db, "select status from runs order by rowid desc limit 1")[0]
    assert run["status"] == "ok"

    third = demo_crawl("feeds", db, demo_base, args={"refetch": "1"}, settings={"ARCHIVE_ENABLED": "False"})
    assert third.returncode == 0
    stats = run_stats(db, "feeds")
    assert "observatory/conditional/not_modified" not in stats and "observatory/feeds/known_skipped" not in stats
    assert stats["observatory/store/updated"] == len(arts)


def test_validators_saved_only_after_a_clean_finish(tmp_path, demo_base):
    db = tmp_path / "o.db"
    proc = demo_crawl(
        "feeds",
        db,
        demo_base,
        settings={"CLOSESPIDER_ITEMCOUNT": "1", "ARCHIVE_ENABLED": "False", "CONCURRENT_REQUESTS": "1"},
    )
    assert proc.returncode == 1, proc.stderr[-3000:]  # a run that did not finish says so in its exit code
    assert rows(db, "select status, finish_reason from runs")[0] == {
        "status": "interrupted",
        "finish_reason": "closespider_itemcount",
    }
    assert rows(db, "select * from http_validators") == []
