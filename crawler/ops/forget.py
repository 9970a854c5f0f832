"""Takedown: remove an article (by URL) or a person's posts (by handle) from every table.

    python -m crawler.ops.forget --url URL [--db DB] [--reason TEXT] [--delete-warcs]
    python -m crawler.ops.forget --author HANDLE [--platform mastodon] [--db DB] [--delete-warcs]

One transaction removes the matching rows from articles, article_urls, articles_search (and its
full-text index, through the triggers), posts, posts_search, post_hashtags, observations and the
authors rows left with no posts; ``PRAGMA secure_delete`` overwrites the freed pages and the WAL is
checkpointed, so the text does not linger in the database file. The ``takedowns`` table records
what was asked (kind, target, platform, reason), when, and how many rows went: never the removed
content. The SQL is crawler/storage/takedown.py. Exit status: 0 removed; 1 nothing matched (nothing
recorded) or a reader kept the removed text in the WAL; 2 usage error.

The takedown also holds for later crawls: a taken-down URL is never fetched again (it joins the
known URLs of crawler/spiders/articles.py) and ``TakedownFilterMiddleware`` (crawler/middlewares/takedown_filter.py) drops items from a
taken-down URL or author before the pipelines see them (``observatory/takedown/blocked``).

Raw WARC files (crawler/middlewares/archive.py) are not rewritten: forget *lists* every WARC file under
ARCHIVE_DIR holding the content (records stored in ``takedowns.warc_files``) and deletes those
files when given ``--delete-warcs``. A WARC is one run's evidence; deleting the whole file is
honest about what is gone, where rewriting it would leave an altered archive.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.archive import warc_files_holding
from crawler.storage import Store, db_setting, default_path
from crawler.storage.takedown import remove


def forget(
    db_path: str,
    url: str | None = None,
    author: str | None = None,
    platform: str | None = None,
    reason: str | None = None,
    archive_dir: str | None = None,
    delete_warcs: bool = False,
) -> dict:
    """Remove the matching rows in one transaction, record the takedown; return what was done."""
    with Store.open(db_path) as store:
        done = remove(
            store,
            url,
            author,
            platform,
            reason,
            lambda needles: warc_files_holding(archive_dir, needles) if archive_dir else [],
        )
    done["deleted_warcs"] = []
    if delete_warcs:
        for path in done["warc_files"]:
            Path(path).unlink(missing_ok=True)
            done["deleted_warcs"].append(str(path))
    return done


def main(argv: list[str] | None = None) -> int:
    from crawler import settings
    from crawler.archive import archive_dir

    ap = argparse.ArgumentParser(description="Remove an article or an author's posts from the database (takedown).")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--url", help="an article URL (any alias) or a post URL / platform id")
    what.add_argument("--author", help="a handle or account id; every post by it goes")
    ap.add_argument("--platform", help="limit --author to one platform (mastodon, bluesky, ...)")
    ap.add_argument("--db", default=default_path())
    ap.add_argument("--reason", default=None, help="recorded in takedowns.reason (e.g. 'author request 2025-02-01')")
    ap.add_argument("--archive-dir", default=None, help="default: ARCHIVE_DIR, or archive/ next to the database")
    ap.add_argument("--delete-warcs", action="store_true", help="delete the WARC files that hold the content")
    opts = ap.parse_args(argv)
    if not Path(opts.db).exists():
        print(f"error: no database at {opts.db}", file=sys.stderr)
        return 2
    if opts.archive_dir is None:
        opts.archive_dir = str(archive_dir({"ARCHIVE_DIR": settings.ARCHIVE_DIR, **db_setting(opts.db)}))
    done = forget(
        opts.db,
        url=opts.url,
        author=opts.author,
        platform=opts.platform,
        reason=opts.reason,
        archive_dir=opts.archive_dir,
        delete_warcs=opts.delete_warcs,
    )
    if not done["matched"]:
        print(f"error: nothing in {opts.db} matched {opts.url or opts.author!r}; no takedown recorded", file=sys.stderr)
        return 1
    removed = ", ".join(f"{k} {v}" for k, v in done["counts"].items() if v)
    print(f"removed: {removed}")
    if done["deleted_warcs"]:
        print("deleted WARC files:\n  " + "\n  ".join(done["deleted_warcs"]))
    elif done["warc_files"]:
        print(
            "WARC files still holding it (delete them or rerun with --delete-warcs):\n  "
            + "\n  ".join(done["warc_files"])
        )
    if done["checkpoint_blocked"]:
        print(
            "error: another process is reading the database, so the removed text is still in its WAL file; "
            "run the same command again once Datasette or the crawl has stopped",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
