"""Near-duplicate clusters through the real crawl: syndicated copies share a cluster across runs,
different stories on the same event do not, and Datasette can count each cluster once."""

import pytest

from crawler.storage import Store
from crawler.storage.clusters import assign_clusters
from tests.conftest import datasette_get, demo_crawl, rows


def cluster(db) -> int:
    """The post-crawl step (crawler/ops/cluster.py, `make cluster`)."""
    with Store.open(db) as store:
        return assign_clusters(store)


def tail(url: str) -> str:
    return url.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_base):
    tmp = tmp_path_factory.mktemp("clusters")
    db = tmp / "observatory.db"
    first = demo_crawl("feeds", db, demo_base)
    assert first.returncode == 0, first.stderr[-2000:]
    assigned = cluster(db)
    before = {
        tail(a["canonical_url"]): a["cluster_id"] for a in rows(db, "select canonical_url, cluster_id from articles")
    }
    # the next day a third outlet runs the same wire story (new headline, byline, a paragraph cut)
    url_list = tmp / "list.txt"
    url_list.write_text(f"{demo_base}/news/lakeside-courier/articles/tiktok-unavailable.html\n")
    second = demo_crawl("urls", db, demo_base, args={"path": str(url_list)})
    assert second.returncode == 0, second.stderr[-2000:]
    unassigned = rows(db, "select count(*) n from articles where cluster_id is null")[0]["n"]
    assert unassigned >= 1 and cluster(db) == unassigned  # only the new ones: earlier labels are kept
    return db, before, assigned


def test_every_document_gets_a_cluster(crawled):
    db, before, assigned = crawled
    assert all(before.values())
    assert rows(db, "select count(*) n from articles where cluster_id is null")[0]["n"] == 0
    assert assigned == len(before) + rows(db, "select count(*) n from posts")[0]["n"]


def test_syndicated_copies_share_a_cluster_across_runs(crawled):
    db, before, _ = crawled
    arts = {tail(a["canonical_url"]): a for a in rows(db, "select * from articles")}
    wire = arts["tiktok-goes-dark.html"]["cluster_id"]
    assert arts["app-goes-offline.html"]["cluster_id"] == wire  # same run, another outlet
    assert arts["tiktok-unavailable.html"]["cluster_id"] == wire  # next run joins yesterday's cluster
    assert before["tiktok-goes-dark.html"] == wire  # cluster ids are never renumbered
    # the earliest-published copy is the canonical member, counted once
    assert arts["tiktok-goes-dark.html"]["is_canonical"] == 1
    assert arts["app-goes-offline.html"]["is_canonical"] == 0 and arts["tiktok-unavailable.html"]["is_canonical"] == 0
    (cluster,) = rows(db, "select * from clusters where cluster_id = ?", [wire])
    assert (cluster["size"], cluster["outlets"], cluster["articles"]) == (3, 3, 3)
    assert cluster["canonical_id"] == arts["tiktok-goes-dark.html"]["id"]
    assert cluster["first_published"] == "2025-01-19T04:10:00Z"
    assert set(cluster["outlet_list"].split(",")) == {"The Harbor Ledger", "Pacific Tech Wire", "Lakeside Courier"}


def test_different_stories_on_the_same_event_stay_apart(crawled):
    db, _, _ = crawled
    arts = {tail(a["canonical_url"]): a for a in rows(db, "select * from articles")}
    # three reports of the migration to RedNote, written differently: three clusters
    stories = [
        "rednote-surge.html",
        "lemon8-vs-rednote.html",
        "tiktok-refugees.html",
        "duizhang.html",
        "scotus-hearing.html",
    ]
    assert len({arts[s]["cluster_id"] for s in stories}) == len(stories)
    assert all(arts[s]["is_canonical"] == 1 for s in stories)


def test_clustering_catches_up_and_is_idempotent(crawled, tmp_path):
    db, _, _ = crawled
    labels = rows(db, "select id, cluster_id from articles order by id")
    assert cluster(db) == 0  # nothing unassigned: nothing re-indexed
    with Store.open(db) as store:
        store.db.execute("update articles set cluster_id = null, is_canonical = null")  # as after a crash
        store.db.conn.commit()
    assert cluster(db) == len(labels)
    assert rows(db, "select id, cluster_id from articles order by id") == labels  # same labels from the saved index


def test_datasette_counts_each_story_once(crawled):
    db, _, _ = crawled
    total = len(rows(db, "select id from articles"))
    once = datasette_get(db, "/observatory/articles.json?is_canonical=1&_shape=array&_size=max").json()
    assert len(once) == total - 2
    top = datasette_get(db, "/observatory/stories_by_outlets.json?_shape=array").json()
    assert top[0]["outlets"] == 3 and top[0]["title"] == "TikTok goes dark in the US as ban takes hold"
    assert datasette_get(db, "/observatory/clusters.json?_shape=array").json()[0]["size"] == 3
