"""A question about what an unindexed publication printed abstains, naming it (qa/answering/sources.py).

Pure tests of the phrasings, then the seed index with the real model and reader: "according to a
Reuters report" (no Reuters article, no passage citing Reuters) abstains; the indexed outlets, and
sources a quoted passage cites, do not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qa
from qa.answering.sources import source_mentions, unindexed_sources
from qa.cli import main
from qa.types import Passage
from ui.render import answer_markdown

OUTLETS = ["Kyiv Independent", "Newsweek", "ZeroHedge", "The Verge"]


def passage(text: str, outlet: str = "Newsweek") -> Passage:
    return Passage(id=1, article_id="a", outlet=outlet, title="t", url="", published="2024-02-22", paragraph=0,
                   text=text, score=0.0)


@pytest.mark.parametrize(("question", "named"), [
    ("Who signed the decree, according to a Reuters report?", ["Reuters"]),
    ("Considering the economic analysis from Bloomberg and the farm news reported by Reuters, who won?",
     ["Bloomberg", "Reuters"]),
    ("Given an article in The New York Times and another in The Wall Street Journal, who is he?",
     ["New York Times", "Wall Street Journal"]),
    ("What did CNN report about the strike?", ["CNN"]),
    ("What does a piece published in Times of India say?", ["Times of India"]),
    ("Does the TechCrunch article say the deal closed?", ["TechCrunch"]),
])
def test_publications_named_as_authors_are_found(question: str, named: list[str]) -> None:
    assert source_mentions(question) == named


@pytest.mark.parametrize("question", [
    "According to Zelensky, who can join the National Guard?",  # a person, not a publication
    "What does a report on Google say about ads?",  # the topic of a report
    "What is in Google's report on ads?",  # a possessive: the report is about Google
    "What did the October report say?",  # a month
    "Who signed the decree?",
    "Does the 'NBA Rookie of the Year Odds' article from the same source agree?",  # a title, quoted
    'Does the "Report of the Year Awards" story say so?',
])
def test_people_topics_and_dates_are_not_publications(question: str) -> None:
    assert source_mentions(question) == []


WORDS = st.sampled_from(["an", "article", "by", "the", "Reuters", "report", "from", "New", "York", "Times", "of",
                         "according", "to", "did", "CNN", "write", "'s", "October", "a", "piece", "in", "&", "Ann",
                         "reported", "another", "?", ",", "é", "9to5Mac", "BBC", "News"])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.lists(WORDS, max_size=40).map(" ".join), st.text(max_size=300)))
def test_mentions_are_names_the_question_prints(question: str) -> None:
    for name in source_mentions(question):
        assert name and name in question and name == name.strip()
        assert name.split()[0].lower() not in ("the", "a", "an", "october")


def test_an_indexed_outlet_or_a_cited_source_is_not_unindexed() -> None:
    question = "Compare the Verge article with a Reuters report and a piece by the Kyiv Independent."
    assert unindexed_sources(question, OUTLETS, []) == ("Reuters",)
    cites = passage("The ministry confirmed the figure to Reuters on Tuesday.")
    assert unindexed_sources(question, OUTLETS, [cites]) == ()  # a quoted passage cites Reuters: it may answer
    assert unindexed_sources(question, OUTLETS, [passage("Reutersville is a town.")]) == ("Reuters",)  # whole words


def test_a_question_about_an_unindexed_publication_abstains_naming_it(seed_index: Path, capsys) -> None:
    result = qa.answer("Who signed the decree, according to a Reuters report?", index=seed_index)
    assert result.abstained and result.unindexed == ("Reuters",)
    assert not result.outlets and not result.positions and result.short_answer is None
    assert result.quotes  # the closest passages stay, for reference
    assert result.to_dict()["unindexed"] == ["Reuters"]
    assert "No indexed article is from Reuters" in answer_markdown(result)
    assert main(["ask", "Who signed the decree, according to a Reuters report?", "--index", str(seed_index)]) == 0
    assert "No indexed article is from Reuters" in capsys.readouterr().out


def test_an_indexed_outlet_named_as_author_still_answers(seed_index: Path, capsys) -> None:
    result = qa.answer("According to an article by the Kyiv Independent, who signed the decree?", index=seed_index)
    assert not result.abstained and result.unindexed == ()
    assert "Kyiv Independent" in {g.outlet for g in result.outlets}
    assert main(["ask", "Who signed the decree?", "--json", "--index", str(seed_index)]) == 0
    assert json.loads(capsys.readouterr().out)["unindexed"] == []


@pytest.mark.fast
def test_an_abstention_for_an_unindexed_publication_is_not_tentative() -> None:
    from qa.answering.sources import without_unindexed
    from qa.types import OutletQuotes, Quote

    p = passage("The decree was signed on Tuesday, officials said.")
    q = Quote(p.text, 0, len(p.text), 0.1, p)
    weak = qa.Answer("Who signed the decree, according to a Reuters report?", (q,), False,
                     outlets=(OutletQuotes("Newsweek", (q,)),), tentative=True)
    out = without_unindexed(weak, weak.question, ["Newsweek"])
    assert out.abstained and out.unindexed == ("Reuters",) and not out.tentative
    assert out.to_dict()["tentative"] is False
