"""The on-disk index: FAISS vectors, BM25, passage metadata (SQLite) and a manifest.

Layout of an index directory ``ROOT``::

    ROOT/CURRENT            name of the live version directory (replaced atomically)
    ROOT/v-<stamp>/         one complete, immutable version
        manifest.json       format, model, dimension, counts, corpus fingerprint, file sizes + hashes
        dense.faiss         the vector index over rows (qa.index.vectors: exact flat when small, HNSW
                            over float16 vectors from QA_ANN_THRESHOLD rows); row -> id via ids.npy
        passages.sqlite     passages (id, row, article, paragraph, offset, text, embed key) + articles
        bm25/               bm25s index files (.npy + JSON), memory-mapped when opened
        ids.npy             passage id of each row (int64)
        sentences.npy, sentence_spans.npy, sentence_offsets.npy
                            sentence vectors (float16) and spans of every row (qa.index.sentences.SentenceTable);
                            absent in indexes written before them (queries then encode sentences)

A new version is written into ``ROOT/.tmp-*``, fsynced, renamed to ``ROOT/v-*``, and only then
``CURRENT`` is swapped by rename: readers see the old version or the new one, never a mix, and a
crash at any point leaves the previous version live. This is the only module that knows file formats.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.fsio import fsync_dir
from qa.index import vectors as vector_indexes
from qa.index.lexical import BM25Index
from qa.index.rowtable import RowTable
from qa.index.sentences import SentenceTable
from qa.index.vectors import FlatIndex, HNSWIndex, VectorIndex
from qa.types import Passage, Span

__all__ = ["FlatIndex", "HNSWIndex", "IndexCorrupted", "IndexStore", "PassageRecord", "VectorIndex",
           "current_version", "outlet_key", "read_manifest", "write_index"]

FORMAT_VERSION = 1
CHECKSUM_LIMIT = 256 * 2**20  # files up to this size are hashed on open; larger ones size-checked
REBUILD_HINT = "run `qa index --rebuild` to build it again from the corpus"


class IndexCorrupted(ValueError):
    """The index is missing, corrupted or does not match; the message names the fix."""


@dataclass(frozen=True)
class PassageRecord:
    """Everything stored about one retrieval unit."""

    id: int
    article_id: str
    paragraph: int
    offset: int
    text: str
    key: str
    outlet: str
    title: str
    url: str
    published: str
    author: str


def outlet_key(name: str) -> str:
    """Normalised outlet name for matching: case-folded, leading 'the' and punctuation dropped."""
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def default_index() -> Path:
    """``$QA_INDEX`` or ``./index``."""
    return Path(os.environ.get("QA_INDEX", "index"))


def _digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _make_dense(vectors: np.ndarray, kind: str | None) -> VectorIndex:
    index = vector_indexes.create(vectors.shape[1], len(vectors), kind)
    for start in range(0, len(vectors), 100_000):
        index.add(vectors[start:start + 100_000])
    return index


def write_index(root: Path, records: Sequence[PassageRecord], vectors: np.ndarray, meta: dict, *,
                vector_index: str | None = None, sentences: SentenceTable | None = None) -> Path:
    """Write a complete new index version under ``root`` and make it live atomically.

    Args:
        root: The index directory (created if missing).
        records: Passages in row order.
        vectors: Normalised float32 vectors, one row per record.
        meta: Manifest fields (model, dimension, corpus fingerprint, ...).
        vector_index: "flat" or "hnsw"; by default chosen by size (:func:`qa.index.vectors.ann_threshold`).
        sentences: Sentence spans and vectors of every row (none: queries encode sentences).

    Returns:
        The new version directory.
    """
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    tmp = root / f".tmp-{stamp}"
    tmp.mkdir()
    try:
        ids = np.fromiter((r.id for r in records), dtype=np.int64, count=len(records))
        np.save(tmp / "ids.npy", ids, allow_pickle=False)
        dense = _make_dense(np.ascontiguousarray(vectors, dtype=np.float32), vector_index)
        dense.save(tmp / "dense.faiss")
        del dense
        _write_sqlite(tmp / "passages.sqlite", records)
        BM25Index.build([r.text for r in records]).save(tmp / "bm25")
        if sentences is not None:
            if len(sentences) != len(records):
                raise ValueError(f"{len(sentences)} rows of sentences for {len(records)} passages")
            sentences.save(tmp)
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        manifest = {
            "format_version": FORMAT_VERSION,
            **meta,
            "vector_index": vector_index or ("hnsw" if len(records) >= vector_indexes.ann_threshold() else "flat"),
            "count": len(records),
            "articles": len({r.article_id for r in records}),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "files": {str(p.relative_to(tmp)): {"size": p.stat().st_size, "blake2b": _digest(p)}
                      for p in files},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1))
        for p in [*files, tmp / "manifest.json"]:
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
        for d in {p.parent for p in files} | {tmp}:
            fsync_dir(d)
        final = root / f"v-{stamp}"
        os.rename(tmp, final)
        pointer = root / f".CURRENT.tmp-{stamp}"
        pointer.write_text(final.name + "\n")
        with open(pointer, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(pointer, root / "CURRENT")
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _collect_garbage(root, keep=final.name)
    return final


def _write_sqlite(path: Path, records: Sequence[PassageRecord]) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE articles (article_id TEXT PRIMARY KEY, outlet TEXT, outlet_key TEXT,
                                   title TEXT, url TEXT, published TEXT, author TEXT);
            CREATE TABLE passages (id INTEGER PRIMARY KEY, row INTEGER UNIQUE, article_id TEXT,
                                   paragraph INTEGER, offset INTEGER, text TEXT, key TEXT);
            """
        )
        seen: set[str] = set()
        arts = []
        for r in records:
            if r.article_id not in seen:
                seen.add(r.article_id)
                arts.append((r.article_id, r.outlet, outlet_key(r.outlet), r.title, r.url, r.published,
                             r.author))
        db.executemany("INSERT INTO articles VALUES (?,?,?,?,?,?,?)", arts)
        db.executemany("INSERT INTO passages VALUES (?,?,?,?,?,?,?)",
                       ((r.id, i, r.article_id, r.paragraph, r.offset, r.text, r.key)
                        for i, r in enumerate(records)))
        db.execute("CREATE INDEX passages_article ON passages(article_id)")
        db.execute("CREATE INDEX articles_outlet ON articles(outlet_key)")
        db.commit()
    finally:
        db.close()


def _collect_garbage(root: Path, keep: str) -> None:
    """Remove old versions and abandoned temp dirs (open readers keep their files on Linux)."""
    for p in root.iterdir():
        if p.name == keep or not p.is_dir():
            continue
        if p.name.startswith("v-") or p.name.startswith(".tmp-"):
            shutil.rmtree(p, ignore_errors=True)
    for p in root.glob(".CURRENT.tmp-*"):
        p.unlink(missing_ok=True)


def current_version(root: Path) -> Path | None:
    """The live version directory of ``root``, or None when no index was ever completed."""
    pointer = root / "CURRENT"
    if not pointer.is_file():
        return None
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (UnicodeDecodeError, OSError):
        raise IndexCorrupted(f"{root}: CURRENT is unreadable; {REBUILD_HINT}") from None
    version = root / name
    if not name.startswith("v-") or not version.is_dir():
        raise IndexCorrupted(f"{root}: CURRENT points to a missing version {name!r}; {REBUILD_HINT}")
    return version


def read_manifest(root: Path) -> dict | None:
    """The manifest of the live version, or None when there is no index."""
    version = current_version(root)
    if version is None:
        return None
    try:
        return json.loads((version / "manifest.json").read_text())
    except (OSError, json.JSONDecodeError):
        raise IndexCorrupted(f"{version}: manifest.json is missing or unreadable; {REBUILD_HINT}") from None


class IndexStore:
    """An opened, read-only index version. Thread-safe for concurrent queries."""

    def __init__(self, version: Path, manifest: dict, dense: VectorIndex, bm25: BM25Index, ids: np.ndarray,
                 db: sqlite3.Connection, sentences: SentenceTable | None = None) -> None:
        self.version = version
        self.sentences = sentences
        self.manifest = manifest
        self.dense = dense
        self.bm25 = bm25
        self.ids = ids
        self._db = db
        self._lock = threading.Lock()
        self._outlets: list[tuple[str, int]] | None = None
        self._rows: RowTable | None = None
        self._row_lock = threading.Lock()
        self._id_order: np.ndarray | None = None

    @classmethod
    def open(cls, root: str | Path, verify: bool = True) -> IndexStore:
        """Open the live version of the index at ``root``.

        Raises:
            IndexCorrupted: no index, a missing/truncated/altered file, or counts that disagree.
        """
        root = Path(root)
        version = current_version(root)
        if version is None:
            raise IndexCorrupted(f"{root}: no index here yet; run `qa index` to build it")
        manifest = read_manifest(root) or {}
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexCorrupted(f"{version}: index format {manifest.get('format_version')} is not "
                                 f"{FORMAT_VERSION}; {REBUILD_HINT}")
        for name, info in manifest.get("files", {}).items():
            p = version / name
            if not p.is_file() or p.stat().st_size != info["size"]:
                raise IndexCorrupted(f"{p}: missing or truncated; {REBUILD_HINT}")
            if verify and info["size"] <= CHECKSUM_LIMIT and _digest(p) != info["blake2b"]:
                raise IndexCorrupted(f"{p}: contents do not match the manifest (corrupted); {REBUILD_HINT}")
        try:
            dense = vector_indexes.load(version / "dense.faiss")
            ids = np.load(version / "ids.npy", allow_pickle=False)
            bm25 = BM25Index.load(version / "bm25", mmap=True)
            db = sqlite3.connect(f"file:{version / 'passages.sqlite'}?mode=ro", uri=True,
                                 check_same_thread=False)
            (n_rows,) = db.execute("SELECT count(*) FROM passages").fetchone()
            has_sentences = SentenceTable.FILES[0] in manifest.get("files", {})
            sentences = SentenceTable.load(version) if has_sentences else None
        except Exception as exc:  # faiss/numpy/sqlite raise many types on damaged files
            raise IndexCorrupted(f"{version}: cannot read the index ({exc}); {REBUILD_HINT}") from None
        count = manifest.get("count")
        if sentences is not None and len(sentences) != count:
            raise IndexCorrupted(f"{version}: {len(sentences)} rows of sentences, manifest {count}; {REBUILD_HINT}")
        if not (dense.ntotal == len(ids) == n_rows == bm25.n_docs == count):
            raise IndexCorrupted(f"{version}: parts disagree (faiss {dense.ntotal}, ids {len(ids)}, "
                                 f"passages {n_rows}, bm25 {bm25.n_docs}, manifest {count}); {REBUILD_HINT}")
        return cls(version, manifest, dense, bm25, ids, db, sentences)

    def __len__(self) -> int:
        return len(self.ids)

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
        found, scores = self.dense.search(query, k, rows)
        return self.ids[found], scores

    def search_lexical(self, tokens: list[str], k: int, rows: np.ndarray | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` passage ids by BM25: ``(ids, scores)``; ``rows`` restricts the search."""
        found, scores = self.bm25.search(tokens, k, rows)
        return self.ids[found], scores

    def passages(self, ids: Sequence[int], scores: Sequence[float] | None = None) -> list[Passage]:
        """Load passages by id, in the order given."""
        if not len(ids):
            return []
        ids = [int(i) for i in ids]
        marks = ",".join("?" * len(ids))
        rows = self._query(
            f"SELECT p.id, p.article_id, a.outlet, a.title, a.url, a.published, p.paragraph, p.text "
            f"FROM passages p JOIN articles a USING(article_id) WHERE p.id IN ({marks})", ids)
        by_id = {r[0]: r for r in rows}
        scores = list(scores) if scores is not None else [0.0] * len(ids)
        return [Passage(*by_id[i], score=float(s)) for i, s in zip(ids, scores, strict=True) if i in by_id]

    def rows_of(self, ids: Sequence[int]) -> np.ndarray:
        """Row of each passage id (-1 for ids not in this index)."""
        if self._id_order is None:
            self._id_order = np.argsort(self.ids, kind="stable")
        ids = np.asarray(ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.ids, ids, sorter=self._id_order), max(len(self.ids) - 1, 0))
        rows = self._id_order[at] if len(self.ids) else np.zeros(len(ids), np.int64)
        return np.where(self.ids[rows] == ids, rows, -1) if len(self.ids) else rows - 1

    def sentences_by_key(self) -> dict[str, tuple[list[Span], np.ndarray]]:
        """Sentence spans and vectors of every stored passage by embedding key (empty without them)."""
        if self.sentences is None:
            return {}
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

    def records(self) -> list[PassageRecord]:
        """Every stored passage with its article's fields, in row order (the order of the vectors)."""
        rows = self._query("SELECT p.id, p.article_id, p.paragraph, p.offset, p.text, p.key, a.outlet, a.title, "
                           "a.url, a.published, a.author FROM passages p JOIN articles a USING(article_id) "
                           "ORDER BY p.row")
        return [PassageRecord(*r) for r in rows]
