"""The lexical side (tokenizer, BM25 against a brute-force reference) and the row table. Model-free."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qa
from qa.index.lexical import BM25Index, tokenize
from qa.index.rowtable import NO_DAY, publication_day

pytestmark = pytest.mark.fast
DOCS = ["The river bridge reopened to traffic on Friday.", "Ferry prices will rise in spring.",
        "The council approved the bridge repairs.", "Bridges, bridges and more bridges were inspected.",
        "Nothing here matches.", "The mayor spoke about the ferry and the bridge budget."]


def test_tokenize_lowercases_stems_and_drops_stop_words():
    assert tokenize("The Bridges of the river REOPENED!") == ["bridg", "river", "reopen"]
    assert tokenize("the and of") == []
    assert tokenize("A 7 day plan") == ["7", "day", "plan"]


def _reference(index: BM25Index, tokens: list[str], rows: np.ndarray, k: int) -> list[int]:
    scores = index.scores(tokens)
    best = sorted((r for r in rows.tolist() if scores[r] > 0), key=lambda r: (-scores[r], r))
    return best[:k]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["bridge", "ferry", "river", "council", "prices", "mayor", "zzz"]),
                min_size=1, max_size=4),
       st.lists(st.integers(0, len(DOCS) - 1), unique=True, max_size=len(DOCS)), st.integers(1, 6))
def test_bm25_search_within_rows_matches_a_brute_force_reference(words, allowed, k):
    index = BM25Index.build(DOCS)
    tokens = tokenize(" ".join(words))
    rows = np.array(sorted(allowed), dtype=np.int64)
    found, scores = index.search(tokens, k, rows)
    assert set(found.tolist()) == set(_reference(index, tokens, rows, k))
    assert list(scores) == sorted(scores, reverse=True) and (scores > 0).all()
    full, _ = index.search(tokens, k)
    assert set(full.tolist()) == set(_reference(index, tokens, np.arange(len(DOCS)), k))


def test_idf_is_higher_for_rarer_words():
    index = BM25Index.build(DOCS)
    bridge, mayor, unknown = index.idf(tokenize("bridge mayor qqqq"))
    assert unknown > mayor > bridge > 0


def test_publication_days():
    assert publication_day("2024-02-21") == dt.date(2024, 2, 21).toordinal()
    assert publication_day("2023-10-31T18:02:00+00:00") == dt.date(2023, 10, 31).toordinal()
    assert publication_day("") == NO_DAY and publication_day("yesterday") == NO_DAY


def test_row_table_restricts_by_outlet_and_day(fake_index):
    store = qa.IndexStore.open(fake_index)
    by_outlet = {name: store.rows_for_outlets([name]) for name in store.outlet_names()}
    assert sum(len(r) for r in by_outlet.values()) == len(store)
    for name, rows in by_outlet.items():
        assert {p.outlet for p in store.passages_at(rows)} == {name}
    assert store.rows_for_outlets(["the newsweek"]).tolist() == by_outlet["Newsweek"].tolist()
    day = dt.date(2024, 2, 22).toordinal()
    dated = store.rows_published((day, day))
    assert len(dated) and {p.published[:10] for p in store.passages_at(dated)} == {"2024-02-22"}
    assert store.rows_published((day, day), by_outlet["Newsweek"]).tolist() == []
    store.close()
