"""The embedded index behind :class:`qa.index.backend.BackendWriter`: upserts and deletes by passage id.

The embedded index is immutable per version, so changes are staged in memory and :meth:`finish` writes
one complete new version (the live rows with the changes applied, in row order, new rows last) that
becomes live atomically (:func:`qa.index.writer.write_index`). Builds from the corpus write versions
directly; this is the same contract as the server's writer, for code that edits by passage id.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.index.manifest import current_version, read_manifest
from qa.index.record import PassageRecord
from qa.index.sentences import SentenceTable
from qa.index.store import IndexStore
from qa.index.writer import write_index
from qa.types import Span

__all__ = ["EmbeddedWriter"]

Row = tuple[PassageRecord, np.ndarray, tuple[list[Span], np.ndarray]]


class EmbeddedWriter:
    """Stages upserts/deletes against the live version of an index directory; :meth:`finish` writes them."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._rows: dict[int, Row] | None = None

    def _live(self) -> dict[int, Row]:
        """Every live row by passage id, in row order (read once)."""
        if self._rows is None:
            self._rows = {}
            if current_version(self.root) is not None:
                store = IndexStore.open(self.root)
                try:
                    vectors = store.dense.reconstruct()
                    for row, record in enumerate(store.records()):
                        self._rows[record.id] = (record, vectors[row], store.sentences_at(row))
                finally:
                    store.close()
        return self._rows

    def stored_keys(self) -> dict[int, str]:
        """Embedding key of every passage (staged changes included), by passage id."""
        return {pid: row[0].key for pid, row in self._live().items()}

    def upsert(self, records: Sequence[PassageRecord], vectors: np.ndarray,
               sentences: Sequence[tuple[Sequence[Span], np.ndarray]]) -> None:
        """Stage inserting or replacing passages by id (a replaced passage keeps its row)."""
        if not len(records) == len(vectors) == len(sentences):
            raise ValueError(f"{len(records)} passages, {len(vectors)} vectors, {len(sentences)} sentence sets")
        live = self._live()
        for record, vector, (spans, svecs) in zip(records, vectors, sentences, strict=True):
            live[record.id] = (record, np.asarray(vector, dtype=np.float32), (list(spans), np.asarray(svecs)))

    def delete(self, ids: Sequence[int]) -> int:
        """Stage removing passages by id; returns how many were present."""
        live = self._live()
        return sum(live.pop(int(i), None) is not None for i in ids)

    def count(self) -> int:
        """Passages, staged changes included."""
        return len(self._live())

    def finish(self, meta: dict) -> None:
        """Write the staged state as a new live version (``meta``: the encoder's describe() and corpus fields;
        the live manifest's fields are kept where ``meta`` lacks them)."""
        rows = list(self._live().values())
        if not rows:
            raise ValueError("an index needs at least one passage")
        meta = {**{k: v for k, v in (read_manifest(self.root) or {}).items()
                   if k not in ("files", "count", "articles", "created", "format_version", "vector_index")}, **meta}
        table = SentenceTable.build([r[2][0] for r in rows], [r[2][1] for r in rows])
        write_index(self.root, [r[0] for r in rows], np.stack([r[1] for r in rows]), meta, sentences=table)
