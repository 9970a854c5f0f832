"""The store on a real SQLite file: new vs repeat sightings, observations, aliases, atomic batches,
and values SQLite cannot hold (one bad item is rejected alone, never its batch)."""

import json

import pytest

from crawler.items import Article, Post
from crawler.storage import Store
from crawler.storage.schema import TABLES
from pipelines.normalise import normalise_article, normalise_post


def store_batch(store, items, run_id, now=None):
    result = store.write_batch(items, run_id, now)
    return result.new, result.updated


def post(likes, observed_at=None, text="Hello from Ohio #TikTokRefugee"):
    return normalise_post(
        Post(
            platform="mastodon",
            platform_id="https://m.example/users/a/statuses/1",
            text=text,
            author="a@m.example",
            author_id="https://m.example/@a",
            like_count=likes,
            created_at="2025-01-14T03:00:00Z",
            observed_at=observed_at,
        )
    )


def article(url, text):
    return normalise_article(
        Article(url=url, source="feed", title="RedNote", text=text, published_at="2025-01-14T08:00:00Z")
    )


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "observatory.db") as s:
        yield s


@pytest.fixture
def db(store):
    return store.db


def test_repeat_sighting_updates_and_keeps_first(store, db):
    assert store_batch(store, [post(5)], "run-1", "2025-02-01T00:00:00Z") == (1, 0)
    assert store_batch(
        store, [post(9, text="Hello from Ohio, edited #TikTokRefugee #RedNote")], "run-2", "2025-02-02T00:00:00Z"
    ) == (0, 1)
    (row,) = db["posts"].rows
    assert (row["first_seen_at"], row["run_id"]) == ("2025-02-01T00:00:00Z", "run-1")
    assert (row["last_seen_at"], row["last_run_id"], row["like_count"]) == ("2025-02-02T00:00:00Z", "run-2", 9)
    assert json.loads(row["hashtags"]) == ["TikTokRefugee", "RedNote"]
    assert sorted(r["tag"] for r in db["post_hashtags"].rows) == ["rednote", "tiktokrefugee"]
    assert [o["like_count"] for o in db["observations"].rows_where(order_by="observed_at")] == [5, 9]
    assert db["authors"].count == 1 and db["posts_search"].count == 1


def test_captures_in_one_batch_become_observations(store, db):
    store_batch(store, [post(11, "2025-01-14T12:09:00Z"), post(7, "2025-01-14T12:00:00Z")], "run-1")
    (row,) = db["posts"].rows
    assert row["like_count"] == 11  # the latest capture wins
    assert [(o["observed_at"], o["like_count"]) for o in db["observations"].rows_where(order_by="observed_at")] == [
        ("2025-01-14T12:00:00Z", 7),
        ("2025-01-14T12:09:00Z", 11),
    ]


def test_same_text_at_another_url_is_an_alias(store, db):
    text = "TikTok went dark late Saturday for users in the United States. " * 5
    a = article("https://one.example/story", text)
    store_batch(store, [a], "run-1")
    b = article("https://two.example/copy", text)
    b.duplicate_of = a.id  # what the dedupe pipeline sets
    store_batch(store, [b], "run-2")
    assert db["articles"].count == 1
    assert db["article_urls"].get("https://two.example/copy")["article_id"] == a.id


def test_item_the_database_refuses_is_rejected_alone(store, db):
    good = post(1)
    other = normalise_post(
        Post(
            platform="mastodon",
            platform_id="https://m.example/users/b/statuses/2",
            text="Second post #RedNote",
            like_count=3,
        )
    )
    bad = post(2)
    bad.id = good.id + 1  # same (platform, platform_id) under another id: the unique index refuses it
    result = store.write_batch([good, bad, other], "run-1")
    assert [item for item, _ in result.rejected] == [bad] and "IntegrityError" in result.rejected[0][1]
    assert (result.new, result.updated) == (2, 0)
    assert sorted(r["like_count"] for r in db["posts"].rows) == [1, 3]
    # nothing of the rejected item was half-written: no observation, hashtag or search row of its id
    for table, col in (("observations", "post_id"), ("post_hashtags", "post_id"), ("posts_search", "id")):
        assert not list(db[table].rows_where(f"{col} = ?", [bad.id])), table
    assert db["observations"].count == 2


@pytest.mark.parametrize("where", ["text", "raw", "count", "hashtag", "list_in_scalar"])
def test_values_sqlite_cannot_hold_are_made_storable_without_losing_the_batch(store, db, where):
    good = [normalise_post(Post(platform="reddit", platform_id=f"t3_{i}", text=f"post {i} #RedNote")) for i in range(5)]
    bad = normalise_post(Post(platform="reddit", platform_id="t3_bad", text="ok #RedNote", raw={"x": 1}))
    if where == "text":
        bad.text = "lone \ud83d surrogate"
    elif where == "raw":
        bad.raw = {"followers_count": 10**20, "name": "\ud83d"}
    elif where == "count":
        bad.like_count = 10000000000000000000
    elif where == "hashtag":
        bad.hashtags = ["ok", "\udc00bad"]
    else:
        bad.reply_count = [1, 2]
    result = store.write_batch([*good, bad], "run-1")
    assert not result.rejected and result.fixed
    assert db["posts"].count == 6
    row = db["posts"].get(bad.id)
    if where == "text":
        assert row["text"] == "lone \ufffd surrogate"
    elif where == "raw":
        assert json.loads(row["raw"]) == {"followers_count": "100000000000000000000", "name": "\ufffd"}
    elif where == "count":
        assert row["like_count"] is None
    elif where == "hashtag":
        assert "\ufffdbad" in json.loads(row["hashtags"])
    else:
        assert row["reply_count"] is None


def test_store_opens_once_and_migrates_once(tmp_path):
    from crawler.storage import migrations

    path = tmp_path / "m.db"
    with Store.open(path) as first:
        assert first.applied == [m.name for m in migrations.migrations._migrations]
        assert set(TABLES) <= set(first.db.table_names())
    with Store.open(path) as second:
        assert second.applied == []  # an up-to-date database: nothing re-run


def test_link_post_is_linked_to_its_article_not_merged(store, db, tmp_path):
    from tests.conftest import datasette_get

    art = article("https://news.example/2025/01/17/court", "The court upheld the law. " * 20)
    store_batch(store, [art], "run-1")
    link_post = normalise_post(
        Post(
            platform="reddit",
            platform_id="t3_abc",
            kind="post",
            title="Court upholds the TikTok ban law",
            links=["https://news.example/2025/01/17/court/?utm_source=reddit"],
            url="https://www.reddit.com/r/technology/comments/abc/",
        )
    )
    store_batch(store, [link_post], "run-1")
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
        normalise_post(Post(platform="friendster", platform_id="1"))
