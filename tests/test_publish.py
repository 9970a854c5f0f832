"""The read-only publish mode (crawler/ops/publish.py): a real Datasette with its settings refuses
arbitrary SQL (a huge blob), keeps table pages and canned queries, and can block robots."""

import asyncio

from crawler.items import Post
from crawler.ops.publish import SETTINGS, command, publish_metadata
from crawler.storage import Store
from pipelines.normalise import normalise_post
from tests.conftest import ROOT


def get(db, path, block_robots=True):
    from datasette.app import Datasette

    async def go():
        ds = Datasette(
            immutables=[str(db)],
            metadata=publish_metadata(block_robots),
            settings=SETTINGS,
            plugins_dir=str(ROOT / "plugins"),
        )
        await ds.invoke_startup()
        return await ds.client.get(path)

    return asyncio.run(go())


def make_db(tmp_path):
    db = tmp_path / "observatory.db"
    with Store.open(db) as store:
        store.write_batch(
            [
                normalise_post(
                    Post(
                        platform="mastodon",
                        platform_id=f"https://m.example/@a/{i}",
                        text=f"RedNote post {i} #TikTokRefugee",
                    )
                )
                for i in range(3)
            ],
            "run-1",
        )
        store.db.execute("PRAGMA journal_mode = DELETE")  # an immutable copy has no WAL beside it
    return db


def test_arbitrary_sql_is_refused_and_pages_still_work(tmp_path):
    db = make_db(tmp_path)
    huge = get(db, "/observatory.json?sql=select+length(randomblob(400000000))")
    assert huge.status_code == 403
    assert get(db, "/observatory/posts.json?_shape=array").status_code == 200
    assert len(get(db, "/observatory/posts.json?_shape=array").json()) == 3
    assert get(db, "/observatory/run_history.json").status_code == 200  # canned queries still run


def test_robots_blocked_only_when_asked(tmp_path):
    db = make_db(tmp_path)
    blocked = get(db, "/robots.txt", block_robots=True)
    assert blocked.status_code == 200 and "Disallow: /" in blocked.text
    assert get(db, "/robots.txt", block_robots=False).status_code == 404


def test_the_command_serves_immutable_without_sql():
    cmd = command("x.db", "127.0.0.1", 8001, "m.yml")
    assert cmd[cmd.index("serve") + 1 : cmd.index("serve") + 3] == ["-i", "x.db"]
    assert "default_allow_sql" in cmd and cmd[cmd.index("default_allow_sql") + 1] == "false"
