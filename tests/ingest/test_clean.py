import pytest

from qa.ingest.clean import clean_scrape, is_furniture, split_blocks
from tests.conftest import SEEDS

pytestmark = pytest.mark.fast

FURNITURE = ["News Feed", "2 min read", "Read more", "Show More", "Avatar", "Video", "About the writer",
             "Voice is AI-generated", "Senior News Editor", "TOP FINDINGS", "Investigation:",
             "Tyler Durden's Photo", "e.cook@newsweek.com", "Article image"]


def _all(path):
    return clean_scrape(path.read_text())


def test_seed_scrapes_lose_all_page_furniture():
    for path in SEEDS.glob("*.txt"):
        cleaned = _all(path)
        body = "\n".join(cleaned.paragraphs)
        for junk in FURNITURE:
            assert junk not in body, (path.name, junk)
        assert len(cleaned.paragraphs) >= 6


def test_kyiv_independent_body_title_and_caption():
    cleaned = _all(SEEDS / "000_f7b22849e1d550b6.txt")
    assert cleaned.title == "Foreigners allowed to serve in Ukraine's National Guard"
    assert cleaned.paragraphs[0].startswith('Foreigners and "stateless persons" will be allowed')
    assert cleaned.paragraphs[-1].startswith("Zelensky made several changes to National Guard leadership")
    assert len(cleaned.captions) == 1 and cleaned.captions[0].endswith("(Scott Peterson/Getty Images)")
    assert not any("Getty Images" in p for p in cleaned.paragraphs)


def test_newsweek_keeps_body_until_the_writer_bio():
    cleaned = _all(SEEDS / "002_e21ce03ddf27ffa6.txt")
    assert cleaned.title == "Americans Can Now Join Ukraine's National Guard, Zelensky Says"
    assert cleaned.paragraphs[-1].endswith("The volunteers can be as young as 18 years old.")
    assert "Ukraine National Guard" in cleaned.captions
    assert not any(p.startswith("Update 2/22/24") for p in cleaned.paragraphs)


def test_zerohedge_drops_byline_and_dateline_but_keeps_ellipsis_paragraph():
    cleaned = _all(SEEDS / "003_e84124bbd18ba557.txt")
    assert not any(p.startswith(("by Tyler", "Thursday, Feb 22")) for p in cleaned.paragraphs)
    assert "Just last week, Zelensky proposed that foreign fighters be given Ukrainian citizenship..." in \
        cleaned.paragraphs
    assert cleaned.captions == ["Early in the conflict, Ukraine formed a Foreign Legion, via WSJ"]
    assert cleaned.paragraphs[-1].startswith("Many volunteers were known to simply hang out")


def test_hard_wrapped_lines_are_joined_and_scrape_lines_are_not():
    wrapped = "The decree was signed on Wednesday by the\npresident, who said it takes effect\nat once."
    assert split_blocks(wrapped) == ["The decree was signed on Wednesday by the president, who said it "
                                     "takes effect at once."]
    assert split_blocks("Title Line\nA caption here (Getty Images)") == ["Title Line",
                                                                         "A caption here (Getty Images)"]


def test_is_furniture():
    assert is_furniture("3 min read") and is_furniture("Show More") and is_furniture("News Feed")
    assert not is_furniture("Readers were shown more evidence.")
