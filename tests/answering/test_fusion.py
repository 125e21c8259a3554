"""Ranking arithmetic (qa.answering.fusion) on toy rankings. Model-free."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa.answering import fusion

pytestmark = pytest.mark.fast


def test_rrf_adds_weighted_reciprocal_ranks():
    fused = dict(fusion.rrf([(1.0, [10, 20, 30]), (2.0, [30, 40])], k=20))
    assert fused[10] == pytest.approx(1 / 21)
    assert fused[20] == pytest.approx(1 / 22)
    assert fused[30] == pytest.approx(1 / 23 + 2 / 21)
    assert fused[40] == pytest.approx(2 / 22)
    assert [key for key, _ in fusion.rrf([(1.0, [10, 20, 30]), (2.0, [30, 40])], k=20)] == [30, 40, 10, 20]


def test_rrf_breaks_ties_by_first_appearance():
    assert [key for key, _ in fusion.rrf([(1.0, [5, 6]), (1.0, [6, 5])], k=1)] == [5, 6]
    assert [key for key, _ in fusion.rrf([(1.0, [6, 5]), (1.0, [5, 6])], k=1)] == [6, 5]


def test_lexical_cut_drops_negligible_bm25_hits():
    keys = np.array([1, 2, 3, 4])
    scores = np.array([10.0, 5.0, 0.3, 0.1])
    assert fusion.lexical_cut(keys, scores, 0.02).tolist() == [1, 2, 3]
    assert fusion.lexical_cut(keys, scores, 0.5).tolist() == [1, 2]
    assert fusion.lexical_cut(np.array([], int), np.array([]), 0.5).tolist() == []


def test_rerank_moves_the_most_similar_head_entry_up_but_keeps_a_clear_leader():
    ranked = [(1, 0.050), (2, 0.049), (3, 0.048), (4, 0.01), (5, 0.005)]
    out = fusion.rerank(ranked, [0.1, 0.2, 0.9], depth=3, weight=1.0, k=20)
    keys = [key for key, _ in out]
    assert keys[:3] == [3, 2, 1]  # close fused scores: the order of similarity decides
    assert keys[3:] == [4, 5]  # the tail keeps its order...
    assert out[3][1] < min(s for _, s in out[:3])  # ...below every head entry
    assert out[3][1] / out[4][1] == pytest.approx(0.01 / 0.005)
    clear = fusion.rerank([(1, 1.0), (2, 0.1), (3, 0.09)], [0.0, 0.5, 0.9], depth=3, weight=0.05, k=20)
    assert clear[0][0] == 1  # far ahead on evidence: similarity alone does not overturn it


def test_rerank_of_a_single_entry_is_a_no_op():
    assert fusion.rerank([(7, 0.5)], [0.3], depth=10, weight=1.0, k=20) == [(7, 0.5)]


def test_combine_adds_weighted_scores_of_either_ranking():
    out = fusion.combine([(1, 1.0), (2, 0.5)], [(2, 1.0), (3, 0.4)], 0.5)
    assert out == [(1, 1.0), (2, 1.0), (3, 0.2)]


def test_interleave_takes_each_rankings_firsts_before_any_seconds():
    a = [(1, 0.9), (2, 0.8), (3, 0.7)]
    b = [(10, 0.2), (11, 0.1)]
    assert list(fusion.interleave([a, b], 3)) == [1, 10, 2]
    assert list(fusion.interleave([a, b], 10)) == [1, 10, 2, 11, 3]
    assert list(fusion.interleave([a, [(1, 0.95), (4, 0.5)]], 3)) == [1, 2, 4]  # a shared key counts once


@given(st.lists(st.lists(st.integers(0, 30), max_size=12, unique=True), min_size=1, max_size=4),
       st.integers(1, 15))
def test_interleave_returns_k_distinct_keys_from_the_rankings(lists, k):
    rankings = [[(key, 1.0 / (i + 1)) for i, key in enumerate(keys)] for keys in lists]
    chosen = fusion.interleave(rankings, k)
    every = {key for keys in lists for key in keys}
    assert len(chosen) == min(k, len(every))
    assert set(chosen) <= every
    for keys in lists:  # each ranking's first entry is chosen before any ranking's second
        if keys and len(chosen) >= len([ks for ks in lists if ks]):
            assert keys[0] in chosen
