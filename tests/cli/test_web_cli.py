"""End to end with the real model: `qa add URL` and `qa add --feed URL` from a local news site, then ask."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qa
from qa.cli import main
from tests.synth import snapshot
from tests.website import CANONICAL, OUTLET, Site


@pytest.fixture
def dirs(seed_corpus: Path, seed_index: Path, tmp_path: Path) -> list[str]:
    """``--corpus C --index I`` over private copies of the seed corpus and its real index."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(seed_corpus, corpus)
    shutil.copytree(seed_index, index)
    return ["--corpus", str(corpus), "--index", str(index)]


def test_qa_add_url_then_ask(site: Site, dirs: list[str], capsys) -> None:
    assert main(["add", site.url("story.html"), *dirs, "-q"]) == 0
    assert "corpus now has 4 articles" in capsys.readouterr().out
    result = qa.answer("How much will the restoration of the Gullrock lighthouse cost?", index=dirs[3])
    assert not result.abstained
    best = result.quotes[0]
    assert best.outlet == OUTLET and "4.2 million euros" in best.text and best.passage.url == CANONICAL
    assert main(["ask", "How many councillors voted against the Gullrock lighthouse plan?", "--index", dirs[3]]) == 0
    out = capsys.readouterr().out
    assert "Two councillors voted against the plan" in out and f"— {OUTLET}" in out


def test_qa_add_feed_then_ask_and_the_second_time_adds_nothing(site: Site, dirs: list[str], capsys) -> None:
    assert main(["add", "--feed", site.url("feed.xml"), *dirs, "-q"]) == 0
    assert "2 new, 0 skipped" in capsys.readouterr().out
    result = qa.answer("Which yard built the Nordlys?", index=dirs[3])
    assert result.quotes[0].outlet == OUTLET and "Kvalsund yard" in result.quotes[0].text
    result = qa.answer("Which school won the national robotics championship?", index=dirs[3])
    assert result.quotes[0].outlet == OUTLET and "Vesterby secondary school" in result.quotes[0].text
    before = snapshot(Path(dirs[1]), Path(dirs[3]))
    assert main(["add", "--feed", site.url("feed.xml"), *dirs, "-q"]) == 0
    assert "0 new, 2 skipped" in capsys.readouterr().out
    assert snapshot(Path(dirs[1]), Path(dirs[3])) == before
