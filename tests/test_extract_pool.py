"""Article extraction in worker processes (ARTICLE_EXTRACT_WORKERS, crawler/parsers/article/pool.py):
the same rows as in-process extraction, and a page that kills or hangs its worker costs that page
only; the workers die with the crawl."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from crawler.parsers.article.pool import ExtractionFailed, ExtractPool, extract_page
from tests.conftest import ROOT, demo_crawl, rows, run_stats

PAGE = (
    b"<html lang='en'><head><title>Pool page</title></head><body><article><h1>Pool page</h1>"
    + b"<p>" + b"RedNote welcomed the new arrivals with memes and grammar tips. " * 20 + b"</p>"
    + b"</article></body></html>"
)  # fmt: skip


def moody(body: bytes) -> str:
    """A stand-in extractor: kills its worker on b"crash", hangs on b"hang", else answers."""
    if body == b"crash":
        os._exit(3)
    if body == b"hang":
        time.sleep(60)
    return body.decode()


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie awaiting a reaper)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_worker_gives_the_in_process_fields():
    from crawler.parsers.article import decode_html, extract_article

    pool = ExtractPool(1)
    try:
        got = asyncio.run(pool.extract(PAGE, "text/html; charset=utf-8", "https://example.com/a"))
    finally:
        pool.shutdown()
    html, _, lied = decode_html(PAGE, "text/html; charset=utf-8")
    assert got == {"fields": extract_article(html, "https://example.com/a"), "lied": lied}
    assert got == extract_page(PAGE, "text/html; charset=utf-8", "https://example.com/a")


@pytest.mark.slow
def test_a_crash_or_a_hang_costs_that_page_only():
    pool = ExtractPool(2, timeout=5, func=moody)

    async def go():
        # innocent pages in flight while a worker dies are sent again and come back
        results = await asyncio.gather(*(pool.extract(b) for b in (b"a", b"crash", b"b", b"c")), return_exceptions=True)
        await pool.extract(b"ready")  # a new pool answered once: the page timeout alone applies
        hung = await asyncio.gather(pool.extract(b"hang"), pool.extract(b"d"), return_exceptions=True)
        after = await pool.extract(b"e")
        return results, hung, after

    try:
        results, hung, after = asyncio.run(go())
        pids = list(pool._executor._processes)
    finally:
        pool.shutdown()
    assert [r if isinstance(r, str) else type(r) for r in results] == ["a", ExtractionFailed, "b", "c"]
    assert isinstance(hung[0], ExtractionFailed) and "longer than" in str(hung[0])
    assert hung[1] == "d" and after == "e"
    assert pool.restarts >= 2
    assert pids and [p for p in pids if _alive(p)] == []  # shutdown killed every worker


WORKERS_OF_A_KILLED_PARENT = textwrap.dedent(
    """
    import asyncio, os, sys, time
    sys.path.insert(0, sys.argv[1])
    from crawler.parsers.article.pool import ExtractPool
    from tests.test_extract_pool import moody
    pool = ExtractPool(2, func=moody)
    async def go():
        await asyncio.gather(pool.extract(b"x"), pool.extract(b"y"))
    asyncio.run(go())
    print(" ".join(str(p) for p in pool._executor._processes), flush=True)
    time.sleep(120)
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_a_killed_parent():
    proc = subprocess.Popen([sys.executable, "-c", WORKERS_OF_A_KILLED_PARENT, str(ROOT)], stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)  # fmt: skip
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert pids and all(_alive(p) for p in pids)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p for p in pids if _alive(p)] == []


ARTICLE_COLUMNS = (
    "url, canonical_url, outlet, title, authors, section, published_at, published_local, date_source,"
    " modified_at, lang, text, summary"
)


def test_pool_on_and_off_store_identical_articles(tmp_path, demo_base):
    found = {}
    for workers in (0, 1):
        db = tmp_path / f"w{workers}.db"
        result = demo_crawl("urls", db, demo_base, settings={"ARTICLE_EXTRACT_WORKERS": str(workers)})
        assert result.returncode == 0, result.stderr[-2000:]
        found[workers] = rows(db, f"select {ARTICLE_COLUMNS} from articles order by url")
        stats = run_stats(db, "urls")
        found[f"errors{workers}"] = stats.get("observatory/parse_error/urls", 0)
    assert found[0] and found[0] == found[1]
    assert found["errors0"] == found["errors1"]
