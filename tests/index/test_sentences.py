"""Sentence vectors computed at index time: one model pass per passage, none at query time."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from qa.errors import IndexCorrupted
from qa.index.sentences import SentenceTable
from qa.index.store import IndexStore, current_version
from qa.ingest.segment import sentences
from qa.model import get_encoder, use_encoder
from qa.types import Span


@pytest.mark.fast
def test_sentence_table_build_and_rows(tmp_path):
    vecs = [np.eye(3, dtype=np.float32)[:2], np.zeros((0, 3), np.float32), np.eye(3, dtype=np.float32)[2:]]
    table = SentenceTable.build([[Span(0, 4), Span(5, 9)], [], [Span(1, 2)]], vecs)
    table.save(tmp_path)
    loaded = SentenceTable.load(tmp_path)
    assert len(loaded) == 3 and loaded.offsets.tolist() == [0, 2, 2, 3]
    assert loaded.row(0)[0] == [Span(0, 4), Span(5, 9)] and np.array_equal(loaded.row(0)[1], vecs[0])
    assert loaded.row(1)[0] == [] and loaded.row(1)[1].shape == (0, 3)
    assert loaded.vectors.dtype == np.float16
    with pytest.raises(ValueError, match="disagree"):
        SentenceTable(loaded.offsets, loaded.spans[:2], loaded.vectors)


class _Counting:
    """Delegates to an encoder, counting the texts ``encode`` is asked for."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dimension, self.calls = inner, inner.name, inner.dimension, []

    def encode(self, texts):
        self.calls.append(len(texts))
        return self.inner.encode(texts)

    def encode_passages(self, texts, spans, shifts):
        raise AssertionError("a question must not encode passages")

    def describe(self):
        return self.inner.describe()


def test_index_stores_sentences_and_queries_encode_only_the_question(seed_index):
    import qa

    version = current_version(seed_index)
    files = json.loads((version / "manifest.json").read_text())["files"]
    assert set(SentenceTable.FILES) <= set(files)
    store = IndexStore.open(seed_index)
    assert len(store.sentences) == len(store)
    (text,) = store._query("SELECT text FROM passages WHERE row = 0")[0]
    spans, vecs = store.sentences.row(0)
    assert spans == sentences(text) and vecs.shape == (len(spans), get_encoder().dimension)
    store.close()

    with use_encoder(_Counting(get_encoder())) as counting:
        answer = qa.answer("Can foreigners serve in Ukraine's National Guard?", index=seed_index)
    assert not answer.abstained
    assert counting.calls == [1]  # the question only


def test_update_reuses_sentence_vectors(seed_corpus, seed_index, tmp_path):
    import qa

    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    stats = qa.build_index(seed_corpus, index)
    assert stats.embedded == 0 and stats.reused == stats.passages


def test_missing_sentence_file_is_corruption(seed_index, tmp_path):
    index = tmp_path / "broken"
    shutil.copytree(seed_index, index)
    (current_version(index) / "sentences.npy").unlink()
    with pytest.raises(IndexCorrupted, match=r"sentences\.npy"):
        IndexStore.open(index)
