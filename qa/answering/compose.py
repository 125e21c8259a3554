"""Scored quotes -> :class:`~qa.types.Answer`: part-by-part scoring, confidence, abstention, outlets.

The answer abstains when the best quote's confidence is under a threshold tuned on the
development data (``qa eval``), never on words of the question. Quotes close to the best one for
the same part of the question corroborate it and are grouped by outlet.
"""

from __future__ import annotations

from qa.answering.evidence import Retrieved
from qa.answering.query import Query
from qa.answering.scoring import Scored, calibrate, prepare, score_evidence
from qa.answering.settings import DEFAULT_QUOTES, QuoteSettings
from qa.outlets import outlet_key
from qa.types import Answer, OutletQuotes, Quote

__all__ = ["build_answer"]


def _best_quotes(query: Query, retrieved: Retrieved, settings: QuoteSettings) -> list[tuple[Scored, int]]:
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


def build_answer(query: Query, retrieved: Retrieved, settings: QuoteSettings = DEFAULT_QUOTES) -> Answer:
    """Turn retrieved evidence into an :class:`Answer` (quotes, abstention, outlet groups).

    Args:
        query: The analysed question.
        retrieved: The evidence retrieval chose for it.
        settings: Scoring weights, calibration and thresholds.
    """
    ranked = _best_quotes(query, retrieved, settings)
    quotes = tuple(
        Quote(text=s.evidence.passage.text[s.span.start:s.span.end], start=s.span.start, end=s.span.end,
              score=round(calibrate(s.score, settings), 4), passage=s.evidence.passage)
        for s, _ in ranked
    )
    abstained = not quotes or quotes[0].score < settings.abstain_below
    groups: tuple[OutletQuotes, ...] = ()
    if not abstained:
        top: dict[int, float] = {}
        for q, (_, n) in zip(quotes, ranked, strict=True):
            top.setdefault(n, q.score)
        floor = max(settings.abstain_below, settings.corroborate_floor)
        by_outlet: dict[str, list[Quote]] = {}
        for q, (_, n) in zip(quotes, ranked, strict=True):
            if q.score >= max(floor, top[n] * settings.corroborate_within):
                by_outlet.setdefault(q.outlet, []).append(q)
        groups = tuple(OutletQuotes(o, tuple(qs)) for o, qs in by_outlet.items())
    return Answer(question=query.text, quotes=quotes, abstained=abstained, outlets=groups,
                  n_articles=retrieved.n_articles, passages=tuple(retrieved.passages))
