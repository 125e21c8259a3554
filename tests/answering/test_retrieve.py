"""Retrieval (qa.answering.retrieve + evidence) on a real index built with the fake encoder. Model-free."""

from __future__ import annotations

import numpy as np
import pytest

import qa
from qa.answering import fusion
from qa.answering.query import make_query
from qa.answering.retrieve import search
from qa.answering.settings import RetrievalSettings
from qa.model import get_encoder

pytestmark = pytest.mark.fast


@pytest.fixture
def store(fake_index):
    opened = qa.IndexStore.open(fake_index)
    yield opened
    opened.close()


def query(store, question):
    return make_query(question, store.outlet_names(), get_encoder())


def test_search_returns_k_distinct_passages_with_their_stored_evidence(store):
    found = search(store, query(store, "Who signed the decree about the National Guard?"), k=4)
    rows = [e.row for e in found.evidence]
    assert len(rows) == 4 == len(set(rows))
    for e in found.evidence:
        assert store.passages_at([e.row])[0].id == e.passage.id
        spans, vectors = store.sentences_at(e.row)
        assert list(e.sentences) == spans and np.array_equal(e.sentence_vectors, vectors)
        assert np.allclose(e.vector, store.vectors_at([e.row])[0])
    assert [e.passage.score for e in found.evidence] == sorted((e.passage.score for e in found.evidence),
                                                                reverse=True)
    assert found.idf_of(["decre"])[0] > 0


def test_the_words_of_a_question_find_the_passage_that_has_them(store):
    found = search(store, query(store, "three-year contracts for foreigners"), k=3)
    assert any("three" in e.passage.text for e in found.evidence[:1])


def test_an_outlet_filter_restricts_every_passage(store):
    found = search(store, query(store, "National Guard decree"), k=5, outlets=["newsweek"])
    assert found.evidence and {e.passage.outlet for e in found.evidence} == {"Newsweek"}


def test_each_outlet_a_question_names_is_represented(store):
    found = search(store, query(store, "What did ZeroHedge and the Kyiv Independent say about foreigners?"), k=2)
    assert {e.passage.outlet for e in found.evidence} == {"ZeroHedge", "Kyiv Independent"}


def test_without_reranking_a_plain_question_gets_the_fused_ranking_of_both_retrievers(store):
    q = query(store, "foreign volunteers National Guard")
    s = RetrievalSettings(rerank_depth=0)
    dense, _ = store.dense_rows(q.vector, s.pool)
    lexical, scores = store.lexical_rows(q.search_tokens, s.pool)
    expected = fusion.rrf([(s.dense_weight, dense),
                           (s.lexical_weight, fusion.lexical_cut(lexical, scores, s.lexical_min_share))], s.rrf_k)
    found = search(store, q, k=5, settings=s)
    assert [e.row for e in found.evidence] == [row for row, _ in expected[:5]]
    reranked = search(store, q, k=5)
    assert {e.row for e in reranked.evidence} <= {row for row, _ in expected[:RetrievalSettings().rerank_depth]}


def test_k_must_be_positive(store):
    with pytest.raises(ValueError):
        search(store, query(store, "anything"), k=0)
