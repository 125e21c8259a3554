"""Questions about the outlets themselves: the previous answer's source, comparisons, differences. Model-free."""

from __future__ import annotations

import pytest

from qa.answering.intents import (
    asks_source,
    asks_what_is_said,
    claim_asked,
    disagreement_topic,
    is_comparison,
    is_yes_no,
    says_so_too,
)

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("question", ["Which outlet said that?", "Who reported that?", "Where is that from?",
                                      "which outlets reported this", "And who said that?", "What's the source?"])
def test_questions_about_the_previous_answers_source(question: str) -> None:
    assert asks_source(question)


@pytest.mark.parametrize("question", ["Which outlet said the contract lasts three years?", "Who signed it?",
                                      "Where is Avdiivka?", "Which ministry runs the National Guard?"])
def test_other_questions_are_not_about_the_source(question: str) -> None:
    assert not asks_source(question)


@pytest.mark.parametrize(("question", "claim"), [
    ("Which outlet said the contract lasts three years?", "the contract lasts three years"),
    ("Which outlets reported that the National Guard is part of the Interior Ministry?",
     "the National Guard is part of the Interior Ministry"),
    ("which papers have reported Russia captured Avdiivka", "Russia captured Avdiivka"),
    ("What outlet wrote about volunteers hanging out in bars?", "volunteers hanging out in bars"),
    ("And which news sites claim 500,000 people?", "500,000 people"),
])
def test_which_outlet_said_a_claim_gives_the_claim(question: str, claim: str) -> None:
    assert claim_asked(question) == claim


@pytest.mark.parametrize("question", [
    "Which outlet said that?", "And which outlet said so?",  # the previous answer's source
    "Which outlets reported how many applications the shelter received?",  # a question: each outlet's answer
    "Which articles state that powers remain with member states?",  # a treaty's articles, not the news
    "Which ministry runs the National Guard?", "Which outlet is the most cautious?", "Who said the war is lost?",
])
def test_other_questions_ask_no_claim(question: str) -> None:
    assert claim_asked(question) is None


def test_comparisons_name_two_outlets_and_ask_how_they_differ() -> None:
    assert is_comparison("Compare how Newsweek and ZeroHedge describe the reason for the decree", 2)
    assert is_comparison("What does Newsweek say that Kyiv Independent doesn't?", 2)
    assert not is_comparison("Compare how Newsweek describes the decree", 1)
    assert not is_comparison("Does TechCrunch report X, while The Verge reports Y, thus comparing them?", 2)


def test_disagreement_questions_and_their_topic() -> None:
    assert disagreement_topic("What do the outlets disagree about?") == ""
    assert disagreement_topic("Do the outlets agree on the death toll?") == "the death toll"
    assert disagreement_topic("Do all the sources agree about who built the dam?") == "who built the dam"
    assert disagreement_topic("Did the parties agree on a ceasefire, according to the reports?") is None
    assert disagreement_topic("Where do the outlets differ on the shelter?") == "the shelter"
    assert disagreement_topic("Do the reports contradict each other?") == ""
    assert disagreement_topic("Why did the talks fail?") is None
    assert disagreement_topic("How do Newsweek and ZeroHedge differ on the decree?", named_outlets=2) is None


def test_does_another_outlet_say_so_too() -> None:
    assert says_so_too("Does Newsweek say so too?") == "Newsweek"
    assert says_so_too("And did the Kyiv Independent report that as well?") == "the Kyiv Independent"
    assert says_so_too("Does the decree allow women?") is None


@pytest.mark.parametrize("question", [
    "Does Newsweek report that foreigners can join?",
    "Between the TechCrunch report on Google's approach to deepfakes and the later TechCrunch report on the suit, "
    "was there a change in the portrayal of Google?",
    "After Polygon reported that 'Wonder Seeds break the rules,' did Engadget's review agree?",
    "According to Fortune, has the perspective on housing affordability changed between the two articles?",
    "Regarding the House Speaker, is the stance reported by Fortune consistent between the articles?",
])
def test_verdicts_are_yes_no_questions_even_after_a_leading_phrase(question: str) -> None:
    assert is_yes_no(question)


@pytest.mark.parametrize("question", [
    "Who signed the decree?",
    "Considering the reports by TechCrunch and The Verge, which company, founded in 2015, is known for its app store?",
    'Considering the articles on the film "Dance The Night," which character, played by an Oscar winner, is central?',
    "Between the Guardian's report and the Sport Grill article, which news source detailed a penalty?",
    "What did the outlets report after the storm, and was the dam repaired?",
    "Before the formation of which planet, did the sun lose oxygen 16?",
])
def test_questions_asking_for_a_name_are_not_yes_no(question: str) -> None:
    assert not is_yes_no(question)


@pytest.mark.parametrize(("question", "said"), [
    ("What does Newsweek say about casualties?", True),
    ("How did the Kyiv Independent describe the decree?", True),
    ("What has ZeroHedge reported on the National Guard?", True),
    ("What did Zelenksy say about foreigners?", True),
    ("How much are soldiers paid?", False),
    ("What did Zelensky sign?", False),
    ("Which ministry does the National Guard belong to?", False),
    ("Who said the decree was signed?", False),
])
def test_what_an_outlet_says_is_answered_by_quotes_not_a_span(question: str, said: bool) -> None:
    assert asks_what_is_said(question) is said
