"""End-to-end tests of the Gradio UI in headless Chromium: real server, real index, no mocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.ui.conftest import ALLOWED_HOST, URL_ARTICLE_URL

pytestmark = pytest.mark.browser

ANSWER_TIMEOUT = 90_000  # the server loads the embedding model on its first question
ADD_TIMEOUT = 150_000
XSS_OUTLET = "Evil Gazette"  # the article conftest.XSS_ARTICLE adds to the corpus
XSS_QUESTION = ("When will the orbital lighthouse on Zmiinyi Island be completed? "
                "<img src=x onerror=window.__xss=2>")

NEW_ARTICLE = """Kharkiv approves a bicycle bridge

The Kharkiv city council approved a new bicycle bridge over the Lopan river on Tuesday, officials said.

The bicycle bridge will cost 40 million hryvnias and is due to open in the spring of 2026, according to \
the city council.
"""


def ask(page: Page, question: str) -> None:
    """Type a question, submit it, and wait until the answer has replaced the 'Searching' note."""
    box = page.locator("#question textarea")
    box.fill(question)
    page.click("#ask-btn")
    expect(page.locator("#chat")).not_to_contain_text("Searching the articles", timeout=ANSWER_TIMEOUT)
    expect(box).to_have_value("")


def wait_answer(page: Page, text: str) -> None:
    expect(page.locator("#chat")).to_contain_text(text, timeout=ANSWER_TIMEOUT)
    expect(page.locator("#chat")).not_to_contain_text("Searching the articles", timeout=ANSWER_TIMEOUT)


def test_answer_shows_marked_quote_and_outlet(page: Page, screenshots: Path) -> None:
    ask(page, "Who signed the decree allowing foreigners into the National Guard?")
    wait_answer(page, "Reported by")
    chat = page.locator("#chat")
    expect(chat).to_contain_text("Kyiv Independent")
    expect(chat).to_contain_text("President Volodymyr Zelensky")
    card = page.locator("#sources-panel .source-card.supporting").first
    expect(card.locator(".outlet-badge")).to_have_text("Kyiv Independent")
    expect(card.locator("mark.quote")).to_contain_text("decree signed Feb. 21 by President Volodymyr Zelensky")
    expect(card.locator(".card-title")).to_contain_text("Foreigners allowed to serve")
    expect(card.locator(".score")).to_contain_text("confidence")
    page.screenshot(path=str(screenshots / "answer.png"), full_page=True)


def test_the_short_answer_leads_in_bold_and_is_bold_inside_the_highlight(page: Page, screenshots: Path) -> None:
    ask(page, "Who signed the decree allowing foreigners into the National Guard?")
    wait_answer(page, "Reported by")
    lead = page.locator("#chat b.short-answer").last
    expect(lead).to_contain_text("Zelensky")
    answer = lead.inner_text()
    marked = page.locator("#sources-panel .source-card.supporting").first.locator("mark.answer b")
    expect(marked).to_have_text(answer)
    expect(page.locator("#sources-panel mark.quote").first).to_contain_text(answer)
    page.screenshot(path=str(screenshots / "short-answer.png"), full_page=True)


def test_a_weak_best_match_says_it_may_not_answer(page: Page, screenshots: Path) -> None:
    ask(page, "How much are soldiers paid?")  # no article says; the closest passage is over the abstention bar
    wait_answer(page, "Not sure")
    hedge = page.locator("#chat .tentative").last
    expect(hedge).to_contain_text("the closest passages may not answer this (best confidence")
    expect(page.locator("#chat")).to_contain_text("Closest match from")
    assert page.locator("#chat b.short-answer").count() == 0
    page.screenshot(path=str(screenshots / "tentative.png"), full_page=True)


def test_example_question_then_follow_up_keeps_history(page: Page) -> None:
    page.locator("#examples button", has_text="Which ministry does the National Guard belong to?").click()
    wait_answer(page, "Interior Ministry")
    expect(page.locator("#sources-panel mark.quote").first).to_contain_text("Interior Ministry")
    ask(page, "Who signed the decree allowing foreigners into the National Guard?")
    wait_answer(page, "Volodymyr Zelensky")
    chat = page.locator("#chat")
    expect(chat).to_contain_text("Which ministry does the National Guard belong to?")
    expect(chat).to_contain_text("Interior Ministry")
    expect(chat.get_by_text("Reported by")).to_have_count(2)


def test_follow_up_is_resolved_from_the_conversation_and_says_what_was_searched(page: Page,
                                                                                screenshots: Path) -> None:
    ask(page, "Who signed the decree allowing foreigners into the National Guard?")
    wait_answer(page, "Volodymyr Zelensky")
    ask(page, "When did he sign it?")
    wait_answer(page, "Searched: When did")
    chat = page.locator("#chat")
    searched = chat.get_by_text("Searched:").last.inner_text()
    assert "Zelensky" in searched and "decree" in searched, searched
    reply = chat.locator(".message-row, .message").last.inner_text()
    assert "Feb. 21" in reply or "Wednesday" in reply, reply
    expect(page.locator("#sources-panel mark.quote").first).to_contain_text(re.compile(r"Feb\. 21|Wednesday"))
    page.screenshot(path=str(screenshots / "follow-up.png"), full_page=True)
    page.click("#clear-btn")  # wait until the clear has landed (it also empties the question box)
    expect(page.locator('#sources-panel [data-state="empty"]')).to_have_count(1, timeout=30_000)
    expect(page.locator("#chat")).not_to_contain_text("Searched:", timeout=30_000)
    ask(page, "When did he sign it?")
    wait_answer(page, "When did he sign it?")
    expect(page.locator("#chat")).not_to_contain_text("Searched:")


def test_a_misspelled_question_says_what_was_searched_and_answers(page: Page) -> None:
    ask(page, "wich ministery dose the natonal gard belong too?")
    wait_answer(page, "Searched: which ministry does the national guard belong too?")
    expect(page.locator("#chat")).to_contain_text("Interior Ministry")
    expect(page.locator("#sources-panel mark.quote").first).to_contain_text("Interior Ministry")


def test_which_outlet_said_a_claim_names_the_outlet_that_prints_it(page: Page, screenshots: Path) -> None:
    ask(page, "Which outlet said the contract lasts three years?")
    wait_answer(page, "Searched: the contract lasts three years")
    chat = page.locator("#chat")
    expect(chat).to_contain_text("Reported by 1 outlet")
    reply = chat.locator(".message-row, .message").last.inner_text()
    assert "ZeroHedge" in reply and "initial three-year period" in reply, reply
    expect(page.locator("#sources-panel mark.quote").first).to_contain_text("initial three-year period")
    page.screenshot(path=str(screenshots / "which-outlet-said.png"), full_page=True)


def test_outlet_filter_limits_sources(page: Page, screenshots: Path) -> None:
    page.click("#outlet-filter input")
    page.locator("#outlet-filter [role=option]", has_text="Newsweek").click()
    page.keyboard.press("Escape")
    ask(page, "Who signed the decree allowing foreigners into the National Guard?")
    wait_answer(page, "searched only Newsweek")
    cards = page.locator("#sources-panel .source-card")
    expect(cards.first).to_be_visible()
    outlets = cards.evaluate_all("cards => cards.map(c => c.dataset.outlet)")
    assert outlets and set(outlets) == {"Newsweek"}, outlets
    expect(page.locator("#sources-panel .outlet-badge", has_text="Kyiv Independent")).to_have_count(0)
    page.screenshot(path=str(screenshots / "filter.png"), full_page=True)


def test_script_injection_in_articles_and_question_is_inert(page: Page, screenshots: Path) -> None:
    ask(page, XSS_QUESTION)
    wait_answer(page, "Reported by")
    panel = page.locator("#sources-panel")
    card = panel.locator(f'.source-card[data-outlet="{XSS_OUTLET}"]').first
    expect(card.locator("mark.quote")).to_contain_text("completed in March 2031")
    # The markup is shown as text, never run or turned into elements/links.
    expect(card.locator(".passage")).to_contain_text("<script>window.__xss=1</script>")
    expect(card.locator(".passage")).to_contain_text('<img src=x onerror="window.__xss=1">')
    expect(card.locator(".passage")).to_contain_text("[click](javascript:window.__xss=1)")
    expect(card.locator(".card-title")).to_contain_text('<img src=x onerror="window.__xss=1">')
    expect(page.locator("#chat")).to_contain_text("<img src=x onerror=window.__xss=2>")
    expect(page.locator("#chat")).to_contain_text("Evil Gazette")
    assert page.evaluate("window.__xss") is None
    for selector in ('a[href^="javascript"]', 'img[src="x"]', "#chat script", "#sources-panel script",
                     "[onerror]", "[onmouseover]"):
        assert page.locator(selector).count() == 0, selector
    assert card.locator(".card-title a").count() == 0  # its url is javascript:, so no link at all
    page.screenshot(path=str(screenshots / "xss.png"), full_page=True)


def test_abstains_on_unanswerable_question(page: Page, screenshots: Path) -> None:
    ask(page, "Who won the 2024 Super Bowl?")
    wait_answer(page, "None of the")
    chat = page.locator("#chat")
    expect(chat).to_contain_text("indexed articles answers this.")
    expect(chat).to_contain_text("Closest passages")
    expect(chat).not_to_contain_text("Reported by")
    panel = page.locator("#sources-panel")
    expect(panel.locator(".sources-heading")).to_have_text("Closest passages")
    expect(panel.locator(".source-card.closest").first).to_be_visible()
    assert panel.locator("mark").count() == 0  # nearest passages are never highlighted as answers
    page.screenshot(path=str(screenshots / "abstain.png"), full_page=True)


def test_error_is_a_message_not_a_traceback(page: Page) -> None:
    page.locator("#question textarea").fill("?!?")  # no words (an empty one is only a hint: test_newcomer_ui)
    page.click("#ask-btn")
    wait_answer(page, "Could not answer")
    chat = page.locator("#chat")
    expect(chat).to_contain_text("the question has no words")
    expect(chat).not_to_contain_text("Traceback")


def _open_add_tab(page: Page) -> None:
    page.get_by_role("tab", name="Add article").click()
    expect(page.locator("#add-btn")).to_be_visible()


def test_add_refuses_article_without_outlet(page: Page) -> None:
    _open_add_tab(page)
    page.locator("#add-text textarea").fill(NEW_ARTICLE)
    page.click("#add-btn")
    status = page.locator(".add-status.error")
    expect(status).to_contain_text("Outlet is required", timeout=30_000)


def test_added_article_is_answerable_without_restart(page: Page, screenshots: Path, ui_corpus: Path) -> None:
    _open_add_tab(page)
    page.locator("#add-text textarea").fill(NEW_ARTICLE)
    page.locator("#add-outlet textarea").fill("Test Tribune")
    page.locator("#add-date textarea").fill("2024-03-05")
    page.locator("#add-url textarea").fill("https://example.org/kharkiv-bridge")
    page.click("#add-btn")
    expect(page.locator(".add-status.ok")).to_contain_text("Added 1 article from Test Tribune",
                                                           timeout=ADD_TIMEOUT)
    for field in ("add-text", "add-outlet", "add-title", "add-author", "add-date", "add-url"):  # a clean form
        expect(page.locator(f"#{field} textarea")).to_have_value("")
    expect(page.locator("#index-info")).to_contain_text("Test Tribune")
    page.screenshot(path=str(screenshots / "add_article.png"), full_page=True)

    page.get_by_role("tab", name="Chat").click()
    ask(page, "How much will the bicycle bridge over the Lopan river cost?")
    wait_answer(page, "Test Tribune")
    expect(page.locator("#chat")).to_contain_text("40 million hryvnias")
    card = page.locator('#sources-panel .source-card.supporting[data-outlet="Test Tribune"]',
                        has=page.locator("mark.quote", has_text="40 million hryvnias"))
    expect(card).to_have_count(1)
    link = card.locator(".card-title a")
    expect(link).to_have_attribute("href", "https://example.org/kharkiv-bridge")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    page.screenshot(path=str(screenshots / "added_answer.png"), full_page=True)


def test_article_added_by_url_is_answerable_with_its_outlet(page: Page, site, screenshots: Path) -> None:
    from tests.website import CANONICAL, OUTLET

    _open_add_tab(page)  # the trusted test host (127.0.0.1 itself is refused: tests/ui/test_forgery.py)
    page.locator("#add-url textarea").fill(site.url("/story.html").replace("127.0.0.1", ALLOWED_HOST))
    page.click("#add-btn")
    expect(page.locator(".add-status.ok")).to_contain_text(OUTLET, timeout=ADD_TIMEOUT)
    expect(page.locator("#index-info")).to_contain_text(OUTLET)
    page.get_by_role("tab", name="Chat").click()
    ask(page, "How much will the Gullrock lighthouse restoration cost?")
    wait_answer(page, "4.2 million euros")
    card = page.locator(f'#sources-panel .source-card.supporting[data-outlet="{OUTLET}"]').first
    expect(card.locator("mark.quote")).to_contain_text("4.2 million euros")
    expect(card.locator(".card-title a")).to_have_attribute("href", CANONICAL)
    page.screenshot(path=str(screenshots / "added_by_url.png"), full_page=True)


def test_upload_keeps_only_the_suffix_of_the_file_name(page: Page, ui_corpus: Path) -> None:
    before = {p.name for p in ui_corpus.iterdir()}
    _open_add_tab(page)
    body = ("---\ntitle: Odesa opens a seawater desalination plant\noutlet: Upload Weekly\n"
            "published: '2024-03-07'\n---\n\nThe Odesa desalination plant will supply 12,000 litres "
            "of drinking water per hour to the Black Sea port, its operator said on Thursday.\n")
    page.locator("#add-file input[type=file]").set_input_files(
        files=[{"name": "../../etc/passwd; rm -rf ~.md", "mimeType": "text/markdown",
                "buffer": body.encode()}])
    page.click("#add-btn")
    expect(page.locator(".add-status.ok")).to_contain_text("Added 1 article", timeout=ADD_TIMEOUT)
    new = {p.name for p in ui_corpus.iterdir()} - before
    assert len(new) == 1 and "passwd" not in next(iter(new)), new
    assert not (ui_corpus.parent / "etc").exists()
    page.get_by_role("tab", name="Chat").click()
    ask(page, "How much drinking water will the Odesa desalination plant supply?")
    wait_answer(page, "Upload Weekly")
    expect(page.locator("#sources-panel mark.quote").first).to_contain_text("12,000 litres")


def test_no_label_covers_the_first_line_of_the_chat(page: Page) -> None:
    ask(page, "Who signed the decree allowing foreigners into the National Guard?")
    wait_answer(page, "Reported by")
    first = page.locator("#chat .message").first
    covering = first.evaluate("""m => {
        let box = m.parentElement;  // the scrolling list of messages
        while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowY)) box = box.parentElement;
        const r = (box || m).getBoundingClientRect();
        const overlaps = b => b.width > 0 && b.height > 0 && b.left < r.right && b.right > r.left
                              && b.top < r.bottom && b.bottom > r.top;
        return [...m.closest('#chat').querySelectorAll('*')].filter(e =>
            !e.closest('.message') && !(box || m).contains(e) && !e.contains(m)
            && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
            && overlaps(e.getBoundingClientRect())).map(e => e.outerHTML.slice(0, 120));
    }""")
    assert covering == []


def test_each_quote_can_be_copied_as_a_citation_and_opens_its_article(page: Page, screenshots: Path,
                                                                      ui_server: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=ui_server.rstrip("/"))
    ask(page, "Which ministry does the National Guard belong to?")  # the buttons work after the panel changes
    wait_answer(page, "Interior Ministry")
    ask(page, "When did the ferry line between Odesa and Batumi reopen?")
    wait_answer(page, "Harbour Herald")
    card = page.locator('#sources-panel .source-card.supporting[data-outlet="Harbour Herald"]').first
    quote = card.locator("mark.quote").first.text_content()
    assert quote and "reopened on Monday" in quote
    expected = f"“{quote}” — Harbour Herald, Odesa ferry line to Batumi reopens, 2024-03-02, {URL_ARTICLE_URL}"
    cite = card.locator(".cite").first
    expect(cite.locator(".cite-text")).to_have_text(expected)
    button = cite.locator("button.copy-cite")
    expect(button).to_be_visible()
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == expected
    link = cite.locator("a.cite-link")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", URL_ARTICLE_URL)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    page.screenshot(path=str(screenshots / "citation.png"), full_page=True)
