""""Which outlet said X?": the outlets whose sentences state the claim, held to its number or date."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qa
from qa.answering.attribution import attribute_claim
from tests.conftest import ROOT

CONFLICTS = ROOT / "tests" / "data" / "conflicts"


def _quote(outlet: str, text: str, pid: int) -> qa.Quote:
    passage = qa.Passage(id=pid, article_id=f"a{pid}", outlet=outlet, title=f"A {outlet} story", url="",
                         published="2024-03-05", paragraph=0, text=f"Officials spoke. {text} More later.")
    start = passage.text.index(text)
    return qa.Quote(text=text, start=start, end=start + len(text), score=0.9, passage=passage)


def _answer(*quotes: qa.Quote) -> qa.Answer:
    return qa.Answer(question="q", quotes=quotes, abstained=False,
                     outlets=tuple(qa.OutletQuotes(q.outlet, (q,)) for q in quotes))


@pytest.mark.fast
def test_outlets_printing_another_figure_take_their_own_position() -> None:
    ledger = _quote("Daily Ledger", "The shelter received 120 applications in its first week.", 1)
    wire = _quote("City Wire", "The shelter received one hundred and forty applications in its first week.", 2)
    metro = _quote("Metro Post", "Officials counted 120 applications at the shelter.", 3)
    out = attribute_claim(_answer(ledger, wire, metro), "the shelter received 140 applications")
    assert out.disagreement and not out.abstained
    assert [(p.answer, p.outlets) for p in out.positions] == [
        ("one hundred and forty applications", ("City Wire",)), ("120 applications", ("Daily Ledger", "Metro Post"))]
    for p in out.positions:  # each quote marks its own figure, a verbatim slice inside the quote
        for q in p.quotes:
            assert q.passage.text[q.answer_start:q.answer_end] == p.answer or q.outlet != p.outlets[0]
            assert q.start <= q.answer_start < q.answer_end <= q.end


@pytest.mark.fast
def test_no_outlet_printing_the_claims_figure_abstains() -> None:
    ledger = _quote("Daily Ledger", "The shelter received 120 applications in its first week.", 1)
    out = attribute_claim(_answer(ledger), "the shelter received 150 applications")
    assert out.abstained and out.outlets == () and out.positions == ()
    assert out.quotes == (ledger,)  # kept as the closest passage


@pytest.mark.fast
def test_claims_and_quotes_without_a_figure_are_left_alone() -> None:
    ledger = _quote("Daily Ledger", "The shelter received 120 applications in its first week.", 1)
    words = _quote("Metro Post", "The shelter opened on Dock Street.", 2)
    answer = _answer(ledger, words)
    assert attribute_claim(answer, "the shelter opened on time") is answer  # no figure, no name asked
    assert [g.outlet for g in attribute_claim(answer, "the shelter opened on Dock Street").outlets] == [
        "Metro Post"]  # the only one that names Dock Street
    assert attribute_claim(answer, "the shelter received 120 applications") is answer  # nobody prints another
    dated = _quote("City Wire", "The shelter opened on March 3.", 3)
    out = attribute_claim(_answer(dated, _quote("Metro Post", "The shelter opened on March 1.", 4)),
                          "the shelter opened on March 1")
    assert [(p.answer, p.outlets) for p in out.positions] == [("March 1", ("Metro Post",)), ("March 3", ("City Wire",))]


def test_which_outlet_said_a_claim_quotes_the_outlet_that_states_it(seed_index: Path) -> None:
    a = qa.answer("Which outlet said the contract lasts three years?", index=seed_index)
    assert not a.abstained and not a.tentative
    assert a.searched == "the contract lasts three years"
    assert [g.outlet for g in a.outlets] == ["ZeroHedge"]
    assert "initial three-year period" in a.quotes[0].text and a.quotes[0].outlet == "ZeroHedge"
    ministry = qa.answer("Which outlets reported that the National Guard is part of the Interior Ministry?",
                         index=seed_index)
    assert {g.outlet for g in ministry.outlets} == {"Kyiv Independent", "Newsweek"}
    assert all("Interior Ministry" in g.quotes[0].text for g in ministry.outlets)
    assert qa.answer("Which outlet said the moon is made of cheese?", index=seed_index).abstained
    assert qa.answer("Which outlet said Russia captured Kyiv?", index=seed_index).abstained  # Avdiivka, not Kyiv
    assert qa.answer("Which outlet said Ukraine wants to mobilize 300,000 more people?", index=seed_index).abstained
    decree = qa.answer("Which outlets say Zelensky signed the decree?", index=seed_index)  # the Kyiv Independent's
    assert {g.outlet for g in decree.outlets} == {"ZeroHedge", "Kyiv Independent"}  # passage is 6th: quotes read 10
    said = qa.answer("Which outlet said Ukraine wants to mobilize 500,000 more people?", index=seed_index)
    assert [g.outlet for g in said.outlets] == ["Newsweek"] and "500,000" in said.quotes[0].text


def test_which_outlet_said_a_figure_shows_who_prints_another(conflict_indexes: dict[str, Path]) -> None:
    shelter, storm = conflict_indexes["shelter"], conflict_indexes["storm"]
    a = qa.answer("Which outlet said the shelter received 140 applications?", index=shelter)
    assert a.disagreement
    assert [(p.answer, p.outlets) for p in a.positions] == [
        ("140 applications", ("City Wire",)), ("120 applications", ("Daily Ledger", "Metro Post"))]
    toll = qa.answer("Which outlet said fifteen people were killed by the storm?", index=storm)
    assert [(p.answer, sorted(p.outlets)) for p in toll.positions] == [
        ("Fifteen people", ["Mountain Courier"]), ("12 people", ["River Observer", "Valley Gazette"])]
    assert qa.answer("Which outlet said the shelter received 150 applications?", index=shelter).abstained
    dam = qa.answer("Which outlet said Norbuild built the Kessel dam?", index=storm)
    assert [g.outlet for g in dam.outlets] == ["Valley Gazette"]  # the others name Castell Engineering
    assert qa.answer("Which outlet said Smith built the Kessel dam?", index=storm).abstained
    # River Observer's "officials confirmed on Wednesday" dates the confirmation, not the storm: nobody says Wednesday
    assert qa.answer("Which outlets said the storm hit the valley on Wednesday?", index=storm).abstained
    opened = qa.answer("Which outlet said the shelter opened on Monday?", index=shelter)
    assert [(p.answer, sorted(p.outlets)) for p in opened.positions] == [
        ("Monday", ["Daily Ledger", "Metro Post"]), ("Tuesday", ["City Wire"])]


def test_a_question_about_the_story_is_still_answered_from_metadata(seed_index: Path) -> None:
    a = qa.answer("Which outlet published the story about foreign women?", index=seed_index)
    assert [f.field for f in a.facts] == ["outlet"]


def test_which_outlet_said_a_figure_on_the_command_line(conflict_indexes: dict[str, Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from qa.cli import main

    assert main(["ask", "Which outlet said the shelter received 140 applications?",
                 "--index", str(conflict_indexes["shelter"])]) == 0
    out = capsys.readouterr().out
    assert "Searched: the shelter received 140 applications" in out
    assert "Outlets differ: 140 applications (City Wire) · 120 applications (Daily Ledger, Metro Post)" in out


@pytest.mark.fast
def test_a_number_in_a_date_or_of_another_unit_is_no_other_figure() -> None:
    ledger = _quote("Daily Ledger", "The shelter received 140 applications in its first week.", 1)
    dated = _quote("City Wire", "The shelter opened on March 3 with 40 beds.", 2)
    answer = _answer(ledger, dated)
    assert attribute_claim(answer, "the shelter received 140 applications") is answer


@pytest.mark.fast
@settings(max_examples=60, deadline=None)
@given(figures=st.lists(st.integers(1, 999), min_size=1, max_size=4), asked=st.integers(1, 999),
       unit=st.sampled_from(["applications", "people", "beds"]))
def test_positions_mark_each_outlets_own_figure_verbatim(figures: list[int], asked: int, unit: str) -> None:
    quotes = [_quote(f"Outlet {i}", f"The shelter counted {n} {unit} on its first night.", i + 1)
              for i, n in enumerate(figures)]
    answer = _answer(*quotes)
    out = attribute_claim(answer, f"the shelter counted {asked} {unit}")
    if asked not in figures:
        assert out.abstained if set(figures) else out is answer
        return
    if set(figures) == {asked}:
        assert out is answer
        return
    assert out.disagreement and out.positions[0].answer == f"{asked} {unit}"
    for p in out.positions:  # one figure per position, each quote marking it verbatim inside the quote
        assert len({q.outlet for q in p.quotes}) == len(p.outlets) and p.answer == p.quotes[0].answer_text
        assert len({int(q.answer_text.split()[0]) for q in p.quotes}) == 1
        for q in p.quotes:
            assert q.passage.text[q.start:q.end] == q.text and q.start <= q.answer_start < q.answer_end <= q.end
            assert q.answer_text == f"{q.answer_text.split()[0]} {unit}"
    assert sorted(o for p in out.positions for o in p.outlets) == sorted(q.outlet for q in quotes)


@pytest.mark.fast
def test_a_value_counts_only_in_a_clause_about_the_claim() -> None:
    observer = _quote("River Observer", "The storm killed 12 people in the valley, officials confirmed on Wednesday.",
                      1)
    courier = _quote("Mountain Courier", "The storm hit the valley on Tuesday, officials said.", 2)
    out = attribute_claim(_answer(observer, courier), "the storm hit the valley on Wednesday")
    assert out.abstained  # the Courier dates the storm Tuesday; the Observer's Wednesday is when officials confirmed
    answer = _answer(observer)
    assert attribute_claim(answer, "the storm hit the valley on Tuesday") is answer  # no date of the storm: left


@pytest.mark.fast
def test_only_outlets_printing_every_name_of_the_claim_state_it() -> None:
    gazette = _quote("Valley Gazette", "The Kessel dam, built by Norbuild in 1978, held despite the rain.", 1)
    observer = _quote("River Observer", "Castell Engineering, which built the Kessel dam in 1978, said it was sound.",
                      2)
    answer = _answer(gazette, observer)
    assert [g.outlet for g in attribute_claim(answer, "Norbuild built the Kessel dam").outlets] == ["Valley Gazette"]
    assert [g.outlet for g in attribute_claim(answer, "Castell Engineering built the dam").outlets] == [
        "River Observer"]
    assert attribute_claim(answer, "Smith built the Kessel dam").abstained  # nobody names Smith
    assert attribute_claim(answer, "the dam was built in 1978") is answer  # no name, no figure: both state it
    kyiv = _quote("Newsweek", "Kyiv's military wanted to mobilize up to an additional 500,000 people.", 3)
    assert attribute_claim(_answer(kyiv), "Kyiv wants 500,000 more troops").outlets[0].outlet == "Newsweek"


@pytest.mark.fast
def test_quotes_read_further_down_stay_only_where_they_state_the_claim() -> None:
    from dataclasses import replace

    from qa.answering.attribution import keep_stated

    near = _quote("Daily Ledger", "The shelter received 120 applications.", 1)
    far_said = _quote("City Wire", "The shelter received 120 applications, a memo says.", 2)
    far_not = _quote("Harbor Times", "The harbour festival opens on Friday.", 3)
    answer = replace(_answer(near, far_said), quotes=(near, far_said, far_not), passages=(near.passage,))
    assert keep_stated(answer).quotes == (near, far_said)  # the first passages, and whatever states the claim
    closest = replace(answer, abstained=True, outlets=())
    assert keep_stated(closest) is closest  # an abstention keeps its closest passages
