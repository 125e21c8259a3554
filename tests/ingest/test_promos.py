"""Publisher promotions inside an article's text (qa/ingest/promos.py): dropped, while story sentences that
merely mention an inbox, a sign-up or a registration are kept."""

from __future__ import annotations

import pytest

from qa.ingest.clean import clean_paragraphs
from qa.ingest.promos import is_promo
from qa.ingest.wire import IMAGE_CREDIT

pytestmark = pytest.mark.fast

STORY = "Network Rail imposed emergency speed limits across southern England on Thursday, the company said."


@pytest.mark.parametrize("line", [
    "Sign up to Business Today Get set for the working day – we'll point you to all the business news you need",
    "Privacy Notice: Newsletters may contain info about charities, online ads, and content funded by outside parties.",
    "after newsletter promotion",
    "… we have a small favour to ask. Millions are turning to us for open, independent, quality news every day.",
    "ORIGINAL REPORTING ON EVERYTHING THAT MATTERS IN YOUR INBOX.",
    "By signing up, you agree to the Terms of Use and Privacy Policy & to receive electronic communications.",
    "Follow Becky Ferreira on Twitter.",
    "Follow us on Facebook and Instagram",
    "Join Threatpost for “Fortifying Your Business Against Ransomware” – a LIVE roundtable event on Wed, May 12. "
    "Register here for the Wed., May 12 LIVE event.",
    "Download our exclusive FREE Insider eBook, “2021: The Evolution of Ransomware.” Click here to register!",
    "Read: Why California’s wildfires are getting worse",
    "Share this story", "Reuse this content", "Explore more on these topics", "You May Also Like", "Most viewed",
    "Sign up for Verge Deals to get deals on products we've tested sent to your inbox daily.",
])
def test_promotions_are_furniture(line: str) -> None:
    assert is_promo(line)
    assert clean_paragraphs([STORY, line]) == [STORY]


@pytest.mark.parametrize("line", [
    STORY,
    "Spam that lands in your inbox was down 20 percent last year, the security firm found in its annual survey.",
    "Voters must register now if they want to take part in the referendum, election officials said on Monday.",
    "Researchers asked volunteers to click here and there on a screen to measure their reaction times.",
    "Sign-ups to the heat pump scheme closed on Friday, with 2,000 households enrolled, the council said.",
    "Follow-up studies will test whether the bacteria can digest other plastics.",
    "Readers shared the story widely, and the council's comments page filled within hours.",
])
def test_story_sentences_are_kept(line: str) -> None:
    assert not is_promo(line)
    assert clean_paragraphs([line]) == [line]


@pytest.mark.parametrize(("line", "credit"), [
    ("Photo by Vjeran Pavic / The Verge", True),
    ("Photograph by Justin Sullivan, Getty Images", True),
    ("Engineers inspect a buckled rail near Kettering. Photograph: Joe Giddens/PA", True),
    ("Image: Apple", True),
    ("Workers install a heat pump. (Credit: John Tully / Grist)", True),
    ("Photographs by amateurs were shown in the museum's new wing this spring.", False),
    ("The image: a city under water, shown to delegates at the summit.", False),
])
def test_photo_credits_end_a_caption(line: str, credit: bool) -> None:
    assert bool(IMAGE_CREDIT.search(line)) is credit
