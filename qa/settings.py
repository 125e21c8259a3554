"""Every tuning number of qa in one frozen tree: :class:`Settings`.

=================  ===================================================  ======================================
section            what it tunes                                        where it is used
=================  ===================================================  ======================================
``retrieval``      candidates, fusion (RRF, BM25 cut, re-rank), routing  :mod:`qa.answering.retrieve`, ``query``
``quotes``         sentence scoring, quote shapes, the scorer's          :mod:`qa.answering.scoring`, ``compose``
                   confidence and abstention
``reader``         the trained reader's use and calibration (None: the   :mod:`qa.answering.reading`, ``compose``
                   reader's own ``reader.json``)
``followup``       follow-up questions                                   :mod:`qa.answering.followup`
``spelling``       typos corrected against the index's vocabulary        :mod:`qa.answering.spelling`
``index``          BM25 (k1, b, IDF variant), vectors (HNSW M, ef)       :mod:`qa.index` builds; an opened index
                                                                         uses those its manifest records
=================  ===================================================  ======================================

A :class:`qa.Answerer` takes a ``Settings``; :func:`qa.build_index` takes one for a new index::

    settings = qa.Settings().updated(retrieval={"pool": 200}, quotes={"abstain_below": 0.3})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from qa.answering.settings import (
    DEFAULT_FOLLOWUP,
    DEFAULT_QUOTES,
    DEFAULT_READER,
    DEFAULT_RETRIEVAL,
    DEFAULT_SPELLING,
    FollowupSettings,
    QuoteSettings,
    ReaderSettings,
    RetrievalSettings,
    SpellingSettings,
)
from qa.config import Config
from qa.index.settings import BM25Settings, IndexSettings, ServerVectorSettings, VectorSettings

__all__ = ["BM25Settings", "FollowupSettings", "IndexSettings", "QuoteSettings", "ReaderSettings",
           "RetrievalSettings", "ServerVectorSettings", "Settings", "SpellingSettings", "VectorSettings"]


def _changed(section: object, changes: Mapping[str, object], name: str) -> object:
    known = {f.name for f in fields(section)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise TypeError(f"Settings.{name} has no field {', '.join(unknown)} (fields: {', '.join(sorted(known))})")
    return replace(section, **changes)


@dataclass(frozen=True)
class Settings:
    """Every tuning number of the answer path and of the index, in one frozen tree (defaults: tuned on dev data).

    Attributes:
        retrieval: Candidates, fusion, re-ranking and routing.
        quotes: Sentence scoring, quote shapes, the sentence scorer's confidence and thresholds.
        reader: How the trained reader is used; None: the settings stored with the reader (its
            ``reader.json``: calibration and thresholds fitted by ``qa calibrate-reader``).
        followup: Follow-up questions.
        spelling: Typos corrected against the index's vocabulary.
        index: BM25 and vector settings of a new index (an opened index is searched with those it records).
    """

    retrieval: RetrievalSettings = DEFAULT_RETRIEVAL
    quotes: QuoteSettings = DEFAULT_QUOTES
    reader: ReaderSettings | None = None
    followup: FollowupSettings = DEFAULT_FOLLOWUP
    spelling: SpellingSettings = DEFAULT_SPELLING
    index: IndexSettings = field(default_factory=IndexSettings)

    def updated(self, **sections: Mapping[str, object]) -> Settings:
        """A copy with some fields changed, by section: ``updated(retrieval={"pool": 200})``.

        A change to ``reader`` when it is None starts from :class:`ReaderSettings`' defaults (take
        :attr:`qa.Answerer.settings` to start from the reader's own). ``index`` takes ``bm25``,
        ``vectors`` and ``server_vectors`` mappings.

        Raises:
            TypeError: An unknown section or field.
        """
        changes: dict[str, object] = {}
        for name, values in sections.items():
            if name not in {f.name for f in fields(self)}:
                raise TypeError(f"Settings has no section {name!r} (retrieval, quotes, reader, followup, spelling, "
                                "index)")
            if name == "index":
                index = self.index
                parts = {k: _changed(getattr(index, k), v, f"index.{k}") if isinstance(v, Mapping) else v
                         for k, v in values.items()}
                changes[name] = _changed(index, parts, "index")
            else:
                current = getattr(self, name)
                changes[name] = _changed(DEFAULT_READER if current is None else current, values, name)
        return replace(self, **changes)

    @classmethod
    def from_env(cls, config: Config | None = None) -> Settings:
        """The default settings with what the environment sets (``$QA_ANN_THRESHOLD``, via :class:`qa.Config`)."""
        threshold = (config or Config.from_env()).ann_threshold
        settings = cls()
        return settings if threshold is None else settings.updated(index={"vectors": {"ann_threshold": threshold}})
