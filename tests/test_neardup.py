"""Near-duplicate clustering (crawler/storage/neardup.py): each copy kind clusters, each hard negative
stays apart, short texts never cluster, and the state survives a save/load through a real file.

All texts are written for these tests (no real article is quoted).
"""

from __future__ import annotations

import random
import sqlite3
import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.storage import neardup  # noqa: E402
from crawler.storage.neardup import NearDupIndex, ensure_tables  # noqa: E402

RULING = """The Supreme Court on Friday unanimously upheld the federal law that requires ByteDance to sell TikTok or see the app shut down in the United States, clearing the way for a ban to take effect on Sunday.

In an unsigned opinion, the justices said the government's concerns about the Chinese parent company's access to American user data were a sufficient reason for the law, and that the statute did not violate the First Amendment rights of the app's roughly 170 million users in the country.

"There is no doubt that the platform offers a distinctive outlet for expression," the court wrote, but Congress was entitled to act on what it saw as a national security threat.

TikTok has said it will be forced to go dark on January 19 unless the government offers assurances to the app stores and cloud providers that serve it. The incoming administration has said it wants time to find a deal.

Many creators spent the day posting farewell videos, and some said they would move to RedNote, the Chinese app known as Xiaohongshu, which has climbed to the top of the download charts this week."""

FOLLOWUP = """Lawyers for TikTok and its creators struck a somber tone after the Supreme Court ruling on Friday, as users across the country wondered whether the app would still work on Sunday morning.

The justices ruled unanimously that the law forcing ByteDance to divest was constitutional. "There is no doubt that the platform offers a distinctive outlet for expression," the court wrote, before siding with the government on national security.

A baker in Columbus who sells cakes through live streams said she had already set up accounts on two other apps. A student in Atlanta said she would wait and see what the new president does after he is sworn in on Monday.

TikTok has said it will be forced to go dark on January 19 unless the government offers assurances to the app stores and cloud providers that serve it. Analysts said the fate of the app now depends on whether the next administration chooses to enforce the law, and on whether any buyer emerges.

Meanwhile, downloads of RedNote, also called Xiaohongshu, kept climbing as self-described TikTok refugees looked for somewhere new to post."""

XINHUA = """新华社华盛顿1月17日电 美国最高法院17日以九比零的投票结果裁定，维持要求字节跳动剥离TikTok美国业务的法律，否则该应用将于19日起在美国被禁止。

法院在判决中表示，政府对数据安全的担忧足以支持这项法律，该法律并未侵犯美国用户的言论自由。TikTok方面此前表示，如果得不到政府的明确保证，将被迫于19日停止在美国的服务。

受此影响，大批美国用户近日涌入小红书，自称TikTok难民，并纷纷发布宠物照片缴纳所谓猫税。小红书一度登上美国苹果应用商店免费榜首位，不少中国网友热情地欢迎新朋友，并与他们对账比较生活成本。

分析人士认为，这一现象反映出普通民众之间交流的愿望，也显示出美国相关禁令的争议性。"""

ZH_OTHER = """澎湃新闻记者 周婷 综合报道 当地时间1月17日，美国最高法院作出裁决，维持了针对TikTok的剥离法案。这意味着，除非出现新的变化，这款短视频应用将在两天后停止在美国运营。

判决公布后，不少美国创作者在社交平台上发布告别视频。一位来自得克萨斯州的美妆博主说，她在TikTok上积累了几十万粉丝，现在不得不从头开始。

与此同时，小红书的英文用户数量持续增长。平台方面紧急上线了翻译功能，方便中外网友交流。有上海网友表示，这几天评论区里全是来学中文的外国人，大家互相分享做菜视频和城市风景。

法院在判决中表示，政府对数据安全的担忧足以支持这项法律，该法律并未侵犯美国用户的言论自由。业内人士指出，即将就任的美国总统曾表示希望为TikTok寻找解决方案，此事仍存在变数。"""

POST = (
    "Hello from Dayton, Ohio! Just landed on RedNote because of the TikTok ban and honestly I "
    "have no idea what I am doing. Here is my cat tax, his name is Biscuit and he demands "
    "snacks. Be nice to me please #TikTokRefugee"
)

POST_OTHER = (
    "Hello from Tucson, Arizona! Just landed on RedNote because of the TikTok ban, nurse "
    "here. Here is my cat tax, her name is Luna and she sleeps on my scrubs. Teach me "
    "one word of Mandarin and I will teach you some Spanish #TikTokRefugee"
)

MARKET_TEMPLATE = (
    "Shares of {co} {dir} {pct} percent to ${price} in {when} trading on Tuesday after {firm} "
    "reported that {app} had reached {rank} place on the US App Store free chart. Analysts at "
    "{bank} said the move reflected {reason}. Trading volume was about {vol} million shares, "
    "{cmp} the 30-day average. {co} is expected to report quarterly results on {day}."
)


def market(co, dir_, pct, price, when, firm, app, rank, bank, reason, vol, cmp, day):
    return MARKET_TEMPLATE.format(
        co=co,
        dir=dir_,
        pct=pct,
        price=price,
        when=when,
        firm=firm,
        app=app,
        rank=rank,
        bank=bank,
        reason=reason,
        vol=vol,
        cmp=cmp,
        day=day,
    )


def clustered(docs: list[tuple[str, str | None]]) -> list[int]:
    index = NearDupIndex()
    return index.add_batch(list(range(1, len(docs) + 1)), [t for t, _ in docs], [d for _, d in docs])


def same_cluster(a: str, b: str) -> bool:
    c = clustered([(a, "2025-01-17T15:00:00Z"), (b, "2025-01-17T16:00:00Z")])
    return c[0] == c[1]


# ------------------------------------------------------------------ copies cluster together
def test_verbatim_copy_with_new_headline_and_byline():
    a = "Supreme Court upholds TikTok law\n\nBy Grace Chen, Associated Press\n\n" + RULING
    b = (
        "Justices side with Congress: TikTok must be sold or go dark\n\nBy Grace Chen, AP | "
        "Metro Tribune staff\n\n" + RULING
    )
    assert same_cluster(a, b)


def test_copy_with_boilerplate_added():
    b = (
        "Sign up for our free morning newsletter to get the top stories in your inbox.\n\n"
        + RULING
        + "\n\nCopyright 2025 The Associated Press. All rights reserved. This material "
        "may not be published, broadcast, rewritten or redistributed without permission. "
        "Related: How RedNote works. What the ruling means for creators."
    )
    assert same_cluster(RULING, b)


def test_copy_with_last_paragraph_trimmed():
    trimmed = RULING.rsplit("\n\n", 1)[0]
    assert neardup.similarity(RULING, trimmed)["jaccard"] < 0.85  # a real cut, not a few words
    assert same_cluster(RULING, trimmed)


def test_chinese_syndicated_copy_with_other_outlet_boilerplate():
    a = "美最高法院维持TikTok剥离法\n\n" + XINHUA + "\n\n（责任编辑：王明）"
    b = (
        "美国最高法院裁定维持TikTok禁令 小红书成美国用户新去处\n\n来源：人民网-国际频道 原创稿\n\n"
        + XINHUA
        + "\n\n本文来源：人民网。转载请注明出处。更多精彩内容，请下载人民网客户端。"
    )
    assert same_cluster(a, b)


def test_social_post_copied_across_accounts_with_added_hashtag():
    assert same_cluster(POST, POST + " #fyp #cattax")


# ------------------------------------------------------------------ hard negatives stay apart
def test_same_event_different_story_stays_apart():
    s = neardup.similarity(RULING, FOLLOWUP)
    assert s["jaccard"] > 0.0  # they do share a quote and names
    assert not s["duplicate"]
    assert not same_cluster(RULING, FOLLOWUP)


def test_same_template_different_numbers_and_names_stays_apart():
    a = market(
        "Meta",
        "rose",
        "2.4",
        "612.10",
        "morning",
        "Sensor Tower",
        "RedNote",
        "first",
        "Morgan Lane",
        "users leaving TikTok",
        "18",
        "above",
        "January 29",
    )
    b = market(
        "Snap",
        "fell",
        "1.1",
        "11.35",
        "afternoon",
        "Appfigures",
        "Lemon8",
        "second",
        "Hill Street Capital",
        "worries about advertising",
        "42",
        "below",
        "February 4",
    )
    assert not same_cluster(a, b)


def test_two_rednote_introductions_by_different_people_stay_apart():
    assert not same_cluster(POST, POST_OTHER)


def test_chinese_same_event_written_differently_stays_apart():
    assert not same_cluster(XINHUA, ZH_OTHER)


def test_very_short_posts_never_cluster():
    # 13 tokens = 9 shingles: below MIN_SHINGLES, even verbatim copies stay apart
    short = "Hello from Ohio, just joined RedNote after the TikTok ban! Cat tax #TikTokRefugee"
    assert len(neardup.shingle_hashes(short)) == neardup.MIN_SHINGLES - 1
    c = clustered([(short, None), (short, None), (short + " #fyp", None)])
    assert c == [1, 2, 3]
    assert neardup.similarity(short, short)["duplicate"] is False
    # one more word and a copy is long enough to judge
    longer = short.replace("Cat tax", "Cat tax soon")
    assert clustered([(longer, None), (longer + " #fyp", None)]) == [1, 1]


# ------------------------------------------------------------------ normalisation and rules
def test_case_and_punctuation_do_not_matter_but_cjk_characters_are_tokens():
    assert neardup.similarity(POST, POST.upper().replace("!", "").replace(".", " ,"))["jaccard"] == 1.0
    # 12 characters, no spaces: 8 character 5-grams
    assert len(neardup.shingle_hashes("美国最高法院维持剥离法律")) == 8
    assert len(neardup.shingle_hashes("one two three four")) == 0


def test_canonical_is_earliest_published_within_a_batch():
    index = NearDupIndex()
    out = index.add_batch(
        [10, 11, 12], [RULING + " Updated.", RULING, FOLLOWUP], ["2025-01-18T09:00:00Z", "2025-01-17T15:00:00Z", None]
    )
    assert out == [11, 11, 12]
    assert index.match_of(10)[0] == 11 and index.match_of(10)[1] > 0.8
    assert index.cluster_of(12) == 12 and index.cluster_of(999) is None


def test_readding_an_id_returns_its_cluster_without_reindexing():
    index = NearDupIndex()
    index.add_batch([1, 2], [RULING, FOLLOWUP], [None, None])
    assert index.add_batch([2, 3, 3], [FOLLOWUP, RULING, RULING], [None, None, None]) == [2, 1, 1]
    assert len(index) == 3


# ------------------------------------------------------------------ persistence
def test_save_load_and_join_yesterdays_cluster(tmp_path):
    path = tmp_path / "observatory.db"
    conn = sqlite3.connect(path)
    ensure_tables(conn)
    conn.commit()
    index = NearDupIndex()
    index.add_batch([101, 102, 103], [RULING, XINHUA, POST], ["2025-01-17T15:00:00Z"] * 3)
    assert index.save(conn) == 3
    assert conn.in_transaction  # the caller commits, not the library
    conn.commit()
    conn.close()

    conn = sqlite3.connect(path)
    loaded = NearDupIndex.load(conn)
    assert len(loaded) == 3 and loaded.cluster_of(102) == 102
    # tomorrow: a syndicated copy published *earlier* than the stored original arrives
    copy = "Court backs TikTok law\n\nBy Staff\n\n" + RULING.rsplit("\n\n", 1)[0]
    assert loaded.add_batch([201, 202], [copy, FOLLOWUP], ["2025-01-17T14:00:00Z", "2025-01-18T10:00:00Z"]) == [
        101,
        202,
    ]
    assert loaded.save(conn) == 2  # only the new documents
    conn.commit()
    rows = dict(conn.execute("SELECT doc_id, cluster_id FROM neardup_docs").fetchall())
    assert rows == {101: 101, 102: 102, 103: 103, 201: 101, 202: 202}
    matched_id, sim, published = conn.execute(
        "SELECT matched_id, similarity, published_at FROM neardup_docs WHERE doc_id = 201"
    ).fetchone()
    assert matched_id == 101 and 0.6 <= sim <= 1.0 and published == "2025-01-17T14:00:00Z"
    assert conn.execute("SELECT matched_id, similarity FROM neardup_docs WHERE doc_id = 202").fetchone() == (
        None,
        None,
    )
    assert conn.execute("SELECT * FROM neardup_clusters").fetchall() == [(101, 2, 201, "2025-01-17T14:00:00Z")]
    blob_sizes = conn.execute(
        "SELECT length(band_keys), length(signature) FROM neardup_docs WHERE doc_id = 201"
    ).fetchone()
    assert blob_sizes == (neardup.BANDS * 4, neardup.NUM_PERM)

    # a third run sees both days
    again = NearDupIndex.load(conn)
    assert again.add_batch([301], [POST + " #fyp"], [None]) == [103]
    assert again.cluster_of(201) == 101
    conn.close()


def test_save_does_not_commit(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db")
    ensure_tables(conn)
    conn.commit()
    index = NearDupIndex()
    index.add_batch([1], [RULING], [None])
    index.save(conn)
    conn.rollback()
    assert conn.execute("SELECT count(*) FROM neardup_docs").fetchone()[0] == 0


def test_load_refuses_state_written_with_other_parameters(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db")
    ensure_tables(conn)
    conn.execute("INSERT INTO neardup_meta VALUES ('shingle_size', '3')")
    with pytest.raises(ValueError, match="other parameters"):
        NearDupIndex.load(conn)


def test_load_after_rows_were_deleted(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db")
    index = NearDupIndex()
    index.add_batch([1, 2, 3], [FOLLOWUP, RULING, XINHUA], [None, None, None])
    index.save(conn)
    conn.execute("DELETE FROM neardup_docs WHERE doc_id = 1")  # e.g. a takedown request
    loaded = NearDupIndex.load(conn)
    assert len(loaded) == 2 and loaded.cluster_of(1) is None
    assert loaded.add_batch([4], ["Headline\n\n" + RULING], [None]) == [2]
    loaded.save(conn)
    assert conn.execute("SELECT cluster_id FROM neardup_docs WHERE doc_id = 4").fetchone() == (2,)


# ------------------------------------------------------------------ the fast paths give the same answers
def test_table_normalisation_equals_nfkc_casefold_on_mixed_text():
    # ASCII, CJK, full-width forms, ligatures, combining accents (reordering/composition), Hangul
    # jamo (composition), apostrophes of several kinds, NUL and an emoji: every batch must give the
    # code points of joining _normalise(text) for each text
    pool = [chr(c) for c in range(32, 127)]
    pool += [chr(c) for c in (*range(0xC0, 0x180), *range(0x300, 0x316), *range(0x1100, 0x1176))]
    pool += [chr(c) for c in (*range(0x3000, 0x3040), *range(0xFF00, 0xFF70), *range(0xAC00, 0xAC10))]
    pool += list("中文难民小红书\u2019\u02bc\x00\U0001f600\ufb01\u00df\u0130\u03a3\u03c2\u0b47\u0b3e\u212b")
    rng = random.Random(3)
    for _ in range(500):
        texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30))) for _ in range(rng.randint(1, 5))]
        expected = ("\x00".join(neardup._normalise(t) for t in texts) + "\x00").encode("utf-32-le")
        assert neardup._codepoints(texts).tobytes() == expected, texts


def test_hashing_in_pieces_gives_the_same_signatures(monkeypatch):
    texts = [RULING, XINHUA, POST, FOLLOWUP, ZH_OTHER, "", POST_OTHER] * 3
    whole, counts = neardup._signatures(texts)
    monkeypatch.setattr(neardup, "_HASH_CHARS", 700)  # about one document a piece
    pieces, counts2 = neardup._signatures(texts)
    assert (whole == pieces).all() and (counts == counts2).all()


def test_persisted_layout_is_pinned_to_the_format_version(tmp_path):
    """The saved signatures and band keys of known texts; a change to tokens, hashing or the
    layout must bump FORMAT_VERSION (and make load rebuild or migrate), not silently mix."""
    conn = sqlite3.connect(tmp_path / "x.db")
    index = NearDupIndex()
    index.add_batch([1, 2, 3], [RULING, XINHUA, POST], [None] * 3)
    index.save(conn)
    rows = conn.execute("SELECT doc_id, n_shingles, band_keys, signature FROM neardup_docs ORDER BY doc_id")
    got = [(d, n, zlib.crc32(k), zlib.crc32(s)) for d, n, k, s in rows]
    assert neardup.FORMAT_VERSION == 1
    assert got == [
        (1, 186, 369893729, 3067216141),
        (2, 256, 3844326897, 2820538368),
        (3, 38, 275619217, 2013421491),
    ]
    assert conn.execute("SELECT value FROM neardup_meta WHERE key = 'format_version'").fetchone() == ("1",)
    # and a state written at this version loads back and is matched against
    loaded = NearDupIndex.load(conn)
    assert loaded.add_batch([4], ["Headline\n\n" + XINHUA], [None]) == [2]


def test_quality_on_generated_long_mixed_documents():
    """200-800-word documents, 30 % Chinese, 20 % syndicated copies with edits and hard negatives
    (bench/dedupe/long_corpus.py, as the benchmark uses at scale)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench" / "dedupe"))
    from long_corpus import LongCorpus

    corpus = LongCorpus(seed=11)
    index = NearDupIndex()
    cluster, src = {}, {}
    for _ in range(2):
        ids, texts, dates, source, _, _ = corpus.batch(1500)
        cluster.update(zip(ids, index.add_batch(ids, texts, dates), strict=True))
        src.update(zip(ids, source, strict=True))
    group = {i: s or i for i, s in src.items()}
    copies = [i for i, s in src.items() if s]
    attached = [i for i, c in cluster.items() if c != i]
    recall = sum(cluster[i] == cluster[src[i]] for i in copies) / len(copies)
    precision = sum(group[i] == group[cluster[i]] for i in attached) / len(attached)
    assert len(copies) > 500
    assert recall >= 0.99, recall
    assert precision >= 0.98, precision
