"""The public entry points: thin wrappers over a default :class:`~qa.answerer.Answerer`.

Each call reads the configuration (:meth:`qa.Config.from_env`) and uses the process's ``Answerer`` for it and
the index named; the index is opened once per process and a replaced one is picked up by the next question.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from qa.answerer import Answerer, IndexLike, open_index
from qa.config import Config
from qa.conversation import Turn
from qa.model.reader import Span as ReaderSpan
from qa.types import Answer, Difference, Passage

__all__ = ["answer", "default_answerer", "differences", "open_index", "read_answers", "reader_configured",
           "retrieve"]

_answerers: dict[tuple, Answerer] = {}
_lock = threading.Lock()


def default_answerer(index: IndexLike = None) -> Answerer:
    """The process's :class:`Answerer` for the current configuration and ``index`` (default settings)."""
    config = Config.from_env()
    if index is not None and not isinstance(index, (str, Path)):
        return Answerer(index, config=config)  # an opened index: nothing to keep
    key = (config, None if index is None else str(index))
    with _lock:
        found = _answerers.get(key)
        if found is None:
            found = _answerers[key] = Answerer(index, config=config)
        return found


def reader_configured() -> bool:
    """True when answers use the trained reader (False with ``QA_READER=none``).

    Raises:
        ConfigError: ``$QA_READER`` names no reader directory.
    """
    return default_answerer().reader is not None


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
    return default_answerer().read(question, texts)


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
    return default_answerer(index).retrieve(question, k, outlets=outlets)


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
            form (:attr:`Answer.searched`); a question that stands alone is searched as asked.

    Returns:
        An :class:`~qa.types.Answer`: quotes best first (each a verbatim slice of its passage),
        ``abstained`` when nothing answers, and the supporting quotes grouped by outlet.

    Raises:
        ValueError: As :func:`retrieve`: a bad question, an outlet with no article in the index
            (:class:`~qa.errors.QuestionError`), a missing or corrupted index.
    """
    return default_answerer(index).answer(question, k, outlets=outlets, depth=depth, history=history)


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
    return default_answerer(index).differences(topic, outlets)
