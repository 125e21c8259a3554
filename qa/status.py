"""What the faces show about an index: its articles and outlets, whether it is stale, or why it is unusable."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qa.api import open_index
from qa.index.open import index_target
from qa.ingest.staleness import stale_reason


@dataclass(frozen=True)
class IndexStatus:
    """The state of an index, as :func:`index_status` finds it.

    Attributes:
        path: The index directory, or the search server's URL.
        n_articles: Articles in the live index version (0 when it is unusable).
        outlets: ``(outlet, number of articles)`` for every outlet, most articles first.
        stale: Why the index does not reflect the corpus or the configured model, or None when it does
            (or when not compared).
        error: Why the index cannot be searched (missing, corrupted, other model: the exception that
            :func:`qa.open_index` raised, usually a :class:`~qa.errors.QAError`), or None when it can.
    """

    path: Path | str
    n_articles: int
    outlets: tuple[tuple[str, int], ...]
    stale: str | None
    error: ValueError | None

    @property
    def current(self) -> bool:
        """True when the index can be searched and reflects the corpus and the configured model."""
        return self.error is None and self.stale is None


def index_status(corpus: str | Path | None = None, index: str | Path | None = None, *,
                 compare: bool = True) -> IndexStatus:
    """Open the index (reusing the open one of this process) and compare it with the corpus.

    Never raises for an unusable index: that is reported in :attr:`IndexStatus.error`.

    Args:
        corpus: Corpus directory to compare with; None for the one the index was built from (no
            corpus check when that directory is gone).
        index: Index directory or server URL (default ``$QA_BACKEND_URL``, ``$QA_INDEX`` or ``./index``).
        compare: Compare with the corpus and the configured model (this hashes every corpus file);
            False skips that, and :attr:`IndexStatus.stale` is None.
    """
    root = index_target(index)
    stale = stale_reason(corpus, root) if compare else None
    try:
        store = open_index(root)
    except ValueError as exc:
        return IndexStatus(root, 0, (), stale, exc)
    return IndexStatus(root, store.n_articles, tuple(store.outlets()), stale, None)
