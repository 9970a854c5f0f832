"""Load and validate the topic file; match its terms in documents.

The topic file (TOML, ``datasets/topics/*.toml``) is the one place that says what to collect.
``Topic.match(title=..., text=..., tags=[...])`` returns which terms matched where.

Matching rules (documented in the topic file and the README):
- English (Latin) words: case-folded, on word boundaries, spaces optional between words
  (``TikTokRefugee`` = ``TikTok refugee``), a trailing plural ``s`` allowed.
- Chinese runs: anywhere (no word boundaries), simplified or traditional characters.
- Hashtags: a term must start and end on a CamelCase / digit / CJK boundary of the tag, so
  ``#TikTokRefugeeLife`` matches "TikTok refugee" but ``#bArednotes`` does not match "RedNote".
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zhconv

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(rf"[{CJK}]+|[^\s{CJK}]+")
_CJK_RE = re.compile(rf"[{CJK}]")
TAG_CACHE_SIZE = 50_000


class TopicError(ValueError):
    """The topic file is missing, unreadable or invalid."""


def _variants(cjk: str) -> list[str]:
    """Simplified and traditional spellings of a Chinese run (小红书 -> 小红书, 小紅書)."""
    forms = {cjk}
    for locale in ("zh-hans", "zh-hant", "zh-tw", "zh-hk"):
        forms.add(zhconv.convert(cjk, locale))
    return sorted(forms, key=len, reverse=True)


def _term_regex(term: str, bounded: bool = True) -> re.Pattern[str]:
    # CamelCase labels split into words, so "RedNote" also matches "Red Note" and "red-note".
    runs = _RUN_RE.findall(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", term).casefold())
    if not runs:
        raise TopicError(f"empty term: {term!r}")
    parts = []
    for run in runs:
        if _CJK_RE.match(run):
            parts.append("(?:" + "|".join(re.escape(v) for v in _variants(run)) + ")")
        else:
            parts.append(re.escape(run))
    body = r"[\s_\-#]*".join(parts)
    if not bounded:  # hashtags: boundaries are checked against the tag's CamelCase cuts
        return re.compile(body)
    if not _CJK_RE.match(runs[0]):
        # The word boundary is checked after the first literal, not before it: a pattern that
        # starts with a literal lets `re` jump to its occurrences (5-10x faster than a leading
        # lookbehind, which is tried at every position).
        first = re.escape(runs[0])
        body = first + rf"(?<![0-9a-z]{first})" + body[len(first) :]
    tail = "" if _CJK_RE.match(runs[-1]) else r"s?(?![0-9a-z])"
    return re.compile(body + tail)


_CUTS = re.compile(
    r"(?<=[a-z])(?=[A-Z])"  # tikTok
    r"|(?<=[A-Z])(?=[A-Z][a-z])"  # USTikTok -> US|Tik
    r"|(?<=[^\W\d_])(?=[\W\d_])|(?<=[\W\d_])(?=[^\W\d_])"  # letters <-> digits, _ , -
    rf"|(?<=[{CJK}])(?=[^{CJK}])|(?<=[^{CJK}])(?=[{CJK}])"  # CJK <-> other letters
    r"|(?<=[_-])"
)


def _tag_boundaries(tag: str) -> set[int]:
    """Positions in a tag where a word may start or end: CamelCase, digits, CJK, _ and -."""
    return {0, len(tag), *(m.start() for m in _CUTS.finditer(tag))}


@dataclass(frozen=True)
class Term:
    label: str  # as written in the topic file
    regex: re.Pattern[str]
    tag_regex: re.Pattern[str]  # without word boundaries: for hashtags
    cjk: bool
    needles: tuple[str, ...]  # literals one of which every match contains: a fast pre-check

    def maybe_in(self, folded: str) -> bool:
        return any(n in folded for n in self.needles)

    def in_tag(self, tag: str, folded: str | None = None, cuts: set[int] | None = None) -> bool:
        folded = tag.casefold() if folded is None else folded
        if not self.maybe_in(folded):
            return False
        if self.cjk:
            return self.regex.search(folded) is not None
        cuts = _tag_boundaries(tag) if cuts is None else cuts
        for m in self.tag_regex.finditer(folded):
            end = m.end()
            plural = folded[end : end + 1] == "s" and end + 1 in cuts
            if m.start() in cuts and (end in cuts or plural):
                return True
        return False


def _needles(label: str) -> tuple[str, ...]:
    """The longest run of the term, in every spelling: any match must contain one of them."""
    runs = _RUN_RE.findall(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", label).casefold())
    longest = max(runs, key=len)
    return tuple(_variants(longest)) if _CJK_RE.match(longest) else (longest,)


def make_term(label: str) -> Term:
    label = label.strip()
    if not label:
        raise TopicError("a term is empty")
    return Term(
        label=label,
        regex=_term_regex(label),
        tag_regex=_term_regex(label, bounded=False),
        cjk=bool(_CJK_RE.search(label)),
        needles=_needles(label),
    )


@dataclass
class Match:
    """What matched where. ``relevant`` is False when only context terms (or nothing) matched."""

    relevant: bool
    terms: list[str] = field(default_factory=list)  # labels, topic-file order
    where: dict[str, list[str]] = field(default_factory=dict)  # field -> labels


@dataclass
class Topic:
    name: str
    title: str
    anchors: list[Term]
    context: list[Term]
    combinations: list[list[Term]]
    since: str | None
    sources: dict[str, dict[str, Any]]
    path: str = ""

    def source(self, name: str) -> dict[str, Any]:
        return self.sources.get(name, {})

    @property
    def all_terms(self) -> list[Term]:
        seen: dict[str, Term] = {}
        for t in [*self.anchors, *self.context, *(t for g in self.combinations for t in g)]:
            seen.setdefault(t.label, t)
        return list(seen.values())

    @functools.cached_property
    def _needle_index(self) -> list[tuple[str, list[Term]]]:
        index: dict[str, list[Term]] = {}
        for term in self.all_terms:
            for needle in term.needles:
                index.setdefault(needle, []).append(term)
        return list(index.items())

    def _candidates(self, folded: str) -> list[Term]:
        """Terms whose literal pre-check passes: one substring test per distinct needle."""
        if not folded:
            return []
        seen: dict[str, Term] = {}
        for needle, terms in self._needle_index:
            if needle in folded:
                for t in terms:
                    seen[t.label] = t
        return list(seen.values())

    @functools.cached_property
    def _tag_cache(self) -> dict[str, tuple[str, ...]]:
        return {}

    def _tag_terms(self, tag: str) -> tuple[str, ...]:
        """Labels of the terms a hashtag matches. Hashtags repeat across thousands of posts, so
        the answer is remembered (per distinct spelling, up to TAG_CACHE_SIZE of them)."""
        hit = self._tag_cache.get(tag)
        if hit is None:
            folded = tag.casefold()
            cuts = _tag_boundaries(tag)
            hit = tuple(t.label for t in self._candidates(folded) if t.in_tag(tag, folded, cuts))
            if len(self._tag_cache) >= TAG_CACHE_SIZE:
                self._tag_cache.clear()
            self._tag_cache[tag] = hit
        return hit

    def match(self, title: str | None = None, text: str | None = None, tags: list[str] | None = None) -> Match:
        found: dict[str, set[str]] = {}  # label -> fields
        for name, value in (("title", title), ("text", text)):
            folded = (value or "").casefold()
            for term in self._candidates(folded):
                if term.regex.search(folded):
                    found.setdefault(term.label, set()).add(name)
        for tag in tags or ():
            if tag:
                for label in self._tag_terms(tag):
                    found.setdefault(label, set()).add("tags")
        labels = []
        relevant = False
        for t in self.anchors:
            if t.label in found:
                relevant = True
                labels.append(t.label)
        for group in self.combinations:
            if all(t.label in found for t in group):
                relevant = True
                labels.append(" + ".join(t.label for t in group))
        if not relevant:
            return Match(relevant=False, terms=[], where={})
        labels += [t.label for t in self.context if t.label in found and t.label not in labels]
        where: dict[str, list[str]] = {}
        for label in labels:
            parts = label.split(" + ")
            for part in parts:
                for f in sorted(found.get(part, ())):
                    lst = where.setdefault(f, [])
                    if part not in lst:
                        lst.append(part)
        return Match(relevant=True, terms=labels, where=where)


def load_topic(path: str | Path) -> Topic:
    """Read and validate a topic file; raise TopicError with a one-line reason."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise TopicError(f"topic file not found: {path}") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise TopicError(f"topic file {path} is not valid TOML: {e}") from e
    meta = data.get("topic", {})
    terms = data.get("terms", {})
    anchors = [make_term(t) for t in terms.get("anchors", [])]
    if not anchors:
        raise TopicError(f"topic file {path}: [terms] anchors is empty")
    combos = terms.get("combinations", [])
    if not all(isinstance(g, list) and len(g) >= 2 for g in combos):
        raise TopicError(f"topic file {path}: each combination must be a list of 2+ terms")
    since = meta.get("since") or None
    if since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(since)):
        raise TopicError(f"topic file {path}: since must be YYYY-MM-DD, got {since!r}")
    return Topic(
        name=meta.get("name", path.stem),
        title=meta.get("title", path.stem),
        anchors=anchors,
        context=[make_term(t) for t in terms.get("context", [])],
        combinations=[[make_term(t) for t in g] for g in combos],
        since=str(since) if since else None,
        sources=data.get("sources", {}),
        path=str(path),
    )


@functools.lru_cache(maxsize=8)
def cached_topic(path: str) -> Topic:
    return load_topic(path)


def topic_from_settings(settings: Any) -> Topic:
    """The topic named by the OBSERVATORY_TOPIC setting (loaded once per path)."""
    return cached_topic(str(settings.get("OBSERVATORY_TOPIC")))
