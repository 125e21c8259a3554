"""Query -> evidence: dense and lexical (BM25) search of a backend fused, re-ranked and routed by mention.

A plain question is one fused search of the whole index. A question naming outlets, dates or
joined claims (:mod:`qa.answering.routing`) is one search per mention, within its outlet and dates,
with the whole question plus the mention's own clause; the rankings are interleaved best first.
The ranking arithmetic is :mod:`qa.answering.fusion`; what is read about each candidate is shared
through one :class:`~qa.answering.evidence.EvidencePool` per question.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.answering import fusion
from qa.answering.evidence import EvidencePool, Retrieved
from qa.answering.fusion import Ranking
from qa.answering.query import Query
from qa.answering.settings import DEFAULT_RETRIEVAL, RetrievalSettings
from qa.errors import QuestionError
from qa.index.backend import Restriction, SearchBackend

__all__ = ["search"]

Window = tuple[int, int] | None


class _Rankings:
    """The rankings one search needs, each (query, outlets, dates) computed once.

    Mentions of the same outlet share its whole-question ranking; only their clauses differ.
    """

    def __init__(self, pool: EvidencePool, depth: int, settings: RetrievalSettings) -> None:
        self.pool, self.depth, self.settings = pool, depth, settings
        self.store = pool.store
        self._rows: dict[tuple, Restriction | None] = {}
        self._ranked: dict[tuple, Ranking] = {}

    def rows(self, outlets: tuple[str, ...], window: Window) -> Restriction | None:
        """Rows of these outlets (all when none) published within ``window`` (any time when None)."""
        key = (outlets, window)
        if key not in self._rows:
            self._rows[key] = self.store.restrict(outlets, window)
        return self._rows[key]

    def get(self, query: Query, outlets: tuple[str, ...], window: Window) -> Ranking:
        """The fused, re-ranked ranking of ``query`` within these outlets and dates."""
        key = (id(query), outlets, window)
        if key not in self._ranked:
            rows = self.rows(outlets, window)
            self._ranked[key] = [] if self.store.is_empty(rows) else self._rank(query, rows)
        return self._ranked[key]

    def _rank(self, query: Query, rows: Restriction | None) -> Ranking:
        s = self.settings
        dense, _ = self.store.dense_rows(query.vector, self.depth, rows)
        lexical, scores = self.store.lexical_rows(query.search_tokens, self.depth, rows)
        lexical = fusion.lexical_cut(lexical, scores, s.lexical_min_share)
        ranked = fusion.rrf([(s.dense_weight, dense), (s.lexical_weight, lexical)], s.rrf_k)
        if s.rerank_depth <= 1:
            return ranked
        head = [row for row, _ in ranked[:s.rerank_depth]]
        return fusion.rerank(ranked, self.pool.max_sim(head, query.vector), depth=s.rerank_depth,
                             weight=s.rerank_weight, k=s.rrf_k, tail_scale=s.tail_scale)

    def for_source(self, query: Query, outlets: tuple[str, ...], window: Window, clause: Query | None) -> Ranking:
        """Ranking for one named source: its dated articles first (when it names a date), then the rest."""
        if window is not None and self.store.is_empty(self.rows(outlets, window)):
            window = None  # no article of the source is from then: the date cannot narrow it
        ranked = self.get(query, outlets, window)
        if clause is not None:
            ranked = fusion.combine(ranked, self.get(clause, outlets, window), self.settings.clause_weight)
        if window is not None:
            seen = {row for row, _ in ranked}
            ranked = ranked + [(row, s) for row, s in self.get(query, outlets, None) if row not in seen]
        return ranked


def search(store: SearchBackend, query: Query, k: int = 5, outlets: Sequence[str] | None = None,
           settings: RetrievalSettings = DEFAULT_RETRIEVAL) -> Retrieved:
    """Hybrid search of one index: the ``k`` best passages with their evidence.

    Args:
        store: The opened index (any search backend).
        query: The analysed question (:func:`qa.answering.query.make_query`).
        k: How many passages.
        outlets: Only these outlets (replaces the outlets the question names; its dates still count).
        settings: Fusion and routing settings.
    """
    if k < 1:
        raise QuestionError("k must be at least 1", field="k")
    pool = EvidencePool(store)
    rankings = _Rankings(pool, max(settings.pool, settings.pool_per_k * k), settings)
    if outlets:
        window = next((p.mention.window for p in query.probes if p.mention.window), None)
        ranked = [rankings.for_source(query, tuple(outlets), window, None)]
    elif query.probes:
        ranked = [rankings.for_source(query, (p.mention.outlet,) if p.mention.outlet else (), p.mention.window,
                                      p.clause) for p in query.probes]
    else:
        ranked = [rankings.get(query, (), None)]
    chosen = fusion.interleave(ranked, k)
    if query.probes and not outlets and len(chosen) < k:
        for row, score in rankings.get(query, (), None):
            if len(chosen) >= k:
                break
            chosen.setdefault(row, score)
    words = [*query.tokens, *(t for p in query.probes if p.clause is not None for t in p.clause.tokens)]
    return pool.gather(chosen, words)
