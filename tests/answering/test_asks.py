"""What a question asks for and the shape of a short answer (qa/answering/asks.py): pure logic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa.answering.asks import MAX_WORDS, SHAPE_INPUTS, answer_shape, names_another

pytestmark = pytest.mark.fast


def shape(question: str, answer: str) -> dict[str, float]:
    return dict(zip(SHAPE_INPUTS, answer_shape(question, answer), strict=True))


def test_a_number_asked_for_and_given_or_missing() -> None:
    given_ = shape("How many foreigners have joined so far?", "about 1,000")
    assert given_["number"] == 1.0 and given_["number_asked_given"] == 1.0
    missing = shape("How many foreigners have joined so far?", "United States citizens and other foreign nationals")
    assert missing["number_asked_given"] == 0.0 and missing["number"] == 0.0
    assert missing["words"] == 7.0 and missing["capitalised"] == 1.0
    assert shape("How many Vice Presidents are there?", "fourteen")["number_asked_given"] == 1.0
    assert shape("How much are soldiers paid?", "twenty thousand hryvnias")["number_asked_given"] == 1.0
    assert shape("What percentage voted?", "52%")["number_asked_given"] == 1.0
    # a number word inside another word is no number
    assert shape("How many came?", "someone")["number"] == 0.0


def test_a_time_asked_for_is_given_by_a_date_or_a_number() -> None:
    assert shape("When did the bridge reopen?", "Friday")["time_asked_given"] == 1.0
    assert shape("In what year was the decree signed?", "in 2023")["time_asked_given"] == 1.0
    assert shape("When did the bridge reopen?", "after repairs")["time_asked_given"] == 0.0
    # "when" opening a clause inside the question does not ask for a time
    assert shape("When a pathogen is eaten it is trapped in what vesicle?", "1990s")["time_asked_given"] == 0.0
    assert shape("Which decade saw the boom?", "the 1850s")["date"] == 1.0


def test_a_person_asked_for_is_a_name() -> None:
    assert shape("Who signed the decree?", "Volodymyr Zelensky")["person_asked_named"] == 1.0
    assert shape("Who signed the decree?", "the president")["person_asked_named"] == 0.0
    assert shape("Which ministry runs the National Guard?", "Interior Ministry")["person_asked_named"] == 0.0


def test_who_is_a_named_one_is_not_answered_by_another_name() -> None:
    assert names_another("Who is Oleksandr Pivnenko?", "Zelensky")
    assert names_another("who's Pivnenko", "Volodymyr Zelensky")
    assert not names_another("Who is Oleksandr Pivnenko?", "commander of the National Guard")
    assert not names_another("Who was Frédéric Chopin?", "Famous musicians")  # SQuAD's answer: a description
    assert not names_another("Who signed the decree?", "Volodymyr Zelensky")  # a name is what is asked
    assert not names_another("Who is the commander of the National Guard?", "Oleksandr Pivnenko")


def test_nothing_asked_nothing_fits() -> None:
    out = shape("Which ministry does the National Guard belong to?", "Interior Ministry")
    assert out == {"number": 0.0, "capitalised": 1.0, "date": 0.0, "words": 2.0, "number_asked_given": 0.0,
                   "time_asked_given": 0.0, "person_asked_named": 0.0}


@given(st.text(max_size=80), st.text(max_size=200))
def test_every_input_is_a_flag_but_the_word_count(question: str, answer: str) -> None:
    out = shape(question, answer)
    assert len(out) == len(SHAPE_INPUTS)
    assert all(v in (0.0, 1.0) for k, v in out.items() if k != "words")
    assert out["words"] == min(len(answer.split()), MAX_WORDS)
    assert out["number_asked_given"] <= out["number"]
