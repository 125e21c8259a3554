"""What retrieval needs from a search backend, and what a build needs to write into one.

Two implementations: the embedded default (:class:`qa.index.store.IndexStore`: FAISS + BM25 +
SQLite + the sentence table, versioned on disk) and a PostgreSQL + pgvector server
(:class:`qa.index.postgres.PgBackend`, the same SQL on a Citus cluster). Which one is used is decided
in one place, :func:`qa.index.open.open_backend`, from a path or a URL; nothing else knows.

A *row* is the backend's handle on one passage: a position in the embedded index, the passage id in
the server. Handles are only valid within the backend that returned them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from qa.index.record import PassageRecord
from qa.types import Passage, Span

__all__ = ["BackendWriter", "Restriction", "SearchBackend", "Window"]

Window = tuple[int, int] | None  # inclusive publication days (date ordinals), or any time
Restriction = object  # opaque: what restrict() returns for one (outlets, dates); None is "everything"


@runtime_checkable
class SearchBackend(Protocol):
    """The read side: searches with outlet/date filters, reads by row, statistics.

    Attributes:
        manifest: What the backend was built with: ``model``, ``dimension``, ``tokenizer``, counts.
        location: Where it is (a directory or a URL without password), for messages.
    """

    manifest: dict

    @property
    def location(self) -> str:
        """Where the backend is (directory or password-free URL)."""

    @property
    def n_articles(self) -> int:
        """Articles indexed."""

    def __len__(self) -> int:
        """Passages indexed."""

    def outlets(self) -> list[tuple[str, int]]:
        """``(outlet, number of articles)``, most articles first."""

    def outlet_names(self) -> list[str]:
        """Outlet names, most articles first."""

    def restrict(self, outlets: Sequence[str], window: Window) -> Restriction | None:
        """The passages of these outlets (all when empty) published within ``window`` (any time when None)."""

    def is_empty(self, restriction: Restriction | None) -> bool:
        """True when a restriction matches no passage."""

    def dense_rows(self, vector: np.ndarray, k: int, restriction: Restriction | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows by inner product with a unit vector: ``(rows, scores)``, best first."""

    def lexical_rows(self, tokens: list[str], k: int, restriction: Restriction | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows by BM25 (k1 1.2, b 0.75) of :func:`qa.index.lexical.tokenize` tokens."""

    def idf(self, tokens: list[str]) -> np.ndarray:
        """BM25 inverse document frequency of each token (float32)."""

    def passages_at(self, rows: Sequence[int], scores: Sequence[float] | None = None) -> list[Passage]:
        """Passages of ``rows``, in the order given."""

    def passages(self, ids: Sequence[int], scores: Sequence[float] | None = None) -> list[Passage]:
        """Passages by passage id, in the order given (unknown ids left out)."""

    def texts(self, limit: int | None = None) -> list[str]:
        """Passage texts (at most ``limit``), then article titles and outlet names: the index's words."""

    def vectors_at(self, rows: Sequence[int]) -> np.ndarray:
        """Passage vectors of ``rows`` (float32)."""

    def sentences_at(self, row: int) -> tuple[list[Span], np.ndarray]:
        """Sentence spans and float32 unit vectors of one row."""

    def sentences_many(self, rows: Sequence[int]) -> list[tuple[list[Span], np.ndarray]]:
        """:meth:`sentences_at` of several rows, in one read where the backend can."""

    def close(self) -> None:
        """Release files or connections."""


@runtime_checkable
class BackendWriter(Protocol):
    """The write side of a server backend: bulk, batched, idempotent by passage id."""

    def stored_keys(self) -> dict[int, str]:
        """Embedding key of every stored passage, by passage id (what a resumed build can skip)."""

    def upsert(self, records: Sequence[PassageRecord], vectors: np.ndarray,
               sentences: Sequence[tuple[Sequence[Span], np.ndarray]]) -> None:
        """Insert or replace passages by id, in one transaction."""

    def delete(self, ids: Sequence[int]) -> int:
        """Remove passages by id (and articles left without passages); returns how many were removed."""

    def count(self) -> int:
        """Passages stored."""

    def finish(self, meta: dict) -> None:
        """Record the build's manifest fields and build what is built once after a bulk load (indexes)."""
