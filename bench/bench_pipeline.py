"""Pipeline throughput: N synthetic posts through normalise -> relevance -> dedupe -> store,
next to a raw sqlite-utils insert_all of the same final rows, in the same run.

    python bench/bench_pipeline.py [--items 100000] [--batch 500]

Prints items/s for both and their ratio (target: pipeline / raw >= 0.5). Both write a real SQLite
file created by crawler/storage/schema.py (WAL, same indexes and FTS triggers). The pipeline side does
everything a crawl does, near-duplicate clustering at close included. The raw side then writes
exactly the rows the pipeline wrote (posts, search text, observations, hashtags, authors, the
near-duplicate index), read back from the pipeline's database, with sqlite-utils insert_all, in
the same order and the same transactions (one per batch of posts, then the index at close): the
ratio is the cost of the pipeline logic on top of the writes themselves. It also prints where the
pipeline's time goes, stage by stage (the store's share includes its SQL and commits).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlite_utils  # noqa: E402
from scrapy.exceptions import DropItem  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from crawler.items import Post  # noqa: E402
from crawler.segment import segment  # noqa: E402
from crawler.settings import OBSERVATORY_TOPIC  # noqa: E402
from crawler.storage import Store  # noqa: E402
from crawler.storage.clusters import assign_clusters  # noqa: E402
from crawler.storage.neardup import ensure_tables  # noqa: E402
from pipelines.dedupe import DedupePipeline  # noqa: E402
from pipelines.normalise import NormalisePipeline  # noqa: E402
from pipelines.relevance import RelevancePipeline  # noqa: E402
from pipelines.store import StorePipeline  # noqa: E402

EN = (
    "just moved to rednote as a tiktok refugee and the cat tax is real my feed is all dumplings "
    "and english lessons the supreme court ruling was unanimous people are comparing rent and "
    "grocery bills lemon8 feels the same bytedance app"
).split()
ZH = list("欢迎来到小红书美国朋友们今天我们一起对账房租超市看病的费用都不一样猫税已交TikTok难民很多")
TAGS = ["TikTokRefugee", "RedNote", "小红书", "猫税", "TikTokBan", "对账"]


def synthetic_posts(n: int, seed: int = 7) -> list[Post]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        if rnd.random() < 0.3:
            text = "".join(rnd.choice(ZH) for _ in range(rnd.randint(30, 80))) + " #小红书"
        else:
            text = " ".join(rnd.choice(EN) for _ in range(rnd.randint(20, 50))) + " #TikTokRefugee"
        out.append(
            Post(
                platform="mastodon",
                platform_id=f"https://bench.demo/users/u{i % 5000}/statuses/{i}",
                url=f"https://bench.demo/@u{i % 5000}/{i}",
                text=text,
                lang=None,
                created_at=f"2025-01-{rnd.randint(10, 28):02d}T{rnd.randint(0, 23):02d}:00:00.000Z",
                author=f"u{i % 5000}@bench.demo",
                author_id=f"https://bench.demo/@u{i % 5000}",
                author_name=f"User {i % 5000}",
                hashtags=[rnd.choice(TAGS)],
                like_count=rnd.randint(0, 500),
                repost_count=rnd.randint(0, 50),
                reply_count=rnd.randint(0, 20),
                source_query="TikTokRefugee",
                raw={"id": str(i), "content": text},
            )
        )
    return out


def run_pipelines(items: list[Post], db_path: str, batch: int) -> tuple[float, list[Post], dict[str, float]]:
    crawler = get_crawler(
        settings_dict={"OBSERVATORY_DB": db_path, "OBSERVATORY_TOPIC": OBSERVATORY_TOPIC, "STORE_BATCH_SIZE": batch}
    )
    crawler.spidercls = type("BenchSpider", (), {"name": "bench"})
    stages = [NormalisePipeline(crawler), RelevancePipeline(crawler), DedupePipeline(crawler)]
    store = StorePipeline(crawler)
    store.open_spider()
    kept = []
    spent = dict.fromkeys(["normalise", "relevance", "dedupe", "store (batches)", "store close (clusters)"], 0.0)
    named = list(zip(list(spent)[:3], stages, strict=True))
    clock = time.perf_counter
    t0 = clock()
    for item in items:
        try:
            for name, stage in named:
                t = clock()
                item = stage.process_item(item)
                spent[name] += clock() - t
        except DropItem:
            spent[name] += clock() - t
            continue
        t = clock()
        kept.append(store.process_item(item))
        spent["store (batches)"] += clock() - t
    t = clock()
    store.close_spider()
    assign_clusters(store.store)  # the post-crawl clustering step (make cluster, end of make crawl)
    spent["store close (clusters)"] += clock() - t
    return clock() - t0, kept, spent


BATCH_TABLES = {
    "authors": None,
    "posts": "id",
    "posts_search": "id",
    "post_hashtags": "post_id",
    "observations": "post_id",
}  # table -> the column holding the post id
CLOSE_TABLES = {"neardup_meta": None, "neardup_docs": "seq", "neardup_clusters": None}  # written at close


def run_raw(source_db: str, db_path: str, kept: list[Post], batch: int) -> tuple[float, int]:
    """insert_all of every row the pipeline wrote, read back outside the timer, in the order and
    transactions the pipeline wrote them: for each batch of posts, its posts, search rows,
    hashtags, observations and new authors; then the near-duplicate index. (Rows read back in
    primary-key order would make the baseline append to every B-tree, which no crawl does: ids
    are hashes, so a crawl's rows land all over the table, and so do these.)"""
    src = sqlite_utils.Database(source_db)
    position = {p.id: n for n, p in enumerate(kept)}
    first_post: dict[int, int] = {}  # author id -> position of their first post
    for author, post in src.execute("SELECT author_ref, id FROM posts").fetchall():
        first_post[author] = min(first_post.get(author, len(kept)), position[post])
    batches: list[dict[str, list[dict]]] = [{t: [] for t in BATCH_TABLES} for _ in range(0, len(kept), batch)]
    for table, col in BATCH_TABLES.items():
        found = sorted(src[table].rows, key=lambda r: first_post[r["id"]] if col is None else position[r[col]])
        for r in found:
            batches[(first_post[r["id"]] if col is None else position[r[col]]) // batch][table].append(r)
    closing = {t: sorted(src[t].rows, key=lambda r: r[c]) if c else list(src[t].rows) for t, c in CLOSE_TABLES.items()}
    db = Store.open(db_path).db  # the schema, WAL and migrations a crawl's database gets
    ensure_tables(db.conn)
    t0 = time.perf_counter()
    for part in [*batches, closing]:
        with db.atomic():
            for table, table_rows in part.items():
                if table_rows:
                    db[table].insert_all(table_rows, batch_size=batch)
    elapsed = time.perf_counter() - t0
    db.close()
    return elapsed, sum(len(r) for part in [*batches, closing] for r in part.values())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=500)
    args = ap.parse_args()
    items = synthetic_posts(args.items)
    with tempfile.TemporaryDirectory() as tmp:
        segment("预热")  # load jieba's dictionary outside both timers
        t_pipe, kept, spent = run_pipelines(items, f"{tmp}/pipeline.db", args.batch)
        t_raw, n_rows = run_raw(f"{tmp}/pipeline.db", f"{tmp}/raw.db", kept, args.batch)
    pipe_rate, raw_rate = len(items) / t_pipe, len(kept) / t_raw
    print(
        f"items: {len(items):,} in, {len(kept):,} stored ({n_rows:,} rows in {len(BATCH_TABLES) + len(CLOSE_TABLES)} tables); batch {args.batch}"
    )
    print(f"pipelines + store : {t_pipe:8.2f} s  {pipe_rate:10,.0f} items/s")
    print(f"raw insert_all    : {t_raw:8.2f} s  {raw_rate:10,.0f} items/s")
    print(f"ratio             : {pipe_rate / raw_rate:8.2f}  (target >= 0.5)")
    print("pipeline time per item, by stage:")
    for name, seconds in spent.items():
        print(f"  {name:24s} {seconds / len(items) * 1e6:6.0f} us")


if __name__ == "__main__":
    main()
