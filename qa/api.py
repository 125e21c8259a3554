"""The public entry points: retrieve() and answer(), over an index opened once per process."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from qa.answering.compose import build_answer
from qa.answering.differences import find_differences
from qa.answering.evidence import EvidencePool
from qa.answering.followup import resolve_followup
from qa.answering.intents import asks_source, disagreement_topic, is_comparison, is_yes_no
from qa.answering.metadata import with_facts
from qa.answering.query import check_question, make_query
from qa.answering.retrieve import search
from qa.answering.settings import ReaderSettings
from qa.answering.spelling import correct_spelling
from qa.conversation import Turn
from qa.errors import ConfigError, ModelMismatch, QuestionError
from qa.fsio import check_directory
from qa.index.backend import SearchBackend
from qa.index.open import cache_key, index_target, open_backend, still_live
from qa.index.store import IndexStore
from qa.model import Reader, get_encoder, get_reader
from qa.model.reader import Span as ReaderSpan
from qa.outlets import outlet_key
from qa.types import Answer, Difference, OutletQuotes, Passage

DIFFERENCES_DEPTH = 40  # passages compared for a topic
DIFFERENCES_WHOLE_INDEX = 3000  # largest index compared whole (no topic)
_cache: dict[str, SearchBackend] = {}
_cache_lock = threading.Lock()
IndexLike = str | Path | IndexStore | SearchBackend | None


def open_index(index: IndexLike = None) -> SearchBackend:
    """Open an index, reusing the open one of this process.

    ``index`` is a directory or a ``postgresql://`` search-server URL (default ``$QA_BACKEND_URL``,
    else ``$QA_INDEX`` or ``./index``); an opened backend is returned as is. When an index on disk
    was replaced by a newer version, the new version is opened and the next queries use it (readers
    switch atomically).

    Raises:
        ValueError: No index exists there, the path is a file, the index is corrupted, or the server is
            unreachable (the message names the fix).
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
        _check_model(fresh)
        _cache[key] = fresh
        return fresh


def _check_model(store: SearchBackend) -> None:
    """Refuse to search vectors of one model with questions embedded by another."""
    built_with = store.manifest.get("model")
    name = get_encoder().name
    if built_with and built_with != name:
        raise ModelMismatch(f"index built with model {built_with!r} but the configured model is {name!r}",
                            source=store.location)


@lru_cache(maxsize=4)
def _reading(reader: Reader | None) -> ReaderSettings:
    """How a reader is used: the settings stored with it (calibration, thresholds)."""
    return ReaderSettings.from_config(reader.config.get("answering", {}) if reader is not None else {})


def reader_configured() -> bool:
    """True when answers use the trained reader (False with ``QA_READER=none``).

    Raises:
        ConfigError: ``$QA_READER`` names no reader directory.
    """
    return get_reader() is not None


def read_answers(question: str, texts: Sequence[str]) -> list[ReaderSpan]:
    """The trained reader alone: the best answer span in each text (no retrieval, no quotes).

    Args:
        question: The question.
        texts: Passages to read (each a paragraph or a few sentences).

    Returns:
        One span per text: ``texts[i][span.start:span.end]`` is the answer; ``span.margin`` and
        ``span.prob`` say how sure the reader is.

    Raises:
        ConfigError: No reader is configured (``QA_READER=none``) or it cannot be loaded.
    """
    reader = get_reader()
    if reader is None:
        raise ConfigError("no reader is configured", source="QA_READER=none", hint="unset QA_READER")
    return reader.read(check_question(question), list(texts))


def check_outlets(known: Sequence[str], outlets: Sequence[str] | None, shown: int = 12) -> None:
    """Refuse an outlet filter naming an outlet the index has no article from (it could only abstain).

    Args:
        known: The index's outlet names (``store.outlet_names()``).
        outlets: The outlets asked for.
        shown: Most outlet names listed in the message.

    Raises:
        QuestionError: Some named outlet has no article in the index (``field="outlets"``); the
            message lists the outlets it has.
    """
    keys = {outlet_key(o) for o in known}
    missing = [o for o in outlets or () if outlet_key(o) not in keys]
    if missing:
        listed = ", ".join(known[:shown]) + (f" and {len(known) - shown} more" if len(known) > shown else "")
        raise QuestionError(f"no articles from {', '.join(missing)} in the index; outlets: {listed or 'none'}",
                            field="outlets")


def retrieve(question: str, k: int = 5, *, index: IndexLike = None,
             outlets: Sequence[str] | None = None) -> list[Passage]:
    """Return the ``k`` passages that best match the question, best first.

    Args:
        question: A question in natural language (at most 2,000 characters).
        k: Number of passages.
        index: Index directory or an opened :class:`~qa.index.store.IndexStore`.
        outlets: Only search these outlets (names matched ignoring case and a leading "The").
            When not given and the question names outlets, each named outlet is represented.

    Raises:
        ValueError: Empty, too long or non-text question; an outlet with no article in the index
            (:class:`~qa.errors.QuestionError`); missing or corrupted index.
    """
    store = open_index(index)
    names = store.outlet_names()
    check_outlets(names, outlets)
    question = correct_spelling(check_question(question), store, names)  # typos, against the index's words
    return search(store, make_query(question, names, get_encoder()), k, outlets).passages


def answer(question: str, k: int = 5, *, index: IndexLike = None, outlets: Sequence[str] | None = None,
           depth: int | None = None, history: Sequence[Turn | Answer] | None = None) -> Answer:
    """Answer a question with verbatim quotes from the indexed articles.

    Args:
        question: A question in natural language.
        k: Number of passages to draw quotes from.
        index: Index directory or an opened :class:`~qa.index.store.IndexStore`.
        outlets: Only answer from these outlets.
        depth: Passages to retrieve and report in :attr:`Answer.passages` (default ``k``); quotes
            are drawn from the first ``k`` of them.
        history: The conversation so far, oldest first: earlier :class:`Answer` objects or
            :class:`Turn` records. A follow-up ("When did he sign it?") is searched in its stand-alone
            form (:attr:`Answer.searched`); a question that stands alone is searched as asked, its
            misspelled words corrected against the index's vocabulary (also shown in ``searched``).

    Returns:
        An :class:`~qa.types.Answer`: quotes best first (each a verbatim slice of its passage),
        ``abstained`` when nothing answers, and the supporting quotes grouped by outlet.

    Raises:
        ValueError: As :func:`retrieve`: a bad question, an outlet with no article in the index
            (:class:`~qa.errors.QuestionError`), a missing or corrupted index.
    """
    store = open_index(index)
    names = store.outlet_names()  # one read per question (a query on a search server)
    check_outlets(names, outlets)
    asked = check_question(question)
    spelled = correct_spelling(asked, store, names)  # typos corrected against the index's own words
    turns = [t if isinstance(t, Turn) else Turn.of(t) for t in history or ()]
    if turns and asks_source(spelled):  # "Which outlet said that?": the previous answer, no new search
        recalled = _recall(turns[-1], asked)
        if recalled is not None:
            return recalled
    searched = resolve_followup(spelled, turns, names)
    query = make_query(searched, names, get_encoder())
    topic = disagreement_topic(searched, len(query.named_outlets))
    if topic is not None:  # "What do the outlets disagree about?"
        found = _differences(store, topic or None, outlets)
        return differences_answer(asked, searched, found, store.n_articles)
    reader = get_reader()
    reading = _reading(reader)
    retrieved = search(store, query, max(k, depth or k, 2 * k if reader is not None else k), outlets)
    scope = tuple(outlets or query.named_outlets)
    # a comparison, or a yes/no question about what two named outlets say ("Did A contradict B on X?"): an
    # extractive answer cannot say yes or no, so each named outlet's own words on X are shown side by side
    compare = is_comparison(searched, len(scope)) or (is_yes_no(searched) and len(query.named_outlets) >= 2)
    floor = 0.0
    if outlets and reader is not None and not compare:  # filtering never lowers the bar: the index's best answer
        everywhere = build_answer(query, search(store, query, 2 * k), reader=reader, reading=reading, k=k)
        floor = reading.corroborate_within * max((q.score for q in everywhere.quotes), default=0.0)
    result = build_answer(query, retrieved, reader=reader, reading=reading, k=k, scope=scope, compare=compare,
                          abstain_floor=floor)
    passages = tuple(retrieved.passages[:max(k, depth or k)])
    return with_facts(replace(result, question=asked, searched=searched, passages=passages), names)  # metadata


def differences_answer(asked: str, searched: str, found: Sequence[Difference], n_articles: int) -> Answer:
    """The answer to "What do the outlets disagree about?": the differences, every outlet's quotes."""
    quotes = [q for d in found for q in d.quotes]
    by_outlet: dict[str, list] = {}
    for q in quotes:
        by_outlet.setdefault(q.outlet, []).append(q)
    return Answer(question=asked, quotes=tuple(quotes), abstained=not found, searched=searched,
                  outlets=tuple(OutletQuotes(o, tuple(qs)) for o, qs in by_outlet.items()), n_articles=n_articles,
                  disagreement=bool(found), differences=tuple(found))


def _recall(turn: Turn, asked: str) -> Answer | None:
    """The previous answer restated for a question about its source (None: no earlier answer to restate)."""
    if turn.source is None:
        return None
    return replace(turn.source, question=asked, searched=turn.source.searched or turn.source.question,
                   recalled=True)


def _differences(store: SearchBackend, topic: str | None, outlets: Sequence[str] | None) -> list[Difference]:
    if topic:
        query = make_query(topic, store.outlet_names(), get_encoder())
        evidence = search(store, query, DIFFERENCES_DEPTH, outlets).evidence
    else:
        if len(store) > DIFFERENCES_WHOLE_INDEX:
            raise QuestionError(f"the index has {len(store):,} passages: too many to compare all of them",
                                field="topic", hint="name a topic (qa differences TOPIC)")
        evidence = EvidencePool(store).gather({row: 0.0 for row in range(len(store))}, []).evidence
        if outlets:
            keys = {outlet_key(o) for o in outlets}
            evidence = tuple(e for e in evidence if outlet_key(e.passage.outlet) in keys)
    return find_differences(evidence)


def differences(topic: str | None = None, outlets: Sequence[str] | None = None, *,
                index: IndexLike = None) -> list[Difference]:
    """Where the outlets differ: claims several outlets print with different numbers, dates or names.

    Sentences that several outlets print about the same story are aligned by meaning; those whose
    numbers, dates or names differ are returned, each with every outlet's verbatim quote.

    Args:
        topic: Only passages about this (the best ``DIFFERENCES_DEPTH`` for it); None: the whole index
            (up to ``DIFFERENCES_WHOLE_INDEX`` passages).
        outlets: Only these outlets.
        index: Index directory, search-server URL or an opened index.

    Raises:
        QuestionError: An empty or over-long topic, an outlet with no article in the index, or no topic
            for an index too large to compare whole.
    """
    store = open_index(index)
    check_outlets(store.outlet_names(), outlets)
    if topic is not None:
        topic = check_question(topic)
    return _differences(store, topic, outlets)
