"""Search agrees with topic matching (#16): traditional and simplified Chinese are one word, in the
index (crawler/segment.py, via the Store) and in the query (plugins/chinese_search.py)."""

from __future__ import annotations

import sqlite_utils

from crawler.items import Post
from crawler.segment import fold, segment
from crawler.storage import Store
from crawler.textnorm import stable_id
from tests.conftest import datasette_get

TEXTS = {
    "trad": "美國用戶湧入小紅書，自稱TikTok難民",  # traditional
    "simp": "美国用户涌入小红书，自称TikTok难民",  # simplified
    "other": "今天的天气很好，我们去公园散步",  # neither
}


def _posts() -> list[Post]:
    posts = []
    for key, text in TEXTS.items():
        p = Post(
            platform="mastodon",
            platform_id=key,
            text=text,
            created_at="2025-01-14T00:00:00Z",
            lang="zh",
            url=f"https://example.invalid/{key}",
        )
        p.id = stable_id(f"mastodon:{key}")
        posts.append(p)
    return posts


def _ids(db, query: str) -> set[str]:
    reply = datasette_get(db, f"/observatory/posts.json?_search={query}&_shape=array&_col=platform_id")
    assert reply.status_code == 200
    return {r["platform_id"] for r in reply.json()}


def test_fold_and_segment_make_variants_one_word():
    assert fold("小紅書") == "小红书" and fold("小红书") == "小红书"
    assert segment("小紅書") == segment("小红书")
    assert segment("TikTok難民") == segment("TikTok难民")
    assert segment("plain English #TikTokRefugee") == "plain English #TikTokRefugee"


def test_search_finds_both_spellings_with_either(tmp_path):
    db = tmp_path / "observatory.db"
    with Store.open(db) as store:
        store.write_batch(_posts(), "run-1")
    for query in ("小紅書", "小红书", "TikTok難民", "TikTok难民"):
        assert _ids(db, query) == {"trad", "simp"}, query
    assert _ids(db, "公園") == {"other"}


def test_migration_refolds_search_rows_written_before(tmp_path):
    db = tmp_path / "observatory.db"
    with Store.open(db) as store:
        store.write_batch(_posts(), "run-1")
    raw = sqlite_utils.Database(db)
    trad_id = stable_id("mastodon:trad")
    # the state a database written before folding has: unfolded search text, migration not applied
    raw.execute("UPDATE posts_search SET search_text = ? WHERE id = ?", ["美國 用戶 湧入 小紅書 TikTok 難民", trad_id])
    raw.execute("DELETE FROM _sqlite_migrations WHERE name = '0005_search_folds_traditional'")
    raw.conn.commit()
    raw.close()
    assert _ids(db, "小红书") == {"simp"}
    with Store.open(db) as store:
        assert "0005_search_folds_traditional" in store.applied
    assert _ids(db, "小红书") == {"trad", "simp"}
    text = sqlite_utils.Database(db).execute("SELECT search_text FROM posts_search WHERE id = ?", [trad_id]).fetchone()
    assert text[0] == segment(TEXTS["trad"])
