"""The public entry points: retrieve() and answer(), over an index opened once per process."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from qa.answer.quotes import build_answer
from qa.answer.retrieve import make_query, search
from qa.index.store import IndexStore, current_version, default_index
from qa.types import Answer, Passage

_cache: dict[Path, IndexStore] = {}
_cache_lock = threading.Lock()
IndexLike = str | Path | IndexStore | None


def open_index(index: IndexLike = None) -> IndexStore:
    """Open an index (default ``$QA_INDEX`` or ``./index``), reusing the open one of this process.

    When the index on disk was replaced by a newer version, the new version is opened and
    the next queries use it (readers switch atomically).

    Raises:
        ValueError: No index exists at the path, or it is corrupted (the message names the fix).
    """
    if isinstance(index, IndexStore):
        return index
    root = (Path(index) if index is not None else default_index()).resolve()
    live = current_version(root)
    with _cache_lock:
        store = _cache.get(root)
        if store is not None and live is not None and store.version == live:
            return store
        fresh = IndexStore.open(root)
        _check_model(fresh)
        _cache[root] = fresh
        return fresh


def _check_model(store: IndexStore) -> None:
    """Refuse to search vectors of one model with questions embedded by another."""
    from qa.errors import ModelMismatch
    from qa.model import get_encoder

    built_with = store.manifest.get("model")
    name = get_encoder().name
    if built_with and built_with != name:
        raise ModelMismatch(f"index built with model {built_with!r} but QA_MODEL gives {name!r}",
                            source=store.version.parent, hint="run `qa index --rebuild`")


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
        ValueError: Empty, too long or non-text question; missing or corrupted index.
    """
    store = open_index(index)
    return search(store, make_query(store, question), k, outlets)


def answer(question: str, k: int = 5, *, index: IndexLike = None,
           outlets: Sequence[str] | None = None) -> Answer:
    """Answer a question with verbatim quotes from the indexed articles.

    Args:
        question: A question in natural language.
        k: Number of passages to draw quotes from.
        index: Index directory or an opened :class:`~qa.index.store.IndexStore`.
        outlets: Only answer from these outlets.

    Returns:
        An :class:`~qa.types.Answer`: quotes best first (each a verbatim slice of its passage),
        ``abstained`` when nothing answers, and the supporting quotes grouped by outlet.
    """
    store = open_index(index)
    query = make_query(store, question)
    return build_answer(store, query, search(store, query, k, outlets))
