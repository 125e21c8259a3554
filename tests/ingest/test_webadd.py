"""`qa add URL` and `qa add --feed URL` through the real CLI, a real local HTTP server and a real index.

The index is built with the fake encoder (model-free); tests/cli/test_web_cli.py does the same with
the real model. Every refused address must leave corpus/ and index/ byte-identical.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qa
from qa.cli import main
from qa.model import use_encoder
from tests.fakes import FakeEncoder, build_fake_index
from tests.server import free_port
from tests.synth import snapshot
from tests.website import CANONICAL, OUTLET, STORY_TITLE, Site

pytestmark = pytest.mark.fast
COST_QUESTION = "How much will the restoration of the Gullrock lighthouse cost?"


@pytest.fixture
def dirs(seed_corpus: Path, tmp_path: Path, fake_encoder) -> tuple[Path, Path]:
    """A private copy of the seed corpus and its (fake-encoder) index."""
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_corpus, corpus)
    return corpus, build_fake_index(corpus, tmp_path / "index")


@pytest.fixture(scope="module")
def with_story(seed_corpus: Path, site: Site, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed corpus plus the story of /story.html, indexed (copied by each test that uses it)."""
    root = tmp_path_factory.mktemp("with-story")
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(seed_corpus, corpus)
    with use_encoder(FakeEncoder()):
        qa.add_urls(site.url("story.html"), corpus=corpus, index=index)
    return corpus, index


def tree(*dirs: Path) -> tuple[dict[str, str], list[str]]:
    """Every file's hash and every path (empty directories too) under ``dirs``."""
    return snapshot(*dirs), sorted(str(p) for d in dirs for p in d.rglob("*"))


def cli(*args: str | Path, dirs: tuple[Path, Path]) -> int:
    return main(["add", *map(str, args), "--corpus", str(dirs[0]), "--index", str(dirs[1]), "-q"])


def test_a_news_page_becomes_an_article_with_outlet_date_and_canonical_url(site: Site) -> None:
    article = qa.fetch_article(site.url("story.html"))
    assert (article.title, article.outlet, article.published) == (STORY_TITLE, OUTLET, "2024-03-05")
    assert article.url == CANONICAL and article.author == "Marta Lindqvist"
    assert article.body[0].startswith("The harbour council of Vesterby voted seven to two")
    text = "\n".join(article.body)
    assert "4.2 million euros" in text
    for furniture in ("Subscribe", "cookies", "Related stories", "ferry timetable", "All rights reserved",
                      "newsletter", "Coastal affairs reporter", STORY_TITLE):
        assert furniture not in text, furniture


def test_without_a_site_name_the_host_is_the_outlet_and_flags_replace_the_page(site: Site) -> None:
    plain = qa.fetch_article(site.url("plain-story.html"))
    assert plain.outlet == "127.0.0.1" and plain.url == site.url("plain-story.html")
    assert plain.title == "Pier closed to lorries"
    mine = qa.fetch_article(site.url("story.html"), outlet="Vesterby Weekly", published="2024-03-06")
    assert (mine.outlet, mine.published, mine.url) == ("Vesterby Weekly", "2024-03-06", CANONICAL)


def test_qa_add_url_then_the_story_is_answered_with_its_outlet(site: Site, dirs, capsys) -> None:
    corpus, index = dirs
    assert cli(site.url("story.html"), dirs=dirs) == 0
    assert "corpus now has 4 articles" in capsys.readouterr().out
    (path,) = [p for p in corpus.glob("*.md") if "harbour-courier" in p.name]
    assert path.name.startswith("2024-03-05-the-harbour-courier-gullrock-lighthouse")
    head = path.read_text(encoding="utf-8").split("\n---\n")[0]
    assert f"outlet: {OUTLET}" in head and f"url: {CANONICAL}" in head and "published: '2024-03-05'" in head
    result = qa.answer(COST_QUESTION, index=index)
    quote = result.quotes[0]
    assert quote.outlet == OUTLET and "4.2 million euros" in quote.text and quote.passage.url == CANONICAL


@pytest.mark.parametrize("path, message", [
    ("missing.html", "the server answered 404 Not Found"),
    ("data.json", "the server sent application/json, not a web page"),
    ("huge.html", "the web page is too big: 6.9 MiB is over the 5 MiB limit"),
    ("empty.html", "no article text found in the HTML page"),
    ("amp/story.html", f"'{STORY_TITLE}' ({OUTLET}) has the same url as article 2024-03-05-the-harbour"),
    ("syndicated/story.html", f"'{STORY_TITLE}' (Coastal Wire) has the same text as article 2024-03-05-the-harbour"),
    ("story.html", "has the same text as article 2024-03-05-the-harbour-courier"),
    ("loop", "the server redirects in a loop"),
    ("to-ftp", "only http:// and https:// addresses can be fetched, not ftp://"),
    ("ftp://127.0.0.1/story.html", "only http:// and https:// addresses can be fetched, not ftp://"),
    ("unreachable", "Connection refused"),
])
def test_every_refused_address_is_one_message_and_writes_nothing(site: Site, with_story, tmp_path, capsys,
                                                                  path: str, message: str) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(with_story[0], corpus)
    shutil.copytree(with_story[1], index)
    url = (f"http://127.0.0.1:{free_port()}/story.html" if path == "unreachable"
           else path if "://" in path else site.url(path))
    before = tree(corpus, index)
    with use_encoder(FakeEncoder()):
        assert cli(url, dirs=(corpus, index)) == 2
    err = capsys.readouterr().err
    assert err.startswith("qa add: error: ") and err.count("\n") == 1 and message in err, err
    assert tree(corpus, index) == before


def test_timeouts_and_streamed_size_limits_write_nothing(site: Site, with_story, tmp_path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(with_story[0], corpus)
    shutil.copytree(with_story[1], index)
    before = tree(corpus, index)
    for url, settings, reason in ((site.url("slow.html"), qa.FetchSettings(read_timeout=0.5), "timeout"),
                                  (site.url("chunked-huge.html"), qa.FetchSettings(max_bytes=2**20), "too_big")):
        with pytest.raises(qa.FetchError) as exc:
            qa.add_urls(url, corpus=corpus, index=index, settings=settings)
        assert exc.value.reason == reason
    with pytest.raises(qa.FetchError, match="bad host name"):  # checked before the good one is fetched
        qa.add_urls([site.url("plain-story.html"), "http://:80/x"], corpus=corpus, index=index)
    with pytest.raises(qa.ArticleError, match="same url as article"):  # one duplicate refuses them all
        qa.add_urls([site.url("plain-story.html"), site.url("amp/story.html")], corpus=corpus, index=index)
    assert tree(corpus, index) == before


def test_a_feed_adds_its_new_stories_once(site: Site, dirs, capsys) -> None:
    corpus, index = dirs
    assert cli("--feed", site.url("feed.xml"), dirs=dirs) == 0
    out = capsys.readouterr().out
    assert out.startswith("feed The Harbour Courier - Latest: 2 new, 0 skipped")
    assert "added   New ferry Nordlys enters service on the Vesterby route (The Harbour Courier, 2024-03-07)" in out
    assert "corpus now has 5 articles" in out
    result = qa.answer("How many minutes does the ferry crossing take now?", index=index)
    assert result.quotes[0].outlet == OUTLET and "twenty-two minutes" in result.quotes[0].text

    before = tree(corpus, index)
    assert cli("--feed", site.url("feed.xml"), dirs=dirs) == 0
    out = capsys.readouterr().out
    assert out.startswith("feed The Harbour Courier - Latest: 0 new, 2 skipped")
    assert "ferry.html: already in the corpus (same address as article 2024-03-07-the-harbour-courier-new-ferry" in out
    assert out.rstrip().endswith("nothing new: corpus and index unchanged")
    assert tree(corpus, index) == before

    assert cli("--feed", site.url("atom.xml"), dirs=dirs) == 0  # Atom: one new story, one known
    out = capsys.readouterr().out
    assert out.startswith("feed The Harbour Courier: 1 new, 1 skipped") and "corpus now has 6 articles" in out
    assert f"skipped {site.url('feed/ferry.html')}: already in the corpus (same address as article 2024-03-07" in out


def test_feed_entries_that_fail_are_skipped_with_the_reason(site: Site, dirs) -> None:
    corpus, index = dirs
    result = qa.add_feed(site.url("feed-with-bad-item.xml"), corpus=corpus, index=index)
    assert [a.title for a in result.added] == ["New ferry Nordlys enters service on the Vesterby route"]
    (skipped,) = result.skipped
    assert skipped.link == site.url("missing.html") and skipped.reason == "the server answered 404 Not Found"
    assert result.stats is not None and result.stats.articles == 4


@pytest.mark.parametrize("path, message", [
    ("story.html", "the server sent text/html, not a feed"),
    ("not-a-feed.xml", "not an RSS or Atom feed"),
    ("missing.xml", "the server answered 404 Not Found"),
])
def test_a_bad_feed_is_one_message_and_writes_nothing(site: Site, dirs, capsys, path: str, message: str) -> None:
    before = tree(*dirs)
    assert cli("--feed", site.url(path), dirs=dirs) == 2
    err = capsys.readouterr().err
    assert err.startswith("qa add: error: ") and message in err and err.count("\n") == 1
    assert tree(*dirs) == before


def test_files_and_addresses_are_not_mixed(site: Site, dirs, capsys) -> None:
    before = tree(*dirs)
    assert cli(site.url("story.html"), "story.md", dirs=dirs) == 2
    assert "give either files or web addresses, not both" in capsys.readouterr().err
    assert cli(site.url("story.html"), "--feed", site.url("feed.xml"), dirs=dirs) == 2
    assert "give either --feed URL or articles to add, not both" in capsys.readouterr().err
    assert cli(dirs=dirs) == 2
    assert "nothing to add" in capsys.readouterr().err
    assert tree(*dirs) == before
