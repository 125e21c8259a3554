"""Answer values: numbers with number words and units, dates against the publication date, names. Model-free."""

from __future__ import annotations

import pytest

from qa.answering.values import answer_value, comparable, same_value

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(("a", "b", "published"), [
    ("Fifteen", "15 people", ""),
    ("Twelve people", "12", ""),
    ("20,000 hryvnias a month", "20000 hryvnias", ""),
    ("2.5 million", "2,500,000", ""),
    ("Wednesday", "Feb. 21", "2024-02-22"),        # the Wednesday before an article of Thursday 22 Feb 2024
    ("Tuesday", "20 February 2024", "2024-02-20"),  # "Tuesday" in an article of that Tuesday is that day
    ("Zelensky", "President Volodymyr Zelensky", ""),
    ("Zelenskyy", "Volodymyr Zelensky", ""),
    ("the Interior Ministry", "Ukraine's Interior Ministry", ""),
])
def test_equal_answers_normalise_to_the_same_value(a: str, b: str, published: str) -> None:
    assert same_value(answer_value(a, published), answer_value(b, published))


@pytest.mark.parametrize(("a", "b", "published"), [
    ("120", "140", ""),
    ("Twelve", "Fifteen", ""),
    ("Monday night", "Tuesday", "2024-11-13"),
    ("Norbuild", "Castell Engineering", ""),
])
def test_different_answers_contradict(a: str, b: str, published: str) -> None:
    x, y = answer_value(a, published), answer_value(b, published)
    assert not same_value(x, y)
    assert comparable(x, y)


def test_a_description_contradicts_no_name() -> None:
    x, y = answer_value("the Ukrainian leader"), answer_value("President Volodymyr Zelensky")
    assert not same_value(x, y) and not comparable(x, y)
    assert not comparable(answer_value("120"), answer_value("Norbuild"))
    people, money = answer_value("12 people"), answer_value("12 hryvnias")
    assert not same_value(people, money) and not comparable(people, money)  # other units: other claims


def test_values_keep_their_unit() -> None:
    v = answer_value("20,000 hryvnias a month")
    assert (v.kind, v.value, v.unit) == ("number", 20000.0, "hryvnia")
    assert answer_value("Wednesday", "2024-02-22").value == "2024-02-21"
