"""A synthetic news corpus of realistic length for the near-duplicate benchmark (offline, seeded).

Documents of ``doc_words`` words (English-like Zipf pseudo-words; a Chinese document has about
1.6 characters per word, the characters Zipf-distributed over 3,500 hanzi), ``zh_share`` of them
Chinese, written in paragraphs of sentences about a *topic* (an event: names and a pool of fact
and quote sentences that every story on it may reuse, as real reports of one event share names,
figures and quotes). Outlets add their own header/footer boilerplate, shared by all their stories.

Kinds (``kind`` per document, ``source`` = the id it copies, 0 for an original):

* originals: ``story`` (a fresh story on a recent topic: same-event stories share pool sentences),
  and three **hard negatives**, originals too (not copies of anything):
  ``follow_up`` (reuses 20-40 % of an earlier story's paragraphs as background, the rest new),
  ``brief_in_feature`` (a long feature that quotes a whole earlier short story verbatim: the
  brief is contained, but is less than 0.4 of the feature), ``template`` (the same sentence
  templates as an earlier story, with other names and numbers every 3-6 words);
* **copies** (about ``copy_rate``) of a recent original, with the edits syndication makes: a new
  headline always, then one or more of a byline line, another outlet's boilerplate, the last
  paragraphs trimmed (at least 80 % kept), a handful of word edits (substitutions, insertions,
  deletions), spread over the text.

Both sides of the benchmark regenerate the same corpus from the same seed, batch by batch, so
nothing but the bounded pool of recent stories is kept in memory.
"""

from __future__ import annotations

import random

import numpy as np

SYL = "ka lo mi ten ra vo shi an de pu ri zen ta mo el gor qui sa ne bu li xo fa dun ye".split()


class LongCorpus:
    def __init__(
        self,
        seed: int = 42,
        doc_words: tuple[int, int] = (200, 800),
        zh_share: float = 0.3,
        copy_rate: float = 0.2,
        negative_rate: float = 0.15,
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.r = random.Random(seed)
        self.lo, self.hi = doc_words
        self.zh_share, self.copy_rate, self.negative_rate = zh_share, copy_rate, negative_rate
        words: set[str] = set()
        while len(words) < 30000:
            words.add("".join(self.r.choice(SYL) for _ in range(self.r.randint(1, 4))))
        self.vocab = np.array(sorted(words), dtype=object)
        cdf = np.cumsum(1 / np.arange(1, self.vocab.size + 1) ** 1.05)
        self.cdf = cdf / cdf[-1]
        self.hanzi = np.array([chr(0x4E00 + 7 * i % 20000) for i in range(3500)], dtype=object)
        hcdf = np.cumsum(1 / np.arange(1, 3501) ** 0.9)
        self.hcdf = hcdf / hcdf[-1]
        # outlets: header and footer boilerplate per language, shared by all of an outlet's stories
        self.outlets = {zh: [(self._sent(zh, 8, 20), self._sent(zh, 15, 35)) for _ in range(40)] for zh in (0, 1)}
        self.topics: list[dict] = []
        self.recent: list[tuple[int, list[list[str]], bool, int]] = []  # id, paragraphs, zh, topic
        self.next_id = 1

    # ---------------------------------------------------------------- text pieces
    def _words(self, n: int) -> list[str]:
        return self.vocab[np.searchsorted(self.cdf, self.rng.random(n))].tolist()

    def _chars(self, n: int) -> list[str]:
        return self.hanzi[np.searchsorted(self.hcdf, self.rng.random(n))].tolist()

    def _sent(self, zh: bool, lo: int, hi: int, names: list[str] | None = None) -> str:
        n = int(self.rng.integers(lo, hi + 1))
        if zh:
            toks = self._chars(int(n * 1.6))
            if names:
                toks[self.r.randrange(len(toks))] = self.r.choice(names)
            for i in range(11, len(toks) - 1, 13):
                toks[i] = "，"
            return "".join(toks) + "。"
        toks = self._words(n)
        if names:
            toks[self.r.randrange(len(toks))] = self.r.choice(names)
        toks[0] = toks[0].capitalize()
        return " ".join(toks) + "."

    def _topic(self, zh: bool) -> dict:
        names = ["".join(self._chars(3)) for _ in range(5)] if zh else [w.capitalize() for w in self._words(5)]
        pool = [self._sent(zh, 10, 22, names) for _ in range(14)]
        return {"zh": zh, "names": names, "pool": pool}

    def _story(self, topic: dict, n_words: int) -> list[list[str]]:
        """Paragraphs of sentences; about 15 % of sentences come from the topic's shared pool."""
        zh, names, pool = topic["zh"], topic["names"], topic["pool"]
        paras, left = [], n_words
        while left > 0:
            para = []
            for _ in range(int(self.rng.integers(2, 5))):
                if self.r.random() < 0.15:
                    para.append(self.r.choice(pool))
                    left -= 16
                else:
                    s = self._sent(zh, 8, 20, names)
                    para.append(s)
                    left -= int(len(s) / 1.6) if zh else s.count(" ") + 1
                if left <= 0:
                    break
            paras.append(para)
        return [[self._sent(zh, 6, 12, names)]] + paras  # headline first

    def _length(self) -> int:
        return int(self.rng.integers(self.lo, self.hi + 1))

    # ---------------------------------------------------------------- document kinds
    def _pick_topic(self) -> tuple[int, dict]:
        if not self.topics or self.r.random() < 0.04:
            self.topics.append(self._topic(self.r.random() < self.zh_share))
            if len(self.topics) > 2000:
                self.topics.pop(self.r.randrange(len(self.topics)))
        t = self.r.randrange(max(0, len(self.topics) - 300), len(self.topics))
        return t, self.topics[t]

    def _negative(self) -> tuple[str, list[list[str]], bool, int, int]:
        base_id, base, zh, t = self.recent[self.r.randrange(len(self.recent))]
        topic = self.topics[t] if t < len(self.topics) else self._topic(zh)
        kind = self.r.randrange(3)
        body = base[1:]
        size = sum(_pwords(p, zh) for p in body)
        if kind == 1 and size * 2.8 > self.hi:
            kind = 0  # too long to be quoted whole inside a feature of at most hi words
        if kind == 0:  # follow-up: some background paragraphs reused, the rest new
            keep = max(1, round(len(body) * self.r.uniform(0.2, 0.4)))
            start = self.r.randrange(len(body) - keep + 1)
            reused = sum(_pwords(p, zh) for p in body[start : start + keep])
            fresh = self._story(topic, max(self.lo, size) - reused)
            paras = fresh[:2] + body[start : start + keep] + fresh[2:]
            return "follow_up", paras, zh, t, base_id
        if kind == 1:  # a long feature quoting a whole earlier story (contained, but < 0.4 of it)
            fresh = self._story(topic, min(self.hi, int(size * self.r.uniform(2.8, 3.5))) - size)
            cut = self.r.randrange(1, len(fresh))
            return "brief_in_feature", fresh[:cut] + body + fresh[cut:], zh, t, base_id
        # template: the same sentences with other names/numbers in every 3-6 words
        out = []
        for para in body:
            new = []
            for s in para:
                toks = list(s) if zh else s.split(" ")
                i = self.r.randrange(3)
                while i < len(toks):
                    toks[i] = (
                        self.r.choice(topic["names"])
                        if self.r.random() < 0.3
                        else (self._chars(1)[0] if zh else self._words(1)[0])
                    )
                    i += self.r.randint(3, 6)
                new.append(("" if zh else " ").join(toks))
            out.append(new)
        return "template", [[self._sent(zh, 6, 12, topic["names"])]] + out, zh, t, base_id

    def _copy(self, paras: list[list[str]], zh: bool) -> list[list[str]]:
        out = [list(p) for p in paras[1:]]
        edits = self.r.sample(("byline", "boilerplate", "trim", "words"), self.r.choice((1, 1, 2, 2, 3)))
        if "trim" in edits and len(out) > 3:
            total, keep = sum(map(_plen, out)), len(out)
            while keep > 2 and sum(map(_plen, out[: keep - 1])) >= 0.8 * total and self.r.random() < 0.7:
                keep -= 1
            out = out[:keep]
        if "words" in edits:
            for _ in range(self.r.randint(1, 6)):
                p = self.r.randrange(len(out))
                s = self.r.randrange(len(out[p]))
                toks = list(out[p][s]) if zh else out[p][s].split(" ")
                i = self.r.randrange(len(toks))
                op = self.r.randrange(3)
                new = self._chars(1)[0] if zh else self._words(1)[0]
                if op == 0:
                    toks[i] = new
                elif op == 1:
                    toks.insert(i, new)
                elif len(toks) > 2:
                    del toks[i]
                out[p][s] = ("" if zh else " ").join(toks)
        if "boilerplate" in edits:
            head, foot = self.r.choice(self.outlets[zh])
            out = [[head]] + out + [[foot]]
        if "byline" in edits:
            out = [[self._sent(zh, 3, 6)]] + out
        return [[self._sent(zh, 6, 12)]] + out  # a new headline, always

    def batch(self, n: int) -> tuple[list[int], list[str], list[str], list[int], list[str], list[int]]:
        """ids, texts, dates, source id (0 for originals), kind, and for a hard negative the
        earlier story it was derived from (0 otherwise)."""
        ids, texts, dates, src, kinds, bases = [], [], [], [], [], []
        for _ in range(n):
            i = self.next_id
            self.next_id += 1
            u = self.r.random()
            if self.recent and u < self.copy_rate:
                sid, sp, zh, _ = self.recent[self.r.randrange(len(self.recent))]
                paras, kind = self._copy(sp, zh), "copy"
                src.append(sid)
                bases.append(0)
            else:
                base = 0
                if self.recent and u < self.copy_rate + self.negative_rate:
                    kind, paras, zh, t, base = self._negative()
                else:
                    t, topic = self._pick_topic()
                    kind, zh = "story", topic["zh"]
                    paras = self._story(topic, self._length() - 50)
                    if self.r.random() < 0.5:  # the outlet's own boilerplate (about 50 words)
                        head, foot = self.r.choice(self.outlets[zh])
                        paras = paras[:1] + [[head]] + paras[1:] + [[foot]]
                src.append(0)
                bases.append(base)
                self.recent.append((i, paras, zh, t))
                if len(self.recent) > 5000:
                    self.recent.pop(self.r.randrange(len(self.recent)))
            ids.append(i)
            kinds.append(kind)
            sep = "" if zh else " "
            texts.append("\n\n".join(sep.join(p) for p in paras))
            day = 1 + i // 5000
            dates.append(f"2025-{1 + (day // 28) % 12:02d}-{1 + day % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z")
        return ids, texts, dates, src, kinds, bases


def _plen(para: list[str]) -> int:
    return sum(len(s) for s in para)


def _pwords(para: list[str], zh: bool) -> int:
    """Words of a paragraph (a Chinese word is about 1.6 characters)."""
    return int(sum(len(s) for s in para) / 1.6) if zh else sum(s.count(" ") + 1 for s in para)
