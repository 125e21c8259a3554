"""The UI words library errors from their fields (QAError.source/field); a URL alone is fetched and added."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qa
from tests.fakes import build_fake_index
from tests.synth import snapshot
from tests.website import OUTLET, Site
from ui.actions import FIELD_HINTS, add_article, error_text

pytestmark = pytest.mark.fast


def test_the_staged_copy_is_named_as_the_user_knows_it_and_the_fix_is_the_form_field() -> None:
    staged = Path("/tmp/newsqa-add-x/upload-0123.md")
    exc = qa.ArticleError("the article has no outlet", source=staged, field="outlet",
                          hint="give one with --outlet NAME (or an 'outlet:' field)")
    assert str(exc) == f"{staged}: the article has no outlet; give one with --outlet NAME (or an 'outlet:' field)"
    assert error_text(exc, staged, "story.md") == f"story.md: the article has no outlet; {FIELD_HINTS['outlet']}"


def test_other_sources_and_hints_are_kept() -> None:
    exc = qa.ArticleError("'T' (O) has the same text as article a1 already in corpus; nothing added",
                          hint="to replace it, run `qa remove a1` first")
    assert error_text(exc, Path("/tmp/x/upload-1.md"), "story.md") == str(exc)
    other = qa.ArticleError("no body text", source="corpus/a.md", field="body")
    assert error_text(other, Path("/tmp/x/upload-1.md"), "story.md") == "corpus/a.md: no body text"


def test_plain_value_errors_are_shown_as_they_are() -> None:
    assert error_text(ValueError("Nothing to add.")) == "Nothing to add."



def test_a_url_alone_is_fetched_and_added_and_failures_write_nothing(site: Site, seed_corpus: Path, tmp_path: Path,
                                                                     fake_encoder) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_corpus, corpus)
    index = build_fake_index(corpus, tmp_path / "index")
    before = snapshot(corpus, index)
    for url, message in ((site.url("missing.html"), f"Not added: {site.url('missing.html')}: the server answered "
                                                    "404 Not Found; check the address"),
                         (site.url("data.json"), "the server sent application/json, not a web page"),
                         (site.url("empty.html"), "no article text found in the HTML page"),
                         ("ftp://127.0.0.1/story.html", "URL must be a full web address starting with http://")):
        ok, text = add_article(None, "", url=url, index=index, corpus=corpus, allow_private=True)
        assert not ok and message in text, text
    assert snapshot(corpus, index) == before

    ok, text = add_article(None, "  ", url=site.url("story.html"), index=index, corpus=corpus)
    assert not ok and text == (f"Not added: {site.url('story.html')}: refused: 127.0.0.1 is a loopback address "
                               "(this server fetches public web pages only); give the address of the article's "
                               "page on its public site"), text  # the UI's default: public addresses only
    assert snapshot(corpus, index) == before
    ok, text = add_article(None, "  ", url=site.url("story.html"), index=index, corpus=corpus, allow_private=True)
    assert ok and text.startswith(f"Added 1 article from {OUTLET} ({site.url('story.html')}) — the index now "
                                  "holds 4 articles"), text
    (new,) = [p for p in corpus.glob("*.md") if p.name not in {Path(k).name for k in before}]
    assert "outlet: The Harbour Courier" in new.read_text(encoding="utf-8")
    answer = qa.answer("How much will the restoration of the Gullrock lighthouse cost?", index=index)
    assert answer.quotes[0].outlet == "The Harbour Courier" and "4.2 million euros" in answer.quotes[0].text

    ok, text = add_article(None, "", url=site.url("story.html"), index=index, corpus=corpus, allow_private=True)
    assert not ok and "has the same text as article 2024-03-05-the-harbour-courier" in text
    ok, text = add_article(None, "", url=site.url("plain-story.html"), outlet="Vesterby Weekly", index=index,
                           corpus=corpus, allow_private=True)
    assert ok and "Added 1 article from Vesterby Weekly" in text
    assert "Vesterby Weekly" in dict(qa.index_status(corpus, index).outlets)
