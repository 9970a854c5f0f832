"""Benchmark the near-duplicate library (crawler/storage/neardup.py).

1. Quality on the labelled pairs (bench/dedupe/pairs.jsonl, written by
   bench/dedupe/generate_pairs.py): every document of every pair goes into one index in batches,
   and a pair is called a duplicate when both end up in the same cluster. Precision, recall and F1
   of that decision, per kind as well; then the same for the exact rule (exact Jaccard and
   containment on the shingle sets, no LSH, no estimation).
2. Scale: --docs synthetic documents (English-like pseudo-words and 10 % Chinese characters,
   100-300 words, about 20 % near-duplicate copies of earlier documents: new headline,
   boilerplate, trimmed last paragraph, a few words changed) generated on the fly, indexed in
   batches. Generation time is measured apart from indexing time. Prints docs/s, peak RSS
   (ru_maxrss) and, against the generator's ground truth, the share of copies clustered with
   their source and the share of originals wrongly attached to something. Then save to a
   temporary SQLite file and load it back (timed).

3. Long documents, side by side with a plain baseline (``--doc-words 200-800 --zh-share 0.3``):
   the corpus of bench/dedupe/long_corpus.py (200-800 words, 30 % Chinese, 20 % syndicated
   copies with realistic edits, 15 % hard negatives: follow-ups reusing background paragraphs, a
   brief quoted whole inside a long feature, same templates with other names) is indexed by the
   project and by the plain numpy MinHash LSH of bench/dedupe/baseline.py (threshold 0.8, no
   verification), each in its own subprocess regenerating the same corpus from the same seed, so
   the peak RSS (VmHWM) of each is its own. Prints docs/s (generation not counted), peak RSS,
   recall (copies in their source's cluster), precision (documents attached to an earlier
   document's cluster that belong to that story), false attachments per hard-negative kind, the
   exact rule's own ceiling on the first 20,000 documents, and the ratios project/baseline.

    .venv/bin/python bench/bench_dedupe.py --docs 1000000      # full run, about 5 minutes
    .venv/bin/python bench/bench_dedupe.py --docs 50000        # quick
    .venv/bin/python bench/bench_dedupe.py --doc-words 200-800 --zh-share 0.3            # 100k docs
    .venv/bin/python bench/bench_dedupe.py --doc-words 200-800 --zh-share 0.3 --docs 1000000
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import pickle
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.storage import neardup  # noqa: E402

PAIRS = ROOT / "bench" / "dedupe" / "pairs.jsonl"
sys.path.insert(0, str(ROOT / "bench" / "dedupe"))

from baseline import PlainLSH, optimal_bands  # noqa: E402
from long_corpus import LongCorpus  # noqa: E402


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hwm_mib() -> float:
    """Peak resident memory of this process image (VmHWM is reset by exec, ru_maxrss is not)."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def full_text(d: dict) -> str:
    return f"{d['title']}\n\n{d['text']}" if d.get("title") else d["text"]


def labelled(batch: int = 100, seed: int = 1) -> None:
    pairs = [json.loads(line) for line in PAIRS.open(encoding="utf-8")]
    docs = [p[s] for p in pairs for s in ("a", "b")]
    random.Random(seed).shuffle(docs)
    index = neardup.NearDupIndex()
    for i in range(0, len(docs), batch):
        part = docs[i : i + batch]
        index.add_batch([d["id"] for d in part], [full_text(d) for d in part], [d["published_at"] for d in part])
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp fp fn tn
    exact = [0, 0, 0, 0]
    for p in pairs:
        same = index.cluster_of(p["a"]["id"]) == index.cluster_of(p["b"]["id"])
        ex = neardup.similarity(full_text(p["a"]), full_text(p["b"]))["duplicate"]
        for pred, c in ((same, counts[p["kind"]]), (ex, exact)):
            c[0 if pred and p["label"] else 1 if pred else 2 if p["label"] else 3] += 1
    total = [sum(c[i] for c in counts.values()) for i in range(4)]
    pos = sum(p["label"] for p in pairs)
    print(
        f"labelled pairs: {len(pairs)} ({pos} near-duplicates, {len(pairs) - pos} hard "
        f"negatives), {len(docs)} documents in one index, batches of {batch}"
    )
    p, r, f = prf(*total[:3])
    print(
        f"  index (LSH + verification): precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  "
        f"(tp {total[0]} fp {total[1]} fn {total[2]} tn {total[3]})"
    )
    p, r, f = prf(*exact[:3])
    print(f"  exact rule on shingle sets: precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    for kind, c in sorted(counts.items()):
        n = sum(c)
        if c[0] + c[2]:
            print(f"    {kind:20s} positives  clustered {c[0]}/{n}")
        else:
            print(f"    {kind:20s} negatives  kept apart {c[3]}/{n}")


# ---------------------------------------------------------------- synthetic corpus at scale
class Corpus:
    """Offline pseudo-news: Zipf-distributed pseudo-words, paragraphs, ~20 % copies."""

    def __init__(self, seed: int = 42, copy_rate: float = 0.2, zh_rate: float = 0.1):
        self.rng = np.random.default_rng(seed)
        self.r = random.Random(seed)
        syl = [
            "ka",
            "lo",
            "mi",
            "ten",
            "ra",
            "vo",
            "shi",
            "an",
            "de",
            "pu",
            "ri",
            "zen",
            "ta",
            "mo",
            "el",
            "gor",
            "qui",
            "sa",
            "ne",
            "bu",
            "li",
            "xo",
            "fa",
            "dun",
            "ye",
        ]
        words = set()
        while len(words) < 30000:
            words.add("".join(self.r.choice(syl) for _ in range(self.r.randint(1, 4))))
        self.vocab = np.array(sorted(words), dtype=object)
        self.cdf = np.cumsum(1 / np.arange(1, 30001) ** 1.05)
        self.cdf /= self.cdf[-1]
        self.hanzi = np.array([chr(0x4E00 + i) for i in range(3500)], dtype=object)
        self.hcdf = np.cumsum(1 / np.arange(1, 3501) ** 0.9)
        self.hcdf /= self.hcdf[-1]
        self.copy_rate, self.zh_rate = copy_rate, zh_rate
        self.boiler = [self.paragraph(40) for _ in range(30)]
        self.recent: list[tuple[int, list[str], bool]] = []  # (id, paragraphs, zh)
        self.next_id = 1

    def words(self, n: int) -> list[str]:
        return self.vocab[np.searchsorted(self.cdf, self.rng.random(n))].tolist()

    def paragraph(self, n: int) -> str:
        return " ".join(self.words(n)) + "."

    def zh_paragraph(self, n: int) -> str:
        chars = self.hanzi[np.searchsorted(self.hcdf, self.rng.random(n))].tolist()
        for i in range(12, n, 15):
            chars[i] = "，"
        return "".join(chars) + "。"

    def original(self, zh: bool) -> list[str]:
        total = int(self.rng.integers(100, 301))
        paras, left = [], total
        while left > 0:
            n = min(left, int(self.rng.integers(30, 70)))
            paras.append(self.zh_paragraph(int(n * 1.6)) if zh else self.paragraph(n))
            left -= n
        return [self.zh_paragraph(12) if zh else self.paragraph(8)] + paras  # headline first

    def copy(self, paras: list[str], zh: bool) -> list[str]:
        out = list(paras)
        kind = self.r.randrange(4)
        out[0] = self.zh_paragraph(12) if zh else self.paragraph(8)  # new headline, always
        if kind == 0:
            out = [self.r.choice(self.boiler)] + out[1:] + [self.r.choice(self.boiler)]
        elif kind == 1 and len(out) > 4:
            out = out[:-1]
        elif kind == 2:
            for _ in range(3):
                i = self.r.randrange(1, len(out))
                toks = list(out[i]) if zh else out[i].split(" ")
                toks[self.r.randrange(len(toks))] = self.r.choice(self.hanzi if zh else self.vocab)
                out[i] = ("" if zh else " ").join(toks)
        return out

    def batch(self, n: int) -> tuple[list[int], list[str], list[str], list[int]]:
        """ids, texts, dates, source id (0 for originals)."""
        ids, texts, dates, src = [], [], [], []
        for _ in range(n):
            i = self.next_id
            self.next_id += 1
            if self.recent and self.r.random() < self.copy_rate:
                sid, sp, zh = self.recent[self.r.randrange(len(self.recent))]
                paras = self.copy(sp, zh)
                src.append(sid)
            else:
                zh = self.r.random() < self.zh_rate
                paras = self.original(zh)
                src.append(0)
                self.recent.append((i, paras, zh))
                if len(self.recent) > 20000:
                    self.recent.pop(self.r.randrange(len(self.recent)))
            ids.append(i)
            texts.append("\n\n".join(paras))
            day = 1 + i // 5000
            dates.append(f"2025-{1 + (day // 28) % 12:02d}-{1 + day % 28:02d}T{i % 24:02d}:00:00Z")
        return ids, texts, dates, src


def scale(n_docs: int, batch: int, persist: bool) -> None:
    corpus = Corpus()
    index = neardup.NearDupIndex()
    src_all = np.zeros(n_docs + 1, np.int64)
    t_gen = t_idx = 0.0
    words = 0
    last_rate = 0.0
    print(f"scale: {n_docs:,} synthetic documents, batches of {batch:,}")
    done = 0
    while done < n_docs:
        n = min(batch, n_docs - done)
        t0 = time.perf_counter()
        ids, texts, dates, src = corpus.batch(n)
        t1 = time.perf_counter()
        index.add_batch(ids, texts, dates)
        t2 = time.perf_counter()
        t_gen += t1 - t0
        t_idx += t2 - t1
        words += sum(t.count(" ") for t in texts[:50]) * n // 50
        src_all[ids] = src
        done += n
        last_rate = n / (t2 - t1)
        if done % (batch * 20) == 0 or done == n_docs:
            print(
                f"  {done:>9,} docs  indexing {done / t_idx:,.0f} docs/s (last batch "
                f"{last_rate:,.0f})  peak RSS {rss_mib():,.0f} MiB",
                flush=True,
            )
    del texts
    peak = rss_mib()
    cl = index._ext.view[index._cluster.view]  # cluster id of every doc, by processing order
    ext = index._ext.view
    cluster_of = np.zeros(n_docs + 1, np.int64)
    cluster_of[ext] = cl
    ids_all = np.arange(1, n_docs + 1)
    copies = ids_all[src_all[1:] > 0]
    originals = ids_all[src_all[1:] == 0]
    recall = float(np.mean(cluster_of[copies] == cluster_of[src_all[copies]]))
    # an original is wrongly attached when it shares a cluster with another original
    orig_cluster = cluster_of[originals]
    _, inv, cnt = np.unique(orig_cluster, return_inverse=True, return_counts=True)
    false_attach = float(np.mean(cnt[inv] > 1))
    print(
        f"RESULT scale: {n_docs:,} docs indexed in {t_idx:,.1f} s = {n_docs / t_idx:,.0f} "
        f"docs/s (generation {t_gen:,.1f} s, not counted); last batch {last_rate:,.0f} docs/s"
    )
    print(f"RESULT peak RSS {peak:,.0f} MiB (ru_maxrss, whole process incl. generator)")
    print(
        f"  ground truth: copies clustered with their source {recall:.4f} "
        f"({len(copies):,} copies); originals sharing a cluster with another original "
        f"{false_attach:.5f}; ~{words / n_docs:.0f} words/doc"
    )
    if not persist:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "neardup.db")
        conn = sqlite3.connect(path)
        t0 = time.perf_counter()
        with conn:
            neardup.ensure_tables(conn)
            index.save(conn)
        t1 = time.perf_counter()
        conn.close()
        size = os.path.getsize(path) / 2**20
        del index, cl, ext
        gc.collect()
        # load in a fresh process, as tomorrow's cron run would, and add + save one more batch
        out = subprocess.run(
            [sys.executable, __file__, "--load-only", path, "--docs", str(n_docs)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"  persistence: save {t1 - t0:,.1f} s ({size:,.0f} MiB file, one transaction); {out}")
        conn = sqlite3.connect(path)
        sample = ids_all[:: max(1, n_docs // 1000)]
        stored = dict(
            conn.execute(
                f"SELECT doc_id, cluster_id FROM neardup_docs WHERE doc_id IN ({','.join(map(str, sample))})"
            ).fetchall()
        )
        print(f"  clusters identical in the file: {all(stored[int(i)] == int(cluster_of[i]) for i in sample)}")
        conn.close()


def load_only(path: str, n_docs: int) -> None:
    conn = sqlite3.connect(path)
    t0 = time.perf_counter()
    index = neardup.NearDupIndex.load(conn)
    t1 = time.perf_counter()
    sample = conn.execute("SELECT doc_id, cluster_id FROM neardup_docs ORDER BY random() LIMIT 1000").fetchall()
    same = all(index.cluster_of(d) == c for d, c in sample)
    corpus = Corpus(seed=7)
    corpus.next_id = n_docs + 1
    ids, texts, dates, _ = corpus.batch(10_000)
    t2 = time.perf_counter()
    index.add_batch(ids, texts, dates)
    t3 = time.perf_counter()
    with conn:
        written = index.save(conn)
    t4 = time.perf_counter()
    print(
        f"load {t1 - t0:,.1f} s ({len(index) - 10_000:,} docs) in a new process (clusters as in the file: "
        f"{same}); then add_batch of "
        f"10,000 new docs {t3 - t2:,.1f} s and incremental save of {written:,} rows {t4 - t3:,.1f} s; "
        f"peak RSS of that process {hwm_mib():,.0f} MiB (VmHWM; ru_maxrss would report the parent's, "
        f"which Linux carries across fork and exec)"
    )


# ---------------------------------------------------------------- long documents, side by side
def load_module(path: str):
    """Another version of crawler/storage/neardup.py (e.g. ``git show HEAD~1:crawler/storage/neardup.py``)."""
    spec = importlib.util.spec_from_file_location("neardup_other", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def side(name: str, n_docs: int, batch: int, words: tuple[int, int], zh: float, threshold: float, module=None) -> None:
    """One side of the comparison, in its own process, reading the corpus written by write_corpus
    (or generating it when no directory is given); prints one JSON line."""
    corpus = LongCorpus(doc_words=words, zh_share=zh) if not CORPUS_DIR else None
    index = (load_module(module) if module else neardup).NearDupIndex() if name != "baseline" else PlainLSH(threshold)
    cluster_of = np.zeros(n_docs + 1, np.int64)
    src_all = np.zeros(n_docs + 1, np.int64)
    kind_all = np.zeros(n_docs + 1, np.int8)
    kinds = {"story": 0, "copy": 1, "follow_up": 2, "brief_in_feature": 3, "template": 4}
    t_gen = t_idx = 0.0
    done = chars = 0
    while done < n_docs:
        n = min(batch, n_docs - done)
        t0 = time.perf_counter()
        if corpus is None:
            with open(os.path.join(CORPUS_DIR, f"{done // batch:05d}.pickle"), "rb") as f:
                ids, texts, dates, src, kind, _ = pickle.load(f)
        else:
            ids, texts, dates, src, kind, _ = corpus.batch(n)
        t1 = time.perf_counter()
        if name != "baseline":
            out = index.add_batch(ids, texts, dates)
        else:
            out = index.add_batch(ids, texts)
        t2 = time.perf_counter()
        t_gen, t_idx = t_gen + t1 - t0, t_idx + t2 - t1
        chars += sum(map(len, texts))
        cluster_of[ids], src_all[ids] = out, src
        kind_all[ids] = [kinds[k] for k in kind]
        done += n
        if done % (batch * 10) == 0 and done < n_docs:
            print(f"  {name}: {done:>9,} docs  {done / t_idx:,.0f} docs/s  VmHWM {hwm_mib():,.0f} MiB", file=sys.stderr)
    del texts, out
    ids = np.arange(1, n_docs + 1)
    src = src_all[1:]
    cl = cluster_of[1:]
    group = np.r_[0, np.where(src > 0, src, ids)]  # the story each document belongs to
    copies = ids[src > 0]
    attached = ids[cl != ids]
    right = group[attached] == group[cluster_of[attached]]
    wrong = {k: int(np.sum(kind_all[attached[~right]] == v)) for k, v in kinds.items()}
    per_kind = {k: int(np.sum(kind_all[1:] == v)) for k, v in kinds.items()}
    print(
        json.dumps(
            {
                "side": name,
                "docs": n_docs,
                "docs_per_s": n_docs / t_idx,
                "index_s": t_idx,
                "gen_s": t_gen,
                "chars_per_doc": chars / n_docs,
                "peak_rss_mib": hwm_mib(),
                "recall": float(np.mean(cluster_of[copies] == cluster_of[src_all[copies]])),
                "precision": float(np.mean(right)) if attached.size else 1.0,
                "attached": int(attached.size),
                "wrong_by_kind": wrong,
                "kinds": per_kind,
            }
        )
    )


CORPUS_DIR = ""


def write_corpus(path: str, n_docs: int, batch: int, words: tuple[int, int], zh: float) -> float:
    """Generate the corpus once, one pickle per batch; return the generation time."""
    corpus, t0 = LongCorpus(doc_words=words, zh_share=zh), time.perf_counter()
    for i, lo in enumerate(range(0, n_docs, batch)):
        with open(os.path.join(path, f"{i:05d}.pickle"), "wb") as f:
            pickle.dump(corpus.batch(min(batch, n_docs - lo)), f, protocol=pickle.HIGHEST_PROTOCOL)
    return time.perf_counter() - t0


def exact_ceiling(n: int, words: tuple[int, int], zh: float) -> str:
    """What the exact rule (exact shingle sets) says about the generator's pairs."""
    ids, texts, _, src, kind, base = LongCorpus(doc_words=words, zh_share=zh).batch(n)
    text = dict(zip(ids, texts, strict=True))
    copies = [neardup.similarity(text[s], t)["duplicate"] for t, s in zip(texts, src, strict=True) if s]
    neg: dict[str, list[bool]] = defaultdict(list)
    for t, k, b in zip(texts, kind, base, strict=True):
        if b:
            neg[k].append(neardup.similarity(text[b], t)["duplicate"])
    parts = ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(neg.items()))
    return (
        f"exact rule on the first {n:,} documents: copies it calls duplicates {np.mean(copies):.4f} "
        f"({len(copies):,}); hard negatives it calls duplicates of their base story: {parts}"
    )


def compare(n_docs: int, batch: int, words: tuple[int, int], zh: float, threshold: float, before=None) -> None:
    bands, rows = optimal_bands(threshold)
    print(
        f"long documents: {n_docs:,} docs of {words[0]}-{words[1]} words, {zh:.0%} Chinese, batches of "
        f"{batch:,}; baseline: plain numpy MinHash LSH, 128 perms, threshold {threshold}, "
        f"{bands} bands x {rows} rows",
        flush=True,
    )
    res = {}
    tmp = tempfile.TemporaryDirectory(prefix="bench_dedupe_")
    print(f"  corpus generated in {write_corpus(tmp.name, n_docs, batch, words, zh):,.0f} s (not counted)", flush=True)
    for name in ("before", "project", "baseline") if before else ("project", "baseline"):
        cmd = [sys.executable, __file__, "--side", name, "--docs", str(n_docs), "--batch", str(batch)]
        cmd += ["--corpus", tmp.name]
        cmd += ["--doc-words", f"{words[0]}-{words[1]}", "--zh-share", str(zh), "--threshold", str(threshold)]
        if name == "before":
            cmd += ["--project-module", before]
        out = subprocess.run(cmd, capture_output=False, stdout=subprocess.PIPE, text=True, check=True).stdout
        res[name] = json.loads(out.strip().splitlines()[-1])
    tmp.cleanup()
    print(f"  {res['project']['chars_per_doc']:,.0f} characters a document; generation not counted")
    print(f"  {'':10s} {'docs/s':>9s} {'peak RSS':>10s} {'recall':>7s} {'precision':>9s}  false attachments by kind")
    for name, r in res.items():
        wrong = ", ".join(f"{k} {v}" for k, v in r["wrong_by_kind"].items() if v) or "none"
        print(
            f"  {name:10s} {r['docs_per_s']:9,.0f} {r['peak_rss_mib']:7,.0f} MiB {r['recall']:7.4f} "
            f"{r['precision']:9.4f}  {wrong}"
        )
    p, b = res["project"], res["baseline"]
    if before:
        print(f"  before/baseline docs/s {res['before']['docs_per_s'] / b['docs_per_s']:.2f}x ({before})")
    print(
        f"RESULT long: project/baseline docs/s {p['docs_per_s'] / b['docs_per_s']:.2f}x, peak RSS "
        f"{p['peak_rss_mib'] / b['peak_rss_mib']:.2f}x; project {p['docs_per_s']:,.0f} docs/s "
        f"{p['peak_rss_mib']:,.0f} MiB recall {p['recall']:.4f} precision {p['precision']:.4f}; "
        f"baseline {b['docs_per_s']:,.0f} docs/s {b['peak_rss_mib']:,.0f} MiB recall {b['recall']:.4f} "
        f"precision {b['precision']:.4f}"
    )
    print("  " + exact_ceiling(min(n_docs, 20_000), words, zh))


def main() -> None:
    ap = argparse.ArgumentParser(description="near-duplicate benchmark")
    ap.add_argument(
        "--docs", type=int, help="synthetic documents to index (default 1,000,000; 100,000 with --doc-words)"
    )
    ap.add_argument("--batch", type=int, default=10_000, help="documents per add_batch call")
    ap.add_argument("--no-persist", action="store_true", help="skip the save/load timing")
    ap.add_argument("--skip-labelled", action="store_true")
    ap.add_argument("--load-only", metavar="DB", help=argparse.SUPPRESS)
    ap.add_argument("--doc-words", metavar="LO-HI", help="long-document comparison with the baseline, e.g. 200-800")
    ap.add_argument("--zh-share", type=float, default=0.3, help="share of Chinese documents (long corpus)")
    ap.add_argument("--threshold", type=float, default=0.8, help="the baseline's LSH threshold")
    ap.add_argument("--side", choices=("project", "baseline", "before"), help=argparse.SUPPRESS)
    ap.add_argument(
        "--before", metavar="PY", help="also run this other version of crawler/storage/neardup.py (long corpus)"
    )
    ap.add_argument("--project-module", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.doc_words:
        words = tuple(int(x) for x in args.doc_words.split("-"))
        docs = 100_000 if args.docs is None else args.docs
        if args.side:
            global CORPUS_DIR
            CORPUS_DIR = args.corpus or ""
            side(args.side, docs, args.batch, words, args.zh_share, args.threshold, args.project_module)
        else:
            compare(docs, args.batch, words, args.zh_share, args.threshold, args.before)
        return
    if args.load_only:
        load_only(args.load_only, args.docs)
        return
    if not args.skip_labelled:
        labelled()
    if args.docs is None:
        args.docs = 1_000_000
    if args.docs:
        scale(args.docs, args.batch, not args.no_persist)


if __name__ == "__main__":
    main()
