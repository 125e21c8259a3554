"""Pure ranking arithmetic: reciprocal-rank fusion, re-ranking, combining and interleaving.

A ranking is a list of ``(key, score)`` pairs, best first; keys are index rows. Nothing here
touches an index or a model, so every function is tested on toy rankings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["Ranking", "combine", "interleave", "lexical_cut", "rerank", "rrf"]

Ranking = list[tuple[int, float]]


def lexical_cut(keys: np.ndarray, scores: np.ndarray, min_share: float) -> np.ndarray:
    """The keys of BM25 hits scoring at least ``min_share`` of the best one (best first)."""
    if not len(scores):
        return keys
    return keys[scores >= min_share * scores[0]]


def rrf(rankings: Sequence[tuple[float, Sequence[int]]], k: int) -> Ranking:
    """Weighted reciprocal-rank fusion: each key scores ``sum(weight / (k + rank + 1))``.

    Args:
        rankings: ``(weight, keys best first)`` per retriever.
        k: The RRF constant.

    Returns:
        The fused ranking, best first; ties keep the order in which keys were first seen.
    """
    fused: dict[int, float] = {}
    for weight, keys in rankings:
        for rank, key in enumerate(keys):
            fused[int(key)] = fused.get(int(key), 0.0) + weight / (k + rank + 1)
    return sorted(fused.items(), key=lambda kv: -kv[1])


def rerank(ranked: Ranking, sims: Sequence[float], *, depth: int, weight: float, k: int,
           tail_scale: float = 0.99) -> Ranking:
    """Re-order the head of a ranking by a second signal, keeping the rest below it.

    The first ``depth`` entries gain ``weight / (k + r + 1)`` where ``r`` is their rank by
    ``sims`` (one value per head entry); the fused score itself is kept, so an entry far ahead on
    evidence stays ahead. The tail keeps its order, scaled under the lowest head score (by ``tail_scale``).
    """
    head = ranked[:depth]
    if len(head) < 2:
        return ranked
    order = np.argsort(-np.asarray(sims[:len(head)], dtype=np.float64), kind="stable")
    sim_rank = {head[j][0]: r for r, j in enumerate(order)}
    rescored = sorted(((key, score + weight / (k + sim_rank[key] + 1)) for key, score in head),
                      key=lambda kv: -kv[1])
    floor = min(s for _, s in rescored)
    tail = ranked[len(head):]
    top_tail = tail[0][1] if tail else 1.0
    return rescored + [(key, floor * tail_scale * s / top_tail) for key, s in tail]


def combine(ranked: Ranking, other: Ranking, weight: float) -> Ranking:
    """Add ``weight`` times the scores of ``other`` to ``ranked`` (keys of either) and re-sort."""
    scores = dict(ranked)
    for key, score in other:
        scores[key] = scores.get(key, 0.0) + weight * score
    return sorted(scores.items(), key=lambda kv: -kv[1])


def interleave(rankings: Sequence[Ranking], k: int) -> dict[int, float]:
    """Take the rankings' firsts (best score first), then their seconds, ... until ``k`` are chosen."""
    chosen: dict[int, float] = {}
    depth = 0
    while len(chosen) < k and any(depth < len(r) for r in rankings):
        for key, score in sorted((r[depth] for r in rankings if depth < len(r)), key=lambda kv: -kv[1]):
            if key not in chosen and len(chosen) < k:
                chosen[key] = score
        depth += 1
    return chosen
