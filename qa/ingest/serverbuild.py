"""Build or update an index held by a search server (``qa index --backend URL``): bulk, batched, resumable.

The corpus is segmented exactly as for the embedded index (same passage ids, same embedded text).
Passages the server already holds with the same embedding key are skipped, passages no longer in
the corpus are deleted, and the rest are embedded and upserted :func:`batch_size` at a time, each batch
one transaction: a build killed at any point is resumed by running it again. Vectors can also be
taken from an embedded index of the same model (``--from-index DIR``: migrating an index without
embedding it again); passages that index lacks are embedded. One build per database runs at a
time (a server-side advisory lock, released when the builder dies).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import numpy as np

from qa.config import Config
from qa.errors import ConfigError
from qa.index.manifest import FORMAT_VERSION
from qa.index.open import open_backend
from qa.index.pgschema import redact
from qa.index.pgwriter import PgWriter
from qa.index.record import PassageRecord
from qa.index.settings import IndexSettings
from qa.ingest.records import Progress, corpus_records, embed_records
from qa.types import IndexStats

__all__ = ["BATCH", "batch_size", "build_into_server"]

log = logging.getLogger(__name__)
BATCH = 512  # passages per transaction (``$QA_SERVER_BATCH`` overrides it)
LOCK_ID = 7342002


def batch_size(config: Config | None = None) -> int:
    """Passages per transaction: ``$QA_SERVER_BATCH`` (:attr:`qa.config.Config.server_batch`) or :data:`BATCH`."""
    configured = (config or Config.from_env()).server_batch
    return max(1, configured if configured is not None else BATCH)


def _reusable(from_index: Path | None, meta: dict) -> tuple[dict, dict]:
    """Passage vectors and sentences by embedding key from an embedded index of the same model."""
    if from_index is None:
        return {}, {}
    store = open_backend(Path(from_index))
    try:
        old = store.manifest
        for field in ("model", "dimension", "tokenizer"):
            if old.get(field) != meta[field]:
                raise ConfigError(f"--from-index was built with another {field} ({old.get(field)!r})",
                                  source=from_index, hint="drop --from-index to embed the corpus")
        return store.vectors_by_key(), store.sentences_by_key()
    finally:
        store.close()


def build_into_server(corpus: Path, url: str, *, rebuild: bool = False, progress: bool | Progress = False,
                      from_index: str | Path | None = None, settings: IndexSettings | None = None) -> IndexStats:
    """Make the server's index reflect ``corpus`` (see the module docstring).

    Args:
        corpus: The corpus directory.
        url: ``postgresql://`` URL of the database.
        rebuild: Embed and write everything again.
        progress: True for a progress bar on stderr, or a callback ``f(done, total)``.
        from_index: An embedded index directory to take vectors from.
        settings: BM25 and HNSW settings, recorded in the server's manifest (default: those it records).

    Raises:
        ArticleError: The corpus is empty or malformed.
        ConfigError: The server is unreachable, holds vectors of another dimension, or
            ``from_index`` was built with another model.
    """
    started = time.perf_counter()
    records, fields = corpus_records(corpus)
    meta = {"format_version": FORMAT_VERSION, **fields}
    n_articles = len({r.article_id for r in records})
    vectors, sentences = _reusable(Path(from_index) if from_index else None, meta)
    writer = PgWriter.open(url, int(meta["dimension"]))
    try:
        writer.lock(LOCK_ID)
        old = writer.manifest()
        chosen = getattr(settings, "index", settings) or IndexSettings.from_manifest(old or {})
        meta = {**meta, **chosen.to_manifest()}
        if old and any(old.get(f) != meta[f] for f in ("model", "dimension", "tokenizer")):
            log.warning("the server's index was built with another model or tokenizer: rebuilding")
            rebuild = True
        stored = {} if rebuild else writer.stored_keys()
        wanted = {r.id for r in records}
        stale = [i for i in stored if i not in wanted]
        for start in range(0, len(stale), BATCH * 8):
            writer.delete(stale[start:start + BATCH * 8])
        # shortest first, as the embedded build: batches of similar length pad least
        todo = sorted({r.id: r for r in records if stored.get(r.id) != r.key}.values(), key=lambda r: len(r.text))
        log.info("%d passages from %d articles: writing %d, keeping %d, deleting %d", len(records),
                 n_articles, len(todo), len(records) - len(todo), len(stale))
        embedded = _write(writer, todo, vectors, sentences, progress)
        writer.finish(meta)
        count = writer.count()
    finally:
        writer.close()
    return IndexStats(articles=n_articles, passages=count, embedded=embedded, reused=len(records) - embedded,
                      seconds=time.perf_counter() - started, path=redact(url))


def _write(writer: PgWriter, todo: list[PassageRecord], vectors: dict, sentences: dict,
           progress: bool | Progress) -> int:
    """Upsert ``todo`` batch by batch, embedding what ``vectors`` lacks; returns how many were embedded."""
    bar = None
    if progress is True and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="para", desc="indexing", file=sys.stderr, dynamic_ncols=True)
    embedded, size = 0, batch_size()
    for start in range(0, len(todo), size):
        batch = todo[start:start + size]
        missing = [r for r in batch if r.key not in sentences]
        if missing:
            new, new_sents = embed_records(missing, False)
            embedded += len(missing)
            vectors.update(new)
            sentences.update(new_sents)
        writer.upsert(batch, np.stack([vectors[r.key] for r in batch]).astype(np.float32),
                      [sentences[r.key] for r in batch])
        if bar is not None:
            bar.update(len(batch))
        elif callable(progress):
            progress(min(start + len(batch), len(todo)), len(todo))
    if bar is not None:
        bar.close()
    return embedded
