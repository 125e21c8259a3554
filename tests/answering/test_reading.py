"""Reading (qa.answering.reading) and answers composed with a reader, on toy evidence. Model-free."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.answering.compose import build_answer
from qa.answering.query import make_query
from qa.answering.reading import answer_quote, window_around
from qa.answering.settings import DEFAULT_READER
from qa.ingest.segment import sentences
from qa.types import Span
from tests.answering.test_compose import ENC, OUTLETS, retrieved
from tests.fakes import FakeReader

pytestmark = pytest.mark.fast
TEXT = ("The council met on Monday. The decree was signed by President Volodymyr Zelensky on Feb. 21. "
        "It lets foreigners serve in the National Guard. Critics called it overdue.")
# A reading that calibrates to confidence 0.5 at margin 0, rising with it; abstain under 0.2.
READING = dataclasses.replace(DEFAULT_READER, calibration=(0.0, 1.0, 0.0, 0.0), abstain_below=0.2,
                              show_span_above=0.5, corroborate_within=0.5)


def test_the_window_is_whole_sentences_around_the_quote_within_the_word_budget():
    spans = sentences(TEXT)
    quote = spans[1]
    window = window_around(TEXT, spans, quote, max_words=25)
    assert window.start <= quote.start and quote.end <= window.end
    assert window.start in {s.start for s in spans} and window.end in {s.end for s in spans}
    assert len(TEXT[window.start:window.end].split()) <= 25
    assert window_around(TEXT, spans, quote, max_words=3) == Span(spans[1].start, spans[1].end)


def test_the_best_scored_passage_is_read_with_a_wider_window_than_the_others():
    # the answer is often a sentence or two from the best-scored one: the passage the scorer ranks first (only it)
    # is read with lead_window_words, the others with window_words
    rows = [("Valley Post", "The river bridge reopened on Friday. Crews had worked on it for two whole years. "
                            "The mayor cut a ribbon at noon."),
            ("Harbor Times", "The river bridge reopened to traffic. Its repairs took two years and cost millions. "
                             "Ferries stopped running.")]
    for lead, wide in ((8, 0), (40, 1)):
        reader = FakeReader({"Friday": 4.0})
        ask("When did the river bridge reopen?", rows, reader,
            dataclasses.replace(READING, window_words=8, lead_window_words=lead))
        read = [t for _, texts in reader.calls for t in texts]
        assert len(read) == 2 and sum(len(t.split()) > 8 for t in read) == wide
        assert all(t.startswith("The river bridge reopened") for t in read)


def test_the_quote_of_an_answer_is_its_sentence_made_to_stand_alone():
    spans = sentences(TEXT)
    at = TEXT.index("foreigners")
    quote = answer_quote(TEXT, spans, Span(at, at + len("foreigners")))
    # "It lets ..." opens with a pronoun: the sentence before says what "it" is
    assert TEXT[quote.start:quote.end] == ("The decree was signed by President Volodymyr Zelensky on Feb. 21. "
                                           "It lets foreigners serve in the National Guard.")


_WORD = st.text(alphabet="abcdefXYZ0123", min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_WORD, min_size=1, max_size=40).map(lambda ws: " ".join(ws).capitalize() + "."),
                min_size=1, max_size=6), st.data())
def test_an_answer_always_lies_inside_its_verbatim_quote(sents, data):
    text = " ".join(sents)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 60)))
    spans = sentences(text)
    quote = answer_quote(text, spans, Span(start, end))
    assert quote.start <= start and end <= quote.end
    assert 0 <= quote.start < quote.end <= len(text)


def ask(question, rows, reader, reading=READING):
    return build_answer(make_query(question, OUTLETS, ENC), retrieved(rows), reader=reader, reading=reading)


BRIDGE = "The council met on Monday evening. The river bridge reopened on Friday after two years of repairs."
SAME = "Officials said the river bridge reopened on Friday."
OTHER = "A spokesman said the river bridge reopened on Sunday, after the storm."


def test_the_short_answer_is_marked_inside_the_quote_of_the_best_reading():
    result = ask("When did the river bridge reopen?", [("Valley Post", BRIDGE)], FakeReader({"Friday": 4.0}))
    short = result.short_answer
    assert short is not None and short.answer_text == "Friday" and short.outlet == "Valley Post"
    assert short.start <= short.answer_start < short.answer_end <= short.end
    assert short.passage.text[short.start:short.end] == short.text
    assert "reopened on Friday" in short.text


def test_outlets_share_a_position_only_when_the_reader_finds_the_same_answer():
    reader = FakeReader({"Friday": 4.0, "Sunday": 3.0})
    rows = [("Valley Post", BRIDGE), ("Daily Ledger", SAME), ("Harbor Times", OTHER)]
    result = ask("When did the river bridge reopen?", rows, reader)
    assert not result.abstained
    assert [set(p.outlets) for p in result.positions] == [{"Valley Post", "Daily Ledger"}, {"Harbor Times"}]
    assert result.disagreement  # Friday against Sunday: said first, each outlet heard in its own words
    assert {g.outlet for g in result.outlets} == {"Valley Post", "Daily Ledger", "Harbor Times"}


def test_a_reader_that_finds_no_answer_makes_the_answer_abstain():
    result = ask("When did the river bridge reopen?", [("Valley Post", BRIDGE)], FakeReader({}))
    assert result.abstained and result.short_answer is None and result.outlets == ()
    assert result.quotes  # the closest passage is still shown, as such


def test_an_unsure_span_is_not_marked_but_the_quote_stands():
    result = ask("When did the river bridge reopen?", [("Valley Post", BRIDGE)], FakeReader({"Friday": 4.0}, prob=0.3))
    assert not result.abstained and result.short_answer is None
    assert result.quotes[0].answer_start == -1 and "Friday" in result.quotes[0].text


def test_each_part_of_a_question_is_read_with_its_own_words():
    reader = FakeReader({"Friday": 4.0, "rise": 2.0})
    rows = [("Valley Post", BRIDGE), ("Harbor Times", "The ferry stopped. Ticket prices will rise in spring.")]
    ask("Does the Valley Post say when the river bridge reopened, while the Harbor Times says ticket prices "
        "will rise?", rows, reader)
    asked = {q for q, _ in reader.calls}
    assert len(asked) >= 2 and any("ticket prices" in q.lower() and "bridge" not in q.lower() for q in asked)


def test_a_named_outlets_further_passage_is_read_for_its_best_sentence_not_its_retrieval_rank():
    # retrieval ranks the Valley Post's off-topic passage above the one that states what the question asks; of
    # its passages beyond the first k, the one whose best sentence answers the question is the one read
    reader = FakeReader({"Friday": 4.0, "Sunday": 4.0, "winter": 4.0})
    off_topic = "The ferry service stopped for the winter. Ticket prices will rise in spring."
    rows = [("Harbor Times", OTHER), ("Valley Post", off_topic), ("Valley Post", SAME)]
    query = make_query("When did the Valley Post say the river bridge reopened?", OUTLETS, ENC)
    reading = dataclasses.replace(READING, named_quotes=1, extra_outlets=0)
    result = build_answer(query, retrieved(rows), reader=reader, reading=reading, k=1, scope=("Valley Post",))
    read_texts = [t for _, texts in reader.calls for t in texts]
    assert any("reopened on Friday" in t for t in read_texts)
    assert not any("ferry" in t for t in read_texts)
    valley = [q for g in result.outlets if g.outlet == "Valley Post" for q in g.quotes]
    assert valley and valley[0].passage.text == SAME and valley[0].answer_text == "Friday"


def test_a_named_outlet_is_heard_on_each_claim_the_question_asks_of_it():
    # four claims asked of one outlet, each stated in another of its passages: each passage that brings a word of
    # the question the ones shown before lack is shown too (up to named_quotes), and an off-topic one never is
    reader = FakeReader({"Friday": 4.0, "ferry": 2.0, "rise": 2.0, "resigned": 2.0})
    rows = [("Valley Post", "The river bridge reopened on Friday after repairs."),
            ("Valley Post", "The ferry service stopped for the winter."),
            ("Valley Post", "Ticket prices will rise in spring."),
            ("Valley Post", "The harbour master resigned last week."),
            ("Valley Post", "Weather was mild and calm all month.")]
    question = ("Does the Valley Post report that the river bridge reopened, that the ferry stopped, that ticket "
                "prices will rise, and that the harbour master resigned?")
    query = make_query(question, OUTLETS, ENC)
    result = build_answer(query, retrieved(rows), reader=reader, reading=READING, k=1, scope=("Valley Post",))
    shown = [q.passage.text for g in result.outlets if g.outlet == "Valley Post" for q in g.quotes]
    assert len(shown) == DEFAULT_READER.named_quotes == 4 and len(set(shown)) == 4
    assert not any("Weather" in t for t in shown)


def test_a_yes_no_comparison_off_the_topic_abstains_however_sure_the_reader_is():
    # no span answers "Did A and B report on X?": a quote is on the topic only when its passage shares the
    # question's words, never because the reader is sure of some span in it
    reader = FakeReader({"Friday": 9.0, "spring": 9.0})
    rows = [("Valley Post", "The river bridge reopened on Friday after repairs."),
            ("Harbor Times", "Ticket prices will rise in spring.")]
    question = "Did the Valley Post and the Harbor Times report on the moon landing?"
    query = make_query(question, OUTLETS, ENC)
    scope = ("Valley Post", "Harbor Times")
    off = build_answer(query, retrieved(rows), reader=reader, reading=READING, scope=scope, compare=True)
    assert off.abstained and off.outlets == ()
    on_topic = make_query("Did the Valley Post and the Harbor Times report on the river bridge reopening?", OUTLETS,
                          ENC)
    on = build_answer(on_topic, retrieved(rows), reader=reader, reading=READING, scope=scope, compare=True)
    assert not on.abstained and "Valley Post" in {g.outlet for g in on.outlets}
