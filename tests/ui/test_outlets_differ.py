"""In real Chromium: when outlets give different answers the chat says "Outlets differ" with each outlet's quote,
and the "Where outlets differ" tab lists the claims outlets print differently."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.server import qa_serve

pytestmark = pytest.mark.browser
TIMEOUT = 90_000


@pytest.fixture(scope="module")
def conflict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import qa

    corpus = tmp_path_factory.mktemp("conflict-corpus")
    for name in ("shelter", "storm"):
        shutil.copytree(ROOT / "tests" / "data" / "conflicts" / name, corpus, dirs_exist_ok=True)
    index = tmp_path_factory.mktemp("conflict-index")
    qa.build_index(corpus, index)
    with qa_serve(index, corpus, tmp_path_factory.mktemp("conflict-server") / "server.log") as url:
        yield url


@pytest.fixture
def page(browser, conflict_server: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    pg.goto(conflict_server, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", state="visible", timeout=60_000)
    try:
        yield pg
    finally:
        context.close()


def test_the_chat_says_outlets_differ_with_both_quotes(page, screenshots: Path) -> None:
    page.locator("#question textarea").fill(
        "How many applications did the Dock Street shelter receive in its first week?")
    page.click("#ask-btn")
    chat = page.locator("#chat")
    expect(chat).to_contain_text("Outlets differ", timeout=TIMEOUT)
    text = chat.inner_text()
    assert "120 (Metro Post, Daily Ledger)" in text or "120 (Daily Ledger, Metro Post)" in text
    assert "140 (City Wire)" in text
    assert "received 140 applications for beds in its first week" in text  # City Wire's own words
    assert "counted 120 applications" in text and "received 120 applications" in text
    assert "Also retrieved, without a passage that states this" not in text
    page.evaluate("""() => document.querySelectorAll('#chat *').forEach(e => {
        if (e.scrollHeight > e.clientHeight + 4) e.scrollTop = 0; })""")  # the "Outlets differ" line in view
    page.screenshot(path=str(screenshots / "outlets-differ.png"), full_page=False)


def test_which_outlet_said_a_figure_shows_who_prints_another(page, screenshots: Path) -> None:
    page.locator("#question textarea").fill("Which outlet said the shelter received 140 applications?")
    page.click("#ask-btn")
    chat = page.locator("#chat")
    expect(chat).to_contain_text("Outlets differ", timeout=TIMEOUT)
    text = chat.inner_text()
    assert "Searched: the shelter received 140 applications" in text
    assert "140 applications (City Wire) · 120 applications (Daily Ledger, Metro Post)" in text
    marks = chat.locator("mark").all_inner_texts()  # each outlet's own figure marked in its quote
    assert marks.count("140 applications") == 1 and marks.count("120 applications") == 2, marks
    page.evaluate("""() => document.querySelectorAll('#chat *').forEach(e => {
        if (e.scrollHeight > e.clientHeight + 4) e.scrollTop = 0; })""")
    page.screenshot(path=str(screenshots / "which-outlet-said-figure.png"), full_page=False)


def test_the_differences_tab_lists_claims_printed_differently(page, screenshots: Path) -> None:
    page.get_by_role("tab", name="Where outlets differ").click()
    page.locator("#differ-topic textarea, #differ-topic input").first.fill("valley storm")
    page.click("#differ-btn")
    out = page.locator("#differ-out")
    expect(out).to_contain_text("Where outlets differ", timeout=TIMEOUT)
    text = out.inner_text()
    assert "Fifteen people" in text and "Mountain Courier" in text and "Valley Gazette" in text
    page.screenshot(path=str(screenshots / "differences-tab.png"), full_page=False)
