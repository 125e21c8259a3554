"""Passages of a corpus as index records, and their embeddings (shared by the embedded and the server build)."""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from qa.errors import ArticleError
from qa.index.record import PassageRecord
from qa.ingest.corpus import corpus_files, fingerprint, read_corpus, remove_temp_files
from qa.ingest.segment import chunk_paragraphs, content_key, passage_id, sentences
from qa.model import get_encoder
from qa.types import Article, Span

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
Sentences = tuple[list[Span], np.ndarray]
EMBED_BATCH = 64  # small batches: queries served meanwhile wait at most one batch


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


def corpus_records(corpus: Path) -> tuple[list[PassageRecord], dict]:
    """The passages to index from a corpus, and the manifest fields they make (model, corpus fingerprint).

    Files left by an interrupted write are removed first.

    Raises:
        ArticleError: The corpus has no article files, or one is malformed.
    """
    for leftover in remove_temp_files(corpus):
        log.info("removed %s, left by an interrupted write", leftover)
    if not corpus_files(corpus):
        raise ArticleError("no article files (*.md) here", source=corpus,
                           hint="add some with `qa add FILE --outlet NAME`")
    articles, digests = read_corpus(corpus)
    records = [r for aid, article in articles for r in passage_records(aid, article)]
    meta = {**get_encoder().describe(), "corpus": str(corpus.resolve()),
            "corpus_fingerprint": fingerprint(corpus, digests), "corpus_files": digests}
    return records, meta


def embed_records(todo: Sequence[PassageRecord], progress: bool | Progress
                   ) -> tuple[dict[str, np.ndarray], dict[str, Sentences]]:
    """Passage vectors and sentence spans + vectors of ``todo``, one model pass per passage."""
    if not todo:
        return {}, {}
    texts = [embed_text(r.title, r.text) for r in todo]
    encoder = get_encoder()
    bar = None
    if progress is True:
        from tqdm import tqdm

        bar = tqdm(total=len(texts), unit="para", desc="embedding", file=sys.stderr, dynamic_ncols=True)
    out: dict[str, np.ndarray] = {}
    sents: dict[str, Sentences] = {}
    for start in range(0, len(texts), EMBED_BATCH):
        batch = texts[start:start + EMBED_BATCH]
        recs = todo[start:start + EMBED_BATCH]
        spans = [sentences(r.text) for r in recs]
        shifts = [len(t) - len(r.text) for t, r in zip(batch, recs, strict=True)]
        vectors, sentence_vectors = encoder.encode_passages(batch, spans, shifts)
        for r, v, sp, sv in zip(recs, vectors, spans, sentence_vectors, strict=True):
            out[r.key] = v
            sents[r.key] = (sp, sv)
        if bar is not None:
            bar.update(len(batch))
        elif callable(progress):
            progress(min(start + len(batch), len(texts)), len(texts))
    if bar is not None:
        bar.close()
    return out, sents
