"""Writing the on-disk index: a complete new version, made live atomically; old versions collected.

A new version is written into ``ROOT/.tmp-*``, fsynced, renamed to ``ROOT/v-*``, and only then
``CURRENT`` is swapped by rename: readers see the old version or the new one, never a mix, and a
crash at any point leaves the previous version live. The layout is described in :mod:`qa.index.store`.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.fsio import fsync_dir
from qa.index import vectors as vector_indexes
from qa.index.lexical import BM25Index
from qa.index.record import PassageRecord
from qa.index.sentences import SentenceTable
from qa.index.settings import IndexSettings, VectorSettings
from qa.index.store import FORMAT_VERSION, file_digest
from qa.index.vectors import VectorIndex
from qa.outlets import outlet_key

__all__ = ["REQUIRED_META", "PassageRecord", "write_index"]

# What the manifest must record about the encoder (its ``describe()``): vectors of another model or
# tokenizer never mix with these.
REQUIRED_META = ("model", "dimension", "tokenizer")


def _make_dense(vectors: np.ndarray, kind: str, settings: VectorSettings) -> VectorIndex:
    index = vector_indexes.create(vectors.shape[1], len(vectors), kind, settings)
    for start in range(0, len(vectors), 100_000):
        index.add(vectors[start:start + 100_000])
    return index


def write_index(root: Path, records: Sequence[PassageRecord], vectors: np.ndarray, meta: dict, *,
                sentences: SentenceTable, vector_index: str | None = None,
                settings: IndexSettings | None = None) -> Path:
    """Write a complete new index version under ``root`` and make it live atomically.

    Args:
        root: The index directory (created if missing).
        records: Passages in row order.
        vectors: Normalised float32 vectors, one row per record.
        meta: Manifest fields: the encoder's ``describe()`` (model, model_path, dimension, tokenizer,
            backend), corpus fingerprint, ...
        sentences: Sentence spans and vectors of every row, in row order (mandatory).
        vector_index: "flat" or "hnsw"; by default chosen by size (:func:`qa.index.vectors.kind_for`).
        settings: BM25 and vector settings (default :class:`~qa.index.settings.IndexSettings`), recorded in the
            manifest and read back when the index is opened.

    Returns:
        The new version directory.

    Raises:
        ValueError: Counts disagree, or ``meta`` lacks a field of :data:`REQUIRED_META`.
    """
    missing = [k for k in REQUIRED_META if k not in meta]
    if missing:
        raise ValueError(f"index metadata lacks {', '.join(missing)} (record the encoder's describe())")
    if len(sentences) != len(records) or len(vectors) != len(records):
        raise ValueError(f"{len(records)} passages, {len(vectors)} vectors, {len(sentences)} rows of sentences")
    settings = settings or IndexSettings()
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    tmp = root / f".tmp-{stamp}"
    tmp.mkdir()
    try:
        ids = np.fromiter((r.id for r in records), dtype=np.int64, count=len(records))
        np.save(tmp / "ids.npy", ids, allow_pickle=False)
        kind = vector_index or vector_indexes.kind_for(len(records), settings.vectors)
        dense = _make_dense(np.ascontiguousarray(vectors, dtype=np.float32), kind, settings.vectors)
        dense.save(tmp / "dense.faiss")
        del dense
        _write_sqlite(tmp / "passages.sqlite", records)
        BM25Index.build([r.text for r in records], settings.bm25).save(tmp / "bm25")
        sentences.save(tmp)
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        manifest = {
            "format_version": FORMAT_VERSION,
            **meta,
            "vector_index": kind,
            **settings.to_manifest(),
            "count": len(records),
            "articles": len({r.article_id for r in records}),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "files": {str(p.relative_to(tmp)): {"size": p.stat().st_size, "blake2b": file_digest(p)}
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
