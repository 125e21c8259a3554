"""Question -> passages: dense (FAISS) and lexical (BM25) search fused, routed by mention.

A plain question is one fused search of the whole index. A question naming outlets, dates or
joined claims (:mod:`qa.answer.routing`) is one search per mention, within its outlet and dates, with the
whole question plus the mention's own clause; the rankings are interleaved best first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.answer.routing import Mention, route
from qa.index.lexical import tokenize
from qa.index.store import IndexStore
from qa.model import get_encoder
from qa.types import Passage, Span

MAX_QUESTION_CHARS = 2000
POOL = 100  # candidates taken from each retriever before fusion
RRF_K = 20
DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = 2.0
LEXICAL_MIN_SHARE = 0.02  # BM25 hits scoring under this share of the best one are not ranked
RERANK_DEPTH = 10  # fused candidates re-scored by question-sentence similarity (0: off)
RERANK_WEIGHT = 1.0  # weight of the sentence max-sim rank against the fused rank
CLAUSE_WEIGHT = 0.5  # weight of a named source's own clause against the whole question
CLAUSE_MIN_TOKENS = 3  # a clause with fewer search words is not searched on its own


@dataclass(frozen=True)
class Probe:
    """One source the question names, to be searched within its outlet and dates.

    ``clause`` is the query made of the question's words about this source alone; ``None`` when
    the question names a single source or the clause has too few words to search with.
    """

    mention: Mention
    clause: Query | None


@dataclass(frozen=True)
class Query:
    """A validated question with what retrieval derived from it."""

    text: str
    dense_text: str
    tokens: list[str]
    vector: np.ndarray
    named_outlets: tuple[str, ...]
    search_tokens: list[str]  # tokens of dense_text (outlet names stripped), for BM25
    probes: tuple[Probe, ...] = ()


def check_question(question: object) -> str:
    """Return the stripped question, or raise ValueError saying what is wrong with it."""
    if isinstance(question, bytes):
        try:
            question = question.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("the question is not UTF-8 text") from None
    if not isinstance(question, str):
        raise ValueError(f"the question must be text, not {type(question).__name__}")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in question):
        raise ValueError("the question contains control characters (binary data?); type it as plain text")
    text = question.strip()
    if not text:
        raise ValueError("the question is empty: type a question about the news articles")
    if len(text) > MAX_QUESTION_CHARS:
        raise ValueError(f"the question is {len(text):,} characters long; keep it under "
                         f"{MAX_QUESTION_CHARS:,} (one question, not an article)")
    if not any(ch.isalnum() for ch in text):
        raise ValueError("the question has no words in it")
    return text


def make_query(store: IndexStore, question: str) -> Query:
    """Validate and analyse a question against an index: its vector, tokens and routes."""
    text = check_question(question)
    plan = route(text, [o for o, _ in store.outlets()])
    tokens = [tokenize(m.clause) if len(plan.mentions) > 1 else [] for m in plan.mentions]
    parts = [m.clause for m, t in zip(plan.mentions, tokens, strict=True) if len(t) >= CLAUSE_MIN_TOKENS]
    if parts:  # the question's vector is its parts' mean: one encoder pass fewer (half the query time)
        vectors = get_encoder().encode(parts)
        whole = vectors.mean(axis=0)
        vectors = np.vstack([whole / max(float(np.linalg.norm(whole)), 1e-12), vectors])
    else:
        vectors = get_encoder().encode([plan.text])
    at = iter(vectors[1:])
    probes = tuple(Probe(m, Query(m.clause, m.clause, t, next(at), (), t) if len(t) >= CLAUSE_MIN_TOKENS else None)
                   for m, t in zip(plan.mentions, tokens, strict=True))
    return Query(text, plan.text, tokenize(text), vectors[0], plan.outlets, tokenize(plan.text), probes)


def _fuse(store: IndexStore, query: Query, pool: int, rows: np.ndarray | None) -> dict[int, float]:
    d_ids, _ = store.search_dense(query.vector, pool, rows)
    l_ids, l_scores = store.search_lexical(query.search_tokens, pool, rows)
    if len(l_scores):  # near-zero BM25 matches carry no lexical evidence: no rank credit for them
        l_ids = l_ids[l_scores >= LEXICAL_MIN_SHARE * l_scores[0]]
    fused: dict[int, float] = {}
    for weight, ids in ((DENSE_WEIGHT, d_ids), (LEXICAL_WEIGHT, l_ids)):
        for rank, pid in enumerate(ids):
            fused[int(pid)] = fused.get(int(pid), 0.0) + weight / (RRF_K + rank + 1)
    return fused


def sentence_vectors(store: IndexStore, passages: Sequence[Passage]) -> list[tuple[list[Span], np.ndarray]]:
    """Sentence spans of each passage and their embeddings, read from the index."""
    return [store.sentences.row(int(r)) for r in store.rows_of([p.id for p in passages])]


def max_sim(store: IndexStore, query: Query, passages: Sequence[Passage]) -> np.ndarray:
    """Highest cosine between the question and any sentence of each passage."""
    return np.array([float((vecs @ query.vector).max()) if len(vecs) else 0.0
                     for _, vecs in sentence_vectors(store, passages)], dtype=np.float32)


def _rerank(store: IndexStore, query: Query, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Re-order the head of a fused ranking by the best question-sentence similarity."""
    head = ranked[:RERANK_DEPTH]
    if len(head) < 2:
        return ranked
    passages = store.passages([pid for pid, _ in head])
    sims = max_sim(store, query, passages)
    sim_rank = {passages[j].id: r for r, j in enumerate(np.argsort(-sims, kind="stable"))}
    # The fused score (not just its rank) is kept, so a passage far ahead on evidence stays ahead.
    rescored = sorted(((pid, fused + RERANK_WEIGHT / (RRF_K + sim_rank.get(pid, len(head)) + 1))
                       for pid, fused in head), key=lambda kv: -kv[1])
    floor = min(s for _, s in rescored)
    tail = ranked[len(head):]
    top_tail = tail[0][1] if tail else 1.0
    return rescored + [(pid, floor * 0.99 * s / top_tail) for pid, s in tail]


def _ranking(store: IndexStore, query: Query, pool: int, rows: np.ndarray | None) -> list[tuple[int, float]]:
    ranked = sorted(_fuse(store, query, pool, rows).items(), key=lambda kv: -kv[1])
    return _rerank(store, query, ranked) if RERANK_DEPTH > 1 else ranked


def _combine(ranked: list[tuple[int, float]], other: list[tuple[int, float]], weight: float
             ) -> list[tuple[int, float]]:
    scores = dict(ranked)
    for pid, score in other:
        scores[pid] = scores.get(pid, 0.0) + weight * score
    return sorted(scores.items(), key=lambda kv: -kv[1])


class _Rankings:
    """The rankings one search needs, each (query, outlets, dates) computed once.

    Mentions of the same outlet share its whole-question ranking; only their clauses differ.
    """

    def __init__(self, store: IndexStore, pool: int) -> None:
        self.store, self.pool = store, pool
        self._rows: dict[tuple, np.ndarray | None] = {}
        self._ranked: dict[tuple, list[tuple[int, float]]] = {}

    def rows(self, outlets: tuple[str, ...], window: tuple[int, int] | None) -> np.ndarray | None:
        """Rows of these outlets (all when none) published within ``window`` (any time when None)."""
        key = (outlets, window)
        if key not in self._rows:
            rows = self.store.rows_for_outlets(outlets) if outlets else None
            self._rows[key] = rows if window is None else self.store.rows_published(window, rows)
        return self._rows[key]

    def get(self, query: Query, outlets: tuple[str, ...], window: tuple[int, int] | None) -> list[tuple[int, float]]:
        key = (id(query), outlets, window)
        if key not in self._ranked:
            rows = self.rows(outlets, window)
            self._ranked[key] = [] if rows is not None and len(rows) == 0 else \
                _ranking(self.store, query, self.pool, rows)
        return self._ranked[key]


def _probe_ranking(rankings: _Rankings, query: Query, outlets: tuple[str, ...], window: tuple[int, int] | None,
                   clause: Query | None) -> list[tuple[int, float]]:
    """Ranking for one named source: its dated articles first (when it names a date), then the rest."""
    if window is not None and len(rankings.rows(outlets, window)) == 0:
        window = None  # no article of the source is from then: the date cannot narrow it
    ranked = rankings.get(query, outlets, window)
    if clause is not None:
        ranked = _combine(ranked, rankings.get(clause, outlets, window), CLAUSE_WEIGHT)
    if window is not None:
        seen = {pid for pid, _ in ranked}
        ranked = ranked + [(pid, s) for pid, s in rankings.get(query, outlets, None) if pid not in seen]
    return ranked


def _interleave(rankings: Sequence[list[tuple[int, float]]], k: int) -> dict[int, float]:
    """Take the rankings' firsts (best score first), then their seconds, ... until ``k`` are chosen."""
    chosen: dict[int, float] = {}
    depth = 0
    while len(chosen) < k and any(depth < len(r) for r in rankings):
        for pid, score in sorted((r[depth] for r in rankings if depth < len(r)), key=lambda kv: -kv[1]):
            if pid not in chosen and len(chosen) < k:
                chosen[pid] = score
        depth += 1
    return chosen


def search(store: IndexStore, query: Query, k: int = 5, outlets: Sequence[str] | None = None) -> list[Passage]:
    """Hybrid search of one index. See :func:`qa.retrieve` for the contract."""
    if k < 1:
        raise ValueError("k must be at least 1")
    rankings = _Rankings(store, max(POOL, 4 * k))
    if outlets:  # an explicit filter replaces the outlets the question names; its dates still count
        window = next((p.mention.window for p in query.probes if p.mention.window), None)
        ranked = [_probe_ranking(rankings, query, tuple(outlets), window, None)]
    elif query.probes:
        ranked = [_probe_ranking(rankings, query, (p.mention.outlet,) if p.mention.outlet else (),
                                 p.mention.window, p.clause) for p in query.probes]
    else:
        ranked = [rankings.get(query, (), None)]
    chosen = _interleave(ranked, k)
    if query.probes and not outlets and len(chosen) < k:
        for pid, score in rankings.get(query, (), None):
            if len(chosen) >= k:
                break
            chosen.setdefault(pid, score)
    return store.passages(list(chosen), list(chosen.values()))
