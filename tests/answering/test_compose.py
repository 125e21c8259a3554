"""Sentence scoring and answer composition on toy evidence with the fake encoder. Model-free."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.answering.compose import build_answer
from qa.answering.evidence import Evidence, Retrieved
from qa.answering.query import check_question, make_query
from qa.answering.scoring import prepare, score_evidence
from qa.answering.settings import DEFAULT_QUOTES
from qa.errors import QAError, QuestionError
from qa.index.lexical import tokenize
from qa.ingest.segment import sentences
from qa.types import Passage
from tests.fakes import FakeEncoder

pytestmark = pytest.mark.fast
ENC = FakeEncoder()
OUTLETS = ["Harbor Times", "Valley Post", "Daily Ledger"]


def evidence(rows: list[tuple[str, str]]) -> list[Evidence]:
    out = []
    for row, (outlet, text) in enumerate(rows):
        spans = sentences(text)
        passage = Passage(id=100 + row, article_id=f"a{row}", outlet=outlet, title="t", url="", published="",
                          paragraph=0, text=text, score=1.0 / (row + 1))
        out.append(Evidence(passage, row, tuple(spans), ENC.encode([text[a:b] for a, b in spans]),
                            ENC.encode([text])[0]))
    return out


def retrieved(rows: list[tuple[str, str]]) -> Retrieved:
    ev = evidence(rows)
    words = {t for e in ev for t in tokenize(e.passage.text)}
    return Retrieved(tuple(ev), {w: 1.0 for w in words}, n_articles=len(rows))


def ask(question: str, rows: list[tuple[str, str]], quote_settings=DEFAULT_QUOTES):
    return build_answer(make_query(question, OUTLETS, ENC), retrieved(rows), quote_settings)


BRIDGE = ("The council met on Monday evening. The river bridge reopened to traffic after two years of repairs. "
          "Residents welcomed the news.")
FERRY = "The ferry service stopped for the winter. Ticket prices will rise in spring."


def test_the_best_sentence_of_each_passage_is_its_quote():
    query = make_query("When did the river bridge reopen to traffic?", OUTLETS, ENC)
    scored = score_evidence(query, prepare(evidence([("Harbor Times", FERRY), ("Valley Post", BRIDGE)])),
                            retrieved([]).idf_of)
    assert scored[0].evidence.passage.outlet == "Valley Post"
    text = scored[0].evidence.passage.text
    assert text[scored[0].span.start:scored[0].span.end] == \
        "The river bridge reopened to traffic after two years of repairs."


def test_an_answer_is_verbatim_and_attributed():
    result = ask("Did the river bridge reopen to traffic?", [("Harbor Times", FERRY), ("Valley Post", BRIDGE)])
    assert not result.abstained
    top = result.quotes[0]
    assert top.outlet == "Valley Post" and "bridge reopened" in top.text
    assert top.passage.text[top.start:top.end] == top.text
    assert [p.outlet for p in result.passages] == ["Harbor Times", "Valley Post"]


def test_nothing_relevant_abstains_but_keeps_the_closest_passages():
    result = ask("Who won the chess championship in Oslo?", [("Harbor Times", FERRY), ("Valley Post", BRIDGE)])
    assert result.abstained
    assert result.outlets == ()
    assert result.quotes  # shown as "closest passages", not as an answer


def test_outlets_that_print_the_same_fact_corroborate_and_an_unrelated_one_does_not():
    same = "Officials said the river bridge reopened to traffic after two years of repairs."
    result = ask("Did the river bridge reopen to traffic after repairs?",
                 [("Valley Post", BRIDGE), ("Daily Ledger", same), ("Harbor Times", FERRY)])
    assert not result.abstained
    assert {g.outlet for g in result.outlets} == {"Valley Post", "Daily Ledger"}
    for group in result.outlets:
        assert all(q.outlet == group.outlet and "reopened" in q.text for q in group.quotes)


def test_the_settings_object_decides_abstention():
    rows = [("Valley Post", BRIDGE)]
    question = "Did the river bridge reopen to traffic?"
    assert not ask(question, rows).abstained
    strict = dataclasses.replace(DEFAULT_QUOTES, abstain_below=0.9999)
    assert ask(question, rows, strict).abstained


def test_a_question_naming_two_outlets_quotes_each_for_its_own_part():
    rows = [("Valley Post", BRIDGE), ("Harbor Times", FERRY)]
    result = ask("Does the Valley Post say the river bridge reopened to traffic, while the Harbor Times says "
                 "ticket prices will rise in spring?", rows)
    by_outlet = {q.outlet: q.text for q in result.quotes}
    assert "bridge reopened" in by_outlet["Valley Post"]
    assert "Ticket prices will rise" in by_outlet["Harbor Times"]


_WORDS = ["bridge", "river", "council", "ferry", "prices", "winter", "repairs", "traffic", "mayor", "budget"]
_SENTENCE = st.lists(st.sampled_from(_WORDS), min_size=2, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(OUTLETS), st.lists(_SENTENCE, min_size=1, max_size=6).map(" ".join)),
                min_size=1, max_size=5),
       st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6))
def test_every_quote_is_a_verbatim_slice_with_its_passages_outlet(rows, words):
    result = ask(" ".join(words) + "?", rows)
    assert len(result.quotes) <= len(rows)
    for q in result.quotes:
        assert q.passage.text[q.start:q.end] == q.text and q.text.strip()
        assert 0.0 <= q.score <= 1.0
    for group in result.outlets:
        assert all(q.outlet == group.outlet for q in group.quotes)


@pytest.mark.parametrize(("question", "fragment"), [
    ("", "empty"), ("   ", "empty"), ("?!", "no words"), ("x" * 2001, "characters long"),
    ("bad\x00byte", "control characters"), (b"\xff\xfe", "not UTF-8"), (42, "must be text"),
])
def test_bad_questions_raise_typed_errors(question, fragment):
    with pytest.raises(QuestionError, match=fragment) as info:
        check_question(question)
    assert isinstance(info.value, QAError) and isinstance(info.value, ValueError)
    assert info.value.code == "bad_question"


def test_query_routes_named_outlets_and_keeps_their_clauses():
    query = make_query("What did the Valley Post report about the bridge, while the Harbor Times covered the "
                       "ferry prices?", OUTLETS, ENC)
    assert query.named_outlets == ("Valley Post", "Harbor Times")
    assert [p.mention.outlet for p in query.probes] == ["Valley Post", "Harbor Times"]
    assert all(p.clause is not None for p in query.probes)
    assert abs(float(query.vector @ query.vector) - 1.0) < 1e-5


def test_an_answer_never_has_zero_outlets():
    """Issue 12: "Reported by 0 outlets" with no quote. The best quote stands even under the corroboration floor."""
    odd = dataclasses.replace(DEFAULT_QUOTES, abstain_below=0.0, corroborate_floor=1.5)
    result = ask("Did the river bridge reopen to traffic?", [("Harbor Times", FERRY), ("Valley Post", BRIDGE)], odd)
    assert not result.abstained
    assert result.outlets and result.quotes[0] in result.outlets[0].quotes


@given(st.lists(st.sampled_from(["Harbor Times", "the Harbor Times", "Valley Post", "Daily Ledger"]), max_size=9))
def test_an_answer_shows_each_outlets_best_quote_before_any_outlets_second(outlets):
    from qa.answering.compose import outlets_first
    from qa.outlets import outlet_key
    from qa.types import Quote

    quotes = []
    for i, outlet in enumerate(outlets):  # best first, as read
        passage = Passage(id=i, article_id=f"a{i}", outlet=outlet, title="t", url="", published="", paragraph=0,
                          text=f"Quote {i}.", score=1.0)
        quotes.append(Quote(text=passage.text, start=0, end=len(passage.text), score=1.0 - i / 10, passage=passage))
    shown = outlets_first(quotes)
    assert sorted(q.passage.id for q in shown) == list(range(len(quotes)))  # the same quotes, none lost
    assert shown[:1] == tuple(quotes[:1])  # the best stays first
    keys = [outlet_key(q.outlet) for q in shown]
    nth = [keys[:i].count(k) for i, k in enumerate(keys)]  # how many of its outlet's quotes came before
    assert nth == sorted(nth)  # every outlet's first before any second, ...
    for i in range(len(shown) - 1):
        if nth[i] == nth[i + 1]:
            assert shown[i].score > shown[i + 1].score  # ... and within a round, best first
    assert [q.passage.id for q in outlets_first(quotes) if outlet_key(q.outlet) == "harbor times"] == \
        [q.passage.id for q in quotes if outlet_key(q.outlet) == "harbor times"]  # an outlet's own stay in order
