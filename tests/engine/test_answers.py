"""The engine answers as the embedded index does: same passages, same scores, same quotes, same filters."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

import qa
from qa.answering.query import make_query
from qa.index.open import open_backend
from qa.model import get_encoder
from tests.conftest import ROOT

QUESTIONS = [q["question"] for q in json.loads((ROOT / "tests" / "data" / "eval_questions.json").read_text())]
ROUTED = ["What did Newsweek report about the age of mobilization?",
          "Does the Kyiv Independent published on February 21, 2024 say who commands the National Guard, "
          "while ZeroHedge says where volunteers hang out?"]


@pytest.mark.parametrize("question", QUESTIONS + ROUTED)
def test_same_passages_and_quotes_as_the_embedded_index(question, seed_pg, seed_index):
    engine = qa.retrieve(question, 10, index=seed_pg)
    embedded = qa.retrieve(question, 10, index=seed_index)
    assert [p.id for p in engine] == [p.id for p in embedded]
    assert [p.score for p in engine] == pytest.approx([p.score for p in embedded], abs=1e-5)
    a, b = qa.answer(question, index=seed_pg), qa.answer(question, index=seed_index)
    assert a.abstained == b.abstained
    assert [(q.outlet, q.text) for q in a.quotes] == [(q.outlet, q.text) for q in b.quotes]


@pytest.mark.parametrize("outlet", ["Newsweek", "the kyiv independent", "ZeroHedge"])
def test_outlet_filter_same_as_embedded(outlet, seed_pg, seed_index):
    question = "Can foreigners join the National Guard?"
    engine = qa.retrieve(question, 5, index=seed_pg, outlets=[outlet])
    assert engine and {qa.outlet_key(p.outlet) for p in engine} == {qa.outlet_key(outlet)}
    assert [p.id for p in engine] == [p.id for p in qa.retrieve(question, 5, index=seed_index, outlets=[outlet])]


def test_bm25_and_dense_scores_match_row_for_row(seed_pg, seed_index):
    pg, emb = open_backend(seed_pg), open_backend(seed_index)
    try:
        assert len(pg) == len(emb) and pg.n_articles == emb.n_articles and pg.outlets() == emb.outlets()
        for question in QUESTIONS:
            query = make_query(question, pg.outlet_names(), get_encoder())
            rows, scores = pg.lexical_rows(query.search_tokens, 50)
            erows, escores = emb.lexical_rows(query.search_tokens, 50)
            assert [p.id for p in pg.passages_at(rows)] == [p.id for p in emb.passages_at(erows)]
            np.testing.assert_allclose(scores, escores, rtol=1e-5)
            rows, scores = pg.dense_rows(query.vector, 10)
            erows, escores = emb.dense_rows(query.vector, 10)
            assert [p.id for p in pg.passages_at(rows)] == [p.id for p in emb.passages_at(erows)]
            np.testing.assert_allclose(scores, escores, atol=1e-5)
            np.testing.assert_allclose(pg.idf(query.tokens), emb.idf(query.tokens), rtol=1e-5)
            spans, vecs = pg.sentences_at(int(rows[0]))
            espans, evecs = emb.sentences_at(int(erows[0]))
            assert spans == espans and np.allclose(vecs, evecs, atol=1e-3)
            np.testing.assert_allclose(pg.vectors_at(rows[:3]), emb.vectors_at(erows[:3]), atol=1e-6)
    finally:
        pg.close()
        emb.close()


def test_date_and_outlet_restrictions(seed_pg):
    pg = open_backend(seed_pg)
    try:
        day = dt.date(2024, 2, 22).toordinal()
        vector = get_encoder().encode(["National Guard"])[0]
        only_22 = pg.restrict([], (day, day))
        rows, _ = pg.dense_rows(vector, 50, only_22)
        assert len(rows) and {p.published[:10] for p in pg.passages_at(rows)} == {"2024-02-22"}
        rows, _ = pg.lexical_rows(["guard"], 50, pg.restrict(["Newsweek"], (day - 1, day - 1)))
        assert len(rows) and {(p.outlet, p.published[:10]) for p in pg.passages_at(rows)} == {("Newsweek",
                                                                                               "2024-02-21")}
        assert pg.is_empty(pg.restrict(["No Such Outlet"], None))
        assert pg.is_empty(pg.restrict([], (day + 400, day + 500)))
        assert not pg.is_empty(pg.restrict(["newsweek"], None)) and not pg.is_empty(None)
        assert pg.dense_rows(vector, 5, pg.restrict(["No Such Outlet"], None))[0].size == 0
        assert pg.lexical_rows(["zzzzunknown"], 5)[0].size == 0
    finally:
        pg.close()


def test_typos_are_corrected_as_on_the_embedded_index(seed_pg, seed_index):
    question = "wich ministery dose the natonal gard belong too?"
    engine, embedded = qa.answer(question, index=seed_pg), qa.answer(question, index=seed_index)
    assert engine.searched == embedded.searched == "which ministry does the national guard belong too?"
    assert [(q.outlet, q.text) for q in engine.quotes] == [(q.outlet, q.text) for q in embedded.quotes]
    assert "Interior Ministry" in engine.quotes[0].text
