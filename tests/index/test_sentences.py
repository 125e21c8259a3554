"""Sentence vectors computed at index time: one model pass per passage, none at query time."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from qa.build.segment import sentences
from qa.index.sentences import SentenceTable, pool_sentences
from qa.types import Span


def test_pool_sentences_groups_tokens_by_character_span():
    tokens = np.array([[9, 9], [1, 0], [3, 0], [0, 2], [9, 9]], dtype=np.float32)
    offsets = np.array([[0, 0], [0, 3], [4, 7], [9, 12], [0, 0]])  # special tokens at both ends
    offsets[0] = offsets[4] = -5  # shifted away: before the passage (title / special)
    spans = [Span(0, 8), Span(9, 13), Span(20, 25)]  # the last one lies beyond the truncation
    fallback = np.array([0.6, 0.8], dtype=np.float32)
    out = pool_sentences(tokens, offsets, spans, fallback)
    assert np.allclose(out, [[1, 0], [0, 1], [0.6, 0.8]])


def test_passage_vectors_match_plain_encoding():
    from qa.index.sentences import encode_passages
    from qa.model import embed

    title = "Ukraine opens its National Guard to foreigners"
    paras = ["Foreigners may now serve in the National Guard. The law was signed on Tuesday.",
             "Kyiv said the change brings its rules in line with the army. Applicants need a visa."]
    texts = [f"{title}\n{p}" for p in paras]
    spans = [sentences(p) for p in paras]
    vecs, sents = encode_passages(texts, spans, [len(title) + 1] * 2)
    assert np.allclose(vecs, embed.encode(texts), atol=1e-4)
    assert [len(s) for s in sents] == [2, 2]
    for s in sents:
        assert np.allclose(np.linalg.norm(s, axis=1), 1.0, atol=1e-5)
        assert float(s[0] @ s[1]) < 0.999  # distinct sentences, not copies of the passage vector


def test_index_stores_sentences_and_queries_encode_only_the_question(seed_index, monkeypatch):
    import qa
    from qa.index.store import IndexStore, current_version
    from qa.model import embed

    version = current_version(seed_index)
    files = json.loads((version / "manifest.json").read_text())["files"]
    assert set(SentenceTable.FILES) <= set(files)
    store = IndexStore.open(seed_index)
    assert store.sentences is not None and len(store.sentences) == len(store)
    (text,) = store._query("SELECT text FROM passages WHERE row = 0")[0]
    spans, vecs = store.sentences.row(0)
    assert spans == sentences(text) and vecs.shape == (len(spans), embed.dimension())
    store.close()

    calls: list[int] = []
    real = embed.encode
    monkeypatch.setattr(embed, "encode", lambda texts, **kw: calls.append(len(texts)) or real(texts, **kw))
    answer = qa.answer("Can foreigners serve in Ukraine's National Guard?", index=seed_index)
    assert not answer.abstained
    assert calls == [1]  # the question only


def test_update_reuses_sentence_vectors(seed_corpus, seed_index, tmp_path):
    import qa

    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    stats = qa.build_index(seed_corpus, index)
    assert stats.embedded == 0 and stats.reused == stats.passages


def test_index_without_sentence_files_still_answers(seed_corpus, seed_index, tmp_path):
    """Indexes written before sentence vectors open, answer (encoding sentences) and get them on update."""
    import qa
    from qa.index.store import IndexStore, current_version

    index = tmp_path / "old"
    shutil.copytree(seed_index, index)
    version = current_version(index)
    manifest = json.loads((version / "manifest.json").read_text())
    for name in SentenceTable.FILES:
        (version / name).unlink()
        del manifest["files"][name]
    (version / "manifest.json").write_text(json.dumps(manifest))
    assert IndexStore.open(index).sentences is None
    answer = qa.answer("Can foreigners serve in Ukraine's National Guard?", index=index)
    assert not answer.abstained
    stats = qa.build_index(seed_corpus, index)
    assert stats.embedded == stats.passages  # embedded once more, now with sentences
    assert IndexStore.open(index).sentences is not None


def test_missing_sentence_file_is_corruption(seed_index, tmp_path):
    from qa.index.store import IndexCorrupted, IndexStore, current_version

    index = tmp_path / "broken"
    shutil.copytree(seed_index, index)
    (current_version(index) / "sentences.npy").unlink()
    with pytest.raises(IndexCorrupted, match=r"sentences\.npy"):
        IndexStore.open(index)
