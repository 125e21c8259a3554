"""Citations and the chat layout (ui/cite.py, ui/render.py): copy text, article link, one header per article."""

from __future__ import annotations

import pytest

from qa.types import Answer, OutletQuotes, Passage, Quote
from tests.ui.test_render import assert_inert
from ui import render
from ui.cite import citation, cite_html, quoted

pytestmark = pytest.mark.fast

URL = "https://harbour-herald.example/odesa-ferry?id=7&lang=en"
TEXT = ('The Odesa ferry line reopened on Monday, the port said. "Two sailings a week are planned," '
        "the operator said. Tickets cost 40 euros.")


def passage(text: str = TEXT, *, url: str = URL, pid: int = 1, article: str = "a1", outlet: str = "Harbour Herald",
            published: str = "2024-03-02") -> Passage:
    return Passage(id=pid, article_id=article, outlet=outlet, title="Odesa ferry line reopens", url=url,
                   published=published, paragraph=0, text=text, score=0.5)


def quote(p: Passage, fragment: str, score: float = 0.9) -> Quote:
    start = p.text.index(fragment)
    return Quote(text=fragment, start=start, end=start + len(fragment), score=score, passage=p)


def test_citation_is_quote_outlet_title_date_url() -> None:
    q = quote(passage(), "The Odesa ferry line reopened on Monday, the port said.")
    assert citation(q) == ("“The Odesa ferry line reopened on Monday, the port said.” — Harbour Herald, "
                           f"Odesa ferry line reopens, 2024-03-02, {URL}")
    bare = quote(passage(url="", published=""), "Tickets cost 40 euros.")
    assert citation(bare) == "“Tickets cost 40 euros.” — Harbour Herald, Odesa ferry line reopens"
    evil = quote(passage(url="javascript:alert(1)"), "Tickets cost 40 euros.")
    assert "javascript" not in citation(evil)


@pytest.mark.parametrize(("text", "shown"), [
    ('"Two sailings a week are planned," the operator said.', '"Two sailings a week are planned," the operator said.'),
    ("He said “yes.”", "He said “yes.”"),
    ("Tickets cost 40 euros.", "“Tickets cost 40 euros.”"),
])
def test_a_quote_that_opens_or_closes_with_quotation_marks_is_not_quoted_twice(text: str, shown: str) -> None:
    assert quoted(text) == shown
    assert "“\"" not in quoted(text) and "\"”" not in quoted(text)


def test_the_citation_row_has_a_copy_button_and_a_safe_link() -> None:
    q = quote(passage(), "The Odesa ferry line reopened on Monday, the port said.")
    row = cite_html(q)
    assert_inert(row)
    assert '<button type="button" class="copy-cite"' in row
    assert f'<span class="cite-text" hidden>{render.esc(citation(q))}</span>' in row
    assert (f'<a class="cite-link" href="{render.esc(URL)}" target="_blank" rel="noopener noreferrer">'
            in row)
    for url in ("", "javascript:alert(1)", "ftp://x.example/a"):
        assert "<a " not in cite_html(quote(passage(url=url), "Tickets cost 40 euros."))


def _answer() -> Answer:
    p1 = passage()
    p2 = passage(TEXT.replace("Monday", "Tuesday"), pid=2)  # another paragraph of the same article
    p3 = passage("Ferries to Odesa sail again, officials said.", pid=3, article="b1", outlet="Port Daily",
                 url="")
    q1 = quote(p1, "The Odesa ferry line reopened on Monday, the port said.")
    q2 = quote(p2, '"Two sailings a week are planned," the operator said.', 0.8)
    q3 = quote(p3, "Ferries to Odesa sail again, officials said.", 0.7)
    return Answer(question="When did the ferry reopen?", quotes=(q1, q2, q3), abstained=False,
                  outlets=(OutletQuotes("Harbour Herald", (q1, q2)), OutletQuotes("Port Daily", (q3,))),
                  n_articles=2)


def test_the_chat_has_one_header_per_article_and_no_doubled_quotation_marks() -> None:
    text = render.answer_markdown(_answer())
    assert_inert(text, markdown=True)
    assert text.count("**Harbour Herald** · *Odesa ferry line reopens* · 2024-03-02") == 1
    assert text.count("**Port Daily**") == 1
    assert "**Reported by 2 outlets**" in text
    q2 = _answer().quotes[1]
    assert f"> {render.md_text(q2.text)} \\[2\\]" in text.splitlines()  # the quote as printed, no marks added
    assert "“&quot;" not in text and "&quot;”" not in text and "“\"" not in text


def test_each_quote_of_an_answer_has_its_citation_row_in_the_sources_panel() -> None:
    answer = _answer()
    panel = render.sources_html(answer)
    assert_inert(panel)
    assert panel.count('class="copy-cite"') == 3
    for q in answer.quotes:
        assert render.esc(citation(q)) in panel
    assert panel.count('<a class="cite-link"') == 2  # Port Daily has no URL
    closest = render.sources_html(Answer(question="x", quotes=answer.quotes, abstained=True, n_articles=2))
    assert "copy-cite" not in closest  # nearest passages are not quotes of an answer
