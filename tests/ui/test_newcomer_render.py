"""Rendering details a newcomer met: paragraph numbers, bylines, metadata answers, badge colours (no browser)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.types import Answer, ArticleFact, OutletQuotes, Passage, Quote
from ui import render
from ui.palette import HUES, badge_hues

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Zelensky signed the decree on Feb. 21."


def _answer(paragraph: int = 0, author: str = "Abbey Fenbert", facts: tuple[ArticleFact, ...] = ()) -> Answer:
    p = Passage(id=1, article_id="a", outlet="Kyiv Independent", title="Foreigners allowed", url="",
                published="2024-02-21", paragraph=paragraph, text=TEXT, score=0.2, author=author)
    q = Quote(text=TEXT, start=0, end=len(TEXT), score=0.8, passage=p)
    return Answer("Who signed?", (q,), False, (OutletQuotes(p.outlet, (q,)),), 3, (p,), facts=facts)


def test_paragraph_is_0_based_in_the_api_and_shown_from_1() -> None:
    assert "· paragraph 1<" in render.sources_html(_answer(paragraph=0))
    assert "· paragraph 3<" in render.sources_html(_answer(paragraph=2))
    assert _answer(paragraph=0).to_dict()["quotes"][0]["passage"]["paragraph"] == 0
    readme = (ROOT / "README.md").read_text()
    assert "`Passage.paragraph` is **0-based**" in readme and '"paragraph 1" is `paragraph == 0`' in readme
    assert "0-based (the first paragraph is 0)" in Passage.__doc__


def test_byline_in_the_quote_header_and_the_source_card() -> None:
    answer = _answer(author="Abbey <b>Fenbert</b>")
    assert "· by Abbey &lt;b&gt;Fenbert&lt;/b&gt; · 2024-02-21" in render.answer_markdown(answer)
    assert '<span class="byline">by Abbey &lt;b&gt;Fenbert&lt;/b&gt;</span>' in render.sources_html(answer)
    assert "byline" not in render.sources_html(_answer(author=""))


def test_a_metadata_answer_is_labelled_and_replaces_the_abstention_line() -> None:
    plain = _answer()
    fact = ArticleFact("author", "Abbey Fenbert", plain.passages[0])
    answered = render.answer_markdown(Answer(**{**plain.__dict__, "facts": (fact,)}))
    assert answered.index("From the article's metadata (not a quote)") < answered.index("Reported by")
    assert "**Author:** <b class=\"metadata-value\">Abbey Fenbert</b>" in answered
    abstained = render.answer_markdown(Answer(**{**plain.__dict__, "abstained": True, "facts": (fact,)}))
    assert "None of the" not in abstained and "comes from the article's metadata" in abstained


def test_outlets_of_one_panel_get_distinct_palette_colours() -> None:
    outlets = ["Kyiv Independent", "ZeroHedge", "Newsweek", "Reuters", "The Guardian", "BBC", "DW", "Salon"]
    hues = badge_hues(outlets)
    assert len(set(hues.values())) == len(outlets) and set(hues.values()) <= set(HUES)
    assert badge_hues(["ZeroHedge"])["ZeroHedge"] == badge_hues(["ZeroHedge", "Newsweek"])["ZeroHedge"]  # stable
    assert min(min(abs(a - b), 360 - abs(a - b)) for a in HUES for b in HUES if a != b) >= 24
    panel = render.sources_html(_answer())
    assert re.search(r'class="outlet-badge" style="--badge-hue:(\d+)"', panel).group(1) == str(
        badge_hues(["Kyiv Independent"])["Kyiv Independent"])
