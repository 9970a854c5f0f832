"""Language of a post or article: the source's own label when the script agrees, else py3langid.

``detect_lang(text, declared)`` decides one text; ``detect_langs(texts, declareds)`` decides many
and gives the same answers faster: the texts the script rules cannot settle go through py3langid's
own model in one numpy pass (its byte automaton walked for every text at once, its naive Bayes
scores summed per text), instead of one Python loop over the bytes of each text. A test checks
that the batch answers equal ``py3langid.classify`` on every sample.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
import py3langid
from py3langid.langid import LanguageIdentifier

# Restricting the identifier to the languages the topic meets keeps it reliable on short posts
# (STACK.md measured it); anything else is rare enough to come out as the nearest of these.
LANGS = ["en", "zh", "ja", "ko", "es", "fr", "de", "pt", "ru", "it"]
SAMPLE_CHARS = 120  # enough for the identifier; its cost grows with the length
MIN_BATCH = 32  # below this, py3langid's own per-text classify is as fast (measured)

py3langid.set_languages(LANGS)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")


def normalise_lang(code: str | None) -> str | None:
    """'zh-CN', 'zh_Hant', 'en-US', 'ZH' -> 'zh', 'en'; '' / 'und' -> None."""
    if not code:
        return None
    code = str(code).strip().lower().replace("_", "-").split("-")[0]
    if code in ("", "und", "mul", "zxx", "xx"):
        return None
    return {"chinese": "zh", "english": "en", "cmn": "zh", "yue": "zh", "zho": "zh", "eng": "en"}.get(code, code)


def by_script(text: str | None, declared: str | None = None) -> tuple[str | None, str | None]:
    """(language, None) when the declared label and the script settle it; (None, sample) when
    the sample needs the identifier."""
    declared = normalise_lang(declared)
    sample = (text or "")[:SAMPLE_CHARS]
    letters = sum(map(str.isalpha, sample))
    if letters < 3:
        return declared, None
    cjk = len(_CJK.findall(sample)) if _CJK.search(sample) else 0
    if declared in ("zh", "ja") and cjk / letters > 0.2:
        return ("ja" if _KANA.search(sample) else "zh"), None  # platforms often label Chinese as ja
    if declared and declared not in ("zh", "ja", "ko") and cjk / letters < 0.05 and letters >= 20:
        return declared, None
    if cjk / letters > 0.3 and not _KANA.search(sample):
        return "zh", None
    return None, sample


def detect_lang(text: str | None, declared: str | None = None) -> str | None:
    """The declared language when it agrees with the script; otherwise py3langid (restricted
    to LANGS)."""
    return detect_langs([text], [declared])[0]


def detect_langs(texts: Sequence[str | None], declared: Sequence[str | None] | None = None) -> list[str | None]:
    """detect_lang for each text, with one vectorised identifier pass for all that need it."""
    declared = declared if declared is not None else [None] * len(texts)
    out: list[str | None] = []
    pending: list[int] = []
    samples: list[str] = []
    for i, (text, label) in enumerate(zip(texts, declared, strict=True)):
        lang, sample = by_script(text, label)
        out.append(lang)
        if sample is not None:
            pending.append(i)
            samples.append(sample)
    for i, lang in zip(pending, identify(samples), strict=True):
        out[i] = lang
    return out


def identify(samples: Sequence[str]) -> list[str]:
    """py3langid's answer for each sample (as ``py3langid.classify(sample)[0]``)."""
    if len(samples) < MIN_BATCH:
        return [py3langid.classify(s)[0] for s in samples]
    return _Model.get().classify_many(samples)


class _Model:
    """py3langid's model tables as numpy arrays, for walking many texts at once."""

    def __init__(self, ident: LanguageIdentifier):
        self.nextmove = np.asarray(ident.tk_nextmove)  # state transition table, (state row << 8) + byte
        self.rowbase = np.asarray(ident.tk_row, dtype=np.int64) << 8
        self.output = np.asarray(ident.tk_output, dtype=np.int64)  # state -> feature id, or -1
        self.ptc = np.asarray(ident.nb_ptc, dtype=np.float32)  # feature x language log-probabilities
        self.pc = np.asarray(ident.nb_pc, dtype=np.float32)  # language priors
        self.classes = list(ident.nb_classes)
        self.encode = ident._encode  # NFC, lower-case if all upper, UTF-8: exactly what classify feeds the walk

    @classmethod
    @functools.cache
    def get(cls) -> _Model:
        return cls(py3langid.langid._get_identifier())

    def classify_many(self, samples: Sequence[str]) -> list[str]:
        data = [self.encode(s) for s in samples]
        n = len(data)
        lengths = np.fromiter((len(b) for b in data), dtype=np.int64, count=n)
        order = np.argsort(-lengths, kind="stable")  # longest first: the texts still walking are a prefix
        lengths = lengths[order]
        width = int(lengths[0]) if n else 0
        # grid[pos, j]: byte `pos` of the j-th text in `order` (a contiguous row per position)
        flat = np.frombuffer(b"".join(data[i] for i in order), dtype=np.uint8)
        starts = np.cumsum(lengths) - lengths
        grid = np.zeros((max(width, 1), n), dtype=np.int64)
        grid[np.arange(len(flat)) - np.repeat(starts, lengths), np.repeat(np.arange(n), lengths)] = flat
        walking = np.searchsorted(-lengths, -np.arange(width), side="left")  # texts longer than pos
        features = np.full((max(width, 1), n), -1, dtype=np.int64)
        state = np.zeros(n, dtype=np.int64)
        for pos in range(width):
            k = int(walking[pos])
            state[:k] = self.nextmove[self.rowbase[state[:k]] + grid[pos, :k]]
            features[pos, :k] = self.output[state[:k]]
        scores = np.full((n, len(self.classes)), np.finfo(np.float32).min, dtype=np.float32)
        _, hit_rows = np.nonzero(features >= 0)
        if len(hit_rows):
            n_feats = self.ptc.shape[0]
            keys, counts = np.unique(hit_rows * n_feats + features[features >= 0], return_counts=True)
            rows, feats = keys // n_feats, keys % n_feats
            weighted = np.log1p(counts.astype(np.float32))[:, None] * self.ptc[feats]
            first = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            scores[rows[first]] = np.add.reduceat(weighted, first, axis=0) + self.pc
        best = scores.argmax(axis=1)
        result = [""] * n
        for row, i in enumerate(order.tolist()):
            result[i] = self.classes[best[row]]
        return result
