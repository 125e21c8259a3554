"""Evidence: everything later stages need about each candidate passage, read once per question.

Retrieval collects candidates through an :class:`EvidencePool` bound to one index and one question:
sentence spans and vectors are read at most once per row (re-ranking and quote building share
them), and the chosen rows' passages and vectors are read in one go. Quote building then works on
:class:`Evidence` alone and never sees the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from qa.index.backend import SearchBackend
from qa.types import Passage, Span

__all__ = ["Evidence", "EvidencePool", "Retrieved"]


@dataclass(frozen=True, eq=False)
class Evidence:
    """One candidate passage with its stored analysis.

    Attributes:
        passage: The passage (text, outlet, title...), its ``score`` the retrieval score.
        row: Its row in the index it came from.
        sentences: Sentence spans in ``passage.text``.
        sentence_vectors: One unit vector per sentence, ``(len(sentences), d)`` float32.
        vector: The passage's unit vector, ``(d,)`` float32.
    """

    passage: Passage
    row: int
    sentences: tuple[Span, ...]
    sentence_vectors: np.ndarray
    vector: np.ndarray


@dataclass(frozen=True)
class Retrieved:
    """What retrieval hands to quote building.

    Attributes:
        evidence: The chosen passages with their analysis, best first.
        idf: Inverse document frequency (float32) of every search word of the question and of
            its parts, in the index searched.
        n_articles: Articles in the index searched.
    """

    evidence: tuple[Evidence, ...]
    idf: Mapping[str, np.float32]
    n_articles: int

    def idf_of(self, tokens: Sequence[str]) -> np.ndarray:
        """The IDF of each token (float32 array; 0 for a word never looked up)."""
        return np.array([self.idf.get(t, 0.0) for t in tokens], dtype=np.float32)

    def head(self, k: int) -> Retrieved:
        """The first ``k`` passages only."""
        return replace(self, evidence=self.evidence[:k])

    @property
    def passages(self) -> list[Passage]:
        """The chosen passages, best first."""
        return [e.passage for e in self.evidence]


class EvidencePool:
    """The candidates of one question in one index; each row's data is read at most once."""

    def __init__(self, store: SearchBackend) -> None:
        self.store = store
        self._sentences: dict[int, tuple[list[Span], np.ndarray]] = {}

    def sentences(self, row: int) -> tuple[list[Span], np.ndarray]:
        """Sentence spans and vectors of a row."""
        hit = self._sentences.get(row)
        if hit is None:
            hit = self._sentences[row] = self.store.sentences_at(row)
        return hit

    def _prefetch(self, rows: Sequence[int]) -> None:
        """Read the sentences of the rows not read yet, in one backend call."""
        missing = [r for r in dict.fromkeys(rows) if r not in self._sentences]
        if missing:
            self._sentences.update(zip(missing, self.store.sentences_many(missing), strict=True))

    def max_sim(self, rows: Sequence[int], vector: np.ndarray) -> np.ndarray:
        """Highest cosine between ``vector`` and any sentence of each row (0 for a row without sentences)."""
        self._prefetch(rows)
        out = []
        for row in rows:
            _, vecs = self.sentences(row)
            out.append(float((vecs @ vector).max()) if len(vecs) else 0.0)
        return np.array(out, dtype=np.float32)

    def gather(self, chosen: Mapping[int, float], words: Iterable[str]) -> Retrieved:
        """The evidence of the chosen rows (``row -> score``, best first) and the IDF of ``words``."""
        rows = list(chosen)
        passages = self.store.passages_at(rows, list(chosen.values()))
        vectors = self.store.vectors_at(rows) if rows else np.zeros((0, 0), np.float32)
        self._prefetch(rows)
        evidence = []
        for row, passage, vector in zip(rows, passages, vectors, strict=True):
            spans, vecs = self.sentences(row)
            evidence.append(Evidence(passage, row, tuple(spans), vecs, vector))
        unique = list(dict.fromkeys(words))
        idf = dict(zip(unique, self.store.idf(unique), strict=True)) if unique else {}
        return Retrieved(tuple(evidence), idf, self.store.n_articles)
