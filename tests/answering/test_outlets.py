"""What each outlet says, on small conflict corpora (tests/data/conflicts), with the real model and reader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qa
from qa.answering.values import answer_value, same_value
from tests.conftest import ROOT

CONFLICTS = ROOT / "tests" / "data" / "conflicts"


@pytest.fixture(scope="module")
def indexes(conflict_indexes: dict[str, Path]) -> dict[str, Path]:
    return conflict_indexes


def stances(answer: qa.Answer) -> list[tuple[float | str, tuple[str, ...]]]:
    return [(answer_value(p.answer).value, tuple(sorted(p.outlets))) for p in answer.positions]


def test_different_figures_are_positions_and_a_disagreement(indexes) -> None:
    a = qa.answer("How many applications did the Dock Street shelter receive in its first week?",
                  index=indexes["shelter"])
    assert a.disagreement
    assert stances(a) == [(120.0, ("Daily Ledger", "Metro Post")), (140.0, ("City Wire",))]
    assert {g.outlet for g in a.outlets} == {"Daily Ledger", "Metro Post", "City Wire"}
    assert "Harbor Times" not in {g.outlet for g in a.outlets}


def test_casualty_counts_in_words_and_digits(indexes) -> None:
    a = qa.answer("How many people died in the valley storm?", index=indexes["storm"])
    assert a.disagreement
    assert stances(a) == [(12.0, ("River Observer", "Valley Gazette")), (15.0, ("Mountain Courier",))]


def test_different_names_disagree(indexes) -> None:
    a = qa.answer("Who built the Kessel dam?", index=indexes["storm"])
    assert a.disagreement
    assert {(p.answer, p.outlets) for p in a.positions} == {("Castell Engineering", ("River Observer",)),
                                                            ("Norbuild", ("Valley Gazette",))}
    # the Mountain Courier's "Engineers inspected the Kessel dam, which Castell Engineering built": the reader is
    # torn between "Engineers" and "Castell Engineering" (0.1 logits apart), so that outlet takes no position
    assert all(p.answer != "Engineers" for p in a.positions)


def test_agreement_counts_every_outlet(indexes) -> None:
    a = qa.answer("Who declared a state of emergency?", index=indexes["storm"])
    assert not a.disagreement and len(a.positions) == 1
    assert set(a.positions[0].outlets) == {"Valley Gazette", "Mountain Courier", "River Observer"}
    d = a.to_dict()
    assert d["disagreement"] is False and len(d["positions"]) == 1 and d["silent"] == []


def test_a_named_outlet_that_says_nothing_is_silent(indexes) -> None:
    a = qa.answer("How many applications did the shelter receive, according to the Daily Ledger and Harbor Times?",
                  index=indexes["shelter"])
    assert a.silent == ("Harbor Times",)
    assert [p.outlets for p in a.positions] == [("Daily Ledger",)]


def test_which_outlet_said_that_names_the_outlet_of_a_one_outlet_answer(indexes) -> None:
    first = qa.answer("How many applications did the shelter receive, according to City Wire?",
                      index=indexes["shelter"])
    assert [g.outlet for g in first.outlets] == ["City Wire"]
    assert first.quotes[0].outlet == "City Wire"  # the named outlet leads, however sure the reader is of another
    assert not first.verdict and first.to_dict()["verdict"] is False
    for question in ("Which outlet said that?", "Who reported that?", "Where is that from?"):
        again = qa.answer(question, index=indexes["shelter"], history=[first])
        assert again.recalled and [g.outlet for g in again.outlets] == ["City Wire"]
        assert again.quotes == first.quotes  # restated, not searched again


def test_does_another_outlet_say_so_too_searches_that_outlet(indexes) -> None:
    first = qa.answer("How many applications did the shelter receive, according to the Daily Ledger?",
                      index=indexes["shelter"])
    too = qa.answer("Does City Wire say so too?", index=indexes["shelter"], history=[first])
    assert "City Wire" in too.searched and too.rewritten
    assert [(p.answer, p.outlets) for p in too.positions] == [("140", ("City Wire",))]


def test_a_comparison_of_two_outlets_quotes_both(indexes) -> None:
    for question in ("Compare how Valley Gazette and Mountain Courier describe the death toll",
                     "What does Mountain Courier say about the dam that Valley Gazette doesn't?"):
        a = qa.answer(question, index=indexes["storm"])
        assert not a.abstained, question
        assert {g.outlet for g in a.outlets} == {"Valley Gazette", "Mountain Courier"}, question


def test_differences_align_claims_and_quote_every_outlet(indexes) -> None:
    found = qa.differences(index=indexes["storm"])
    by_kind = {d.kind: d for d in found}
    toll = by_kind["number"]
    assert set(toll.outlets) == {"Valley Gazette", "Mountain Courier", "River Observer"}
    assert {answer_value(v).value for v in toll.values} == {12.0, 15.0}
    assert set(by_kind["name"].values) == {"Norbuild", "Castell Engineering"}
    # both builders' sentences print 1978 ("in 1978, said" / "in 1978, held"): a year both print is no difference
    assert len(found) == 2 and not any("1978" in v for d in found for v in d.values)
    for d in found:
        for q in d.quotes:
            assert q.passage.text[q.start:q.end] == q.text and q.start <= q.answer_start < q.answer_end <= q.end
    a = qa.answer("What do the outlets disagree about?", index=indexes["storm"])
    assert a.disagreement and not a.abstained and len(a.differences) == len(found)
    shelter = qa.differences("Dock Street shelter applications", index=indexes["shelter"])
    assert any(not same_value(answer_value(d.values[0]), answer_value(v)) for d in shelter for v in d.values)


def test_differences_on_a_topic_are_only_those_about_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for name in ("shelter", "storm"):  # two stories in one index: a topic picks its own
        shutil.copytree(CONFLICTS / name, corpus, dirs_exist_ok=True)
    qa.build_index(corpus, tmp_path / "index")
    toll = qa.differences("the death toll", index=tmp_path / "index")
    assert [sorted(answer_value(v).value for v in d.values) for d in toll] == [[12.0, 12.0, 15.0]]
    builder = qa.answer("Where do the outlets differ on who built the dam?", index=tmp_path / "index").differences
    assert [set(d.values) for d in builder] == [{"Norbuild", "Castell Engineering"}]
    assert len(qa.differences(index=tmp_path / "index")) == 3  # no topic: every story's
    assert qa.differences("the governor's emergency declaration", index=tmp_path / "index") == []  # all print it alike
    agree = qa.answer("Do the outlets agree on the death toll?", index=tmp_path / "index")
    assert agree.compared and not agree.abstained and [d.kind for d in agree.differences] == ["number"]
    alike = qa.answer("Do the outlets agree on the governor's emergency declaration?", index=tmp_path / "index")
    assert alike.compared and alike.abstained and alike.differences == () and alike.to_dict()["compared"]
    assert qa.answer("Where do the outlets differ on the moon landing?", index=tmp_path / "index").differences == ()
    assert not qa.answer("How many people died in the storm?", index=tmp_path / "index").compared


def test_a_named_outlet_is_read_further_down_for_each_part_of_the_question(indexes) -> None:
    # k=1: only the best passage is quoted from the first k; the Daily Ledger's other passage, further down,
    # is read too because the question names the outlet, and it holds the second part's answer.
    a = qa.answer("How many applications did the Dock Street shelter receive, and who will pay for the shelter, "
                  "according to the Daily Ledger?", 1, index=indexes["shelter"])
    (ledger,) = [g for g in a.outlets if g.outlet == "Daily Ledger"]
    assert len({q.passage.id for q in ledger.quotes}) == 2
    texts = " ".join(q.text for q in ledger.quotes)
    assert "120 applications" in texts and "emergency housing fund" in texts
    for q in ledger.quotes:
        assert q.passage.text[q.start:q.end] == q.text and q.outlet == "Daily Ledger"


def test_a_yes_no_question_about_two_outlets_shows_both_side_by_side(seed_index: Path) -> None:
    a = qa.answer("Did the Kyiv Independent contradict Newsweek about which ministry runs the National Guard?",
                  index=seed_index)
    assert not a.abstained
    by_outlet = {g.outlet: " ".join(q.text for q in g.quotes) for g in a.outlets}
    assert {"Kyiv Independent", "Newsweek"} <= set(by_outlet)
    assert all("Interior Ministry" in by_outlet[o] for o in ("Kyiv Independent", "Newsweek"))
    off_topic = qa.answer("Did Newsweek and ZeroHedge report on the moon landing?", index=seed_index)
    assert off_topic.abstained


def test_a_verdict_asked_after_a_leading_phrase_shows_both_outlets(indexes) -> None:
    # MultiHop-RAG's temporal questions: "Between A's report on X and B's report on Y, was there a change ...?"
    for question in ("After the Metro Post reported on the shelter's applications, did City Wire report the same "
                     "number?",
                     "Between the Daily Ledger report on the Dock Street shelter and the City Wire report on it, was "
                     "there a change in the number of applications?"):
        a = qa.answer(question, index=indexes["shelter"])
        assert not a.abstained and not a.positions, question  # a verdict: each outlet's words, no span answers it
        assert a.verdict and a.to_dict()["verdict"], question
        named = [o for o in ("Metro Post", "Daily Ledger", "City Wire") if o in question]
        by_outlet = {g.outlet: " ".join(q.text for q in g.quotes) for g in a.outlets}
        assert set(named) <= set(by_outlet), question
        assert "140 applications" in by_outlet["City Wire"], question
    off_topic = qa.answer("Between the Daily Ledger report and the City Wire report, was there a change in the moon "
                          "landing coverage?", index=indexes["shelter"])
    assert off_topic.abstained
