"""Sentence scoring: which sentence of each passage answers a question, and how well.

A sentence is scored by the cosine between question and sentence vectors, the share of the
question's informative (IDF-weighted) words and word pairs it contains, the question words its
neighbours add, how well its whole passage matches, and the kind of answer asked for (date,
number); long sentences pay a little per word. The best sentence of each passage becomes its quote
(:mod:`qa.answering.shaping`). Works on :class:`~qa.answering.evidence.Evidence` alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from qa.answering.evidence import Evidence
from qa.answering.query import Query
from qa.answering.settings import DEFAULT_QUOTES, QuoteSettings
from qa.answering.shaping import quote_span, shape
from qa.index.lexical import tokenize
from qa.types import Span

__all__ = ["Candidate", "Scored", "answer_pattern", "calibrate", "clause_run_scorer", "coverage", "prepare",
           "score_evidence"]

_MONTHS = (r"jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?|"
           r"sep(?:t|tember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?")
_DATE = re.compile(r"\b(?:" + _MONTHS + r")\b|\b(?:1[5-9]|20)\d\d\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
                   r"\b(?:today|yesterday|tomorrow|century|decade|week|month|year)s?\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                     r"forty|fifty|hundred|thousand|million|billion|dozens?|half)\b", re.IGNORECASE)
# What kind of answer a question asks for, and what a sentence that gives it contains.
_ANSWER_TYPES = (
    (re.compile(r"^\W*when\b|\bwhat (?:year|date|day|month|time|century|decade)\b|\bin which year\b",
                re.IGNORECASE), _DATE),
    (re.compile(r"\bhow (?:many|much|long|old|young|far|big|large|tall|high|wide|deep|heavy|fast)\b|"
                r"\bwhat (?:percentage|number|amount|age)\b",
                re.IGNORECASE), _NUMBER),
)


@dataclass(frozen=True)
class Scored:
    """A passage's quote and its raw score (see :func:`calibrate` for the 0..1 confidence)."""

    evidence: Evidence
    span: Span
    score: float


def coverage(q_tokens: Sequence[str], idf: np.ndarray, text_tokens: set[str]) -> float:
    """IDF-weighted share of the question's distinct tokens present in a text (0..1)."""
    total = float(idf.sum())
    if total <= 0:
        return 0.0
    return float(sum(w for t, w in zip(q_tokens, idf, strict=True) if t in text_tokens) / total)


def calibrate(score: float, settings: QuoteSettings = DEFAULT_QUOTES) -> float:
    """Map a raw sentence score to a 0..1 confidence (logistic)."""
    return 1.0 / (1.0 + math.exp(-settings.cal_slope * (score - settings.cal_mid)))


def answer_pattern(question: str) -> re.Pattern[str] | None:
    """What a sentence answering this question contains (a date, a number), when the question says."""
    for asks, gives in _ANSWER_TYPES:
        if asks.search(question):
            return gives
    return None


def clause_run_scorer(text: str, q_tokens: Sequence[str], idf: np.ndarray, wanted: re.Pattern[str] | None
                ) -> Callable[[int, int], tuple]:
    """Rates a run of clauses ``text[start:end]``: (holds the kind of answer asked for, word coverage)."""
    def score(start: int, end: int) -> tuple:
        typed = wanted is not None and wanted.search(text, start, end) is not None
        return typed, round(coverage(q_tokens, idf, set(tokenize(text[start:end]))), 6)
    return score


@dataclass(frozen=True)
class Candidate:
    """A passage prepared for scoring, once per question whatever the number of its parts.

    Attributes:
        evidence: The passage and its vectors.
        quotes: Each sentence's stand-alone span (:func:`~qa.answering.shaping.quote_span`).
        tokens: Search tokens of each such span.
        words: Word count of each such span.
    """

    evidence: Evidence
    quotes: tuple[Span, ...]
    tokens: tuple[list[str], ...]
    words: tuple[int, ...]

    @property
    def token_sets(self) -> list[set[str]]:
        """The distinct tokens of each span."""
        return [set(t) for t in self.tokens]


def prepare(evidence: Sequence[Evidence], settings: QuoteSettings = DEFAULT_QUOTES) -> list[Candidate]:
    """The quote span, tokens and length of every sentence of each passage (passages without sentences dropped)."""
    out = []
    for ev in evidence:
        text, spans = ev.passage.text, list(ev.sentences)
        if spans:
            quotes = tuple(quote_span(text, spans, si, settings) for si in range(len(spans)))
            out.append(Candidate(ev, quotes, tuple(tokenize(text[a:b]) for a, b in quotes),
                                 tuple(len(text[a:b].split()) for a, b in quotes)))
    return out


def score_evidence(query: Query, candidates: Sequence[Candidate], idf_of: Callable[[Sequence[str]], np.ndarray],
                   settings: QuoteSettings = DEFAULT_QUOTES) -> list[Scored]:
    """The quote of each passage (around its best sentence) with its raw score, best first.

    Args:
        query: The question (or one part of it).
        candidates: Passages prepared by :func:`prepare`.
        idf_of: IDF of search words in the index searched.
        settings: Weights and quote lengths.
    """
    if not candidates:
        return []
    s = settings
    q_tokens = list(dict.fromkeys(query.tokens))
    idf = idf_of(q_tokens)
    wanted = answer_pattern(query.text)
    q_pairs = set(pairwise(query.tokens))
    pass_cos = np.stack([c.evidence.vector for c in candidates]) @ query.vector
    out: list[Scored] = []
    for c, p_cos in zip(candidates, pass_cos, strict=True):
        ev, text = c.evidence, c.evidence.passage.text
        sets = c.token_sets
        scores = []
        for si, (span, cos) in enumerate(zip(c.quotes, ev.sentence_vectors @ query.vector, strict=True)):
            score = s.sent_cos * float(cos) + s.sent_lex * coverage(q_tokens, idf, sets[si]) + s.pass_cos * float(p_cos)
            if q_pairs:
                score += s.sent_bigram * len(q_pairs.intersection(pairwise(c.tokens[si]))) / len(q_pairs)
            score -= s.long_word * max(0, c.words[si] - s.long_from)
            around = set().union(*sets[max(si - 1, 0):si + 2]) - sets[si]
            score += s.context_lex * coverage(q_tokens, idf, around)
            if wanted is not None and wanted.search(text, span.start, span.end):
                score += s.answer_type
            scores.append(score)
        i = int(np.argmax(scores))
        run_score = clause_run_scorer(text, q_tokens, idf, wanted)
        out.append(Scored(ev, shape(text, list(ev.sentences), c.quotes, scores, i, run_score, s), scores[i]))
    return sorted(out, key=lambda sc: -sc.score)
