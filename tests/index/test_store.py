import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import qa
from qa.errors import IndexCorrupted, IndexMissing
from qa.index.sentences import SentenceTable
from qa.index.store import IndexStore, current_version
from qa.outlets import outlet_key


def test_index_layout_and_manifest(seed_index):
    version = current_version(seed_index)
    names = {p.name for p in version.iterdir()}
    assert {"manifest.json", "dense.faiss", "passages.sqlite", "bm25", "ids.npy"} <= names
    store = IndexStore.open(seed_index)
    m = store.manifest
    assert m["model"] == "all-MiniLM-L6-v2" and m["dimension"] == 384 and m["count"] == len(store) > 20
    assert m["format_version"] == 2 and m["backend"] in {"onnx", "torch"}
    tokenizer = m["tokenizer"]
    assert tokenizer["max_seq_length"] == 256 and tokenizer["do_lower_case"] is False
    assert tokenizer["sha256"] == hashlib.sha256((Path(m["model_path"]) / "tokenizer.json").read_bytes()).hexdigest()
    assert m["articles"] == 3 and len(m["corpus_fingerprint"]) == 32
    assert np.load(version / "ids.npy", allow_pickle=False).dtype == np.int64


def test_update_reuses_vectors_and_keeps_ids(seed_corpus, seed_index, tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(seed_corpus, corpus)
    index = tmp_path / "i"
    first = qa.build_index(corpus, index)
    ids_before = set(IndexStore.open(index).ids.tolist())
    again = qa.build_index(corpus, index)
    assert again.embedded == 0 and again.reused == first.passages
    assert set(IndexStore.open(index).ids.tolist()) == ids_before
    assert len([p for p in index.iterdir() if p.name.startswith("v-")]) == 1


def test_corrupted_index_is_detected_with_the_fix(seed_index, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(seed_index, broken)
    faiss_file = current_version(broken) / "dense.faiss"
    data = bytearray(faiss_file.read_bytes())
    data[100] ^= 0xFF
    faiss_file.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupted, match="qa index --rebuild"):
        IndexStore.open(broken)
    faiss_file.write_bytes(bytes(data[:50]))
    with pytest.raises(IndexCorrupted, match="truncated"):
        IndexStore.open(broken)


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissing, match="qa index"):
        qa.retrieve("anything", index=tmp_path / "nothing")


@pytest.mark.fast
def test_outlet_key():
    assert outlet_key("The Kyiv Independent") == outlet_key("kyiv independent") == "kyiv independent"
    assert outlet_key("The") == "the"


def _unit(rng, n, dim=32):
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _records(n):
    from qa.index.record import PassageRecord

    return [PassageRecord(id=1000 + i, article_id=f"a{i // 10}", paragraph=i % 10, offset=0, text=f"word{i} text",
                          key=f"k{i}", outlet=f"Outlet {i % 3}", title="t", url="", published="", author="")
            for i in range(n)]


@pytest.mark.fast
def test_large_index_switches_to_hnsw_with_high_recall(tmp_path):
    from qa.index.settings import IndexSettings, VectorSettings
    from qa.index.vectors import FlatIndex, HNSWIndex, VectorIndex
    from qa.index.writer import write_index

    rng = np.random.default_rng(0)
    centres = _unit(rng, 50)
    vectors = centres[rng.integers(0, 50, 3000)] + 0.3 * _unit(rng, 3000)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    meta = {"model": "synthetic", "dimension": 32, "tokenizer": {}}
    table = SentenceTable.build([[]] * 3000, [vectors[:0]] * 3000)
    write_index(tmp_path / "small", _records(3000), vectors, meta, sentences=table)
    hnsw = IndexSettings(vectors=VectorSettings(ann_threshold=1000, ef_search=700))
    write_index(tmp_path / "large", _records(3000), vectors, meta, sentences=table, settings=hnsw)
    small, large = IndexStore.open(tmp_path / "small"), IndexStore.open(tmp_path / "large")
    assert isinstance(large.dense, HNSWIndex) and isinstance(small.dense, FlatIndex)
    assert isinstance(large.dense, VectorIndex) and large.manifest["vector_index"] == "hnsw"
    assert large.settings == hnsw and large.dense.ef_search == 700  # recorded in the manifest, read back
    assert small.settings == IndexSettings() and small.manifest["bm25"] == {"k1": 1.2, "b": 0.75, "idf": "lucene"}
    queries = _unit(rng, 40)
    hits = 0
    for q in queries:
        exact, _ = small.search_dense(q, 10)
        approx, scores = large.search_dense(q, 10)
        assert list(scores) == sorted(scores, reverse=True)
        hits += len(set(exact.tolist()) & set(approx.tolist()))
    assert hits / (10 * len(queries)) >= 0.98
    # float16 storage reconstructs the vectors closely enough for the embedding cache
    assert np.abs(large.dense.reconstruct() - vectors).max() < 2e-3
    assert set(large.vectors_by_key()) == {f"k{i}" for i in range(3000)}
    # restricted search (outlet routing) returns only allowed rows, exact for small subsets
    rows = large.rows_for_outlets(["Outlet 1"])
    ids, _ = large.search_dense(queries[0], 5, rows)
    assert set(ids.tolist()) <= set(large.ids[rows].tolist()) and len(ids) == 5
    assert ids.tolist() == small.search_dense(queries[0], 5, rows)[0].tolist()
    # the outlet's vectors are cached for the next search of it; every search stays exact (up to
    # float16 rounding, which may swap near ties)
    for q in queries[:10]:
        for subset in (rows, large.rows_for_outlets(["Outlet 2"]), rows[::3].copy()):
            found, scores = large.search_dense(q, 5, subset)
            assert set(found.tolist()) == set(small.search_dense(q, 5, subset)[0].tolist())
            assert list(scores) == sorted(scores, reverse=True)
    assert len(large.dense._subsets) == 2  # the two outlets, not the ad-hoc subset


def test_outlets_are_cached(seed_index):
    store = IndexStore.open(seed_index)
    assert store.outlets() == store.outlets() and len(store.outlets()) == 3
    assert store._outlets is not None


def test_unreadable_current_pointer_names_the_fix(seed_index, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(seed_index, broken)
    (broken / "CURRENT").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(IndexCorrupted, match="qa index --rebuild"):
        IndexStore.open(broken)


def test_querying_an_index_of_another_model_is_refused(seed_index, tmp_path):

    other = tmp_path / "other"
    shutil.copytree(seed_index, other)
    manifest = current_version(other) / "manifest.json"
    data = json.loads(manifest.read_text())
    data["model"] = "some-other-model"
    manifest.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"built with model 'some-other-model'.*qa index --rebuild"):
        qa.answer("Who signed the decree?", index=other)


def test_no_page_furniture_is_indexed(seed_index):
    from tests.ingest.test_clean import FURNITURE

    store = IndexStore.open(seed_index)
    passages = store.passages(store.ids.tolist())
    assert len(passages) == len(store)
    for p in passages:
        for junk in FURNITURE:
            assert junk not in p.text, (junk, p.text)
        assert p.text.strip() == p.text and p.outlet in {"Kyiv Independent", "Newsweek", "ZeroHedge"}
