"""Scored quotes -> :class:`~qa.types.Answer`: part-by-part scoring, reading, confidence, abstention, outlets.

With a reader (the default), each passage's best sentences are read (:mod:`qa.answering.reading`):
the quote is the sentence holding the reader's answer, the answer is marked when the reader is
sure of it, and the confidence is the calibrated combination of reader and sentence scores. Without
one (``QA_READER=none``) the sentence scorer alone decides. Either way the answer abstains when the
best quote's confidence is under a threshold tuned on the development data, never on words of the
question, and quotes that agree with the best one for the same part of the question corroborate it,
grouped by outlet: with a reader, an outlet agrees when the reader finds the same answer in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from qa.answering.evidence import Retrieved
from qa.answering.intents import asks_what_is_said, is_yes_no
from qa.answering.positions import find_positions, stances
from qa.answering.query import Query
from qa.answering.reading import Reading, answer_text, confidence, question_of, quote_of, read
from qa.answering.scoring import Scored, calibrate, prepare, score_evidence
from qa.answering.settings import DEFAULT_QUOTES, DEFAULT_READER, QuoteSettings, ReaderSettings
from qa.answering.shown import Support, show_answer, support
from qa.index.lexical import tokenize
from qa.model.reader import Reader
from qa.outlets import outlet_key
from qa.textmatch import same_answer
from qa.types import Answer, ArticleFact, OutletQuotes, Passage, Position, Quote

__all__ = ["best_quotes", "build_answer", "outlets_first", "read_quotes", "side_by_side"]


def best_quotes(query: Query, retrieved: Retrieved, settings: QuoteSettings) -> list[tuple[Scored, int]]:
    """Each passage's best quote over the question and its parts, with the part that chose it, best first.

    A question that names several sources or joins several claims ("does X report A, while Y
    reports B?") is scored part by part (:attr:`Query.probes`): a passage from a source the
    question names is quoted for what the question asks of that source, other passages for the
    whole question or any of its parts, whichever they answer best.
    """
    parts = [(outlet_key(p.mention.outlet or ""), p.clause) for p in query.probes if p.clause is not None]
    named = {o for o, _ in parts if o}
    best: dict[int, tuple[Scored, int]] = {}
    candidates = prepare(retrieved.evidence, settings)
    for n, (outlet, q) in enumerate([("", query), *parts]):
        for s in score_evidence(q, candidates, retrieved.idf_of, settings):
            source = outlet_key(s.evidence.passage.outlet)
            if len(named) > 1 and source in named and outlet != source:
                continue  # the question says what it asks of this source: that part decides its quote
            if s.evidence.row not in best or s.score > best[s.evidence.row][0].score:
                best[s.evidence.row] = (s, n)
    return sorted(best.values(), key=lambda sn: -sn[0].score)


def _scorer_quote(s: Scored, settings: QuoteSettings) -> Quote:
    p = s.evidence.passage
    return Quote(text=p.text[s.span.start:s.span.end], start=s.span.start, end=s.span.end,
                 score=round(calibrate(s.score, settings), 4), passage=p)


def _read_quote(r: Reading, score: float, settings: QuoteSettings, reading: ReaderSettings,
                questions: Sequence[str], backing: Support) -> Quote:
    """The quote around the reader's answer (the scorer's quote when it found none), with its confidence; the
    short answer only when it is shown (:func:`qa.answering.shown.show_answer`)."""
    p = r.scored.evidence.passage
    question = question_of(r, questions)
    span = quote_of(r, question, settings)
    bold = show_answer(r, question, reading, span, backing)
    return Quote(text=p.text[span.start:span.end], start=span.start, end=span.end, score=round(score, 4),
                 passage=p, answer_start=bold.start if bold else -1, answer_end=bold.end if bold else -1)


def read_quotes(query: Query, ranked: list[tuple[Scored, int]], reader: Reader, reading: ReaderSettings
                ) -> list[tuple[Reading, float]]:
    """Each ranked passage read with the question of its part: ``(reading, confidence)``, most confident first."""
    questions = [query.text, *(p.clause.text for p in query.probes if p.clause is not None)]
    scored = [(r, confidence(r, reading)) for r in read(questions, ranked, reader, reading)]
    return sorted(scored, key=lambda rc: -rc[1])


def outlets_first(quotes: Sequence[Quote]) -> tuple[Quote, ...]:
    """The quotes in the order an answer shows them: the best first, then each outlet's best before any outlet's
    second, and so on (otherwise best first): the first few quotes say what several outlets print, not one
    outlet twice."""
    seen: Counter[str] = Counter()
    rank = []
    for i, q in enumerate(quotes):
        key = outlet_key(q.outlet)
        rank.append((seen[key], i))
        seen[key] += 1
    return tuple(quotes[i] for _, i in sorted(rank))


def _agrees(a: Reading, b: Reading) -> bool:
    return a.answer is not None and b.answer is not None and same_answer(answer_text(a), answer_text(b))


def _further_reads(query: Query, retrieved: Retrieved, k: int, settings: QuoteSettings, limit: int,
                   scope: Sequence[str] = (), per_named: int = 1) -> list[tuple[Scored, int]]:
    """Passages beyond the first ``k`` that are read too, with their best quotes: the best one of each outlet
    missing from the first ``k`` (at most ``limit`` outlets), and for each outlet in ``scope``, its next ones
    until it has ``per_named``. "Best" and "next" go by the best sentence's score for the question or its part,
    not by retrieval rank (retrieval ranks the whole paragraph; the sentence scorer finds the one that states
    what a named outlet is asked about); only the passages that could be read are scored."""
    have = Counter(outlet_key(e.passage.outlet) for e in retrieved.evidence[:k])
    named = {outlet_key(o) for o in scope}
    candidates = tuple(e for e in retrieved.evidence[k:]
                       if outlet_key(e.passage.outlet) in named or outlet_key(e.passage.outlet) not in have)
    extra, missing = [], 0
    for sn in best_quotes(query, replace(retrieved, evidence=candidates), settings):
        key = outlet_key(sn[0].evidence.passage.outlet)
        if key in named and have[key] < per_named:
            extra.append(sn)
        elif key not in have and missing < limit:
            missing += 1
            extra.append(sn)
        else:
            continue
        have[key] += 1
    return extra


def _groups(quotes: list[Quote], parts: list[int], abstain_below: float, floor: float, within: float,
            agrees) -> dict[str, list[Quote]]:
    """The answering quotes by outlet: each part's best quote, and those that agree with it."""
    top: dict[int, int] = {}
    for i, n in enumerate(parts):
        top.setdefault(n, i)
    by_outlet: dict[str, list[Quote]] = {}
    for i, (q, n) in enumerate(zip(quotes, parts, strict=True)):
        leads = i == top[n] and q.score >= abstain_below  # each part's best quote answers: never 0 outlets
        if leads or (q.score >= max(floor, quotes[top[n]].score * within) and agrees(i, top[n])):
            by_outlet.setdefault(q.outlet, []).append(q)
    return by_outlet


def side_by_side(pool: Sequence[Quote], scope: Sequence[str]) -> dict[str, Quote]:
    """For a comparison: each named outlet's best quote (retrieval searched each outlet for the topic)."""
    wanted = {outlet_key(o) for o in scope}
    chosen: dict[str, Quote] = {}
    for q in sorted(pool, key=lambda q: -q.score):
        key = outlet_key(q.outlet)
        if key in wanted and key not in chosen:
            chosen[key] = q
    return chosen


def _per_outlet(pool: Sequence[Quote], scope: Sequence[str], n: int, by_outlet: dict[str, list[Quote]],
                words: dict[str, set[str]], topic: set[str] = frozenset(),
                new_words: int = DEFAULT_QUOTES.named_new_words) -> dict[str, list[Quote]]:
    """Give each ``scope`` outlet its best quotes of ``pool`` (from different passages) until it has ``n``.

    An outlet's third quote (and later ones) is taken only when its passage brings ``new_words`` words of
    ``topic`` (the question's) that the outlet's passages taken so far lack: another part of the question.
    ``words`` holds each passage's tokens by passage id (every quote of ``pool`` and ``by_outlet``).
    """
    pool = list(pool)
    for _ in range(n):
        for q in side_by_side(pool, scope).values():
            have = by_outlet.setdefault(q.outlet, [])
            if len(have) < n and all(h.passage.id != q.passage.id for h in have) and (
                    len(have) < 2 or not topic
                    or len(topic & words[q.passage.id] - set().union(*(words[h.passage.id] for h in have)))
                    >= new_words):
                have.append(q)
            pool.remove(q)
    return by_outlet


def build_answer(query: Query, retrieved: Retrieved, settings: QuoteSettings = DEFAULT_QUOTES, *,
                 reader: Reader | None = None, reading: ReaderSettings = DEFAULT_READER, k: int | None = None,
                 scope: Sequence[str] = (), compare: bool = False, abstain_floor: float = 0.0,
                 question: str | None = None, searched: str = "", passages: Sequence[Passage] | None = None,
                 facts: Sequence[ArticleFact] = ()) -> Answer:
    """Turn retrieved evidence into an :class:`Answer` (quotes, short answers, abstention, positions, outlets).

    Args:
        query: The analysed question.
        retrieved: The evidence retrieval chose for it; quotes come from its first ``k`` passages.
        settings: Sentence scoring weights, quote shapes, and the scorer's calibration and thresholds.
        reader: The extractive reader; None for the sentence scorer alone (then no positions).
        reading: How the reader is used, its calibration and thresholds.
        k: Passages quotes are drawn from (default: all); further down, the best passage of each outlet
            missing from them is read too, in the same call, for the positions.
        scope: Outlets the question asks about (named in it, or the ``outlets=`` filter): positions come
            from these alone, and those without one are :attr:`Answer.silent`.
        compare: A comparison of the ``scope`` outlets: each one's own best quote on the topic, side by side
            (the answer abstains only when none of them writes about it).
        abstain_floor: A higher bar than the settings' for the best quote's confidence (with an outlet filter:
            a share of what the whole index gives, so that filtering never lowers the bar to a weak passage).
        question: The question as asked (default: the query's text); ``searched``: what was searched.
        passages: The passages reported (default: the first ``k``); ``facts``: metadata answers.
    """
    k = len(retrieved.evidence) if k is None else k
    head = retrieved.head(k)
    ranked = best_quotes(query, head, settings)
    positions: tuple[Position, ...] = ()
    disagreement = False
    further: list[Quote] = []
    verdict = is_yes_no(query.text)  # no span answers a yes/no question
    if reader is None:
        quotes = [_scorer_quote(s, settings) for s, _ in ranked]
        parts = [n for _, n in ranked]
        floor, within = max(settings.abstain_below, settings.corroborate_floor), settings.corroborate_within
        abstain_below = max(settings.abstain_below, abstain_floor)

        def agrees(i: int, j: int) -> bool:
            return True
    else:
        more = _further_reads(query, retrieved, k, settings, reading.extra_outlets, scope, reading.named_quotes)
        read_all = read_quotes(query, [*ranked, *more], reader, reading)  # one reader call for all parts
        head_rows = {e.row for e in head.evidence}
        read_out = [rc for rc in read_all if rc[0].scored.evidence.row in head_rows or compare]
        floor, within = reading.abstain_below, reading.corroborate_within
        abstain_below = max(reading.abstain_below, abstain_floor)
        if scope and not compare:  # a question naming outlets leads with their answers; others may corroborate
            wanted = {outlet_key(o) for o in scope}
            read_out.sort(key=lambda rc: not (outlet_key(rc[0].scored.evidence.passage.outlet) in wanted
                                              and rc[1] >= abstain_below))
        readings = [r for r, _ in read_out]
        questions = [query.text, *(p.clause.text for p in query.probes if p.clause is not None)]
        # a bold answer is backed by the passages quoted: how many found it, how far its confidence leads
        spans, confs = [answer_text(r) for r, _ in read_out], [c for _, c in read_out]
        quotes = [_read_quote(r, c, settings, reading, questions, support(i, spans, confs))
                  for i, (r, c) in enumerate(read_out)]
        further = [_read_quote(r, c, settings, reading, questions,
                               support(len(spans), [*spans, answer_text(r)], [*confs, c])) for r, c in read_all
                   if r.scored.evidence.row not in head_rows and not compare]
        parts = [r.part for r in readings]
        if quotes and quotes[0].score >= abstain_below and not verdict:
            positions, disagreement = find_positions(stances(read_all, questions, settings, reading, scope))

        def agrees(i: int, j: int) -> bool:  # an outlet corroborates when the reader finds the same answer
            return i == j or _agrees(readings[i], readings[j])
    abstained = not quotes or quotes[0].score < abstain_below
    groups: tuple[OutletQuotes, ...] = ()
    topic = set(tokenize(query.text)) - {t for o in scope for t in tokenize(o)}
    shown = [*quotes, *further, *(q for p in positions for q in p.quotes)] if scope else []  # named outlets only
    words = {q.passage.id: set(tokenize(q.passage.text)) for q in shown}
    named = [q for q in [*quotes, *further] if scope and len(topic & words[q.passage.id]) >= settings.named_overlap]
    if compare and scope:
        # "Compare how A and B describe X": each outlet's best quote; "Did A contradict B on X?" (yes/no): only
        # quotes whose passages share words with the question, so an off-topic question abstains (no span answers
        # a yes/no question: the reader's confidence in one does not say a quote is on the topic)
        on_topic = [q for q in quotes if q in named] if verdict else quotes
        chosen = side_by_side(on_topic, scope)
        abstained = not chosen
        by_outlet = _per_outlet(named, scope, reading.named_quotes, {q.outlet: [q] for q in chosen.values()},
                                words, topic, settings.named_new_words)
        groups = tuple(OutletQuotes(o, tuple(qs)) for o, qs in by_outlet.items())
        quotes = [*chosen.values(), *(q for q in quotes if q not in chosen.values())]
    elif not abstained:
        by_outlet = _groups(quotes, parts, abstain_below, floor, within, agrees)
        for position in positions:  # every outlet that gives an answer is heard, in its own words
            for q in position.quotes:
                if q.outlet not in by_outlet:
                    by_outlet[q.outlet] = [q]
        _per_outlet(named, scope, reading.named_quotes, by_outlet, words, topic,  # each named outlet
                    settings.named_new_words)
        groups = tuple(OutletQuotes(o, tuple(qs)) for o, qs in by_outlet.items())
    tentative = (reader is not None and not abstained and not compare and not verdict  # no span answers those
                 and not asks_what_is_said(query.text) and quotes[0].score < reading.hedge_below)
    taken = {outlet_key(o) for p in positions for o in p.outlets} | {outlet_key(g.outlet) for g in groups}
    silent = tuple(o for o in dict.fromkeys(scope) if outlet_key(o) not in taken) if reader is not None else ()
    return Answer(question=query.text if question is None else question, quotes=outlets_first(quotes),
                  abstained=abstained, outlets=groups, n_articles=retrieved.n_articles, searched=searched,
                  facts=tuple(facts), passages=tuple(head.passages if passages is None else passages),
                  positions=positions, disagreement=disagreement, silent=silent, verdict=verdict,
                  tentative=tentative)
