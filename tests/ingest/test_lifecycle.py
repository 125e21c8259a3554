"""Index lifecycle: remove, edit, duplicates, shared paragraphs, staleness, model change."""

from __future__ import annotations

import json
import logging
import shutil
import sys
import types
from pathlib import Path

import pytest

import qa
from qa.cli import main
from qa.index.lexical import tokenize
from qa.index.store import IndexStore, current_version
from qa.ingest.lifecycle import remove_articles
from qa.ingest.staleness import stale_reason
from qa.model import get_encoder
from tests.server import free_port
from tests.synth import article_text, snapshot, synth_article, write_synth_corpus


@pytest.fixture(scope="module")
def base(seed_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed articles plus two synthetic ones (8 tagged paragraphs each), indexed."""
    root = tmp_path_factory.mktemp("lifecycle")
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(seed_corpus, corpus)
    write_synth_corpus(corpus, 2)
    qa.build_index(corpus, index)
    return corpus, index


@pytest.fixture
def work(base: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the base corpus and index (updates reuse its vectors)."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(base[0], corpus)
    shutil.copytree(base[1], index)
    return corpus, index


def _article_ids(store: IndexStore, aid: str) -> set[int]:
    return {p.id for p in store.passages(store.ids.tolist()) if p.article_id == aid}


def _assert_gone(index: Path, aid: str, ids: set[int], vector, tag: str, question: str) -> None:
    """No trace of the article in the dense index, BM25, metadata or the public API."""
    store = IndexStore.open(index)
    try:
        assert ids and not ids & set(store.ids.tolist())
        assert store.passages(sorted(ids)) == []
        dense_ids, _ = store.search_dense(vector, 20)
        assert not ids & set(dense_ids.tolist())
        lex_ids, _ = store.search_lexical(tokenize(tag), 20)
        assert not ids & set(lex_ids.tolist())
        assert aid not in {p.article_id for p in store.passages(store.ids.tolist())}
    finally:
        store.close()
    assert all(p.article_id != aid for p in qa.retrieve(question, k=10, index=index))


def test_remove_by_id_and_by_path_leaves_no_ghost_results(work):
    corpus, index = work
    store = IndexStore.open(index)
    ids0, ids1 = _article_ids(store, "synth-0000"), _article_ids(store, "synth-0001")
    keep = set(store.ids.tolist()) - ids0 - ids1
    first = next(p for p in store.passages(sorted(ids0)) if "zq0p3x" in p.text)
    second = next(p for p in store.passages(sorted(ids1)) if "zq1p3x" in p.text)
    vec0 = get_encoder().encode([f"Synthetic story number 0\n{first.text}"])[0]
    store.close()
    assert qa.retrieve(first.text, k=3, index=index)[0].id == first.id

    stats = remove_articles(["synth-0000"], corpus=corpus, index=index)
    assert not (corpus / "synth-0000.md").exists()
    assert stats.articles == 4 and stats.embedded == 0 and stats.reused == stats.passages
    _assert_gone(index, "synth-0000", ids0, vec0, "zq0p3x", first.text)

    stats = remove_articles([str(corpus / "synth-0001.md")], corpus=corpus, index=index)
    assert stats.articles == 3 and stats.embedded == 0
    _assert_gone(index, "synth-0001", ids1, vec0, "zq1p3x", second.text)
    assert set(IndexStore.open(index).ids.tolist()) == keep  # the other articles keep their ids
    assert stale_reason(corpus, index) is None


def test_qa_remove_cli(work, capsys):
    corpus, index = work
    before = snapshot(corpus, index)
    assert main(["remove", "synth-000", "--corpus", str(corpus), "--index", str(index), "-q"]) == 2
    err = capsys.readouterr().err
    assert "is not an article of" in err and "did you mean synth-000" in err
    everything = [p.stem for p in corpus.glob("*.md")]
    assert main(["remove", *everything, "--corpus", str(corpus), "--index", str(index), "-q"]) == 2
    assert "every article" in capsys.readouterr().err
    assert snapshot(corpus, index) == before  # refused: nothing changed, byte for byte

    assert main(["remove", "synth-0001.md", "--corpus", str(corpus), "--index", str(index), "-q"]) == 0
    out = capsys.readouterr().out
    assert "removed synth-0001" in out and "4 articles" in out and "embedded 0 new" in out
    assert main(["ask", "What is the plan known as zq1p2x?", "--index", str(index), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(q["passage"]["article_id"] != "synth-0001" for q in data["quotes"])


def test_editing_an_article_reembeds_only_the_changed_paragraph(work):
    corpus, index = work
    path = corpus / "synth-0000.md"
    old = next(p for p in path.read_text().split("\n\n") if "zq0p5x" in p)
    store = IndexStore.open(index)
    before = store.passages(store.ids.tolist())
    store.close()
    new = "The harbour authority of Tallinn banned jet skis near the old quarter, a plan called zq0editx."
    path.write_text(path.read_text().replace(old, new))

    stats = qa.build_index(corpus, index)
    assert stats.embedded == 1 and stats.passages == len(before)
    store = IndexStore.open(index)
    after = {p.id: p for p in store.passages(store.ids.tolist())}
    old_id = next(p.id for p in before if p.text == old)
    assert old_id not in after and all(old not in p.text for p in after.values())
    assert {p.id for p in before} - {old_id} <= set(after)  # unchanged paragraphs keep their ids
    lex_ids, _ = store.search_lexical(tokenize("zq0p5x"), 10)
    assert old_id not in set(lex_ids.tolist())
    store.close()
    hits = qa.retrieve("Where were jet skis banned under zq0editx?", k=1, index=index)
    assert hits[0].text == new and hits[0].article_id == "synth-0000"


def test_duplicate_articles_are_refused_naming_the_existing_one(work, tmp_path, capsys):
    corpus, index = work
    before = snapshot(corpus, index)
    same_body = tmp_path / "same_body.md"
    text = synth_article(0).replace("Synthetic story number 0", "A new headline").replace("synth.test/0/0", "x.test/9")
    same_body.write_text(text.replace("outlet: Synth Daily", "outlet: Other Outlet"))
    with pytest.raises(ValueError, match="same text as article synth-0000 already in") as exc:
        qa.add_articles([same_body], corpus=corpus, index=index)
    assert "qa remove synth-0000" in str(exc.value)

    same_url = tmp_path / "same_url.md"
    same_url.write_text(article_text("Other story", "Synth Daily", ["A completely different body text."],
                                     url="http://www.SYNTH.test/0/0/"))
    with pytest.raises(ValueError, match="same url as article synth-0000"):
        qa.add_articles([same_url], corpus=corpus, index=index)

    fresh = tmp_path / "fresh.md"
    fresh.write_text(article_text("Fresh story", "Synth Daily", ["A body never seen before, zqfreshx."]))
    with pytest.raises(ValueError, match="given twice"):
        qa.add_articles([fresh, fresh], corpus=corpus, index=index)

    assert main(["add", str(same_body), "--corpus", str(corpus), "--index", str(index), "-q"]) == 2
    assert "synth-0000" in capsys.readouterr().err
    assert snapshot(corpus, index) == before


def test_identical_paragraph_in_two_articles_stays_attributed_to_each(tmp_path):
    corpus, index = tmp_path / "c", tmp_path / "i"
    shared = ("The Bergen ferry operator zqsharedx said on Friday that all night crossings will stop "
              "from April because of a shortage of licensed engineers.")
    a = tmp_path / "a.md"
    a.write_text(article_text("Ferries halted", "Bergen Tidende", ["Night ferries are ending.", shared]))
    b = tmp_path / "b.md"
    b.write_text(article_text("Night crossings end", "Nordic Wire", [shared, "Unions plan a protest."]))
    stats = qa.add_articles([a, b], corpus=corpus, index=index)
    assert stats.articles == 2 and stats.passages == 4
    hits = [p for p in qa.retrieve("Why will zqsharedx stop night crossings?", k=4, index=index) if p.text == shared]
    assert {p.outlet for p in hits} == {"Bergen Tidende", "Nordic Wire"}
    assert len({p.id for p in hits}) == 2 and len({p.article_id for p in hits}) == 2
    result = qa.answer("Why will the zqsharedx ferry operator stop night crossings?", index=index)
    assert {g.outlet for g in result.outlets} >= {"Bergen Tidende", "Nordic Wire"}


def test_qa_ask_warns_when_the_corpus_changed(work, capsys):
    corpus, index = work
    assert qa.build_index(corpus, index).embedded == 0  # the manifest now names this copy of the corpus
    ask = ["ask", "What is the plan known as zq1p2x?", "--index", str(index)]
    assert main(ask) == 0
    assert "warning" not in capsys.readouterr().err
    (corpus / "synth-0007.md").write_text(synth_article(7))
    path = corpus / "synth-0000.md"
    path.write_text(path.read_text().replace("officials said", "officials stated", 1))
    assert main(ask) == 0
    captured = capsys.readouterr()
    assert "“" in captured.out
    assert "changed since the index was built (1 added, 1 edited: synth-0007.md, synth-0000.md)" in captured.err
    assert "qa index" in captured.err
    qa.build_index(corpus, index)
    assert stale_reason(corpus, index) is None and stale_reason(None, index) is None


def test_qa_serve_updates_a_stale_index_before_serving(work, monkeypatch, capsys):
    corpus, index = work
    (corpus / "synth-0008.md").write_text(synth_article(8))
    calls = []
    fake = types.ModuleType("ui.serving")
    fake.launch = lambda index, corpus, host, port, **options: calls.append((index, corpus, host, port, options))
    monkeypatch.setitem(sys.modules, "ui.serving", fake)
    port = free_port()  # `qa serve` refuses a busy port up front
    assert main(["serve", "--corpus", str(corpus), "--index", str(index), "--port", str(port)]) == 0
    assert "updating it first" in capsys.readouterr().err
    assert calls == [(index, corpus, "127.0.0.1", port, {
        "read_only": False, "admin_token": None, "allow_private_urls": False, "allowed_url_hosts": [],
        "questions_per_minute": 30})]
    assert stale_reason(corpus, index) is None
    assert IndexStore.open(index).n_articles == 6


def test_model_change_forces_a_full_rebuild(work, caplog):
    corpus, index = work
    manifest_path = current_version(index) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest.update(model="some-other-model", dimension=768)
    manifest_path.write_text(json.dumps(manifest))
    assert "built with the model 'some-other-model'" in stale_reason(corpus, index)
    with caplog.at_level(logging.WARNING, logger="qa.ingest.indexer"):
        stats = qa.build_index(corpus, index)
    assert "model changed (some-other-model, dim 768 -> all-MiniLM-L6-v2, dim 384): full rebuild" in caplog.text
    assert stats.reused == 0 and stats.embedded == len(set(IndexStore.open(index).ids.tolist()))
    assert IndexStore.open(index).manifest["model"] == "all-MiniLM-L6-v2"
    assert stale_reason(corpus, index) is None


def test_qa_add_html_page_end_to_end(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text("""<html><head><title>Bridge approved - Daily Planet</title>
    <meta property="og:site_name" content="Daily Planet"><meta name="author" content="Lois Lane">
    <meta property="article:published_time" content="2024-03-01"></head><body>
    <nav>Home | World | Sports</nav><article><h1>Bridge approved</h1>
    <p>The mayor of Metropolis announced a new suspension bridge across the Hob river on Friday morning.</p>
    <p>Construction will begin next spring and is expected to last three years in total.</p>
    </article><footer>Copyright Daily Planet</footer></body></html>""")
    corpus, index = tmp_path / "c", tmp_path / "i"
    assert main(["add", str(page), "--corpus", str(corpus), "--index", str(index), "-q"]) == 0
    assert "corpus now has 1 articles" in capsys.readouterr().out
    (path,) = corpus.glob("*.md")
    text = path.read_text()
    assert path.name.startswith("2024-03-01-daily-planet-bridge-approved")
    assert "outlet: Daily Planet" in text and "author: Lois Lane" in text and "Home | World" not in text
    assert main(["ask", "What did the mayor of Metropolis announce?", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "“The mayor of Metropolis announced a new suspension bridge" in out and "Daily Planet" in out
    assert main(["add", str(page), "--corpus", str(corpus), "--index", str(index), "-q"]) == 2
    assert f"same text as article {path.stem}" in capsys.readouterr().err
