"""What a newcomer hit in the chat (issue 20), in real Chromium against the real server.

Typed text survives an answer, an empty question is only a hint, every text meets WCAG AA in both
themes (measured from computed styles: tests/ui/contrast.py), outlet badges differ, bylines and
metadata answers show, and a 400 px phone gets a short empty chat with the sources one scroll away.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.ui.contrast import AA, CONTRAST_JS

pytestmark = pytest.mark.browser

ANSWER_TIMEOUT = 90_000
DECREE = "Who signed the decree allowing foreigners into the National Guard?"


def _open(browser: Browser, url: str, width: int = 1400, height: int = 1000, scheme: str = "light") -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("#question textarea", state="visible", timeout=60_000)
    return page


def _ask(page: Page, question: str, expected: str = "Reported by") -> None:
    page.locator("#question textarea").fill(question)
    page.click("#ask-btn")
    expect(page.locator("#chat")).to_contain_text(expected, timeout=ANSWER_TIMEOUT)
    expect(page.locator("#chat")).not_to_contain_text("Searching the articles", timeout=ANSWER_TIMEOUT)


def _failures(page: Page) -> list[dict]:
    page.wait_for_timeout(800)  # transitions (progress overlays, fades) settle before colours are read
    pairs = page.evaluate(CONTRAST_JS, None)
    assert len(pairs) > 15, pairs  # the page was measured, not an empty shell
    return [p for p in pairs if p["ratio"] < AA]


def test_text_typed_while_an_answer_loads_is_kept(browser: Browser, ui_server: str) -> None:
    page = _open(browser, ui_server)
    box = page.locator("#question textarea")
    box.fill(DECREE)
    page.click("#ask-btn")
    expect(box).to_have_value("")  # the asked question leaves the box at once
    box.press_sequentially("When did he sign it?", delay=80)  # typed while the answer loads (1.6 s)
    expect(page.locator("#chat")).to_contain_text("Reported by", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#chat")).not_to_contain_text("Searching the articles", timeout=ANSWER_TIMEOUT)
    page.wait_for_timeout(500)
    expect(box).to_have_value("When did he sign it?")
    page.context.close()


def test_empty_question_is_a_hint_without_a_bubble_and_keeps_the_sources(browser: Browser, ui_server: str) -> None:
    page = _open(browser, ui_server)
    _ask(page, DECREE)
    cards = page.locator("#sources-panel .source-card")
    n_cards, bubbles = cards.count(), page.locator("#chat .message-row, #chat .message").count()
    assert n_cards > 0
    page.click("#ask-btn")  # nothing typed
    expect(page.locator(".toast-body").first).to_contain_text("Type a question first", timeout=30_000)
    page.wait_for_timeout(1000)
    expect(page.locator("#chat")).not_to_contain_text("(empty question)")
    assert page.locator("#chat .message-row, #chat .message").count() == bubbles
    expect(cards).to_have_count(n_cards)
    expect(page.locator('#sources-panel [data-state="answered"]')).to_have_count(1)
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_meets_wcag_aa_in_both_themes(browser: Browser, ui_server: str, screenshots: Path,
                                                 scheme: str) -> None:
    page = _open(browser, ui_server, scheme=scheme)
    assert page.evaluate("document.body.classList.contains('dark')") == (scheme == "dark")
    _ask(page, DECREE)
    short = page.locator("#chat mark.answer b").last  # the bold short answer inside its highlight
    expect(short).to_be_visible()
    failures = _failures(page)
    page.screenshot(path=str(screenshots / f"{'desktop' if scheme == 'light' else 'dark'}.png"), full_page=True)
    _ask(page, "Who wrote the Newsweek article?", "From the article")
    failures += _failures(page)
    page.click("button[role=tab]:has-text('Add article')")
    expect(page.locator("#add-btn")).to_be_visible()
    failures += _failures(page)
    assert not failures, "\n".join(map(str, failures))
    page.context.close()


def test_outlet_badges_of_one_answer_have_distinct_colours(browser: Browser, ui_server: str) -> None:
    page = _open(browser, ui_server)
    _ask(page, "Can foreign women be recruited into Ukraine's National Guard?")
    badges = page.locator("#sources-panel .outlet-badge")
    expect(badges.first).to_be_visible()
    colours = badges.evaluate_all("bs => bs.map(b => [b.textContent, getComputedStyle(b).backgroundColor])")
    by_outlet = dict(colours)
    assert len(by_outlet) >= 2, colours
    assert len(set(by_outlet.values())) == len(by_outlet), colours  # one colour per outlet, none shared
    page.context.close()


def test_bylines_show_and_who_wrote_is_answered_from_metadata(browser: Browser, ui_server: str,
                                                              screenshots: Path) -> None:
    page = _open(browser, ui_server)
    _ask(page, DECREE)
    card = page.locator('#sources-panel .source-card[data-outlet="Kyiv Independent"]').first
    expect(card.locator(".byline")).to_have_text("by Abbey Fenbert")
    expect(page.locator("#chat")).to_contain_text("by Abbey Fenbert")  # the quote's header
    _ask(page, "Who wrote the Newsweek article?", "From the article")
    reply = page.locator("#chat .message-row, #chat .message").last
    expect(reply).to_contain_text("not a quote")
    expect(reply.locator("b.metadata-value")).to_have_text("Ellie Cook")
    page.screenshot(path=str(screenshots / "metadata.png"), full_page=True)
    page.context.close()


def test_phone_layout_keeps_controls_on_the_first_screen_and_sources_one_scroll_away(
        browser: Browser, ui_server: str, screenshots: Path) -> None:
    page = _open(browser, ui_server, width=400, height=800)
    box = page.locator("#chat").bounding_box()
    assert box is not None and box["height"] <= 200, box  # was 520 px of empty box
    for control in ("#examples", "#outlet-filter"):
        bounds = page.locator(control).bounding_box()
        assert bounds is not None and bounds["y"] + bounds["height"] <= 800, (control, bounds)
    _ask(page, DECREE)
    page.wait_for_timeout(500)
    chat = page.locator("#chat").bounding_box()
    heading = page.locator("#sources-panel .sources-heading").bounding_box()
    assert chat is not None and chat["height"] <= 0.5 * 800, chat
    assert heading is not None and heading["y"] + heading["height"] <= 2 * 800, heading  # one screen down
    page.screenshot(path=str(screenshots / "mobile-400.png"), full_page=True)
    page.context.close()
