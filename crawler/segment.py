"""Chinese-aware search text: the one tokeniser shared by the index (store) and the query
(the Datasette plugin in plugins/), so both cut words the same way.

FTS5's unicode61 tokenizer treats a run of Chinese characters as one token, so 难民 would never
match inside 关于TikTok难民的讨论. We index ``segment(text)``: CJK runs cut by jieba's search mode
(words plus their shorter in-dictionary parts; HMM guessing of unknown words off, which keeps the
cut deterministic), other text unchanged.

The cutting is done by rjieba, the Python binding of jieba-rs (the Rust port of jieba, same
dictionary and algorithm): the same words as the Python jieba package, 27x faster (6.6 us vs
182 us for a 55-character sentence on this project's build machine), which the pipeline
benchmark needs (bench/bench_pipeline.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import rjieba

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ready = False

# Words the default dictionary cuts apart; the terms of every topic file are added too.
EXTRA_WORDS = ["小红书", "小紅書", "难民", "猫税", "对账", "抖音", "字节跳动", "最高法院", "禁令"]
TOPICS_DIR = Path(__file__).resolve().parents[1] / "datasets" / "topics"


def topic_words() -> list[str]:
    """The terms of every topic file in datasets/topics: the index (store) and the query (the
    Datasette plugin) load the same words, whichever topic a crawl follows."""
    from crawler.topic import TopicError, load_topic

    words: list[str] = []
    for path in sorted(TOPICS_DIR.glob("*.toml")):
        try:
            words += [t.label for t in load_topic(path).all_terms]
        except TopicError:
            continue  # a broken topic file is reported by the crawl that uses it
    return words


def initialise() -> None:
    """Add the project's words and every topic's Chinese terms to the dictionary (once)."""
    global _ready
    if _ready:
        return
    _ready = True
    for w in [*EXTRA_WORDS, *topic_words()]:
        for run in _CJK_RUN.findall(w):
            if len(run) >= 2 and not rjieba.has_word(run):
                rjieba.add_word(run, None, None)


def segment(text: str | None) -> str:
    """Text with every CJK run replaced by its jieba search-mode words, space separated."""
    if not text:
        return ""
    if not _CJK_RUN.search(text):
        return text
    if not _ready:
        initialise()
    return _CJK_RUN.sub(lambda m: " " + " ".join(rjieba.cut_for_search(m.group(0), False)) + " ", text)
