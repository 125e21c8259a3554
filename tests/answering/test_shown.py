"""The bold short answer (issue 19): never an echo of the question, a number with its unit, and an outlet filter
that never lowers the bar to an unrelated passage. Real model and reader on the seed and conflict corpora."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qa
from qa.answering.shown import with_unit
from qa.textmatch import normalize_answer
from qa.types import Span
from tests.conftest import ROOT

QUESTIONS = [q["question"] for q in json.loads((ROOT / "tests" / "data" / "eval_questions.json").read_text())]
MINISTRY = "Which ministry does the National Guard belong to?"


def _bold(q: qa.Quote) -> str:
    return q.passage.text[q.answer_start:q.answer_end] if q.answer_start >= 0 else ""


def test_no_bold_answer_only_repeats_the_question(seed_index: Path) -> None:
    shown = 0
    for question in [*QUESTIONS, "Which guard did the decree open to foreigners?", "Who signed the decree?"]:
        for q in qa.answer(question, index=seed_index).quotes:
            bold = _bold(q)
            if bold:
                shown += 1
                asked = set(normalize_answer(question).split())
                assert not set(normalize_answer(bold).split()) <= asked, (question, bold)
                assert q.start <= q.answer_start < q.answer_end <= q.end
    assert shown >= 2  # answers are still shown (the bar is high: precision 0.90 on the dev data)


def test_the_outlet_filter_never_switches_abstention_off(seed_index: Path) -> None:
    everywhere = qa.answer(MINISTRY, index=seed_index)
    assert not everywhere.abstained and "Interior Ministry" in everywhere.quotes[0].text
    filtered = qa.answer(MINISTRY, index=seed_index, outlets=["ZeroHedge"])  # ZeroHedge never names the ministry
    assert filtered.abstained
    newsweek = qa.answer(MINISTRY, index=seed_index, outlets=["Newsweek"])  # an outlet that says it still answers
    assert not newsweek.abstained and "Interior Ministry" in newsweek.quotes[0].text


def test_a_filtered_outlet_that_disagrees_is_still_answered(tmp_path: Path) -> None:
    corpus = shutil.copytree(ROOT / "tests" / "data" / "conflicts" / "shelter", tmp_path / "corpus")
    qa.build_index(corpus, tmp_path / "index")
    a = qa.answer("How many applications did the Dock Street shelter receive in its first week?",
                  index=tmp_path / "index", outlets=["City Wire"])
    assert not a.abstained and [p.answer for p in a.positions] == ["140"]
    assert "140 applications" in _bold(a.quotes[0])  # the number with its unit


@pytest.mark.parametrize(("text", "number", "shown"), [
    ("Foreign recruits will be paid 20,000 hryvnias a month, the ministry said.", "20,000", "20,000 hryvnias a month"),
    ("It opened with 60 beds and a kitchen.", "60", "60 beds"),
    ("In the storm 12 died overnight.", "12", "12"),
    ("The deal runs for five years.", "five", "five years"),
    ("Signed in 2024 by the president.", "2024", "2024"),
    ("The contract is worth $2.5 million per year.", "$2.5", "$2.5 million per year"),
    ("Zelensky signed it on Wednesday.", "Wednesday", "Wednesday"),
])
def test_a_number_keeps_its_unit(text: str, number: str, shown: str) -> None:
    i = text.index(number)
    span = with_unit(text, Span(i, i + len(number)), len(text))
    assert text[span.start:span.end] == shown


@given(st.text(alphabet="0123456789, abcdefghij.", min_size=1, max_size=40), st.data())
def test_the_unit_stays_inside_the_quote(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    limit = data.draw(st.integers(end, len(text)))
    span = with_unit(text, Span(start, end), limit)
    assert span.start == start and end <= span.end <= limit


def test_a_weak_best_match_is_tentative_not_a_plain_answer(seed_index: Path, capsys: pytest.CaptureFixture) -> None:
    from qa.cli import main

    # no seed article says what soldiers are paid; the closest passage ("a high cost") is over the abstention
    # bar but far under the hedge: the answer says it may not answer
    paid = qa.answer("How much are soldiers paid?", index=seed_index)
    assert paid.abstained or paid.tentative
    assert paid.short_answer is None
    if paid.tentative:  # the terminal says it too, in the same words as the browser
        assert qa.hedge(paid).startswith("Not sure: the closest passages may not answer this (best confidence ")
        assert main(["ask", "How much are soldiers paid?", "--index", str(seed_index)]) == 0
        out = capsys.readouterr().out
        assert out.startswith(qa.hedge(paid) + "\n\n") and "Reported by" not in out
    ministry = qa.answer(MINISTRY, index=seed_index)
    assert not ministry.tentative and not ministry.abstained and ministry.to_dict()["tentative"] is False
    assert qa.hedge(ministry) == ""
    casualties = qa.answer("What does Newsweek say about casualties?", index=seed_index)  # quotes answer it
    assert not casualties.abstained and not casualties.tentative


# Issue 19's trial cases of a confidently wrong bold answer: the quote stands, the wrong span is never shown
WRONG_BOLD = [
    ("Which city did Russia capture on Saturday?", "Donetsk", "Avdiivka"),  # the quote says Avdiivka
    ("To what age did the draft law propose lowering the mobilization age?", "27", "25"),  # "to 25, down from 27"
    ("How many foreigners have joined so far?", "United States citizens", None),  # no article gives a number
    ("Who is Oleksandr Pivnenko?", "Zelensky", "commander"),  # "Zelensky made … appointing Oleksandr Pivnenko as
]                                                             # commander in July": another name is no answer


@pytest.mark.parametrize(("question", "wrong", "right"), WRONG_BOLD)
def test_a_trial_question_never_shows_its_wrong_bold_answer(seed_index: Path, question: str, wrong: str,
                                                            right: str | None) -> None:
    result = qa.answer(question, index=seed_index)
    shown = result.short_answer.answer_text if result.short_answer else ""
    assert wrong not in shown, (question, shown)
    if right is None:
        assert not shown  # nothing printed answers it: no bold answer
    elif shown:
        assert right in shown
    if right is not None:  # the sentence that holds the answer is still quoted
        assert not result.abstained and any(right in q.text for q in result.quotes[:3])


def test_no_bold_answer_when_another_answer_was_nearly_as_likely() -> None:
    from dataclasses import replace

    from qa.answering.settings import ReaderSettings
    from qa.answering.shown import is_ambiguous, show_answer
    from tests.answering.test_positions import reading

    r = reading(0, "Daily Ledger", "The draft law would lower the age to", "25", ", down from 27 years old.", 9.0)
    settings = ReaderSettings(span_calibration=None, show_span_above=0.5)  # the span's own probability: 0.9
    quote = r.window
    sure = replace(r, rival_gap=settings.show_span_gap + 0.5)
    torn = replace(r, rival_gap=settings.show_span_gap - 0.5)
    assert not is_ambiguous(sure, settings) and is_ambiguous(torn, settings)
    shown = show_answer(sure, "To what age?", settings, quote)
    assert shown is not None and r.scored.evidence.passage.text[shown.start:shown.end] == "25"
    assert show_answer(torn, "To what age?", settings, quote) is None


def test_support_counts_the_readings_that_found_the_same_answer_and_the_confidence_lead() -> None:
    from qa.answering.shown import support

    answers = ["President Volodymyr Zelensky", "Zelensky", "", "the parliament"]
    confs = [0.8, 0.5, 0.6, 0.3]
    top = support(0, answers, confs)
    assert top.agree == 1 and top.lead == pytest.approx(0.2)  # "Zelensky" agrees; 0.8 leads the next best 0.6
    assert support(3, answers, confs).agree == 0 and support(3, answers, confs).lead == pytest.approx(-0.5)
    alone = support(0, answers[:1], confs[:1])
    assert alone.agree == 0 and alone.lead == pytest.approx(0.8)  # no other reading: its own confidence


def test_the_bold_answer_is_shown_when_other_passages_back_it() -> None:
    from dataclasses import replace

    from qa.answering.reading import features, logistic, weighted
    from qa.answering.settings import ReaderSettings
    from qa.answering.shown import Support, show_answer, span_confidence
    from tests.answering.test_positions import reading

    r = reading(0, "Daily Ledger", "The bridge reopened on", "Friday", "after repairs.", 9.0)
    q = "When did the bridge reopen?"
    old = ReaderSettings(span_calibration=(0.1, 0.2, 0.3, 0.4))  # fitted before support existed: the reading alone
    assert span_confidence(r, q, old, Support(3, 0.5)) == pytest.approx(logistic(old.span_calibration, r))
    six = ReaderSettings(span_calibration=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6))  # fitted before the overlap mass existed
    assert span_confidence(r, q, six, Support(3, 0.5)) == pytest.approx(
        weighted(six.span_calibration, (*features(r), 3.0, 0.5)))
    settings = ReaderSettings(span_calibration=(-1.0, 0.0, 0.0, 0.0, 1.5, 4.0, 0.0),
                              show_span_above=0.7)
    backed, unbacked = Support(agree=2, lead=0.3), Support(agree=0, lead=0.0)
    assert span_confidence(r, q, settings, backed) > 0.7 > span_confidence(r, q, settings, unbacked)
    shown = show_answer(r, "When did the bridge reopen?", settings, r.window, backed)
    assert shown is not None and r.scored.evidence.passage.text[shown.start:shown.end] == "Friday"
    assert show_answer(r, "When did the bridge reopen?", settings, r.window, unbacked) is None
    # the probability of every span overlapping the answer ("Friday", "on Friday") counts as one answer's
    overlap = ReaderSettings(span_calibration=(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0))
    assert span_confidence(replace(r, mass=0.9), q, overlap) == pytest.approx(0.9)
    assert span_confidence(replace(r, mass=0.2), q, overlap) == pytest.approx(0.2)


def test_the_bold_answer_weighs_whether_the_span_is_what_the_question_asks_for() -> None:
    from qa.answering.asks import SHAPE_INPUTS, answer_shape
    from qa.answering.reading import features, weighted
    from qa.answering.settings import ReaderSettings
    from qa.answering.shown import Support, show_answer, span_confidence, span_inputs
    from tests.answering.test_positions import reading

    r = reading(0, "Daily Ledger", "The bridge reopened on", "Friday", "after repairs.", 9.0)
    seven = ReaderSettings(span_calibration=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7))  # fitted before the shape inputs
    assert span_confidence(r, "Who reopened the bridge?", seven) == pytest.approx(
        weighted(seven.span_calibration, span_inputs(features(r), Support(), r.mass)))
    # weights on "asks when, given a date" (and nothing else but a bias) show Friday for "when", not for "who"
    weights = [0.0] * (7 + len(SHAPE_INPUTS))
    weights[0], weights[7 + SHAPE_INPUTS.index("time_asked_given")] = -2.0, 4.0
    settings = ReaderSettings(span_calibration=tuple(weights), show_span_above=0.8)
    assert answer_shape("When did the bridge reopen?", "Friday")[SHAPE_INPUTS.index("time_asked_given")] == 1.0
    assert span_confidence(r, "When did the bridge reopen?", settings) == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert show_answer(r, "When did the bridge reopen?", settings, r.window) is not None
    assert show_answer(r, "Who reopened the bridge?", settings, r.window) is None


def test_a_quote_answering_through_a_pronoun_says_what_was_asked(seed_index: Path) -> None:
    # ZeroHedge: "… President Zelensky is going a different route. He on Wednesday signed a decree …": the reader
    # marks "President Zelensky", and the quote takes in the sentence that says he signed the decree
    result = qa.answer("Who signed the decree?", index=seed_index)
    zerohedge = [q for q in result.quotes if q.outlet == "ZeroHedge" and "different route" in q.text]
    assert zerohedge and all("signed a decree" in q.text for q in zerohedge)
    for q in result.quotes:
        assert q.passage.text[q.start:q.end] == q.text
