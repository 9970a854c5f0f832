"""Near-duplicate clustering for articles and posts (English, Chinese and mixed text).

The rule (copied into the README and the Datasette column descriptions)
-----------------------------------------------------------------------
Two documents are **near-duplicates** when they share most of their 5-token shingles:

* **Tokens.** Text is NFKC-normalised and case-folded; apostrophes are deleted; every other
  character that is not a letter or digit (punctuation, ``#``, emoji, spaces) separates tokens.
  A run of letters/digits is one token (an English word, a number, ``tiktokrefugee``). Each
  Chinese/Japanese character (CJK ideographs, kana) is a token on its own, because Chinese has no
  word boundaries. Mixed text is one token stream (``TikTok难民`` -> ``tiktok`` ``难`` ``民``).
* **Shingles** are runs of ``SHINGLE_SIZE = 5`` consecutive tokens: 5 words in English, 5
  characters in Chinese. Two different reports of the same event share names, dates and a quote
  or two, i.e. some shingles, but rarely more than a fifth of them; a syndicated copy with a new
  headline, byline, outlet boilerplate or a dropped last paragraph keeps 70-100 % of them.
* **Decision.** Documents A and B are near-duplicates when the estimated Jaccard similarity of
  their shingle sets is at least ``JACCARD_THRESHOLD = 0.6``, or when at least
  ``CONTAINMENT_THRESHOLD = 0.8`` of the smaller one's shingles are in the larger one (a copy
  trimmed to its first paragraphs, or wrapped in a lot of outlet boilerplate) *and* their Jaccard
  is at least ``MIN_JACCARD_FOR_CONTAINMENT = 0.4`` (so a short brief quoted inside a long
  feature, less than 0.4 of it, is not a copy of it).
* **Too short to judge.** A document with fewer than ``MIN_SHINGLES = 10`` distinct shingles
  (fewer than 14 words, or 14 Chinese characters: "hello from Ohio #TikTokRefugee") is never
  clustered; it is its own cluster. A handful of shingles cannot tell a copy from a template.

How it is computed
------------------
Tokens are hashed in numpy (a polynomial hash over the UTF-32 code points of the whole batch,
no per-token or per-shingle Python strings), shingle hashes are combined arithmetically from
token hashes, and 128-permutation MinHash signatures (``(a x + b) mod 2**32``) are computed for a
whole batch at once. Candidates come from LSH with 32 bands of 4 rows (a pair with Jaccard 0.6
becomes a candidate with probability 0.985, 0.7 with 0.9998); band keys live in sorted numpy
runs with a bucket directory (a log-structured merge of runs), not in Python dicts. Every
candidate is then **verified**: Jaccard is estimated from the stored 8-bit b-bit MinHash
signature (128 bytes a document; the 1/256 chance collision is corrected; standard error about
0.04), containment from Jaccard and the two shingle counts:
``C = J (|A| + |B|) / ((1 + J) min(|A|, |B|))``. ``similarity(a, b)`` gives the exact values for
one pair.

Clusters
--------
A new document joins the cluster of the **most similar earlier document** it is a near-duplicate
of (ties: the earliest). Clusters are never merged afterwards and never renumbered, so a
``cluster_id`` written yesterday is still valid today. ``cluster_id`` is the id of the cluster's
canonical member: the first document the index saw. Within one ``add_batch`` call documents are
processed in order of publication (unknown dates last, then input order), so inside a batch the
earliest-published copy is the canonical one. When a later batch brings a copy published
*earlier* than the canonical, the cluster id stays; ``neardup_clusters.earliest_id`` and
``earliest_published_at`` then name the earliest-published member.

Because a document joins its best match's cluster, a cluster can hold a copy of a copy that is
not itself a near-duplicate of the canonical (``matched_id`` and ``similarity`` say which member
each document was matched to, and how closely).

What to pass: the text a reader sees, title included (``title + "\n\n" + text``; a post's text).
Only the first million characters of a document are compared. Dates are the document's own
``published_at``/``created_at`` in ISO 8601 (UTC assumed when no offset is given); they are stored
normalised to ``YYYY-MM-DDTHH:MM:SSZ``.

Persistence
-----------
``ensure_tables(conn)`` creates ``neardup_meta`` (parameters; loading state written with other
parameters fails), ``neardup_docs`` (one row per document: cluster, the document it matched,
similarity, shingle count, LSH band keys and signature as compact blobs) and
``neardup_clusters`` (clusters with two or more members). ``save(conn)`` writes only what changed
since the last save, inside the caller's transaction (it never commits); ``NearDupIndex.load``
reads it all back into memory (about 380 bytes a document in the file, 500 in memory; 1M
documents load in about 9 s). The alternative, one indexed SQLite row per (band, key) queried
for every batch, measured 5,800 documents/s for the lookups alone at 200,000 documents and
needs 32 rows a document, so loading was chosen. One writer at a time: two
processes that load the same state and both save fail on the ``seq`` uniqueness constraint
rather than silently interleaving.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import UTC, datetime

import numpy as np

__all__ = [
    "NearDupIndex",
    "ensure_tables",
    "shingle_hashes",
    "similarity",
    "SHINGLE_SIZE",
    "JACCARD_THRESHOLD",
    "CONTAINMENT_THRESHOLD",
    "MIN_JACCARD_FOR_CONTAINMENT",
    "MIN_SHINGLES",
]

SHINGLE_SIZE = 5
NUM_PERM = 128
BANDS = 32
ROWS = 4
JACCARD_THRESHOLD = 0.6
CONTAINMENT_THRESHOLD = 0.8
MIN_JACCARD_FOR_CONTAINMENT = 0.4
MIN_SHINGLES = 10
SEED = 20250119
FORMAT_VERSION = 1

_CHUNK_DOCS = 16384  # documents indexed at once (one LSH run, one candidate verification)
_HASH_DOCS = 2048  # documents hashed at once (the document index is packed in 13 bits) ...
_HASH_CHARS = 3 << 19  # ... and characters: 1.5 Mi uint64 temporaries stay in cache (measured)
_MAX_CHARS = 1_000_000  # only the first million characters of a document are compared
_MINHASH_ROWS = 8192  # shingles per MinHash block: 8 Ki x 128 x 4 B = 4 MiB (measured fastest)
_CAP_PER_KEY = 16  # candidates taken per matching band key (earliest members first)
_MAX_RUN = 1 << 18  # documents per sorted LSH run; runs are merged up to this size
_NO_DATE = np.iinfo(np.int64).max
_NONE_ID = -(2**63)  # "no matched document" while loading

_U64 = np.uint64
_DELETE_CHARS = "'\u2019\u02bc`\x00"
_TOKEN_MULT = _U64(0x100000001B3)
_TOKEN_MULT_INV = _U64(pow(0x100000001B3, -1, 1 << 64))


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, in place on a uint64 array."""
    x ^= x >> _U64(30)
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


def _class_table() -> np.ndarray:
    """0 = separator, 1 = word character, 2 = CJK character (a token by itself); all of Unicode."""
    table = np.zeros(0x110000, dtype=np.uint8)
    table[[cp for cp in range(0x10000) if chr(cp).isalnum()]] = 1
    for lo, hi in ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        table[lo : hi + 1] = 2
    table[0x20000:0x40000] = 2  # CJK extensions B-H
    return table


_CLASS = _class_table()
_rng = np.random.default_rng(SEED)
_SHINGLE_MULT = _rng.integers(1, 2**63, size=SHINGLE_SIZE, dtype=np.uint64) * _U64(2) + _U64(1)
_PERM_A = _rng.integers(0, 2**31, size=NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_PERM_B = _rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint32)
_BAND_MULT = _rng.integers(1, 2**63, size=ROWS, dtype=np.uint64) * _U64(2) + _U64(1)
del _rng


def _normalise(text: str | None) -> str:
    """NFKC, case folding, apostrophes deleted (``don't`` -> ``dont``); ASCII takes a fast path."""
    text = text or ""
    if text.isascii():
        return text.lower().replace("'", "").replace("`", "").replace("\x00", "")
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    for ch in _DELETE_CHARS:
        if ch in text:
            text = text.replace(ch, "")
    return text


# ---- normalisation as a code point table ------------------------------------------------------
# casefold(NFKC(text)) is computed character by character from a table, which is exact when every
# character of the text is "simple": not a combining mark, not the second half of any canonical
# composition, and mapped to one character with the same two properties (then NFKC neither
# reorders nor composes across characters). A text with any other character (a combining accent,
# a ligature, a Hangul jamo, ...) takes the ``_normalise`` path; both give the same result.
_UNKNOWN, _UNSAFE, _DELETED = np.uint32(0xFFFFFFFF), np.uint32(0xFFFFFFFE), np.uint32(0x110000)
_MAP = np.full(0x110000, _UNKNOWN, dtype=np.uint32)  # filled lazily, per code point seen
_MAP[:128] = np.frombuffer(bytes(range(128)).decode("ascii").lower().encode("utf-32-le"), np.uint32)
_MAP[[ord(c) for c in _DELETE_CHARS if ord(c) < 128 and c != "\x00"]] = _DELETED
_SECONDS: set[int] = set()  # characters that can be the second of a canonical composition


def _learn(cps: np.ndarray) -> None:
    """Fill _MAP for code points not seen before."""
    if not _SECONDS:
        for c in range(0x110000):
            d = unicodedata.decomposition(chr(c))
            if d and d[0] != "<" and len(parts := d.split()) == 2:
                _SECONDS.add(int(parts[1], 16))
        _SECONDS.update(range(0x1161, 0x1176), range(0x11A8, 0x11C3))  # Hangul V and T jamo

    def simple(ch: str) -> bool:
        return len(ch) == 1 and not unicodedata.combining(ch) and ord(ch) not in _SECONDS

    for cp in np.unique(cps).tolist():
        ch = chr(cp)
        try:
            out = unicodedata.normalize("NFKC", ch).casefold()
        except UnicodeError:  # pragma: no cover - lone surrogates
            out = ""
        first = unicodedata.normalize("NFKD", ch)[:1]
        if 0xD800 <= cp < 0xE000:
            _MAP[cp] = 0x20  # a lone surrogate: a separator (it cannot be a letter)
        elif simple(ch) and simple(first) and out in _DELETE_CHARS and len(out) == 1:
            _MAP[cp] = _DELETED
        elif simple(ch) and simple(first) and simple(out):
            _MAP[cp] = ord(out)
        else:
            _MAP[cp] = _UNSAFE


def _codepoints(texts: list[str]) -> np.ndarray:
    """casefold(NFKC(text)) of every text, apostrophes deleted, as one uint32 array with a 0
    after each text (the same code points as joining ``_normalise`` of each text)."""
    if any("\x00" in t for t in texts):
        texts = [t.replace("\x00", "") for t in texts]
    cp = np.frombuffer(("\x00".join(texts) + "\x00").encode("utf-32-le", "surrogatepass"), np.uint32)
    m = _MAP[cp]
    if m.max() < _DELETED:
        return m
    if (m == _UNKNOWN).any():
        _learn(cp[m == _UNKNOWN])
        m = _MAP[cp]
    if (m == _UNSAFE).any():  # normalise the texts holding such characters in Python
        ends = np.flatnonzero(cp == 0)
        bad = np.unique(np.searchsorted(ends, np.flatnonzero(m == _UNSAFE))).tolist()
        pieces, lo = [], 0
        for d in bad:
            start = int(ends[d - 1]) + 1 if d else 0
            pieces.append(m[lo:start])
            pieces.append(np.frombuffer(_normalise(texts[d]).encode("utf-32-le", "surrogatepass"), np.uint32))
            lo = int(ends[d])  # keep the separator
        pieces.append(m[lo:])
        m = np.concatenate(pieces)
    if m.max() >= _DELETED:
        m = m[m != _DELETED]
    return m


_pow_cache: list[np.ndarray] = [np.ones(1, np.uint64), np.ones(1, np.uint64)]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """M**i and M**-i mod 2**64 for i < n (cached, grown by doubling)."""
    if _pow_cache[0].size < n:
        size = -(-n // (1 << 20)) << 20  # whole MiB-multiples: at most _HASH_CHARS + _MAX_CHARS
        _pow_cache[:] = []
        for mult in (_TOKEN_MULT, _TOKEN_MULT_INV):
            table = np.full(size, mult, np.uint64)
            table[0] = 1
            np.multiply.accumulate(table, out=table)  # wraps mod 2**64
            _pow_cache.append(table)
    return _pow_cache[0][:n], _pow_cache[1][:n]


def _tokens(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token hashes (uint64) and the document index of each token, for a list of texts.

    The batch is one UTF-32 array. A token's hash is sum(c_i * M**i) over its characters at
    absolute positions i, times M**-start (so it does not depend on where the token sits);
    separators contribute 0, so one reduceat over token starts sums each token.
    """
    cp = _codepoints(texts)
    ends = np.flatnonzero(cp == 0)
    cls = _CLASS[cp]
    word = cls == 1
    start = cls == 2
    start[1:] |= word[1:] > word[:-1]
    start[0] |= word[0]
    ts = np.flatnonzero(start)
    if ts.size == 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    fwd, inv = _powers(cp.size)
    val = cp.astype(np.uint64)
    val += _U64(0x9E3779B97F4A7C15)
    val *= cls.astype(bool)  # separators -> 0
    val *= fwd
    th = np.add.reduceat(val[ts[0] :], ts - ts[0])
    th *= inv[ts]
    _mix64(th)
    per_doc = np.diff(np.searchsorted(ts, ends), prepend=0)  # tokens before each separator
    tdoc = np.repeat(np.arange(ends.size), per_doc)
    return th, tdoc


def _shingles(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct shingle values per document.

    Returns (values, doc index, distinct count per document); values are sorted by document and
    are 51-bit hashes (document index packed above them while deduplicating).
    """
    n_docs = len(texts)
    assert n_docs < (1 << 13)
    th, tdoc = _tokens(texts)
    k = SHINGLE_SIZE
    m = th.size - k + 1
    if m <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64), np.zeros(n_docs, np.int64)
    sh = th[:m] * _SHINGLE_MULT[0]
    for j in range(1, k):
        sh += th[j : j + m] * _SHINGLE_MULT[j]
    _mix64(sh)
    valid = tdoc[:m] == tdoc[k - 1 :]
    key = (tdoc[:m][valid].astype(np.uint64) << _U64(51)) | (sh[valid] >> _U64(13))
    key.sort()
    if key.size:
        keep = np.empty(key.size, dtype=bool)
        keep[0] = True
        np.not_equal(key[1:], key[:-1], out=keep[1:])
        key = key[keep]
    doc = (key >> _U64(51)).astype(np.int64)
    vals = key & _U64((1 << 51) - 1)
    counts = np.bincount(doc, minlength=n_docs)
    return vals, doc, counts


def _minhash(vals: np.ndarray, doc: np.ndarray, n_docs: int) -> np.ndarray:
    """(n_docs, NUM_PERM) uint32 MinHash signatures; rows of documents without shingles are max.

    Permutation p maps a 32-bit shingle hash x to (a_p * x + b_p) mod 2**32 (a_p odd). Blocks of a
    few thousand shingles in a (NUM_PERM, rows) layout stay in cache; the minimum per document is
    a reduceat along the contiguous axis.
    """
    sig = np.full((NUM_PERM, n_docs), np.iinfo(np.uint32).max, dtype=np.uint32)
    if vals.size == 0:
        return sig.T.copy()
    x = (vals >> _U64(19)).astype(np.uint32)  # the top 32 of the 51 bits
    doc_start = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
    bounds = np.r_[doc_start, vals.size]
    i = 0
    while i < doc_start.size:
        lo = bounds[i]
        j = int(np.searchsorted(bounds, lo + _MINHASH_ROWS, side="right")) - 1
        j = max(j, i + 1)
        hi = bounds[j]
        b = np.empty((NUM_PERM, hi - lo), dtype=np.uint32)
        np.multiply(_PERM_A[:, None], x[None, lo:hi], out=b)
        b += _PERM_B[:, None]
        sig[:, doc[doc_start[i:j]]] = np.minimum.reduceat(b, doc_start[i:j] - lo, axis=1)
        i = j
    return sig.T.copy()


def _signatures(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(n, NUM_PERM) uint32 MinHash signatures and distinct shingle counts, hashed in pieces of
    at most _HASH_DOCS documents and about _HASH_CHARS characters."""
    sig = np.empty((len(texts), NUM_PERM), np.uint32)
    counts = np.empty(len(texts), np.int64)
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    start = 0
    while start < len(texts):
        ends = np.searchsorted(np.cumsum(lengths[start : start + _HASH_DOCS]), _HASH_CHARS, side="right")
        end = start + max(1, int(ends))
        vals, doc, c = _shingles(texts[start:end])
        sig[start:end] = _minhash(vals, doc, end - start)
        counts[start:end] = c
        start = end
    return sig, counts


def _band_keys(sig: np.ndarray) -> np.ndarray:
    """(n, BANDS) uint32 LSH band keys from (n, NUM_PERM) uint32 signatures."""
    v = sig[:, : BANDS * ROWS].astype(np.uint64).reshape(sig.shape[0], BANDS, ROWS)
    key = (v * _BAND_MULT).sum(axis=2, dtype=np.uint64)
    key += np.arange(BANDS, dtype=np.uint64)
    _mix64(key)
    return (key >> _U64(32)).astype(np.uint32)


def _bbit(sig: np.ndarray) -> np.ndarray:
    """8-bit b-bit MinHash: bits 8-15 of each minimum (the top bits of a minimum are mostly 0,
    the lowest bits of a multiply-add hash are poorly mixed)."""
    return ((sig >> np.uint32(8)) & np.uint32(0xFF)).astype(np.uint8)


def _estimate(eq_fraction: np.ndarray) -> np.ndarray:
    """Jaccard from the fraction of equal 8-bit signature values (b-bit MinHash correction)."""
    return np.clip((eq_fraction - 1 / 256) / (1 - 1 / 256), 0.0, 1.0)


def _containment(jac: np.ndarray, na: np.ndarray, nb: np.ndarray) -> np.ndarray:
    small = np.maximum(np.minimum(na, nb), 1)
    return np.minimum(jac * (na + nb) / ((1 + jac) * small), 1.0)


def _is_dup(jac: np.ndarray, cont: np.ndarray) -> np.ndarray:
    return (jac >= JACCARD_THRESHOLD) | ((cont >= CONTAINMENT_THRESHOLD) & (jac >= MIN_JACCARD_FOR_CONTAINMENT))


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct shingle hashes of one text (for exact comparisons and tests)."""
    vals, _, _ = _shingles([text])
    return vals


def similarity(a: str, b: str) -> dict:
    """Exact Jaccard and containment of two texts' shingle sets, and the decision rule on them."""
    sa, sb = shingle_hashes(a), shingle_hashes(b)
    inter = np.intersect1d(sa, sb, assume_unique=True).size
    union = sa.size + sb.size - inter
    jac = inter / union if union else 0.0
    cont = inter / min(sa.size, sb.size) if min(sa.size, sb.size) else 0.0
    dup = bool(min(sa.size, sb.size) >= MIN_SHINGLES and _is_dup(np.array([jac]), np.array([cont]))[0])
    return {"jaccard": jac, "containment": cont, "shingles": (sa.size, sb.size), "duplicate": dup}


def _date_key(value: str | datetime | None) -> int:
    """Seconds since the epoch (UTC) for sorting; unknown or unparsable dates sort last."""
    if not value:
        return int(_NO_DATE)
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return int(_NO_DATE)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp())


class _Grow:
    """A numpy array that grows by doubling along axis 0."""

    def __init__(self, dtype, width: int | None = None, fill=0):
        self.width, self.fill, self.n = width, fill, 0
        shape = (1024,) if width is None else (1024, width)
        self.a = np.full(shape, fill, dtype=dtype)

    def extend(self, values: np.ndarray) -> None:
        need = self.n + len(values)
        if need > len(self.a):
            cap = max(need, len(self.a) * 5 // 4 + 1024)  # x1.25: a smaller spike than doubling
            shape = (cap,) if self.width is None else (cap, self.width)
            new = np.empty(shape, dtype=self.a.dtype)  # pages become resident when written
            new[: self.n] = self.a[: self.n]
            self.a = new
        self.a[self.n : need] = values
        self.n = need

    def fresh(self, n: int) -> np.ndarray:
        """Replace the contents by n unset rows (with headroom, so the next batches do not copy);
        return them for filling."""
        cap = n + n // 4 + 1024
        self.a = np.empty((cap,) if self.width is None else (cap, self.width), dtype=self.a.dtype)
        self.n = n
        return self.a[:n]

    @property
    def view(self) -> np.ndarray:
        return self.a[: self.n]


class _Run:
    """One sorted run: per band, (key, document) pairs sorted by key, older documents first.

    ``keys``/``ids`` are (BANDS, n); ``dir`` maps (band, top ``bits`` bits of a key) to the flat
    position where that bucket starts, so a lookup is a binary search over a handful of entries
    instead of the whole row (a whole-row ``searchsorted`` costs a cache miss per level).
    """

    __slots__ = ("keys", "ids", "dir", "bits", "max_id")

    def __init__(self, keys: np.ndarray, ids: np.ndarray) -> None:
        self.keys, self.ids = keys, ids
        n = keys.shape[1]
        self.bits = max(1, min(20, int(np.log2(max(n, 2))) - 2))
        width = 1 << self.bits
        counts = np.empty(BANDS * width, np.int32)
        for j in range(BANDS):  # row by row: small temporaries
            counts[j * width : (j + 1) * width] = np.bincount(keys[j] >> np.uint32(32 - self.bits), minlength=width)
        self.dir = np.zeros(counts.size + 1, np.int32)  # BANDS * _MAX_RUN < 2**31
        np.cumsum(counts, out=self.dir[1:])
        self.max_id = int(ids.max()) if n else -1

    @property
    def n(self) -> int:
        return self.keys.shape[1]

    def query(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Candidate (query row, document id) pairs for query keys q (n, BANDS)."""
        kf, idf = self.keys.ravel(), self.ids.ravel()
        qk = q.ravel()  # row-major: needle r*BANDS + j is band j of query r
        band = np.tile(np.arange(BANDS, dtype=np.int64), q.shape[0])
        bucket = (band << self.bits) + (qk >> np.uint32(32 - self.bits)).astype(np.int64)
        lo, hi = self.dir[bucket], self.dir[bucket + 1]
        # drop needles whose bucket is empty, then binary-search the (small) bucket
        live = np.flatnonzero(hi > lo)
        lo, hi, qk = lo[live], hi[live], qk[live]
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = (lo + hi) >> 1
            right = active & (kf[np.minimum(mid, kf.size - 1)] < qk)
            left = active & ~right
            lo = np.where(right, mid + 1, lo)
            hi = np.where(left, mid, hi)
        # lo is now the lower bound; keep needles whose key is there (same band: same bucket)
        hit = np.flatnonzero(kf[np.minimum(lo, kf.size - 1)] == qk)
        if hit.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        needle, start, key = live[hit], lo[hit], qk[hit]
        end = self.dir[bucket[needle] + 1]
        qs, cs = [], []
        for t in range(_CAP_PER_KEY):  # equal keys are contiguous; take the first few
            pos = start + t
            ok = pos < end
            ok[ok] = kf[pos[ok]] == key[ok]
            if not ok.any():
                break
            qs.append(needle[ok] // BANDS)
            cs.append(idf[pos[ok]])
        return np.concatenate(qs), np.concatenate(cs).astype(np.int64)


class _BandIndex:
    """LSH buckets as sorted runs, merged like a log-structured merge tree (runs up to _MAX_RUN)."""

    def __init__(self) -> None:
        self.runs: list[_Run] = []

    @staticmethod
    def make_run(keys: np.ndarray, ids: np.ndarray) -> _Run:
        ids = ids.astype(np.int32)
        out_keys = np.empty((BANDS, len(ids)), np.uint32)
        out_ids = np.empty((BANDS, len(ids)), np.int32)
        for j in range(BANDS):  # row by row: small temporaries
            col = keys[:, j]
            order = np.argsort(col, kind="stable")
            out_keys[j], out_ids[j] = col[order], ids[order]
        return _Run(out_keys, out_ids)

    def add_run(self, run: _Run) -> None:
        self.runs.append(run)
        while len(self.runs) >= 2:
            a, b = self.runs[-2], self.runs[-1]
            if 2 * b.n < a.n or a.n + b.n > _MAX_RUN:
                break
            n = a.n + b.n
            keys = np.empty((BANDS, n), np.uint32)
            ids = np.empty((BANDS, n), np.int32)
            for j in range(BANDS):  # one band at a time keeps temporaries small
                k = np.concatenate((a.keys[j], b.keys[j]))
                order = np.argsort(k, kind="stable")  # stable: older documents first
                keys[j] = k[order]
                ids[j] = np.concatenate((a.ids[j], b.ids[j]))[order]
            self.runs[-2:] = [_Run(keys, ids)]

    def keys_of(self, lo: int, hi: int) -> np.ndarray:
        """(hi - lo, BANDS) band keys of documents lo..hi-1 (zeros for documents not indexed)."""
        out = np.zeros((hi - lo, BANDS), np.uint32)
        for run in self.runs:
            if run.n == 0 or run.max_id < lo:
                continue
            for j in range(BANDS):
                sel = np.flatnonzero((run.ids[j] >= lo) & (run.ids[j] < hi))
                out[run.ids[j][sel] - lo, j] = run.keys[j][sel]
        return out

    def query(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        parts = [run.query(q) for run in self.runs]
        if not parts:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def ensure_tables(conn: sqlite3.Connection) -> None:
    """Create the neardup_* tables and indexes if they do not exist (idempotent, no commit)."""
    conn.execute("CREATE TABLE IF NOT EXISTS neardup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute(
        """CREATE TABLE IF NOT EXISTS neardup_docs (
            doc_id INTEGER PRIMARY KEY,      -- the caller's document id
            seq INTEGER NOT NULL UNIQUE,     -- order in which the index processed documents
            cluster_id INTEGER NOT NULL,     -- doc_id of the cluster's canonical member
            matched_id INTEGER,              -- the earlier document this one was matched to
            similarity REAL,                 -- estimated Jaccard with matched_id
            n_shingles INTEGER NOT NULL,     -- distinct 5-token shingles (< 10: never clustered)
            published_at TEXT,               -- UTC ISO 8601 as given to the index
            band_keys BLOB,                  -- 32 x uint32 LSH band keys (NULL when too short)
            signature BLOB                   -- 128 x 8-bit MinHash values (NULL when too short)
        )"""
    )
    conn.execute("CREATE INDEX IF NOT EXISTS neardup_docs_cluster_id ON neardup_docs (cluster_id)")
    conn.execute(
        """CREATE TABLE IF NOT EXISTS neardup_clusters (
            cluster_id INTEGER PRIMARY KEY,  -- doc_id of the canonical (first seen) member
            size INTEGER NOT NULL,           -- members, canonical included (>= 2)
            earliest_id INTEGER NOT NULL,    -- earliest-published member (canonical on ties)
            earliest_published_at TEXT       -- its published_at
        )"""
    )


def _params() -> dict[str, str]:
    return {
        "format_version": str(FORMAT_VERSION),
        "shingle_size": str(SHINGLE_SIZE),
        "num_perm": str(NUM_PERM),
        "bands": str(BANDS),
        "rows": str(ROWS),
        "seed": str(SEED),
        "min_shingles": str(MIN_SHINGLES),
        "jaccard_threshold": str(JACCARD_THRESHOLD),
        "containment_threshold": str(CONTAINMENT_THRESHOLD),
        "min_jaccard_for_containment": str(MIN_JACCARD_FOR_CONTAINMENT),
    }


def _iso(key: int) -> str | None:
    if key == _NO_DATE:
        return None
    return datetime.fromtimestamp(key, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_array(keys: np.ndarray) -> list[str | None]:
    """Date keys as UTC ISO 8601 strings ending in Z (None for unknown), vectorised."""
    known = keys != _NO_DATE
    text = np.datetime_as_string(np.where(known, keys, 0).astype("datetime64[s]"), unit="s")
    return [t + "Z" if k else None for t, k in zip(text.tolist(), known.tolist(), strict=True)]


def _keys_from_iso(values) -> np.ndarray:
    """Inverse of _iso_array (vectorised; None -> unknown)."""
    arr = np.array([v[:-1] if v else "NaT" for v in values], dtype="datetime64[s]")
    keys = arr.astype(np.int64)
    keys[np.isnat(arr)] = _NO_DATE
    return keys


class NearDupIndex:
    """An incremental near-duplicate index; see the module docstring for the rule."""

    def __init__(self) -> None:
        self._ext = _Grow(np.int64)  # caller ids, by internal index (processing order)
        self._cluster = _Grow(np.int32)  # internal index of the canonical member
        self._matched = _Grow(np.int32, fill=-1)
        self._sim = _Grow(np.float32)
        self._nsh = _Grow(np.int32)
        self._date = _Grow(np.int64)
        self._sig = _Grow(np.uint8, NUM_PERM)
        self._sorted_ext = np.empty(0, np.int64)  # for id lookups
        self._sorted_pos = np.empty(0, np.int64)
        self._bands = _BandIndex()
        # clusters with >= 2 members: canonical -> [size, earliest date key, earliest caller id]
        self._clusters: dict[int, list[int]] = {}
        self._dirty: set[int] = set()
        self._saved = 0  # internal indexes below this are in the database
        self._seq_offset = 0  # seq = internal index + offset (rows may have been deleted)

    def __len__(self) -> int:
        return self._ext.n

    # ---- lookups -------------------------------------------------------------------------
    def _internal(self, ids: np.ndarray) -> np.ndarray:
        """Internal index for each caller id, -1 when unknown."""
        if self._sorted_ext.size == 0:
            return np.full(len(ids), -1, np.int64)
        p = np.searchsorted(self._sorted_ext, ids)
        p = np.minimum(p, self._sorted_ext.size - 1)
        found = self._sorted_ext[p] == ids
        return np.where(found, self._sorted_pos[p], -1)

    def cluster_of(self, doc_id: int) -> int | None:
        """The cluster id (canonical member's id) of a document, None when it was never added."""
        i = int(self._internal(np.array([doc_id], np.int64))[0])
        if i < 0:
            return None
        return int(self._ext.view[self._cluster.view[i]])

    def match_of(self, doc_id: int) -> tuple[int, float] | None:
        """(matched earlier document id, estimated Jaccard), or None when it started a cluster."""
        i = int(self._internal(np.array([doc_id], np.int64))[0])
        if i < 0 or self._matched.view[i] < 0:
            return None
        return int(self._ext.view[self._matched.view[i]]), float(self._sim.view[i])

    # ---- indexing ------------------------------------------------------------------------
    def add_batch(self, ids: list[int], texts: list[str], dates: list[str | None] | None = None) -> list[int]:
        """Index documents; return the cluster id of each (in input order).

        Ids already in the index are not re-indexed: their current cluster id is returned.
        """
        n = len(ids)
        if dates is None:
            dates = [None] * n
        if not (len(texts) == n == len(dates)):
            raise ValueError("ids, texts and dates must have the same length")
        ids_arr = np.asarray(ids, dtype=np.int64)
        known = self._internal(ids_arr)
        seen: set[int] = set()
        new_pos = []
        for p in range(n):
            if known[p] < 0 and ids[p] not in seen:
                seen.add(ids[p])
                new_pos.append(p)
        keys = [_date_key(dates[p]) for p in new_pos]
        order = sorted(range(len(new_pos)), key=lambda r: (keys[r], r))
        keys = [keys[r] for r in order]
        new_pos = [new_pos[r] for r in order]
        for start in range(0, len(new_pos), _CHUNK_DOCS):
            chunk = new_pos[start : start + _CHUNK_DOCS]
            self._add_chunk(
                ids_arr[chunk],
                [(texts[p] or "")[:_MAX_CHARS] for p in chunk],
                np.array(keys[start : start + _CHUNK_DOCS], np.int64),
            )
        internal = self._internal(ids_arr)
        return self._ext.view[self._cluster.view[internal]].tolist()

    def _add_chunk(self, ids: np.ndarray, texts: list[str], date_keys: np.ndarray) -> None:
        n = len(texts)
        base = self._ext.n
        sig32, counts = _signatures(texts)
        keys = _band_keys(sig32)
        sig = _bbit(sig32)
        del sig32
        ok = counts >= MIN_SHINGLES
        internal = np.arange(base, base + n)

        self._ext.extend(ids)
        self._cluster.extend(internal.astype(np.int32))
        self._matched.extend(np.full(n, -1, np.int32))
        self._sim.extend(np.zeros(n, np.float32))
        self._nsh.extend(counts.astype(np.int32))
        self._date.extend(date_keys)
        self._sig.extend(sig)
        order = np.argsort(ids, kind="stable")
        ins = np.searchsorted(self._sorted_ext, ids[order])
        self._sorted_ext = np.insert(self._sorted_ext, ins, ids[order])
        self._sorted_pos = np.insert(self._sorted_pos, ins, internal[order])

        rows = np.flatnonzero(ok)
        if rows.size == 0:
            return
        q = keys[rows]
        own = _BandIndex.make_run(q, internal[rows])
        qi, ci = self._bands.query(q)
        qi2, ci2 = own.query(q)
        qi = np.concatenate((rows[qi] + base, rows[qi2] + base))
        ci = np.concatenate((ci, ci2))
        self._bands.add_run(own)
        keep = ci < qi  # only documents processed earlier
        qi, ci = qi[keep], ci[keep]
        if qi.size == 0:
            return
        pair = np.unique((qi << 32) | ci)
        qi, ci = pair >> 32, pair & 0xFFFFFFFF
        allsig = self._sig.view
        eq = np.count_nonzero(allsig[qi] == allsig[ci], axis=1) / NUM_PERM
        jac = _estimate(eq)
        nsh = self._nsh.view
        dup = _is_dup(jac, _containment(jac, nsh[qi], nsh[ci]))
        qi, ci, jac = qi[dup], ci[dup], jac[dup]
        if qi.size == 0:
            return
        # best match per document: highest Jaccard, then earliest
        order = np.lexsort((ci, -jac, qi))
        qi, ci, jac = qi[order], ci[order], jac[order]
        first = np.r_[True, qi[1:] != qi[:-1]]
        cluster = self._cluster.a
        ext = self._ext.a
        date = self._date.a
        for q_, c_, j_ in zip(qi[first].tolist(), ci[first].tolist(), jac[first].tolist(), strict=True):
            canon = int(cluster[c_])
            cluster[q_] = canon
            self._matched.a[q_] = c_
            self._sim.a[q_] = j_
            info = self._clusters.get(canon)
            if info is None:
                info = self._clusters[canon] = [1, int(date[canon]), int(ext[canon])]
            info[0] += 1
            if int(date[q_]) < info[1]:
                info[1], info[2] = int(date[q_]), int(ext[q_])
            self._dirty.add(canon)

    # ---- persistence ---------------------------------------------------------------------
    def save(self, conn: sqlite3.Connection) -> int:
        """Write documents and clusters changed since the last save; return documents written.

        Runs inside the caller's transaction: it never commits. If that transaction is rolled
        back, the index is ahead of the database: discard it and ``load`` again.
        """
        ensure_tables(conn)
        stored = dict(conn.execute("SELECT key, value FROM neardup_meta").fetchall())
        params = _params()
        if stored and stored != params:
            raise ValueError(f"neardup state was written with other parameters: {stored}")
        if not stored:
            conn.executemany("INSERT INTO neardup_meta VALUES (?, ?)", params.items())
        first, hi = self._saved, self._ext.n
        ext = self._ext.view
        for lo in range(first, hi, 100_000):  # slices bound the Python objects alive at once
            up = min(hi, lo + 100_000)
            keys = self._bands.keys_of(lo, up)
            m = self._matched.view[lo:up]
            has = (m >= 0).tolist()
            matched = ext[np.maximum(m, 0)].tolist()
            sim = np.round(self._sim.view[lo:up].astype(np.float64), 4).tolist()
            nsh = self._nsh.view[lo:up].tolist()
            sig = self._sig.view[lo:up]
            rows = zip(
                ext[lo:up].tolist(),
                range(lo + self._seq_offset, up + self._seq_offset),
                ext[self._cluster.view[lo:up]].tolist(),
                (x if h else None for x, h in zip(matched, has, strict=True)),
                (x if h else None for x, h in zip(sim, has, strict=True)),
                nsh,
                _iso_array(self._date.view[lo:up]),
                (k.tobytes() if c >= MIN_SHINGLES else None for k, c in zip(keys, nsh, strict=True)),
                (g.tobytes() if c >= MIN_SHINGLES else None for g, c in zip(sig, nsh, strict=True)),
                strict=True,
            )
            conn.executemany(
                "INSERT INTO neardup_docs (doc_id, seq, cluster_id, matched_id,"
                " similarity, n_shingles, published_at, band_keys, signature)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        if self._dirty:
            conn.executemany(
                "INSERT OR REPLACE INTO neardup_clusters VALUES (?, ?, ?, ?)",
                (
                    (int(ext[c]), info[0], info[2], _iso(info[1]))
                    for c in sorted(self._dirty)
                    for info in (self._clusters[c],)
                ),
            )
        self._saved = hi
        self._dirty = set()
        return hi - first

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> NearDupIndex:
        """An index holding the state saved in conn (an empty index when nothing was saved)."""
        ensure_tables(conn)
        self = cls()
        stored = dict(conn.execute("SELECT key, value FROM neardup_meta").fetchall())
        if stored and stored != _params():
            raise ValueError(f"neardup state was written with other parameters: {stored}")
        n, max_seq = conn.execute("SELECT count(*), max(seq) FROM neardup_docs").fetchone()
        if not n:
            return self
        # pass 1: processing order and shingle counts, to place every row and size the LSH runs
        seqs, counts_by_row = np.empty(n, np.int64), np.empty(n, np.int32)
        cur, done = conn.execute("SELECT seq, n_shingles FROM neardup_docs"), 0
        while rows := cur.fetchmany(50_000):
            seq_, nsh_ = zip(*rows, strict=True)
            seqs[done : done + len(rows)], counts_by_row[done : done + len(rows)] = seq_, nsh_
            done += len(rows)
        contiguous = max_seq == n - 1
        sorted_seq = None if contiguous else np.sort(seqs)  # rows were deleted: rank the seq values
        counts = self._nsh.fresh(n)
        counts[seqs if contiguous else np.searchsorted(sorted_seq, seqs)] = counts_by_row
        del seqs, counts_by_row
        good = np.flatnonzero(counts >= MIN_SHINGLES)
        rank = np.full(n, -1, np.int64)
        rank[good] = np.arange(good.size)
        run_keys = [np.empty((BANDS, min(_MAX_RUN, good.size - s)), np.uint32) for s in range(0, good.size, _MAX_RUN)]
        # pass 2: everything else, written straight into its final place (no full-size copies)
        ext, dates, sim = self._ext.fresh(n), self._date.fresh(n), self._sim.fresh(n)
        cl, matched = np.empty(n, np.int64), np.empty(n, np.int64)
        sig = self._sig.fresh(n)
        cur = conn.execute(
            "SELECT doc_id, seq, cluster_id, coalesce(matched_id, ?), coalesce(similarity, 0),"
            " published_at, coalesce(band_keys, zeroblob(?)), coalesce(signature, zeroblob(?))"
            " FROM neardup_docs",  # rowid order: no seq lookups
            (_NONE_ID, 4 * BANDS, NUM_PERM),
        )
        while rows := cur.fetchmany(20_000):
            ids_, seq_, cl_, matched_, sim_, dates_, bk_, sg_ = zip(*rows, strict=True)
            del rows
            pos = np.array(seq_, np.int64)
            if not contiguous:
                pos = np.searchsorted(sorted_seq, pos)
            ext[pos], cl[pos], matched[pos], sim[pos] = ids_, cl_, matched_, sim_
            dates[pos] = _keys_from_iso(dates_)
            sig[pos] = np.frombuffer(b"".join(sg_), np.uint8).reshape(-1, NUM_PERM)
            keys = np.frombuffer(b"".join(bk_), np.uint32).reshape(-1, BANDS)
            r = rank[pos]
            for run in np.unique(r[r >= 0] // _MAX_RUN).tolist():
                sel = np.flatnonzero((r >= 0) & (r // _MAX_RUN == run))
                run_keys[run][:, r[sel] % _MAX_RUN] = keys[sel].T
        del rank
        by_id = np.argsort(ext, kind="stable")
        self._sorted_ext, self._sorted_pos = ext[by_id], by_id.astype(np.int64)
        self._cluster.fresh(n)[:] = self._internal(cl)
        self._matched.fresh(n)[:] = np.where(matched != _NONE_ID, self._internal(matched), -1)
        del cl, matched, by_id
        for i, keys in enumerate(run_keys):
            ids = good[i * _MAX_RUN : i * _MAX_RUN + keys.shape[1]].astype(np.int32)
            out_ids = np.empty(keys.shape, np.int32)
            for j in range(BANDS):  # sort each band row in place
                order = np.argsort(keys[j], kind="stable")
                keys[j] = keys[j][order]
                out_ids[j] = ids[order]
            self._bands.add_run(_Run(keys, out_ids))
        del run_keys
        rows = conn.execute(
            "SELECT cluster_id, size, earliest_id, earliest_published_at FROM neardup_clusters"
        ).fetchall()
        if rows:
            cid, size, eid, eat = zip(*rows, strict=True)
            canon = self._internal(np.array(cid, np.int64)).tolist()
            for c, sz, e, d in zip(canon, size, eid, _keys_from_iso(eat).tolist(), strict=True):
                if c >= 0:
                    self._clusters[c] = [sz, d, e]
        self._saved = n
        self._seq_offset = max_seq + 1 - n
        return self
