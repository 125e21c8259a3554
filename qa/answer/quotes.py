"""Passages -> verbatim quotes: sentence choice, confidence, abstention, grouping by outlet.

Each passage is split into sentences (pysbd offsets). A sentence is scored by the cosine between
question and sentence embeddings, the share of the question's informative (IDF-weighted) words
and word pairs it contains, the question words its neighbours add, how well its whole passage
matches, and the kind of answer asked for (date, number); long sentences pay a little per word.
The best sentence of each passage is its quote, joined with a neighbour that scores nearly as
well, or cut to whole clauses when over-long; always a verbatim slice. The answer abstains when
the best quote's confidence is under a threshold tuned on the development data (``qa eval``),
never on words of the question.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from qa.answer.retrieve import Query, sentence_vectors
from qa.index.lexical import tokenize
from qa.index.store import IndexStore, outlet_key
from qa.types import Answer, OutletQuotes, Passage, Quote, Span

# Weights of the sentence score and the logistic calibration of confidence (tuned on dev data).
W_SENT_COS = 0.45
W_SENT_LEX = 0.40
W_PASS_COS = 0.20
W_SENT_BIGRAM = 0.10  # share of the question's adjacent word pairs found adjacent in the sentence
W_CONTEXT_LEX = 0.10  # coverage, by the neighbouring sentences, of question words the sentence lacks
W_ANSWER_TYPE = 0.08  # bonus for a sentence holding the kind of answer asked for (date, number)
W_LONG_WORD = 0.0006  # penalty per word of a sentence beyond LONG_FROM words (shorter quotes win ties)
LONG_FROM = 15
CAL_SLOPE = 14.0
CAL_MID = 0.49
ABSTAIN_BELOW = 0.2
CORROBORATE_WITHIN = 0.50  # a quote corroborates when its confidence is >= this share of the best
CORROBORATE_FLOOR = 0.30
# Shape of a quote around its best sentence.
MIN_QUOTE_WORDS = 6
MAX_JOINED_WORDS = 30  # a pronoun sentence takes in the one before it only up to this length
JOIN_WITHIN = 0.10  # a neighbouring sentence scoring within this of the best joins the quote...
JOIN_MAX_WORDS = 50  # ... when the two stay within this many words
TRIM_ABOVE = 50  # a longer quote is cut to its best run of whole clauses...
TRIM_TO = 40  # ... of at most this many words


@dataclass(frozen=True)
class _Scored:
    passage: Passage
    span: Span
    score: float


def coverage(q_tokens: Sequence[str], idf: np.ndarray, text_tokens: set[str]) -> float:
    """IDF-weighted share of the question's distinct tokens present in a text (0..1)."""
    total = float(idf.sum())
    if total <= 0:
        return 0.0
    return float(sum(w for t, w in zip(q_tokens, idf, strict=True) if t in text_tokens) / total)


def calibrate(score: float) -> float:
    """Map a raw sentence score to a 0..1 confidence."""
    return 1.0 / (1.0 + math.exp(-CAL_SLOPE * (score - CAL_MID)))


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


def answer_pattern(question: str) -> re.Pattern[str] | None:
    """What a sentence answering this question contains (a date, a number), when the question says."""
    for asks, gives in _ANSWER_TYPES:
        if asks.search(question):
            return gives
    return None


_ANAPHORA = ("he ", "she ", "they ", "it ", "this ", "that ", "these ", "those ", "his ", "her ", "their ")


def _quote_span(text: str, spans: list[Span], i: int) -> Span:
    """The best sentence, extended so that it can stand alone.

    A sentence opening with a pronoun takes in the sentence before it (who "he" is), and one
    shorter than ``MIN_QUOTE_WORDS`` words takes in the sentences after it.
    """
    start, end = spans[i]
    if i > 0 and text[start:end].lower().startswith(_ANAPHORA) and \
            len(text[spans[i - 1].start:end].split()) <= MAX_JOINED_WORDS:
        start = spans[i - 1].start
    j = i
    while len(text[start:end].split()) < MIN_QUOTE_WORDS and j + 1 < len(spans):
        j += 1
        end = spans[j].end
    return Span(start, end)


def _passage_cosines(store: IndexStore, query: Query, passages: Sequence[Passage]) -> np.ndarray:
    """Cosine between the question and each passage's stored embedding."""
    rows = store.rows_of([p.id for p in passages])
    return store.dense.reconstruct(rows) @ query.vector


_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+(?:--|[—–])\s+")


def _clauses(text: str, start: int, end: int) -> list[Span]:
    """Whole clauses of ``text[start:end]``: split after , ; : and dashes, never inside brackets or quotes."""
    out: list[Span] = []
    at = start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        before = text[start:m.start()]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]") \
                or before.count('"') % 2 or (before.count("“") > before.count("”")):
            continue
        if m.start() > at:
            out.append(Span(at, m.start()))
        at = m.end()
    if end > at:
        out.append(Span(at, end))
    return out


def _trim(text: str, span: Span, q_tokens: Sequence[str], idf: np.ndarray,
          wanted: re.Pattern[str] | None) -> Span:
    """A quote of more than ``TRIM_ABOVE`` words cut to a run of its whole clauses.

    The run is the one of at most ``TRIM_TO`` words holding the kind of answer asked for (when the
    question says) and most of the question's words, the shortest such; it is then padded with the
    clauses around it up to ``TRIM_TO`` words, since the answer usually sits next to the words the
    question repeats. A leading "and"/"but"/"or" is dropped. The result is still a verbatim slice.
    """
    if len(text[span.start:span.end].split()) <= TRIM_ABOVE:
        return span
    parts = _clauses(text, span.start, span.end)
    if len(parts) < 2:
        return span
    toks = [set(tokenize(text[a:b])) for a, b in parts]
    words = [len(text[a:b].split()) for a, b in parts]
    best: tuple[tuple[bool, float, int], int, int] | None = None
    for i in range(len(parts)):
        seen: set[str] = set()
        n = 0
        for j in range(i, len(parts)):
            seen |= toks[j]
            n += words[j]
            if n > TRIM_TO and j > i:
                break
            typed = wanted is not None and wanted.search(text, parts[i].start, parts[j].end) is not None
            key = (typed, round(coverage(q_tokens, idf, seen), 6), -n)
            if best is None or key > best[0]:
                best = (key, i, j)
    assert best is not None
    (_, _, n), i, j = best
    n, grew = -n, True
    while grew:
        grew = False
        if j + 1 < len(parts) and n + words[j + 1] <= TRIM_TO:
            j, n, grew = j + 1, n + words[j + 1], True
        if i > 0 and n + words[i - 1] <= TRIM_TO:
            i, n, grew = i - 1, n + words[i - 1], True
    start = parts[i].start
    lead = _LEADING_CONJUNCTION.match(text, start, parts[j].end)
    return Span(lead.end() if lead else start, parts[j].end)


_LEADING_CONJUNCTION = re.compile(r"(?:and|but|or)\s+(?=\S)")


def _shape(text: str, spans: list[Span], quote: list[Span], scores: list[float], i: int,
           q_tokens: Sequence[str], idf: np.ndarray, wanted: re.Pattern[str] | None) -> Span:
    """The final quote around the best sentence ``i``.

    A neighbouring sentence scoring within ``JOIN_WITHIN`` of it is taken in (the better of the
    two) when both together stay within ``JOIN_MAX_WORDS`` words; otherwise an over-long sentence
    is trimmed to whole clauses (:func:`_trim`).
    """
    span = quote[i]
    near = [j for j in (i - 1, i + 1) if 0 <= j < len(spans) and scores[j] >= scores[i] - JOIN_WITHIN]
    if near:
        j = max(near, key=lambda k: scores[k])
        joined = Span(min(span.start, quote[j].start), max(span.end, quote[j].end))
        if len(text[joined.start:joined.end].split()) <= JOIN_MAX_WORDS:
            return joined
    return _trim(text, span, q_tokens, idf, wanted)


def score_passages(store: IndexStore, query: Query, passages: Sequence[Passage]) -> list[_Scored]:
    """Best sentence of each passage with its raw score, best first."""
    if not passages:
        return []
    q_tokens = list(dict.fromkeys(query.tokens))
    idf = store.bm25.idf(q_tokens)
    pass_cos = _passage_cosines(store, query, passages)
    wanted = answer_pattern(query.text)
    q_pairs = set(pairwise(query.tokens))
    out: list[_Scored] = []
    for pi, (spans, vecs) in enumerate(sentence_vectors(store, passages)):
        p = passages[pi]
        if not spans:
            continue
        quote = [_quote_span(p.text, spans, si) for si in range(len(spans))]
        toks = [tokenize(p.text[a:b]) for a, b in quote]
        sets = [set(t) for t in toks]
        scores = []
        for si, (span, cos) in enumerate(zip(quote, vecs @ query.vector, strict=True)):
            lex = coverage(q_tokens, idf, sets[si])
            score = W_SENT_COS * float(cos) + W_SENT_LEX * lex + W_PASS_COS * float(pass_cos[pi])
            if q_pairs:
                score += W_SENT_BIGRAM * len(q_pairs.intersection(pairwise(toks[si]))) / len(q_pairs)
            score -= W_LONG_WORD * max(0, len(p.text[span.start:span.end].split()) - LONG_FROM)
            around = set().union(*sets[max(si - 1, 0):si + 2]) - sets[si]
            score += W_CONTEXT_LEX * coverage(q_tokens, idf, around)
            if wanted is not None and wanted.search(p.text, span.start, span.end):
                score += W_ANSWER_TYPE
            scores.append(score)
        i = int(np.argmax(scores))
        out.append(_Scored(p, _shape(p.text, spans, quote, scores, i, q_tokens, idf, wanted), scores[i]))
    return sorted(out, key=lambda s: -s.score)


def build_answer(store: IndexStore, query: Query, passages: Sequence[Passage]) -> Answer:
    """Turn retrieved passages into an :class:`Answer` (quotes, abstention, outlet groups).

    A question that names several sources or joins several claims ("does X report A, while Y
    reports B?") is scored part by part (:attr:`Query.probes`): a passage from a source the
    question names is quoted for what the question asks of that source, other passages for the
    whole question or any of its parts, whichever they answer best.
    """
    parts = [(outlet_key(p.mention.outlet or ""), p.clause) for p in query.probes if p.clause is not None]
    named = {o for o, _ in parts if o}
    best: dict[int, tuple[_Scored, int]] = {}  # passage -> its quote, and the part that chose it
    for n, (outlet, q) in enumerate([("", query), *parts]):
        for s in score_passages(store, q, passages):
            source = outlet_key(s.passage.outlet)
            if len(named) > 1 and source in named and outlet != source:
                continue  # the question says what it asks of this source: that part decides its quote
            if s.passage.id not in best or s.score > best[s.passage.id][0].score:
                best[s.passage.id] = (s, n)
    ranked = sorted(best.values(), key=lambda sn: -sn[0].score)
    quotes = tuple(
        Quote(text=s.passage.text[s.span.start:s.span.end], start=s.span.start, end=s.span.end,
              score=round(calibrate(s.score), 4), passage=s.passage)
        for s, _ in ranked
    )
    abstained = not quotes or quotes[0].score < ABSTAIN_BELOW
    groups: tuple[OutletQuotes, ...] = ()
    if not abstained:
        # A quote corroborates when it is close to the best quote for the same part of the question.
        top: dict[int, float] = {}
        for q, (_, n) in zip(quotes, ranked, strict=True):
            top.setdefault(n, q.score)
        by_outlet: dict[str, list[Quote]] = {}
        for q, (_, n) in zip(quotes, ranked, strict=True):
            if q.score >= max(ABSTAIN_BELOW, CORROBORATE_FLOOR, top[n] * CORROBORATE_WITHIN):
                by_outlet.setdefault(q.outlet, []).append(q)
        groups = tuple(OutletQuotes(o, tuple(qs)) for o, qs in by_outlet.items())
    return Answer(question=query.text, quotes=quotes, abstained=abstained, outlets=groups,
                  n_articles=store.n_articles, passages=tuple(passages))
