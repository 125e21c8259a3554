"""The answer path built once: :class:`Answerer` (an index, one :class:`~qa.settings.Settings`, an encoder, a reader).

``qa.answer()`` and ``qa.retrieve()`` are thin wrappers over a default ``Answerer`` (:mod:`qa.api`). Indexes
are opened once per process (:func:`open_index`) and a replaced index is picked up by the next question.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from qa.answering.attribution import attribute_claim, keep_stated
from qa.answering.compose import best_quotes, build_answer, read_quotes
from qa.answering.differences import find_differences
from qa.answering.evidence import EvidencePool
from qa.answering.followup import resolve_followup
from qa.answering.intents import asks_source, claim_asked, disagreement_topic, is_comparison, is_yes_no
from qa.answering.metadata import article_fact, asked_field
from qa.answering.query import analyse, check_question, make_query
from qa.answering.reading import Reading
from qa.answering.retrieve import search
from qa.answering.settings import ReaderSettings
from qa.answering.sources import without_unindexed
from qa.answering.spelling import correct_spelling
from qa.config import Config
from qa.conversation import Turn
from qa.errors import ConfigError, ModelMismatch, QuestionError
from qa.fsio import check_directory
from qa.index.backend import SearchBackend
from qa.index.open import cache_key, index_target, open_backend, still_live
from qa.index.store import IndexStore
from qa.model import Encoder, Reader, get_encoder, get_reader
from qa.model.reader import Span as ReaderSpan
from qa.outlets import outlet_key
from qa.settings import Settings
from qa.types import Answer, Difference, OutletQuotes, Passage

__all__ = ["DIFFERENCES_DEPTH", "DIFFERENCES_WHOLE_INDEX", "Answerer", "IndexLike", "check_outlets",
           "differences_answer", "open_index"]

DIFFERENCES_DEPTH = 40  # passages compared for a topic
DIFFERENCES_WHOLE_INDEX = 3000  # largest index compared whole (no topic)
_cache: dict[str, SearchBackend] = {}
_cache_lock = threading.Lock()
IndexLike = str | Path | IndexStore | SearchBackend | None


def open_index(index: IndexLike = None, encoder: Encoder | None = None) -> SearchBackend:
    """Open an index, reusing the open one of this process.

    ``index`` is a directory or a ``postgresql://`` search-server URL (default ``$QA_BACKEND_URL``,
    else ``$QA_INDEX`` or ``./index``); an opened backend is returned as is. When an index on disk
    was replaced by a newer version, the new version is opened and the next queries use it (readers
    switch atomically). A freshly opened index must have been built with ``encoder``'s model (default:
    the configured one).

    Raises:
        QAError: No index exists there, the path is a file, the index is corrupted or built with another
            model, or the server is unreachable (the message names the fix).
    """
    if index is not None and not isinstance(index, (str, Path)):
        return index
    target = index_target(index)
    if isinstance(target, Path):
        check_directory(target.resolve())
    key = cache_key(target)
    with _cache_lock:
        store = _cache.get(key)
        if store is not None and still_live(store, target):
            return store
        fresh = open_backend(target)
        built_with, name = fresh.manifest.get("model"), (encoder or get_encoder()).name
        if built_with and built_with != name:  # vectors of one model, questions embedded by another
            raise ModelMismatch(f"index built with model {built_with!r} but the configured model is {name!r}",
                                source=fresh.location)
        _cache[key] = fresh
        return fresh


@lru_cache(maxsize=4)
def _reading(reader: Reader | None) -> ReaderSettings:
    """How a reader is used: the settings stored with it (calibration, thresholds)."""
    return ReaderSettings.from_config(reader.config.get("answering", {}) if reader is not None else {})


def check_outlets(known: Sequence[str], outlets: Sequence[str] | None, shown: int = 12) -> None:
    """Refuse an outlet filter naming an outlet the index has no article from (it could only abstain).

    Raises:
        QuestionError: Some named outlet has no article in the index (``field="outlets"``); the
            message lists the outlets it has (at most ``shown``).
    """
    keys = {outlet_key(o) for o in known}
    missing = [o for o in outlets or () if outlet_key(o) not in keys]
    if missing:
        listed = ", ".join(known[:shown]) + (f" and {len(known) - shown} more" if len(known) > shown else "")
        raise QuestionError(f"no articles from {', '.join(missing)} in the index; outlets: {listed or 'none'}",
                            field="outlets")


def differences_answer(asked: str, searched: str, found: Sequence[Difference], n_articles: int) -> Answer:
    """The answer to "What do the outlets disagree about?": the differences, every outlet's quotes (none found: an
    abstention that says so, :attr:`~qa.types.Answer.compared`)."""
    quotes = [q for d in found for q in d.quotes]
    by_outlet: dict[str, list] = {}
    for q in quotes:
        by_outlet.setdefault(q.outlet, []).append(q)
    return Answer(question=asked, quotes=tuple(quotes), abstained=not found, searched=searched,
                  outlets=tuple(OutletQuotes(o, tuple(qs)) for o, qs in by_outlet.items()), n_articles=n_articles,
                  disagreement=bool(found), differences=tuple(found), compared=True)


class Answerer:
    """Answers questions over one index with one set of settings, an encoder and a reader, built once.

    Args:
        index: Index directory, ``postgresql://`` URL or an opened index (default ``$QA_BACKEND_URL``, else
            ``$QA_INDEX`` or ``./index``); opened on first use, a newer version picked up when it goes live.
        settings: Every tuning number (default :class:`~qa.settings.Settings`; ``settings.reader`` None: the
            reader's own, from its ``reader.json``).
        encoder: The embedding model (default: the configured one, :func:`qa.model.get_encoder`).
        reader: The extractive reader: a loaded one, its directory, ``False`` for none (the sentence scorer
            alone), or None for the configured one (``$QA_READER``).
        config: The environment's configuration (default :meth:`qa.Config.from_env`, read here once).

    Raises:
        ConfigError: ``reader`` names no reader directory (when first used).
    """

    def __init__(self, index: IndexLike = None, settings: Settings | None = None, encoder: Encoder | None = None,
                 reader: Reader | str | Path | bool | None = None, *, config: Config | None = None) -> None:
        self.config = config or Config.from_env()
        self.target = self.config.default_index() if index is None else index
        self.given_settings = settings or Settings()
        self.given_encoder, self.given_reader = encoder, reader
        self._loaded: list[Reader | None] = []

    @property
    def encoder(self) -> Encoder:
        """The embedding model questions are encoded with."""
        return self.given_encoder or get_encoder()

    @property
    def reader(self) -> Reader | None:
        """The extractive reader (loaded on first use), or None: the sentence scorer alone."""
        if not self._loaded:
            given = self.given_reader
            if given is None or given is True or isinstance(given, (str, Path)):
                where = self.config if given is None or given is True else self.config.replace(reader=str(given))
                self._loaded.append(get_reader(where))
            else:
                self._loaded.append(None if given is False else given)
        return self._loaded[0]

    @property
    def reading(self) -> ReaderSettings:
        """How the reader is used: ``settings.reader``, else the settings stored with the reader."""
        return self.given_settings.reader or _reading(self.reader)

    @property
    def settings(self) -> Settings:
        """The settings in use, ``reader`` filled in (start here to change a reader setting)."""
        return replace(self.given_settings, reader=self.reading)

    def index(self) -> SearchBackend:
        """The opened index (the live version of a directory)."""
        return open_index(self.target, self.encoder)

    def retrieve(self, question: str, k: int = 5, *, outlets: Sequence[str] | None = None) -> list[Passage]:
        """The ``k`` passages that best match the question, best first (see :func:`qa.retrieve`).

        Raises:
            QAError: A bad question, an outlet with no article in the index, a missing or corrupted index.
        """
        store = self.index()
        names = store.outlet_names()
        check_outlets(names, outlets)
        s = self.given_settings
        question = correct_spelling(check_question(question), store, names, s.spelling)  # typos, the index's words
        return search(store, analyse(question, names, self.encoder, s.retrieval), k, outlets, s.retrieval).passages

    def answer(self, question: str, k: int = 5, *, outlets: Sequence[str] | None = None, depth: int | None = None,
               history: Sequence[Turn | Answer] | None = None) -> Answer:
        """Answer a question with verbatim quotes (see :func:`qa.answer` for the arguments).

        Raises:
            QAError: A bad question, an outlet with no article in the index, a missing or corrupted index.
        """
        store = self.index()
        names = store.outlet_names()  # one read per question (a query on a search server)
        check_outlets(names, outlets)
        asked = check_question(question)  # validated once: what follows is built from it
        s = self.given_settings
        spelled = correct_spelling(asked, store, names, s.spelling)  # typos corrected against the index's own words
        turns = [t if isinstance(t, Turn) else Turn.of(t) for t in history or ()]
        if turns and asks_source(spelled) and turns[-1].source is not None:  # "Which outlet said that?"
            earlier = turns[-1].source
            return replace(earlier, question=asked, searched=earlier.searched or earlier.question, recalled=True)
        searched = resolve_followup(spelled, turns, names, s.followup)
        # "Which outlet said X?": no span names the outlet, X's sentences do ("Which outlet published the story
        # about X?" asks for the story's metadata)
        claim = None if asked_field(searched) else claim_asked(searched)
        searched = searched if claim is None else claim
        query = analyse(searched, names, self.encoder, s.retrieval)
        topic = disagreement_topic(searched, len(query.named_outlets))
        if topic is not None:  # "What do the outlets disagree about?"
            found = self._differences(store, topic or None, outlets)
            return differences_answer(asked, searched, found, store.n_articles)
        reader, reading = (self.reader if claim is None else None), self.reading  # a claim: the sentence scorer's
        quoted = k if claim is None else 2 * k  # which outlets print a claim: each outlet's passages heard further down
        wanted = max(quoted, depth or k, reading.retrieve_per_k * k if reader is not None else k)
        retrieved = search(store, query, wanted, outlets, s.retrieval)
        scope = tuple(outlets or query.named_outlets)
        # a comparison, or a yes/no question about what two named outlets say ("Did A contradict B on X?"): an
        # extractive answer cannot say yes or no, so each named outlet's own words on X are shown side by side
        compare = is_comparison(searched, len(scope)) or (is_yes_no(searched) and len(query.named_outlets) >= 2)
        floor = 0.0
        if outlets and reader is not None and not compare:  # filtering never lowers the bar: the index's best answer
            whole = search(store, query, reading.retrieve_per_k * k, None, s.retrieval).head(k)
            read = read_quotes(query, best_quotes(query, whole, s.quotes), reader, reading)  # its quotes' confidence
            floor = reading.corroborate_within * max((round(c, 4) for _, c in read), default=0.0)
        passages = tuple(retrieved.passages[:max(k, depth or k)])
        fact = article_fact(searched, passages, names)  # "Who wrote the Newsweek article?": its metadata
        result = build_answer(query, retrieved, s.quotes, reader=reader, reading=reading, k=quoted, scope=scope,
                              compare=compare, abstain_floor=floor, question=asked, searched=searched,
                              passages=passages, facts=(fact,) if fact is not None else ())
        if claim is not None:  # each outlet held to the claim's own dates, numbers and names
            result = keep_stated(attribute_claim(result, claim))
        return without_unindexed(result, searched, names)

    def differences(self, topic: str | None = None, outlets: Sequence[str] | None = None) -> list[Difference]:
        """Claims several outlets print with different numbers, dates or names (see :func:`qa.differences`).

        Raises:
            QuestionError: A bad topic, an outlet with no article, or no topic for an index too large to compare.
        """
        store = self.index()
        check_outlets(store.outlet_names(), outlets)
        return self._differences(store, None if topic is None else check_question(topic), outlets)

    def _differences(self, store: SearchBackend, topic: str | None, outlets: Sequence[str] | None
                     ) -> list[Difference]:
        about, words = None, frozenset()
        if topic:
            query = analyse(topic, store.outlet_names(), self.encoder, self.given_settings.retrieval)
            evidence = search(store, query, DIFFERENCES_DEPTH, outlets, self.given_settings.retrieval).evidence
            about, words = query.vector, frozenset(query.search_tokens)  # only those about the topic, closest first
        else:
            if len(store) > DIFFERENCES_WHOLE_INDEX:
                raise QuestionError(f"the index has {len(store):,} passages: too many to compare all of them",
                                    field="topic", hint="name a topic (qa differences TOPIC)")
            evidence = EvidencePool(store).gather({row: 0.0 for row in range(len(store))}, []).evidence
            if outlets:
                keys = {outlet_key(o) for o in outlets}
                evidence = tuple(e for e in evidence if outlet_key(e.passage.outlet) in keys)
        return find_differences(evidence, about=about, about_words=words)

    def read(self, question: str, texts: Sequence[str]) -> list[ReaderSpan]:
        """The reader alone: the best answer span in each text (see :func:`qa.read_answers`).

        Raises:
            ConfigError: No reader (``QA_READER=none`` or ``reader=False``).
        """
        if self.reader is None:
            raise ConfigError("no reader is configured", source="QA_READER=none", hint="unset QA_READER")
        return self.reader.read(check_question(question), list(texts))

    def readings(self, question: str, k: int = 5) -> list[Reading]:
        """The readings the answer path makes of the first ``k`` passages, most confident first (calibration)."""
        store = self.index()
        query = make_query(question, store.outlet_names(), self.encoder, self.given_settings.retrieval)
        ranked = best_quotes(query, search(store, query, k, None, self.given_settings.retrieval),
                             self.given_settings.quotes)
        return [r for r, _ in read_quotes(query, ranked, self.reader, self.reading)]
