"""Build and update the index from the corpus directory; add articles to the corpus."""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from qa import embed
from qa.corpus import article_id, corpus_files, fingerprint, iter_corpus, write_article
from qa.ingest import read_articles
from qa.segment import chunk_paragraphs, content_key, passage_id
from qa.store import IndexCorrupted, IndexStore, PassageRecord, current_version, read_manifest, write_index
from qa.types import Article, IndexStats

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
EMBED_BATCH = 256


def embed_text(title: str, text: str) -> str:
    """What the model sees for a passage: its article's title, then the paragraph."""
    return f"{title}\n{text}" if title else text


def passage_records(aid: str, article: Article) -> list[PassageRecord]:
    """The retrieval units of one article, with stable ids and embedding-cache keys."""
    seen: Counter[str] = Counter()
    records = []
    for chunk in chunk_paragraphs(article):
        seen[chunk.text] += 1
        records.append(PassageRecord(
            id=passage_id(aid, chunk.text, seen[chunk.text]), article_id=aid, paragraph=chunk.paragraph,
            offset=chunk.offset, text=chunk.text, key=content_key(embed_text(article.title, chunk.text)),
            outlet=article.outlet, title=article.title, url=article.url, published=article.published,
            author=article.author))
    return records


def build_index(corpus: str | Path | None = None, index: str | Path | None = None, *,
                rebuild: bool = False, progress: bool | Progress = False) -> IndexStats:
    """Build or update the index from every article file in ``corpus``.

    Paragraphs whose embedded text is unchanged reuse their stored vectors; only new or edited
    paragraphs are embedded. The new index becomes live atomically when complete.

    Args:
        corpus: Corpus directory (default ``$QA_CORPUS`` or ``./corpus``).
        index: Index directory (default ``$QA_INDEX`` or ``./index``).
        rebuild: Ignore the stored vectors and embed everything again.
        progress: True for a terminal progress bar, or a callback ``f(done, total)``.

    Returns:
        Counts of articles, passages, newly embedded and reused vectors.

    Raises:
        ValueError: The corpus is empty or a corpus file is malformed (named in the message).
    """
    from qa.corpus import default_corpus
    from qa.store import default_index

    started = time.perf_counter()
    corpus = Path(corpus) if corpus is not None else default_corpus()
    root = Path(index) if index is not None else default_index()
    if not corpus_files(corpus):
        raise ValueError(f"{corpus}: no article files (*.md) here; add some with `qa add FILE --outlet NAME`")
    records: list[PassageRecord] = []
    for aid, article in iter_corpus(corpus):
        records.extend(passage_records(aid, article))
    path = embed.model_path()
    meta = {"model": embed.model_name(path), "model_path": path, "dimension": embed.dimension(path),
            "corpus": str(corpus.resolve()), "corpus_fingerprint": fingerprint(corpus)}
    cache = {} if rebuild else _reusable_vectors(root, meta)
    todo = sorted({r.key: r for r in records if r.key not in cache}.values(), key=lambda r: len(r.text))
    log.info("%d passages from %d articles: embedding %d new, reusing %d", len(records),
             len({r.article_id for r in records}), len(todo), len(records) - len(todo))
    new = _embed_records(todo, path, progress)
    cache.update(new)
    vectors = np.stack([cache[r.key] for r in records]).astype(np.float32)
    write_index(root, records, vectors, meta)
    reused = sum(1 for r in records if r.key not in new)
    return IndexStats(articles=len({r.article_id for r in records}), passages=len(records),
                      embedded=len(new), reused=reused, seconds=time.perf_counter() - started,
                      path=str(root))


def _reusable_vectors(root: Path, meta: dict) -> dict[str, np.ndarray]:
    try:
        old = read_manifest(root)
    except IndexCorrupted as exc:
        log.warning("previous index unusable (%s): embedding everything", exc)
        return {}
    if old is None:
        return {}
    if (old.get("model"), old.get("dimension")) != (meta["model"], meta["dimension"]):
        log.warning("model changed (%s, dim %s -> %s, dim %s): full rebuild, no vectors reused",
                    old.get("model"), old.get("dimension"), meta["model"], meta["dimension"])
        return {}
    try:
        store = IndexStore.open(root)
    except IndexCorrupted as exc:
        log.warning("previous index unusable (%s): embedding everything", exc)
        return {}
    try:
        return store.vectors_by_key()
    finally:
        store.close()


def _embed_records(todo: Sequence[PassageRecord], path: str, progress: bool | Progress) -> dict[str, np.ndarray]:
    if not todo:
        return {}
    texts = [embed_text(r.title, r.text) for r in todo]
    bar = None
    if progress is True:
        from tqdm import tqdm

        bar = tqdm(total=len(texts), unit="para", desc="embedding", file=sys.stderr, dynamic_ncols=True)
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(texts), EMBED_BATCH):
        batch = texts[start:start + EMBED_BATCH]
        vectors = embed.encode(batch, path=path)
        for r, v in zip(todo[start:start + EMBED_BATCH], vectors, strict=True):
            out[r.key] = v
        if bar is not None:
            bar.update(len(batch))
        elif callable(progress):
            progress(min(start + len(batch), len(texts)), len(texts))
    if bar is not None:
        bar.close()
    return out


def add_articles(paths: Sequence[str | Path], *, corpus: str | Path | None = None,
                 index: str | Path | None = None, progress: bool | Progress = False,
                 **metadata: str) -> IndexStats:
    """Add article files to the corpus (as front-matter Markdown) and update the index.

    Every file is read and validated before anything is written: one bad file refuses the whole
    call and leaves corpus and index unchanged.

    Args:
        paths: Files to add (``.md``, ``.txt``, ``.json``, ``.jsonl``, ``.html``).
        corpus: Corpus directory (default ``$QA_CORPUS`` or ``./corpus``).
        index: Index directory (default ``$QA_INDEX`` or ``./index``).
        progress: As for :func:`build_index`.
        **metadata: ``outlet``, ``title``, ``author``, ``published``, ``url`` for fields the files
            lack, plus extra front-matter fields.

    Raises:
        ValueError: A file is unreadable or malformed, or an article lacks an outlet or body.
    """
    from qa.corpus import default_corpus

    corpus = Path(corpus) if corpus is not None else default_corpus()
    if not paths:
        raise ValueError("no files given")
    articles: list[Article] = []
    for p in paths:
        articles.extend(read_articles(p, **metadata))
    existing = {p.stem for p in corpus_files(corpus)}
    for article in articles:
        aid = article_id(article)
        if aid in existing:
            log.info("already in the corpus, skipped: %s", aid)
            continue
        existing.add(aid)
        write_article(article, corpus)
    return build_index(corpus, index, progress=progress)


def index_is_current(corpus: Path, index: Path) -> bool:
    """True when the live index was built from exactly the current corpus files with the current model."""
    try:
        manifest = read_manifest(index) if current_version(index) else None
    except IndexCorrupted:
        return False
    return bool(manifest) and manifest.get("corpus_fingerprint") == fingerprint(corpus) and \
        manifest.get("model") == embed.model_name()
