"""The store on a real SQLite file: new vs repeat sightings, observations, aliases, atomic batches."""

import json
import sqlite3

import pytest

from crawler.items import Article, Post
from pipelines.normalise import normalise_article, normalise_post
from pipelines.schema import TABLES, open_db
from pipelines.store import store_batch


def post(likes, observed_at=None, text="Hello from Ohio #TikTokRefugee"):
    return normalise_post(Post(platform="mastodon", platform_id="https://m.example/users/a/statuses/1",
                               text=text, author="a@m.example", author_id="https://m.example/@a",
                               like_count=likes, created_at="2025-01-14T03:00:00Z", observed_at=observed_at))


def article(url, text):
    return normalise_article(Article(url=url, source="feed", title="RedNote", text=text,
                                     published_at="2025-01-14T08:00:00Z"))


@pytest.fixture
def db(tmp_path):
    return open_db(str(tmp_path / "observatory.db"))


def test_repeat_sighting_updates_and_keeps_first(db):
    assert store_batch(db, [post(5)], "run-1", "2025-02-01T00:00:00Z") == (1, 0)
    assert store_batch(db, [post(9, text="Hello from Ohio, edited #TikTokRefugee #RedNote")], "run-2",
                       "2025-02-02T00:00:00Z") == (0, 1)
    (row,) = db["posts"].rows
    assert (row["first_seen_at"], row["run_id"]) == ("2025-02-01T00:00:00Z", "run-1")
    assert (row["last_seen_at"], row["last_run_id"], row["like_count"]) == ("2025-02-02T00:00:00Z", "run-2", 9)
    assert json.loads(row["hashtags"]) == ["TikTokRefugee", "RedNote"]
    assert sorted(r["tag"] for r in db["post_hashtags"].rows) == ["rednote", "tiktokrefugee"]
    assert [o["like_count"] for o in db["observations"].rows_where(order_by="observed_at")] == [5, 9]
    assert db["authors"].count == 1 and db["posts_search"].count == 1


def test_captures_in_one_batch_become_observations(db):
    store_batch(db, [post(11, "2025-01-14T12:09:00Z"), post(7, "2025-01-14T12:00:00Z")], "run-1")
    (row,) = db["posts"].rows
    assert row["like_count"] == 11  # the latest capture wins
    assert [(o["observed_at"], o["like_count"]) for o in db["observations"].rows_where(order_by="observed_at")] == \
        [("2025-01-14T12:00:00Z", 7), ("2025-01-14T12:09:00Z", 11)]


def test_same_text_at_another_url_is_an_alias(db):
    text = "TikTok went dark late Saturday for users in the United States. " * 5
    a = article("https://one.example/story", text)
    store_batch(db, [a], "run-1")
    b = article("https://two.example/copy", text)
    b.extra["duplicate_of"] = a.id  # what the dedupe pipeline sets
    store_batch(db, [b], "run-2")
    assert db["articles"].count == 1
    assert db["article_urls"].get("https://two.example/copy")["article_id"] == a.id


def test_failed_batch_leaves_nothing_half_written(db):
    good = post(1)
    bad = post(2)
    bad.id = good.id + 1  # same (platform, platform_id) under another id: the unique index refuses it
    with pytest.raises(sqlite3.IntegrityError):
        store_batch(db, [good, bad], "run-1")
    for table in TABLES:
        assert db[table].count == 0, table


def test_link_post_is_linked_to_its_article_not_merged(db, tmp_path):
    from tests.conftest import datasette_get

    art = article("https://news.example/2025/01/17/court", "The court upheld the law. " * 20)
    store_batch(db, [art], "run-1")
    link_post = normalise_post(Post(platform="reddit", platform_id="t3_abc", kind="post", title="Court upholds the TikTok ban law",
                                    links=["https://news.example/2025/01/17/court/?utm_source=reddit"],
                                    url="https://www.reddit.com/r/technology/comments/abc/"))
    store_batch(db, [link_post], "run-1")
    assert db["articles"].count == 1 and db["posts"].count == 1  # not merged
    (link,) = db["post_article_links"].rows
    assert (link["post_id"], link["article_id"]) == (link_post.id, art.id)
    assert link["link"] == "https://news.example/2025/01/17/court"
    r = datasette_get(tmp_path / "observatory.db", "/observatory/post_article_links.json?_shape=array")
    assert [row["article_id"] for row in r.json()] == [art.id]


def test_normalise_rejects_unknown_sources_and_platforms():
    from scrapy.exceptions import DropItem

    with pytest.raises(DropItem, match="unknown article source"):
        normalise_article(Article(url="https://x.example/a", source="newsletter"))
    with pytest.raises(DropItem, match="unknown platform"):
        normalise_post(Post(platform="weibo", platform_id="1"))
