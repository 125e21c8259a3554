"""The index's own tuning numbers: BM25 (k1, b, IDF variant) and the vector indexes (HNSW M, ef).

A build records them in the index's manifest (``"bm25"``, ``"vectors"``, ``"server_vectors"``) and an
opened index reads them back from it (as bm25s keeps ``params.index.json`` beside its arrays), so an
index is always searched with the numbers it was built with; an index written before they were recorded
reads as the defaults, which are the numbers it was built with. :func:`bm25_idf` is the one IDF of both
backends (the embedded BM25 and the search server's BM25 in SQL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from qa.errors import ConfigError

__all__ = ["IDF_VARIANTS", "BM25Settings", "IndexSettings", "ServerVectorSettings", "VectorSettings", "bm25_idf"]

IDF_VARIANTS = ("lucene", "robertson", "atire")


def bm25_idf(df: np.ndarray | int, n_docs: int, variant: str = "lucene") -> np.ndarray:
    """BM25 inverse document frequency of terms found in ``df`` of ``n_docs`` documents (float64).

    ``lucene`` (bm25s's default, never negative): ``ln(1 + (N - df + 0.5) / (df + 0.5))``;
    ``robertson``: ``ln((N - df + 0.5) / (df + 0.5))``; ``atire``: ``ln(N / df)`` (df 0 read as 0.5).

    Raises:
        ConfigError: Another variant.
    """
    n = float(max(n_docs, 1))
    d = np.asarray(df, dtype=np.float64)
    if variant == "lucene":
        return np.log(1 + (n - d + 0.5) / (d + 0.5))
    if variant == "robertson":
        return np.log((n - d + 0.5) / (d + 0.5))
    if variant == "atire":
        return np.log(n / np.maximum(d, 0.5))
    raise ConfigError(f"unknown BM25 IDF variant {variant!r}; choose from {', '.join(IDF_VARIANTS)}", field="idf")


@dataclass(frozen=True)
class BM25Settings:
    """The lexical ranking (the same formula in both backends).

    Attributes:
        k1: Term-frequency saturation.
        b: Document-length normalisation.
        idf: IDF variant (:data:`IDF_VARIANTS`, :func:`bm25_idf`).
    """

    k1: float = 1.2
    b: float = 0.75
    idf: str = "lucene"

    def __post_init__(self) -> None:
        bm25_idf(0, 1, self.idf)  # refuses an unknown variant


@dataclass(frozen=True)
class VectorSettings:
    """The embedded index's vectors: exact search, or HNSW over float16 from ``ann_threshold`` rows.

    Attributes:
        ann_threshold: Rows from which a new index uses HNSW (``$QA_ANN_THRESHOLD`` through
            :class:`qa.config.Config`).
        hnsw_m: Graph neighbours per node.
        ef_construction: Candidate list while building the graph.
        ef_search: Candidate list while searching (recall@10 vs exact at 1M: 128 0.885, 512 0.98, 768 0.9975).
        exact_subset: A restricted search over at most this many rows is done exactly.
        subset_cache_rows: Float32 vectors of recently searched subsets kept, in rows (~370 MB).
    """

    ann_threshold: int = 200_000
    hnsw_m: int = 32
    ef_construction: int = 64
    ef_search: int = 768
    exact_subset: int = 50_000
    subset_cache_rows: int = 250_000


@dataclass(frozen=True)
class ServerVectorSettings:
    """pgvector's HNSW index on a search server.

    Attributes:
        hnsw_m: Graph neighbours per node.
        ef_construction: Candidate list while building the graph.
        ef_search: Candidate list while searching (retrieval asks for 100 rows per ranking).
        tie_margin: Extra BM25 rows fetched so that ties at the k-th place are ordered as the embedded index.
    """

    hnsw_m: int = 16
    ef_construction: int = 64
    ef_search: int = 200
    tie_margin: int = 16


def _section(cls: type, recorded: object):
    if not isinstance(recorded, Mapping):
        return cls()
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in recorded.items() if k in names})


@dataclass(frozen=True)
class IndexSettings:
    """What an index is built and searched with, recorded in its manifest.

    Attributes:
        bm25: The lexical ranking.
        vectors: The embedded index's vectors.
        server_vectors: A search server's vector index.
    """

    bm25: BM25Settings = field(default_factory=BM25Settings)
    vectors: VectorSettings = field(default_factory=VectorSettings)
    server_vectors: ServerVectorSettings = field(default_factory=ServerVectorSettings)

    def to_manifest(self) -> dict:
        """The manifest fields (``bm25``, ``vectors``, ``server_vectors``)."""
        return {"bm25": asdict(self.bm25), "vectors": asdict(self.vectors),
                "server_vectors": asdict(self.server_vectors)}

    @classmethod
    def from_manifest(cls, manifest: Mapping) -> IndexSettings:
        """The settings an index was built with (defaults for what an older manifest does not record)."""
        return cls(_section(BM25Settings, manifest.get("bm25")), _section(VectorSettings, manifest.get("vectors")),
                   _section(ServerVectorSettings, manifest.get("server_vectors")))
