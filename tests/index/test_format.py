"""The index format, model-free: writer/reader round trip, mandatory sentences, outdated formats refused."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import qa
from qa.errors import IndexCorrupted, IndexMissing, IndexOutdated
from qa.index.record import PassageRecord
from qa.index.sentences import SentenceTable
from qa.index.store import FORMAT_VERSION, IndexStore, current_version
from qa.index.writer import write_index
from qa.types import Span
from tests.fakes import FakeEncoder

pytestmark = pytest.mark.fast
ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Can foreigners serve in Ukraine's National Guard?"


def _records(texts: list[str]) -> list[PassageRecord]:
    return [PassageRecord(id=100 + i, article_id=f"a{i // 2}", paragraph=i % 2, offset=0, text=t, key=f"k{i}",
                          outlet=f"Outlet {i // 2}", title=f"Title {i // 2}", url="", published="2024-01-0{i + 1}",
                          author="") for i, t in enumerate(texts)]


def _write_tiny(root: Path, encoder: FakeEncoder) -> tuple[list[PassageRecord], np.ndarray, SentenceTable]:
    texts = ["Rates rose again. Banks reacted.", "The central bank held rates.", "Markets fell sharply today.",
             "Kyiv opened the guard to foreigners. Visas are needed."]
    spans = [[Span(0, 17), Span(18, 32)], [Span(0, 28)], [Span(0, 27)], [Span(0, 36), Span(37, 54)]]
    vectors, sentence_vectors = encoder.encode_passages(texts, spans, [0] * len(texts))
    table = SentenceTable.build(spans, sentence_vectors)
    records = _records(texts)
    write_index(root, records, vectors, {**encoder.describe(), "corpus": "nowhere"}, sentences=table)
    return records, vectors, table


def test_writer_reader_round_trip(tmp_path: Path) -> None:
    encoder = FakeEncoder()
    records, vectors, table = _write_tiny(tmp_path / "i", encoder)
    store = IndexStore.open(tmp_path / "i")
    m = store.manifest
    assert m["format_version"] == FORMAT_VERSION == 2
    assert (m["model"], m["dimension"], m["tokenizer"], m["count"], m["articles"]) == (
        encoder.name, 64, {"kind": "words"}, 4, 2)
    assert set(SentenceTable.FILES) <= set(m["files"])
    assert store.ids.tolist() == [r.id for r in records]
    assert [p.text for p in store.passages([103, 100])] == [records[3].text, records[0].text]
    assert np.allclose(store.dense.reconstruct(), vectors, atol=1e-6)
    ids, scores = store.search_dense(encoder.encode(["central bank rates"])[0], 2)
    assert ids[0] == 101 and scores[0] >= scores[1]
    for row in range(4):
        spans, vecs = store.sentences.row(row)
        want_spans, want_vecs = table.row(row)
        assert spans == want_spans and np.allclose(vecs, want_vecs, atol=1e-3)  # stored as float16
    assert store.sentences_by_key()["k3"][0] == [Span(0, 36), Span(37, 54)]
    assert set(store.vectors_by_key()) == {"k0", "k1", "k2", "k3"}
    assert store.rows_for_outlets(["the outlet 1"]).tolist() == [2, 3]
    store.close()


def test_writer_requires_sentences_and_the_encoder_description(tmp_path: Path) -> None:
    encoder = FakeEncoder()
    records = _records(["one", "two"])
    vectors = encoder.encode(["one", "two"])
    table = SentenceTable.build([[Span(0, 3)], [Span(0, 3)]], [vectors[:1], vectors[1:]])
    with pytest.raises(ValueError, match="lacks tokenizer"):
        write_index(tmp_path / "a", records, vectors, {"model": "m", "dimension": 64}, sentences=table)
    with pytest.raises(ValueError, match="3 rows of sentences"):
        write_index(tmp_path / "b", records, vectors, encoder.describe(),
                    sentences=SentenceTable.build([[]] * 3, [vectors[:0]] * 3))
    with pytest.raises(TypeError):
        write_index(tmp_path / "c", records, vectors, encoder.describe())  # sentences are mandatory
    assert not (tmp_path / "a").exists() or current_version(tmp_path / "a") is None


def test_missing_index_is_its_own_error(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match=r"no index here yet; run `qa index` to build it"):
        IndexStore.open(tmp_path / "nothing")


def test_fake_index_answers_without_the_model(fake_index: Path) -> None:
    store = IndexStore.open(fake_index)
    assert store.manifest["model"] == FakeEncoder.name and store.manifest["tokenizer"] == {"kind": "words"}
    assert len(store.sentences) == len(store) > 20
    answer = qa.answer(QUESTION, index=fake_index)
    assert answer.quotes and all(q.text in q.passage.text for q in answer.quotes)


def test_build_needs_no_model_with_the_fake_encoder(seed_corpus: Path, tmp_path: Path) -> None:
    code = ("import sys; from tests.fakes import build_fake_index; from pathlib import Path; import qa; "
            f"build_fake_index(Path({str(seed_corpus)!r}), Path({str(tmp_path / 'i')!r})); "
            "print(sorted(m for m in ('torch', 'onnxruntime', 'sentence_transformers', 'tokenizers') "
            "if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def _make_v1(index: Path) -> None:
    """Rewrite the live version as the first format wrote it: no sentence files, no tokenizer, format 1."""
    version = current_version(index)
    manifest = json.loads((version / "manifest.json").read_text())
    for name in SentenceTable.FILES:
        (version / name).unlink()
        del manifest["files"][name]
    for key in ("tokenizer", "backend"):
        manifest.pop(key, None)
    manifest["format_version"] = 1
    (version / "manifest.json").write_text(json.dumps(manifest))


def test_old_format_is_refused_with_the_rebuild_command(fake_index: Path, capsys: pytest.CaptureFixture) -> None:
    from qa.cli import main
    from qa.ingest.staleness import stale_reason

    _make_v1(fake_index)
    with pytest.raises(IndexOutdated, match=r"index format 1 is outdated.*run `qa index --rebuild`"):
        IndexStore.open(fake_index)
    with pytest.raises(IndexOutdated, match=r"qa index --rebuild"):
        qa.answer(QUESTION, index=fake_index)
    assert main(["ask", QUESTION, "--index", str(fake_index)]) == 2
    err = capsys.readouterr().err
    assert "qa ask: error:" in err and "index format 1 is outdated" in err and "`qa index --rebuild`" in err
    assert "index format 1 is outdated" in stale_reason(None, fake_index)


def test_build_on_an_old_format_rebuilds_from_scratch(seed_corpus: Path, fake_index: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    _make_v1(fake_index)
    with caplog.at_level(logging.WARNING, logger="qa.ingest.indexer"):
        stats = qa.build_index(seed_corpus, fake_index)
    assert "index format 1 is outdated (now 2): rebuilding from scratch, no vectors reused" in caplog.text
    assert stats.reused == 0 and stats.embedded == len(set(IndexStore.open(fake_index).ids.tolist()))
    assert IndexStore.open(fake_index).manifest["format_version"] == FORMAT_VERSION
    again = qa.build_index(seed_corpus, fake_index)
    assert again.embedded == 0 and again.reused == again.passages


def test_index_without_sentence_files_is_refused_and_rebuilt(seed_corpus: Path, fake_index: Path) -> None:
    version = current_version(fake_index)
    manifest = json.loads((version / "manifest.json").read_text())
    del manifest["files"]["sentence_spans.npy"]
    (version / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexCorrupted, match=r"sentence_spans\.npy is not in the manifest.*qa index --rebuild"):
        IndexStore.open(fake_index)
    stats = qa.build_index(seed_corpus, fake_index)
    assert stats.embedded == stats.passages
    assert len(IndexStore.open(fake_index).sentences) == stats.passages


def test_a_changed_tokenizer_forces_a_full_rebuild(seed_corpus: Path, fake_index: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    version = current_version(fake_index)
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["tokenizer"] = {"kind": "characters"}
    (version / "manifest.json").write_text(json.dumps(manifest))
    with caplog.at_level(logging.WARNING, logger="qa.ingest.indexer"):
        stats = qa.build_index(seed_corpus, fake_index, rebuild=False)
    assert "tokenizer changed" in caplog.text and stats.reused == 0
