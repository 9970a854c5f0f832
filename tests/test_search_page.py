"""The search page stays correct with the settings that make it fast (issue #14): `make serve`'s
Datasette settings (read from the Makefile), datasets/metadata.yml and plugins/search_speed.py.

A small database through the Store; the real Datasette app. `many: 0` in the plugin config makes
every search take the large-result path (the sort column's index drives the page), so both plans
are checked on a handful of rows."""

import asyncio
import re

import pytest
import yaml

from crawler.items import Post
from crawler.storage import Store
from pipelines.normalise import normalise_post
from tests.conftest import METADATA, ROOT, datasette_get

POSTS = [
    ("a1", "Just moved to RedNote as a TikTok refugee, the cat tax is real", "2025-01-14T10:00:00Z", 5),
    ("a2", "RedNote feed is all dumplings and English lessons #TikTokRefugee", "2025-01-16T10:00:00Z", 50),
    ("a3", "The government says the ban starts on Sunday", "2025-01-15T10:00:00Z", 7),
    ("a4", "我是一个TikTok难民，来小红书了", "2025-01-17T10:00:00Z", 9),
    ("a5", "欢迎来到小红书，美国朋友们", "2025-01-13T10:00:00Z", 1),
    ("a6", "Lemon8 feels the same, nothing about the other app here", "2025-01-18T10:00:00Z", 30),
]


def makefile_settings() -> dict:
    """The --setting pairs of `make serve` (Makefile DATASETTE_SETTINGS), as Datasette takes them."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    pairs = re.findall(r"--setting (\w+) (\S+)", text)
    assert pairs, "make serve passes Datasette settings"
    return {k: {"off": False, "on": True}.get(v, int(v) if v.isdigit() else v) for k, v in pairs}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "observatory.db"
    posts = [
        normalise_post(
            Post(
                platform="mastodon",
                platform_id=f"https://m.example/users/u/statuses/{pid}",
                url=f"https://m.example/@u/{pid}",
                text=text,
                created_at=created,
                author="u@m.example",
                like_count=likes,
            )
        )
        for pid, text, created, likes in POSTS
    ]
    with Store.open(path) as store:
        store.write_batch(posts, "run-1")
    return path


def get(db, path: str, many: int | None = None):
    """GET through the real app with make serve's settings; ``many`` overrides the plugin's threshold."""
    from datasette.app import Datasette

    if ".json" in path:
        path += "&_shape=objects"  # rows as objects, with the count and the facets
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    if many is not None:
        metadata.setdefault("plugins", {})["search_speed"] = {"many": many}

    async def go():
        ds = Datasette([str(db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"), settings=makefile_settings())
        await ds.invoke_startup()
        return await ds.client.get(path)

    return asyncio.run(go())


def texts(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["text"] for r in response.json()["rows"]]


@pytest.mark.parametrize("many", [None, 0])
def test_search_excludes_non_matching_rows_and_counts_them(db, many):
    page = get(db, "/observatory/posts.json?_search=rednote", many)
    assert sorted(texts(page)) == sorted(t for _, t, _, _ in POSTS if "RedNote" in t)  # nothing else
    assert page.json()["filtered_table_rows_count"] == 2  # the count from the full-text index
    both = get(db, "/observatory/posts.json?_search=rednote&like_count__gt=10", many)
    assert texts(both) == [POSTS[1][1]] and both.json()["filtered_table_rows_count"] == 1
    assert texts(get(db, "/observatory/posts.json?_search=quokka", many)) == []


@pytest.mark.parametrize("many", [None, 0])
def test_chinese_search(db, many):
    assert texts(get(db, "/observatory/posts.json?_search=难民", many)) == [POSTS[3][1]]
    assert texts(get(db, "/observatory/posts.json?_search=TikTok难民", many)) == [POSTS[3][1]]
    assert sorted(texts(get(db, "/observatory/posts.json?_search=小红书", many))) == sorted([POSTS[3][1], POSTS[4][1]])


@pytest.mark.parametrize("many", [None, 0])
def test_facets_are_still_offered(db, many):
    page = get(db, "/observatory/posts.json?_search=rednote", many).json()
    assert set(page["facet_results"]) == {"platform", "lang", "day", "community"}
    assert page["facet_results"]["platform"]["results"][0]["count"] == 2  # counted over the matches
    assert page["suggested_facets"] == []  # suggest_facets off
    html = get(db, "/observatory/posts?_search=rednote", many)
    assert html.status_code == 200 and "facet-info" in html.text and "dumplings" in html.text


@pytest.mark.parametrize("many", [None, 0])
def test_search_sorted_by_an_indexed_column(db, many):
    english = sorted((p for p in POSTS if not re.search(r"[\u4e00-\u9fff]", p[1])), key=lambda p: p[2], reverse=True)
    assert texts(get(db, "/observatory/posts.json?_search=the", many)) == [
        p[1] for p in english if re.search(r"\bthe\b", p[1], re.I)
    ]  # default: created_at desc
    by_likes = texts(get(db, "/observatory/posts.json?_search=rednote&_sort_desc=like_count", many))
    assert by_likes == [POSTS[1][1], POSTS[0][1]]
    refused = get(db, "/observatory/posts.json?_search=rednote&_sort=text", many)
    assert refused.status_code >= 400 and "Cannot sort table by text" in refused.text  # only indexed columns sort


def test_large_results_walk_the_sort_index(db):
    """With many matches the page's query is planned on the created_at index, not a sort of every match."""
    from datasette.app import Datasette

    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    metadata["plugins"] = {"search_speed": {"many": 0}}
    sql = (
        "explain query plan select id from posts where id in (select rowid from posts_search_fts "
        "where posts_search_fts match escape_fts(:search)) order by created_at desc limit 51"
    )

    async def go():
        ds = Datasette([str(db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"), settings=makefile_settings())
        await ds.invoke_startup()
        return [r[-1] for r in (await ds.get_database("observatory").execute(sql, {"search": "rednote"})).rows]

    plan = asyncio.run(go())
    assert any("idx_posts_created_at" in step for step in plan), plan
    assert not any("ORDER BY" in step for step in plan), plan


def test_default_app_still_searches(db):
    """conftest's datasette_get (Datasette's default settings): the search is not silently ignored."""
    assert texts(datasette_get(db, "/observatory/posts.json?_search=government&_shape=objects")) == [POSTS[2][1]]
