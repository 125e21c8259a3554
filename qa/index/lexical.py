"""Lexical side: one tokenizer for indexing, querying and quote scoring, and the BM25 index (bm25s)."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.index.settings import BM25Settings, bm25_idf

_TOKEN = re.compile(r"(?u)\b\w\w+\b|\b\d\b")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def _bm25s():
    """The bm25s module, its logger back at WARNING: bm25s sets it to DEBUG on import, so every build
    printed "DEBUG bm25s: Building index from tokens" under any logging set-up that shows records."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-word-free, Snowball-stemmed word tokens of ``text``."""
    stop = _stopwords()
    words = [w for w in _TOKEN.findall(text.lower()) if w not in stop]
    return _stemmer().stemWords(words) if words else []


class BM25Index:
    """A BM25 index over passages in row order, persisted as bm25s's ``.npy`` + JSON files."""

    def __init__(self, retriever, settings: BM25Settings | None = None) -> None:
        self._r = retriever
        self.settings = settings or BM25Settings()
        self._vocab: dict[str, int] = retriever.vocab_dict
        indptr = np.asarray(retriever.scores["indptr"])
        self.n_docs = int(retriever.scores["num_docs"])
        self._df = np.diff(indptr)

    @classmethod
    def build(cls, texts: list[str], settings: BM25Settings | None = None) -> BM25Index:
        """Index ``texts`` (one per row) with ``settings`` (k1, b, IDF variant; default :class:`BM25Settings`)."""
        settings = settings or BM25Settings()
        retriever = _bm25s().BM25(k1=settings.k1, b=settings.b, method=settings.idf)
        retriever.index([tokenize(t) or ["\u2205"] for t in texts], show_progress=False)
        return cls(retriever, settings)

    def save(self, directory: Path) -> None:
        """Write the index files into ``directory`` (no pickle)."""
        self._r.save(str(directory), show_progress=False, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, mmap: bool = False, settings: BM25Settings | None = None) -> BM25Index:
        """Open an index written by :meth:`save` (``settings``: those it was built with, from the manifest)."""
        return cls(_bm25s().BM25.load(str(directory), mmap=mmap, show_progress=False, allow_pickle=False), settings)

    def idf(self, tokens: list[str]) -> np.ndarray:
        """Inverse document frequency of each token (:func:`~qa.index.settings.bm25_idf`; unknown tokens as df 0)."""
        df = [int(self._df[j]) if (j := self._vocab.get(tok)) is not None else 0 for tok in tokens]
        return bm25_idf(np.asarray(df, dtype=np.int64), self.n_docs, self.settings.idf).astype(np.float32)

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (float32; zeros when no token is known)."""
        known = [t for t in tokens if t in self._vocab]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self._r.get_scores(known), dtype=np.float32)

    def search(self, tokens: list[str], k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows for the query tokens: ``(rows, scores)``, best first, zero scores dropped.

        Args:
            tokens: Query tokens from :func:`tokenize`.
            k: How many rows to return at most.
            rows: Optional sorted row numbers to search among (the others are excluded); the top-k
                selection then runs over those rows only.
        """
        empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if self.n_docs == 0 or (rows is not None and len(rows) == 0):
            return empty
        scores = self.scores(tokens)
        if not scores.any():
            return empty
        candidates = np.arange(self.n_docs, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
        if rows is not None:
            scores = scores[candidates]
        k = min(k, len(candidates))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return candidates[top], scores[top]
