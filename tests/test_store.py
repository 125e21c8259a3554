import shutil

import numpy as np
import pytest

import qa
from qa.store import IndexCorrupted, IndexStore, current_version, outlet_key


def test_index_layout_and_manifest(seed_index):
    version = current_version(seed_index)
    names = {p.name for p in version.iterdir()}
    assert {"manifest.json", "dense.faiss", "passages.sqlite", "bm25", "ids.npy"} <= names
    store = IndexStore.open(seed_index)
    m = store.manifest
    assert m["model"] == "all-MiniLM-L6-v2" and m["dimension"] == 384 and m["count"] == len(store) > 20
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
    with pytest.raises(ValueError, match="qa index"):
        qa.retrieve("anything", index=tmp_path / "nothing")


def test_outlet_key():
    assert outlet_key("The Kyiv Independent") == outlet_key("kyiv independent") == "kyiv independent"
    assert outlet_key("The") == "the"
