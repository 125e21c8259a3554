"""Positions from readings: quotes verbatim and holding their answer; no disagreement among equal values.

Model-free: readings are made by hand (the reader's output), so every property holds for any reader.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.answering.evidence import Evidence
from qa.answering.positions import find_positions, stances
from qa.answering.reading import Reading
from qa.answering.scoring import Scored
from qa.answering.settings import DEFAULT_QUOTES, DEFAULT_READER
from qa.answering.values import answer_value, comparable, same_value
from qa.ingest.segment import sentences
from qa.types import Passage, Span

pytestmark = pytest.mark.fast
OUTLETS = ["Daily Ledger", "Metro Post", "City Wire", "Harbor Times"]
ANSWERS = ["120", "140", "one hundred and twenty", "Fifteen", "15", "Monday", "Tuesday", "Feb. 21", "Norbuild",
           "Castell Engineering", "the city", "Mayor Helen Park", "Park", "20,000 hryvnias"]


def reading(row: int, outlet: str, before: str, answer: str, after: str, margin: float, part: int = 0) -> Reading:
    text = f"{before} {answer} {after}".strip()
    start = text.index(answer)
    spans = tuple(Span(*s) for s in sentences(text))
    p = Passage(id=row, article_id=f"a{row}", outlet=outlet, title="t", url="", published="2024-11-13",
                paragraph=0, text=text)
    ev = Evidence(p, row, spans, np.zeros((len(spans), 4), np.float32), np.zeros(4, np.float32))
    return Reading(Scored(ev, spans[0], 0.5), part, Span(0, len(text)), Span(start, start + len(answer)), margin, 0.9)


item = st.tuples(st.sampled_from(OUTLETS), st.sampled_from(ANSWERS),
                 st.sampled_from(["The shelter received", "Officials said it was", "Reports name"]),
                 st.sampled_from(["applications.", "in the first week, officials said.", "as the builder."]),
                 st.floats(-5, 12), st.floats(0.0, 1.0))


@settings(max_examples=200, deadline=None)
@given(st.lists(item, min_size=1, max_size=8))
def test_position_quotes_are_verbatim_and_hold_their_answer(items) -> None:
    read = [(reading(n, o, b, a, e, m), c) for n, (o, a, b, e, m, c) in enumerate(items)]
    positions, disagreement = find_positions(stances(read, ["How many?"], DEFAULT_QUOTES, DEFAULT_READER))
    outlets = [o for p in positions for o in p.outlets]
    assert len(outlets) == len(set(outlets))  # an outlet takes one position
    for p in positions:
        assert p.quotes and len(p.quotes) == len(p.outlets)
        for q in p.quotes:
            assert q.passage.text[q.start:q.end] == q.text
            assert q.start <= q.answer_start < q.answer_end <= q.end
            assert same_value(answer_value(q.answer_text, q.passage.published),
                              answer_value(p.answer, p.quotes[0].passage.published))
    values = [answer_value(p.answer, "2024-11-13") for p in positions]
    if all(same_value(values[0], v) for v in values):
        assert not disagreement
    if disagreement:
        assert any(comparable(a, b) and not same_value(a, b) for a in values for b in values)


def test_unsure_readings_take_no_position() -> None:
    read = [(reading(0, "Daily Ledger", "It got", "120", "applications.", 8.0), 0.9),
            (reading(1, "City Wire", "It got", "140", "applications.", -1.5), 0.9),  # the reader is not sure
            (reading(2, "Metro Post", "It got", "130", "applications.", 8.0), 0.05)]  # under abstention
    positions, disagreement = find_positions(stances(read, ["How many?"], DEFAULT_QUOTES, DEFAULT_READER))
    assert [(p.answer, p.outlets) for p in positions] == [("120", ("Daily Ledger",))]
    assert not disagreement


def test_equal_values_share_a_position_and_different_ones_disagree() -> None:
    read = [(reading(0, "Daily Ledger", "It got", "120", "applications.", 8.0), 0.9),
            (reading(1, "Metro Post", "It got", "one hundred and twenty", "applications.", 7.0), 0.8),
            (reading(2, "City Wire", "It got", "140", "applications.", 9.0), 0.7)]
    positions, disagreement = find_positions(stances(read, ["How many?"], DEFAULT_QUOTES, DEFAULT_READER))
    assert [p.outlets for p in positions] == [("Daily Ledger", "Metro Post"), ("City Wire",)]
    assert disagreement
    only = stances(read, ["How many?"], DEFAULT_QUOTES, DEFAULT_READER, only=["city wire"])
    assert [s.outlet for s in only] == ["City Wire"]


def test_an_answer_that_repeats_the_question_takes_no_position() -> None:
    read = [(reading(0, "Daily Ledger", "Applications went to", "the shelter", "this week.", 8.0), 0.9)]
    assert stances(read, ["How many applications did the shelter get?"], DEFAULT_QUOTES, DEFAULT_READER) == []
