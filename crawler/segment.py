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

Traditional characters are folded to simplified ones (zhconv, ``zh-hans``) before cutting, in the
index and in the query alike, so ``小紅書`` finds what ``小红书`` finds, as topic matching does
(crawler/topic.py). Runs without a traditional-only character skip zhconv (a C-speed regex test).
"""

from __future__ import annotations

import re
from pathlib import Path

import rjieba
import zhconv

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ready = False
_traditional: re.Pattern[str] | None = None

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


def _traditional_chars() -> re.Pattern[str]:
    """The CJK characters zhconv's zh-hans table changes (traditional-only forms)."""
    global _traditional
    if _traditional is None:
        table = zhconv.zhconv.getdict("zh-hans")
        chars = sorted({k for k, v in table.items() if len(k) == 1 and k != v and _CJK_RUN.fullmatch(k)})
        _traditional = re.compile("[" + "".join(chars) + "]")
    return _traditional


def fold(run: str) -> str:
    """A Chinese run in simplified characters (小紅書 -> 小红书); unchanged when already simplified."""
    return zhconv.convert(run, "zh-hans") if _traditional_chars().search(run) else run


def segment(text: str | None) -> str:
    """Text with every CJK run folded to simplified characters and replaced by its jieba
    search-mode words, space separated."""
    if not text:
        return ""
    if not _CJK_RUN.search(text):
        return text
    if not _ready:
        initialise()
    return _CJK_RUN.sub(lambda m: " " + " ".join(rjieba.cut_for_search(fold(m.group(0)), False)) + " ", text)
