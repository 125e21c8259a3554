"""News pages that reproduce twelve real outlets' furniture (tests/data/pages), fetched from the local site.

Each page is served on 127.0.0.1 by :mod:`tests.website` and read through the public ``qa.fetch_article``
(fetch → trafilatura → JSON-LD → cleaning): the expected snippets are in the body, the furniture is not,
and the metadata is the page's published date, its title without the site suffix and a person's byline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import qa
from tests.website import PAGES as PAGES_DIR
from tests.website import Site

# page: (outlet, author, published, title, a sentence kept, furniture that must be gone)
PAGES = {
    "reuters": ("Reuters", "Pavel Polityuk", "2022-02-24", "Ukraine says grain corridor ships reached Istanbul",
                "Three ships carrying Ukrainian maize reached Istanbul on Thursday",
                ["KYIV, Feb 24 (Reuters)", "(Reuters)", "Reporting by", "Editing by", "Our Standards"]),
    "dw": ("Deutsche Welle", "Jane Roe", "2020-01-19", "Germany agrees coal exit compensation for power plants",
           "agreed late on Wednesday to pay operators 4.35 billion euros",
           ["Read more", "| DW", "19.01.2020"]),
    "salon": ("Salon.com", "Maria Gallucci", "2021-03-14", "The town that went all-in on heat pumps",
              "more than a third of households have made the same switch",
              ["(Credit:", "Grist", "originally published"]),
    "vancouversun": ("Vancouver Sun", "", "2020-11-09", "B.C. port strike ends after mediator's deal",
                     "Longshore workers at the Port of Vancouver returned to work on Monday",
                     ["VANCOUVER (Reuters)", "Related", "Container backlog to take weeks", "© Thomson Reuters"]),
    "physorg": ("Phys.org", "", "2019-10-01", "Bats navigate using the Earth's magnetic field, study finds",
                "calibrate an internal magnetic compass at sunset",
                ["© 2019 Science X Network", "More information", "Provided by", "Citation:", "subject to copyright"]),
    "nature": ("Nature", "", "2019-10-02", "The ocean is warming faster than thought",
               "absorbed about 40 percent more heat since 1991", ["Nature 574, 16-17 (2019)", "doi:"]),
    "scmp": ("South China Morning Post", "Kathleen Magramo", "2020-06-03",
             "Hong Kong to expand cross-harbour ferry routes",
             "Officials expect the services to carry about 12,000 passengers a day",
             ["enable JavaScript"]),
    "guardian": ("The Guardian", "Gwyn Topham", "2019-07-25",
                 "Heatwave pushes UK rail network to its limits as tracks buckle",
                 "Track temperatures reached 49C in places",
                 ["Sign up to", "Privacy Notice", "newsletter promotion", "small favour to ask", "| Transport",
                  "Reuse this content", "Photograph:"]),
    "theverge": ("The Verge", "Chaim Gartenberg", "2019-06-04",
                 "Apple’s iOS 13 will let you send unknown callers straight to voicemail",
                 "checks each incoming number against your contacts",
                 ["Related", "The FCC wants carriers", "Photo by", "Share this story", "Verge Deals", "- The Verge"]),
    "vice": ("VICE", "Becky Ferreira", "2020-03-04", "Scientists Found Caterpillars That Can Digest Plastic Bags",
             "can live for more than a year on a diet of nothing but polyethylene",
             ["IN YOUR INBOX", "By signing up", "Follow Becky Ferreira", "Image:", "- VICE"]),
    "threatpost": ("Threatpost", "Tara Seals", "2021-05-11", "Microsoft Patches Windows Zero-Day Under Active Attack",
                   "a privilege-escalation bug in the Windows kernel",
                   ["Join Threatpost", "Register here", "Click here to register", "eBook", "Share this article",
                    "Write a comment", "| Threatpost"]),
    "natgeo": ("National Geographic", "Sarah Gibbens", "2019-10-28",
               "Hungry goats are helping California fight wildfires", "A herd of 400 goats can clear about an acre",
               ["Read: Why", "Photograph by", "RELATED TOPICS", "You May Also Like", "© 1996"]),
}


@pytest.mark.fast
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_is_read_without_its_furniture(site: Site, page: str) -> None:
    outlet, author, published, title, kept, gone = PAGES[page]
    article = qa.fetch_article(site.url(f"pages/{page}.html"))
    body = "\n".join(article.body)
    assert kept in body
    for junk in gone:
        assert junk not in body, (page, junk)
        assert junk not in article.title, (page, junk)
    assert (article.outlet, article.author, article.published, article.title) == (outlet, author, published, title)


@pytest.mark.fast
def test_image_credits_become_captions(site: Site) -> None:
    article = qa.fetch_article(site.url("pages/salon.html"))
    assert article.captions == ("Workers install a heat pump outside a house in Montpelier, Vermont. "
                                "(Credit: John Tully / Grist)", "(Credit: Efficiency Vermont / Grist)")


@pytest.mark.fast
def test_story_only_in_json_ld_is_read_from_article_body(site: Site) -> None:
    article = qa.fetch_article(site.url("pages/scmp.html"))
    assert len(article.body) == 4 and article.body[0].startswith("Hong Kong will add three cross-harbour ferry")


@pytest.mark.fast
def test_site_domain_as_name_gives_the_brand_and_an_organisation_is_not_the_author() -> None:
    from qa.ingest.webpage import page_fields

    html = (Path(__file__).resolve().parents[1] / "data" / "pages" / "dw.html").read_text()
    start, end = html.index('<script type="application/ld+json">'), html.index("</script>") + len("</script>")
    fields = page_fields(html[:start] + html[end:], "dw.html")  # og:site_name DW.COM, meta author the company
    assert (fields["outlet"], fields["author"]) == ("DW", "Jane Roe")
    assert fields["title"] == "Germany agrees coal exit compensation for power plants"


@pytest.mark.fast
def test_a_front_page_is_refused_and_nothing_is_written(site: Site, tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    with pytest.raises(qa.ArticleError, match="no article text found in the HTML page") as refused:
        qa.add_urls([site.url("pages/frontpage.html")], corpus=corpus, index=index)
    assert refused.value.field == "body" and "front page" in str(refused.value)
    assert not corpus.exists() and not index.exists()


def test_wire_story_added_by_address_indexes_no_dateline_or_trailer(site: Site, tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    qa.add_urls([site.url("pages/reuters.html")], corpus=corpus, index=index, progress=False)
    (stored,) = corpus.glob("*.md")
    text = stored.read_text()
    assert "author: Pavel Polityuk" in text and "published: '2022-02-24'" in text
    assert "(Reuters) -" not in text and "Editing by" not in text
    passages = qa.retrieve("Who edited the story about grain ships reaching Istanbul?", k=5, index=index)
    assert passages and not any("Editing by" in p.text or "Reuters)" in p.text for p in passages)


@pytest.mark.fast
def test_all_twelve_outlets_of_the_issue_have_a_page() -> None:
    assert len(PAGES) == 12 and (PAGES_DIR / "README.md").is_file()
    assert sorted(p.stem for p in PAGES_DIR.glob("*.html")) == sorted([*PAGES, "frontpage"])


@pytest.mark.fast
@pytest.mark.parametrize(("page", "captions"), [
    ("theverge", ("Photo by Vjeran Pavic / The Verge",)),
    ("natgeo", ("Photograph by Justin Sullivan, Getty Images",)),
])
def test_photo_credit_lines_become_captions_not_paragraphs(site: Site, page: str, captions: tuple[str, ...]) -> None:
    article = qa.fetch_article(site.url(f"pages/{page}.html"))
    assert article.captions == captions
    assert not any(c in p for p in article.body for c in captions)


@pytest.mark.fast
def test_an_author_given_by_json_ld_reference_is_read_without_a_visible_byline() -> None:
    from qa.ingest.webpage import page_fields

    html = (PAGES_DIR / "threatpost.html").read_text()
    start = html.index('<div class="c-article__author">')
    end = html.index("</div>", start) + len("</div>")
    fields = page_fields(html[:start] + html[end:], "threatpost.html")  # Yoast @graph: author {"@id": …} → Person
    assert fields["author"] == "Tara Seals" and fields["published"].startswith("2021-05-11")


def test_promotions_of_the_new_pages_are_never_indexed(site: Site, tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    urls = [site.url(f"pages/{p}.html") for p in ("guardian", "theverge", "vice", "threatpost", "natgeo")]
    qa.add_urls(urls, corpus=corpus, index=index, progress=False)
    stored = "\n".join(p.read_text() for p in corpus.glob("*.md"))
    assert len(list(corpus.glob("*.md"))) == 5 and "author: Tara Seals" in stored
    for question in ("How do I sign up for the newsletter and register for the live event?",
                     "Where can I download the free ebook or follow the reporter on Twitter?"):
        for passage in qa.retrieve(question, k=10, index=index):
            for junk in ("Sign up", "Privacy Notice", "Register here", "Click here", "INBOX", "Follow ", "eBook"):
                assert junk not in passage.text, (question, passage.text)
