"""End to end over a real index built from corpus/: retrieval, quotes, outlets, abstention."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qa
from qa.errors import QuestionError

# Our own questions over the seed articles: (question, outlet, words the top-3 quotes must contain).
ANSWERABLE = [
    ("Who signed the decree that lets foreigners serve in the National Guard?", "Kyiv Independent",
     "Volodymyr Zelensky"),
    ("What ministry is the National Guard a part of?", "Kyiv Independent", "Interior Ministry"),
    ("How many more people did Kyiv's military want to mobilize?", "Newsweek", "500,000"),
    ("How long can foreigners initially sign up for?", "ZeroHedge", "three-year"),
    ("Who became commander of the National Guard in July?", "Kyiv Independent", "Oleksandr Pivnenko"),
    ("What age did Ukraine's parliament propose lowering the mobilization age to?", "Newsweek", "25"),
    ("Which city did Russia capture on Saturday?", "ZeroHedge", "Avdiivka"),
]
UNANSWERABLE = ["What is the price of a barrel of oil in Texas?", "Who won the 2024 Super Bowl?",
                "What is the monthly salary of a foreign National Guard soldier?"]


@pytest.mark.parametrize(("question", "outlet", "words"), ANSWERABLE)
def test_answerable_questions_are_quoted_from_the_right_outlet(seed_index, question, outlet, words):
    result = qa.answer(question, index=seed_index)
    assert not result.abstained
    assert any(q.outlet == outlet and words in q.text for q in result.quotes[:3]), result.quotes[:3]


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_unanswerable_questions_abstain(seed_index, question):
    result = qa.answer(question, index=seed_index)
    assert result.abstained and result.outlets == ()
    assert result.n_articles == 3


def test_quotes_are_short_sentences_not_paragraphs(seed_index):
    result = qa.answer("Which ministry does the National Guard belong to?", index=seed_index)
    top = result.quotes[0]
    assert top.text == "The National Guard is a part of the Interior Ministry and is responsible for public security."
    assert len(top.text) < len(top.passage.text)


def test_corroboration_groups_quotes_by_outlet(seed_index):
    result = qa.answer("Which ministry does the National Guard belong to?", index=seed_index)
    outlets = [g.outlet for g in result.outlets]
    assert {"Kyiv Independent", "Newsweek"} <= set(outlets)
    for group in result.outlets:
        assert all(q.outlet == group.outlet for q in group.quotes)


def test_outlet_filter_restricts_passages(seed_index):
    passages = qa.retrieve("National Guard", k=10, index=seed_index, outlets=["the newsweek"])
    assert passages and {p.outlet for p in passages} == {"Newsweek"}
    assert all(p.article_id and p.title and p.published == "2024-02-21" for p in passages)


def test_question_naming_outlets_represents_each(seed_index):
    passages = qa.retrieve("What did ZeroHedge and Newsweek say about the National Guard?", k=4,
                           index=seed_index)
    assert {"ZeroHedge", "Newsweek"} <= {p.outlet for p in passages[:2]}


@pytest.mark.parametrize("bad", ["", "   \n", "x" * 100_000, "?!?", b"\xff\xfe"])
def test_bad_questions_raise_clear_errors(seed_index, bad):
    with pytest.raises(QuestionError) as info:
        qa.answer(bad, index=seed_index)
    assert info.value.code == "bad_question" and info.value.problem


def test_non_english_question_gets_a_consistent_answer_without_error(seed_index):
    question = "Хто підписав указ про Національну гвардію?"
    result = qa.answer(question, index=seed_index)
    assert result.question == question
    assert result.passages  # the closest passages are still retrieved and shown
    assert result.abstained == (result.outlets == ())
    for quote in result.quotes:
        assert quote.passage.text[quote.start:quote.end] == quote.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120))
def test_every_quote_is_a_verbatim_slice_of_its_passage(seed_index, question):
    try:
        result = qa.answer(question, k=6, index=seed_index)
    except ValueError:
        return
    for q in result.quotes:
        assert q.passage.text[q.start:q.end] == q.text and q.text.strip() == q.text
        assert q.outlet in {"Kyiv Independent", "Newsweek", "ZeroHedge"}
    for group in result.outlets:
        for q in group.quotes:
            assert q.passage.text[q.start:q.end] == q.text


_SEED_WORDS = ["who", "signed", "decree", "foreigners", "National", "Guard", "Zelensky", "how", "many", "when",
               "contract", "years", "mobilize", "ministry", "Interior", "citizens", "serve", "Ukraine", "what"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_SEED_WORDS), min_size=2, max_size=9))
def test_every_short_answer_lies_inside_its_verbatim_quote(seed_index, words):
    result = qa.answer(" ".join(words) + "?", k=5, index=seed_index)
    for q in result.quotes:
        assert q.passage.text[q.start:q.end] == q.text
        if q.answer_start >= 0:
            assert q.start <= q.answer_start < q.answer_end <= q.end
            assert q.answer_text == q.passage.text[q.answer_start:q.answer_end] and q.answer_text.strip()
    short = result.short_answer
    assert short is None or (not result.abstained and short is result.quotes[0])
