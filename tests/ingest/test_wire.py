"""Wire and publisher furniture inside the article text (qa/ingest/wire.py), through the readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.ingest.clean import clean_paragraphs, clean_scrape
from qa.ingest.readers import read_articles
from qa.ingest.wire import is_credits_trailer, is_wire_furniture, strip_dateline

pytestmark = pytest.mark.fast

SCRAPE = """Ukraine says grain corridor ships reached Istanbul

By A. Writer, BBC News

KYIV, Feb 24 (Reuters) - Three ships carrying Ukrainian maize reached Istanbul on Thursday, the ministry said.

Read more: Black Sea grain deal explained in five charts

The vessels carried a combined 92,000 tonnes of grain and would be inspected before sailing on to Egypt.

Reporting by Pavel Polityuk; Editing by Tom Balmforth and Alison Williams

© Thomson Reuters 2020
"""


def test_raw_text_stores_the_byline_author_and_drops_dateline_trailer_teaser(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(SCRAPE)
    (article,) = read_articles(path, outlet="BBC News")
    assert article.author == "A. Writer"
    assert article.title == "Ukraine says grain corridor ships reached Istanbul"
    assert article.body == ("Three ships carrying Ukrainian maize reached Istanbul on Thursday, the ministry said.",
                            "The vessels carried a combined 92,000 tonnes of grain and would be inspected before "
                            "sailing on to Egypt.")


@pytest.mark.parametrize(("line", "author"), [
    ("by Tyler Durden", "Tyler Durden"), ("By A. Writer, BBC News", "A. Writer"), ("By Jane Roe | Reuters", "Jane Roe"),
    ("By Ellie Cook and Brendan Cole - Newsweek", "Ellie Cook and Brendan Cole")])
def test_byline_shapes_give_the_author(line: str, author: str) -> None:
    text = f"A headline\n\n{line}\n\nThe council voted seven to two on Monday to restore the lighthouse."
    assert clean_scrape(text).author == author


def test_no_byline_no_author() -> None:
    assert clean_scrape("A headline\n\nBy Monday, the council will have voted on the plan to restore it.").author == ""


@pytest.mark.parametrize(("text", "rest"), [
    ("KYIV, Feb 24 (Reuters) - Ukraine said.", "Ukraine said."),
    ("WASHINGTON (AP) — The Senate voted.", "The Senate voted."),
    ("NEW YORK/LONDON, March 3 (Reuters) - Oil rose.", "Oil rose."),
    ("(Reuters) - shares fell.", "Shares fell."),
    ("The KYIV office (Reuters) - no dateline here.", "The KYIV office (Reuters) - no dateline here."),
])
def test_datelines(text: str, rest: str) -> None:
    assert strip_dateline(text) == rest


@pytest.mark.parametrize("line", [
    "Reporting by Pavel Polityuk; Editing by Tom Balmforth and Alison Williams",
    "(Reporting by Pavel Polityuk in Kyiv; additional reporting by Jane Doe; editing by Alex Richardson)",
    "Read more: Germany's coal commission: what you need to know", "(Credit: John Tully / Grist)", "Related",
    "© Thomson Reuters 2020", "© 2019 Science X Network", "Nature 574, 16-17 (2019)",
    "Copyright 2020 The Associated Press. All rights reserved.", "doi: 10.1038/d41586-019-02711-4",
    "Date 19.01.2020", "Provided by University of Bath",
])
def test_furniture_lines(line: str) -> None:
    assert is_wire_furniture(line)
    assert clean_paragraphs([line, "The council voted seven to two on Monday."]) == [
        "The council voted seven to two on Monday."]


@pytest.mark.parametrize("line", [
    "Reporting by the BBC found that the council had misled residents.",
    "Copyright laws changed last year after a long campaign by authors.",
    "Related stories are rarely read, the survey found.",
    "The council voted 7 to 2 (2019).", "Read more about the plan on the council's website.",
])
def test_article_sentences_are_not_furniture(line: str) -> None:
    assert not is_wire_furniture(line) and not is_credits_trailer(line)
    assert clean_paragraphs([line]) == [line]


def test_related_line_goes_with_the_headline_after_it() -> None:
    assert clean_paragraphs(["First paragraph of the story.", "Related", "Container backlog to take weeks",
                             "Second paragraph of the story."]) == ["First paragraph of the story.",
                                                                    "Second paragraph of the story."]
