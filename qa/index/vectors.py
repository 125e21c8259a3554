"""Dense vector indexes behind one small protocol, chosen by corpus size.

Rows are positions ``0..n-1`` (the store maps rows to passage ids). Two FAISS implementations:

- :class:`FlatIndex`: exact inner-product search (``IndexFlatIP``), used below the size threshold;
  at 28k paragraphs a query costs a few milliseconds.
- :class:`HNSWIndex`: a graph index over float16 vectors (``IndexHNSWSQ``, half the memory of
  float32, reconstruction exact to ~1e-3), used from ``VectorSettings.ann_threshold`` rows (200,000)
  where exact search costs ~200 ms/query at 1M. Recall@10 against exact search is measured by
  ``qa bench``.

A distributed engine (OpenSearch k-NN, Qdrant, Milvus) is one more class with these methods.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from qa.index.settings import VectorSettings


@runtime_checkable
class VectorIndex(Protocol):
    """What the store needs from a vector index over rows ``0..ntotal-1`` (inner product)."""

    kind: str

    @property
    def ntotal(self) -> int: ...

    def add(self, vectors: np.ndarray) -> None:
        """Append normalised float32 vectors as the next rows."""

    def search(self, query: np.ndarray, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows for one query vector: ``(rows, scores)``, best first; ``rows`` restricts."""

    def reconstruct(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Stored vectors of ``rows`` (all rows when None), float32."""

    def save(self, path: Path) -> None:
        """Write the index to one file."""


def kind_for(n: int, settings: VectorSettings | None = None) -> str:
    """``hnsw`` from ``settings.ann_threshold`` rows on, else ``flat``."""
    return "hnsw" if n >= (settings or VectorSettings()).ann_threshold else "flat"


def _faiss():
    import faiss

    return faiss


def _exact(vectors: np.ndarray, query: np.ndarray, k: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # einsum's own loop, in this thread: OpenBLAS hands a product this size to its threads, which took 8 ms to
    # wake (0.2 ms alone) whenever something else held the cores
    scores = np.einsum("ij,j->i", vectors, query)
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")]
    return rows[top].astype(np.int64), scores[top].astype(np.float32)


class _FaissIndex:
    kind = "faiss"

    def __init__(self, index, settings: VectorSettings | None = None) -> None:
        self.index = index
        self.settings = settings or VectorSettings()

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def add(self, vectors: np.ndarray) -> None:
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def reconstruct(self, rows: np.ndarray | None = None) -> np.ndarray:
        if rows is None:
            return self.index.reconstruct_n(0, self.ntotal) if self.ntotal else np.zeros((0, self.index.d), np.float32)
        rows = np.asarray(rows, dtype=np.int64)
        return self.index.reconstruct_batch(rows) if len(rows) else np.zeros((0, self.index.d), np.float32)

    def save(self, path: Path) -> None:
        _faiss().write_index(self.index, str(path))

    def _params(self, rows: np.ndarray):
        return _faiss().SearchParameters(sel=_faiss().IDSelectorBatch(np.asarray(rows, dtype=np.int64)))

    def search(self, query: np.ndarray, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        n = self.ntotal if rows is None else len(rows)
        k = min(k, n)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if rows is not None and len(rows) <= self.settings.exact_subset:
            rows = np.asarray(rows, dtype=np.int64)
            return _exact(self.reconstruct(rows), query, k, rows)
        params = None if rows is None else self._params(rows)
        scores, found = self.index.search(query.reshape(1, -1), k, params=params)
        keep = found[0] >= 0
        return found[0][keep].astype(np.int64), scores[0][keep]


class FlatIndex(_FaissIndex):
    """Exact inner-product search over float32 vectors."""

    kind = "flat"

    @classmethod
    def create(cls, dim: int, settings: VectorSettings | None = None) -> FlatIndex:
        return cls(_faiss().IndexFlatIP(dim), settings)


class HNSWIndex(_FaissIndex):
    """HNSW graph over float16 vectors (inner product); ``ef_search`` trades speed for recall."""

    kind = "hnsw"

    def __init__(self, index, settings: VectorSettings | None = None) -> None:
        super().__init__(index, settings)
        self.ef_search = self.settings.ef_search
        # Subsets (an outlet's rows, its rows of some dates) searched again soon: each question
        # searches its outlets with the whole question and each of its parts.
        self._subsets: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._subset_lock = threading.Lock()

    @classmethod
    def create(cls, dim: int, settings: VectorSettings | None = None) -> HNSWIndex:
        settings = settings or VectorSettings()
        faiss = _faiss()
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_fp16, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = settings.ef_construction
        index.train(np.zeros((1, dim), dtype=np.float32))  # fp16 needs no statistics
        return cls(index, settings)

    def _params(self, rows: np.ndarray | None, k: int = 0):
        params = _faiss().SearchParametersHNSW()
        params.efSearch = max(self.ef_search, k)
        if rows is not None:  # a filtered graph walk needs a wider beam to keep its recall
            params.efSearch = max(params.efSearch, int(self.ef_search * min(16, self.ntotal / max(len(rows), 1))))
            params.sel = _faiss().IDSelectorBatch(np.asarray(rows, dtype=np.int64))
        return params

    def _codes(self) -> np.ndarray:
        """The stored float16 vectors as a zero-copy ``(n, d)`` numpy view of the SQ codes."""
        faiss = _faiss()
        storage = faiss.downcast_index(self.index.storage)
        n, d = self.ntotal, self.index.d
        raw = faiss.rev_swig_ptr(storage.codes.data(), n * d * 2)
        return np.frombuffer(raw, dtype=np.float16).reshape(n, d)

    def _subset_vectors(self, rows: np.ndarray) -> np.ndarray:
        """Float32 vectors of a row subset.

        A read-only ``rows`` array is a stable subset (an outlet's rows, held by the index's
        :class:`qa.index.rowtable.RowTable`): its vectors are kept for its next search, keyed by the array
        itself (the cache holds it, so its identity cannot be reused while cached).
        """
        if rows.flags.writeable:
            return self.reconstruct(rows)
        with self._subset_lock:
            found = self._subsets.get(id(rows))
            if found is not None:
                self._subsets.move_to_end(id(rows))
                return found[1]
        vectors = self.reconstruct(rows)
        with self._subset_lock:
            self._subsets[id(rows)] = (rows, vectors)
            limit = self.settings.subset_cache_rows
            while sum(len(r) for r, _ in self._subsets.values()) > limit and len(self._subsets) > 1:
                self._subsets.popitem(last=False)
        return vectors

    def reconstruct(self, rows: np.ndarray | None = None) -> np.ndarray:
        codes = self._codes()
        return (codes if rows is None else codes[np.asarray(rows, dtype=np.int64)]).astype(np.float32)

    def search(self, query: np.ndarray, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        n = self.ntotal if rows is None else len(rows)
        k = min(k, n)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if rows is not None and len(rows) <= self.settings.exact_subset:  # exact, over the float16 vectors as float32
            rows = np.asarray(rows, dtype=np.int64)
            return _exact(self._subset_vectors(rows), query[0], k, rows)
        scores, found = self.index.search(query, k, params=self._params(rows, k))
        keep = found[0] >= 0
        return found[0][keep].astype(np.int64), scores[0][keep]


def create(dim: int, n: int, kind: str | None = None, settings: VectorSettings | None = None) -> VectorIndex:
    """A new empty index for ``n`` vectors: ``kind`` ("flat"/"hnsw") or chosen by size (:func:`kind_for`)."""
    kind = kind or kind_for(n, settings)
    if kind == "flat":
        return FlatIndex.create(dim, settings)
    if kind == "hnsw":
        return HNSWIndex.create(dim, settings)
    raise ValueError(f"unknown vector index kind {kind!r} (flat or hnsw)")


def load(path: Path, settings: VectorSettings | None = None) -> VectorIndex:
    """Open an index written by :meth:`VectorIndex.save` (``settings``: those it was built with)."""
    faiss = _faiss()
    index = faiss.read_index(str(path), faiss.IO_FLAG_READ_ONLY)
    return HNSWIndex(index, settings) if isinstance(index, faiss.IndexHNSW) else FlatIndex(index, settings)
