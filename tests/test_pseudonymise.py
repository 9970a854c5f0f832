"""With pseudonymisation on, no raw handle or display name is stored anywhere in the database."""

import sqlite3

from tests.conftest import demo_crawl, rows

KEY = "test-key-0123456789abcdef"
REAL = [
    "maple_reads",
    "ohio_cook",
    "linguist_li",
    "netpolicy",
    "Dana (ohio)",
    "李老师",
    "Teacher Li",
    "jun@mstdn.demo",
    "kai@",
]


def test_no_raw_handles_anywhere(tmp_path, demo_base):
    db = tmp_path / "observatory.db"
    proc = demo_crawl(
        "mastodon", db, demo_base, settings={"PSEUDONYMISE_AUTHORS": "True"}, env={"OBSERVATORY_PSEUDONYM_KEY": KEY}
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    posts = rows(db, "select * from posts")
    assert len(posts) > 10
    assert all(p["author"].startswith("anon-") and p["raw"] is None for p in posts)
    # every text column of every table, the FTS index included
    conn = sqlite3.connect(db)
    for (table,) in conn.execute("select name from sqlite_master where type = 'table'"):
        for row in conn.execute(f"select * from [{table}]"):
            blob = " ".join(str(v) for v in row if isinstance(v, str))
            for name in REAL:
                assert name.casefold() not in blob.casefold(), (table, name)
    assert (
        conn.execute("select count(*) from posts_search_fts where posts_search_fts match 'maple_reads'").fetchone()[0]
        == 0
    )
    # the same account keeps one pseudonym: counts per author still work
    per_author = rows(db, "select author, count(*) n from posts group by author order by n desc")
    assert per_author[0]["n"] >= 3
    assert KEY not in open(db, "rb").read().decode("latin-1")


def test_refuses_to_run_without_a_key(tmp_path, demo_base, monkeypatch):
    monkeypatch.delenv("OBSERVATORY_PSEUDONYM_KEY", raising=False)
    db = tmp_path / "observatory.db"
    proc = demo_crawl("mastodon", db, demo_base, settings={"PSEUDONYMISE_AUTHORS": "True"})
    assert "OBSERVATORY_PSEUDONYM_KEY" in proc.stderr
    assert not db.exists() or rows(db, "select count(*) n from posts")[0]["n"] == 0


def test_urls_keep_their_shape_and_links_lose_the_handle():
    from crawler.items import Post
    from pipelines.pseudonymise import pseudonym, pseudonymise_post

    key = KEY.encode()
    p = Post(
        platform="mastodon",
        platform_id="https://m.example/users/maple_reads/statuses/90",
        url="https://m.example/@maple_reads/90",
        author="maple_reads@m.example",
        author_id="https://m.example/users/maple_reads",
        author_name="Maple Reads",
        text="maple_reads says hi; maple_readsX is someone else",
        links=["https://m.example/@maple_reads/12", "https://news.example/story"],
    )
    pseudonymise_post(p, key)
    anon = pseudonym(key, "maple_reads")
    assert p.url == f"https://m.example/@{anon}/90"
    assert p.platform_id == f"https://m.example/users/{anon}/statuses/90"
    assert p.links == [f"https://m.example/@{anon}/12", "https://news.example/story"]
    assert p.text == f"{anon} says hi; maple_readsX is someone else"  # whole words only
    assert p.author == pseudonym(key, "maple_reads@m.example") and p.author_name.startswith("anon-")
