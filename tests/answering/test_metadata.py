"""Questions about an article's author, date or outlet are answered from its metadata, labelled as such."""

from __future__ import annotations

from pathlib import Path

import pytest

import qa
from qa.answering.metadata import article_fact, asked_field
from qa.cli import main


def _passage(outlet: str, author: str = "", published: str = "", pid: int = 1) -> qa.Passage:
    return qa.Passage(id=pid, article_id=f"a{pid}", outlet=outlet, title=f"A {outlet} story", url="",
                      published=published, paragraph=0, text="Zelensky signed the decree.", author=author)


@pytest.mark.fast
@pytest.mark.parametrize(("question", "field"), [
    ("Who wrote the Newsweek article?", "author"), ("Who is the author of the Kyiv Independent story?", "author"),
    ("Which reporter wrote the story about the National Guard?", "author"),
    ("When was the ZeroHedge article published?", "published"),
    ("What is the publication date of the Newsweek report?", "published"),
    ("Which outlet published the story about foreign women?", "outlet"),
    ("Who signed the decree?", ""), ("Who wrote the decree?", ""), ("When did he sign it?", ""),
    ("Which outlet said that?", ""),
])
def test_which_questions_ask_for_metadata(question: str, field: str) -> None:
    assert asked_field(question) == field


@pytest.mark.fast
def test_the_named_outlets_article_is_the_one_described() -> None:
    passages = [_passage("ZeroHedge", "Tyler Durden", pid=1), _passage("Newsweek", "Ellie Cook", "2024-02-21", 2)]
    fact = article_fact("Who wrote the Newsweek article?", passages, ["Newsweek", "ZeroHedge"])
    assert fact is not None and (fact.field, fact.value, fact.passage.outlet) == ("author", "Ellie Cook", "Newsweek")
    top = article_fact("Who wrote the story about the decree?", passages, ["Newsweek", "ZeroHedge"])
    assert top is not None and top.value == "Tyler Durden"  # no outlet named: the best passage's article
    assert article_fact("Who wrote the BBC article?", passages, ["Newsweek", "ZeroHedge", "BBC"]) is None
    assert article_fact("Who wrote the ZeroHedge article?", [_passage("ZeroHedge")], ["ZeroHedge"]) is None  # no byline


def test_who_wrote_the_newsweek_article_is_answered_from_metadata(seed_index: Path) -> None:
    result = qa.answer("Who wrote the Newsweek article?", index=seed_index)
    (fact,) = result.facts
    assert (fact.field, fact.value, fact.passage.outlet) == ("author", "Ellie Cook", "Newsweek")
    data = result.to_dict()["metadata"][0]
    assert (data["source"], data["value"], data["outlet"]) == ("metadata", "Ellie Cook", "Newsweek")
    dated = qa.answer("When was the ZeroHedge article published?", index=seed_index).facts
    assert [(f.field, f.value) for f in dated] == [("published", "2024-02-22")]
    assert qa.answer("Who signed the decree allowing foreigners into the National Guard?",
                     index=seed_index).facts == ()


def test_passages_carry_the_byline(seed_index: Path) -> None:
    passages = qa.retrieve("Can foreign women be recruited?", k=5, index=seed_index)
    authors = {p.outlet: p.author for p in passages}
    assert authors.get("ZeroHedge") == "Tyler Durden" or authors.get("Newsweek") == "Ellie Cook", authors


def test_cli_labels_the_metadata_answer(seed_index: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["ask", "Who wrote the Newsweek article?", "--index", str(seed_index)]) == 0
    out = capsys.readouterr().out
    assert "Author (article metadata, not a quote): Ellie Cook — Newsweek" in out
