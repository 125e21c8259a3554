"""The Library tab in Chromium: search the articles, read one, remove one (its own server: it deletes)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

import qa
from tests.server import qa_serve
from ui import library

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shelf(ui_corpus: Path, ui_index: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """A server over copies of the UI corpus and index: ``(url, corpus, index)``."""
    root = tmp_path_factory.mktemp("library")
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(ui_corpus, corpus)
    shutil.copytree(ui_index, index)
    with qa_serve(index, corpus, root / "server.log") as url:
        yield url, corpus, index


@pytest.mark.fast
def test_handlers_list_read_and_refuse_without_raising(ui_corpus: Path) -> None:
    listed, summary = library.choices(ui_corpus, "batumi")
    assert [label for label, _ in listed] == ["Odesa ferry line to Batumi reopens — Harbour Herald, 2024-03-02"]
    assert summary.startswith("1 article match")
    html = library.article_html(listed[0][1], ui_corpus)
    assert "by Ina Moroz" in html and 'data-paragraph="1"' in html and "Open article ↗" in html
    xss = library.article_html(next(aid for _, aid in library.choices(ui_corpus, "evil")[0]), ui_corpus)
    assert "<script>" not in xss and "&lt;script&gt;" in xss and 'href="javascript' not in xss
    assert "is not an article of" in library.article_html("no-such-article", ui_corpus)
    assert library.remove("", ui_corpus, ui_corpus) == (False, "Choose an article first.")


def test_search_read_and_remove_an_article(browser: Browser, shelf: tuple[str, Path, Path]) -> None:
    url, corpus, index = shelf
    before = len(qa.list_articles(corpus))
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    page.goto(url, wait_until="domcontentloaded")
    page.click("button[role=tab]:has-text('Library')")
    expect(page.locator("#library-count")).to_contain_text(f"{before} articles")
    page.locator("#library-search textarea, #library-search input").first.fill("Batumi")
    expect(page.locator("#library-count")).to_contain_text("1 article match")
    page.click("#library-list input")
    page.locator("[role=option]", has_text="Odesa ferry line to Batumi reopens").click()
    view = page.locator("#library-article")
    expect(view.locator("h3")).to_have_text("Odesa ferry line to Batumi reopens")
    expect(view).to_contain_text("by Ina Moroz")
    expect(view.locator(".library-paragraph")).to_have_count(2)
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#library-remove")
    expect(page.locator("#library-status")).to_contain_text("Removed “Odesa ferry line to Batumi reopens”",
                                                            timeout=120_000)
    expect(page.locator("#library-count")).to_contain_text("0 articles match")
    assert len(qa.list_articles(corpus)) == before - 1
    result = qa.answer("How much do tickets for the Odesa to Batumi ferry cost?", index=index)
    assert all(q.passage.outlet != "Harbour Herald" for q in result.quotes)
    page.context.close()
