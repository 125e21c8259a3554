"""Reading the on-disk index: the live version's manifest and :class:`IndexStore` (queries).

Layout of an index directory ``ROOT`` (written by :mod:`qa.index.writer`)::

    ROOT/CURRENT            name of the live version directory (replaced atomically)
    ROOT/v-<stamp>/         one complete, immutable version
        manifest.json       format, encoder (model, dimension, tokenizer and its settings), counts,
                            corpus fingerprint, file sizes + hashes, and the index's own settings
                            (bm25: k1, b, idf; vectors: HNSW M, ef; qa.index.settings), read back on open
        dense.faiss         the vector index over rows (qa.index.vectors: exact flat when small, HNSW
                            over float16 vectors from VectorSettings.ann_threshold rows); row -> id via ids.npy
        passages.sqlite     passages (id, row, article, paragraph, offset, text, embed key) + articles
        bm25/               bm25s index files (.npy + JSON), memory-mapped when opened
        ids.npy             passage id of each row (int64)
        sentences.npy, sentence_spans.npy, sentence_offsets.npy
                            sentence vectors (float16) and spans of every row (qa.index.sentences.SentenceTable)
Format 2 is current; an index of another format (1: sentence vectors optional, no tokenizer) is
refused as outdated and rebuilt by ``qa index --rebuild``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.errors import IndexCorrupted, IndexMissing
from qa.index import vectors as vector_indexes
from qa.index.backend import Restriction, Window
from qa.index.lexical import BM25Index
from qa.index.manifest import (
    CHECKSUM_LIMIT,
    FORMAT_VERSION,
    check_format,
    current_version,
    file_digest,
    read_manifest,
)
from qa.index.record import PassageRecord
from qa.index.rowtable import RowTable
from qa.index.sentences import SentenceTable
from qa.index.settings import IndexSettings
from qa.index.vectors import FlatIndex, HNSWIndex, VectorIndex
from qa.outlets import outlet_key
from qa.types import Passage, Span

__all__ = ["FORMAT_VERSION", "FlatIndex", "HNSWIndex", "IndexStore", "VectorIndex", "check_format",
           "current_version", "file_digest", "outlet_key", "read_manifest"]

class IndexStore:
    """An opened, read-only index version. Thread-safe for concurrent queries."""

    def __init__(self, version: Path, manifest: dict, dense: VectorIndex, bm25: BM25Index, ids: np.ndarray,
                 db: sqlite3.Connection, sentences: SentenceTable) -> None:
        self.version, self.manifest, self.ids = version, manifest, ids
        self.dense, self.bm25, self.sentences = dense, bm25, sentences
        self.settings = IndexSettings.from_manifest(manifest)  # what it was built with (BM25, vectors)
        self._db = db
        self._lock = threading.Lock()
        self._outlets: list[tuple[str, int]] | None = None
        self._rows: RowTable | None = None
        self._row_lock = threading.Lock()
        self._id_order: np.ndarray | None = None

    @classmethod
    def open(cls, root: str | Path, verify: bool = True) -> IndexStore:
        """Open the live version of the index at ``root``.

        Args:
            root: The index directory.
            verify: Check the hashes of files up to ``CHECKSUM_LIMIT`` bytes (sizes are always checked).

        Raises:
            IndexMissing: No index was built at ``root`` yet.
            IndexOutdated: The index has an older format (rebuild it).
            IndexCorrupted: A missing/truncated/altered file, or counts that disagree.
        """
        root = Path(root)
        version = current_version(root)
        if version is None:
            raise IndexMissing("no index here yet", source=root)
        manifest = read_manifest(root) or {}
        check_format(manifest, version)
        files = manifest.get("files", {})
        for name in SentenceTable.FILES:
            if name not in files:
                raise IndexCorrupted(f"{name} is not in the manifest", source=version)
        for name, info in files.items():
            p = version / name
            if not p.is_file() or p.stat().st_size != info["size"]:
                raise IndexCorrupted("missing or truncated", source=p)
            if verify and info["size"] <= CHECKSUM_LIMIT and file_digest(p) != info["blake2b"]:
                raise IndexCorrupted("contents do not match the manifest (corrupted)", source=p)
        try:
            settings = IndexSettings.from_manifest(manifest)
            dense = vector_indexes.load(version / "dense.faiss", settings.vectors)
            ids = np.load(version / "ids.npy", allow_pickle=False)
            bm25 = BM25Index.load(version / "bm25", mmap=True, settings=settings.bm25)
            db = sqlite3.connect(f"file:{version / 'passages.sqlite'}?mode=ro", uri=True,
                                 check_same_thread=False)
            (n_rows,) = db.execute("SELECT count(*) FROM passages").fetchone()
            sentences = SentenceTable.load(version)
        except Exception as exc:  # faiss/numpy/sqlite raise many types on damaged files
            raise IndexCorrupted(f"cannot read the index ({exc})", source=version) from None
        count = manifest.get("count")
        if len(sentences) != count:
            raise IndexCorrupted(f"{len(sentences)} rows of sentences, manifest {count}", source=version)
        if not (dense.ntotal == len(ids) == n_rows == bm25.n_docs == count):
            raise IndexCorrupted(f"parts disagree (faiss {dense.ntotal}, ids {len(ids)}, passages {n_rows}, "
                                 f"bm25 {bm25.n_docs}, manifest {count})", source=version)
        return cls(version, manifest, dense, bm25, ids, db, sentences)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def location(self) -> str:
        """The index directory (for messages)."""
        return str(self.version.parent)

    def restrict(self, outlets: Sequence[str], window: Window) -> Restriction | None:
        """Sorted rows of these outlets (all when empty) published within ``window``; None for all rows."""
        rows = self.rows_for_outlets(outlets) if outlets else None
        return rows if window is None else self.rows_published(window, rows)

    def is_empty(self, restriction: Restriction | None) -> bool:
        """True when a :meth:`restrict` result holds no row."""
        return restriction is not None and len(restriction) == 0

    @property
    def n_articles(self) -> int:
        """Number of articles in this index."""
        return int(self.manifest.get("articles", 0))

    def _query(self, sql: str, args: Sequence = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def outlets(self) -> list[tuple[str, int]]:
        """``(outlet, number of articles)`` for every outlet, most articles first."""
        if self._outlets is None:  # a version never changes: one query per opened index
            rows = self._query("SELECT outlet, count(*) FROM articles GROUP BY outlet ORDER BY 2 DESC, 1")
            self._outlets = [(o, int(n)) for o, n in rows]
        return list(self._outlets)

    def rows_for_outlets(self, outlets: Sequence[str]) -> np.ndarray:
        """Row numbers of all passages from these outlets (matched by :func:`outlet_key`)."""
        return self.row_table.for_outlets([outlet_key(o) for o in outlets])

    def rows_published(self, window: tuple[int, int], rows: np.ndarray | None = None) -> np.ndarray:
        """Those of ``rows`` (default: all) published within an inclusive window of day ordinals."""
        return self.row_table.published_within(window, rows)

    @property
    def row_table(self) -> RowTable:
        """Outlet and publication day of every row, built on first use (once per version)."""
        with self._row_lock:
            if self._rows is None:
                self._rows = RowTable(len(self.ids), self._query)
            return self._rows

    def search_dense(self, query: np.ndarray, k: int, rows: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` passage ids by inner product: ``(ids, scores)``; ``rows`` restricts the search."""
        found, scores = self.dense_rows(query, k, rows)
        return self.ids[found], scores

    def search_lexical(self, tokens: list[str], k: int, rows: np.ndarray | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` passage ids by BM25: ``(ids, scores)``; ``rows`` restricts the search."""
        found, scores = self.lexical_rows(tokens, k, rows)
        return self.ids[found], scores

    def passages(self, ids: Sequence[int], scores: Sequence[float] | None = None) -> list[Passage]:
        """Load passages by id, in the order given (ids not in this index are left out)."""
        rows = self.rows_of(list(ids)) if len(ids) else np.zeros(0, np.int64)
        scores = list(scores) if scores is not None else [0.0] * len(rows)
        kept = [(int(r), s) for r, s in zip(rows, scores, strict=True) if r >= 0]
        return self.passages_at([r for r, _ in kept], [s for _, s in kept])

    def rows_of(self, ids: Sequence[int]) -> np.ndarray:
        """Row of each passage id (-1 for ids not in this index)."""
        if self._id_order is None:
            self._id_order = np.argsort(self.ids, kind="stable")
        ids = np.asarray(ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.ids, ids, sorter=self._id_order), max(len(self.ids) - 1, 0))
        rows = self._id_order[at] if len(self.ids) else np.zeros(len(ids), np.int64)
        return np.where(self.ids[rows] == ids, rows, -1) if len(self.ids) else rows - 1

    def sentences_by_key(self) -> dict[str, tuple[list[Span], np.ndarray]]:
        """Sentence spans and vectors of every stored passage by embedding key."""
        return {key: self.sentences.row(row) for row, key in self._query("SELECT row, key FROM passages")}

    def vectors_by_key(self) -> dict[str, np.ndarray]:
        """Embedding of every stored passage, keyed by the hash of its embedded text (the cache)."""
        n = len(self.ids)
        if n == 0:
            return {}
        vectors = self.dense.reconstruct()
        keys = self._query("SELECT row, key FROM passages")
        return {key: vectors[row] for row, key in keys}

    def close(self) -> None:
        """Close the metadata database."""
        self._db.close()

    def outlet_names(self) -> list[str]:
        """Names of the outlets of this index, most articles first."""
        return [o for o, _ in self.outlets()]

    def dense_rows(self, vector: np.ndarray, k: int, rows: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows by inner product with ``vector``: ``(rows, scores)``; ``rows`` restricts."""
        return self.dense.search(vector, k, rows)

    def lexical_rows(self, tokens: list[str], k: int, rows: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows by BM25 for search tokens: ``(rows, scores)``; ``rows`` restricts."""
        return self.bm25.search(tokens, k, rows)

    def idf(self, tokens: list[str]) -> np.ndarray:
        """Inverse document frequency of each token in this index (float32)."""
        return self.bm25.idf(tokens)

    def vectors_at(self, rows: Sequence[int]) -> np.ndarray:
        """Stored passage vectors of ``rows`` (float32, one per row)."""
        return self.dense.reconstruct(np.asarray(rows, dtype=np.int64))

    def sentences_at(self, row: int) -> tuple[list[Span], np.ndarray]:
        """Sentence spans and float32 vectors of one row."""
        return self.sentences.row(row)

    def sentences_many(self, rows: Sequence[int]) -> list[tuple[list[Span], np.ndarray]]:
        """:meth:`sentences_at` of several rows."""
        return [self.sentences.row(int(r)) for r in rows]

    def passages_at(self, rows: Sequence[int], scores: Sequence[float] | None = None) -> list[Passage]:
        """Passages of ``rows`` in the order given (one metadata query)."""
        if not len(rows):
            return []
        rows = [int(r) for r in rows]
        marks = ",".join("?" * len(rows))
        found = self._query(
            f"SELECT p.row, p.id, p.article_id, a.outlet, a.title, a.url, a.published, p.paragraph, p.text, "
            f"a.author FROM passages p JOIN articles a USING(article_id) WHERE p.row IN ({marks})", rows)
        by_row = {r[0]: r[1:] for r in found}
        scores = list(scores) if scores is not None else [0.0] * len(rows)
        return [Passage(*by_row[r][:-1], score=float(s), author=by_row[r][-1] or "")
                for r, s in zip(rows, scores, strict=True)]

    def texts(self, limit: int | None = None) -> list[str]:
        """Passage texts (at most about ``limit``, spread over the rows), then article titles and outlets."""
        step = max(1, -(-len(self) // limit)) if limit else 1
        found = self._query("SELECT text FROM passages WHERE row % ? = 0", (step,))
        return [t for (t,) in found] + [t for r in self._query("SELECT title, outlet FROM articles") for t in r if t]

    def records(self) -> list[PassageRecord]:
        """Every stored passage with its article's fields, in row order (the order of the vectors)."""
        rows = self._query("SELECT p.id, p.article_id, p.paragraph, p.offset, p.text, p.key, a.outlet, a.title, "
                           "a.url, a.published, a.author FROM passages p JOIN articles a USING(article_id) "
                           "ORDER BY p.row")
        return [PassageRecord(*r) for r in rows]
