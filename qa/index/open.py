"""The one place that decides which search backend an index target means: a directory or a server URL.

A target is a directory (the embedded index: FAISS + BM25 + SQLite, :class:`qa.index.store.IndexStore`)
or a ``postgresql://`` URL (a PostgreSQL + pgvector server or Citus cluster,
:class:`qa.index.postgres.PgBackend`). With no target, ``$QA_BACKEND_URL`` wins over
``$QA_INDEX``/``./index`` (:func:`qa.config.default_index`).
"""

from __future__ import annotations

from pathlib import Path

from qa.config import default_index
from qa.index.backend import SearchBackend
from qa.index.manifest import current_version
from qa.index.pgschema import URL_SCHEMES, is_url

__all__ = ["as_url", "cache_key", "index_target", "is_url", "open_backend", "server_manifest", "still_live"]


def as_url(target: object) -> str | None:
    """The server URL that ``target`` names, or None for a directory.

    A URL that went through ``pathlib.Path`` (which folds ``//`` to ``/``) is recognised too.
    """
    if target is None:
        return None
    text = str(target)
    if is_url(text):
        return text
    for scheme in URL_SCHEMES:
        folded = scheme[:-1]  # "postgresql:/"
        if text.startswith(folded) and not text.startswith(scheme):
            return scheme + text[len(folded):]
    return None


def index_target(index: str | Path | None) -> str | Path:
    """A URL (str) or a directory (Path) for an index argument; None means the configured default."""
    if index is None:
        index = default_index()
    url = as_url(index)
    return url if url is not None else Path(index)


def cache_key(target: str | Path) -> str:
    """What identifies an opened backend in a per-process cache."""
    return target if isinstance(target, str) else str(Path(target).resolve())


def open_backend(target: str | Path | None, verify: bool = True) -> SearchBackend:
    """Open the backend that ``target`` names (see the module docstring).

    Raises:
        ConfigError: An unreachable server (the URL is named, never its password).
        IndexMissing: Nothing built there yet.
        IndexCorrupted: A damaged embedded index.
    """
    target = index_target(target)
    if isinstance(target, str):
        from qa.index.postgres import PgBackend

        return PgBackend.open(target)
    from qa.index.store import IndexStore

    return IndexStore.open(target, verify=verify)


def still_live(backend: SearchBackend, target: str | Path) -> bool:
    """True when an opened backend still serves what ``target`` names (a server always does; an embedded
    index until a newer version becomes live)."""
    if isinstance(target, str):
        return True
    live = current_version(Path(target).resolve())
    return live is not None and getattr(backend, "version", None) == live


def server_manifest(url: str) -> dict:
    """The manifest of the last finished build on a server.

    Raises:
        ConfigError: The server is unreachable.
        IndexMissing: Nothing was built there yet.
    """
    from qa.index.postgres import PgBackend

    backend = PgBackend.open(url)
    try:
        return backend.manifest
    finally:
        backend.close()
