"""Writing into the engine: idempotent upserts, deletes and edits keep BM25 statistics exact; a killed
bulk load resumes where it stopped."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psycopg
import pytest

import qa
from qa.index.open import open_backend
from tests.conftest import ROOT
from tests.synth import write_synth_corpus

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def _stats(url: str) -> tuple:
    """Collection statistics, and whether every stored df equals the postings that hold the term."""
    with psycopg.connect(url) as conn:
        n_docs, total = conn.execute("SELECT n_docs, total_len FROM qa_stats").fetchone()
        counted = conn.execute("SELECT count(*), coalesce(sum(doc_len), 0) FROM passages").fetchone()
        bad = conn.execute("SELECT count(*) FROM term_stats t FULL JOIN (SELECT term, count(*) AS n FROM postings "
                           "GROUP BY term) p USING (term) WHERE coalesce(t.df, 0) <> coalesce(p.n, 0)").fetchone()[0]
    assert (n_docs, total) == tuple(counted) and bad == 0
    return n_docs, total


def _same_lexical_ranking(url: str, index: Path, words: list[list[str]]) -> None:
    pg, emb = open_backend(url), open_backend(index)
    try:
        for tokens in words:
            rows, scores = pg.lexical_rows(tokens, 20)
            erows, escores = emb.lexical_rows(tokens, 20)
            assert [p.id for p in pg.passages_at(rows)] == [p.id for p in emb.passages_at(erows)]
            np.testing.assert_allclose(scores, escores, rtol=1e-5)
    finally:
        pg.close()
        emb.close()


def test_rebuild_is_idempotent_and_remove_and_edit_update_everything(pg_url, seed_corpus, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_corpus, corpus)
    first = qa.build_index(corpus, pg_url)
    before = _stats(pg_url)
    again = qa.build_index(corpus, pg_url)  # nothing changed: nothing written
    assert (again.embedded, again.reused, again.passages) == (0, first.passages, first.passages)
    redo = qa.build_index(corpus, pg_url, rebuild=True)  # every passage upserted again
    assert redo.passages == first.passages and _stats(pg_url) == before

    victim = sorted(corpus.glob("*newsweek*"))[0].stem
    gone = {p.id for p in qa.retrieve("National Guard", 30, index=pg_url) if p.article_id == victim}
    assert gone
    stats = qa.remove_articles([victim], corpus=corpus, index=pg_url)
    assert stats.articles == 2
    status = qa.index_status(corpus, pg_url)
    assert status.current and "Newsweek" not in dict(status.outlets)
    backend = qa.open_index(pg_url)
    assert backend.passages(sorted(gone)) == [] and backend.n_articles == 2
    assert all(p.article_id != victim for p in qa.retrieve("Newsweek National Guard", 30, index=pg_url))

    edited = sorted(corpus.glob("*zerohedge*"))[0]
    edited.write_text(edited.read_text().replace("Avdiivka", "Qwertyville"))
    assert not qa.index_status(corpus, pg_url).current  # the engine knows the corpus changed
    update = qa.build_index(corpus, pg_url)
    assert 0 < update.embedded < update.passages
    assert any("Qwertyville" in p.text for p in qa.retrieve("Which city is Qwertyville?", 3, index=pg_url))
    assert not any("Avdiivka" in p.text for p in qa.retrieve("Avdiivka", 27, index=pg_url))
    _stats(pg_url)
    embedded = tmp_path / "index"
    qa.build_index(corpus, embedded)  # the same corpus, embedded: BM25 must agree after the updates
    _same_lexical_ranking(pg_url, embedded, [["guard"], ["qwertyvill"], ["foreign", "nation", "guard"],
                                             ["zelenski", "decre", "sign"]])


def _count(url: str) -> int:
    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT n_docs FROM qa_stats").fetchone()[0]
    except psycopg.Error:
        return 0  # tables not created yet


def _index_command(corpus: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "qa.cli", "index", "-q", "--corpus", str(corpus), "--backend", url]


@pytest.mark.slow
def test_killed_bulk_load_resumes_where_it_stopped(pg_url, tmp_path):
    corpus = tmp_path / "corpus"
    articles, paragraphs, batch = 30, 8, 16
    total = articles * paragraphs
    write_synth_corpus(corpus, articles, paragraphs)
    proc = subprocess.Popen(_index_command(corpus, pg_url), cwd=ROOT, env={**ENV, "QA_SERVER_BATCH": str(batch)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while _count(pg_url) < 3 * batch and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the load finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = _count(pg_url)
    assert 0 < stored < total and stored % batch == 0  # whole batches only
    _stats(pg_url)  # statistics consistent with what was stored
    with pytest.raises(qa.IndexMissing, match="no build into this database has finished"):
        qa.open_index(pg_url)
    done = subprocess.run(_index_command(corpus, pg_url), cwd=ROOT, env=ENV, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{articles} articles, {total} passages" in done.stdout
    assert f"embedded {total - stored} new, reused {stored}" in done.stdout  # resumed, not restarted
    assert _stats(pg_url)[0] == total
    hits = qa.retrieve("Which plan is known as zq12p3x?", k=3, index=pg_url)
    assert any("zq12p3x" in p.text for p in hits)
